// The SVG painter of the Levey-Jennings chart: writes the layout as SVG 1.1 elements, in the
// order the PNG painter draws them, so that later elements cover earlier ones the same way.

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "report/levey_jennings.h"
#include "report/levey_jennings_layout.h"

namespace aliquot::report {
namespace {

// Escapes the five characters with a meaning in XML text and in quoted attribute values.
std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// Coordinates to a hundredth of a pixel: finer than any display, and the same text every time.
std::string coordinate(double value) { return chart_number(value, 2); }

std::string color(Rgb rgb) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", rgb.red, rgb.green, rgb.blue);
  return text;
}

std::string stroke_attributes(const Stroke& stroke) {
  std::string out =
      " stroke=\"" + color(stroke.color) + "\" stroke-width=\"" + coordinate(stroke.width) + "\"";
  const std::vector<double> pattern = dash_pattern(stroke.dash);
  if (!pattern.empty()) {
    out += " stroke-dasharray=\"";
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (i > 0) out += ' ';
      out += coordinate(pattern[i]);
    }
    out += '"';
  }
  return out;
}

std::string_view anchor_name(TextAnchor anchor) {
  switch (anchor) {
    case TextAnchor::kStart: return "start";
    case TextAnchor::kMiddle: return "middle";
    case TextAnchor::kEnd: return "end";
  }
  return "start";
}

void write_segment(std::string& out, const Segment& segment) {
  out += "<line x1=\"" + coordinate(segment.from.x) + "\" y1=\"" + coordinate(segment.from.y) +
         "\" x2=\"" + coordinate(segment.to.x) + "\" y2=\"" + coordinate(segment.to.y) + "\"" +
         stroke_attributes(segment.stroke) + "/>\n";
}

void write_label(std::string& out, const Label& label) {
  out += "<text x=\"" + coordinate(label.at.x) + "\" y=\"" + coordinate(label.at.y) +
         "\" font-size=\"" + coordinate(label.font_size) + "\" text-anchor=\"";
  out += anchor_name(label.anchor);
  out += "\"";
  if (label.weight == FontWeight::kBold) out += " font-weight=\"bold\"";
  out += " fill=\"" + color(label.color) + "\">" + escaped(label.text) + "</text>\n";
}

void write_mark(std::string& out, const Mark& mark, Rgb background) {
  const Stroke outline{mark.color, mark.stroke_width, Dash::kSolid};
  const std::string paint = " fill=\"" +
                            color(mark.fill == MarkFill::kHollow ? background : mark.color) + "\"" +
                            stroke_attributes(outline) + "/>\n";
  if (mark.shape == MarkShape::kCircle) {
    out += "<circle cx=\"" + coordinate(mark.center.x) + "\" cy=\"" + coordinate(mark.center.y) +
           "\" r=\"" + coordinate(mark.size) + "\"" + paint;
    return;
  }
  out += "<polygon points=\"";
  const std::vector<Point2> corners = mark_outline(mark);
  for (std::size_t i = 0; i < corners.size(); ++i) {
    if (i > 0) out += ' ';
    out += coordinate(corners[i].x) + "," + coordinate(corners[i].y);
  }
  out += "\"" + paint;
}

std::string_view state_class(PointState state) {
  switch (state) {
    case PointState::kInControl: return "in-control";
    case PointState::kWarning: return "warning";
    case PointState::kReject: return "reject";
  }
  return "in-control";
}

}  // namespace

Result<std::string> render_levey_jennings_svg(const LeveyJenningsChart& chart, ChartSize size) {
  ALIQUOT_ASSIGN_OR_RETURN(const LeveyJenningsLayout layout, lay_out_levey_jennings(chart, size));
  const std::string width = std::to_string(layout.width);
  const std::string height = std::to_string(layout.height);
  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + width +
         "\" height=\"" + height + "\" viewBox=\"0 0 " + width + " " + height +
         "\" font-family=\"DejaVu Sans, Verdana, sans-serif\">\n";
  out += "<title>" + escaped(layout.title) + "</title>\n";
  out += "<rect x=\"0\" y=\"0\" width=\"" + width + "\" height=\"" + height + "\" fill=\"" +
         color(layout.background) + "\"/>\n";
  out += "<rect class=\"plot\" x=\"" + coordinate(layout.plot.left) + "\" y=\"" +
         coordinate(layout.plot.top) + "\" width=\"" + coordinate(layout.plot.width()) +
         "\" height=\"" + coordinate(layout.plot.height()) + "\" fill=\"none\"" +
         stroke_attributes(layout.frame) + "/>\n";

  out += "<g class=\"limits\">\n";
  for (const LimitLine& line : layout.limit_lines) {
    write_segment(out, line.line);
    write_label(out, line.value_label);
    write_label(out, line.sd_label);
  }
  out += "</g>\n";

  out += "<g class=\"events\">\n";
  for (const EventMarker& event : layout.events) {
    out += "<g class=\"event\"><title>" + escaped(event.label.text) + "</title>\n";
    write_segment(out, event.line);
    write_label(out, event.label);
    out += "</g>\n";
  }
  out += "</g>\n";

  out += "<polyline class=\"series\" points=\"";
  for (std::size_t i = 0; i < layout.points.size(); ++i) {
    if (i > 0) out += ' ';
    out += coordinate(layout.points[i].mark.center.x) + "," +
           coordinate(layout.points[i].mark.center.y);
  }
  out += "\" fill=\"none\"" + stroke_attributes(layout.series) + "/>\n";

  out += "<g class=\"points\">\n";
  for (const PlottedPoint& point : layout.points) {
    out += "<g class=\"point ";
    out += state_class(point.state);
    if (point.mark.fill == MarkFill::kHollow) out += " excluded";
    out += "\"><title>" + escaped(point.tooltip) + "</title>\n";
    write_mark(out, point.mark, layout.background);
    if (!point.rules_text.empty()) write_label(out, point.rules_label);
    out += "</g>\n";
  }
  out += "</g>\n";

  out += "<g class=\"x-axis\">\n";
  for (const Segment& tick : layout.x_ticks) write_segment(out, tick);
  for (const Label& label : layout.x_labels) write_label(out, label);
  out += "</g>\n";

  out += "<g class=\"legend\">\n";
  for (const LegendEntry& entry : layout.legend) {
    write_mark(out, entry.mark, layout.background);
    write_label(out, entry.label);
  }
  out += "</g>\n";

  out += "<g class=\"captions\">\n";
  for (const Label& caption : layout.captions) write_label(out, caption);
  out += "</g>\n";
  out += "</svg>\n";
  return out;
}

}  // namespace aliquot::report
