#include "simulate/day_driver.h"

#include <algorithm>
#include <utility>

#include "calc/default_calculation_set.h"
#include "core/test_result.h"
#include "lab/use_cases.h"
#include "simulate/staff.h"

namespace aliquot::simulate {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// "10:32:05" within the simulated day, for error messages.
std::string time_of_day(core::Instant at) {
  const std::string text = core::format_instant(at);  // "2026-11-18T10:32:05Z"
  return text.size() >= 19 ? text.substr(11, 8) : text;
}

// Steps happen on whole seconds, as people and instruments record times.
core::Instant after(core::Instant at, Minutes minutes) {
  return at + std::chrono::round<std::chrono::seconds>(minutes);
}

Error in_step(const Error& error, core::Instant at, const std::string& what) {
  return Error(error.code(),
               "simulated day at " + time_of_day(at) + ": " + what + ": " + error.message());
}

}  // namespace

Result<DayDriver> DayDriver::create(store::Store& store, const DayGenerator& generator,
                                    core::ManualClock& clock, const DriverOptions& options) {
  DayDriver driver(store, generator, clock);
  driver.options_ = options;
  if (driver.options_.commit_every <= Minutes(0)) driver.options_.commit_every = Minutes(5);

  // The staff, added by the lab's administrator at the start of the day.
  clock.set(generator.day_start());
  {
    ALIQUOT_ASSIGN_OR_RETURN(auto tx, store.begin(store::TransactionMode::kWrite));
    ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::User> admin,
                             tx->find_user(options.admin_username));
    if (!admin) {
      return not_found("the simulated day needs the lab's administrator '" +
                       options.admin_username + "' to add its staff; no such user");
    }
    const lab::Context context{generator.catalog(), clock, *admin};
    bool added = false;
    for (const StaffMember& member : simulated_staff()) {
      ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::User> existing, tx->find_user(member.username));
      if (existing) continue;
      ALIQUOT_ASSIGN_OR_RETURN(
          core::User user,
          lab::add_user(*tx, context,
                        lab::AddUser{.username = std::string(member.username),
                                     .display_name = std::string(member.display_name),
                                     .role = member.role}));
      ++driver.stats_.use_cases;
      added = true;
    }
    if (added) {
      ALIQUOT_RETURN_IF_ERROR(tx->commit());
      ++driver.stats_.transactions;
    }
  }

  for (const Visit& visit : generator.visits()) {
    for (const PlannedOrder& order : visit.orders) {
      driver.schedule(order.ordered_at,
                      Step{.kind = StepKind::kOrder, .visit = visit.index, .order = order.index});
    }
  }
  return driver;
}

void DayDriver::schedule(core::Instant at, Step step) {
  step.at = at;
  step.sequence = next_sequence_++;
  steps_.push(std::move(step));
}

std::optional<core::Instant> DayDriver::next_step_at() const {
  if (steps_.empty()) return std::nullopt;
  return steps_.top().at;
}

Result<void> DayDriver::run_until(core::Instant end) {
  const auto window = duration_cast<milliseconds>(options_.commit_every);
  while (!steps_.empty() && steps_.top().at < end) {
    const core::Instant window_end = std::min(steps_.top().at + window, end);
    ALIQUOT_ASSIGN_OR_RETURN(auto tx, store_->begin(store::TransactionMode::kWrite));
    while (!steps_.empty() && steps_.top().at < window_end) {
      const Step step = steps_.top();
      steps_.pop();
      clock_->set(step.at);
      ALIQUOT_RETURN_IF_ERROR(run_step(*tx, step));
    }
    ALIQUOT_RETURN_IF_ERROR(tx->commit());
    ++stats_.transactions;
  }
  if (clock_->now() < end) clock_->set(end);
  return ok();
}

Result<void> DayDriver::run_step(store::Transaction& tx, const Step& step) {
  switch (step.kind) {
    case StepKind::kOrder: return place_order(tx, step);
    case StepKind::kCollect: return collect(tx, step);
    case StepKind::kReceive: return receive(tx, step);
    case StepKind::kReject: return reject(tx, step);
    case StepKind::kAnalyze: return analyze(tx, step);
    case StepKind::kCall: return call(tx, step);
    case StepKind::kRelease: return release(tx, step);
  }
  return internal_error("unknown step of the simulated day");
}

