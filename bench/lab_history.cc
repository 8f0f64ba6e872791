#include "lab_history.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <tuple>

#include "calc/default_calculation_set.h"
#include "catalog/catalog.h"
#include "core/accession_number.h"
#include "core/test_result.h"
#include "lab/context.h"
#include "lab/lab_setup.h"
#include "lab/queries.h"
#include "lab/use_cases.h"
#include "rules/flagging.h"
#include "rules/rule_set.h"
#include "simulate/population.h"
#include "simulate/random.h"
#include "simulate/staff.h"
#include "simulate/value_model.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::bench {
namespace {

using simulate::CareSetting;
using simulate::Random;
using Clock = std::chrono::steady_clock;
using Days = std::chrono::sys_days;

constexpr const char* kSummaryHeader = "aliquot lab history 1";
// About how many results each history transaction writes: large, so that the log is synced
// rarely, yet small enough to keep the write-ahead log short.
constexpr std::int64_t kResultsPerTransaction = 25'000;
constexpr int kTodayEventsPerTransaction = 400;
constexpr std::size_t kLongHistories = 500;
constexpr std::size_t kAccessionSample = 2000;

// Stream tags of the generator's random draws.
enum Stream : std::uint64_t {
  kPatientStream = 101,
  kEncounterStream,
  kOrderStream,
  kTodayStream,
  kValueSeed,
};

enum class PatientKind { kWellness, kDiabetes, kHypertension, kThyroid, kWarfarin, kHospital };

// The share of each kind among the lab's patients, in PatientKind order.
constexpr std::array<double, 6> kKindWeights = {0.40, 0.12, 0.10, 0.06, 0.07, 0.25};

struct PoolPatient {
  lab::RegisterPatient registration;
  simulate::PatientProfile profile;  // `setting` is set per order
  PatientKind kind = PatientKind::kWellness;
  std::string location;
  std::int64_t id = 0;  // in the store, once registered
};

// One order as the generator plans it, with what happens to its specimens.
struct PlannedOrder {
  int patient = 0;
  CareSetting setting = CareSetting::kOutpatient;
  core::Priority priority = core::Priority::kRoutine;
  std::vector<std::string> codes;
  std::string clinical_info;
  std::string provider;
  std::string collector;
  core::Instant ordered_at{};
  core::Instant collected_at{};
  std::uint64_t key = 0;  // the order's own stream: sample variation, times, states
  std::vector<const core::TestDefinition*> tests;
};

core::Instant at_minutes(Days day, double minutes) {
  return core::Instant(day) + std::chrono::milliseconds(std::llround(minutes * 60'000));
}

core::Instant after_minutes(core::Instant at, double minutes) {
  return at + std::chrono::milliseconds(std::llround(minutes * 60'000));
}

std::vector<std::string> with_optional(Random& random,
                                       std::initializer_list<std::pair<const char*, double>> mix) {
  std::vector<std::string> codes;
  for (const auto& [code, probability] : mix) {
    if (probability >= 1 || random.bernoulli(probability)) codes.emplace_back(code);
  }
  return codes;
}

// The tendencies of a kind's clinical picture, by LOINC (as simulate/day_generator.cc gives the
// same pictures).
std::map<std::string, simulate::Tendency> tendencies_of(PatientKind kind) {
  switch (kind) {
    case PatientKind::kDiabetes:
      return {{"4548-4", {0.8, 7.6, "%"}}, {"2345-7", {0.6, 165, "mg/dL"}}};
    case PatientKind::kHypertension: return {{"2160-0", {0.3, std::nullopt, ""}}};
    case PatientKind::kThyroid: return {{"3016-3", {0.3, std::nullopt, ""}}};
    case PatientKind::kWarfarin: return {{"6301-6", {0.9, 2.5, ""}}, {"34714-6", {0.9, 2.5, ""}}};
    case PatientKind::kHospital: return {{"718-7", {0.35, std::nullopt, ""}}};
    case PatientKind::kWellness: return {};
  }
  return {};
}

PoolPatient make_patient(std::uint64_t seed, int index, Days today) {
  Random random = Random::derive(seed, {kPatientStream, static_cast<std::uint64_t>(index)});
  PoolPatient patient;
  patient.kind = static_cast<PatientKind>(random.weighted_index(kKindWeights));
  const core::AdministrativeSex sex =
      random.bernoulli(0.52) ? core::AdministrativeSex::kFemale : core::AdministrativeSex::kMale;
  const simulate::PersonName name = simulate::draw_patient_name(random, sex);
  // Adults only: the default menu's intervals are adult intervals. Hospital patients are older.
  const double mean_age = patient.kind == PatientKind::kHospital ? 64 : 55;
  const double age_years = std::clamp(random.normal(mean_age, 16), 18.0, 97.0);
  const Days birth = today - std::chrono::days(static_cast<int>(age_years * 365.25));
  // Eight digits, unique: 7919 is prime to 90,000,000, so the map from index to MRN is one to one.
  const std::int64_t mrn =
      10'000'000 + (static_cast<std::int64_t>(index) * 7919 + 4'242'421) % 90'000'000;
  patient.registration = lab::RegisterPatient{.mrn = std::to_string(mrn),
                                              .family_name = name.family,
                                              .given_name = name.given,
                                              .birth_date = core::Date(birth),
                                              .sex = sex};
  patient.profile.key = simulate::mix64(seed ^ simulate::mix64(static_cast<std::uint64_t>(index)));
  patient.profile.sex = sex;
  patient.profile.age_days = core::age_in_days(core::Date(birth), core::Instant(today));
  patient.profile.tendencies = tendencies_of(patient.kind);
  patient.location = simulate::draw_location(random, patient.kind == PatientKind::kHospital
                                                         ? CareSetting::kInpatient
                                                         : CareSetting::kOutpatient);
  return patient;
}

// The order a patient of `kind` gets at an outpatient visit.
PlannedOrder outpatient_order(Random& random, PatientKind kind) {
  PlannedOrder order;
  order.setting = CareSetting::kOutpatient;
  switch (kind) {
    case PatientKind::kWellness:
      if (random.bernoulli(0.75)) {
        order.clinical_info = "annual physical";
        order.codes = with_optional(
            random,
            {{"CMP", 1}, {"LIPID", 1}, {"CBC", 1}, {"TSH", 0.5}, {"HBA1C", 0.3}, {"UA", 0.2}});
      } else {
        order.clinical_info = "fatigue";
        order.codes = with_optional(random, {{"CBC", 1}, {"TSH", 0.6}, {"BMP", 0.4}});
      }
      break;
    case PatientKind::kDiabetes:
      order.clinical_info = "type 2 diabetes follow-up";
      order.codes = with_optional(random, {{"HBA1C", 1}, {"BMP", 1}, {"LIPID", 0.5}, {"UA", 0.4}});
      break;
    case PatientKind::kHypertension:
      order.clinical_info = "hypertension follow-up";
      order.codes = with_optional(random, {{"BMP", 1}, {"CBC", 0.4}, {"LIPID", 0.4}});
      break;
    case PatientKind::kThyroid:
      order.clinical_info = "hypothyroidism on levothyroxine";
      order.codes = with_optional(random, {{"TSH", 1}, {"FT4", 0.3}});
      break;
    case PatientKind::kWarfarin:
      order.clinical_info = "warfarin monitoring, target INR 2.0-3.0";
      order.codes = {"PTINR"};
      break;
    case PatientKind::kHospital:
      order.clinical_info = "follow-up after discharge";
      order.codes = with_optional(random, {{"CBC", 1}, {"BMP", 1}});
      break;
  }
  return order;
}

PlannedOrder emergency_order(Random& random) {
  PlannedOrder order;
  order.setting = CareSetting::kEmergency;
  order.priority = core::Priority::kStat;
  switch (random.uniform_int(0, 3)) {
    case 0:
      order.clinical_info = "chest pain";
      order.codes = with_optional(random, {{"CBC", 1}, {"BMP", 1}, {"TNI", 1}, {"COAG", 0.3}});
      break;
    case 1:
      order.clinical_info = "abdominal pain";
      order.codes = with_optional(random, {{"CBC", 1}, {"CMP", 1}, {"UA", 0.6}});
      break;
    case 2:
      order.clinical_info = "weakness and dizziness";
      order.codes = with_optional(random, {{"CBC", 1}, {"BMP", 1}, {"UA", 0.4}});
      break;
    default:
      order.clinical_info = "shortness of breath";
      order.codes = with_optional(random, {{"CBC", 1}, {"BMP", 1}, {"TNI", 0.6}});
      break;
  }
  return order;
}

PlannedOrder inpatient_morning_order(Random& random) {
  PlannedOrder order;
  order.setting = CareSetting::kInpatient;
  order.clinical_info = "daily labs";
  if (random.bernoulli(0.2)) {
    order.clinical_info = "daily labs with liver panel";
    order.codes = with_optional(random, {{"CBC", 1}, {"CMP", 1}, {"PTINR", 0.4}});
  } else {
    order.codes = with_optional(random, {{"CBC", 1}, {"BMP", 1}, {"MG", 0.3}, {"PTINR", 0.15}});
  }
  return order;
}

PlannedOrder inpatient_later_order(Random& random) {
  PlannedOrder order;
  order.setting = CareSetting::kInpatient;
  order.priority = core::Priority::kAsap;
  if (random.bernoulli(0.5)) {
    order.clinical_info = "potassium recheck after replacement";
    order.codes = {"BMP"};
  } else {
    order.clinical_info = "post-transfusion hemoglobin";
    order.codes = {"CBC"};
  }
  return order;
}

// Draws who orders and collects, and when the specimen is drawn.
void place_in_time(Random& random, PlannedOrder& order, core::Instant ordered_at) {
  order.ordered_at = ordered_at;
  order.collected_at =
      after_minutes(ordered_at, order.setting == CareSetting::kEmergency ? random.uniform(3, 15)
                                                                         : random.uniform(5, 40));
  order.provider = simulate::draw_ordering_provider(random, order.setting);
  order.collector = simulate::draw_collector(random, order.setting);
  order.key = random.next();
}

// Every order of patient `index` in [first_day, today).
void plan_history(std::uint64_t seed, int index, const PoolPatient& patient, Days first_day,
                  int days, std::vector<PlannedOrder>& orders) {
  Random random = Random::derive(seed, {kEncounterStream, static_cast<std::uint64_t>(index)});
  auto outpatient_visit = [&](int day) {
    PlannedOrder order = outpatient_order(random, patient.kind);
    order.patient = index;
    place_in_time(random, order,
                  at_minutes(first_day + std::chrono::days(day), random.uniform(7 * 60, 16 * 60)));
    orders.push_back(std::move(order));
  };
  // Follow-up visits every `low`-`high` days, the first within the first interval.
  auto recurring = [&](double low, double high) {
    for (double day = random.uniform(0, high); day < days; day += random.uniform(low, high)) {
      outpatient_visit(static_cast<int>(day));
    }
  };
  switch (patient.kind) {
    case PatientKind::kWellness:
      if (random.bernoulli(days / 365.0))
        outpatient_visit(static_cast<int>(random.uniform(0, days)));
      break;
    case PatientKind::kDiabetes: recurring(80, 100); break;
    case PatientKind::kHypertension: recurring(150, 210); break;
    case PatientKind::kThyroid: recurring(100, 140); break;
    case PatientKind::kWarfarin: recurring(14, 28); break;
    case PatientKind::kHospital: {
      // Episodes: an emergency visit, often followed by a stay with daily labs.
      const double episodes_per_year = 1.2;
      for (double day = random.uniform(0, 365 / episodes_per_year); day < days;
           day += random.uniform(0.2, 1.8) * 365 / episodes_per_year) {
        const int first = static_cast<int>(day);
        const double minute = random.uniform(0, 24 * 60);
        PlannedOrder visit = emergency_order(random);
        visit.patient = index;
        place_in_time(random, visit, at_minutes(first_day + std::chrono::days(first), minute));
        orders.push_back(std::move(visit));
        if (!random.bernoulli(0.6)) continue;
        const int stay = std::min(40, 1 + static_cast<int>(-std::log(1 - random.uniform()) * 5));
        for (int d = first + 1; d <= first + stay && d < days; ++d) {
          const Days date = first_day + std::chrono::days(d);
          PlannedOrder morning = inpatient_morning_order(random);
          morning.patient = index;
          place_in_time(random, morning, at_minutes(date, random.uniform(270, 330)));
          orders.push_back(std::move(morning));
          if (random.bernoulli(0.25)) {
            PlannedOrder later = inpatient_later_order(random);
            later.patient = index;
            place_in_time(random, later, at_minutes(date, random.uniform(600, 1200)));
            orders.push_back(std::move(later));
          }
        }
        day = std::max(day, static_cast<double>(first + stay));
      }
      break;
    }
  }
}

Result<void> expand_tests(const catalog::Catalog& catalog, PlannedOrder& order) {
  ALIQUOT_ASSIGN_OR_RETURN(order.tests, catalog.expand(order.codes));
  return ok();
}

// The instrument profile that measures a section's tests (interfaces/instruments); "" where a
// person enters the values.
std::string instrument_for(std::string_view section) {
  if (section == "chemistry") return "aliquot-sim-chem";
  if (section == "hematology") return "aliquot-sim-heme";
  return "";
}

// The tests of an order grouped by what is drawn, as lab::accession_order groups them.
using Draws =
    std::map<std::tuple<int, std::string, std::string>, std::vector<const core::TestDefinition*>>;

Draws group_draws(const catalog::Catalog& catalog, const PlannedOrder& order) {
  Draws draws;
  for (const core::TestDefinition* test : order.tests) {
    const catalog::Container* container = catalog.find_container(test->container_type);
    draws[{container != nullptr ? container->draw_order : INT_MAX, test->container_type,
           test->specimen_type}]
        .push_back(test);
  }
  return draws;
}

// --- the released history, through the store ---------------------------------------------------

class HistoryWriter {
 public:
  HistoryWriter(store::Store& store, const catalog::Catalog& catalog,
                const simulate::ValueModel& values, std::vector<PoolPatient>& patients)
      : store_(store), catalog_(catalog), values_(values), patients_(patients) {}

  Result<void> begin() {
    ALIQUOT_ASSIGN_OR_RETURN(tx_, store_.begin(store::TransactionMode::kWrite));
    in_transaction_ = 0;
    return ok();
  }

  Result<void> commit() {
    ALIQUOT_RETURN_IF_ERROR(tx_->commit());
    tx_.reset();
    return ok();
  }

  std::int64_t results() const { return results_; }
  std::int64_t skipped() const { return skipped_; }

  Result<void> write(const PlannedOrder& planned) {
    if (in_transaction_ >= kResultsPerTransaction) {
      ALIQUOT_RETURN_IF_ERROR(commit());
      ALIQUOT_RETURN_IF_ERROR(begin());
    }
    const PoolPatient& patient = patients_[static_cast<std::size_t>(planned.patient)];
    Random random(planned.key);
    core::Order order;
    ALIQUOT_ASSIGN_OR_RETURN(order.order_number, order_number(planned.ordered_at));
    order.patient_id = patient.id;
    order.ordering_provider = planned.provider;
    order.priority = planned.priority;
    order.clinical_info = planned.clinical_info;
    order.requested_codes = planned.codes;
    order.ordered_at = planned.ordered_at;
    order.ordered_by = std::string(simulate::front_desk_on_shift(planned.ordered_at).username);
    ALIQUOT_ASSIGN_OR_RETURN(order, tx_->insert_order(order));

    simulate::PatientProfile profile = patient.profile;
    profile.setting = planned.setting;
    profile.age_days = core::age_in_days(patient.registration.birth_date, planned.collected_at);
    const bool stat = planned.priority == core::Priority::kStat;
    for (const auto& [draw, tests] : group_draws(catalog_, planned)) {
      core::Specimen specimen;
      ALIQUOT_ASSIGN_OR_RETURN(specimen.accession_number, accession_number(planned.collected_at));
      specimen.order_id = order.id;
      specimen.specimen_type = std::get<2>(draw);
      specimen.container_type = std::get<1>(draw);
      specimen.collected_at = planned.collected_at;
      specimen.collected_by = planned.collector;
      const core::Instant received = after_minutes(
          planned.collected_at, stat ? random.uniform(8, 25) : random.uniform(20, 120));
      specimen.received_at = received;
      specimen.received_by = std::string(simulate::front_desk_on_shift(received).username);
      specimen.condition = "acceptable";
      specimen.status = core::SpecimenStatus::kReceived;
      ALIQUOT_ASSIGN_OR_RETURN(specimen, tx_->insert_specimen(specimen));

      for (const core::TestDefinition* test : tests) {
        const Result<std::string> text = values_.value_for(
            *test, profile, planned.key ^ simulate::hash_text(specimen.container_type));
        if (!text) {
          ++skipped_;
          continue;
        }
        ALIQUOT_ASSIGN_OR_RETURN(core::ResultValue value,
                                 rules::parse_result_value(*test, *text, ""));
        const rules::Flagging flagging = rules::flag_result(
            *test, value, patient.registration.sex, profile.age_days, specimen.specimen_type, "");
        const core::Instant measured =
            after_minutes(received, stat ? random.uniform(15, 40) : random.uniform(25, 150));
        const std::string technician(simulate::bench_on_shift(test->section, measured).username);
        core::TestResult result;
        result.order_id = order.id;
        result.specimen_id = specimen.id;
        result.test_code = test->code;
        result.section = test->section;
        result.status = core::ResultStatus::kFinal;
        result.value = value;
        result.flag = flagging.flag;
        result.reference_range = flagging.reference_range;
        result.entered_at = measured;
        result.entered_by = technician;
        result.measured_at = measured;
        result.instrument = instrument_for(test->section);
        // Most normal values autoverify; abnormal ones are reviewed more often, criticals always.
        const bool reviewed = flagging.critical ||
                              (flagging.flag != core::AbnormalFlag::kNone ? random.bernoulli(0.6)
                                                                          : random.bernoulli(0.15));
        result.released_at = reviewed ? after_minutes(measured, random.uniform(3, 45)) : measured;
        result.released_by = reviewed ? technician : "autoverification";
        ALIQUOT_ASSIGN_OR_RETURN(result, tx_->insert_result(result));
        if (flagging.critical) {
          core::CriticalCall call;
          call.result_id = result.id;
          call.called_by = technician;
          call.called_to = simulate::draw_call_recipient(random, planned.setting, patient.location,
                                                         planned.provider);
          call.called_at = after_minutes(measured, random.uniform(2, 20));
          call.read_back_confirmed = true;
          call.notes = "read back correctly";
          call.documented_at = call.called_at;
          call.documented_by = technician;
          ALIQUOT_RETURN_IF_ERROR(tx_->insert_critical_call(call));
        }
        ++results_;
        ++in_transaction_;
      }
    }
    return ok();
  }

 private:
  static int year_of(core::Instant at) {
    return static_cast<int>(core::Date(std::chrono::floor<std::chrono::days>(at)).year()) % 100;
  }

  // As lab/orders.cc and lab/accession.cc allocate them, from the same counters, so that the
  // lab's own numbers continue after the history's.
  Result<std::string> order_number(core::Instant at) {
    const int year = year_of(at);
    ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t sequence,
                             tx_->next_sequence(fmt::format("order.{:02d}", year)));
    return fmt::format("O{:02d}-{:07d}", year, sequence);
  }

  Result<std::string> accession_number(core::Instant at) {
    const int year = year_of(at);
    for (;;) {
      ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t sequence,
                               tx_->next_sequence(fmt::format("accession.{:02d}", year)));
      if (core::AccessionNumber::next_usable_sequence(year, sequence) != sequence) continue;
      ALIQUOT_ASSIGN_OR_RETURN(const core::AccessionNumber number,
                               core::AccessionNumber::make(year, sequence));
      return number.text();
    }
  }

  store::Store& store_;
  const catalog::Catalog& catalog_;
  const simulate::ValueModel& values_;
  std::vector<PoolPatient>& patients_;
  std::unique_ptr<store::Transaction> tx_;
  std::int64_t in_transaction_ = 0;
  std::int64_t results_ = 0;
  std::int64_t skipped_ = 0;
};

// --- today's work, through the use cases -------------------------------------------------------

enum class EventKind { kPlace, kAccession, kReceive, kPost };

struct Event {
  core::Instant at{};
  EventKind kind = EventKind::kPlace;
  std::size_t order = 0;  // into today's orders
  std::string container;  // kReceive, kPost: which of the order's specimens
  std::string section;    // kPost
};

class TodayPlayer {
 public:
  TodayPlayer(store::Store& store, const catalog::Catalog& catalog, const rules::RuleSet* rules,
              const simulate::ValueModel& values, std::vector<PoolPatient>& patients,
              std::vector<PlannedOrder>& orders)
      : store_(store),
        catalog_(catalog),
        rules_(rules),
        values_(values),
        patients_(patients),
        orders_(orders),
        clock_(orders.empty() ? core::Instant{} : orders.front().ordered_at),
        order_numbers_(orders.size()),
        accessions_(orders.size()) {}

  // Plans every event: some specimens are still in transport, some wait on the bench (their
  // results pending), the rest are analyzed.
  std::vector<Event> plan() const {
    std::vector<Event> events;
    for (std::size_t i = 0; i < orders_.size(); ++i) {
      const PlannedOrder& order = orders_[i];
      Random random = Random::derive(order.key, {kTodayStream});
      events.push_back({order.ordered_at, EventKind::kPlace, i, "", ""});
      events.push_back({order.collected_at, EventKind::kAccession, i, "", ""});
      const bool stat = order.priority == core::Priority::kStat;
      for (const auto& [draw, tests] : group_draws(catalog_, order)) {
        const std::string& container = std::get<1>(draw);
        if (random.bernoulli(0.06)) continue;  // still on its way to the lab
        const core::Instant received = after_minutes(
            order.collected_at, stat ? random.uniform(8, 25) : random.uniform(20, 120));
        events.push_back({received, EventKind::kReceive, i, container, ""});
        if (random.bernoulli(0.28)) continue;  // waiting on the bench: pending
        std::vector<std::string> sections;
        for (const core::TestDefinition* test : tests) {
          if (std::find(sections.begin(), sections.end(), test->section) == sections.end()) {
            sections.push_back(test->section);
          }
        }
        for (const std::string& section : sections) {
          const core::Instant measured =
              after_minutes(received, stat ? random.uniform(15, 40) : random.uniform(25, 150));
          events.push_back({measured, EventKind::kPost, i, container, section});
        }
      }
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.at < b.at; });
    return events;
  }

  Result<void> play(const std::vector<Event>& events) {
    std::size_t next = 0;
    while (next < events.size()) {
      ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                               store_.begin(store::TransactionMode::kWrite));
      for (int n = 0; n < kTodayEventsPerTransaction && next < events.size(); ++n, ++next) {
        clock_.set(events[next].at);
        ALIQUOT_RETURN_IF_ERROR(apply(*tx, events[next]));
      }
      ALIQUOT_RETURN_IF_ERROR(tx->commit());
    }
    return ok();
  }

 private:
  lab::Context as(std::string_view username) const {
    core::User actor;
    actor.username = std::string(username);
    return lab::Context{.catalog = catalog_,
                        .clock = clock_,
                        .actor = actor,
                        .rules = rules_,
                        .calculations = &calc::default_calculation_set()};
  }

  Result<void> apply(store::Transaction& tx, const Event& event) {
    const PlannedOrder& planned = orders_[event.order];
    const PoolPatient& patient = patients_[static_cast<std::size_t>(planned.patient)];
    const std::string clerk(simulate::front_desk_on_shift(event.at).username);
    switch (event.kind) {
      case EventKind::kPlace: {
        ALIQUOT_ASSIGN_OR_RETURN(
            const core::Order order,
            lab::place_order(tx, as(clerk),
                             lab::PlaceOrder{.mrn = patient.registration.mrn,
                                             .test_codes = planned.codes,
                                             .priority = planned.priority,
                                             .ordering_provider = planned.provider,
                                             .clinical_info = planned.clinical_info,
                                             .placer_order_number = ""}));
        order_numbers_[event.order] = order.order_number;
        return ok();
      }
      case EventKind::kAccession: {
        ALIQUOT_ASSIGN_OR_RETURN(
            const std::vector<core::Specimen> specimens,
            lab::accession_order(tx, as(clerk),
                                 lab::AccessionOrder{.order_number = order_numbers_[event.order],
                                                     .collected_at = planned.collected_at,
                                                     .collected_by = planned.collector}));
        for (const core::Specimen& specimen : specimens) {
          accessions_[event.order][specimen.container_type] = specimen.accession_number;
        }
        return ok();
      }
      case EventKind::kReceive:
        ALIQUOT_RETURN_IF_ERROR(lab::receive_specimen(
            tx, as(clerk),
            lab::ReceiveSpecimen{.accession_number = accessions_[event.order][event.container],
                                 .condition = ""}));
        return ok();
      case EventKind::kPost: {
        const std::string& accession = accessions_[event.order][event.container];
        simulate::PatientProfile profile = patient.profile;
        profile.setting = planned.setting;
        profile.age_days = core::age_in_days(patient.registration.birth_date, planned.collected_at);
        lab::PostResults post;
        post.accession_number = accession;
        post.instrument = instrument_for(event.section);
        post.source = post.instrument.empty() ? "bench entry" : post.instrument;
        post.measured_at = event.at;
        Random random = Random::derive(planned.key, {kTodayStream, simulate::hash_text(accession)});
        if (event.container == "sst" && random.bernoulli(0.08)) {
          // Hemolysed draws: the instrument's hemolysis index (mg/dL free hemoglobin).
          post.indices.hemolysis = random.uniform(40, 400);
        }
        for (const core::TestDefinition* test : planned.tests) {
          if (test->section != event.section || test->container_type != event.container ||
              test->calculated) {
            continue;
          }
          const Result<std::string> text =
              values_.value_for(*test, profile, planned.key ^ simulate::hash_text(event.container));
          if (!text) continue;
          post.values.push_back({test->code, *text, "", "", {}});
        }
        if (post.values.empty()) return ok();
        const std::string technician(simulate::bench_on_shift(event.section, event.at).username);
        ALIQUOT_RETURN_IF_ERROR(lab::post_results(tx, as(technician), post));
        return ok();
      }
    }
    return ok();
  }

  store::Store& store_;
  const catalog::Catalog& catalog_;
  const rules::RuleSet* rules_;
  const simulate::ValueModel& values_;
  std::vector<PoolPatient>& patients_;
  std::vector<PlannedOrder>& orders_;
  core::ManualClock clock_;
  std::vector<std::string> order_numbers_;
  std::vector<std::map<std::string, std::string>> accessions_;  // container -> accession
};

// Today's orders: inpatients' morning labs and later rechecks, the emergency department, and
// outpatients of every kind, between midnight and 13:00.
std::vector<PlannedOrder> plan_today(std::uint64_t seed, const std::vector<PoolPatient>& patients,
                                     Days today, int count) {
  std::vector<int> hospital;
  std::vector<int> others;
  for (std::size_t i = 0; i < patients.size(); ++i) {
    (patients[i].kind == PatientKind::kHospital ? hospital : others).push_back(static_cast<int>(i));
  }
  std::vector<PlannedOrder> orders;
  for (int i = 0; i < count; ++i) {
    Random random = Random::derive(seed, {kTodayStream, static_cast<std::uint64_t>(i)});
    const std::size_t setting = random.weighted_index(std::array<double, 3>{0.45, 0.35, 0.20});
    const std::vector<int>& pool = setting == 0 ? others : hospital;
    const int patient = pool[static_cast<std::size_t>(
        random.uniform_int(0, static_cast<std::int64_t>(pool.size()) - 1))];
    PlannedOrder order;
    double minute = 0;
    switch (setting) {
      case 0:
        order = outpatient_order(random, patients[static_cast<std::size_t>(patient)].kind);
        minute = random.uniform(7 * 60, 13 * 60);
        break;
      case 1:
        if (random.bernoulli(0.7)) {
          order = inpatient_morning_order(random);
          minute = random.uniform(270, 330);
        } else {
          order = inpatient_later_order(random);
          minute = random.uniform(360, 13 * 60);
        }
        break;
      default:
        order = emergency_order(random);
        minute = random.uniform(0, 13 * 60);
        break;
    }
    order.patient = patient;
    place_in_time(random, order, at_minutes(today, minute));
    orders.push_back(std::move(order));
  }
  std::stable_sort(orders.begin(), orders.end(), [](const PlannedOrder& a, const PlannedOrder& b) {
    return a.ordered_at < b.ordered_at;
  });
  return orders;
}

// --- counting what was built ------------------------------------------------------------------

// The database file through SQLite itself, beside the store: for counting what was built, and
// for the planner statistics below.
class RawDatabase {
 public:
  static Result<RawDatabase> open(const std::string& path, int flags = SQLITE_OPEN_READONLY) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      const std::string message = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      return unavailable("cannot open " + path + ": " + message);
    }
    return RawDatabase(db);
  }
  RawDatabase(RawDatabase&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  RawDatabase& operator=(RawDatabase&&) = delete;
  ~RawDatabase() { sqlite3_close(db_); }

  Result<void> execute(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      return internal_error(text + " in: " + sql);
    }
    return ok();
  }

  // Each row of `sql` as text columns.
  Result<std::vector<std::vector<std::string>>> rows(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      return internal_error("counting: " + std::string(sqlite3_errmsg(db_)) + " in: " + sql);
    }
    std::vector<std::vector<std::string>> out;
    int step = 0;
    while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        const unsigned char* text = sqlite3_column_text(statement, column);
        row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(statement);
    if (step != SQLITE_DONE) {
      return internal_error("counting: " + std::string(sqlite3_errmsg(db_)) + " in: " + sql);
    }
    return out;
  }

  Result<std::int64_t> count(const std::string& sql) {
    ALIQUOT_ASSIGN_OR_RETURN(const auto result, rows(sql));
    if (result.empty() || result.front().empty()) return internal_error("no count from: " + sql);
    return std::stoll(result.front().front());
  }

 private:
  explicit RawDatabase(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

Result<void> describe(const std::string& path, store::Store& store, const catalog::Catalog& catalog,
                      LabHistory& history) {
  {
    // What the bench's worklist shows, section by section.
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                             store.begin(store::TransactionMode::kRead));
    const core::SystemClock clock;
    core::User reader;
    reader.username = kLoadUser;
    const lab::Context ctx{catalog, clock, reader};
    for (const catalog::Section& section : catalog.sections()) {
      ALIQUOT_ASSIGN_OR_RETURN(const std::vector<store::WorklistRow> rows,
                               lab::section_worklist(*tx, ctx, section.code));
      history.open_by_section.emplace_back(section.code, static_cast<std::int64_t>(rows.size()));
    }
    std::stable_sort(history.open_by_section.begin(), history.open_by_section.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
  }
  ALIQUOT_ASSIGN_OR_RETURN(RawDatabase counter, RawDatabase::open(path));
  ALIQUOT_ASSIGN_OR_RETURN(history.patients, counter.count("SELECT count(*) FROM patients"));
  ALIQUOT_ASSIGN_OR_RETURN(history.orders, counter.count("SELECT count(*) FROM orders"));
  ALIQUOT_ASSIGN_OR_RETURN(history.specimens, counter.count("SELECT count(*) FROM specimens"));
  ALIQUOT_ASSIGN_OR_RETURN(history.results, counter.count("SELECT count(*) FROM results"));
  ALIQUOT_ASSIGN_OR_RETURN(
      history.released,
      counter.count("SELECT count(*) FROM results WHERE status IN ('final', 'corrected')"));
  ALIQUOT_ASSIGN_OR_RETURN(
      const auto longest,
      counter.rows(fmt::format(
          "SELECT p.mrn, count(*) AS n FROM results r JOIN orders o ON o.id = r.order_id "
          "JOIN patients p ON p.id = o.patient_id GROUP BY p.id ORDER BY n DESC, p.mrn LIMIT {}",
          kLongHistories)));
  for (const auto& row : longest) history.long_histories.emplace_back(row[0], std::stoll(row[1]));
  const std::int64_t step =
      std::max<std::int64_t>(1, history.specimens / static_cast<std::int64_t>(kAccessionSample));
  ALIQUOT_ASSIGN_OR_RETURN(
      const auto accessions,
      counter.rows(fmt::format("SELECT accession_number FROM specimens WHERE id % {} = 0 "
                               "ORDER BY id LIMIT {}",
                               step, kAccessionSample)));
  for (const auto& row : accessions) history.accessions.push_back(row[0]);
  return ok();
}

}  // namespace

