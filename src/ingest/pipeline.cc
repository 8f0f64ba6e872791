#include "ingest/pipeline.h"

#include <time.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/thread_name.h"

namespace aliquot::ingest {

namespace {

std::chrono::nanoseconds thread_cpu_time() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

}  // namespace

bool is_store_failure(const Error& error) {
  return error.code() == ErrorCode::kInternal || error.code() == ErrorCode::kUnavailable ||
         error.code() == ErrorCode::kDataLoss;
}

Pipeline::Pipeline(store::Store& store, PipelineOptions options)
    : store_(store),
      options_(options),
      syncer_([this] {
        core::name_this_thread("ingest-syncer");
        run_syncer();
      }),
      writer_([this] {
        core::name_this_thread("ingest-writer");
        run();
      }) {}

Pipeline::~Pipeline() { stop(); }

Result<void> Pipeline::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return unavailable("the ingest pipeline is stopping; send again later");
    if (queue_.size() >= options_.max_queue) {
      return unavailable("the ingest queue is full (" + std::to_string(queue_.size()) +
                         " messages); send again later");
    }
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return ok();
}

void Pipeline::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(mutex_);
    writer_done_ = true;
  }
  committed_.notify_one();
  if (syncer_.joinable()) syncer_.join();
}

PipelineStats Pipeline::stats() const {
  std::lock_guard lock(mutex_);
  PipelineStats stats = stats_;
  stats.queued = queue_.size();
  return stats;
}

void Pipeline::run() {
  std::deque<Job> batch;
  // Whether the store may have deferred work (Store::index_audit_trail) since the last batch.
  // Full chunks are done between batches whenever no job waits; a smaller remainder only once no
  // job has come for deferred_idle, because a few entries cost nearly as much as a chunk.
  bool deferred_work = false;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      const auto ready = [this] { return stopping_ || !queue_.empty(); };
      if (deferred_work && !ready()) {
        lock.unlock();
        if (do_deferred_work(options_.deferred_chunk)) continue;
        lock.lock();
        if (!wake_.wait_for(lock, options_.deferred_idle, ready)) {
          lock.unlock();
          deferred_work = do_deferred_work(1);
          continue;
        }
      } else {
        wake_.wait(lock, ready);
      }
      if (queue_.empty()) return;  // stopping, and everything queued was applied
      // Everything that queued up while the last batch was committing goes in this one.
      const std::size_t take = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const auto started = std::chrono::steady_clock::now();
    const std::chrono::nanoseconds cpu_before = thread_cpu_time();
    apply_batch(batch);
    batch.clear();
    const std::chrono::nanoseconds cpu = thread_cpu_time() - cpu_before;
    const auto busy = std::chrono::steady_clock::now() - started;
    std::lock_guard lock(mutex_);
    stats_.writer_busy += busy;
    stats_.writer_cpu += cpu;
    deferred_work = true;
  }
}

bool Pipeline::do_deferred_work(std::int64_t min_entries) {
  const auto started = std::chrono::steady_clock::now();
  const std::chrono::nanoseconds cpu_before = thread_cpu_time();
  // A failure is not any message's: the lookups stay behind, searches still find every entry, and
  // a store that cannot write fails the next batch, which says so.
  const Result<std::int64_t> indexed =
      store_.index_audit_trail(min_entries, options_.deferred_chunk);
  const std::chrono::nanoseconds cpu = thread_cpu_time() - cpu_before;
  const auto busy = std::chrono::steady_clock::now() - started;
  std::lock_guard lock(mutex_);
  stats_.writer_busy += busy;
  stats_.writer_cpu += cpu;
  stats_.deferred_cpu += cpu;
  if (!indexed.has_value()) {
    ++stats_.deferred_work_failures;
    return false;
  }
  stats_.audit_entries_indexed += static_cast<std::uint64_t>(*indexed);
  return *indexed == options_.deferred_chunk;  // a full chunk: more may be waiting
}

