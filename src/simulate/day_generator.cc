#include "simulate/day_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "simulate/random.h"

namespace aliquot::simulate {
namespace {

using std::chrono::milliseconds;

// Stream tags: each kind of decision draws from its own stream.
enum Stream : std::uint64_t {
  kVisitStream = 1,
  kMrnStream,
  kSpecimenStream,
  kAnalysisStream,
  kReviewStream,
  kCallStream,
  kScenarioStream,
};

struct MixItem {
  std::string_view code{};
  double probability = 1;  // 1 = always part of the picture
};

// A reason to test and what it brings: the tests ordered, the analytes it makes abnormal, and
// whether the ED's serial troponin protocol follows.
struct ClinicalPicture {
  std::string_view clinical_info{};
  double weight = 1;
  std::vector<MixItem> tests{};
  std::vector<std::pair<std::string_view, Tendency>> tendencies{};  // by LOINC
  bool serial_troponin = false;
};

// Order mixes of a general hospital's core lab. Outpatients: wellness and chronic-disease
// follow-up (lipids, HbA1c, TSH, warfarin INR); inpatients: the morning CBC and BMP with
// add-ons; ED: chest pain (troponin), abdominal pain, weakness, urinary symptoms.
const std::vector<ClinicalPicture>& outpatient_pictures() {
  static const std::vector<ClinicalPicture> pictures = {
      {"annual physical",
       0.28,
       {{"CMP"}, {"LIPID"}, {"CBC"}, {"TSH", 0.5}, {"HBA1C", 0.3}, {"UA", 0.2}},
       {},
       false},
      {"type 2 diabetes follow-up",
       0.2,
       {{"HBA1C"}, {"BMP"}, {"LIPID", 0.7}, {"UA", 0.4}},
       {{"4548-4", {0.8, 7.6, "%"}},
        {"2345-7", {0.6, 165, "mg/dL"}},
        {"25428-4", {0.25, std::nullopt, ""}}},
       false},
      {"hypertension follow-up",
       0.14,
       {{"BMP"}, {"CBC", 0.4}, {"LIPID", 0.4}},
       {{"2160-0", {0.3, std::nullopt, ""}}},
       false},
      {"hypothyroidism on levothyroxine",
       0.1,
       {{"TSH"}, {"FT4", 0.3}},
       {{"3016-3", {0.3, std::nullopt, ""}}},
       false},
      {"warfarin monitoring, target INR 2.0-3.0",
       0.12,
       {{"PTINR"}},
       {{"6301-6", {0.9, 2.5, ""}}, {"34714-6", {0.9, 2.5, ""}}},
       false},
      {"dysuria",
       0.07,
       {{"UA"}},
       {{"5802-4", {0.5, std::nullopt, ""}},
        {"5799-2", {0.6, std::nullopt, ""}},
        {"5794-3", {0.3, std::nullopt, ""}}},
       false},
      {"fatigue",
       0.09,
       {{"CBC"}, {"TSH", 0.6}, {"BMP", 0.4}},
       {{"718-7", {0.35, std::nullopt, ""}}},
       false},
  };
  return pictures;
}

const std::vector<ClinicalPicture>& inpatient_morning_pictures() {
  static const std::vector<ClinicalPicture> pictures = {
      {"daily labs", 0.6, {{"CBC"}, {"BMP"}, {"MG", 0.3}, {"PTINR", 0.15}}, {}, false},
      {"daily labs with liver panel", 0.2, {{"CBC"}, {"CMP"}, {"PTINR", 0.4}}, {}, false},
      {"anemia monitoring", 0.1, {{"CBC"}}, {{"718-7", {0.7, std::nullopt, ""}}}, false},
      {"heparin infusion monitoring",
       0.1,
       {{"APTT"}, {"CBC"}},
       {{"14979-9", {0.8, 70, "s"}}, {"3173-2", {0.8, 70, "s"}}},
       false},
  };
  return pictures;
}

const std::vector<ClinicalPicture>& inpatient_later_pictures() {
  static const std::vector<ClinicalPicture> pictures = {
      {"potassium recheck after replacement",
       0.3,
       {{"BMP"}},
       {{"2823-3", {0.4, std::nullopt, ""}}},
       false},
      {"post-transfusion hemoglobin", 0.2, {{"CBC"}}, {{"718-7", {0.5, std::nullopt, ""}}}, false},
      {"chest pain on the ward",
       0.1,
       {{"TNI"}, {"BMP", 0.5}},
       {{"10839-9", {0.15, std::nullopt, ""}}, {"89579-7", {0.15, std::nullopt, ""}}},
       false},
      {"fever, rule out sepsis",
       0.15,
       {{"CBC"}, {"CMP"}, {"UA", 0.5}},
       {{"6690-2", {0.6, std::nullopt, ""}}},
       false},
      {"bleeding, coagulation screen", 0.15, {{"COAG"}, {"CBC"}}, {}, false},
      {"new confusion", 0.1, {{"BMP"}, {"UA"}}, {}, false},
  };
  return pictures;
}

const std::vector<ClinicalPicture>& emergency_pictures() {
  static const std::vector<ClinicalPicture> pictures = {
      {"chest pain",
       0.28,
       {{"CBC"}, {"BMP"}, {"TNI"}, {"COAG", 0.3}},
       {{"10839-9", {0.12, std::nullopt, ""}}, {"89579-7", {0.12, std::nullopt, ""}}},
       true},
      {"abdominal pain",
       0.22,
       {{"CBC"}, {"CMP"}, {"UA", 0.6}},
       {{"1742-6", {0.25, std::nullopt, ""}}},
       false},
      {"weakness and dizziness", 0.14, {{"CBC"}, {"BMP"}, {"UA", 0.4}}, {}, false},
      {"shortness of breath", 0.12, {{"CBC"}, {"BMP"}, {"TNI", 0.6}}, {}, false},
      {"flank pain, urinary symptoms",
       0.1,
       {{"UA"}, {"BMP", 0.6}, {"CBC", 0.5}},
       {{"5802-4", {0.5, std::nullopt, ""}}, {"5799-2", {0.6, std::nullopt, ""}}},
       false},
      {"gastrointestinal bleeding",
       0.06,
       {{"CBC"}, {"COAG"}, {"BMP"}},
       {{"718-7", {0.7, std::nullopt, ""}}},
       false},
      {"hyperglycemia",
       0.08,
       {{"BMP"}, {"UA"}, {"CBC", 0.5}},
       {{"2345-7", {0.9, 330, "mg/dL"}},
        {"2514-8", {0.6, std::nullopt, ""}},
        {"25428-4", {0.8, std::nullopt, ""}}},
       false},
  };
  return pictures;
}

const std::vector<const std::vector<ClinicalPicture>*>& all_pictures() {
  static const std::vector<const std::vector<ClinicalPicture>*> all = {
      &outpatient_pictures(), &inpatient_morning_pictures(), &inpatient_later_pictures(),
      &emergency_pictures()};
  return all;
}

constexpr std::string_view kSerialTroponinCode = "TNI";

// The share of a day's patients by setting, as in a mid-sized general hospital's core lab: about
// half outpatients, a quarter inpatients, a fifth from the ED.
constexpr std::array<double, 3> kSettingWeights = {0.55, 0.25, 0.20};

// ED arrivals by hour of day: lowest before dawn, rising through the morning, a plateau from
// late morning into the evening (the usual shape of ED arrival curves).
constexpr std::array<double, 24> kEmergencyArrivalsByHour = {
    2.6, 2.2, 1.9, 1.6, 1.5, 1.6, 2.1, 3.0, 4.2, 5.3, 5.8, 6.0,
    5.9, 5.8, 5.7, 5.6, 5.5, 5.4, 5.3, 5.1, 4.7, 4.2, 3.6, 3.0};

// Times of the day to the second, as people and instruments record them.
core::Instant at_minutes(core::Instant day_start, double minutes) {
  return day_start + std::chrono::round<std::chrono::seconds>(Minutes(minutes));
}

double clamp(double value, double low, double high) { return std::min(std::max(value, low), high); }

// Log-normal minutes with the given median, kept within [low, high].
Minutes draw_minutes(Random& random, double median, double geometric_sd, double low, double high) {
  return Minutes(clamp(random.log_normal(median, geometric_sd), low, high));
}

const ClinicalPicture& draw_picture(Random& random, const std::vector<ClinicalPicture>& pictures) {
  std::vector<double> weights{};
  for (const ClinicalPicture& picture : pictures) weights.push_back(picture.weight);
  return pictures[random.weighted_index(weights)];
}

std::vector<std::string> draw_tests(Random& random, const ClinicalPicture& picture) {
  std::vector<std::string> codes{};
  for (const MixItem& item : picture.tests) {
    if (item.probability >= 1 || random.bernoulli(item.probability)) {
      codes.emplace_back(item.code);
    }
  }
  return codes;
}

core::Priority draw_priority(Random& random, std::array<double, 3> routine_asap_stat) {
  switch (random.weighted_index(routine_asap_stat)) {
    case 0: return core::Priority::kRoutine;
    case 1: return core::Priority::kAsap;
    default: return core::Priority::kStat;
  }
}

void add_tendencies(PatientProfile& profile, const ClinicalPicture& picture) {
  for (const auto& [loinc, tendency] : picture.tendencies) {
    profile.tendencies.emplace(std::string(loinc), tendency);
  }
}

enum class ContainerKind { kChemistry, kEdta, kCitrate, kUrine };

// Which failures a container is prone to follows from what it is; the catalog's codes are read
// for the anticoagulant and the specimen type.
ContainerKind container_kind(std::string_view specimen_type, std::string_view container) {
  auto has = [](std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
  };
  if (has(container, "citrate") || has(specimen_type, "citrate")) return ContainerKind::kCitrate;
  if (has(container, "edta") || has(specimen_type, "whole-blood")) return ContainerKind::kEdta;
  if (has(specimen_type, "urine") || has(container, "urine")) return ContainerKind::kUrine;
  return ContainerKind::kChemistry;
}

int priority_index(core::Priority priority) {
  switch (priority) {
    case core::Priority::kRoutine: return 0;
    case core::Priority::kAsap: return 1;
    case core::Priority::kStat: return 2;
  }
  return 0;
}

}  // namespace

Result<DayGenerator> DayGenerator::create(const catalog::Catalog& catalog,
                                          const DayOptions& options) {
  if (options.patients < 1) {
    return invalid_argument("a simulated day needs at least 1 patient, not " +
                            std::to_string(options.patients));
  }
  std::set<std::string> unknown;
  for (const auto* pictures : all_pictures()) {
    for (const ClinicalPicture& picture : *pictures) {
      for (const MixItem& item : picture.tests) {
        if (!catalog.expand({std::string(item.code)})) unknown.emplace(item.code);
      }
    }
  }
  if (!catalog.expand({std::string(kSerialTroponinCode)})) unknown.emplace(kSerialTroponinCode);
  if (!unknown.empty()) {
    std::string names{};
    for (const std::string& code : unknown) names += (names.empty() ? "" : ", ") + code;
    return invalid_argument("the simulated order mix needs test or panel codes that catalog '" +
                            catalog.name() + "' does not have: " + names);
  }
  DayGenerator generator(catalog, options);
  ALIQUOT_RETURN_IF_ERROR(generator.generate());
  return generator;
}

core::Instant DayGenerator::day_start() const {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::sys_days(options_.date));
}

