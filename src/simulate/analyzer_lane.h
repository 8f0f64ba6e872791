#pragma once

// The work of one simulated analyzer link (a "lane"), as a sans-IO state machine: which specimens
// are on its rack, which message to hand to the link next, and what has been acknowledged. The
// driver (simulate/analyzer.h) performs the sending on an astm::io::LinkConnection and feeds the
// outcomes back; tests drive a Lane with explicit events.
//
// The exchange, per specimen (interfaces.md, host query):
//   1. the analyzer sends H-Q-L for the specimen;
//   2. the host answers H-P-O-L with the tests to run (O-26 = Q);
//   3. the analyzer measures them and sends H-P-O-R...-L.
// Every `qc_every` result messages a quality control message follows (O-12 = Q).
//
// Nothing is sent while a query's answer is awaited: the host sends its answer as soon as the
// line is idle, and a message of ours at that moment would contend for the line (LIS01-A2 6.2:
// the instrument wins and the host waits 20 s before trying again). So the results of one
// specimen and the query for the next go out together, right after an answer arrives.
//
// Acknowledgement (ARCHITECTURE decision 1): a message counts as stored only when its final frame
// was acknowledged (on_delivered). A message handed to a link that failed or closed is sent again,
// byte for byte the same, so that the host recognizes one it had already committed (ingest is
// idempotent by message content). A query whose answer was lost is asked again.
//
// Not thread-safe: one thread drives a Lane.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/error.h"
#include "core/time.h"
#include "core/time_zone.h"
#include "ingest/instrument_profile.h"
#include "simulate/analyzer_records.h"
#include "simulate/value_model.h"

namespace aliquot::simulate {

// A specimen on the analyzer's rack, with what the value model needs to measure it.
struct RackSpecimen {
  std::string accession_number;
  PatientProfile patient;
  std::uint64_t sample = 0;  // distinguishes specimens of the same patient
};

enum class MessageKind { kQuery, kResults, kQualityControl };

// One message the lane sends, with what it carries.
struct LaneMessage {
  std::uint64_t key = 0;  // unique in the lane
  MessageKind kind = MessageKind::kQuery;
  std::string specimen_id;  // the accession number, or the control's id
  std::vector<std::string> records;
  std::vector<Measurement> measurements;  // results and quality control
  int attempts = 0;                       // times handed to a link
};

struct LaneOptions {
  int rounds = 1;    // passes over the rack
  int qc_every = 0;  // a quality control message after every N result messages; 0 never
  // A message handed to a link this many times without being acknowledged is given up; a
  // specimen asked about this many times in a round without an answer is not run.
  int max_attempts = 8;
  // The zone the analyzer's clock is set to: the times it writes (H-14, R-13) are that wall
  // clock, without an offset. A real analyzer's clock shows the lab's local time.
  core::TimeZone clock_zone = core::TimeZone::utc();
  // Control samples the analyzer measured in earlier runs: the lane's first quality control
  // message measures sample controls_before + 1 of the material, so that the runs of an analyzer
  // driven rack after rack scatter as a control does from run to run instead of repeating.
  std::uint64_t controls_before = 0;
};

// The control material the lane measures in its quality control messages, as the value model
// sees it: the same material in every run, assayed like an adult's serum.
PatientProfile control_material();

struct LaneCounters {
  std::uint64_t queries_answered = 0;
  std::uint64_t specimens_with_orders = 0;
  std::uint64_t specimens_without_orders = 0;  // the host ordered nothing for this analyzer
  std::uint64_t result_messages_delivered = 0;
  std::uint64_t results_delivered = 0;  // values (R-9 F) in delivered result messages
  std::uint64_t qc_messages_delivered = 0;
  std::uint64_t messages_resent = 0;  // delivered or not, sent more than once
  std::uint64_t results_resent = 0;   // values in result messages sent more than once
  std::uint64_t messages_failed = 0;  // given up
  std::uint64_t results_failed = 0;   // values in result messages given up
  std::uint64_t specimens_not_run = 0;
  std::uint64_t answers_ignored = 0;  // an answer not matching the query awaited
};

class Lane {
 public:
  // `catalog`, `profile`, `model` and `clock` must outlive the lane; the clock stamps H-14 and
  // R-13 when a message is built.
  Lane(const catalog::Catalog& catalog, const ingest::InstrumentProfile& profile,
       const ValueModel& model, const core::Clock& clock, LaneOptions options,
       std::vector<RackSpecimen> rack);

  // The messages to hand to the link now, in order (each counted as one more attempt). Empty
  // while a query's answer is awaited or messages are in flight that must go first.
  std::vector<LaneMessage> take_sendable();

  // The link acknowledged the final frame of message `key`: the returned message is stored at
  // the host. std::nullopt for a key not in flight (an outcome already handled).
  std::optional<LaneMessage> on_delivered(std::uint64_t key);

  // The link gave message `key` up (no reply, refused frames): it is sent again later, or given
  // up after max_attempts. A query whose delivery failed is asked again.
  void on_failed(std::uint64_t key);

  // The host's answer (records without CR) to the query awaited. Ignored (counted) when no query
  // is awaited or it names another specimen; InvalidArgument when it cannot be read.
  Result<void> on_answer(const std::vector<std::string>& records);

  // The connection closed: every message in flight is sent again on the next one, and a query
  // whose answer did not come is asked again.
  void on_connection_lost();

  // The answer to a delivered query did not come in time: it is asked again.
  void on_answer_lost();

  // No connection can be made any more: everything not acknowledged is given up.
  void abandon();

  // Nothing left to send or await.
  bool finished() const;
  // A delivered query awaits its answer.
  bool awaiting_answer() const { return awaiting_answer_; }
  const LaneCounters& counters() const { return counters_; }

 private:
  // What the analyzer's clock reads now.
  core::LocalTime wall_clock() const { return options_.clock_zone.to_local(clock_.now()); }
  enum class Stage { kQueued, kInFlight };
  struct Tracked {
    LaneMessage message;
    Stage stage = Stage::kQueued;
  };

  std::uint64_t add(MessageKind kind, std::string specimen_id, std::vector<std::string> records,
                    std::vector<Measurement> measurements);
  void give_up(Tracked& tracked);
  void next_query_if_idle();
  static std::uint64_t final_values(const std::vector<Measurement>& measurements);

  const catalog::Catalog& catalog_;
  const ingest::InstrumentProfile& profile_;
  const ValueModel& model_;
  const core::Clock& clock_;
  LaneOptions options_;
  std::vector<RackSpecimen> rack_;

  std::deque<std::size_t> to_query_;  // indices into rack_
  std::vector<int> queries_asked_;    // by index into rack_, in this round
  int round_ = 1;
  // The query being asked: its specimen, and whether it was delivered (the answer is awaited).
  std::optional<std::size_t> querying_;
  std::uint64_t query_key_ = 0;
  bool awaiting_answer_ = false;

  std::map<std::uint64_t, Tracked> messages_;  // not yet delivered nor given up, by key
  std::uint64_t next_key_ = 1;
  std::uint64_t result_messages_built_ = 0;
  std::uint64_t controls_built_ = 0;
  LaneCounters counters_;
};

}  // namespace aliquot::simulate
