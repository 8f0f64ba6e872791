#pragma once

// The record of who read which patient's data (ARCHITECTURE decision 9), written in batches: a
// read must not wait for a write transaction of its own, or every view of the bench would queue
// behind the analyzers' results for the database's one writer. record() queues in memory; a
// thread writes what is queued in one transaction every `interval`, and stop() writes the rest.
// A crash can lose at most the last interval's entries; the reads themselves changed nothing.
//
// A read that repeats one already logged — the same person, patient and view, from the same
// address, within `coalesce` of it — is not logged again: a worklist refreshing every few
// seconds, or a bench with a hundred patients on it, would otherwise bury the log under copies
// of one fact. Who read which patient, how and when to the minute stays in the log; how often
// within that minute does not (it is counted, for /metrics). A zero `coalesce` logs every read.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/patient_data_read.h"
#include "store/store.h"

namespace aliquot::server::api {

using core::PatientDataRead;

class PatientReadLog {
 public:
  explicit PatientReadLog(store::Store& store,
                          std::chrono::milliseconds interval = std::chrono::milliseconds(200),
                          std::chrono::milliseconds coalesce = std::chrono::minutes(1));
  ~PatientReadLog();  // stop()
  PatientReadLog(const PatientReadLog&) = delete;
  PatientReadLog& operator=(const PatientReadLog&) = delete;

  // Thread-safe; never blocks on the database.
  void record(PatientDataRead read);

  // Writes everything queued so far in one transaction. On failure the entries stay queued and
  // the next flush tries again.
  Result<void> flush();

  void start();
  void stop();  // writes what is queued, then ends the thread

  std::uint64_t written() const;    // entries written since start, for /metrics and tests
  std::size_t queued() const;       // entries waiting for the next flush
  std::uint64_t coalesced() const;  // reads not logged since start: repeats of a logged one

 private:
  void run(std::stop_token stop);

  store::Store& store_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::vector<PatientDataRead> queued_;
  std::uint64_t written_ = 0;
  std::chrono::milliseconds coalesce_;
  // When each (user, patient, view, address) was last logged, for coalescing; entries older than
  // `coalesce_` are dropped as the log is flushed.
  std::unordered_map<std::string, core::Instant> last_logged_;
  std::uint64_t coalesced_ = 0;
  std::mutex flush_mutex_;  // one flush at a time keeps the entries in order
  std::jthread thread_;
};

}  // namespace aliquot::server::api
