#include "people/eligibility.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "config/toml_reader.h"
#include "core/text.h"
#include "people/experience.h"

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

// Whether `completion` is of one of `kinds`, completed by `on` and, when `years` > 0, within the
// last `years` years.
bool completed_within(const core::ProgramCompletion& completion,
                      const std::vector<std::string>& kinds, int years, core::Date on) {
  const bool accepted = std::any_of(kinds.begin(), kinds.end(), [&](const std::string& kind) {
    return core::equals_ignoring_case(kind, completion.kind);
  });
  if (!accepted || completion.completed > on) return false;
  return years == 0 || completion.completed >= core::add_months(on, -12 * years);
}

void check_program(const CertificationRoute& route, const core::Education& education, core::Date on,
                   std::vector<std::string>& missing) {
  if (route.programs.empty()) return;
  std::vector<std::string> too_old;
  for (const core::ProgramCompletion& completion : education.programs) {
    if (completed_within(completion, route.programs, route.program_years, on)) return;
    if (completed_within(completion, route.programs, 0, on)) {
      too_old.push_back(completion.kind + " completed " + core::format_date(completion.completed));
    }
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

void check_military_course(const CertificationRoute& route, const core::Education& education,
                           core::Date on, std::vector<std::string>& missing) {
  if (route.military_course.empty()) return;
  std::vector<std::string> not_counted;
  for (const core::MilitaryCourse& course : education.military_courses) {
    if (!core::equals_ignoring_case(course.kind, route.military_course)) continue;
    if (route.military_course_years == 0) return;
    if (!course.completed) {
      not_counted.push_back("its completion date is not recorded");
    } else if (*course.completed <= on &&
               *course.completed >= core::add_months(on, -12 * route.military_course_years)) {
      return;
    } else {
      not_counted.push_back("completed " + core::format_date(*course.completed));
    }
  }
  std::string needed = "the " + route.military_course + " military course";
  if (route.military_course_years > 0) {
    needed += " within the last " + amount(route.military_course_years, "year", "years");
  }
  if (!not_counted.empty()) needed += " (" + core::join(not_counted, "; ") + ")";
  missing.push_back(std::move(needed));
}

// The months of experience that count towards `route` on `on`.
double counted_experience(const CertificationRoute& route, const core::Education& education,
                          core::Date on) {
  if (route.experience_years > 0) {
    return experience_months(education.experience, on,
                             core::add_months(on, -12 * route.experience_years));
  }
  return experience_months(education.experience, on) + education.undated_experience_months;
}

double program_credit(const CertificationRoute& route, const core::Education& education,
                      core::Date on) {
  if (!route.program_credit) return 0;
  for (const core::ProgramCompletion& completion : education.programs) {
    if (completed_within(completion, route.program_credit->programs,
                         route.program_credit->within_years, on)) {
      return route.program_credit->months;
    }
  }
  return 0;
}

// Experience short by less than this is a rounding of the days, not a shortfall.
constexpr double kMonthTolerance = 1e-6;

// The first day after `on` on which the experience suffices if every continuing period goes on:
// none when none continues or not within 20 years.
std::optional<core::Date> day_experience_suffices(const CertificationRoute& route,
                                                  const core::Education& education, core::Date on) {
  const bool continuing =
      std::any_of(education.experience.begin(), education.experience.end(),
                  [&](const core::ExperiencePeriod& period) {
                    return (!period.to || *period.to > on) && period.full_time_share > 0;
                  });
  if (!continuing) return std::nullopt;
  const std::chrono::sys_days first{on};
  for (int days = 1; days <= 20 * 366; ++days) {
    const core::Date day{first + std::chrono::days{days}};
    const double months =
        counted_experience(route, education, day) + program_credit(route, education, day);
    if (months + kMonthTolerance >= *route.experience_months) return day;
  }
  return std::nullopt;
}

void check_experience(const CertificationRoute& route, const core::Education& education,
                      core::Date on, RouteAnswer& answer) {
  if (!route.experience_months && route.experience_areas.empty()) return;
  const std::string within =
      route.experience_years > 0
          ? " within the last " + amount(route.experience_years, "year", "years")
          : std::string();
  if (route.experience_months) {
    const double months =
        counted_experience(route, education, on) + program_credit(route, education, on);
    answer.experience_months = months;
    if (months + kMonthTolerance < *route.experience_months) {
      // Whole months, rounded up: 10.2 months short is 11 more months to work.
      const double short_by = std::ceil(*route.experience_months - months - kMonthTolerance);
      std::string needed = amount(short_by, "more month", "more months") +
                           " of full-time clinical experience" + within;
      std::vector<std::string> notes;
      if (route.experience_years > 0 && education.undated_experience_months > 0) {
        notes.push_back(amount(education.undated_experience_months, "month", "months") +
                        " recorded without dates cannot be counted");
      }
      answer.experience_met_on = day_experience_suffices(route, education, on);
      if (answer.experience_met_on) {
        notes.push_back("met on " + core::format_date(*answer.experience_met_on) +
                        " if the present work continues");
      }
      if (!notes.empty()) needed += " (" + core::join(notes, "; ") + ")";
      answer.missing.push_back(std::move(needed));
    }
  }
  if (!route.experience_areas.empty()) {
    const std::vector<std::string> covered =
        experience_areas(education.experience, on,
                         route.experience_years > 0
                             ? std::optional(core::add_months(on, -12 * route.experience_years))
                             : std::nullopt);
    std::vector<std::string> uncovered;
    for (const std::string& area : route.experience_areas) {
      const bool found = std::any_of(covered.begin(), covered.end(), [&](const std::string& has) {
        return core::equals_ignoring_case(has, area);
      });
      if (!found) uncovered.push_back(area);
    }
    if (!uncovered.empty()) {
      answer.missing.push_back("clinical experience in " +
                               core::join_as_sentence(uncovered, "and") + within);
    }
  }
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
    check_military_course(route, person.education, on, answer.missing);
    check_experience(route, person.education, on, answer);
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
        TableReader reader(
            *routes->get(i)->as_table(), "route " + std::to_string(i + 1),
            {"credential", "route", "summary", "verify", "degree", "or_semester_hours", "programs",
             "program_years", "credentials", "semester_hours", "military_course",
             "military_course_years", "experience_months", "experience_years", "experience_areas",
             "program_credit", "confirm"},
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

  // A number of years 1 to 50 that limits the age of something the route must ask for.
  int years(TableReader& reader, std::string_view key, bool route_asks, std::string_view unasked) {
    const std::optional<std::int64_t> value = reader.integer(key, Required::kNo);
    if (!value) return 0;
    if (!route_asks) {
      reader.problem(key, std::string(unasked));
    } else if (*value < 1 || *value > 50) {
      reader.problem(key, "must be 1 to 50, not " + std::to_string(*value));
    } else {
      return static_cast<int>(*value);
    }
    return 0;
  }

  void read_program_credit(TableReader& route_reader, CertificationRoute& route) {
    const toml::table* table = route_reader.table("program_credit", Required::kNo);
    if (!table) return;
    if (!route.experience_months) {
      route_reader.problem("program_credit",
                           "stands for months of experience, but the route asks for none");
      return;
    }
    TableReader reader(
        *table, "program_credit of " + route.credential + " route " + std::to_string(route.number),
        {"programs", "within_years", "months"}, out_);
    reader.report_unknown_keys();
    CertificationRoute::ProgramCredit credit;
    if (const std::optional<std::vector<TextAt>> programs =
            reader.texts("programs", Required::kYes)) {
      for (const TextAt& program : *programs) credit.programs.push_back(program.text);
    }
    credit.within_years = years(reader, "within_years", true, "");
    const std::optional<double> months = reader.number("months", Required::kYes);
    if (months && *months <= 0) {
      reader.problem("months", "must be greater than 0");
    } else if (months && *months > *route.experience_months) {
      reader.problem("months", "stands for more than the route's " +
                                   core::number_text(*route.experience_months) + " months");
    } else if (months) {
      credit.months = *months;
    }
    if (credit.programs.empty() || credit.months == 0) return;
    route.program_credit = std::move(credit);
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
    route.military_course_years =
        years(reader, "military_course_years", !route.military_course.empty(),
              "limits the age of the military course, but the route asks for none");
    route.experience_months = positive(reader, "experience_months");
    if (const std::optional<std::vector<TextAt>> areas =
            reader.texts("experience_areas", Required::kNo)) {
      for (const TextAt& area : *areas) route.experience_areas.push_back(area.text);
    }
    route.experience_years =
        years(reader, "experience_years",
              route.experience_months.has_value() || !route.experience_areas.empty(),
              "limits the age of the experience, but the route asks for none");
    read_program_credit(reader, route);
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
