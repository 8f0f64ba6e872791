#include "simulate/demo_feeder.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <utility>

#include "core/test_result.h"
#include "lab/context.h"
#include "lab/lab_setup.h"
#include "lab/lab_time_zone.h"
#include "lab/quality_control.h"
#include "lab/use_cases.h"
#include "simulate/analyzer.h"
#include "simulate/analyzer_records.h"
#include "simulate/random.h"

namespace aliquot::simulate {
namespace {

// What a clerk orders, by how often: the chemistry and hematology the two analyzers perform.
struct OrderChoice {
  std::vector<std::string> tests;
  double weight = 0;
};

const std::vector<OrderChoice>& order_choices() {
  static const std::vector<OrderChoice> choices = {
      {{"BMP"}, 3},   {{"CMP"}, 2},        {{"CBC"}, 3},   {{"BMP", "CBC"}, 2},
      {{"LIPID"}, 1}, {{"TSH", "FT4"}, 1}, {{"HBA1C"}, 1},
  };
  return choices;
}

// The analytes a critical order puts beyond a limit: potassium and glucose, the two criticals a
// chemistry bench phones most.
constexpr std::array kCriticalTests = {"K", "GLU"};

// Control values of the material from which a target is computed: CLSI C24 asks for at least 20
// to establish a lab's own mean and SD.
constexpr std::uint64_t kTargetSamples = 40;
// A package insert's SD covers many analyzers and lots and is wider than one analyzer's own
// scatter (CLSI C24 advises labs to replace it with their own); this factor makes the demo's
// targets such an insert's, so that false rejections are as rare as on a new lot.
constexpr double kInsertSdFactor = 1.5;

constexpr const char* kControlLot = "DEMO-CHEM-1";
constexpr const char* kControlLevel = "1";

// The sample id the simulated analyzer reports its control under (simulate/analyzer_lane.cc).
std::string control_sample_id(const ingest::InstrumentProfile& profile) {
  return "QC-" + profile.id + "-1";
}

lab::MaterialRef control_ref() {
  lab::MaterialRef ref;
  ref.lot = kControlLot;
  ref.level = kControlLevel;
  return ref;
}

std::optional<double> number_of(std::string_view text) {
  double number = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, number);
  if (text.empty() || error != std::errc() || stop != end || !std::isfinite(number)) {
    return std::nullopt;
  }
  return number;
}

// The catalog test codes `profile` maps.
std::set<std::string> mapped_tests(const ingest::InstrumentProfile& profile) {
  std::set<std::string> tests;
  for (const auto& [code, mapping] : profile.codes) tests.insert(mapping.test_code);
  return tests;
}

std::vector<std::string> instrument_codes(const ingest::InstrumentProfile& profile) {
  std::vector<std::string> codes;
  for (const auto& [code, mapping] : profile.codes) codes.push_back(code);
  return codes;
}

Result<core::User> user_named(store::Transaction& tx, const std::string& username) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> user, tx.find_user(username));
  if (!user) return not_found("the demo lab has no user '" + username + "'");
  return *user;
}

}  // namespace

std::string describe(const FedOrder& fed) {
  const PlacedOrder& order = fed.order;
  std::string text = fmt::format("{} order {} for MRN {} ({})",
                                 order.priority == core::Priority::kStat ? "STAT" : "routine",
                                 order.order_number, order.mrn, fmt::join(order.test_codes, ", "));
  if (!order.critical.empty()) text += ", " + order.critical;
  text += fmt::format(": {} result(s) reported over ASTM", fed.results_delivered);
  if (fed.results_failed > 0) {
    text += fmt::format(", {} not acknowledged", fed.results_failed);
  }
  if (!fed.qc_verdict.empty()) text += "\n" + fed.qc_verdict;
  return text;
}