core::Instant DayGenerator::day_end() const { return day_start() + std::chrono::hours(24); }

Result<void> DayGenerator::generate() {
  const core::Instant start = day_start();
  std::set<std::string> mrns;
  visits_.reserve(static_cast<std::size_t>(options_.patients));
  for (int index = 0; index < options_.patients; ++index) {
    Random random =
        Random::derive(options_.seed, {kVisitStream, static_cast<std::uint64_t>(index)});
    Visit visit;
    visit.index = index;
    switch (random.weighted_index(kSettingWeights)) {
      case 0: visit.setting = CareSetting::kOutpatient; break;
      case 1: visit.setting = CareSetting::kInpatient; break;
      default: visit.setting = CareSetting::kEmergency; break;
    }
    visit.location = draw_location(random, visit.setting);

    // The patient. MRNs are 8 digits, unique within the day.
    Random mrn_random =
        Random::derive(options_.seed, {kMrnStream, static_cast<std::uint64_t>(index)});
    std::string mrn{};
    do {
      mrn = std::to_string(mrn_random.uniform_int(10'000'000, 99'999'999));
    } while (!mrns.insert(mrn).second);
    const core::AdministrativeSex sex =
        random.bernoulli(0.52) ? core::AdministrativeSex::kFemale : core::AdministrativeSex::kMale;
    const PersonName name = draw_patient_name(random, sex);
    // Adults only: the default menu's intervals are adult intervals. Ages by setting: inpatients
    // oldest, the ED the widest spread.
    double age_years = 0;
    switch (visit.setting) {
      case CareSetting::kOutpatient: age_years = clamp(random.normal(55, 16), 18, 95); break;
      case CareSetting::kInpatient: age_years = clamp(random.normal(66, 15), 18, 99); break;
      case CareSetting::kEmergency: age_years = clamp(random.normal(48, 20), 18, 98); break;
    }
    const auto birth_days = std::chrono::sys_days(options_.date) -
                            std::chrono::days(static_cast<int>(age_years) * 365 +
                                              static_cast<int>(random.uniform_int(0, 364)));
    visit.patient = lab::RegisterPatient{.mrn = mrn,
                                         .family_name = name.family,
                                         .given_name = name.given,
                                         .birth_date = core::Date(birth_days),
                                         .sex = sex};
    visit.profile.key = mix64(options_.seed ^ mix64(static_cast<std::uint64_t>(index) + 1));
    visit.profile.sex = sex;
    visit.profile.age_days = core::age_in_days(visit.patient.birth_date, start);
    visit.profile.setting = visit.setting;

    const std::string provider = draw_ordering_provider(random, visit.setting);
    auto add_order = [&](const ClinicalPicture& picture, std::vector<std::string> codes,
                         core::Priority priority, double ordered_minute, double collected_minute) {
      PlannedOrder order;
      order.index = static_cast<int>(visit.orders.size());
      order.test_codes = std::move(codes);
      order.priority = priority;
      order.ordering_provider = provider;
      order.clinical_info = std::string(picture.clinical_info);
      order.ordered_at = at_minutes(start, ordered_minute);
      order.collected_at = at_minutes(start, collected_minute);
      order.collected_by = draw_collector(random, visit.setting);
      add_tendencies(visit.profile, picture);
      visit.orders.push_back(std::move(order));
    };

    switch (visit.setting) {
      case CareSetting::kOutpatient: {
        // The fasting-morning peak, then a steady trickle until the draw station closes.
        const double arrival = random.bernoulli(0.7)
                                   ? clamp(random.normal(8.6 * 60, 60), 7 * 60, 12 * 60)
                                   : random.uniform(10 * 60, 16.5 * 60);
        const ClinicalPicture& picture = draw_picture(random, outpatient_pictures());
        add_order(picture, draw_tests(random, picture), draw_priority(random, {0.94, 0.06, 0}),
                  arrival, arrival + random.uniform(4, 25));
        break;
      }
      case CareSetting::kInpatient: {
        // Morning rounds: ordered overnight, drawn before the day team rounds.
        const ClinicalPicture& morning = draw_picture(random, inpatient_morning_pictures());
        const double ordered = random.uniform(0.5 * 60, 3.5 * 60);
        add_order(morning, draw_tests(random, morning), core::Priority::kRoutine, ordered,
                  random.uniform(4 * 60, 6.75 * 60));
        const double extra = random.uniform();
        const int later_orders = extra < 0.08 ? 2 : extra < 0.43 ? 1 : 0;
        std::vector<double> times{};
        for (int i = 0; i < later_orders; ++i) times.push_back(random.uniform(7.5 * 60, 22.5 * 60));
        std::sort(times.begin(), times.end());
        for (const double ordered_at : times) {
          const ClinicalPicture& picture = draw_picture(random, inpatient_later_pictures());
          add_order(picture, draw_tests(random, picture), draw_priority(random, {0.25, 0.35, 0.40}),
                    ordered_at, ordered_at + random.uniform(5, 30));
        }
        break;
      }
      case CareSetting::kEmergency: {
        const double hour = static_cast<double>(random.weighted_index(kEmergencyArrivalsByHour));
        const double arrival = hour * 60 + random.uniform(0, 60);
        const double ordered = arrival + random.uniform(8, 30);  // triage, then the provider
        const double collected = ordered + random.uniform(3, 15);
        const ClinicalPicture& picture = draw_picture(random, emergency_pictures());
        add_order(picture, draw_tests(random, picture), draw_priority(random, {0.05, 0.20, 0.75}),
                  ordered, collected);
        if (picture.serial_troponin) {
          // Repeat troponin about 3 hours after the first draw (serial sampling).
          const double repeat = collected + random.uniform(170, 200);
          add_order(picture, {std::string(kSerialTroponinCode)}, core::Priority::kStat, repeat - 2,
                    repeat);
        }
        break;
      }
    }
    // A picture may leave an order empty when every one of its tests is optional; order its
    // first test then.
    for (PlannedOrder& order : visit.orders) {
      if (order.test_codes.empty()) order.test_codes.emplace_back("CBC");
    }

    // A few patients present with a critical value: about 1 in 60 overall, more on the wards and
    // in the ED than among outpatients.
    const double critical_rate = visit.setting == CareSetting::kOutpatient  ? 0.007
                                 : visit.setting == CareSetting::kInpatient ? 0.025
                                                                            : 0.03;
    if (random.bernoulli(critical_rate)) {
      std::vector<std::string> codes{};
      for (const PlannedOrder& order : visit.orders) {
        codes.insert(codes.end(), order.test_codes.begin(), order.test_codes.end());
      }
      ALIQUOT_ASSIGN_OR_RETURN(const std::vector<const core::TestDefinition*> tests,
                               catalog_->expand(codes));
      auto scenarios = values_.scenarios_for(
          visit.setting, tests,
          mix64(options_.seed ^ (kScenarioStream << 32) ^ static_cast<std::uint64_t>(index)));
      if (!scenarios.empty()) {
        std::vector<double> weights{};
        for (const auto& scenario : scenarios) weights.push_back(scenario.second);
        visit.profile.critical = scenarios[random.weighted_index(weights)].first;
      }
    }
    visits_.push_back(std::move(visit));
  }
  return ok();
}

