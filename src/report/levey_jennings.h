#pragma once

// The Levey-Jennings chart of one control material: one analyte, one control level, one lot, on
// one analyzer. Pure rendering: the caller brings the target, the values and the rules that
// fired (from the QC engine and the store); nothing is read or computed about QC here.
//
// How the chart is read (Levey S, Jennings ER, Am J Clin Pathol 1950;20:1059-66; Westgard JO et
// al., Clin Chem 1981;27:493-501):
// - The y-axis is the control value in the analyte's unit. The solid green line is the target
//   mean; the dotted grey lines are the mean ± 1 SD, the dashed orange lines ± 2 SD (the 1-2s
//   warning limits), the dashed red lines ± 3 SD (the 1-3s rejection limits). Each line carries
//   its value on the left and its SD multiple on the right. The axis always spans at least
//   ± 4 SD, and further when a value lies beyond, so every value is on the chart.
// - The x-axis is the order of the runs (equal steps), or their time (XAxis::kTime); the points
//   are joined in that order, so drifts and shifts read as a slope or a step in the line. Axis
//   labels are the points' labels, thinned so that they never overlap.
// - A blue dot is a value in control. A value that violated a rule is drawn larger with the
//   rule names written beside it: an orange triangle when every rule it violated is a warning
//   (1-2s), a red diamond when any rule rejects the run. A hollow mark is a value excluded from
//   the statistics (a rejected run); its shape and colour still say which rules it violated.
// - Vertical dashed purple lines are events (corrective action, new reagent lot, calibration),
//   labelled at the top of the plot.
// - In the SVG every point also carries a tooltip (<title>) with its label, time, value, its
//   distance from the mean in SD and its rules.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/time.h"

namespace aliquot::report {

// Whether a violated rule only calls for inspection (1-2s) or rejects the run (1-3s, 2-2s, R-4s,
// 4-1s, 10-x, ...): Westgard JO et al., Clin Chem 1981;27:493-501.
enum class RuleSeverity { kWarning, kReject };

struct RuleViolation {
  std::string rule;  // as the lab writes it: "1-3s", "2-2s", "R-4s", "10-x"
  RuleSeverity severity = RuleSeverity::kReject;
};

// Excluded values (from a rejected run) stay on the chart, drawn hollow.
enum class PointStatus { kIncluded, kExcluded };

struct ControlPoint {
  std::string label;                  // run id or time text; empty: the time, else the run number
  std::optional<core::Instant> time;  // required on a time axis
  double value = 0;                   // in the chart's unit
  PointStatus status = PointStatus::kIncluded;
  std::vector<RuleViolation> violations;  // empty: in control
};

// A vertical marker: placed at `time`, or between points `before_point` - 1 and `before_point`
// (0: before the first point; the number of points: after the last). Exactly one is set.
struct ChartEvent {
  std::string label;  // "corrective action", "new lot 12346", "calibration"
  std::optional<core::Instant> time;
  std::optional<std::size_t> before_point;
};

enum class XAxis {
  kRunOrder,  // one equal step per point
  kTime,      // proportional to the points' times (every point needs one)
};

struct LeveyJenningsChart {
  std::string title;  // "GLU — level 2 — lot 12345 — analyzer chem-1"
  std::string unit;   // "mg/dL"; may be empty
  double target_mean = 0;
  double target_sd = 0;
  // Decimals of the values written on the chart (0 to 6). Absent: two significant digits of the
  // SD, so that the ± 1 SD lines have distinct labels.
  std::optional<int> decimals;
  XAxis x_axis = XAxis::kRunOrder;
  std::vector<ControlPoint> points;  // in time order
  std::vector<ChartEvent> events;
};

// Pixels (PNG) or user units (SVG). From 320 x 240 to 8192 x 8192.
struct ChartSize {
  int width = 960;
  int height = 480;
};

// Refuses, as InvalidArgument naming the field or the point: a target SD that is not a finite
// number > 0, a target mean that is not finite, no points, a value that is not finite or more
// than a million SD from the mean, points out of time order, a point without time on a time
// axis, an event placed by neither or both of time and point or beyond the last point, decimals
// outside 0..6, a rule violation without a rule name, a size outside the limits above.
Result<void> validate_levey_jennings(const LeveyJenningsChart& chart, ChartSize size);

// A self-contained SVG document (UTF-8, every text escaped). The same input gives the same bytes.
// Fails as validate_levey_jennings does.
Result<std::string> render_levey_jennings_svg(const LeveyJenningsChart& chart, ChartSize size = {});

// The same chart as PNG bytes, drawn with cairo. Fails as validate_levey_jennings does, or as
// Internal with cairo's reason when cairo cannot draw or encode the image.
Result<std::string> render_levey_jennings_png(const LeveyJenningsChart& chart, ChartSize size = {});

}  // namespace aliquot::report