DemoFeeder::DemoFeeder(store::Store& store, const catalog::Catalog& catalog,
                       const core::Clock& clock, DayGenerator generator,
                       ingest::InstrumentProfile chemistry, ingest::InstrumentProfile hematology,
                       std::optional<qc::QcPolicy> qc_policy, FeederOptions options)
    : store_(store),
      catalog_(catalog),
      clock_(clock),
      generator_(std::move(generator)),
      chemistry_(std::move(chemistry)),
      hematology_(std::move(hematology)),
      qc_policy_(std::move(qc_policy)),
      options_(std::move(options)),
      model_(catalog, options_.seed) {}

Result<std::unique_ptr<DemoFeeder>> DemoFeeder::create(
    store::Store& store, const catalog::Catalog& catalog, const core::Clock& clock,
    const DayOptions& day, const ingest::InstrumentProfiles& profiles, FeederOptions options) {
  const ingest::InstrumentProfile* chemistry = profiles.find_by_id(kDemoChemistryAnalyzer);
  const ingest::InstrumentProfile* hematology = profiles.find_by_id(kDemoHematologyAnalyzer);
  if (chemistry == nullptr || hematology == nullptr) {
    return invalid_argument(
        fmt::format("the demo's analyzers need the instrument profiles '{}' and '{}' "
                    "(interfaces/instruments/aliquot-sim-chem.toml and aliquot-sim-heme.toml)",
                    kDemoChemistryAnalyzer, kDemoHematologyAnalyzer));
  }
  if (options.every <= std::chrono::milliseconds::zero()) {
    return invalid_argument("the demo feeds an order every positive interval, not every " +
                            std::to_string(options.every.count()) + " ms");
  }
  ALIQUOT_ASSIGN_OR_RETURN(DayGenerator generator, DayGenerator::create(catalog, day));
  if (generator.visits().empty()) return invalid_argument("the demo day has no patients");
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<qc::QcPolicy> policy, lab::current_qc_policy(store));
  return std::unique_ptr<DemoFeeder>(new DemoFeeder(store, catalog, clock, std::move(generator),
                                                    *chemistry, *hematology, std::move(policy),
                                                    std::move(options)));
}

