#include "lab/people_json.h"

#include <cmath>
#include <optional>

#include "core/time.h"

namespace aliquot::lab {
namespace {

nlohmann::json date_or_null(const std::optional<core::Date>& date) {
  return date ? nlohmann::json(core::format_date(*date)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const core::PersonRecord& person) {
  nlohmann::json certifications = nlohmann::json::array();
  for (const core::Certification& held : person.certifications) {
    certifications.push_back({{"credential", held.credential},
                              {"number", held.number},
                              {"issued", date_or_null(held.issued)},
                              {"expires", date_or_null(held.expires)}});
  }
  nlohmann::json licences = nlohmann::json::array();
  for (const core::StateLicence& licence : person.licences) {
    licences.push_back({{"state", licence.state},
                        {"type", licence.type},
                        {"number", licence.number},
                        {"expires", date_or_null(licence.expires)}});
  }
  nlohmann::json programs = nlohmann::json::array();
  for (const core::ProgramCompletion& program : person.education.programs) {
    programs.push_back(
        {{"kind", program.kind}, {"completed", core::format_date(program.completed)}});
  }
  nlohmann::json military_courses = nlohmann::json::array();
  for (const core::MilitaryCourse& course : person.education.military_courses) {
    military_courses.push_back(
        {{"kind", course.kind}, {"completed", date_or_null(course.completed)}});
  }
  nlohmann::json experience = nlohmann::json::array();
  for (const core::ExperiencePeriod& period : person.education.experience) {
    experience.push_back({{"laboratory", period.laboratory},
                          {"from", core::format_date(period.from)},
                          {"to", date_or_null(period.to)},
                          {"full_time_share", period.full_time_share},
                          {"areas", period.areas}});
  }
  nlohmann::json hours = nlohmann::json::object();
  for (const auto& [subject, semester_hours] : person.education.semester_hours) {
    hours[subject] = semester_hours;
  }
  return {{"person", person.person},
          {"name", person.name},
          {"role", core::to_code(person.role)},
          {"employment_start", date_or_null(person.employment_start)},
          {"certifications", std::move(certifications)},
          {"licences", std::move(licences)},
          {"education",
           {{"degree", core::to_code(person.education.degree)},
            {"semester_hours_total", person.education.semester_hours_total},
            {"semester_hours", std::move(hours)},
            {"programs", std::move(programs)},
            {"military_courses", std::move(military_courses)},
            {"experience", std::move(experience)},
            {"undated_experience_months", person.education.undated_experience_months}}}};
}

nlohmann::json to_json(const core::CompetencyEvent& event) {
  nlohmann::json elements = nlohmann::json::object();
  for (const auto& [element, how] : event.elements) elements[element] = how;
  return {{"id", event.id},
          {"person", event.person},
          {"test_system", event.test_system},
          {"event", core::to_code(event.kind)},
          {"date", core::format_date(event.on)},
          {"assessor", event.assessor},
          {"elements", std::move(elements)},
          {"notes", event.notes},
          {"recorded_at", core::format_instant(event.recorded_at)},
          {"recorded_by", event.recorded_by}};
}

nlohmann::json to_json(const core::CeActivity& activity) {
  return {{"id", activity.id},
          {"person", activity.person},
          {"date", core::format_date(activity.date)},
          {"category", activity.category},
          {"points", activity.points},
          {"provider", activity.provider},
          {"title", activity.title}};
}

nlohmann::json to_json(const core::QualificationException& exception) {
  return {{"id", exception.id},
          {"person", exception.person},
          {"section", exception.section},
          {"test_system", exception.test_system},
          {"from", core::format_date(exception.from)},
          {"until", core::format_date(exception.until)},
          {"reason", exception.reason},
          {"granted_by", exception.granted_by},
          {"granted_at", core::format_instant(exception.granted_at)}};
}

nlohmann::json to_json(const PersonSummary& summary) {
  nlohmann::json competency = nlohmann::json::array();
  for (const CompetencyOnSystem& system : summary.competency) {
    nlohmann::json events = nlohmann::json::array();
    for (const core::CompetencyEvent& event : system.events) events.push_back(to_json(event));
    competency.push_back(
        {{"test_system", system.test_system},
         {"state", system.status ? nlohmann::json(people::to_code(system.status->state))
                                 : nlohmann::json("no-start-recorded")},
         {"due", system.status ? nlohmann::json(core::format_date(system.status->due))
                               : nlohmann::json(nullptr)},
         {"requirement", system.status ? system.status->requirement : ""},
         {"events", std::move(events)}});
  }
  nlohmann::json activities = nlohmann::json::array();
  for (const core::CeActivity& activity : summary.ce_activities) {
    activities.push_back(to_json(activity));
  }
  nlohmann::json exceptions = nlohmann::json::array();
  for (const core::QualificationException& exception : summary.exceptions) {
    exceptions.push_back(to_json(exception));
  }
  return {{"person", to_json(summary.person)},
          {"on", core::format_date(summary.on)},
          {"competency", std::move(competency)},
          {"ce_activities", std::move(activities)},
          {"exceptions", std::move(exceptions)}};
}

nlohmann::json to_json(const people::ExpiringItem& item) {
  return {{"person", item.person},
          {"kind", std::string(people::to_code(item.kind))},
          {"what", item.what},
          {"due", core::format_date(item.due)},
          {"days_left", item.days_left}};
}

nlohmann::json to_json(const people::RouteAnswer& answer) {
  return {
      {"credential", answer.route->credential},
      {"route", answer.route->number},
      {"summary", answer.route->summary},
      {"verify", answer.route->verify},
      {"eligible", answer.eligible()},
      {"missing", answer.missing},
      {"confirm", answer.route->confirm},
      {"experience_months", answer.experience_months
                                ? nlohmann::json(std::round(*answer.experience_months * 10) / 10)
                                : nlohmann::json(nullptr)},
      {"experience_met_on", date_or_null(answer.experience_met_on)}};
}

nlohmann::json to_json(const people::CeRules& rules) {
  nlohmann::json categories = nlohmann::json::array();
  for (const people::CeCategory& category : rules.categories()) {
    categories.push_back({{"code", category.code}, {"name", category.name}});
  }
  nlohmann::json programs = nlohmann::json::array();
  for (const people::CeProgram& program : rules.programs()) {
    nlohmann::json minimums = nlohmann::json::array();
    for (const people::CeMinimum& minimum : program.minimums) {
      minimums.push_back({{"category", minimum.category}, {"points", minimum.points}});
    }
    programs.push_back({{"name", program.name},
                        {"source", program.source},
                        {"credentials", program.credentials},
                        {"cycle_years", program.cycle_years},
                        {"points", program.points},
                        {"verify", program.verify},
                        {"minimums", minimums}});
  }
  return {{"name", rules.name()},
          {"version", rules.version()},
          {"categories", categories},
          {"programs", programs}};
}

}  // namespace aliquot::lab
