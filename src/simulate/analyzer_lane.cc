#include "simulate/analyzer_lane.h"

#include <algorithm>
#include <utility>

namespace aliquot::simulate {
namespace {

// The control material's stream in the value model: not a patient, the same material every run.
constexpr std::uint64_t kControlMaterialKey = 0xC0'47'50'1EULL;

}  // namespace

// Control material is assayed like an adult's serum: a value near the reference interval.
PatientProfile control_material() {
  PatientProfile control;
  control.key = kControlMaterialKey;
  control.age_days = 40 * 365;
  return control;
}

Lane::Lane(const catalog::Catalog& catalog, const ingest::InstrumentProfile& profile,
           const ValueModel& model, const core::Clock& clock, LaneOptions options,
           std::vector<RackSpecimen> rack)
    : catalog_(catalog),
      profile_(profile),
      model_(model),
      clock_(clock),
      options_(options),
      rack_(std::move(rack)),
      queries_asked_(rack_.size(), 0),
      controls_built_(options_.controls_before) {
  for (std::size_t i = 0; i < rack_.size(); ++i) to_query_.push_back(i);
}

std::uint64_t Lane::final_values(const std::vector<Measurement>& measurements) {
  std::uint64_t count = 0;
  for (const Measurement& measurement : measurements) {
    if (measurement.status == MeasurementStatus::kFinal) ++count;
  }
  return count;
}

std::uint64_t Lane::add(MessageKind kind, std::string specimen_id, std::vector<std::string> records,
                        std::vector<Measurement> measurements) {
  const std::uint64_t key = next_key_++;
  Tracked tracked;
  tracked.message.key = key;
  tracked.message.kind = kind;
  tracked.message.specimen_id = std::move(specimen_id);
  tracked.message.records = std::move(records);
  tracked.message.measurements = std::move(measurements);
  messages_.emplace(key, std::move(tracked));
  return key;
}

void Lane::next_query_if_idle() {
  if (querying_) return;
  while (to_query_.empty() && round_ < options_.rounds) {
    ++round_;
    for (std::size_t i = 0; i < rack_.size(); ++i) to_query_.push_back(i);
    std::fill(queries_asked_.begin(), queries_asked_.end(), 0);
  }
  // A specimen asked about max_attempts times in this round without an answer (lost answers, or
  // answers about another specimen) is not asked again.
  while (!to_query_.empty() && queries_asked_[to_query_.front()] >= options_.max_attempts) {
    ++counters_.specimens_not_run;
    to_query_.pop_front();
  }
  if (to_query_.empty()) return;
  querying_ = to_query_.front();
  to_query_.pop_front();
  ++queries_asked_[*querying_];
  const std::string& specimen = rack_[*querying_].accession_number;
  query_key_ =
      add(MessageKind::kQuery, specimen, query_message(profile_, specimen, wall_clock()), {});
}

std::vector<LaneMessage> Lane::take_sendable() {
  std::vector<LaneMessage> sendable;
  if (awaiting_answer_) return sendable;
  if (querying_) {
    const auto query = messages_.find(query_key_);
    if (query != messages_.end() && query->second.stage == Stage::kInFlight) return sendable;
  }
  for (auto& [key, tracked] : messages_) {
    if (tracked.stage != Stage::kQueued || tracked.message.kind == MessageKind::kQuery) continue;
    tracked.stage = Stage::kInFlight;
    ++tracked.message.attempts;
    sendable.push_back(tracked.message);
  }
  // The query goes last: its answer comes when the line is idle, after everything else.
  next_query_if_idle();
  if (querying_) {
    const auto query = messages_.find(query_key_);
    if (query != messages_.end() && query->second.stage == Stage::kQueued) {
      query->second.stage = Stage::kInFlight;
      ++query->second.message.attempts;
      sendable.push_back(query->second.message);
    }
  }
  return sendable;
}

std::optional<LaneMessage> Lane::on_delivered(std::uint64_t key) {
  const auto found = messages_.find(key);
  if (found == messages_.end() || found->second.stage != Stage::kInFlight) return std::nullopt;
  LaneMessage message = std::move(found->second.message);
  messages_.erase(found);
  const std::uint64_t values = final_values(message.measurements);
  if (message.attempts > 1) {
    ++counters_.messages_resent;
    if (message.kind == MessageKind::kResults) counters_.results_resent += values;
  }
  switch (message.kind) {
    case MessageKind::kQuery: awaiting_answer_ = true; break;
    case MessageKind::kResults:
      ++counters_.result_messages_delivered;
      counters_.results_delivered += values;
      break;
    case MessageKind::kQualityControl: ++counters_.qc_messages_delivered; break;
  }
  return message;
}

void Lane::give_up(Tracked& tracked) {
  const LaneMessage& message = tracked.message;
  ++counters_.messages_failed;
  if (message.attempts > 1) ++counters_.messages_resent;
  if (message.kind == MessageKind::kResults) {
    const std::uint64_t values = final_values(message.measurements);
    counters_.results_failed += values;
    if (message.attempts > 1) counters_.results_resent += values;
  }
  if (message.kind == MessageKind::kQuery && querying_ && query_key_ == message.key) {
    ++counters_.specimens_not_run;
    querying_.reset();
  }
}

void Lane::on_failed(std::uint64_t key) {
  const auto found = messages_.find(key);
  if (found == messages_.end() || found->second.stage != Stage::kInFlight) return;
  if (found->second.message.attempts >= options_.max_attempts) {
    give_up(found->second);
    messages_.erase(found);
    return;
  }
  found->second.stage = Stage::kQueued;
}

Result<void> Lane::on_answer(const std::vector<std::string>& records) {
  if (!awaiting_answer_ || !querying_) {
    ++counters_.answers_ignored;
    return ok();
  }
  const RackSpecimen& specimen = rack_[*querying_];
  Result<std::vector<HostOrders>> orders = read_host_orders(records, profile_);
  if (orders.has_value() && !orders->empty() && !orders->front().specimen_id.empty() &&
      orders->front().specimen_id != specimen.accession_number) {
    // An answer for another specimen (a late answer to an earlier query): keep waiting.
    ++counters_.answers_ignored;
    return ok();
  }
  awaiting_answer_ = false;
  querying_.reset();
  ++counters_.queries_answered;
  if (!orders.has_value()) {
    // Not asked again: the same host would answer the same. The specimen is left undone.
    ++counters_.specimens_not_run;
    return invalid_argument("the answer to the query for specimen " + specimen.accession_number +
                            " cannot be read: " + orders.error().message());
  }
  bool any = false;
  for (const HostOrders& order : *orders) {
    if (order.instrument_codes.empty()) continue;
    any = true;
    std::vector<Measurement> measurements = measure(catalog_, profile_, model_, specimen.patient,
                                                    specimen.sample, order.instrument_codes);
    std::vector<std::string> message =
        result_message(profile_, specimen.accession_number, order.patient_id, measurements,
                       wall_clock(), serum_indices(profile_, specimen.sample));
    add(MessageKind::kResults, specimen.accession_number, std::move(message),
        std::move(measurements));
    ++result_messages_built_;
    if (options_.qc_every > 0 &&
        result_messages_built_ % static_cast<std::uint64_t>(options_.qc_every) == 0) {
      std::vector<std::string> codes;
      for (const auto& [code, mapping] : profile_.codes) codes.push_back(code);
      ++controls_built_;
      std::vector<Measurement> control =
          measure(catalog_, profile_, model_, control_material(), controls_built_, codes);
      // An analyzer reports a control material under the same sample id every run, which the
      // lab registers for it (aliquot qc sample-id set).
      const std::string control_id = "QC-" + profile_.id + "-1";
      std::vector<std::string> qc =
          quality_control_message(profile_, control_id, control, wall_clock());
      add(MessageKind::kQualityControl, control_id, std::move(qc), std::move(control));
    }
  }
  if (any) {
    ++counters_.specimens_with_orders;
  } else {
    ++counters_.specimens_without_orders;
  }
  return ok();
}

void Lane::on_answer_lost() {
  if (!awaiting_answer_ || !querying_) return;
  awaiting_answer_ = false;
  to_query_.push_front(*querying_);
  querying_.reset();
}

void Lane::on_connection_lost() {
  on_answer_lost();
  for (auto& [key, tracked] : messages_) tracked.stage = Stage::kQueued;
}

void Lane::abandon() {
  for (auto& [key, tracked] : messages_) give_up(tracked);
  messages_.clear();
  if (querying_) {
    ++counters_.specimens_not_run;
    querying_.reset();
  }
  awaiting_answer_ = false;
  counters_.specimens_not_run += to_query_.size();
  to_query_.clear();
  // The rounds not begun are not run either.
  for (; round_ < options_.rounds; ++round_) counters_.specimens_not_run += rack_.size();
}

bool Lane::finished() const {
  return messages_.empty() && !querying_ && to_query_.empty() &&
         (round_ >= options_.rounds || rack_.empty());
}

}  // namespace aliquot::simulate