SpecimenPlan DayGenerator::plan_specimen(const Visit& visit, const PlannedOrder& order,
                                         std::string_view specimen_type, std::string_view container,
                                         int attempt) const {
  Random random =
      Random::derive(options_.seed, {kSpecimenStream, static_cast<std::uint64_t>(visit.index),
                                     static_cast<std::uint64_t>(order.index), hash_text(container),
                                     static_cast<std::uint64_t>(attempt)});
  SpecimenPlan plan{};
  // Collection to receipt: the pneumatic tube for STAT specimens (minutes), rounds and couriers
  // for routine ones (up to an hour).
  const bool stat = order.priority == core::Priority::kStat;
  const bool asap = order.priority == core::Priority::kAsap;
  plan.transport = stat   ? draw_minutes(random, 7, 1.4, 3, 20)
                   : asap ? draw_minutes(random, 15, 1.4, 6, 40)
                          : draw_minutes(random, 28, 1.5, 8, 70);

  // Rejection rates: a few percent of specimens overall (Lippi et al., preanalytical errors;
  // hemolysis is the leading cause and is several times more frequent in ED draws through IV
  // catheters). Recollections are drawn with more care.
  const ContainerKind kind = container_kind(specimen_type, container);
  const double care = attempt > 0 ? 0.25 : 1.0;
  struct Risk {
    core::RejectionReason reason;
    double rate;
  };
  std::vector<Risk> risks{};
  switch (kind) {
    case ContainerKind::kChemistry: {
      const double hemolysis = visit.setting == CareSetting::kEmergency   ? 0.045
                               : visit.setting == CareSetting::kInpatient ? 0.02
                                                                          : 0.01;
      risks = {{core::RejectionReason::kHemolyzed, hemolysis},
               {core::RejectionReason::kQuantityNotSufficient, 0.003}};
      break;
    }
    case ContainerKind::kEdta:
      risks = {{core::RejectionReason::kClotted, 0.01},
               {core::RejectionReason::kQuantityNotSufficient, 0.003}};
      break;
    case ContainerKind::kCitrate:
      risks = {{core::RejectionReason::kClotted, 0.01},
               {core::RejectionReason::kIncorrectFillRatio, 0.01}};
      break;
    case ContainerKind::kUrine:
      risks = {{core::RejectionReason::kQuantityNotSufficient, 0.004},
               {core::RejectionReason::kLeaked, 0.003}};
      break;
  }
  const double draw = random.uniform();
  double cumulative = 0;
  for (const Risk& risk : risks) {
    cumulative += risk.rate * care;
    if (draw < cumulative) {
      plan.rejection = risk.reason;
      break;
    }
  }
  if (plan.rejection) {
    switch (*plan.rejection) {
      case core::RejectionReason::kHemolyzed:
        plan.rejection_comment =
            "hemolysis index above the acceptance limit after centrifugation; potassium, AST "
            "and LDH would be falsely raised";
        plan.rejection_after_receipt = Minutes(random.uniform(8, 15));
        plan.rejected_at_bench = true;
        break;
      case core::RejectionReason::kClotted:
        plan.rejection_comment = "clot found on the analyzer's sample probe";
        plan.rejection_after_receipt = Minutes(random.uniform(2, 6));
        plan.rejected_at_bench = true;
        break;
      case core::RejectionReason::kIncorrectFillRatio:
        plan.rejection_comment = "citrate tube underfilled: blood to anticoagulant not 9:1";
        plan.rejection_after_receipt = Minutes(random.uniform(0.5, 3));
        break;
      case core::RejectionReason::kLeaked:
        plan.rejection_comment = "container leaked into the transport bag";
        plan.rejection_after_receipt = Minutes(random.uniform(0.5, 3));
        break;
      default:
        plan.rejection_comment = "volume insufficient for the tests ordered";
        plan.rejection_after_receipt = Minutes(random.uniform(0.5, 3));
        break;
    }
    switch (visit.setting) {
      case CareSetting::kOutpatient:
        plan.rejection_comment += "; patient has left, clinic asked to recall the patient";
        break;
      case CareSetting::kInpatient:
        plan.recollect_after = Minutes(random.uniform(20, 60));
        plan.rejection_comment += "; ward informed, recollection requested";
        break;
      case CareSetting::kEmergency:
        plan.recollect_after = Minutes(random.uniform(10, 30));
        plan.rejection_comment += "; ED nurse informed, recollection requested";
        break;
    }
    plan.recollected_by = draw_collector(random, visit.setting);
  }
  return plan;
}

