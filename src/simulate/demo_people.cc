#include "simulate/demo_people.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/competency_event.h"
#include "lab/context.h"
#include "lab/lab_time_zone.h"
#include "lab/people_records.h"
#include "people/continuing_education.h"

namespace aliquot::simulate {
namespace {

constexpr std::string_view kChemistryAnalyzer = "sim-chem";  // interfaces/instruments/
constexpr std::string_view kHematologyAnalyzer = "sim-heme";
constexpr std::string_view kThisLaboratory = "aliquot demo laboratory";  // demo.cc

// A day counted from the lab's today.
class Days {
 public:
  explicit Days(core::Date today) : today_(today) {}
  core::Date operator()(int from_today) const {
    return core::Date(std::chrono::sys_days(today_) + std::chrono::days(from_today));
  }

 private:
  core::Date today_;
};

struct DemoPerson {
  core::PersonRecord record;
  // Test systems with the days (from today) testing started and each assessment was made.
  struct System {
    std::string_view test_system;
    int started = 0;
    std::vector<int> assessed;
  };
  std::vector<System> competency;
};

core::PersonRecord person(std::string_view username, core::Role role, core::DegreeLevel degree) {
  core::PersonRecord record;
  record.person = std::string(username);
  record.role = role;
  record.education.degree = degree;
  return record;
}

core::Certification certification(std::string credential, std::string number, core::Date issued,
                                  core::Date expires) {
  return {std::move(credential), std::move(number), expires, issued};
}

// Full-time work from `from`, continuing.
core::ExperiencePeriod experience(std::string_view laboratory, core::Date from,
                                  std::vector<std::string> areas) {
  return {.laboratory = std::string(laboratory), .from = from, .areas = std::move(areas)};
}

// Every window of the dashboard has someone in it: Okafor's AMT certification lapsed three days
// ago (with an exception while the renewal is verified) and his annual assessment is overdue;
// Nguyen's certification lapses within 30 days, Silva's within 60 and her licence within 90;
// Larsen's 6-month assessment is due within the month.
std::vector<DemoPerson> demo_people(const Days& day) {
  std::vector<DemoPerson> people;

  DemoPerson nguyen{person("tech.nguyen", core::Role::kTechnician, core::DegreeLevel::kAssociate),
                    {{kChemistryAnalyzer, -400, {-220, -35}}}};
  nguyen.record.employment_start = day(-400);
  nguyen.record.certifications = {certification("MLT(ASCP)", "MLT-30418", day(-1070), day(25))};
  nguyen.record.education.semester_hours_total = 64;
  nguyen.record.education.semester_hours = {{"biology", 20}, {"chemistry", 16}};
  nguyen.record.education.programs = {{"NAACLS-MLT", day(-1100)}};
  nguyen.record.education.experience = {
      experience(kThisLaboratory, day(-400), {"chemistry", "urinalysis"})};
  people.push_back(std::move(nguyen));

  DemoPerson okafor{person("tech.okafor", core::Role::kTechnician, core::DegreeLevel::kAssociate),
                    {{kHematologyAnalyzer, -900, {-720, -540, -370}}}};
  okafor.record.employment_start = day(-900);
  okafor.record.certifications = {certification("MLT(AMT)", "AMT-77120", day(-1098), day(-3))};
  okafor.record.education.semester_hours_total = 62;
  okafor.record.education.experience = {
      experience(kThisLaboratory, day(-900), {"hematology", "urinalysis"})};
  people.push_back(std::move(okafor));

  DemoPerson silva{person("tech.silva", core::Role::kTechnician, core::DegreeLevel::kAssociate),
                   {{kChemistryAnalyzer, -1500, {-1320, -1140, -780, -420, -60}},
                    {kHematologyAnalyzer, -1500, {-1320, -1140, -780, -420, -60}}}};
  silva.record.employment_start = day(-1500);
  silva.record.certifications = {certification("MLT(ASCP)", "MLT-28844", day(-1040), day(55))};
  silva.record.licences = {{"CA", "MLT", "MLT-0091455", day(80)}};
  silva.record.education.semester_hours_total = 70;
  silva.record.education.semester_hours = {{"biology", 22}, {"chemistry", 18}};
  silva.record.education.experience = {
      experience(kThisLaboratory, day(-1500), {"chemistry", "hematology"})};
  people.push_back(std::move(silva));

  DemoPerson larsen{person("tech.larsen", core::Role::kTechnician, core::DegreeLevel::kAssociate),
                    {{kChemistryAnalyzer, -170, {}}}};
  larsen.record.employment_start = day(-190);
  larsen.record.certifications = {certification("MLT(ASCP)", "MLT-33902", day(-200), day(895))};
  larsen.record.education.programs = {{"NAACLS-MLT", day(-230)}};
  people.push_back(std::move(larsen));

  DemoPerson patel{
      person("mls.patel", core::Role::kTechnologist, core::DegreeLevel::kBaccalaureate),
      {{kChemistryAnalyzer, -2000, {-1820, -1640, -1280, -920, -560, -200}},
       {kHematologyAnalyzer, -2000, {-1820, -1640, -1280, -920, -560, -200}}}};
  patel.record.employment_start = day(-2000);
  patel.record.certifications = {certification("MLS(ASCP)", "MLS-19377", day(-400), day(695))};
  patel.record.education.semester_hours_total = 128;
  patel.record.education.semester_hours = {{"biology", 32}, {"chemistry", 28}};
  patel.record.education.programs = {{"NAACLS-MLS", day(-2100)}};
  patel.record.education.experience = {
      experience(kThisLaboratory, day(-2000), {"chemistry", "hematology"})};
  people.push_back(std::move(patel));

  DemoPerson kowalski{person("sup.kowalski", core::Role::kSupervisor, core::DegreeLevel::kMaster),
                      {}};
  kowalski.record.employment_start = day(-3650);
  kowalski.record.certifications = {certification("MLS(ASCP)", "MLS-08812", day(-800), day(295))};
  kowalski.record.education.semester_hours_total = 150;
  // Before this lab, five years at a reference laboratory, on the blood bank and microbiology
  // benches among others.
  core::ExperiencePeriod reference = experience(
      "Regional reference laboratory", day(-5475),
      {"blood-banking", "chemistry", "hematology", "microbiology", "immunology", "urinalysis"});
  reference.to = day(-3651);
  kowalski.record.education.experience = {
      reference, experience(kThisLaboratory, day(-3650), {"chemistry", "hematology"})};
  people.push_back(std::move(kowalski));

  DemoPerson haddad{person("dr.haddad", core::Role::kPathologist, core::DegreeLevel::kDoctorate),
                    {}};
  haddad.record.employment_start = day(-2500);
  people.push_back(std::move(haddad));
  return people;
}

core::CompetencyEvent competency_event(std::string_view username, std::string_view system,
                                       core::CompetencyEventKind kind, core::Date on,
                                       std::string_view assessor) {
  core::CompetencyEvent event;
  event.person = std::string(username);
  event.test_system = std::string(system);
  event.kind = kind;
  event.on = on;
  if (kind != core::CompetencyEventKind::kAssessed) return event;
  event.assessor = std::string(assessor);
  event.elements = {
      {"direct-observation", "observed routine patient runs"},
      {"monitoring-reporting", "reviewed worksheets and reported results"},
      {"record-review", "QC and maintenance records of the month"},
      {"maintenance-observation", "observed daily maintenance"},
      {"blind-samples", "two proficiency-testing samples"},
      {"problem-solving", "troubleshooting quiz"},
  };
  return event;
}

}  // namespace

Result<void> enable_demo_people(store::Store& store, const catalog::Catalog& catalog,
                                const core::Clock& clock, std::string_view supervisor_username) {
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> supervisor,
                           tx->find_user(supervisor_username));
  if (!supervisor) {
    return not_found("the demo lab has no supervisor '" + std::string(supervisor_username) +
                     "' to keep its people's records");
  }
  const lab::Context ctx{.catalog = catalog, .clock = clock, .actor = *supervisor};
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date today, lab::lab_day(*tx, clock.now()));
  const Days day(today);

  for (DemoPerson& demo : demo_people(day)) {
    const std::string username = demo.record.person;
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::PersonRecord> kept,
                             tx->find_person(username));
    if (kept) continue;
    ALIQUOT_RETURN_IF_ERROR(lab::save_person(*tx, ctx, std::move(demo.record)));
    for (const DemoPerson::System& system : demo.competency) {
      const core::CompetencyEvent started =
          competency_event(username, system.test_system, core::CompetencyEventKind::kStarted,
                           day(system.started), "");
      ALIQUOT_RETURN_IF_ERROR(lab::record_competency_event(*tx, ctx, started));
      for (const int on : system.assessed) {
        const core::CompetencyEvent assessed =
            competency_event(username, system.test_system, core::CompetencyEventKind::kAssessed,
                             day(on), supervisor_username);
        ALIQUOT_RETURN_IF_ERROR(lab::record_competency_event(*tx, ctx, assessed));
      }
    }
    if (username == "mls.patel") {
      for (const auto& [days, category, points, title] :
           {std::tuple{-300, "chemistry", 2.0, "Lipid testing update"},
            std::tuple{-180, "safety", 1.0, "Chemical hygiene refresher"},
            std::tuple{-90, "hematology", 1.5, "Blood smear morphology"}}) {
        core::CeActivity activity;
        activity.person = username;
        activity.date = day(days);
        activity.category = category;
        activity.points = points;
        activity.provider = "ASCLS";
        activity.title = title;
        ALIQUOT_RETURN_IF_ERROR(
            lab::record_ce_activity(*tx, ctx, lab::ce_rules_in_force(ctx), activity));
      }
    }
    if (username == "tech.okafor") {
      core::QualificationException exception;
      exception.person = username;
      exception.section = "hematology";
      exception.from = today;
      exception.until = day(14);
      exception.reason = "AMT renewal submitted; verification of the new card pending";
      ALIQUOT_RETURN_IF_ERROR(lab::grant_qualification_exception(*tx, ctx, exception));
    }
  }
  return tx->commit();
}

}  // namespace aliquot::simulate
