#include "report/levey_jennings.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "report/levey_jennings_layout.h"
#include "report/levey_jennings_test_chart.h"

// LeakSanitizer reads this when the tests run under it. fontconfig parses its configuration once
// per process and cairo 1.16 keeps the pattern of each toy font face it creates; LeakSanitizer
// reports those blocks as leaks. They do not grow with the number of charts drawn (1, 10 and 50
// PNGs leave the same 1016 bytes), so they are not ours to fix. Only allocations made inside
// libfontconfig are ignored: a cairo surface or context the painter failed to destroy is still
// reported.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace aliquot::report {
namespace {

using test_charts::at;
using test_charts::glucose_chart;

// A chart with every kind of element: a warning, a rejection on an excluded run, an event.
LeveyJenningsChart busy_chart() {
  LeveyJenningsChart chart = glucose_chart({0.4, -0.8, 2.3, 1.1, 3.6, -0.2, 0.9, -2.4, 2.2, 0.1});
  chart.points[2].violations = {{"1-2s", RuleSeverity::kWarning}};
  chart.points[4].violations = {{"1-3s", RuleSeverity::kReject}};
  chart.points[4].status = PointStatus::kExcluded;
  chart.points[8].violations = {{"1-2s", RuleSeverity::kWarning}, {"R-4s", RuleSeverity::kReject}};
  chart.events.push_back({"corrective action", std::nullopt, 5});
  return chart;
}

std::string svg_of(const LeveyJenningsChart& chart, ChartSize size = {}) {
  Result<std::string> svg = render_levey_jennings_svg(chart, size);
  EXPECT_TRUE(svg.has_value()) << svg.error().message();
  return svg.has_value() ? std::move(svg).value() : std::string();
}

std::string png_of(const LeveyJenningsChart& chart, ChartSize size = {}) {
  Result<std::string> png = render_levey_jennings_png(chart, size);
  EXPECT_TRUE(png.has_value()) << png.error().message();
  return png.has_value() ? std::move(png).value() : std::string();
}

bool is_entity_at(std::string_view text, std::size_t i) {
  for (const std::string_view entity : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
    if (text.substr(i, entity.size()) == entity) return true;
  }
  return false;
}

// A small well-formedness check of the markup the painter writes: tags nest and close in order,
// there is one root element, '<' never appears in text or attribute values, '>' never in text,
// and every '&' starts one of the five predefined entities. Returns what is wrong, or "".
std::string markup_problem(std::string_view svg) {
  std::vector<std::string> open;
  int roots = 0;
  std::size_t i = 0;
  if (svg.substr(0, 5) == "<?xml") i = svg.find("?>") + 2;
  while (i < svg.size()) {
    const char c = svg[i];
    if (c == '&' && !is_entity_at(svg, i)) return "bare & at " + std::to_string(i);
    if (c == '>') return "bare > at " + std::to_string(i);
    if (c != '<') {
      if (open.empty() && c != '\n') return "text outside the root at " + std::to_string(i);
      ++i;
      continue;
    }
    // Find the end of the tag, outside quoted attribute values.
    std::size_t end = i + 1;
    char quote = 0;
    for (; end < svg.size(); ++end) {
      const char d = svg[end];
      if (quote != 0) {
        if (d == quote) quote = 0;
        if (d == '<') return "< in an attribute at " + std::to_string(end);
        if (d == '&' && !is_entity_at(svg, end)) return "bare & in an attribute";
      } else if (d == '"' || d == '\'') {
        quote = d;
      } else if (d == '<') {
        return "< inside a tag at " + std::to_string(end);
      } else if (d == '>') {
        break;
      }
    }
    if (end == svg.size()) return "unterminated tag at " + std::to_string(i);
    const std::string_view tag = svg.substr(i + 1, end - i - 1);
    const auto name_of = [](std::string_view t) {
      return std::string(t.substr(0, t.find_first_of(" \n/")));
    };
    if (tag.front() == '/') {
      const std::string name(tag.substr(1));
      if (open.empty() || open.back() != name) return "</" + name + "> closes nothing open";
      open.pop_back();
    } else {
      if (open.empty()) ++roots;
      if (tag.back() != '/') open.push_back(name_of(tag));
    }
    i = end + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  if (roots != 1) return std::to_string(roots) + " root elements";
  return "";
}

// The element group of the n-th point: from its <g class="point ..."> to the </g> closing it.
std::string point_group(const std::string& svg, std::size_t n) {
  std::size_t start = svg.find("<g class=\"points\">");
  for (std::size_t k = 0; k <= n && start != std::string::npos; ++k) {
    start = svg.find("<g class=\"point ", start + 1);
  }
  if (start == std::string::npos) return "";
  return svg.substr(start, svg.find("</g>", start) + 4 - start);
}

std::uint32_t big_endian_at(const std::string& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
  }
  return value;
}

TEST(LeveyJenningsSvg, IsWellFormedMarkup) {
  const std::string svg = svg_of(busy_chart());
  EXPECT_EQ(markup_problem(svg), "");
  EXPECT_EQ(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0), 0u);
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(LeveyJenningsSvg, TheMarkupCheckCatchesBrokenMarkup) {
  EXPECT_NE(markup_problem("<svg><g></svg>"), "");
  EXPECT_NE(markup_problem("<svg><text>a < b</text></svg>"), "");
  EXPECT_NE(markup_problem("<svg><text>a & b</text></svg>"), "");
  EXPECT_NE(markup_problem("<svg><text x=\"<\">a</text></svg>"), "");
  EXPECT_EQ(markup_problem("<svg><text x=\"1\">a &amp; b</text><line/></svg>"), "");
}

TEST(LeveyJenningsSvg, EscapesEveryText) {
  LeveyJenningsChart chart = busy_chart();
  chart.title = "GLU <&> \"level\" 'two'";
  chart.unit = "mg/dL<";
  chart.points[0].label = "R&D-1";
  chart.points[2].violations = {{"<weird&rule>", RuleSeverity::kWarning}};
  chart.events[0].label = "cal & \"QC\"";
  const std::string svg = svg_of(chart);
  EXPECT_EQ(markup_problem(svg), "");
  EXPECT_NE(svg.find("<title>GLU &lt;&amp;&gt; &quot;level&quot; &apos;two&apos;</title>"),
            std::string::npos);
  EXPECT_NE(svg.find(">R&amp;D-1</text>"), std::string::npos);
  EXPECT_NE(svg.find(">&lt;weird&amp;rule&gt;</text>"), std::string::npos);
  EXPECT_NE(svg.find("cal &amp; &quot;QC&quot;"), std::string::npos);
  EXPECT_NE(svg.find("mg/dL&lt;"), std::string::npos);
  EXPECT_EQ(svg.find("<&>"), std::string::npos);
}

TEST(LeveyJenningsSvg, DrawsTheMeanAndSdLinesWhereTheLayoutPutsThem) {
  const LeveyJenningsChart chart = busy_chart();
  const std::string svg = svg_of(chart);
  const LeveyJenningsLayout layout = *lay_out_levey_jennings(chart, {});
  for (const LimitLine& line : layout.limit_lines) {
    const std::string y = chart_number(line.line.from.y, 2);
    EXPECT_NE(svg.find("<line x1=\"" + chart_number(layout.plot.left, 2) + "\" y1=\"" + y +
                       "\" x2=\"" + chart_number(layout.plot.right, 2) + "\" y2=\"" + y + "\""),
              std::string::npos)
        << line.sd_multiple << " SD";
    EXPECT_NE(svg.find(">" + line.value_label.text + "</text>"), std::string::npos);
    EXPECT_NE(svg.find(">" + line.sd_label.text + "</text>"), std::string::npos);
  }
  EXPECT_NE(svg.find(">107.5</text>"), std::string::npos);
  EXPECT_NE(svg.find(">-3 SD</text>"), std::string::npos);
  // Both ±3 SD lines y lie one eighth of the plot in from its edges.
  const double three_sd_y = layout.plot.top + layout.plot.height() / 8;
  EXPECT_NE(svg.find("y1=\"" + chart_number(three_sd_y, 2) + "\""), std::string::npos);
}

TEST(LeveyJenningsSvg, WritesTheRuleNamesOfAViolatingPointBesideItAndInItsTooltip) {
  const std::string svg = svg_of(busy_chart());
  const std::string rejected = point_group(svg, 4);
  EXPECT_EQ(rejected.rfind("<g class=\"point reject excluded\">", 0), 0u) << rejected;
  EXPECT_NE(rejected.find("<title>R-1004: 109.0 mg/dL (+3.60 SD); rules 1-3s (reject); "
                          "excluded</title>"),
            std::string::npos)
      << rejected;
  EXPECT_NE(rejected.find(">1-3s</text>"), std::string::npos) << rejected;

  const std::string mixed = point_group(svg, 8);
  EXPECT_EQ(mixed.rfind("<g class=\"point reject\">", 0), 0u) << mixed;
  EXPECT_NE(mixed.find(">1-2s, R-4s</text>"), std::string::npos) << mixed;

  const std::string warned = point_group(svg, 2);
  EXPECT_EQ(warned.rfind("<g class=\"point warning\">", 0), 0u) << warned;
  EXPECT_NE(warned.find(">1-2s</text>"), std::string::npos) << warned;

  const std::string in_control = point_group(svg, 0);
  EXPECT_EQ(in_control.rfind("<g class=\"point in-control\">", 0), 0u) << in_control;
  EXPECT_EQ(in_control.find("<text"), std::string::npos) << in_control;
}

TEST(LeveyJenningsSvg, DrawsWarningsRejectionsAndExcludedValuesInDifferentPaint) {
  const std::string svg = svg_of(busy_chart());
  const auto fill_of = [](const std::string& group) {
    const std::size_t start = group.find(" fill=\"") + 7;
    return group.substr(start, group.find('"', start) - start);
  };
  const std::string in_control = fill_of(point_group(svg, 0));
  const std::string warning = fill_of(point_group(svg, 2));
  const std::string rejected = fill_of(point_group(svg, 8));
  const std::string excluded = fill_of(point_group(svg, 4));
  EXPECT_NE(warning, rejected);
  EXPECT_NE(warning, in_control);
  EXPECT_NE(rejected, in_control);
  EXPECT_EQ(excluded, "#ffffff");  // hollow
  EXPECT_NE(point_group(svg, 2).find("<polygon"), std::string::npos);
  EXPECT_NE(point_group(svg, 0).find("<circle"), std::string::npos);
}

TEST(LeveyJenningsSvg, JoinsThePointsInOrder) {
  const LeveyJenningsChart chart = busy_chart();
  const std::string svg = svg_of(chart);
  const LeveyJenningsLayout layout = *lay_out_levey_jennings(chart, {});
  std::string points;
  for (const PlottedPoint& point : layout.points) {
    if (!points.empty()) points += ' ';
    points += chart_number(point.mark.center.x, 2) + "," + chart_number(point.mark.center.y, 2);
  }
  EXPECT_NE(svg.find("<polyline class=\"series\" points=\"" + points + "\""), std::string::npos);
}

TEST(LeveyJenningsSvg, DrawsEventsAsLabelledVerticalLines) {
  const std::string svg = svg_of(busy_chart());
  const std::size_t event = svg.find("<g class=\"event\"><title>corrective action</title>");
  ASSERT_NE(event, std::string::npos);
  const std::string group = svg.substr(event, svg.find("</g>", event) - event);
  EXPECT_NE(group.find(">corrective action</text>"), std::string::npos);
  const std::size_t x1 = group.find("x1=\"") + 4;
  const std::size_t x2 = group.find("x2=\"") + 4;
  EXPECT_EQ(group.substr(x1, group.find('"', x1) - x1), group.substr(x2, group.find('"', x2) - x2));
}

TEST(LeveyJenningsSvg, IsTheSameBytesEveryTime) {
  const std::string first = svg_of(busy_chart());
  EXPECT_EQ(first, svg_of(busy_chart()));
  LeveyJenningsChart moved = busy_chart();
  moved.points[3].value += 0.5;
  EXPECT_NE(first, svg_of(moved));
}

TEST(LeveyJenningsPng, StartsWithThePngSignatureAndHasTheRequestedSize) {
  const std::string png = png_of(busy_chart(), {640, 360});
  ASSERT_GT(png.size(), 33u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(big_endian_at(png, 8), 13u);  // IHDR comes first, 13 bytes long
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(big_endian_at(png, 16), 640u);
  EXPECT_EQ(big_endian_at(png, 20), 360u);
}

TEST(LeveyJenningsPng, IsTheSameBytesEveryTime) {
  const std::string first = png_of(busy_chart());
  EXPECT_EQ(first, png_of(busy_chart()));
  LeveyJenningsChart moved = busy_chart();
  moved.points[3].value += 2.5;
  EXPECT_NE(first, png_of(moved));
}

// Reads the PNG back with cairo and looks along the lines the layout placed.
class PngPixels {
 public:
  explicit PngPixels(const std::string& png) : png_(png) {
    surface_.reset(cairo_image_surface_create_from_png_stream(&PngPixels::read, this));
  }
  bool ok() const { return cairo_surface_status(surface_.get()) == CAIRO_STATUS_SUCCESS; }
  // Whether some pixel within a pixel of row `y`, between columns `x_from` and `x_to`, has
  // `dominant` channel (0 red, 1 green) clearly above the other two.
  bool has_color_near(double y, int x_from, int x_to, int dominant) const {
    cairo_surface_t* surface = surface_.get();
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (int row = static_cast<int>(std::floor(y)) - 1; row <= static_cast<int>(y) + 1; ++row) {
      for (int column = x_from; column <= x_to; ++column) {
        std::uint32_t pixel = 0;
        std::memcpy(&pixel, data + row * stride + column * 4, 4);
        const int channel[3] = {static_cast<int>((pixel >> 16) & 0xFF),
                                static_cast<int>((pixel >> 8) & 0xFF),
                                static_cast<int>(pixel & 0xFF)};
        bool stands_out = true;
        for (int other = 0; other < 3; ++other) {
          if (other != dominant && channel[dominant] < channel[other] + 50) stands_out = false;
        }
        if (stands_out) return true;
      }
    }
    return false;
  }

 private:
  static cairo_status_t read(void* closure, unsigned char* data, unsigned int length) {
    auto* self = static_cast<PngPixels*>(closure);
    if (self->offset_ + length > self->png_.size()) return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, self->png_.data() + self->offset_, length);
    self->offset_ += length;
    return CAIRO_STATUS_SUCCESS;
  }
  struct Deleter {
    void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
  };
  const std::string& png_;
  std::size_t offset_ = 0;
  std::unique_ptr<cairo_surface_t, Deleter> surface_;
};

TEST(LeveyJenningsPng, DrawsTheMeanGreenAndThePlusThreeSdLineRedWhereTheLayoutSays) {
  // Values far from the lines' left ends, so that only the lines are drawn there.
  const LeveyJenningsChart chart = glucose_chart({0.5, 0.5, 0.5, 0.5});
  const std::string png = png_of(chart);
  const PngPixels pixels(png);
  ASSERT_TRUE(pixels.ok());
  const LeveyJenningsLayout layout = *lay_out_levey_jennings(chart, {});
  const int from = static_cast<int>(layout.plot.left) + 2;
  const int to = from + 20;
  constexpr int kRed = 0;
  constexpr int kGreen = 1;
  EXPECT_TRUE(pixels.has_color_near(layout.y_of_z(0), from, to, kGreen));
  EXPECT_TRUE(pixels.has_color_near(layout.y_of_z(3), from, to, kRed));
  EXPECT_TRUE(pixels.has_color_near(layout.y_of_z(-3), from, to, kRed));
  // Halfway between the lines there is neither.
  EXPECT_FALSE(pixels.has_color_near(layout.y_of_z(2.5), from, to, kRed));
  EXPECT_FALSE(pixels.has_color_near(layout.y_of_z(-0.5), from, to, kGreen));
}

// The errors, the same from both painters.
class LeveyJenningsErrors : public ::testing::Test {
 protected:
  static std::string error_of(const LeveyJenningsChart& chart, ChartSize size = {}) {
    const Result<std::string> svg = render_levey_jennings_svg(chart, size);
    const Result<std::string> png = render_levey_jennings_png(chart, size);
    if (svg.has_value() || png.has_value()) return "rendered";
    EXPECT_EQ(svg.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(png.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(svg.error().message(), png.error().message());
    return svg.error().message();
  }
};

TEST_F(LeveyJenningsErrors, RefusesAnSdThatIsNotAFinitePositiveNumber) {
  LeveyJenningsChart chart = glucose_chart({0});
  chart.target_sd = 0;
  EXPECT_EQ(error_of(chart), "Levey-Jennings chart: target SD must be a finite number > 0, got 0");
  chart.target_sd = -2.5;
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: target SD must be a finite number > 0, got -2.5");
  chart.target_sd = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: target SD must be a finite number > 0, got NaN");
  chart.target_sd = std::numeric_limits<double>::infinity();
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: target SD must be a finite number > 0, got inf");
}

TEST_F(LeveyJenningsErrors, RefusesANonFiniteMean) {
  LeveyJenningsChart chart = glucose_chart({0});
  chart.target_mean = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(error_of(chart), "Levey-Jennings chart: target mean must be finite, got -inf");
}

TEST_F(LeveyJenningsErrors, RefusesAChartWithoutPoints) {
  EXPECT_EQ(error_of(glucose_chart({})), "Levey-Jennings chart: no points to chart");
}

TEST_F(LeveyJenningsErrors, RefusesANonFiniteValueNamingThePoint) {
  LeveyJenningsChart chart = glucose_chart({0, 1, 2});
  chart.points[1].value = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(error_of(chart), "Levey-Jennings chart: point 2 (R-1001): value is not finite (NaN)");
  chart.points[1].value = std::numeric_limits<double>::infinity();
  chart.points[1].label = "";
  EXPECT_EQ(error_of(chart), "Levey-Jennings chart: point 2: value is not finite (inf)");
}

TEST_F(LeveyJenningsErrors, RefusesAValueAMillionSdAway) {
  LeveyJenningsChart chart = glucose_chart({0});
  chart.points[0].value = 1e7;
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: point 1 (R-1000): value 1e+07 is more than 1000000 SD from the "
            "target mean 100");
}

TEST_F(LeveyJenningsErrors, RefusesPointsOutOfTimeOrder) {
  LeveyJenningsChart chart = glucose_chart({0, 1});
  chart.points[0].time = at("2026-03-02T08:00:00Z");
  chart.points[1].time = at("2026-03-01T08:00:00Z");
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: point 2 (R-1001) at 2026-03-01T08:00:00Z is earlier than "
            "point 1 (R-1000) at 2026-03-02T08:00:00Z; points must be in time order");
}

TEST_F(LeveyJenningsErrors, RefusesAPointWithoutTimeOnATimeAxis) {
  LeveyJenningsChart chart = glucose_chart({0, 1});
  chart.x_axis = XAxis::kTime;
  chart.points[0].time = at("2026-03-01T08:00:00Z");
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: point 2 (R-1001) has no time; a time axis needs one for every "
            "point");
}

