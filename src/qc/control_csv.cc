#include "qc/control_csv.h"

#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "core/csv.h"
#include "core/text.h"

namespace aliquot::qc {
namespace {

constexpr std::array<std::string_view, 5> kColumns = {"run", "level", "value", "mean", "sd"};

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<double> number(std::string_view text) {
  text = trimmed(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  ControlCsv read(std::string_view text) {
    Result<std::vector<core::CsvRecord>> records = core::read_csv(text, file_);
    if (!records.has_value()) return finish({records.error()});
    if (records->empty()) {
      return finish({at(0, "the file is empty; it needs a header row run,level,value,mean,sd")});
    }
    if (!read_header(records->front())) return finish(std::move(diagnostics_));
    for (std::size_t i = 1; i < records->size(); ++i) read_row((*records)[i]);
    if (runs_.empty() && diagnostics_.empty()) {
      diagnostics_.push_back(at(records->front().line, "no control values after the header"));
    }
    return finish(std::move(diagnostics_));
  }

 private:
  Error at(int line, std::string message) const {
    return Error(ErrorCode::kInvalidArgument, std::move(message), SourcePosition{file_, line, 0});
  }

  ControlCsv finish(std::vector<Error> diagnostics) {
    if (!diagnostics.empty()) return ControlCsv{std::nullopt, std::move(diagnostics)};
    return ControlCsv{std::move(runs_), {}};
  }

  bool read_header(const core::CsvRecord& header) {
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      const std::string name = core::ascii_lower(trimmed(header.fields[i]));
      for (std::size_t c = 0; c < kColumns.size(); ++c) {
        if (name != kColumns[c]) continue;
        if (columns_[c]) {
          diagnostics_.push_back(at(header.line, "column '" + name + "' is named twice"));
        }
        columns_[c] = i;
      }
    }
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
      if (!columns_[c]) {
        diagnostics_.push_back(at(header.line, "the header has no column '" +
                                                   std::string(kColumns[c]) +
                                                   "' (it needs run, level, value, mean, sd)"));
      }
    }
    return diagnostics_.empty();
  }

  std::string field(const core::CsvRecord& row, std::size_t column) const {
    const std::size_t index = *columns_[column];
    return index < row.fields.size() ? std::string(trimmed(row.fields[index])) : std::string();
  }

  void read_row(const core::CsvRecord& row) {
    const std::size_t problems = diagnostics_.size();
    const std::string run_id = field(row, 0);
    const std::string level = field(row, 1);
    if (run_id.empty()) diagnostics_.push_back(at(row.line, "run is empty"));
    if (level.empty()) diagnostics_.push_back(at(row.line, "level is empty"));
    std::array<double, 3> numbers{};
    for (std::size_t c = 2; c < kColumns.size(); ++c) {
      const std::string text = field(row, c);
      const std::optional<double> read = number(text);
      if (!read) {
        diagnostics_.push_back(
            at(row.line, std::string(kColumns[c]) + " '" + text + "' is not a number"));
      } else {
        numbers[c - 2] = *read;
      }
    }
    if (diagnostics_.size() == problems && numbers[2] <= 0) {
      diagnostics_.push_back(at(row.line, "sd '" + field(row, 4) + "' must be greater than 0"));
    }
    if (run_id.empty() || level.empty()) return;

    if (runs_.empty() || runs_.back().id != run_id) {
      if (const auto earlier = first_line_.find(run_id); earlier != first_line_.end()) {
        diagnostics_.push_back(at(row.line, "run " + run_id + " appears again after run " +
                                                runs_.back().id + " (its rows start at line " +
                                                std::to_string(earlier->second) +
                                                "); the rows of a run must be together"));
        return;
      }
      first_line_.emplace(run_id, row.line);
      runs_.push_back(ControlRun{.id = run_id, .values = {}});
      levels_.clear();
    }
    if (const auto earlier = levels_.find(level); earlier != levels_.end()) {
      diagnostics_.push_back(at(row.line, "run " + run_id + " has level " + level +
                                              " twice (also at line " +
                                              std::to_string(earlier->second) + ")"));
      return;
    }
    levels_.emplace(level, row.line);
    if (diagnostics_.size() != problems) return;
    runs_.back().values.push_back(
        ControlValue{.level = level, .value = numbers[0], .mean = numbers[1], .sd = numbers[2]});
  }

  const std::string& file_;
  std::array<std::optional<std::size_t>, kColumns.size()> columns_;
  std::vector<Error> diagnostics_;
  std::vector<ControlRun> runs_;
  std::map<std::string, int> first_line_;  // run id -> line of its first row
  std::map<std::string, int> levels_;      // of the run being read -> line
};

}  // namespace

ControlCsv read_control_csv(std::string_view text, const std::string& file) {
  return Reader(file).read(text);
}

}  // namespace aliquot::qc
