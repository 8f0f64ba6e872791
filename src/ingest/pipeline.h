#pragma once

// The one write path of every listener (ARCHITECTURE decisions 1 and 2): messages from all
// connections queue here, and a single writer thread applies them in batches — every message
// that arrived while the previous batch was being committed goes into the next transaction, so
// one fsync covers many messages without any message waiting for a timer. A batch is applied
// first as it comes, in one transaction; when a message of it is refused, that transaction is
// rolled back and the batch applied again with each message in its own savepoint, so that the
// refused one is undone alone and quarantined in the same transaction and the others are kept.
//
// The disk is the slow part of a commit (a sync takes milliseconds, applying a message tens of
// microseconds), so the writer does not wait for it: it commits a batch to the log
// (Transaction::commit_before_sync) and goes on with the next batch while a second thread, the
// syncer, makes the log durable (Store::sync) and only then tells the batch's jobs their outcome.
// An acknowledgement is therefore never sent for anything that is not durable, and one sync
// covers every batch committed while the previous sync ran.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace aliquot::ingest {

// How one job ended, told after the batch's commit.
struct JobOutcome {
  // The job's changes (or its quarantine record) are committed and on disk. False when the
  // commit or the sync failed: the job may not be stored, and the sender must not be told
  // otherwise (a message applied but not synced is recognised as a duplicate when sent again).
  bool durable = false;
  // The job's own result: its summary when applied, the refusal otherwise.
  Result<std::string> applied = std::string();
};

// One message to apply. `apply` runs on the writer thread inside the batch's transaction; an error
// undoes it. An error of the store itself (Internal, Unavailable, DataLoss) aborts the whole
// batch; any other error is a refusal, after which `on_refused` runs (outside the undone
// savepoint, in the same transaction) to keep the message in the quarantine. `apply` may run
// twice: when another job of its batch is refused, the batch's transaction is rolled back and
// every job applied again, each in a savepoint of its own. It must therefore change nothing but
// the transaction and what it sets afresh each time it starts. `on_done` is
// called once, on the syncer thread, after the commit is durable (or failed), in the order the
// jobs were applied; it must be quick (hand the acknowledgement to the connection) and must not
// throw.
struct Job {
  std::function<Result<std::string>(store::Transaction&)> apply;
  std::function<Result<void>(store::Transaction&, const Error&)> on_refused;
  std::function<void(const JobOutcome&)> on_done;
};

struct PipelineOptions {
  std::size_t max_batch = 4096;   // jobs per transaction at most
  std::size_t max_queue = 65536;  // submit() refuses beyond this (back-pressure)
  // Between batches, when no job waits, the writer does the store's deferred work
  // (Store::index_audit_trail) this many entries at a time, so that a job arriving meanwhile
  // waits for one short chunk at most; less than a chunk only after deferred_idle without jobs.
  std::int64_t deferred_chunk = 512;
  std::chrono::milliseconds deferred_idle{200};
};

struct PipelineStats {
  std::uint64_t jobs = 0;
  std::uint64_t refused = 0;
  std::uint64_t batches = 0;
  std::uint64_t failed_batches = 0;
  // Batches applied a second time, each job in a savepoint, because one of their jobs was refused.
  std::uint64_t reapplied_batches = 0;
  std::uint64_t syncs = 0;  // one sync may make several batches durable
  // Time the writer spent applying and committing batches (not waiting for jobs): near the
  // elapsed time, the writer is saturated and every message waits behind the ones before it.
  std::chrono::nanoseconds writer_busy{0};
  // The processor time the writer thread used in that time: less than writer_busy by the time
  // the thread waited for the disk or for a core.
  std::chrono::nanoseconds writer_cpu{0};
  std::size_t queued = 0;
  // Audit entries whose lookups the writer brought up to date between batches, and the times that
  // failed (the lookups then wait for the next try; nothing is lost).
  std::uint64_t audit_entries_indexed = 0;
  std::uint64_t deferred_work_failures = 0;
  std::chrono::nanoseconds deferred_cpu{0};  // the part of writer_cpu spent on it
};

class Pipeline {
 public:
  Pipeline(store::Store& store, PipelineOptions options = {});
  ~Pipeline();  // stop()
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Queues a job; thread-safe. Unavailable when stopped or the queue is full: the caller answers
  // the sender with a temporary error (it will resend).
  Result<void> submit(Job job);

  // Applies what is queued, then ends the writer thread. Jobs submitted later are refused.
  void stop();

  PipelineStats stats() const;

 private:
  // A batch committed (or failed) and waiting for the syncer to tell its jobs.
  struct Committed {
    std::deque<Job> jobs;
    std::vector<JobOutcome> outcomes;  // durable=false: failed, told without waiting for a sync
    bool needs_sync = false;
  };

  void run();
  void apply_batch(std::deque<Job>& batch);
  // One chunk of the store's deferred work, if at least `min_entries` wait; true when a full
  // chunk was done, so that more may be waiting.
  bool do_deferred_work(std::int64_t min_entries);
  void hand_to_syncer(Committed committed);
  void run_syncer();

  store::Store& store_;
  PipelineOptions options_;
  mutable std::mutex mutex_;  // guards the members below
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  PipelineStats stats_;
  std::condition_variable committed_;
  std::deque<Committed> to_sync_;
  bool writer_done_ = false;
  std::thread syncer_;
  std::thread writer_;  // last: starts once everything above exists
};

// Whether an error comes from the store itself rather than from the message.
bool is_store_failure(const Error& error);

}  // namespace aliquot::ingest
