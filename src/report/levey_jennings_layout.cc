#include "report/levey_jennings_layout.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <numeric>
#include <string_view>
#include <system_error>

#include "core/text.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::report {
namespace {

constexpr Rgb kInk{33, 33, 33};
constexpr Rgb kMuted{97, 97, 97};
constexpr Rgb kFrameGrey{189, 189, 189};
constexpr Rgb kMeanGreen{46, 125, 50};
constexpr Rgb kOneSdGrey{158, 158, 158};
constexpr Rgb kWarningOrange{224, 138, 0};
constexpr Rgb kRejectRed{198, 40, 40};
constexpr Rgb kInControlBlue{31, 95, 168};
constexpr Rgb kEventPurple{106, 27, 154};
constexpr Rgb kSeriesGrey{120, 135, 150};

constexpr double kTitleSize = 15;
constexpr double kSubtitleSize = 11;
constexpr double kAxisSize = 10;
constexpr double kRulesSize = 10;
constexpr double kEventSize = 10;
constexpr double kLegendSize = 11;

constexpr double kOuterGap = 10;      // between the canvas edge and any text
constexpr double kPlotTop = 58;       // under the title, the target line and the unit
constexpr double kBottomMargin = 48;  // x labels, then the legend
constexpr double kRightMargin = 50;   // "+3 SD"
constexpr double kLabelGap = 6;       // between a line's end and its label
constexpr double kMinTextGap = 8;     // between two x labels, or two event labels in a row
constexpr double kTimePad = 16;       // keeps the first and last time off the frame
constexpr int kEventRows = 3;
// The axis always shows the 1-3s rejection limits (Westgard 1981) with room above and below.
constexpr double kMinAxisSd = 4;

constexpr double kInControlSize = 3.5;
constexpr double kViolationSize = 6;

// The bytes of `text` as valid UTF-8 without the characters XML 1.0 forbids or a painter cannot
// show: tabs and line breaks become spaces, other control characters, U+FFFE, U+FFFF and
// malformed sequences become U+FFFD.
std::string displayable(std::string_view text) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      if (lead == '\t' || lead == '\n' || lead == '\r') {
        out += ' ';
      } else if (lead < 0x20 || lead == 0x7F) {
        out += kReplacement;
      } else {
        out += static_cast<char>(lead);
      }
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char second_low = 0x80;
    unsigned char second_high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_low = 0xA0;   // overlong
      if (lead == 0xED) second_high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_low = 0x90;   // overlong
      if (lead == 0xF4) second_high = 0x8F;  // beyond U+10FFFF
    }
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      const unsigned char low = k == 1 ? second_low : 0x80;
      const unsigned char high = k == 1 ? second_high : 0xBF;
      valid = byte >= low && byte <= high;
    }
    if (valid && length == 3 && lead == 0xEF && text[i + 1] == '\xBF' &&
        (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
      out += kReplacement;  // U+FFFE and U+FFFF are not XML characters
      i += length;
    } else if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

// Two significant digits of the SD: the ± 1 SD labels then differ from the mean's.
int default_decimals(double sd) {
  const int decimals = 1 - static_cast<int>(std::floor(std::log10(sd)));
  return std::clamp(decimals, 0, 6);
}

// "+3.25", "-1.00", "0.00".
std::string signed_number(double value, int decimals) {
  std::string text = chart_number(value, decimals);
  const bool zero = text.find_first_of("123456789") == std::string::npos;
  if (!zero && text.front() != '-') text.insert(text.begin(), '+');
  return text;
}

std::string with_unit(std::string text, const std::string& unit) {
  if (!unit.empty()) text += " " + unit;
  return text;
}

PointState state_of(const ControlPoint& point) {
  PointState state = PointState::kInControl;
  for (const RuleViolation& violation : point.violations) {
    if (violation.severity == RuleSeverity::kReject) return PointState::kReject;
    state = PointState::kWarning;
  }
  return state;
}

Mark mark_for(PointState state, PointStatus status, Point2 center) {
  Mark mark;
  mark.center = center;
  mark.fill = status == PointStatus::kExcluded ? MarkFill::kHollow : MarkFill::kSolid;
  switch (state) {
    case PointState::kInControl:
      mark.shape = MarkShape::kCircle;
      mark.color = kInControlBlue;
      mark.size = kInControlSize;
      break;
    case PointState::kWarning:
      mark.shape = MarkShape::kTriangle;
      mark.color = kWarningOrange;
      mark.size = kViolationSize;
      break;
    case PointState::kReject:
      mark.shape = MarkShape::kDiamond;
      mark.color = kRejectRed;
      mark.size = kViolationSize;
      break;
  }
  return mark;
}

Stroke limit_stroke(int sd_multiple) {
  switch (std::abs(sd_multiple)) {
    case 0: return {kMeanGreen, 1.5, Dash::kSolid};
    case 1: return {kOneSdGrey, 1, Dash::kDotted};
    case 2: return {kWarningOrange, 1, Dash::kDashed};
    default: return {kRejectRed, 1.25, Dash::kDashed};
  }
}

std::string sd_text(int sd_multiple) {
  if (sd_multiple == 0) return "mean";
  return (sd_multiple > 0 ? "+" : "") + std::to_string(sd_multiple) + " SD";
}

// The x of the centre of a text of width `text_width` placed at `x`, moved inward so that it
// stays within [low, high].
double kept_within(double x, double text_width, double low, double high) {
  const double half = text_width / 2;
  if (high - low < text_width) return (low + high) / 2;
  return std::clamp(x, low + half, high - half);
}

// Maps the points and events to x.
class XScale {
 public:
  XScale(const LeveyJenningsChart& chart, const Box& plot) : chart_(chart), plot_(plot) {
    step_ = plot.width() / static_cast<double>(chart.points.size());
    if (chart.x_axis != XAxis::kTime) return;
    first_ = *chart.points.front().time;
    last_ = *chart.points.back().time;
    for (const ChartEvent& event : chart.events) {
      if (!event.time) continue;
      first_ = std::min(first_, *event.time);
      last_ = std::max(last_, *event.time);
    }
  }

  double point_x(std::size_t index) const {
    if (chart_.x_axis == XAxis::kRunOrder) {
      return plot_.left + (static_cast<double>(index) + 0.5) * step_;
    }
    return time_x(*chart_.points[index].time);
  }

  double event_x(const ChartEvent& event) const {
    const std::size_t count = chart_.points.size();
    if (chart_.x_axis == XAxis::kTime) {
      if (event.time) return time_x(*event.time);
      const std::size_t before = *event.before_point;
      if (before == 0) return point_x(0) - kTimePad / 2;
      if (before == count) return point_x(count - 1) + kTimePad / 2;
      return (point_x(before - 1) + point_x(before)) / 2;
    }
    std::size_t before = 0;
    if (event.before_point) {
      before = *event.before_point;
    } else {
      // validate_levey_jennings made sure every point has a time here.
      before = static_cast<std::size_t>(
          std::count_if(chart_.points.begin(), chart_.points.end(),
                        [&](const ControlPoint& point) { return *point.time < *event.time; }));
    }
    return plot_.left + static_cast<double>(before) * step_;
  }

 private:
  double time_x(core::Instant time) const {
    if (last_ == first_) return (plot_.left + plot_.right) / 2;
    const double fraction = static_cast<double>((time - first_).count()) /
                            static_cast<double>((last_ - first_).count());
    return plot_.left + kTimePad + fraction * (plot_.width() - 2 * kTimePad);
  }

  const LeveyJenningsChart& chart_;
  Box plot_;
  double step_ = 0;
  core::Instant first_{};
  core::Instant last_{};
};

std::string x_label_text(const ControlPoint& point, std::size_t index) {
  if (!point.label.empty()) return displayable(point.label);
  if (point.time) return display_time(*point.time);
  return std::to_string(index + 1);
}

std::string tooltip_for(const LeveyJenningsChart& chart, std::size_t index, double z,
                        int decimals) {
  const ControlPoint& point = chart.points[index];
  std::string text = point.label.empty() ? "run " + std::to_string(index + 1) : point.label;
  if (point.time) text += ", " + display_time(*point.time);
  text += ": " + with_unit(chart_number(point.value, decimals), chart.unit);
  text += " (" + signed_number(z, 2) + " SD)";
  if (!point.violations.empty()) {
    std::vector<std::string> rules;
    for (const RuleViolation& violation : point.violations) {
      rules.push_back(violation.rule +
                      (violation.severity == RuleSeverity::kWarning ? " (warning)" : " (reject)"));
    }
    text += "; rules " + core::join(rules);
  }
  if (point.status == PointStatus::kExcluded) text += "; excluded";
  return displayable(text);
}

void lay_out_limit_lines(LeveyJenningsLayout& layout, int decimals) {
  for (int k = -3; k <= 3; ++k) {
    LimitLine line;
    line.sd_multiple = k;
    line.value = layout.mean + k * layout.sd;
    const double y = layout.y_of_z(k);
    line.line = {{layout.plot.left, y}, {layout.plot.right, y}, limit_stroke(k)};
    line.value_label = {{layout.plot.left - kLabelGap, y + kAxisSize * 0.35},
                        chart_number(line.value, decimals),
                        kAxisSize,
                        TextAnchor::kEnd,
                        FontWeight::kNormal,
                        kInk};
    line.sd_label = {{layout.plot.right + kLabelGap, y + kAxisSize * 0.35},
                     sd_text(k),
                     kAxisSize,
                     TextAnchor::kStart,
                     k == 0 ? FontWeight::kBold : FontWeight::kNormal,
                     line.line.stroke.color};
    layout.limit_lines.push_back(std::move(line));
  }
}

void lay_out_points(LeveyJenningsLayout& layout, const LeveyJenningsChart& chart,
                    const XScale& x_scale, int decimals) {
  for (std::size_t i = 0; i < chart.points.size(); ++i) {
    const ControlPoint& point = chart.points[i];
    PlottedPoint plotted;
    plotted.index = i;
    plotted.z = (point.value - layout.mean) / layout.sd;
    plotted.state = state_of(point);
    const Point2 center{x_scale.point_x(i), layout.y_of_z(plotted.z)};
    plotted.mark = mark_for(plotted.state, point.status, center);
    plotted.tooltip = tooltip_for(chart, i, plotted.z, decimals);
    if (!point.violations.empty()) {
      std::vector<std::string> names;
      for (const RuleViolation& violation : point.violations) names.push_back(violation.rule);
      plotted.rules_text = displayable(core::join(names));
      const double text_width = estimated_text_width(plotted.rules_text, kRulesSize);
      // Above the mark, or under it when the mark is near the top of the plot.
      double y = center.y - plotted.mark.size - 4;
      if (y - kRulesSize < layout.plot.top) y = center.y + plotted.mark.size + kRulesSize + 2;
      plotted.rules_label = {
          {kept_within(center.x, text_width, layout.plot.left + 2, layout.plot.right - 2), y},
          plotted.rules_text,
          kRulesSize,
          TextAnchor::kMiddle,
          FontWeight::kBold,
          plotted.mark.color};
    }
    layout.points.push_back(std::move(plotted));
  }
}

// Greedy from the left: a label is kept when it clears the last kept one.
void lay_out_x_labels(LeveyJenningsLayout& layout, const LeveyJenningsChart& chart) {
  double last_right = -1e300;
  const double baseline = layout.plot.bottom + kAxisSize + 6;
  for (const PlottedPoint& point : layout.points) {
    std::string text = x_label_text(chart.points[point.index], point.index);
    const double text_width = estimated_text_width(text, kAxisSize);
    const double center = kept_within(point.mark.center.x, text_width, kOuterGap,
                                      static_cast<double>(layout.width) - kOuterGap);
    if (center - text_width / 2 < last_right + kMinTextGap) continue;
    last_right = center + text_width / 2;
    const double x = point.mark.center.x;
    layout.x_ticks.push_back(
        {{x, layout.plot.bottom}, {x, layout.plot.bottom + 4}, {kFrameGrey, 1, Dash::kSolid}});
    layout.x_labels.push_back({{center, baseline},
                               std::move(text),
                               kAxisSize,
                               TextAnchor::kMiddle,
                               FontWeight::kNormal,
                               kMuted});
  }
}

// Labels go in up to kEventRows rows at the top of the plot, each in the first row where it
// clears the label before it.
void lay_out_events(LeveyJenningsLayout& layout, const LeveyJenningsChart& chart,
                    const XScale& x_scale) {
  std::vector<std::size_t> order(chart.events.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::vector<double> xs;
  for (const ChartEvent& event : chart.events) xs.push_back(x_scale.event_x(event));
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
  std::array<double, kEventRows> row_right;
  row_right.fill(-1e300);
  for (const std::size_t i : order) {
    const double x = xs[i];
    std::string text = displayable(chart.events[i].label);
    const double text_width = estimated_text_width(text, kEventSize);
    TextAnchor anchor = TextAnchor::kStart;
    double left = x + 3;
    if (left + text_width > layout.plot.right) {
      anchor = TextAnchor::kEnd;
      left = x - 3 - text_width;
    }
    int row = 0;
    while (row < kEventRows && left < row_right[row] + kMinTextGap) ++row;
    if (row == kEventRows) {
      row = static_cast<int>(std::min_element(row_right.begin(), row_right.end()) -
                             row_right.begin());
    }
    row_right[row] = left + text_width;
    EventMarker marker;
    marker.line = {{x, layout.plot.top}, {x, layout.plot.bottom}, {kEventPurple, 1, Dash::kDashed}};
    marker.label = {{anchor == TextAnchor::kStart ? x + 3 : x - 3,
                     layout.plot.top + (row + 1) * (kEventSize + 3)},
                    std::move(text),
                    kEventSize,
                    anchor,
                    FontWeight::kNormal,
                    kEventPurple};
    layout.events.push_back(std::move(marker));
  }
}

void lay_out_captions(LeveyJenningsLayout& layout, const LeveyJenningsChart& chart, int decimals) {
  layout.captions.push_back(
      {{kOuterGap, 22}, layout.title, kTitleSize, TextAnchor::kStart, FontWeight::kBold, kInk});
  const auto excluded = std::count_if(
      chart.points.begin(), chart.points.end(),
      [](const ControlPoint& point) { return point.status == PointStatus::kExcluded; });
  std::string target =
      "target mean " + with_unit(chart_number(chart.target_mean, decimals), chart.unit) + ", SD " +
      with_unit(chart_number(chart.target_sd, decimals + 1), chart.unit) + "; " +
      std::to_string(chart.points.size()) + (chart.points.size() == 1 ? " point" : " points");
  if (excluded > 0) target += ", " + std::to_string(excluded) + " excluded";
  layout.captions.push_back({{kOuterGap, 40},
                             displayable(target),
                             kSubtitleSize,
                             TextAnchor::kStart,
                             FontWeight::kNormal,
                             kMuted});
  if (!chart.unit.empty()) {
    layout.captions.push_back({{layout.plot.left - kLabelGap, layout.plot.top - 6},
                               displayable(chart.unit),
                               kAxisSize,
                               TextAnchor::kEnd,
                               FontWeight::kNormal,
                               kMuted});
  }
}

void lay_out_legend(LeveyJenningsLayout& layout) {
  struct Entry {
    PointState state;
    PointStatus status;
    const char* text;
  };
  static constexpr Entry kEntries[] = {
      {PointState::kInControl, PointStatus::kIncluded, "in control"},
      {PointState::kWarning, PointStatus::kIncluded, "warning rule (1-2s)"},
      {PointState::kReject, PointStatus::kIncluded, "rejection rule"},
      {PointState::kInControl, PointStatus::kExcluded, "excluded (hollow)"},
  };
  const double baseline = static_cast<double>(layout.height) - kOuterGap;
  double x = layout.plot.left;
  for (const Entry& entry : kEntries) {
    LegendEntry legend;
    legend.mark = mark_for(entry.state, entry.status, {x + 6, baseline - kLegendSize * 0.35});
    legend.mark.size = std::min(legend.mark.size, 5.0);
    legend.label = {{x + 15, baseline}, entry.text,          kLegendSize,
                    TextAnchor::kStart, FontWeight::kNormal, kInk};
    x += 15 + estimated_text_width(entry.text, kLegendSize) + 18;
    layout.legend.push_back(std::move(legend));
  }
}

}  // namespace

std::vector<double> dash_pattern(Dash dash) {
  switch (dash) {
    case Dash::kSolid: return {};
    case Dash::kDashed: return {6, 4};
    case Dash::kDotted: return {2, 3};
  }
  return {};
}

std::vector<Point2> mark_outline(const Mark& mark) {
  const double x = mark.center.x;
  const double y = mark.center.y;
  const double s = mark.size;
  switch (mark.shape) {
    case MarkShape::kCircle: return {};
    case MarkShape::kTriangle: {
      // Equilateral, pointing up: corners at 90°, -30° and 210° on the circumcircle.
      const double half_base = s * std::sqrt(3.0) / 2;
      return {{x, y - s}, {x + half_base, y + s / 2}, {x - half_base, y + s / 2}};
    }
    case MarkShape::kDiamond: return {{x, y - s}, {x + s, y}, {x, y + s}, {x - s, y}};
  }
  return {};
}

double LeveyJenningsLayout::y_of_z(double z) const {
  return plot.top + (z_top - z) / (z_top - z_bottom) * plot.height();
}

double LeveyJenningsLayout::y_of_value(double value) const { return y_of_z((value - mean) / sd); }

std::string chart_number(double value, int decimals) {
  // A double written in fixed notation has at most 309 integer digits.
  char buffer[400];
  const auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  if (error != std::errc()) return core::number_text(value);
  std::string text(buffer, end);
  if (text.front() == '-' && text.find_first_of("123456789") == std::string::npos) {
    text.erase(text.begin());
  }
  return text;
}

double estimated_text_width(const std::string& text, double font_size) {
  // DejaVu Sans digits advance 0.636 em; most Latin letters less.
  return 0.64 * font_size * static_cast<double>(display_width(text));
}

Result<LeveyJenningsLayout> lay_out_levey_jennings(const LeveyJenningsChart& chart,
                                                   ChartSize size) {
  ALIQUOT_RETURN_IF_ERROR(validate_levey_jennings(chart, size));
  LeveyJenningsLayout layout;
  layout.width = size.width;
  layout.height = size.height;
  layout.title = displayable(chart.title);
  layout.mean = chart.target_mean;
  layout.sd = chart.target_sd;
  const int decimals = chart.decimals.value_or(default_decimals(chart.target_sd));

  // Whole SD steps past the farthest value, so that no mark sits on the frame.
  double highest = 0;
  double lowest = 0;
  for (const ControlPoint& point : chart.points) {
    const double z = (point.value - chart.target_mean) / chart.target_sd;
    highest = std::max(highest, z);
    lowest = std::min(lowest, z);
  }
  layout.z_top = std::max(kMinAxisSd, std::floor(highest) + 1);
  layout.z_bottom = -std::max(kMinAxisSd, std::floor(-lowest) + 1);

  // The left margin fits the widest value label, but never takes more than a third of the width.
  double widest_value = 0;
  for (int k = -3; k <= 3; ++k) {
    widest_value =
        std::max(widest_value,
                 estimated_text_width(
                     chart_number(chart.target_mean + k * chart.target_sd, decimals), kAxisSize));
  }
  const double left_margin =
      std::min(kOuterGap + widest_value + kLabelGap, static_cast<double>(size.width) / 3);
  layout.plot = {left_margin, kPlotTop, static_cast<double>(size.width) - kRightMargin,
                 static_cast<double>(size.height) - kBottomMargin};
  layout.frame = {kFrameGrey, 1, Dash::kSolid};
  layout.series = {kSeriesGrey, 1, Dash::kSolid};

  const XScale x_scale(chart, layout.plot);
  lay_out_captions(layout, chart, decimals);
  lay_out_limit_lines(layout, decimals);
  lay_out_events(layout, chart, x_scale);
  lay_out_points(layout, chart, x_scale, decimals);
  lay_out_x_labels(layout, chart);
  lay_out_legend(layout);
  return layout;
}

}  // namespace aliquot::report