Minutes DayGenerator::analysis_time(const Visit& visit, const PlannedOrder& order,
                                    std::string_view section, std::string_view container,
                                    int attempt, core::Instant received_at) const {
  Random random =
      Random::derive(options_.seed, {kAnalysisStream, static_cast<std::uint64_t>(visit.index),
                                     static_cast<std::uint64_t>(order.index), hash_text(container),
                                     static_cast<std::uint64_t>(attempt), hash_text(section)});
  // Median minutes from receipt to result by section and priority (routine, ASAP, STAT):
  // hematology analyzes whole blood at once; chemistry and coagulation centrifuge first (about
  // 10 minutes); routine work waits for a batch.
  struct Timing {
    std::string_view section{};
    std::array<double, 3> median;
    std::array<double, 3> high;
  };
  static constexpr std::array kTimings = {
      Timing{"hematology", {25, 14, 8}, {90, 45, 25}},
      Timing{"chemistry", {55, 38, 27}, {150, 80, 50}},
      Timing{"coagulation", {50, 35, 25}, {120, 70, 45}},
      Timing{"urinalysis", {30, 18, 12}, {90, 50, 30}},
  };
  std::array<double, 3> median = {50, 35, 25};
  std::array<double, 3> high = {150, 80, 50};
  for (const Timing& timing : kTimings) {
    if (timing.section == section) {
      median = timing.median;
      high = timing.high;
    }
  }
  const int p = priority_index(order.priority);
  double factor = 1;
  // The morning peak: routine work received between 06:00 and 11:00 queues behind the wards'
  // and clinics' specimens.
  const auto minute_of_day =
      std::chrono::duration_cast<std::chrono::minutes>(received_at - day_start()).count() % 1440;
  if (order.priority == core::Priority::kRoutine && minute_of_day >= 360 && minute_of_day < 660) {
    factor = 1.4;
  }
  return draw_minutes(random, median[p] * factor, 1.35, median[p] * 0.4, high[p] * factor);
}