Result<LabHistory> build_lab_history(const std::string& path, const LabHistoryOptions& options,
                                     std::ostream& progress) {
  const auto start = Clock::now();
  auto elapsed = [&start] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  const Days today{options.today};
  const Days first_day = today - std::chrono::days(options.history_days);
  core::ManualClock clock(core::Instant(first_day - std::chrono::days(1)));

  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store, store::open_sqlite_store(path));
  ALIQUOT_RETURN_IF_ERROR(lab::initialize_lab(*store, clock, lab::InitializeLab{}));
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog catalog, lab::current_catalog(*store));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<rules::RuleSet> rules,
                           lab::current_rules(*store, catalog));
  const simulate::ValueModel values(catalog, options.seed ^ kValueSeed);

  // Today's work first: the history fills what is left of the results asked for.
  std::vector<PoolPatient> patients;
  std::vector<PlannedOrder> history;
  std::int64_t history_results = 0;
  // The pool is grown until the history is large enough; today's orders are drawn from a first
  // pool of patients so that they have a history of their own.
  constexpr int kFirstPool = 4000;
  for (int i = 0; i < kFirstPool; ++i) patients.push_back(make_patient(options.seed, i, today));
  std::vector<PlannedOrder> today_orders =
      plan_today(options.seed, patients, today, options.today_orders);
  std::int64_t today_results = 0;
  for (PlannedOrder& order : today_orders) {
    ALIQUOT_RETURN_IF_ERROR(expand_tests(catalog, order));
    today_results += static_cast<std::int64_t>(order.tests.size());
  }
  for (int i = 0;; ++i) {
    if (i >= static_cast<int>(patients.size()))
      patients.push_back(make_patient(options.seed, i, today));
    const std::size_t first = history.size();
    plan_history(options.seed, i, patients[static_cast<std::size_t>(i)], first_day,
                 options.history_days, history);
    for (std::size_t k = first; k < history.size(); ++k) {
      ALIQUOT_RETURN_IF_ERROR(expand_tests(catalog, history[k]));
      history_results += static_cast<std::int64_t>(history[k].tests.size());
    }
    if (i + 1 >= kFirstPool && history_results + today_results >= options.results) break;
  }
  std::stable_sort(
      history.begin(), history.end(),
      [](const PlannedOrder& a, const PlannedOrder& b) { return a.ordered_at < b.ordered_at; });
  progress << fmt::format(
                  "  planned {} patients, {} history orders ({} results over {} days), {} orders "
                  "today ({} results) in {:.1f} s\n",
                  patients.size(), history.size(), history_results, options.history_days,
                  today_orders.size(), today_results, elapsed())
           << std::flush;

  // The lab's staff, the benchmark's user, and the patients, through the use cases.
  {
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                             store->begin(store::TransactionMode::kWrite));
    core::User admin_user;
    admin_user.username = "admin";
    const lab::Context admin{catalog, clock, admin_user};
    for (const simulate::StaffMember& member : simulate::simulated_staff()) {
      ALIQUOT_RETURN_IF_ERROR(lab::add_user(
          *tx, admin,
          {std::string(member.username), std::string(member.display_name), member.role}));
    }
    ALIQUOT_RETURN_IF_ERROR(
        lab::add_user(*tx, admin, {kLoadUser, "Load Benchmark", core::Role::kTechnologist}));
    core::User clerk_user;
    clerk_user.username = std::string(simulate::simulated_staff().front().username);
    const lab::Context clerk{catalog, clock, clerk_user};
    for (PoolPatient& patient : patients) {
      ALIQUOT_ASSIGN_OR_RETURN(const core::Patient registered,
                               lab::register_patient(*tx, clerk, patient.registration));
      patient.id = registered.id;
    }
    ALIQUOT_RETURN_IF_ERROR(tx->commit());
  }
  progress << fmt::format("  registered {} patients in {:.1f} s\n", patients.size(), elapsed())
           << std::flush;

  {
    HistoryWriter writer(*store, catalog, values, patients);
    ALIQUOT_RETURN_IF_ERROR(writer.begin());
    auto last_report = Clock::now();
    for (const PlannedOrder& order : history) {
      ALIQUOT_RETURN_IF_ERROR(writer.write(order));
      if (Clock::now() - last_report > std::chrono::seconds(5)) {
        last_report = Clock::now();
        progress << fmt::format("  history: {} results in {:.1f} s\n", writer.results(), elapsed())
                 << std::flush;
      }
    }
    ALIQUOT_RETURN_IF_ERROR(writer.commit());
    progress << fmt::format("  history: {} results written in {:.1f} s ({} without a value)\n",
                            writer.results(), elapsed(), writer.skipped())
             << std::flush;
  }

  // Without planner statistics SQLite reads the patient's previous result for a delta check
  // (Transaction::previous_released_value) through results_by_status_section, i.e. through every
  // released result: about half a second per value at a million results, hours for today's
  // work. The statistics of ANALYZE make it start from the patient's orders. They are dropped
  // again afterwards, so that the benchmark's server plans its queries as a lab's would: the
  // store never runs ANALYZE.
  store.reset();
  {
    ALIQUOT_ASSIGN_OR_RETURN(RawDatabase raw, RawDatabase::open(path, SQLITE_OPEN_READWRITE));
    ALIQUOT_RETURN_IF_ERROR(raw.execute("ANALYZE"));
  }
  ALIQUOT_ASSIGN_OR_RETURN(store, store::open_sqlite_store(path));
  TodayPlayer player(*store, catalog, rules ? &*rules : nullptr, values, patients, today_orders);
  ALIQUOT_RETURN_IF_ERROR(player.play(player.plan()));
  progress << fmt::format("  today: {} orders through the use cases in {:.1f} s\n",
                          today_orders.size(), elapsed())
           << std::flush;
  store.reset();
  {
    ALIQUOT_ASSIGN_OR_RETURN(RawDatabase raw, RawDatabase::open(path, SQLITE_OPEN_READWRITE));
    ALIQUOT_RETURN_IF_ERROR(
        raw.execute("DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4"));
  }
  ALIQUOT_ASSIGN_OR_RETURN(store, store::open_sqlite_store(path));

  LabHistory built;
  ALIQUOT_RETURN_IF_ERROR(describe(path, *store, catalog, built));
  built.build_seconds = elapsed();
  return built;
}