Result<std::string> DemoFeeder::prepare_quality_control() {
  // The control's values as the analyzer will report them: the same value model, material and
  // seed as the lane's (simulate/analyzer_lane.h), samples 1..kTargetSamples.
  const std::vector<std::string> codes = instrument_codes(chemistry_);
  std::map<std::string, std::vector<double>> values;  // by instrument code
  std::set<std::string> not_numbers;
  for (std::uint64_t sample = 1; sample <= kTargetSamples + 1; ++sample) {
    for (const Measurement& measurement :
         measure(catalog_, chemistry_, model_, control_material(), sample, codes)) {
      const std::optional<double> number = measurement.status == MeasurementStatus::kFinal
                                               ? number_of(measurement.value)
                                               : std::nullopt;
      if (!number) {
        not_numbers.insert(measurement.instrument_code);
      } else {
        values[measurement.instrument_code].push_back(*number);
      }
    }
  }
  // An analyte whose control is not always a number (a troponin control below the detection
  // limit, "<0.01") gets no target, and the analyzer leaves it out of its control runs: the lab
  // would refuse the run otherwise.
  for (const std::string& code : not_numbers) {
    chemistry_.codes.erase(code);
    values.erase(code);
  }
  if (values.empty()) {
    return failed_precondition("no analyte of " + chemistry_.id +
                               " gives its control as a number: no QC targets");
  }

  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store_.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(core::User technologist, user_named(*tx, options_.technologist));
  const lab::Context ctx{.catalog = catalog_,
                         .clock = clock_,
                         .actor = std::move(technologist),
                         .qc_policy = qc_policy_ ? &*qc_policy_ : nullptr};
  const core::Instant now = clock_.now();
  const core::Date expires{std::chrono::floor<std::chrono::days>(now) + std::chrono::days(365)};
  ALIQUOT_RETURN_IF_ERROR(lab::add_qc_material(*tx, ctx,
                                               lab::AddQcMaterial{.product = "Chemistry control",
                                                                  .manufacturer = "aliquot demo",
                                                                  .lot = kControlLot,
                                                                  .level = kControlLevel,
                                                                  .expires_on = expires}));
  ALIQUOT_RETURN_IF_ERROR(
      lab::set_qc_sample_id(*tx, ctx,
                            lab::SetQcSampleId{.instrument = chemistry_.id,
                                               .sample_id = control_sample_id(chemistry_),
                                               .lot = kControlLot,
                                               .level = kControlLevel}));
  qc_tests_.clear();
  for (const auto& [code, observed] : values) {
    const std::string& test_code = chemistry_.codes.at(code).test_code;
    const core::TestDefinition* test = catalog_.find_test(test_code);
    if (test == nullptr) continue;
    // The first kTargetSamples values make the target; the last is the first run.
    const std::span<const double> target_values(observed.data(), observed.size() - 1);
    double sum = 0;
    for (const double value : target_values) sum += value;
    const double mean = sum / static_cast<double>(target_values.size());
    double squares = 0;
    for (const double value : target_values) squares += (value - mean) * (value - mean);
    const double sd = std::sqrt(squares / static_cast<double>(target_values.size() - 1));
    // The mean to the decimals the analyte is reported with, as an insert prints it. The
    // analyzer reports on that grid too, so a control whose scatter is below one step mostly
    // reads the mean itself (z = 0, on neither side) rather than always the same value a fraction
    // of an SD off a mean between two steps, which fires 10-x from the tenth run on. The SD is at
    // least one step, all an analyzer reporting to that many decimals can resolve.
    const int decimals = std::max(0, test->decimals);
    const double resolution = std::pow(10.0, -decimals);
    const double target_mean = number_of(core::format_decimal(mean, decimals)).value_or(mean);
    const double target_sd = std::max(kInsertSdFactor * sd, resolution);
    ALIQUOT_RETURN_IF_ERROR(
        lab::set_qc_target(*tx, ctx,
                           lab::SetQcTarget{.material = control_ref(),
                                            .instrument = chemistry_.id,
                                            .test_code = test->code,
                                            .mean = target_mean,
                                            .sd = target_sd,
                                            .effective_from = now - std::chrono::minutes(2)}));
    ALIQUOT_RETURN_IF_ERROR(lab::record_qc_run(
        *tx, ctx,
        lab::RecordQcRun{
            .instrument = chemistry_.id,
            .test_code = test->code,
            .values = {lab::QcValueInput{.material = control_ref(),
                                         .value = core::format_decimal(observed.back(), decimals),
                                         .label = "level " + std::string(kControlLevel)}},
            .measured_at = now - std::chrono::minutes(1),
            .source = "manual"}));
    qc_tests_.push_back(test->code);
  }
  ALIQUOT_RETURN_IF_ERROR(tx->commit());
  controls_measured_ = kTargetSamples + 1;
  return fmt::format("{} analyte(s) on {} under QC (control lot {}, sample id {})",
                     qc_tests_.size(), chemistry_.id, kControlLot, control_sample_id(chemistry_));
}