Minutes DayGenerator::review_time(const Visit& visit, const PlannedOrder& order,
                                  std::string_view section, std::string_view container,
                                  int attempt) const {
  Random random =
      Random::derive(options_.seed, {kReviewStream, static_cast<std::uint64_t>(visit.index),
                                     static_cast<std::uint64_t>(order.index), hash_text(container),
                                     static_cast<std::uint64_t>(attempt), hash_text(section)});
  switch (order.priority) {
    case core::Priority::kStat: return draw_minutes(random, 2, 1.6, 0.5, 8);
    case core::Priority::kAsap: return draw_minutes(random, 5, 1.6, 1, 15);
    case core::Priority::kRoutine: return draw_minutes(random, 9, 1.8, 1, 40);
  }
  return Minutes(5);
}

CallPlan DayGenerator::plan_call(const Visit& visit, const PlannedOrder& order,
                                 std::string_view test_code) const {
  Random random = Random::derive(options_.seed,
                                 {kCallStream, static_cast<std::uint64_t>(visit.index),
                                  static_cast<std::uint64_t>(order.index), hash_text(test_code)});
  CallPlan plan;
  // Most calls go through in a few minutes; some need a callback (policy limit 30 minutes).
  plan.after_entry = draw_minutes(random, 6, 1.6, 2, 25);
  plan.release_after_call = Minutes(random.uniform(0.5, 3));
  plan.called_to =
      draw_call_recipient(random, visit.setting, visit.location, order.ordering_provider);
  return plan;
}

Result<std::string> DayGenerator::result_value(const Visit& visit, const PlannedOrder& order,
                                               int attempt,
                                               const core::TestDefinition& test) const {
  const std::uint64_t sample =
      (static_cast<std::uint64_t>(order.index) << 16) | static_cast<std::uint64_t>(attempt);
  return values_.value_for(test, visit.profile, sample);
}

}  // namespace aliquot::simulate
