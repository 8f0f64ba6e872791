#pragma once

// Two-dimensional tables looked up by bands of two values, such as the Martin–Hopkins factor
// table (rows: bands of triglycerides, columns: bands of non-HDL cholesterol). Each band states
// whether its edges are included, so that a value on an edge falls in exactly one band; the bands
// of an axis are ordered and contiguous, so that every value between the first and the last edge
// falls in one band and none outside. Immutable after creation; safe to share between threads.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::calc {

enum class Edge { kIncluded, kExcluded };

// The values from `lower` to `upper`; either may be infinite (and then is excluded).
struct Band {
  double lower = 0;
  double upper = 0;
  Edge lower_edge = Edge::kIncluded;
  Edge upper_edge = Edge::kExcluded;

  bool contains(double value) const;
  // Interval notation, as written in the data: "[7, 50)", "(-inf, 100)", "[220, inf)".
  std::string to_string() const;
};

// Reads interval notation: '[' or '(' , lower, ',', upper, ']' or ')'. Bounds are numbers or
// "-inf" / "inf"; an infinite bound must be excluded; lower must be below upper (or equal, with
// both edges included). InvalidArgument names what is wrong, e.g. "a band is written like
// '[7, 50)', not '7-49'".
Result<Band> parse_band(std::string_view text);

// A problem with one band of an axis (0-based `band`), found by check_axis().
struct AxisProblem {
  std::size_t band = 0;
  std::string message;
};

// Checks that `bands` are in increasing order and contiguous: each band starts exactly where the
// one before it ends, and the shared edge belongs to exactly one of the two. Returns every
// problem; empty when the axis is sound.
std::vector<AxisProblem> check_axis(const std::vector<Band>& bands);

// The problem between band number `number` (1-based) and the band before it, as check_axis()
// words it, or nullopt when `band` follows `before` exactly.
std::optional<std::string> check_adjacent(const Band& before, const Band& band, std::size_t number);

// The band of `bands` (ordered and contiguous, see check_axis) that contains `value`, or nullopt
// when none does (outside the axis, or NaN). Binary search; no allocation.
std::optional<std::size_t> find_band(const std::vector<Band>& bands, double value);

class BandTable {
 public:
  // `cells` holds rows.size() × columns.size() values, row by row. InvalidArgument when an axis
  // fails check_axis() or the cell count does not match.
  static Result<BandTable> make(std::string name, std::vector<Band> rows, std::vector<Band> columns,
                                std::vector<double> cells);

  const std::string& name() const { return name_; }
  const std::vector<Band>& rows() const { return rows_; }
  const std::vector<Band>& columns() const { return columns_; }
  double cell(std::size_t row, std::size_t column) const {
    return cells_[row * columns_.size() + column];
  }

  // The cell for `row_value` and `column_value`; nullopt when either is in no band.
  std::optional<double> lookup(double row_value, double column_value) const;

  // "[7, 13976)": the values the rows (or columns) cover.
  std::string row_coverage() const;
  std::string column_coverage() const;

 private:
  BandTable() = default;
  std::string name_;
  std::vector<Band> rows_;
  std::vector<Band> columns_;
  std::vector<double> cells_;
};

}  // namespace aliquot::calc
