#pragma once

// Which certifications a person is eligible to sit for, and by which route, or what is still
// missing on each route ("MLS(ASCP) route 2: needs 8 more semester hours of chemistry and 11 more
// months of full-time clinical experience"): the career path an MLT follows to become an MLS. The
// routes are data (catalog/certification_routes.toml), checked on load with every problem named
// at file:line:column.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/person_record.h"
#include "core/time.h"

namespace aliquot::people {

struct CertificationRoute {
  std::string credential;  // "MLS(ASCP)"
  int number = 0;          // the route's number
  std::string summary;
  bool verify = false;  // not yet checked against its source
  // The requirements; each one given must be met.
  std::optional<core::DegreeLevel> degree;
  std::optional<double> or_semester_hours;  // college credit that counts instead of the degree
  std::vector<std::string> programs;        // any one completed within program_years
  int program_years = 0;                    // 0: whenever
  std::vector<std::string> credentials;     // any one held and current
  std::vector<std::pair<std::string, double>> semester_hours;  // by subject
  std::string military_course;
  int military_course_years = 0;  // 0: whenever
  std::optional<double> experience_months;
  int experience_years = 0;  // 0: experience at any time counts; else only that within the years
  std::vector<std::string> experience_areas;  // each covered by the counted experience
  // A program completed recently that stands for part of the experience ("a NAACLS program
  // within the last 5 years can be used in lieu of one year").
  struct ProgramCredit {
    std::vector<std::string> programs;  // any one
    int within_years = 0;
    double months = 0;
  };
  std::optional<ProgramCredit> program_credit;
  // Conditions a person's record cannot show, which someone confirms from the papers before the
  // application ("the clinical experience is within the last 10 years"): shown with the answer,
  // never taken as met or missing.
  std::vector<std::string> confirm;
};

class CertificationRoutes {
 public:
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::vector<CertificationRoute>& routes() const { return routes_; }

 private:
  friend class RoutesLoader;

  std::string name_;
  std::string version_;
  std::vector<CertificationRoute> routes_;
};

struct RoutesLoad {
  std::optional<CertificationRoutes> routes;  // set when the file has no problems
  std::vector<Error> diagnostics;             // every problem, in file order
};

RoutesLoad load_certification_routes(std::string_view text, const std::string& file);
std::string_view default_certification_routes_text();
const CertificationRoutes& default_certification_routes();

struct RouteAnswer {
  const CertificationRoute* route = nullptr;
  // What is missing, each as it reads after "needs": "a baccalaureate degree (has an associate
  // degree)", "8 more semester hours of chemistry", "a current MLT(ASCP) certification".
  std::vector<std::string> missing;
  // For a route that asks for experience: the months that count towards it (with a program's
  // credit), and, when they fall short and some work continues, the day they will suffice if it
  // goes on as recorded.
  std::optional<double> experience_months;
  std::optional<core::Date> experience_met_on;

  bool eligible() const { return missing.empty(); }
  // "MLS(ASCP) route 2: eligible" or "MLS(ASCP) route 2: needs A, B and C"; a route with
  // conditions to confirm adds them: "MLT(ASCP) route 4: eligible (to confirm: X; Y)".
  std::string to_string() const;
};

// Every route of `credential` (letter case ignored; every route when empty), in file order, for
// `person` on `on`.
std::vector<RouteAnswer> check_eligibility(const CertificationRoutes& routes,
                                           const core::PersonRecord& person, core::Date on,
                                           std::string_view credential);

}  // namespace aliquot::people
