#pragma once

// The geometry of a Levey-Jennings chart, computed once and drawn by two painters (SVG text and a
// cairo PNG), so that both show the same chart. Coordinates are in pixels from the top-left
// corner, y downwards. Every element carries its own colour, stroke and font, so the painters
// make no choices of their own. Every text is valid UTF-8 without control characters (invalid
// bytes become U+FFFD), but not escaped for any format.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "report/levey_jennings.h"

namespace aliquot::report {

struct Rgb {
  std::uint8_t red = 0;
  std::uint8_t green = 0;
  std::uint8_t blue = 0;
};

enum class Dash { kSolid, kDashed, kDotted };

struct Stroke {
  Rgb color;
  double width = 1;
  Dash dash = Dash::kSolid;
};

// On and off lengths in pixels; empty for a solid line.
std::vector<double> dash_pattern(Dash dash);

struct Point2 {
  double x = 0;
  double y = 0;
};

struct Segment {
  Point2 from;
  Point2 to;
  Stroke stroke;
};

struct Box {
  double left = 0;
  double top = 0;
  double right = 0;
  double bottom = 0;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

enum class TextAnchor { kStart, kMiddle, kEnd };
enum class FontWeight { kNormal, kBold };

// `y` is the baseline.
struct Label {
  Point2 at;
  std::string text;
  double font_size = 10;
  TextAnchor anchor = TextAnchor::kStart;
  FontWeight weight = FontWeight::kNormal;
  Rgb color;
};

enum class MarkShape { kCircle, kTriangle, kDiamond };
enum class MarkFill { kSolid, kHollow };

// A point's symbol: `size` is the circle's radius or the polygon's circumradius. Outlined in
// `color`; filled with it, or with the layout's background when hollow.
struct Mark {
  Point2 center;
  MarkShape shape = MarkShape::kCircle;
  MarkFill fill = MarkFill::kSolid;
  Rgb color;
  double size = 3.5;
  double stroke_width = 1.5;
};

// The corners of a triangle or diamond mark, clockwise from the top; empty for a circle.
std::vector<Point2> mark_outline(const Mark& mark);

// How a point is marked: the worst severity among its violations.
enum class PointState { kInControl, kWarning, kReject };

// A horizontal line at the mean (sd_multiple 0) or at mean ± 1, 2, 3 SD.
struct LimitLine {
  int sd_multiple = 0;
  double value = 0;
  Segment line;
  Label value_label;  // left of the plot: "106.0"
  Label sd_label;     // right of the plot: "+3 SD", "mean"
};

struct PlottedPoint {
  std::size_t index = 0;  // in the chart's points
  double z = 0;           // (value - mean) / SD
  PointState state = PointState::kInControl;
  Mark mark;
  std::string rules_text;  // "1-3s, 2-2s"; empty when in control
  Label rules_label;       // beside the mark; only drawn when rules_text is not empty
  // "R-1042, 2026-03-14T08:00Z: 106.50 mg/dL (+3.25 SD); rules 1-3s (reject); excluded"
  std::string tooltip;
};

struct EventMarker {
  Segment line;
  Label label;
};

struct LegendEntry {
  Mark mark;
  Label label;
};

// Not thread-safe to build; a finished layout is a plain value.
struct LeveyJenningsLayout {
  int width = 0;
  int height = 0;
  std::string title;  // the document title (SVG <title>)
  Rgb background{255, 255, 255};
  Box plot;  // the plotting area, framed by `frame`
  Stroke frame;
  double mean = 0;
  double sd = 0;
  // The y-axis in SD from the mean: z_bottom <= -4, z_top >= 4, whole numbers, and every point
  // strictly inside.
  double z_bottom = -4;
  double z_top = 4;

  std::vector<Label> captions;         // the title, the target line under it, the unit
  std::vector<LimitLine> limit_lines;  // -3 SD to +3 SD, in that order
  std::vector<EventMarker> events;     // left to right
  Stroke series;                       // the line joining the points, in order
  std::vector<PlottedPoint> points;    // in the chart's order
  std::vector<Segment> x_ticks;
  std::vector<Label> x_labels;  // thinned: they never overlap
  std::vector<LegendEntry> legend;

  double y_of_z(double z) const;
  double y_of_value(double value) const;
};

// Validates the chart (validate_levey_jennings) and lays it out on a canvas of `size`.
Result<LeveyJenningsLayout> lay_out_levey_jennings(const LeveyJenningsChart& chart, ChartSize size);

// How every number on the chart is written: `decimals` fixed decimals, '.' whatever the locale,
// and never "-0".
std::string chart_number(double value, int decimals);

// The width a text takes at `font_size`, estimated from its code points: used to keep labels
// apart before any font is chosen. Generous for digits and Latin letters in DejaVu Sans.
double estimated_text_width(const std::string& text, double font_size);

}  // namespace aliquot::report