Result<PlacedOrder> DemoFeeder::place_next_order() {
  const std::uint64_t round = ++orders_placed_;
  Random random = Random::derive(options_.seed, {0xfeedULL, round});
  const std::vector<Visit>& visits = generator_.visits();
  const Visit& visit = visits[static_cast<std::size_t>(
      random.uniform_int(0, static_cast<std::int64_t>(visits.size()) - 1))];

  PlacedOrder placed;
  placed.mrn = visit.patient.mrn;
  PatientProfile patient = visit.profile;
  patient.critical.reset();
  const bool critical = options_.critical_every > 0 &&
                        (round - 1) % static_cast<std::uint64_t>(options_.critical_every) == 0;
  if (critical) {
    // A critical picture for potassium or glucose, as the value model presents it in an
    // emergency department; the order is a STAT basic metabolic panel.
    std::vector<const core::TestDefinition*> tests;
    for (const char* code : kCriticalTests) {
      if (const core::TestDefinition* test = catalog_.find_test(code)) tests.push_back(test);
    }
    std::vector<std::pair<CriticalScenario, double>> scenarios =
        model_.scenarios_for(CareSetting::kEmergency, tests, random.next());
    std::erase_if(scenarios, [&](const auto& scenario) {
      return std::none_of(tests.begin(), tests.end(), [&](const core::TestDefinition* test) {
        return test->loinc == scenario.first.loinc;
      });
    });
    if (!scenarios.empty()) {
      std::vector<double> weights;
      for (const auto& scenario : scenarios) weights.push_back(scenario.second);
      patient.critical = scenarios[random.weighted_index(weights)].first;
      placed.critical = patient.critical->label;
    }
    placed.test_codes = {"BMP"};
    placed.priority = core::Priority::kStat;
  } else {
    std::vector<double> weights;
    for (const OrderChoice& choice : order_choices()) weights.push_back(choice.weight);
    placed.test_codes = order_choices()[random.weighted_index(weights)].tests;
    placed.priority = random.bernoulli(0.25) ? core::Priority::kStat : core::Priority::kRoutine;
  }
  const std::string provider =
      visit.orders.empty() ? "Dr. Rivera" : visit.orders.front().ordering_provider;

  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store_.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(core::User clerk, user_named(*tx, options_.clerk));
  const lab::Context ctx{.catalog = catalog_,
                         .clock = clock_,
                         .actor = std::move(clerk),
                         .qc_policy = qc_policy_ ? &*qc_policy_ : nullptr};
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Patient> known,
                           tx->find_patient_by_mrn(placed.mrn));
  if (!known) ALIQUOT_RETURN_IF_ERROR(lab::register_patient(*tx, ctx, visit.patient));
  lab::PlaceOrder command;
  command.mrn = placed.mrn;
  command.test_codes = placed.test_codes;
  command.priority = placed.priority;
  command.ordering_provider = provider;
  ALIQUOT_ASSIGN_OR_RETURN(const core::Order order, lab::place_order(*tx, ctx, command));
  placed.order_number = order.order_number;
  lab::AccessionOrder accession;
  accession.order_number = order.order_number;
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Specimen> specimens,
                           lab::accession_order(*tx, ctx, accession));
  const std::set<std::string> chemistry_tests = mapped_tests(chemistry_);
  const std::set<std::string> hematology_tests = mapped_tests(hematology_);
  for (const core::Specimen& specimen : specimens) {
    lab::ReceiveSpecimen receipt;
    receipt.accession_number = specimen.accession_number;
    ALIQUOT_RETURN_IF_ERROR(lab::receive_specimen(*tx, ctx, receipt));
    placed.accession_numbers.push_back(specimen.accession_number);
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                             tx->results_for_specimen(specimen.id));
    // The sample number keeps this specimen's values apart from the day's specimens of the
    // same patient (sample variation only: the patient's own values agree).
    const RackSpecimen on_rack{.accession_number = specimen.accession_number,
                               .patient = patient,
                               .sample = 1'000'000 + round};
    const auto performs = [&](const std::set<std::string>& tests) {
      return std::any_of(results.begin(), results.end(), [&](const core::TestResult& result) {
        return tests.contains(result.test_code);
      });
    };
    if (performs(chemistry_tests)) placed.chemistry_rack.push_back(on_rack);
    if (performs(hematology_tests)) placed.hematology_rack.push_back(on_rack);
  }
  ALIQUOT_RETURN_IF_ERROR(tx->commit());
  return placed;
}

