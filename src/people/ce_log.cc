#include "people/ce_log.h"

#include <charconv>
#include <cmath>

#include "core/csv.h"
#include "core/text.h"

namespace aliquot::people {
namespace {

enum CeLogColumn {
  kActivityPerson,
  kActivityDate,
  kActivityCategory,
  kActivityPoints,
  kActivityProvider,
  kActivityTitle
};

std::optional<double> points_of(const std::string& text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value) || value <= 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

CeLog read_ce_log(std::string_view text, const std::string& file, const CeRules& rules) {
  const auto at = [&](int line, std::string message) {
    return Error(ErrorCode::kInvalidArgument, std::move(message), SourcePosition{file, line, 0});
  };
  Result<std::vector<core::CsvRecord>> records = core::read_csv(text, file);
  if (!records.has_value()) return {std::nullopt, {records.error()}};
  if (records->empty()) {
    return {std::nullopt,
            {at(0, "the file is empty; it needs a header row person,date,category,points")}};
  }
  const core::CsvColumns columns = core::find_csv_columns(
      records->front(), {"person", "date", "category", "points", "provider", "title"}, 4);
  std::vector<Error> diagnostics;
  for (const std::string& problem : columns.problems) {
    diagnostics.push_back(at(records->front().line, problem));
  }
  if (!diagnostics.empty()) return {std::nullopt, std::move(diagnostics)};

  std::vector<std::string> codes;
  for (const CeCategory& category : rules.categories()) codes.push_back(category.code);
  std::vector<core::CeActivity> activities;
  for (std::size_t i = 1; i < records->size(); ++i) {
    const core::CsvRecord& row = (*records)[i];
    const auto field = [&](CeLogColumn column) {
      return core::csv_field(row, columns.index[column]);
    };
    const std::size_t problems = diagnostics.size();
    core::CeActivity activity;
    activity.person = field(kActivityPerson);
    if (activity.person.empty()) diagnostics.push_back(at(row.line, "person is empty"));
    const std::string date = field(kActivityDate);
    if (const Result<core::Date> parsed = core::parse_date(date)) {
      activity.date = *parsed;
    } else {
      diagnostics.push_back(
          at(row.line, "date " + core::in_quotes(date) + " is not a date (YYYY-MM-DD)"));
    }
    activity.category = core::ascii_lower(field(kActivityCategory));
    if (rules.find_category(activity.category) == nullptr) {
      const std::string nearest =
          core::nearest_spelling(activity.category, codes, core::LetterCase::kIgnored);
      diagnostics.push_back(
          at(row.line,
             "category " + core::in_quotes(field(kActivityCategory)) + " is not one of " +
                 core::join(codes) +
                 (nearest.empty() ? "" : " (did you mean " + core::in_quotes(nearest) + "?)")));
    }
    const std::string points = field(kActivityPoints);
    if (const std::optional<double> value = points_of(points)) {
      activity.points = *value;
    } else {
      diagnostics.push_back(
          at(row.line, "points " + core::in_quotes(points) + " is not a number greater than 0"));
    }
    activity.provider = field(kActivityProvider);
    activity.title = field(kActivityTitle);
    if (diagnostics.size() == problems) activities.push_back(std::move(activity));
  }
  if (activities.empty() && diagnostics.empty()) {
    diagnostics.push_back(at(records->front().line, "no activities after the header"));
  }
  if (!diagnostics.empty()) return {std::nullopt, std::move(diagnostics)};
  return {std::move(activities), {}};
}

}  // namespace aliquot::people
