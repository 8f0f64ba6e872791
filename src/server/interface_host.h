#pragma once

// The interfaces of one server process: an MLLP listener for HL7 v2 and an ASTM listener (TCP,
// and serial ports) for instruments, both feeding the one ingest pipeline (ARCHITECTURE
// decisions 1 and 2). Network work runs on an io_context of its own threads; the pipeline's
// writer thread applies and commits; acknowledgements go back only after the commit:
//   HL7:  the ACK is written when the job is done: AA/AE after the commit (an AE'd message is
//         durably quarantined), AR when nothing could be stored (the sender sends again);
//   ASTM: the frame that completed the message is ACKed after the commit; when the commit
//         failed it is never ACKed, the instrument times out and sends the message again.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "astm/link.h"
#include "core/error.h"
#include "core/time.h"
#include "ingest/instrument_profile.h"
#include "ingest/pipeline.h"
#include "lab/lab_configuration.h"
#include "server/http/access_log.h"
#include "server/http/router.h"
#include "server/latency_histogram.h"
#include "store/store.h"

namespace aliquot::server {

struct Listen {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the system picks one
};

struct SerialLine {
  std::string device;  // "/dev/ttyS0"
  unsigned baud = 9600;
};

struct InterfaceHostOptions {
  std::optional<Listen> mllp;
  std::optional<Listen> astm;
  std::vector<SerialLine> serial;
  std::size_t max_message_size = std::size_t{1} << 20;  // MLLP; larger messages get AR
  astm::LinkOptions link;
  int io_threads = 1;
  ingest::PipelineOptions pipeline;
  std::string default_hl7_account = "if.hl7";
  // The HTTP API (server/http/) on the same io_context: GET /healthz and GET /metrics, then the
  // routes `http_routes` adds. Routes that need a user ask `authenticate`; until authentication
  // is configured nobody is recognised and they answer 401.
  std::optional<Listen> http;
  std::size_t http_body_limit = std::size_t{1} << 20;  // larger request bodies get 413
  std::chrono::milliseconds http_request_timeout = std::chrono::seconds(30);
  http::Authenticate authenticate = http::no_user();
  std::function<Result<void>(http::Router&)> http_routes;
  http::AccessLog http_access_log;  // one entry per request answered; none when not set
  // More metrics for GET /metrics (text exposition format), asked at each scrape: the lab's
  // results held and released, the queues of the API's helpers.
  std::function<std::string()> metrics_exposition;
};

struct InterfaceCounters {
  std::uint64_t hl7_messages = 0;
  std::uint64_t astm_messages = 0;
  std::uint64_t acknowledged = 0;  // applied (or duplicates) and told so
  std::uint64_t refused = 0;       // quarantined and told so
  std::uint64_t not_stored = 0;    // the store failed: not acknowledged as stored
  // From the last byte of a message received to its acknowledgement handed to the connection
  // (HL7: the ACK message; ASTM: the ACK of the final frame), for messages stored and answered.
  LatencySummary hl7_ack_latency;
  LatencySummary astm_ack_latency;
  ingest::PipelineStats pipeline;
};

// Each message is read and applied under the lab configuration in force when it arrived
// (lab/lab_configuration.h): catalog, rules, QC policy and personnel requirements; one that
// arrives after a new version is put in force is judged by the new one. The host asks the
// configuration to accept only catalogs its instrument profiles still map to.
class InterfaceHost {
 public:
  // `configuration` must outlive the host.
  InterfaceHost(store::Store& store, lab::ConfigurationInForce& configuration,
                ingest::InstrumentProfiles profiles, const core::Clock& clock,
                InterfaceHostOptions options);
  ~InterfaceHost();  // stop()
  InterfaceHost(const InterfaceHost&) = delete;
  InterfaceHost& operator=(const InterfaceHost&) = delete;

  // Creates the interface accounts that are missing, then starts the pipeline and listeners.
  Result<void> start();

  // Stops accepting, applies and answers what was received, then ends the threads.
  void stop();

  std::uint16_t mllp_port() const;
  std::uint16_t astm_port() const;
  std::uint16_t http_port() const;
  InterfaceCounters counters() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aliquot::server
