#include "ingest/pipeline.h"

#include <utility>
#include <vector>

namespace aliquot::ingest {

bool is_store_failure(const Error& error) {
  return error.code() == ErrorCode::kInternal || error.code() == ErrorCode::kUnavailable ||
         error.code() == ErrorCode::kDataLoss;
}

Pipeline::Pipeline(store::Store& store, PipelineOptions options)
    : store_(store), options_(options), writer_([this] { run(); }) {}

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
}

PipelineStats Pipeline::stats() const {
  std::lock_guard lock(mutex_);
  PipelineStats stats = stats_;
  stats.queued = queue_.size();
  return stats;
}

void Pipeline::run() {
  std::deque<Job> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued was applied
      // Everything that queued up while the last batch was committing goes in this one.
      const std::size_t take = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    apply_batch(batch);
    batch.clear();
  }
}

void Pipeline::apply_batch(std::deque<Job>& batch) {
  std::vector<Result<std::string>> applied;
  applied.reserve(batch.size());
  std::uint64_t refused = 0;
  auto fail_all = [&](const Error& error) {
    const JobOutcome outcome{false, error};
    for (Job& job : batch) {
      if (job.on_done) job.on_done(outcome);
    }
    std::lock_guard lock(mutex_);
    stats_.jobs += batch.size();
    ++stats_.batches;
    ++stats_.failed_batches;
  };

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
  if (Result<void> committed = tx.commit(); !committed.has_value()) {
    return fail_all(committed.error());
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].on_done) batch[i].on_done(JobOutcome{true, std::move(applied[i])});
  }
  std::lock_guard lock(mutex_);
  stats_.jobs += batch.size();
  stats_.refused += refused;
  ++stats_.batches;
}

}  // namespace aliquot::ingest
