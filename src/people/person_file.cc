#include "people/person_file.h"

#include "config/toml_reader.h"
#include "core/text.h"

namespace aliquot::people {
namespace {

using config::Diagnostics;
using config::in_quotes;
using config::Required;
using config::TableReader;
using config::TextAt;

std::optional<core::Date> date_at(TableReader& reader, std::string_view key, Required required) {
  const std::optional<std::string> text = reader.text(key, required);
  if (!text) return std::nullopt;
  const Result<core::Date> date = core::parse_date(*text);
  if (!date) {
    reader.problem(key, "must be a date YYYY-MM-DD, not " + in_quotes(*text));
    return std::nullopt;
  }
  return *date;
}

double non_negative(TableReader& reader, std::string_view key) {
  const std::optional<double> value = reader.number(key, Required::kNo);
  if (value && *value < 0) {
    reader.problem(key, "must not be negative");
    return 0;
  }
  return value.value_or(0);
}

void read_experience(TableReader& reader, core::Education& education) {
  core::ExperiencePeriod period;
  const std::optional<std::string> laboratory = reader.text("laboratory", Required::kYes);
  const std::optional<core::Date> from = date_at(reader, "from", Required::kYes);
  period.to = date_at(reader, "to", Required::kNo);
  bool valid = laboratory && from;
  if (from && period.to && *period.to < *from) {
    reader.problem("to", "is before 'from' (" + core::format_date(*from) + ")");
    valid = false;
  }
  if (const std::optional<double> share = reader.number("full_time_share", Required::kNo)) {
    if (*share <= 0 || *share > 1) {
      reader.problem("full_time_share", "must be more than 0 and at most 1 (full time), not " +
                                            core::number_text(*share));
      valid = false;
    } else {
      period.full_time_share = *share;
    }
  }
  if (const std::optional<std::vector<TextAt>> areas = reader.texts("areas", Required::kNo)) {
    for (const TextAt& area : *areas) period.areas.push_back(area.text);
  }
  if (!valid) return;
  period.laboratory = *laboratory;
  period.from = *from;
  education.experience.push_back(std::move(period));
}

void read_education(const toml::table& table, core::Education& education, Diagnostics& out) {
  TableReader reader(table, "[education]",
                     {"degree", "semester_hours_total", "semester_hours", "military_courses",
                      "military_course", "experience_months", "experience", "program"},
                     out);
  reader.report_unknown_keys();
  if (const std::optional<std::string> degree = reader.text("degree", Required::kNo)) {
    if (const std::optional<core::DegreeLevel> level = core::degree_level_from_code(*degree)) {
      education.degree = *level;
    } else {
      reader.problem("degree", "must be none, associate, baccalaureate, master or doctorate, not " +
                                   in_quotes(*degree));
    }
  }
  education.semester_hours_total = non_negative(reader, "semester_hours_total");
  education.undated_experience_months = non_negative(reader, "experience_months");
  if (const toml::table* hours = reader.table("semester_hours", Required::kNo)) {
    for (const auto& [subject, value] : *hours) {
      const std::optional<double> number = value.value<double>();
      if (!number || *number < 0) {
        reader.problem("semester_hours", "gives " + in_quotes(subject.str()) +
                                             " hours that are not a number of 0 or more");
        continue;
      }
      education.semester_hours[std::string(subject.str())] = *number;
    }
  }
  if (const std::optional<std::vector<TextAt>> courses =
          reader.texts("military_courses", Required::kNo)) {
    for (const TextAt& course : *courses) {
      education.military_courses.push_back({course.text, std::nullopt});
    }
  }
  if (const toml::array* courses = reader.tables("military_course", Required::kNo)) {
    for (std::size_t i = 0; i < courses->size(); ++i) {
      TableReader course(*courses->get(i)->as_table(),
                         "military course " + std::to_string(i + 1) + " of [education]",
                         {"kind", "completed"}, out);
      course.report_unknown_keys();
      const std::optional<std::string> kind = course.text("kind", Required::kYes);
      const std::optional<core::Date> completed = date_at(course, "completed", Required::kNo);
      if (kind) education.military_courses.push_back({*kind, completed});
    }
  }
  if (const toml::array* periods = reader.tables("experience", Required::kNo)) {
    for (std::size_t i = 0; i < periods->size(); ++i) {
      TableReader period(*periods->get(i)->as_table(),
                         "experience " + std::to_string(i + 1) + " of [education]",
                         {"laboratory", "from", "to", "full_time_share", "areas"}, out);
      period.report_unknown_keys();
      read_experience(period, education);
    }
  }
  if (const toml::array* programs = reader.tables("program", Required::kNo)) {
    for (std::size_t i = 0; i < programs->size(); ++i) {
      TableReader program(*programs->get(i)->as_table(),
                          "program " + std::to_string(i + 1) + " of [education]",
                          {"kind", "completed"}, out);
      program.report_unknown_keys();
      const std::optional<std::string> kind = program.text("kind", Required::kYes);
      const std::optional<core::Date> completed = date_at(program, "completed", Required::kYes);
      if (kind && completed) education.programs.push_back({*kind, *completed});
    }
  }
}

}  // namespace

PersonFile read_person_file(std::string_view text, const std::string& file) {
  Diagnostics out(file);
  std::optional<toml::table> root = config::parse(text, out);
  if (!root) return {std::nullopt, out.take()};
  TableReader top(*root, "the person file", {"person", "education", "certification", "licence"},
                  out);
  top.report_unknown_keys();
  core::PersonRecord person;
  if (std::optional<TableReader> header =
          top.header_table("person", {"id", "name", "role", "employment_start"}, "id and role")) {
    person.person = header->text("id", Required::kYes).value_or("");
    person.name = header->text("name", Required::kNo).value_or("");
    person.employment_start = date_at(*header, "employment_start", Required::kNo);
    if (const std::optional<std::string> role = header->text("role", Required::kYes)) {
      if (const Result<core::Role> parsed = core::parse_role(*role)) {
        person.role = *parsed;
      } else {
        header->problem("role", parsed.error().message());
      }
    }
  }
  if (const toml::table* education = top.table("education", Required::kNo)) {
    read_education(*education, person.education, out);
  }
  if (const toml::array* certifications = top.tables("certification", Required::kNo)) {
    for (std::size_t i = 0; i < certifications->size(); ++i) {
      TableReader reader(*certifications->get(i)->as_table(),
                         "certification " + std::to_string(i + 1),
                         {"credential", "number", "issued", "expires"}, out);
      core::Certification certification;
      if (const std::optional<std::string> credential = reader.text("credential", Required::kYes)) {
        certification.credential = *credential;
        reader.set_context("certification " + in_quotes(*credential));
      }
      reader.report_unknown_keys();
      certification.number = reader.text("number", Required::kNo).value_or("");
      certification.issued = date_at(reader, "issued", Required::kNo);
      certification.expires = date_at(reader, "expires", Required::kNo);
      person.certifications.push_back(std::move(certification));
    }
  }
  if (const toml::array* licences = top.tables("licence", Required::kNo)) {
    for (std::size_t i = 0; i < licences->size(); ++i) {
      TableReader reader(*licences->get(i)->as_table(), "licence " + std::to_string(i + 1),
                         {"state", "type", "number", "expires"}, out);
      reader.report_unknown_keys();
      core::StateLicence licence;
      licence.state = core::ascii_upper(reader.text("state", Required::kYes).value_or(""));
      licence.type = reader.text("type", Required::kNo).value_or("");
      licence.number = reader.text("number", Required::kNo).value_or("");
      licence.expires = date_at(reader, "expires", Required::kNo);
      person.licences.push_back(std::move(licence));
    }
  }
  std::vector<Error> diagnostics = out.take();
  if (!diagnostics.empty()) return {std::nullopt, std::move(diagnostics)};
  return {std::move(person), {}};
}

}  // namespace aliquot::people
