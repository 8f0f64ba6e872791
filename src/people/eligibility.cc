#include "people/eligibility.h"

#include <algorithm>
#include <chrono>

#include "config/toml_reader.h"
#include "core/text.h"

namespace aliquot::people {

using config::Diagnostics;
using config::in_quotes;
using config::Required;
using config::TableReader;
using config::TextAt;

namespace {

std::string amount(double value, std::string_view one, std::string_view many) {
  return core::number_text(value) + " " + std::string(value == 1 ? one : many);
}

void check_degree(const CertificationRoute& route, const core::Education& education,
                  std::vector<std::string>& missing) {
  if (!route.degree || education.degree >= *route.degree) return;
  if (route.or_semester_hours && education.semester_hours_total >= *route.or_semester_hours) {
    return;
  }
  std::string needed = describe(*route.degree);
  if (route.or_semester_hours) {
    needed += " or " + amount(*route.or_semester_hours, "semester hour", "semester hours") +
              " (has " + describe(education.degree) + " and " +
              amount(education.semester_hours_total, "semester hour", "semester hours") + ")";
  } else {
    needed += " (has " + describe(education.degree) + ")";
  }
  missing.push_back(std::move(needed));
}

void check_program(const CertificationRoute& route, const core::Education& education, core::Date on,
                   std::vector<std::string>& missing) {
  if (route.programs.empty()) return;
  const core::Date earliest =
      route.program_years > 0 ? core::add_months(on, -12 * route.program_years) : core::Date{};
  std::vector<std::string> too_old;
  for (const core::ProgramCompletion& completion : education.programs) {
    const bool accepted = std::any_of(
        route.programs.begin(), route.programs.end(),
        [&](const std::string& kind) { return core::equals_ignoring_case(kind, completion.kind); });
    if (!accepted || completion.completed > on) continue;
    if (route.program_years == 0 || completion.completed >= earliest) return;
    too_old.push_back(completion.kind + " completed " + core::format_date(completion.completed));
  }
  std::string needed = "a completed " + core::join_as_sentence(route.programs, "or") + " program";
  if (route.program_years > 0) {
    needed += " within the last " + amount(route.program_years, "year", "years");
  }
  needed += " (" + (too_old.empty() ? std::string("none recorded") : core::join(too_old)) + ")";
  missing.push_back(std::move(needed));
}

void check_credentials(const CertificationRoute& route, const core::PersonRecord& person,
                       core::Date on, std::vector<std::string>& missing) {
  if (route.credentials.empty()) return;
  for (const core::Certification& held : person.certifications) {
    const bool accepted = std::any_of(route.credentials.begin(), route.credentials.end(),
                                      [&](const std::string& wanted) {
                                        return core::equals_ignoring_case(wanted, held.credential);
                                      });
    if (accepted && core::valid_on(held.expires, on)) return;
  }
  missing.push_back("a current " + core::join_as_sentence(route.credentials, "or") +
                    " certification");
}

void check_hours(const CertificationRoute& route, const core::Education& education,
                 std::vector<std::string>& missing) {
  for (const auto& [subject, hours] : route.semester_hours) {
    const auto found = education.semester_hours.find(subject);
    const double has = found == education.semester_hours.end() ? 0 : found->second;
    if (has < hours) {
      missing.push_back(amount(hours - has, "more semester hour", "more semester hours") + " of " +
                        subject);
    }
  }
}

void check_experience(const CertificationRoute& route, const core::Education& education,
                      std::vector<std::string>& missing) {
  if (!route.experience_months || education.experience_months >= *route.experience_months) return;
  missing.push_back(
      amount(*route.experience_months - education.experience_months, "more month", "more months") +
      " of full-time clinical experience");
}

}  // namespace

std::string RouteAnswer::to_string() const {
  const std::string name = route->credential + " route " + std::to_string(route->number) + ": ";
  const std::string to_confirm =
      route->confirm.empty() ? "" : " (to confirm: " + core::join(route->confirm, "; ") + ")";
  return name + (eligible() ? "eligible" : "needs " + core::join_as_sentence(missing, "and")) +
         to_confirm;
}

std::vector<RouteAnswer> check_eligibility(const CertificationRoutes& routes,
                                           const core::PersonRecord& person, core::Date on,
                                           std::string_view credential) {
  std::vector<RouteAnswer> answers;
  for (const CertificationRoute& route : routes.routes()) {
    if (!credential.empty() && !core::equals_ignoring_case(route.credential, credential)) continue;
    RouteAnswer answer;
    answer.route = &route;
    check_degree(route, person.education, answer.missing);
    check_program(route, person.education, on, answer.missing);
    check_credentials(route, person, on, answer.missing);
    check_hours(route, person.education, answer.missing);
    if (!route.military_course.empty() &&
        std::find(person.education.military_courses.begin(),
                  person.education.military_courses.end(),
                  route.military_course) == person.education.military_courses.end()) {
      answer.missing.push_back("the " + route.military_course + " military course");
    }
    check_experience(route, person.education, answer.missing);
    answers.push_back(std::move(answer));
  }
  return answers;
}

// Builds CertificationRoutes from the parsed file; every problem goes to the diagnostics.
class RoutesLoader {
 public:
  RoutesLoader(const toml::table& root, Diagnostics& out) : root_(root), out_(out) {}

