#pragma once

// A simulated analyzer on the instrument side of ASTM over TCP (LIS01-A2 / LIS02-A2), for demos,
// tests and load: it connects to a host's ASTM listener, asks the host what to run on each
// specimen of its rack, and reports realistic values for the tests ordered
// (simulate/value_model.h). The exchange and its rules are those of simulate/analyzer_lane.h;
// this is the driver that runs lanes on real connections.
//
// Load: `connections` links run at once, the rack split between them round-robin. Each link has
// a thread of its own that drives its Lane; the links share one io_context.
//
// Acknowledgement and recovery (ARCHITECTURE decision 1): a message counts as stored only when
// the host acknowledged its final frame (the link's SendCallback reports it delivered). When a
// connection is lost or refused the analyzer connects again after a short backoff (doubling up
// to a maximum) and sends again every message not acknowledged, unchanged; it gives up when no
// connection could be made for `give_up_after`. A message the link gave up on while connected
// (no reply, frames refused) is sent again after `retry_delay`.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "astm/link.h"
#include "catalog/catalog.h"
#include "core/error.h"
#include "core/time.h"
#include "ingest/instrument_profile.h"
#include "simulate/analyzer_lane.h"

namespace aliquot::simulate {

// A result or quality control message the host acknowledged.
struct DeliveredMessage {
  int connection = 0;  // 1-based number of the link that sent it
  MessageKind kind = MessageKind::kResults;
  std::string specimen_id;  // accession number, or the control's id
  std::vector<Measurement> measurements;
  int attempts = 1;  // times it was sent
  // From handing the message to the link (its last attempt) to the acknowledgement of its final
  // frame: the line's establishment, every frame's round trip, and the host's commit.
  std::chrono::microseconds latency{0};
};

// A message handed to a link.
struct SentMessage {
  int connection = 0;  // 1-based number of the link
  MessageKind kind = MessageKind::kQuery;
  std::string specimen_id;
  int attempt = 1;
};

struct AnalyzerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int connections = 1;
  LaneOptions lane;
  astm::LinkOptions link;
  // The wait before connecting again after a connection was lost or refused; doubled after each
  // refusal up to max_reconnect_delay.
  std::chrono::milliseconds reconnect_delay{100};
  std::chrono::milliseconds max_reconnect_delay{1'000};
  // Everything not acknowledged is given up when no connection could be made for this long.
  std::chrono::milliseconds give_up_after{30'000};
  // A message the link gave up on while connected is sent again after this.
  std::chrono::milliseconds retry_delay{100};
  // A delivered query whose answer has not come after this is asked again.
  std::chrono::milliseconds answer_timeout{30'000};
  int io_threads = 1;
  std::uint64_t seed = 1;  // of the value model
  // Called for every acknowledged result and quality control message, one call at a time, from
  // the links' threads. Must not throw.
  std::function<void(const DeliveredMessage&)> on_delivered;
  // Called when a message is handed to a link (each attempt), before its first byte is written,
  // one call at a time, from the links' threads: for tracing, and for tests that must act while a
  // message is certainly not yet acknowledged. Must not throw.
  std::function<void(const SentMessage&)> on_sent;
  // Called for what is worth logging (connection lost, connected again, given up, unreadable
  // answers), one call at a time, from the links' threads. Must not throw.
  std::function<void(const std::string&)> on_event;
};

struct AnalyzerReport {
  int connections = 0;
  std::uint64_t specimens = 0;  // on the rack, each round counted once
  LaneCounters totals;          // summed over the links
  std::uint64_t connects = 0;   // connections made, the first ones included
  std::uint64_t connections_lost = 0;
  double elapsed_seconds = 0;
  // Latency of every delivered result message (DeliveredMessage::latency), in delivery order.
  std::vector<std::chrono::microseconds> result_latencies;

  double results_per_second() const;
  // The p-th percentile (0..100) of result_latencies in milliseconds; 0 when there are none.
  double latency_percentile_ms(double p) const;
};

// Runs the rack to the end (every specimen queried and its results acknowledged, or given up) and
// reports. `catalog`, `profile` and `clock` are used from several threads; the clock stamps the
// messages (H-14, R-13) and must be safe to read concurrently. InvalidArgument when the profile
// is not an ASTM profile or `connections` is below 1.
Result<AnalyzerReport> run_analyzer(const catalog::Catalog& catalog,
                                    const ingest::InstrumentProfile& profile,
                                    const core::Clock& clock, std::vector<RackSpecimen> rack,
                                    const AnalyzerOptions& options);

}  // namespace aliquot::simulate
