#include "report/levey_jennings_layout.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "report/levey_jennings_test_chart.h"

namespace aliquot::report {
namespace {

using std::chrono::hours;

using test_charts::at;
using test_charts::glucose_chart;

LeveyJenningsLayout lay_out(const LeveyJenningsChart& chart, ChartSize size = {}) {
  Result<LeveyJenningsLayout> layout = lay_out_levey_jennings(chart, size);
  EXPECT_TRUE(layout.has_value()) << layout.error().message();
  return std::move(layout).value();
}

const LimitLine& line_at(const LeveyJenningsLayout& layout, int sd_multiple) {
  for (const LimitLine& line : layout.limit_lines) {
    if (line.sd_multiple == sd_multiple) return line;
  }
  ADD_FAILURE() << "no line at " << sd_multiple << " SD";
  return layout.limit_lines.front();
}

TEST(LeveyJenningsLayout, SpansFourSdEachSideWhenEveryValueIsWithin) {
  const LeveyJenningsLayout layout = lay_out(glucose_chart({0.5, -1.2, 2.4, -3.1, 1.0}));
  EXPECT_EQ(layout.z_top, 4);
  EXPECT_EQ(layout.z_bottom, -4);
  const Box& plot = layout.plot;
  // Eight SD over the plot's height: +3 SD one eighth down, the mean halfway, -3 SD seven eighths.
  EXPECT_DOUBLE_EQ(line_at(layout, 3).line.from.y, plot.top + plot.height() / 8);
  EXPECT_DOUBLE_EQ(line_at(layout, 0).line.from.y, plot.top + plot.height() / 2);
  EXPECT_DOUBLE_EQ(line_at(layout, -3).line.from.y, plot.top + plot.height() * 7 / 8);
  EXPECT_DOUBLE_EQ(line_at(layout, 2).line.from.y, plot.top + plot.height() * 2 / 8);
  EXPECT_DOUBLE_EQ(line_at(layout, -1).line.to.y, plot.top + plot.height() * 5 / 8);
  EXPECT_DOUBLE_EQ(layout.y_of_value(107.5), plot.top + plot.height() / 8);
  EXPECT_DOUBLE_EQ(layout.y_of_value(95), plot.top + plot.height() * 6 / 8);
  // The lines span the plot.
  EXPECT_EQ(line_at(layout, 3).line.from.x, plot.left);
  EXPECT_EQ(line_at(layout, 3).line.to.x, plot.right);
}

TEST(LeveyJenningsLayout, LabelsEachLineWithItsValueAndSdMultiple) {
  const LeveyJenningsLayout layout = lay_out(glucose_chart({0.5}));
  ASSERT_EQ(layout.limit_lines.size(), 7u);
  std::vector<std::string> values;
  std::vector<std::string> sds;
  for (const LimitLine& line : layout.limit_lines) {
    values.push_back(line.value_label.text);
    sds.push_back(line.sd_label.text);
    EXPECT_LT(line.value_label.at.x, layout.plot.left);
    EXPECT_GT(line.sd_label.at.x, layout.plot.right);
  }
  EXPECT_EQ(values,
            (std::vector<std::string>{"92.5", "95.0", "97.5", "100.0", "102.5", "105.0", "107.5"}));
  EXPECT_EQ(sds, (std::vector<std::string>{"-3 SD", "-2 SD", "-1 SD", "mean", "+1 SD", "+2 SD",
                                           "+3 SD"}));
}

TEST(LeveyJenningsLayout, ExtendsTheAxisPastAnOutlierAtFiveSd) {
  const LeveyJenningsLayout layout = lay_out(glucose_chart({0.2, 5.0, -0.7}));
  EXPECT_EQ(layout.z_top, 6);
  EXPECT_EQ(layout.z_bottom, -4);
  const Box& plot = layout.plot;
  // Ten SD over the height: the outlier one tenth down, strictly inside the plot.
  const PlottedPoint& outlier = layout.points[1];
  EXPECT_DOUBLE_EQ(outlier.z, 5.0);
  EXPECT_DOUBLE_EQ(outlier.mark.center.y, plot.top + plot.height() / 10);
  EXPECT_GT(outlier.mark.center.y - outlier.mark.size, plot.top);
  EXPECT_DOUBLE_EQ(line_at(layout, 3).line.from.y, plot.top + plot.height() * 3 / 10);
  EXPECT_DOUBLE_EQ(line_at(layout, -3).line.from.y, plot.top + plot.height() * 9 / 10);
}

TEST(LeveyJenningsLayout, ExtendsTheAxisDownPastALowOutlier) {
  const LeveyJenningsLayout layout = lay_out(glucose_chart({-6.2, 1.0}));
  EXPECT_EQ(layout.z_bottom, -7);
  EXPECT_EQ(layout.z_top, 4);
  EXPECT_LT(layout.points[0].mark.center.y, layout.plot.bottom);
}

TEST(LeveyJenningsLayout, SpacesRunsEvenlyInRunOrder) {
  const LeveyJenningsLayout layout = lay_out(glucose_chart({0, 1, 2, -1}));
  const Box& plot = layout.plot;
  const double step = plot.width() / 4;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_DOUBLE_EQ(layout.points[i].mark.center.x, plot.left + step * (i + 0.5)) << i;
  }
}

TEST(LeveyJenningsLayout, PlacesPointsByTimeOnATimeAxis) {
  LeveyJenningsChart chart = glucose_chart({0, 1, 2});
  chart.x_axis = XAxis::kTime;
  chart.points[0].time = at("2026-03-01T08:00:00Z");
  chart.points[1].time = at("2026-03-01T09:00:00Z");
  chart.points[2].time = at("2026-03-01T11:00:00Z");
  const LeveyJenningsLayout layout = lay_out(chart);
  const double first = layout.points[0].mark.center.x;
  const double second = layout.points[1].mark.center.x;
  const double third = layout.points[2].mark.center.x;
  EXPECT_GT(first, layout.plot.left);
  EXPECT_LT(third, layout.plot.right);
  // One hour, then two.
  EXPECT_NEAR((third - second) / (second - first), 2.0, 1e-9);
}

TEST(LeveyJenningsLayout, MarksWarningsAndRejectionsDifferentlyAndExcludedValuesHollow) {
  LeveyJenningsChart chart = glucose_chart({0.3, 2.4, 3.4, -2.6});
  chart.points[1].violations = {{"1-2s", RuleSeverity::kWarning}};
  chart.points[2].violations = {{"1-2s", RuleSeverity::kWarning}, {"1-3s", RuleSeverity::kReject}};
  chart.points[2].status = PointStatus::kExcluded;
  chart.points[3].violations = {{"R-4s", RuleSeverity::kReject}};
  const LeveyJenningsLayout layout = lay_out(chart);

  const PlottedPoint& ok = layout.points[0];
  const PlottedPoint& warned = layout.points[1];
  const PlottedPoint& rejected = layout.points[2];
  EXPECT_EQ(ok.state, PointState::kInControl);
  EXPECT_EQ(ok.rules_text, "");
  EXPECT_EQ(warned.state, PointState::kWarning);
  EXPECT_EQ(warned.rules_text, "1-2s");
  EXPECT_EQ(rejected.state, PointState::kReject);
  EXPECT_EQ(rejected.rules_text, "1-2s, 1-3s");
  EXPECT_EQ(layout.points[3].rules_text, "R-4s");

  EXPECT_NE(warned.mark.shape, rejected.mark.shape);
  EXPECT_NE(warned.mark.shape, ok.mark.shape);
  const auto same_color = [](Rgb a, Rgb b) {
    return a.red == b.red && a.green == b.green && a.blue == b.blue;
  };
  EXPECT_FALSE(same_color(warned.mark.color, rejected.mark.color));
  EXPECT_FALSE(same_color(warned.mark.color, ok.mark.color));
  EXPECT_EQ(ok.mark.fill, MarkFill::kSolid);
  EXPECT_EQ(rejected.mark.fill, MarkFill::kHollow);

  // The rule names sit next to the mark, in its colour.
  EXPECT_NEAR(rejected.rules_label.at.y, rejected.mark.center.y, 25);
  EXPECT_NEAR(rejected.rules_label.at.x, rejected.mark.center.x, 40);
  EXPECT_TRUE(same_color(rejected.rules_label.color, rejected.mark.color));
  EXPECT_EQ(rejected.tooltip,
            "R-1002: 108.5 mg/dL (+3.40 SD); rules 1-2s (warning), 1-3s (reject); excluded");
  EXPECT_EQ(layout.points[3].tooltip, "R-1003: 93.5 mg/dL (-2.60 SD); rules R-4s (reject)");
}

TEST(LeveyJenningsLayout, ThinsXLabelsSoThatNoneOverlap) {
  LeveyJenningsChart chart = glucose_chart(std::vector<double>(120, 0.5));
  for (std::size_t i = 0; i < chart.points.size(); ++i) {
    chart.points[i].label = "";
    chart.points[i].time = at("2026-01-01T08:00:00Z") + hours(24) * static_cast<int>(i);
  }
  const LeveyJenningsLayout layout = lay_out(chart);
  ASSERT_GT(layout.x_labels.size(), 3u);
  ASSERT_LT(layout.x_labels.size(), chart.points.size());
  EXPECT_EQ(layout.x_labels.size(), layout.x_ticks.size());
  EXPECT_EQ(layout.x_labels.front().text, "2026-01-01T08:00Z");
  for (std::size_t i = 1; i < layout.x_labels.size(); ++i) {
    const Label& left = layout.x_labels[i - 1];
    const Label& right = layout.x_labels[i];
    const double left_end = left.at.x + estimated_text_width(left.text, left.font_size) / 2;
    const double right_start = right.at.x - estimated_text_width(right.text, right.font_size) / 2;
    EXPECT_LT(left_end, right_start) << left.text << " overlaps " << right.text;
  }
  for (const Label& label : layout.x_labels) {
    EXPECT_GE(label.at.x - estimated_text_width(label.text, label.font_size) / 2, 0);
    EXPECT_LE(label.at.x + estimated_text_width(label.text, label.font_size) / 2, layout.width);
  }
}

TEST(LeveyJenningsLayout, KeepsEveryXLabelWhenThereIsRoom) {
  LeveyJenningsChart chart = glucose_chart({0, 1, 2, 3, 4});
  chart.points[2].label = "";
  const LeveyJenningsLayout layout = lay_out(chart);
  ASSERT_EQ(layout.x_labels.size(), 5u);
  EXPECT_EQ(layout.x_labels[0].text, "R-1000");
  EXPECT_EQ(layout.x_labels[2].text, "3");  // no label, no time: the run's number
}

TEST(LeveyJenningsLayout, PlacesAnEventBetweenTheRunsAroundIt) {
  LeveyJenningsChart chart = glucose_chart({0, 1, 2, 3});
  chart.events.push_back({"new lot", std::nullopt, 2});
  chart.events.push_back({"calibration", std::nullopt, 0});
  const LeveyJenningsLayout layout = lay_out(chart);
  ASSERT_EQ(layout.events.size(), 2u);
  // Left to right: calibration before the first run, the new lot between runs 2 and 3.
  EXPECT_EQ(layout.events[0].label.text, "calibration");
  EXPECT_DOUBLE_EQ(layout.events[0].line.from.x, layout.plot.left);
  EXPECT_EQ(layout.events[1].label.text, "new lot");
  EXPECT_DOUBLE_EQ(layout.events[1].line.from.x,
                   (layout.points[1].mark.center.x + layout.points[2].mark.center.x) / 2);
  EXPECT_EQ(layout.events[1].line.from.y, layout.plot.top);
  EXPECT_EQ(layout.events[1].line.to.y, layout.plot.bottom);
}

TEST(LeveyJenningsLayout, PlacesAnEventByTimeOnARunOrderAxis) {
  LeveyJenningsChart chart = glucose_chart({0, 1, 2});
  chart.points[0].time = at("2026-03-01T08:00:00Z");
  chart.points[1].time = at("2026-03-02T08:00:00Z");
  chart.points[2].time = at("2026-03-03T08:00:00Z");
  chart.events.push_back({"corrective action", at("2026-03-02T12:00:00Z"), std::nullopt});
  const LeveyJenningsLayout layout = lay_out(chart);
  ASSERT_EQ(layout.events.size(), 1u);
  EXPECT_DOUBLE_EQ(layout.events[0].line.from.x,
                   (layout.points[1].mark.center.x + layout.points[2].mark.center.x) / 2);
}

TEST(LeveyJenningsLayout, PutsCrowdedEventLabelsOnSeparateRows) {
  LeveyJenningsChart chart = glucose_chart({0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3});
  chart.events.push_back({"calibration", std::nullopt, 5});
  chart.events.push_back({"corrective action", std::nullopt, 6});
  const LeveyJenningsLayout layout = lay_out(chart);
  ASSERT_EQ(layout.events.size(), 2u);
  EXPECT_NE(layout.events[0].label.at.y, layout.events[1].label.at.y);
}

TEST(LeveyJenningsLayout, WritesValuesWithTheSdsPrecisionUnlessTold) {
  LeveyJenningsChart potassium = glucose_chart({0});
  potassium.target_mean = 4.1;
  potassium.target_sd = 0.05;
  EXPECT_EQ(line_at(lay_out(potassium), 3).value_label.text, "4.250");
  potassium.decimals = 2;
  EXPECT_EQ(line_at(lay_out(potassium), 3).value_label.text, "4.25");
  potassium.decimals = 0;
  EXPECT_EQ(line_at(lay_out(potassium), 0).value_label.text, "4");
}

TEST(LeveyJenningsLayout, ShowsTheTargetUnderTheTitle) {
  LeveyJenningsChart chart = glucose_chart({0, 1});
  chart.points[1].status = PointStatus::kExcluded;
  const LeveyJenningsLayout layout = lay_out(chart);
  ASSERT_GE(layout.captions.size(), 2u);
  EXPECT_EQ(layout.captions[0].text, "GLU — level 2 — lot 12345 — analyzer chem-1");
  EXPECT_EQ(layout.captions[1].text,
            "target mean 100.0 mg/dL, SD 2.50 mg/dL; 2 points, 1 excluded");
}

TEST(LeveyJenningsLayout, ReplacesMalformedUtf8AndControlCharactersInTexts) {
  LeveyJenningsChart chart = glucose_chart({0});
  chart.title = "GLU\xC3(\x01lot\t7\xEF\xBF\xBF";
  const LeveyJenningsLayout layout = lay_out(chart);
  EXPECT_EQ(layout.title, "GLU\xEF\xBF\xBD(\xEF\xBF\xBDlot 7\xEF\xBF\xBD");
}

TEST(ChartNumber, WritesFixedDecimalsWithoutNegativeZero) {
  EXPECT_EQ(chart_number(1234.5678, 2), "1234.57");
  EXPECT_EQ(chart_number(2.0 / 3.0, 3), "0.667");
  EXPECT_EQ(chart_number(7, 1), "7.0");
  EXPECT_EQ(chart_number(-0.001, 2), "0.00");
  EXPECT_EQ(chart_number(-0.01, 2), "-0.01");
  EXPECT_EQ(chart_number(12.7, 0), "13");
}

TEST(MarkOutline, DrawsADiamondAroundItsCentre) {
  Mark mark;
  mark.center = {10, 20};
  mark.shape = MarkShape::kDiamond;
  mark.size = 5;
  const std::vector<Point2> corners = mark_outline(mark);
  ASSERT_EQ(corners.size(), 4u);
  EXPECT_DOUBLE_EQ(corners[0].y, 15);
  EXPECT_DOUBLE_EQ(corners[1].x, 15);
  EXPECT_DOUBLE_EQ(corners[2].y, 25);
  EXPECT_DOUBLE_EQ(corners[3].x, 5);
}

}  // namespace
}  // namespace aliquot::report