Result<core::User> DayDriver::user(store::Transaction& tx, std::string_view username) {
  if (const auto it = users_.find(username); it != users_.end()) return it->second;
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::User> found, tx.find_user(username));
  if (!found)
    return not_found("simulated staff member '" + std::string(username) + "' is not a user");
  users_.emplace(std::string(username), *found);
  return *found;
}

Result<void> DayDriver::place_order(store::Transaction& tx, const Step& step) {
  const Visit& visit = generator_->visits()[static_cast<std::size_t>(step.visit)];
  const PlannedOrder& planned = visit.orders[static_cast<std::size_t>(step.order)];
  ALIQUOT_ASSIGN_OR_RETURN(const core::User clerk, user(tx, front_desk_on_shift(step.at).username));
  const lab::Context context{generator_->catalog(), *clock_, clerk};

  // A returning patient is already registered (a server running day after day meets them).
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Patient> patient,
                           tx.find_patient_by_mrn(visit.patient.mrn));
  if (!patient) {
    Result<core::Patient> registered = lab::register_patient(tx, context, visit.patient);
    if (!registered) {
      return in_step(registered.error(), step.at, "register patient " + visit.patient.mrn);
    }
    ++stats_.use_cases;
  }
  Result<core::Order> order =
      lab::place_order(tx, context,
                       lab::PlaceOrder{.mrn = visit.patient.mrn,
                                       .test_codes = planned.test_codes,
                                       .priority = planned.priority,
                                       .ordering_provider = planned.ordering_provider,
                                       .clinical_info = planned.clinical_info,
                                       .placer_order_number = {}});
  if (!order) return in_step(order.error(), step.at, "place order for " + visit.patient.mrn);
  ++stats_.use_cases;
  order_numbers_[{step.visit, step.order}] = order->order_number;
  schedule(std::max(planned.collected_at, step.at),
           Step{.kind = StepKind::kCollect, .visit = step.visit, .order = step.order});
  return ok();
}

Result<void> DayDriver::collect(store::Transaction& tx, const Step& step) {
  const Visit& visit = generator_->visits()[static_cast<std::size_t>(step.visit)];
  const PlannedOrder& planned = visit.orders[static_cast<std::size_t>(step.order)];
  const std::string& order_number = order_numbers_.at({step.visit, step.order});
  const int attempt = collections_[{step.visit, step.order}]++;
  recollections_due_.erase({step.visit, step.order});
  ALIQUOT_ASSIGN_OR_RETURN(const core::User clerk, user(tx, front_desk_on_shift(step.at).username));
  const lab::Context context{generator_->catalog(), *clock_, clerk};
  const std::string& collected_by = attempt == 0 ? planned.collected_by : step.collected_by;
  Result<std::vector<core::Specimen>> specimens = lab::accession_order(
      tx, context,
      lab::AccessionOrder{
          .order_number = order_number, .collected_at = step.at, .collected_by = collected_by});
  if (!specimens) return in_step(specimens.error(), step.at, "accession order " + order_number);
  ++stats_.use_cases;
  for (const core::Specimen& specimen : *specimens) {
    SpecimenState state{.visit = step.visit,
                        .order = step.order,
                        .attempt = attempt,
                        .container = specimen.container_type,
                        .specimen_id = specimen.id,
                        .plan = generator_->plan_specimen(visit, planned, specimen.specimen_type,
                                                          specimen.container_type, attempt)};
    const core::Instant received_at = after(step.at, state.plan.transport);
    specimens_.emplace(specimen.accession_number, std::move(state));
    schedule(received_at, Step{.kind = StepKind::kReceive,
                               .visit = step.visit,
                               .order = step.order,
                               .accession_number = specimen.accession_number});
  }
  return ok();
}

