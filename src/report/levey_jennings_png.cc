// The PNG painter of the Levey-Jennings chart: draws the layout with cairo on an RGB image, in
// the same order as the SVG painter, and encodes it with cairo's PNG writer (which adds no time
// stamp, so the same chart gives the same bytes on the same fonts).

#include <cairo.h>

#include <cstddef>
#include <memory>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "report/levey_jennings.h"
#include "report/levey_jennings_layout.h"

namespace aliquot::report {
namespace {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct ContextDeleter {
  void operator()(cairo_t* context) const { cairo_destroy(context); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

// The family the SVG names first; fontconfig substitutes a sans-serif face when it is missing.
constexpr const char* kFontFamily = "DejaVu Sans";

Error cairo_error(std::string_view what, cairo_status_t status) {
  return internal_error("Levey-Jennings chart: cairo could not " + std::string(what) + ": " +
                        cairo_status_to_string(status));
}

void set_color(cairo_t* cr, Rgb rgb) {
  cairo_set_source_rgb(cr, rgb.red / 255.0, rgb.green / 255.0, rgb.blue / 255.0);
}

void set_stroke(cairo_t* cr, const Stroke& stroke) {
  set_color(cr, stroke.color);
  cairo_set_line_width(cr, stroke.width);
  const std::vector<double> pattern = dash_pattern(stroke.dash);
  cairo_set_dash(cr, pattern.data(), static_cast<int>(pattern.size()), 0);
}

void draw_segment(cairo_t* cr, const Segment& segment) {
  set_stroke(cr, segment.stroke);
  cairo_move_to(cr, segment.from.x, segment.from.y);
  cairo_line_to(cr, segment.to.x, segment.to.y);
  cairo_stroke(cr);
}

void draw_label(cairo_t* cr, const Label& label) {
  cairo_select_font_face(
      cr, kFontFamily, CAIRO_FONT_SLANT_NORMAL,
      label.weight == FontWeight::kBold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, label.font_size);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, label.text.c_str(), &extents);
  double x = label.at.x;
  if (label.anchor == TextAnchor::kMiddle) x -= extents.x_advance / 2;
  if (label.anchor == TextAnchor::kEnd) x -= extents.x_advance;
  set_color(cr, label.color);
  cairo_move_to(cr, x, label.at.y);
  cairo_show_text(cr, label.text.c_str());
  cairo_new_path(cr);
}

void draw_mark(cairo_t* cr, const Mark& mark, Rgb background) {
  if (mark.shape == MarkShape::kCircle) {
    cairo_new_sub_path(cr);
    cairo_arc(cr, mark.center.x, mark.center.y, mark.size, 0, 2 * std::numbers::pi);
  } else {
    const std::vector<Point2> corners = mark_outline(mark);
    cairo_move_to(cr, corners.front().x, corners.front().y);
    for (std::size_t i = 1; i < corners.size(); ++i) cairo_line_to(cr, corners[i].x, corners[i].y);
  }
  cairo_close_path(cr);
  set_color(cr, mark.fill == MarkFill::kHollow ? background : mark.color);
  cairo_fill_preserve(cr);
  set_stroke(cr, {mark.color, mark.stroke_width, Dash::kSolid});
  cairo_stroke(cr);
}

void draw(cairo_t* cr, const LeveyJenningsLayout& layout) {
  set_color(cr, layout.background);
  cairo_paint(cr);

  set_stroke(cr, layout.frame);
  cairo_rectangle(cr, layout.plot.left, layout.plot.top, layout.plot.width(), layout.plot.height());
  cairo_stroke(cr);

  for (const LimitLine& line : layout.limit_lines) {
    draw_segment(cr, line.line);
    draw_label(cr, line.value_label);
    draw_label(cr, line.sd_label);
  }
  for (const EventMarker& event : layout.events) {
    draw_segment(cr, event.line);
    draw_label(cr, event.label);
  }

  set_stroke(cr, layout.series);
  for (const PlottedPoint& point : layout.points) {
    cairo_line_to(cr, point.mark.center.x, point.mark.center.y);
  }
  cairo_stroke(cr);

  for (const PlottedPoint& point : layout.points) {
    draw_mark(cr, point.mark, layout.background);
    if (!point.rules_text.empty()) draw_label(cr, point.rules_label);
  }
  for (const Segment& tick : layout.x_ticks) draw_segment(cr, tick);
  for (const Label& label : layout.x_labels) draw_label(cr, label);
  for (const LegendEntry& entry : layout.legend) {
    draw_mark(cr, entry.mark, layout.background);
    draw_label(cr, entry.label);
  }
  for (const Label& caption : layout.captions) draw_label(cr, caption);
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> render_levey_jennings_png(const LeveyJenningsChart& chart, ChartSize size) {
  ALIQUOT_ASSIGN_OR_RETURN(const LeveyJenningsLayout layout, lay_out_levey_jennings(chart, size));
  const SurfacePtr surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, layout.width, layout.height));
  if (const cairo_status_t status = cairo_surface_status(surface.get());
      status != CAIRO_STATUS_SUCCESS) {
    return cairo_error("create the image", status);
  }
  {
    const ContextPtr context(cairo_create(surface.get()));
    draw(context.get(), layout);
    if (const cairo_status_t status = cairo_status(context.get()); status != CAIRO_STATUS_SUCCESS) {
      return cairo_error("draw the chart", status);
    }
  }
  cairo_surface_flush(surface.get());
  std::string png;
  if (const cairo_status_t status =
          cairo_surface_write_to_png_stream(surface.get(), append_to_string, &png);
      status != CAIRO_STATUS_SUCCESS) {
    return cairo_error("encode the PNG", status);
  }
  return png;
}

}  // namespace aliquot::report