Result<void> save_lab_history(const LabHistory& history, const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return unavailable("cannot write " + path);
  out << kSummaryHeader << "\n";
  out << "patients " << history.patients << "\norders " << history.orders << "\nspecimens "
      << history.specimens << "\nresults " << history.results << "\nreleased " << history.released
      << "\nbuild_seconds " << history.build_seconds << "\n";
  for (const auto& [section, rows] : history.open_by_section) {
    out << "open " << section << " " << rows << "\n";
  }
  for (const auto& [mrn, results] : history.long_histories) {
    out << "patient " << mrn << " " << results << "\n";
  }
  for (const std::string& accession : history.accessions) out << "specimen " << accession << "\n";
  out.close();
  if (!out) return unavailable("cannot write " + path);
  return ok();
}

Result<LabHistory> load_lab_history(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found("no lab history description at " + path);
  std::string line;
  if (!std::getline(in, line) || line != kSummaryHeader) {
    return data_loss(path + ":1: expected '" + kSummaryHeader + "'");
  }
  LabHistory history;
  int number = 1;
  while (std::getline(in, line)) {
    ++number;
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    bool read = true;
    if (key == "patients") {
      read = static_cast<bool>(fields >> history.patients);
    } else if (key == "orders") {
      read = static_cast<bool>(fields >> history.orders);
    } else if (key == "specimens") {
      read = static_cast<bool>(fields >> history.specimens);
    } else if (key == "results") {
      read = static_cast<bool>(fields >> history.results);
    } else if (key == "released") {
      read = static_cast<bool>(fields >> history.released);
    } else if (key == "build_seconds") {
      read = static_cast<bool>(fields >> history.build_seconds);
    } else if (key == "open") {
      std::string section;
      std::int64_t rows = 0;
      read = static_cast<bool>(fields >> section >> rows);
      history.open_by_section.emplace_back(section, rows);
    } else if (key == "patient") {
      std::string mrn;
      std::int64_t results = 0;
      read = static_cast<bool>(fields >> mrn >> results);
      history.long_histories.emplace_back(mrn, results);
    } else if (key == "specimen") {
      std::string accession;
      read = static_cast<bool>(fields >> accession);
      history.accessions.push_back(accession);
    } else {
      read = false;
    }
    if (!read) return data_loss(fmt::format("{}:{}: cannot read '{}'", path, number, line));
  }
  if (history.results == 0 || history.long_histories.empty() || history.accessions.empty() ||
      history.open_by_section.empty()) {
    return data_loss(path + ": incomplete description");
  }
  return history;
}

}  // namespace aliquot::bench