Result<void> DayDriver::receive(store::Transaction& tx, const Step& step) {
  const SpecimenState& state = specimens_.at(step.accession_number);
  const Visit& visit = generator_->visits()[static_cast<std::size_t>(step.visit)];
  const PlannedOrder& planned = visit.orders[static_cast<std::size_t>(step.order)];
  ALIQUOT_ASSIGN_OR_RETURN(const core::User clerk, user(tx, front_desk_on_shift(step.at).username));
  const lab::Context context{generator_->catalog(), *clock_, clerk};
  const bool visible_at_receipt = state.plan.rejection && !state.plan.rejected_at_bench;
  Result<core::Specimen> received = lab::receive_specimen(
      tx, context,
      lab::ReceiveSpecimen{.accession_number = step.accession_number,
                           .condition = visible_at_receipt ? state.plan.rejection_comment : ""});
  if (!received) return in_step(received.error(), step.at, "receive " + step.accession_number);
  ++stats_.use_cases;

  if (state.plan.rejection) {
    schedule(after(step.at, state.plan.rejection_after_receipt),
             Step{.kind = StepKind::kReject,
                  .visit = step.visit,
                  .order = step.order,
                  .accession_number = step.accession_number});
    return ok();
  }
  // Each section's bench takes the specimen (or its aliquot) and reports when its run is done.
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results,
                           tx.results_for_specimen(received->id));
  std::vector<std::string> sections;
  for (const core::TestResult& result : results) {
    if (result.status != core::ResultStatus::kPending) continue;
    if (std::find(sections.begin(), sections.end(), result.section) == sections.end()) {
      sections.push_back(result.section);
    }
  }
  for (const std::string& section : sections) {
    const Minutes analysis =
        generator_->analysis_time(visit, planned, section, state.container, state.attempt, step.at);
    schedule(after(step.at, analysis), Step{.kind = StepKind::kAnalyze,
                                            .visit = step.visit,
                                            .order = step.order,
                                            .accession_number = step.accession_number,
                                            .section = section});
  }
  return ok();
}

Result<void> DayDriver::reject(store::Transaction& tx, const Step& step) {
  const SpecimenState& state = specimens_.at(step.accession_number);
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results,
                           tx.results_for_specimen(state.specimen_id));
  // Found on the bench by the technician of the specimen's section, at the desk by the clerk.
  const std::string section = results.empty() ? std::string() : results.front().section;
  const StaffMember& person = state.plan.rejected_at_bench ? bench_on_shift(section, step.at)
                                                           : front_desk_on_shift(step.at);
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor, user(tx, person.username));
  const lab::Context context{generator_->catalog(), *clock_, actor};
  Result<core::Specimen> rejected =
      lab::reject_specimen(tx, context,
                           lab::RejectSpecimen{.accession_number = step.accession_number,
                                               .reason = *state.plan.rejection,
                                               .comment = state.plan.rejection_comment});
  if (!rejected) return in_step(rejected.error(), step.at, "reject " + step.accession_number);
  ++stats_.use_cases;

  const std::pair<int, int> key{step.visit, step.order};
  if (state.plan.recollect_after && !recollections_due_.contains(key)) {
    recollections_due_.insert(key);
    schedule(after(step.at, *state.plan.recollect_after),
             Step{.kind = StepKind::kCollect,
                  .visit = step.visit,
                  .order = step.order,
                  .collected_by = state.plan.recollected_by});
  }
  return ok();
}

Result<void> DayDriver::analyze(store::Transaction& tx, const Step& step) {
  const SpecimenState& state = specimens_.at(step.accession_number);
  const Visit& visit = generator_->visits()[static_cast<std::size_t>(step.visit)];
  const PlannedOrder& planned = visit.orders[static_cast<std::size_t>(step.order)];
  ALIQUOT_ASSIGN_OR_RETURN(const core::User technician,
                           user(tx, bench_on_shift(step.section, step.at).username));
  const lab::Context context{.catalog = generator_->catalog(),
                             .clock = *clock_,
                             .actor = technician,
                             .calculations = &calc::default_calculation_set()};
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results,
                           tx.results_for_specimen(state.specimen_id));

  std::vector<std::string> to_release;
  for (const core::TestResult& pending : results) {
    if (pending.section != step.section || pending.status != core::ResultStatus::kPending) continue;
    const core::TestDefinition* test = generator_->catalog().find_test(pending.test_code);
    if (test == nullptr) {
      return internal_error("simulated day at " + time_of_day(step.at) + ": test " +
                            pending.test_code + " of " + step.accession_number +
                            " is not in the catalog in force");
    }
    // The lab computes calculated tests from the values entered here; nobody enters them.
    if (test->calculated) continue;
    Result<std::string> value = generator_->result_value(visit, planned, state.attempt, *test);
    if (!value) return in_step(value.error(), step.at, "simulate " + pending.test_code);
    Result<core::TestResult> entered =
        lab::enter_result(tx, context,
                          lab::EnterResult{.accession_number = step.accession_number,
                                           .test_code = pending.test_code,
                                           .value = *value,
                                           .unit = ""});
    if (!entered) {
      return in_step(
          entered.error(), step.at,
          "enter " + pending.test_code + " = " + *value + " on " + step.accession_number);
    }
    ++stats_.use_cases;
    if (core::is_critical(entered->flag)) {
      // Critical: phoned and read back before it may be released.
      const CallPlan plan = generator_->plan_call(visit, planned, pending.test_code);
      schedule(after(step.at, plan.after_entry), Step{.kind = StepKind::kCall,
                                                      .visit = step.visit,
                                                      .order = step.order,
                                                      .accession_number = step.accession_number,
                                                      .section = step.section,
                                                      .test_codes = {pending.test_code}});
    } else {
      to_release.push_back(pending.test_code);
    }
  }
  if (!to_release.empty()) {
    const Minutes review =
        generator_->review_time(visit, planned, step.section, state.container, state.attempt);
    schedule(after(step.at, review), Step{.kind = StepKind::kRelease,
                                          .visit = step.visit,
                                          .order = step.order,
                                          .accession_number = step.accession_number,
                                          .section = step.section,
                                          .test_codes = std::move(to_release)});
  }
  return ok();
}