void Pipeline::apply_batch(std::deque<Job>& batch) {
  std::uint64_t refused = 0;
  auto fail_all = [&](const Error& error) {
    {
      std::lock_guard lock(mutex_);
      stats_.jobs += batch.size();
      ++stats_.batches;
      ++stats_.failed_batches;
    }
    Committed failed;
    failed.outcomes.assign(batch.size(), JobOutcome{false, error});
    failed.jobs = std::move(batch);
    hand_to_syncer(std::move(failed));
  };
  auto commit = [&](store::Transaction& tx, std::vector<Result<std::string>>& applied) {
    if (Result<void> committed = tx.commit_before_sync(); !committed.has_value()) {
      return fail_all(committed.error());
    }
    {
      std::lock_guard lock(mutex_);
      stats_.jobs += batch.size();
      stats_.refused += refused;
      ++stats_.batches;
    }
    Committed done;
    done.needs_sync = true;
    done.outcomes.reserve(batch.size());
    for (Result<std::string>& result : applied) {
      done.outcomes.push_back(JobOutcome{true, std::move(result)});
    }
    done.jobs = std::move(batch);
    hand_to_syncer(std::move(done));
  };

  std::vector<Result<std::string>> applied;
  applied.reserve(batch.size());
  {
    // First every job in the one transaction, without savepoints: opening one per job costs more
    // than a tenth of applying a result (SQLite copies each page the job changes into the
    // savepoint's journal first), and nearly every batch has no refused message.
    Result<std::unique_ptr<store::Transaction>> begun =
        store_.begin(store::TransactionMode::kWrite);
    if (!begun.has_value()) return fail_all(begun.error());
    store::Transaction& tx = **begun;
    bool all_applied = true;
    for (Job& job : batch) {
      Result<std::string> result = job.apply(tx);
      if (!result.has_value()) {
        if (is_store_failure(result.error())) return fail_all(result.error());
        all_applied = false;
        break;
      }
      applied.push_back(std::move(result));
    }
    if (all_applied) return commit(tx, applied);
  }  // a job was refused: the transaction is rolled back, and the batch applied again below

  applied.clear();
  {
    std::lock_guard lock(mutex_);
    ++stats_.reapplied_batches;
  }
  Result<std::unique_ptr<store::Transaction>> begun = store_.begin(store::TransactionMode::kWrite);
  if (!begun.has_value()) return fail_all(begun.error());
  store::Transaction& tx = **begun;
  for (Job& job : batch) {
    if (Result<void> opened = tx.savepoint("job"); !opened.has_value()) {
      return fail_all(opened.error());
    }
    Result<std::string> result = job.apply(tx);
    if (result.has_value()) {
      if (Result<void> released = tx.release_savepoint("job"); !released.has_value()) {
        return fail_all(released.error());
      }
    } else {
      if (is_store_failure(result.error())) return fail_all(result.error());
      Result<void> undone = tx.rollback_to_savepoint("job");
      if (undone.has_value()) undone = tx.release_savepoint("job");
      if (!undone.has_value()) return fail_all(undone.error());
      ++refused;
      if (job.on_refused) {
        if (Result<void> kept = job.on_refused(tx, result.error()); !kept.has_value()) {
          return fail_all(kept.error());
        }
      }
    }
    applied.push_back(std::move(result));
  }
  commit(tx, applied);
}

void Pipeline::hand_to_syncer(Committed committed) {
  {
    std::lock_guard lock(mutex_);
    to_sync_.push_back(std::move(committed));
  }
  committed_.notify_one();
}

void Pipeline::run_syncer() {
  std::deque<Committed> taken;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      committed_.wait(lock, [this] { return writer_done_ || !to_sync_.empty(); });
      if (to_sync_.empty()) return;  // the writer has ended and everything was told
      taken.swap(to_sync_);
    }
    // One sync for every batch committed since the last one began.
    const bool needs_sync =
        std::any_of(taken.begin(), taken.end(), [](const Committed& c) { return c.needs_sync; });
    Result<void> synced = ok();
    if (needs_sync) {
      synced = store_.sync();
      std::lock_guard lock(mutex_);
      ++stats_.syncs;
      if (!synced.has_value()) {
        stats_.failed_batches += static_cast<std::uint64_t>(std::count_if(
            taken.begin(), taken.end(), [](const Committed& c) { return c.needs_sync; }));
      }
    }
    for (Committed& committed : taken) {
      for (std::size_t i = 0; i < committed.jobs.size(); ++i) {
        Job& job = committed.jobs[i];
        if (!job.on_done) continue;
        if (committed.needs_sync && !synced.has_value()) {
          job.on_done(JobOutcome{false, synced.error()});
        } else {
          job.on_done(committed.outcomes[i]);
        }
      }
    }
    taken.clear();
  }
}

}  // namespace aliquot::ingest