  std::optional<CertificationRoutes> run() {
    TableReader top(root_, "the certification routes file", {"certification_routes", "route"},
                    out_);
    top.report_unknown_keys();
    if (std::optional<config::NameAndVersion> header =
            config::read_name_and_version(top, "certification_routes")) {
      parsed_.name_ = std::move(header->name);
      parsed_.version_ = std::move(header->version);
    }
    if (const toml::array* routes = top.tables("route", Required::kNo)) {
      for (std::size_t i = 0; i < routes->size(); ++i) {
        TableReader reader(*routes->get(i)->as_table(), "route " + std::to_string(i + 1),
                           {"credential", "route", "summary", "verify", "degree",
                            "or_semester_hours", "programs", "program_years", "credentials",
                            "semester_hours", "military_course", "experience_months", "confirm"},
                           out_);
        read_route(reader);
      }
    }
    if (!out_.empty()) return std::nullopt;
    return std::move(parsed_);
  }

 private:
  std::optional<double> positive(TableReader& reader, std::string_view key) {
    const std::optional<double> value = reader.number(key, Required::kNo);
    if (value && *value <= 0) {
      reader.problem(key, "must be greater than 0");
      return std::nullopt;
    }
    return value;
  }

  void read_route(TableReader& reader) {
    CertificationRoute route;
    const std::optional<std::string> credential = reader.text("credential", Required::kYes);
    const std::optional<std::int64_t> number = reader.integer("route", Required::kYes);
    if (credential && number) {
      reader.set_context(*credential + " route " + std::to_string(*number));
      for (const CertificationRoute& earlier : parsed_.routes_) {
        if (core::equals_ignoring_case(earlier.credential, *credential) &&
            earlier.number == *number) {
          reader.problem("route", "is given twice");
        }
      }
    }
    reader.report_unknown_keys();
    route.credential = credential.value_or("");
    route.number = static_cast<int>(number.value_or(0));
    route.summary = reader.text("summary", Required::kYes).value_or("");
    route.verify = reader.boolean("verify", Required::kNo).value_or(false);
    if (const std::optional<std::string> degree = reader.text("degree", Required::kNo)) {
      route.degree = core::degree_level_from_code(*degree);
      if (!route.degree || *route.degree == core::DegreeLevel::kNone) {
        reader.problem("degree", "must be associate, baccalaureate, master or doctorate, not " +
                                     in_quotes(*degree));
      }
    }
    route.or_semester_hours = positive(reader, "or_semester_hours");
    if (route.or_semester_hours && !route.degree) {
      reader.problem("or_semester_hours",
                     "counts instead of a degree, but the route asks for none");
    }
    if (const std::optional<std::vector<TextAt>> programs =
            reader.texts("programs", Required::kNo)) {
      for (const TextAt& program : *programs) route.programs.push_back(program.text);
    }
    if (const std::optional<std::int64_t> years = reader.integer("program_years", Required::kNo)) {
      if (route.programs.empty()) {
        reader.problem("program_years", "limits the age of a program, but the route lists none");
      } else if (*years < 1 || *years > 50) {
        reader.problem("program_years", "must be 1 to 50, not " + std::to_string(*years));
      } else {
        route.program_years = static_cast<int>(*years);
      }
    }
    if (const std::optional<std::vector<TextAt>> credentials =
            reader.texts("credentials", Required::kNo)) {
      for (const TextAt& held : *credentials) route.credentials.push_back(held.text);
    }
    if (const toml::table* hours = reader.table("semester_hours", Required::kNo)) {
      for (const auto& [subject, value] : *hours) {
        const std::optional<double> number_of = value.value<double>();
        if (!number_of || *number_of <= 0) {
          reader.problem("semester_hours", "gives " + in_quotes(subject.str()) +
                                               " hours that are not a number greater than 0");
          continue;
        }
        route.semester_hours.emplace_back(std::string(subject.str()), *number_of);
      }
    }
    route.military_course = reader.text("military_course", Required::kNo).value_or("");
    route.experience_months = positive(reader, "experience_months");
    if (const std::optional<std::vector<TextAt>> conditions =
            reader.texts("confirm", Required::kNo)) {
      for (const TextAt& condition : *conditions) route.confirm.push_back(condition.text);
    }
    parsed_.routes_.push_back(std::move(route));
  }

  const toml::table& root_;
  Diagnostics& out_;
  CertificationRoutes parsed_;
};

RoutesLoad load_certification_routes(std::string_view text, const std::string& file) {
  auto [value, diagnostics] = config::load_with<RoutesLoader>(text, file);
  return {std::move(value), std::move(diagnostics)};
}

const CertificationRoutes& default_certification_routes() {
  static const CertificationRoutes loaded = [] {
    RoutesLoad load = load_certification_routes(default_certification_routes_text(),
                                                "catalog/certification_routes.toml");
    return config::built_in(std::move(load.routes), load.diagnostics);
  }();
  return loaded;
}

}  // namespace aliquot::people
