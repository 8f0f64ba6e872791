#include "people/competency_log.h"

#include <map>
#include <utility>

#include "core/csv.h"
#include "core/text.h"

namespace aliquot::people {
namespace {

enum CompetencyColumn { kPersonColumn, kTestSystemColumn, kEventColumn, kDateColumn };

class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  CompetencyLog read(std::string_view text) {
    Result<std::vector<core::CsvRecord>> records = core::read_csv(text, file_);
    if (!records.has_value()) return {std::nullopt, {records.error()}};
    if (records->empty()) {
      return {std::nullopt,
              {at(0,
                  "the file is empty; it needs a header row "
                  "person,test_system,event,date")}};
    }
    if (!read_header(records->front())) return {std::nullopt, std::move(diagnostics_)};
    for (std::size_t i = 1; i < records->size(); ++i) read_row((*records)[i]);
    for (const Entry& entry : entries_) {
      if (!entry.started_line) {
        diagnostics_.push_back(
            at(entry.first_line, "person " + core::in_quotes(entry.value.person) +
                                     " on test system " + core::in_quotes(entry.value.test_system) +
                                     " has no 'started' row"));
      }
    }
    if (entries_.empty() && diagnostics_.empty()) {
      diagnostics_.push_back(at(records->front().line, "no events after the header"));
    }
    if (!diagnostics_.empty()) return {std::nullopt, std::move(diagnostics_)};
    std::vector<PersonOnSystem> out;
    out.reserve(entries_.size());
    for (Entry& entry : entries_) out.push_back(std::move(entry.value));
    return {std::move(out), {}};
  }

 private:
  struct Entry {
    PersonOnSystem value;
    int first_line = 0;
    int started_line = 0;
  };

  Error at(int line, std::string message) const {
    return Error(ErrorCode::kInvalidArgument, std::move(message), SourcePosition{file_, line, 0});
  }

  bool read_header(const core::CsvRecord& header) {
    core::CsvColumns found =
        core::find_csv_columns(header, {"person", "test_system", "event", "date"}, 4);
    for (std::string& problem : found.problems) diagnostics_.push_back(at(header.line, problem));
    columns_ = std::move(found.index);
    return diagnostics_.empty();
  }

  std::string field(const core::CsvRecord& row, CompetencyColumn column) const {
    return core::csv_field(row, columns_[column]);
  }

  void read_row(const core::CsvRecord& row) {
    const std::size_t problems = diagnostics_.size();
    const std::string person = field(row, kPersonColumn);
    const std::string system = field(row, kTestSystemColumn);
    const std::string event = field(row, kEventColumn);
    const std::string date_text = field(row, kDateColumn);
    if (person.empty()) diagnostics_.push_back(at(row.line, "person is empty"));
    if (system.empty()) diagnostics_.push_back(at(row.line, "test_system is empty"));
    if (event != "started" && event != "assessed" && event != "method-changed") {
      diagnostics_.push_back(at(row.line, "event " + core::in_quotes(event) +
                                              " is not one of started, assessed, method-changed"));
    }
    const Result<core::Date> date = core::parse_date(date_text);
    if (!date.has_value()) {
      diagnostics_.push_back(
          at(row.line, "date " + core::in_quotes(date_text) + " is not a date (YYYY-MM-DD)"));
    }
    if (diagnostics_.size() != problems) return;

    Entry& entry = entry_for(person, system, row.line);
    CompetencyHistory& history = entry.value.history;
    if (event == "started") {
      if (entry.started_line) {
        diagnostics_.push_back(at(row.line, "person " + core::in_quotes(person) +
                                                " on test system " + core::in_quotes(system) +
                                                " already started at line " +
                                                std::to_string(entry.started_line)));
        return;
      }
      entry.started_line = row.line;
      history.started_testing = *date;
    } else if (event == "assessed") {
      history.assessments.push_back(*date);
    } else {
      history.method_changes.push_back(*date);
    }
  }

  Entry& entry_for(const std::string& person, const std::string& system, int line) {
    const auto key = std::make_pair(person, system);
    if (const auto found = index_.find(key); found != index_.end()) return entries_[found->second];
    index_.emplace(key, entries_.size());
    Entry entry;
    entry.value.person = person;
    entry.value.test_system = system;
    entry.first_line = line;
    entries_.push_back(std::move(entry));
    return entries_.back();
  }

  std::string file_;
  std::vector<std::optional<std::size_t>> columns_;
  std::vector<Error> diagnostics_;
  std::vector<Entry> entries_;
  std::map<std::pair<std::string, std::string>, std::size_t> index_;
};

}  // namespace

CompetencyLog read_competency_log(std::string_view text, const std::string& file) {
  return Reader(file).read(text);
}

}  // namespace aliquot::people
