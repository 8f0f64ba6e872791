#include "report/levey_jennings.h"

#include <cmath>
#include <string>

#include "core/text.h"

namespace aliquot::report {
namespace {

// Beyond this the value is a data error, not a measurement, and the other values would collapse
// onto one line.
constexpr int kMaxDistanceInSd = 1'000'000;
constexpr int kMinWidth = 320;
constexpr int kMinHeight = 240;
constexpr int kMaxSide = 8192;
constexpr int kMaxDecimals = 6;

// "point 3 (R-1042)": 1-based, as a person counts.
std::string point_name(const LeveyJenningsChart& chart, std::size_t index) {
  std::string name = "point " + std::to_string(index + 1);
  if (!chart.points[index].label.empty()) name += " (" + chart.points[index].label + ")";
  return name;
}

std::string event_name(const LeveyJenningsChart& chart, std::size_t index) {
  std::string name = "event " + std::to_string(index + 1);
  if (!chart.events[index].label.empty()) name += " (" + chart.events[index].label + ")";
  return name;
}

Result<void> validate_points(const LeveyJenningsChart& chart) {
  if (chart.points.empty()) return invalid_argument("Levey-Jennings chart: no points to chart");
  const core::Instant* previous_time = nullptr;
  std::size_t previous_index = 0;
  for (std::size_t i = 0; i < chart.points.size(); ++i) {
    const ControlPoint& point = chart.points[i];
    if (!std::isfinite(point.value)) {
      return invalid_argument("Levey-Jennings chart: " + point_name(chart, i) +
                              ": value is not finite (" + core::number_text(point.value) + ")");
    }
    const double z = (point.value - chart.target_mean) / chart.target_sd;
    if (!std::isfinite(z) || std::abs(z) > kMaxDistanceInSd) {
      return invalid_argument("Levey-Jennings chart: " + point_name(chart, i) + ": value " +
                              core::number_text(point.value) + " is more than " +
                              std::to_string(kMaxDistanceInSd) + " SD from the target mean " +
                              core::number_text(chart.target_mean));
    }
    for (const RuleViolation& violation : point.violations) {
      if (violation.rule.empty()) {
        return invalid_argument("Levey-Jennings chart: " + point_name(chart, i) +
                                ": a violated rule has no name");
      }
    }
    if (!point.time) {
      if (chart.x_axis == XAxis::kTime) {
        return invalid_argument("Levey-Jennings chart: " + point_name(chart, i) +
                                " has no time; a time axis needs one for every point");
      }
      continue;
    }
    if (previous_time != nullptr && *point.time < *previous_time) {
      return invalid_argument("Levey-Jennings chart: " + point_name(chart, i) + " at " +
                              core::format_instant(*point.time) + " is earlier than " +
                              point_name(chart, previous_index) + " at " +
                              core::format_instant(*previous_time) +
                              "; points must be in time order");
    }
    previous_time = &*point.time;
    previous_index = i;
  }
  return ok();
}

Result<void> validate_events(const LeveyJenningsChart& chart) {
  for (std::size_t i = 0; i < chart.events.size(); ++i) {
    const ChartEvent& event = chart.events[i];
    if (event.time.has_value() == event.before_point.has_value()) {
      return invalid_argument("Levey-Jennings chart: " + event_name(chart, i) +
                              " needs either a time or a point to stand before, not " +
                              (event.time ? "both" : "neither"));
    }
    if (event.before_point && *event.before_point > chart.points.size()) {
      return invalid_argument("Levey-Jennings chart: " + event_name(chart, i) +
                              " stands before point " + std::to_string(*event.before_point + 1) +
                              " but the chart has " + std::to_string(chart.points.size()) +
                              " points");
    }
    // On a run-order axis an event placed by time goes between the points around that time.
    if (event.time && chart.x_axis == XAxis::kRunOrder) {
      for (std::size_t p = 0; p < chart.points.size(); ++p) {
        if (!chart.points[p].time) {
          return invalid_argument("Levey-Jennings chart: " + event_name(chart, i) +
                                  " is placed by time but " + point_name(chart, p) +
                                  " has no time");
        }
      }
    }
  }
  return ok();
}

}  // namespace

Result<void> validate_levey_jennings(const LeveyJenningsChart& chart, ChartSize size) {
  if (size.width < kMinWidth || size.height < kMinHeight || size.width > kMaxSide ||
      size.height > kMaxSide) {
    return invalid_argument("Levey-Jennings chart: size " + std::to_string(size.width) + "x" +
                            std::to_string(size.height) + " is outside " +
                            std::to_string(kMinWidth) + "x" + std::to_string(kMinHeight) + " to " +
                            std::to_string(kMaxSide) + "x" + std::to_string(kMaxSide));
  }
  if (!std::isfinite(chart.target_sd) || chart.target_sd <= 0) {
    return invalid_argument("Levey-Jennings chart: target SD must be a finite number > 0, got " +
                            core::number_text(chart.target_sd));
  }
  if (!std::isfinite(chart.target_mean)) {
    return invalid_argument("Levey-Jennings chart: target mean must be finite, got " +
                            core::number_text(chart.target_mean));
  }
  if (chart.decimals && (*chart.decimals < 0 || *chart.decimals > kMaxDecimals)) {
    return invalid_argument("Levey-Jennings chart: decimals must be 0 to " +
                            std::to_string(kMaxDecimals) + ", got " +
                            std::to_string(*chart.decimals));
  }
  ALIQUOT_RETURN_IF_ERROR(validate_points(chart));
  return validate_events(chart);
}

}  // namespace aliquot::report