Result<void> DayDriver::call(store::Transaction& tx, const Step& step) {
  const Visit& visit = generator_->visits()[static_cast<std::size_t>(step.visit)];
  const PlannedOrder& planned = visit.orders[static_cast<std::size_t>(step.order)];
  const std::string& test_code = step.test_codes.front();
  ALIQUOT_ASSIGN_OR_RETURN(const core::User technician,
                           user(tx, bench_on_shift(step.section, step.at).username));
  const lab::Context context{generator_->catalog(), *clock_, technician};
  const CallPlan plan = generator_->plan_call(visit, planned, test_code);
  std::string notes = "read back correctly";
  if (visit.profile.critical) notes += "; clinical picture: " + visit.profile.critical->label;
  Result<core::CriticalCall> called = lab::document_critical_call(
      tx, context,
      lab::DocumentCriticalCall{.accession_number = step.accession_number,
                                .test_code = test_code,
                                .called_to = plan.called_to,
                                .called_by = "",
                                .called_at = step.at,
                                .read_back_confirmed = true,
                                .notes = notes});
  if (!called) {
    return in_step(called.error(), step.at,
                   "document critical call for " + test_code + " on " + step.accession_number);
  }
  ++stats_.use_cases;
  schedule(after(step.at, plan.release_after_call), Step{.kind = StepKind::kRelease,
                                                         .visit = step.visit,
                                                         .order = step.order,
                                                         .accession_number = step.accession_number,
                                                         .section = step.section,
                                                         .test_codes = step.test_codes});
  return ok();
}

Result<void> DayDriver::release(store::Transaction& tx, const Step& step) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User technician,
                           user(tx, bench_on_shift(step.section, step.at).username));
  const lab::Context context{.catalog = generator_->catalog(),
                             .clock = *clock_,
                             .actor = technician,
                             .calculations = &calc::default_calculation_set()};
  for (const std::string& test_code : step.test_codes) {
    Result<core::TestResult> released = lab::release_result(
        tx, context,
        lab::ReleaseResult{.accession_number = step.accession_number, .test_code = test_code});
    if (!released) {
      return in_step(released.error(), step.at,
                     "release " + test_code + " on " + step.accession_number);
    }
    ++stats_.use_cases;
  }
  // Releasing the inputs computed the calculated results of the specimen (the day runs without
  // autoverification rules): the technician releases them with the rest, once nothing holds them.
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Specimen> specimen,
                           tx.find_specimen_by_accession(step.accession_number));
  if (!specimen) return ok();
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                           tx.results_for_specimen(specimen->id));
  for (const core::TestResult& result : results) {
    if (result.section != step.section || result.status != core::ResultStatus::kPreliminary ||
        !result.value) {
      continue;
    }
    const core::TestDefinition* test = generator_->catalog().find_test(result.test_code);
    if (test == nullptr || !test->calculated) continue;
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::HoldReason> holds,
                             tx.holds_for_result(result.id));
    if (std::any_of(holds.begin(), holds.end(),
                    [](const core::HoldReason& hold) { return hold.suppresses; })) {
      continue;  // still waits for an input released later
    }
    Result<core::TestResult> released =
        lab::release_result(tx, context,
                            lab::ReleaseResult{.accession_number = step.accession_number,
                                               .test_code = result.test_code});
    if (!released) {
      return in_step(released.error(), step.at,
                     "release " + result.test_code + " on " + step.accession_number);
    }
    ++stats_.use_cases;
  }
  return ok();
}

}  // namespace aliquot::simulate