Result<std::uint64_t> DemoFeeder::run_analyzer_on(const ingest::InstrumentProfile& profile,
                                                  std::vector<RackSpecimen> rack, bool with_control,
                                                  FedOrder& fed) {
  if (rack.empty()) return std::uint64_t{0};
  core::TimeZone zone = core::TimeZone::utc();
  {
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                             store_.begin(store::TransactionMode::kRead));
    ALIQUOT_ASSIGN_OR_RETURN(zone, lab::lab_time_zone(*tx));
  }
  AnalyzerOptions analyzer;
  analyzer.host = options_.astm_host;
  analyzer.port = options_.astm_port;
  analyzer.lane.qc_every = with_control ? static_cast<int>(rack.size()) : 0;
  analyzer.lane.clock_zone = zone;
  analyzer.lane.controls_before = controls_measured_;
  analyzer.seed = options_.seed;
  analyzer.give_up_after = options_.give_up_after;
  ALIQUOT_ASSIGN_OR_RETURN(const AnalyzerReport report,
                           run_analyzer(catalog_, profile, clock_, std::move(rack), analyzer));
  fed.results_delivered += report.totals.results_delivered;
  fed.results_failed += report.totals.results_failed;
  fed.qc_messages_delivered += report.totals.qc_messages_delivered;
  return report.totals.qc_messages_delivered;
}

Result<std::string> DemoFeeder::qc_verdict() {
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store_.begin(store::TransactionMode::kRead));
  int accepted = 0;
  std::vector<std::string> warned;
  std::vector<std::string> rejected;
  for (const std::string& test : qc_tests_) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcRun> run,
                             tx->last_qc_run(chemistry_.id, test, clock_.now(), std::nullopt));
    if (!run) continue;
    switch (run->status) {
      case core::QcRunStatus::kAccept: ++accepted; break;
      case core::QcRunStatus::kWarning: warned.push_back(test); break;
      case core::QcRunStatus::kReject: rejected.push_back(test); break;
    }
  }
  std::string text = fmt::format("QC {}: {} accepted", chemistry_.id, accepted);
  if (!warned.empty()) text += fmt::format(", {} warned", fmt::join(warned, " "));
  if (!rejected.empty()) {
    text +=
        fmt::format(", {} rejected (results held: see Quality control)", fmt::join(rejected, " "));
  }
  return text;
}

Result<FedOrder> DemoFeeder::analyze(PlacedOrder order) {
  FedOrder fed;
  const bool control_due = options_.qc_every > 0 && !qc_tests_.empty() &&
                           orders_placed_ % static_cast<std::uint64_t>(options_.qc_every) == 0;
  std::vector<RackSpecimen> chemistry = order.chemistry_rack;
  std::vector<RackSpecimen> hematology = order.hematology_rack;
  fed.order = std::move(order);
  ALIQUOT_ASSIGN_OR_RETURN(const std::uint64_t controls,
                           run_analyzer_on(chemistry_, std::move(chemistry), control_due, fed));
  controls_measured_ += controls;
  ALIQUOT_RETURN_IF_ERROR(
      run_analyzer_on(hematology_, std::move(hematology), /*with_control=*/false, fed));
  if (controls > 0) {
    ALIQUOT_ASSIGN_OR_RETURN(fed.qc_verdict, qc_verdict());
  }
  return fed;
}

Result<FedOrder> DemoFeeder::feed_once() {
  ALIQUOT_ASSIGN_OR_RETURN(PlacedOrder order, place_next_order());
  return analyze(std::move(order));
}

void DemoFeeder::run(std::stop_token stop, const std::function<void(const std::string&)>& report) {
  std::mutex mutex;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    Result<FedOrder> fed = feed_once();
    report(fed.has_value() ? describe(*fed) : "demo feeder: " + fed.error().message());
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, options_.every, [] { return false; });
  }
}

}  // namespace aliquot::simulate
