#include "calc/band_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "core/text.h"

namespace aliquot::calc {
namespace {

using core::number_text;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<double> parse_bound(std::string_view text) {
  if (text == "inf" || text == "+inf") return kInfinity;
  if (text == "-inf") return -kInfinity;
  double value = 0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (result.ec != std::errc() || result.ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

// True when `value` lies beyond the band's upper edge.
bool above(const Band& band, double value) {
  return band.upper_edge == Edge::kIncluded ? value > band.upper : value >= band.upper;
}

}  // namespace

bool Band::contains(double value) const {
  const bool after_lower = lower_edge == Edge::kIncluded ? value >= lower : value > lower;
  const bool before_upper = upper_edge == Edge::kIncluded ? value <= upper : value < upper;
  return after_lower && before_upper;
}

std::string Band::to_string() const {
  return (lower_edge == Edge::kIncluded ? "[" : "(") + number_text(lower) + ", " +
         number_text(upper) + (upper_edge == Edge::kIncluded ? "]" : ")");
}

Result<Band> parse_band(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  const std::string_view body = trim(text);
  const auto malformed = [&] {
    return invalid_argument("a band is written like '[7, 50)' or '(-inf, 100)', not " + quoted +
                            " ('[' and ']' include the edge, '(' and ')' exclude it)");
  };
  if (body.size() < 5) return malformed();
  const char open = body.front();
  const char close = body.back();
  if ((open != '[' && open != '(') || (close != ']' && close != ')')) return malformed();
  const std::string_view inside = body.substr(1, body.size() - 2);
  const std::size_t comma = inside.find(',');
  if (comma == std::string_view::npos || inside.find(',', comma + 1) != std::string_view::npos) {
    return malformed();
  }
  const std::string_view lower_text = trim(inside.substr(0, comma));
  const std::string_view upper_text = trim(inside.substr(comma + 1));
  const std::optional<double> lower = parse_bound(lower_text);
  const std::optional<double> upper = parse_bound(upper_text);
  if (!lower) {
    return invalid_argument("the lower edge '" + std::string(lower_text) + "' of band " + quoted +
                            " is not a number (or -inf)");
  }
  if (!upper) {
    return invalid_argument("the upper edge '" + std::string(upper_text) + "' of band " + quoted +
                            " is not a number (or inf)");
  }
  Band band{*lower, *upper, open == '[' ? Edge::kIncluded : Edge::kExcluded,
            close == ']' ? Edge::kIncluded : Edge::kExcluded};
  if (std::isinf(band.lower) && band.lower_edge == Edge::kIncluded) {
    return invalid_argument("band " + quoted + " cannot include an infinite edge: write '('");
  }
  if (std::isinf(band.upper) && band.upper_edge == Edge::kIncluded) {
    return invalid_argument("band " + quoted + " cannot include an infinite edge: write ')'");
  }
  if (band.lower == kInfinity || band.upper == -kInfinity) {
    return invalid_argument("band " + quoted + " contains no value");
  }
  const bool single_value = band.lower == band.upper && band.lower_edge == Edge::kIncluded &&
                            band.upper_edge == Edge::kIncluded;
  if (band.lower > band.upper || (band.lower == band.upper && !single_value)) {
    return invalid_argument("band " + quoted + " contains no value: its lower edge " +
                            number_text(band.lower) + " is not below its upper edge " +
                            number_text(band.upper));
  }
  return band;
}

std::optional<std::string> check_adjacent(const Band& before, const Band& band,
                                          std::size_t number) {
  const std::string names = "band " + std::to_string(number) + " " + band.to_string() +
                            " and band " + std::to_string(number - 1) + " " + before.to_string();
  if (band.lower != before.upper) {
    return names + (band.lower < before.upper ? " overlap" : " leave a gap") + ": band " +
           std::to_string(number) + " must start at " + number_text(before.upper);
  }
  if (band.lower_edge == before.upper_edge) {
    return names +
           (band.lower_edge == Edge::kIncluded
                ? " both include " + number_text(band.lower)
                : " both exclude " + number_text(band.lower) + ", which then falls in no band");
  }
  return std::nullopt;
}

std::vector<AxisProblem> check_axis(const std::vector<Band>& bands) {
  std::vector<AxisProblem> problems;
  for (std::size_t i = 1; i < bands.size(); ++i) {
    if (std::optional<std::string> problem = check_adjacent(bands[i - 1], bands[i], i + 1)) {
      problems.push_back({i, std::move(*problem)});
    }
  }
  return problems;
}

std::optional<std::size_t> find_band(const std::vector<Band>& bands, double value) {
  // The first band whose upper edge is not below `value`; the value is in it or in none.
  const auto it = std::partition_point(bands.begin(), bands.end(),
                                       [value](const Band& band) { return above(band, value); });
  if (it == bands.end() || !it->contains(value)) return std::nullopt;
  return static_cast<std::size_t>(it - bands.begin());
}

Result<BandTable> BandTable::make(std::string name, std::vector<Band> rows,
                                  std::vector<Band> columns, std::vector<double> cells) {
  if (rows.empty() || columns.empty()) {
    return invalid_argument("table '" + name + "' needs at least one row and one column");
  }
  for (const auto& [axis, bands] :
       {std::pair<const char*, const std::vector<Band>*>{"row", &rows}, {"column", &columns}}) {
    const std::vector<AxisProblem> problems = check_axis(*bands);
    if (!problems.empty()) {
      return invalid_argument("table '" + name + "', " + axis + " " + problems.front().message);
    }
  }
  if (cells.size() != rows.size() * columns.size()) {
    return invalid_argument("table '" + name + "' has " + std::to_string(cells.size()) +
                            " cells; " + std::to_string(rows.size()) + " rows of " +
                            std::to_string(columns.size()) + " columns need " +
                            std::to_string(rows.size() * columns.size()));
  }
  BandTable table;
  table.name_ = std::move(name);
  table.rows_ = std::move(rows);
  table.columns_ = std::move(columns);
  table.cells_ = std::move(cells);
  return table;
}

std::optional<double> BandTable::lookup(double row_value, double column_value) const {
  const std::optional<std::size_t> row = find_band(rows_, row_value);
  const std::optional<std::size_t> column = find_band(columns_, column_value);
  if (!row || !column) return std::nullopt;
  return cell(*row, *column);
}

namespace {

std::string coverage(const std::vector<Band>& bands) {
  Band all = bands.front();
  all.upper = bands.back().upper;
  all.upper_edge = bands.back().upper_edge;
  return all.to_string();
}

}  // namespace

std::string BandTable::row_coverage() const { return coverage(rows_); }
std::string BandTable::column_coverage() const { return coverage(columns_); }

}  // namespace aliquot::calc