TEST_F(LeveyJenningsErrors, RefusesAnEventWithoutOrWithTwoPlaces) {
  LeveyJenningsChart chart = glucose_chart({0, 1});
  chart.events.push_back({"calibration", std::nullopt, std::nullopt});
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: event 1 (calibration) needs either a time or a point to stand "
            "before, not neither");
  chart.events[0] = {"calibration", at("2026-03-01T08:00:00Z"), 1};
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: event 1 (calibration) needs either a time or a point to stand "
            "before, not both");
  chart.events[0] = {"new lot", std::nullopt, 3};
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: event 1 (new lot) stands before point 4 but the chart has 2 "
            "points");
  chart.events[0] = {"new lot", at("2026-03-01T08:00:00Z"), std::nullopt};
  EXPECT_EQ(error_of(chart),
            "Levey-Jennings chart: event 1 (new lot) is placed by time but point 1 (R-1000) has "
            "no time");
}

TEST_F(LeveyJenningsErrors, RefusesARuleWithoutAName) {
  LeveyJenningsChart chart = glucose_chart({3.5});
  chart.points[0].violations = {{"", RuleSeverity::kReject}};
  EXPECT_EQ(error_of(chart), "Levey-Jennings chart: point 1 (R-1000): a violated rule has no name");
}

TEST_F(LeveyJenningsErrors, RefusesASizeOrPrecisionOutOfRange) {
  const LeveyJenningsChart chart = glucose_chart({0});
  EXPECT_EQ(error_of(chart, {100, 100}),
            "Levey-Jennings chart: size 100x100 is outside 320x240 to 8192x8192");
  EXPECT_EQ(error_of(chart, {960, 9000}),
            "Levey-Jennings chart: size 960x9000 is outside 320x240 to 8192x8192");
  LeveyJenningsChart precise = chart;
  precise.decimals = 7;
  EXPECT_EQ(error_of(precise), "Levey-Jennings chart: decimals must be 0 to 6, got 7");
}

TEST_F(LeveyJenningsErrors, AcceptsTheSmallestSizeAndOneValue) {
  EXPECT_EQ(error_of(glucose_chart({0}), {320, 240}), "rendered");
}

}  // namespace
}  // namespace aliquot::report
