#pragma once

// The chart the Levey-Jennings tests draw, shared by the layout and the painter tests.

#include <string>
#include <vector>

#include "core/time.h"
#include "report/levey_jennings.h"

namespace aliquot::report::test_charts {

inline core::Instant at(const char* text) { return *core::parse_instant(text); }

// Glucose, level 2: target 100 mg/dL, SD 2.5 mg/dL; values given in SD from the mean.
inline LeveyJenningsChart glucose_chart(const std::vector<double>& z_values) {
  LeveyJenningsChart chart;
  chart.title = "GLU — level 2 — lot 12345 — analyzer chem-1";
  chart.unit = "mg/dL";
  chart.target_mean = 100;
  chart.target_sd = 2.5;
  for (std::size_t i = 0; i < z_values.size(); ++i) {
    ControlPoint point;
    point.label = "R-" + std::to_string(1000 + i);
    point.value = 100 + 2.5 * z_values[i];
    chart.points.push_back(point);
  }
  return chart;
}

}  // namespace aliquot::report::test_charts
