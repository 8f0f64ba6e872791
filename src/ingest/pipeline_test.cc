#include "ingest/pipeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "lab/lab_test_fixture.h"

namespace aliquot::ingest {
namespace {

// The lab's store, with a sync() that waits for the test to let it through (or fails).
class GatedSyncStore : public store::Store {
 public:
  explicit GatedSyncStore(store::Store& inner) : inner_(inner) {}
  Result<std::unique_ptr<store::Transaction>> begin(store::TransactionMode mode) override {
    return inner_.begin(mode);
  }
  int schema_version() const override { return inner_.schema_version(); }
  Result<void> sync() override {
    std::unique_lock lock(mutex_);
    ++syncs_entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return syncs_allowed_ >= syncs_entered_; });
    if (failure_) return *failure_;
    return inner_.sync();
  }
  void wait_for_sync(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return syncs_entered_ >= count; });
  }
  void allow_syncs(int count, std::optional<Error> failure = std::nullopt) {
    std::lock_guard lock(mutex_);
    syncs_allowed_ = count;
    failure_ = std::move(failure);
    changed_.notify_all();
  }

 private:
  store::Store& inner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int syncs_entered_ = 0;
  int syncs_allowed_ = 0;
  std::optional<Error> failure_;
};

// The lab's store, recording the least number of entries each call of index_audit_trail asked
// for, and what it indexed.
class IndexRecordingStore : public store::Store {
 public:
  explicit IndexRecordingStore(store::Store& inner) : inner_(inner) {}
  Result<std::unique_ptr<store::Transaction>> begin(store::TransactionMode mode) override {
    return inner_.begin(mode);
  }
  int schema_version() const override { return inner_.schema_version(); }
  Result<void> sync() override { return inner_.sync(); }
  Result<std::int64_t> index_audit_trail(std::int64_t min_entries,
                                         std::int64_t max_entries) override {
    Result<std::int64_t> indexed = inner_.index_audit_trail(min_entries, max_entries);
    std::lock_guard lock(mutex_);
    calls_.push_back({min_entries, indexed.has_value() ? *indexed : -1});
    return indexed;
  }
  struct Call {
    std::int64_t min_entries;
    std::int64_t indexed;
  };
  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  store::Store& inner_;
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
};

class PipelineTest : public lab::LabTest {
 protected:
  // A job that stores setting `key` = "1", or is refused with `refusal` after writing it.
  // `applied`, when given, counts the calls of apply.
  Job setting_job(const std::string& key, std::optional<Error> refusal,
                  std::promise<JobOutcome>& done, std::vector<std::string>* quarantined = nullptr,
                  int* applied = nullptr) {
    Job job;
    job.apply = [key, refusal, applied](store::Transaction& tx) -> Result<std::string> {
      if (applied) ++*applied;
      ALIQUOT_RETURN_IF_ERROR(tx.set_setting(key, "1"));
      if (refusal) return *refusal;
      return "stored " + key;
    };
    job.on_refused = [key, quarantined](store::Transaction& tx, const Error&) -> Result<void> {
      if (quarantined) quarantined->push_back(key);
      return tx.set_setting("refused." + key, "1");
    };
    job.on_done = [&done](const JobOutcome& outcome) { done.set_value(outcome); };
    return job;
  }
  // A job that holds the writer until `gate` opens, so that the jobs submitted meanwhile queue
  // up and form the next batch.
  Job holding_job(std::shared_future<void> gate, std::promise<void>& started,
                  std::promise<JobOutcome>& done) {
    Job job;
    job.apply = [gate, &started](store::Transaction&) -> Result<std::string> {
      started.set_value();
      gate.wait();
      return std::string("held");
    };
    job.on_done = [&done](const JobOutcome& outcome) { done.set_value(outcome); };
    return job;
  }
  // A job that appends `count` audit entries after the trail's last.
  static Job audit_job(int count, std::promise<JobOutcome>& done) {
    Job job;
    job.apply = [count](store::Transaction& tx) -> Result<std::string> {
      ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::AuditHead> last, tx.last_audit_link());
      std::int64_t sequence = last ? last->sequence : 0;
      std::string previous = last ? last->hash : "";
      for (int i = 0; i < count; ++i) {
        core::AuditEntry entry;
        entry.sequence = ++sequence;
        entry.actor = "tech1";
        entry.action = "result.enter";
        entry.entity_type = "result";
        entry.entity_key = "260000042H/K";
        entry.test_code = "K";
        entry.previous_hash = previous;
        entry.hash = previous = "hash" + std::to_string(sequence);
        ALIQUOT_RETURN_IF_ERROR(tx.append_audit_entry(entry));
      }
      return "appended";
    };
    job.on_done = [&done](const JobOutcome& outcome) { done.set_value(outcome); };
    return job;
  }
  bool has_setting(const std::string& key) {
    return read([&](store::Transaction& tx) { return lab::must(tx.get_setting(key)); }).has_value();
  }
};

TEST_F(PipelineTest, ARefusedJobIsUndoneAloneAndKeptWhileTheOthersCommit) {
  std::promise<JobOutcome> first, refused, last;
  std::vector<std::string> quarantined;
  {
    Pipeline pipeline(*store_);
    ASSERT_TRUE(pipeline.submit(setting_job("a", std::nullopt, first)));
    ASSERT_TRUE(pipeline.submit(
        setting_job("b", invalid_argument("OBX(2)-3: unknown"), refused, &quarantined)));
    ASSERT_TRUE(pipeline.submit(setting_job("c", std::nullopt, last)));
    pipeline.stop();
    EXPECT_EQ(pipeline.stats().jobs, 3u);
    EXPECT_EQ(pipeline.stats().refused, 1u);
  }
  const JobOutcome a = first.get_future().get();
  EXPECT_TRUE(a.durable);
  EXPECT_EQ(*a.applied, "stored a");
  const JobOutcome b = refused.get_future().get();
  EXPECT_TRUE(b.durable);  // its quarantine record is
  ASSERT_FALSE(b.applied.has_value());
  EXPECT_EQ(b.applied.error().message(), "OBX(2)-3: unknown");
  EXPECT_TRUE(last.get_future().get().durable);
  EXPECT_TRUE(has_setting("a"));
  EXPECT_FALSE(has_setting("b"));
  EXPECT_TRUE(has_setting("refused.b"));
  EXPECT_TRUE(has_setting("c"));
  EXPECT_EQ(quarantined, std::vector<std::string>{"b"});
}

TEST_F(PipelineTest, AStoreFailureFailsTheWholeBatchAndNothingIsAcknowledgedAsDurable) {
  std::promise<JobOutcome> first, broken, waited;
  std::promise<void> started, gate;
  Pipeline pipeline(*store_);
  // A first job holds the writer, so that the next two queue up and form one batch.
  ASSERT_TRUE(pipeline.submit(holding_job(gate.get_future().share(), started, waited)));
  started.get_future().wait();
  ASSERT_TRUE(pipeline.submit(setting_job("a", std::nullopt, first)));
  ASSERT_TRUE(
      pipeline.submit(setting_job("b", Error(ErrorCode::kInternal, "disk I/O error"), broken)));
  gate.set_value();
  EXPECT_TRUE(waited.get_future().get().durable);
  const JobOutcome outcome_a = first.get_future().get();
  const JobOutcome outcome_b = broken.get_future().get();
  EXPECT_FALSE(outcome_a.durable);
  EXPECT_FALSE(outcome_b.durable);
  EXPECT_EQ(outcome_b.applied.error().message(), "disk I/O error");
  pipeline.stop();
  EXPECT_FALSE(has_setting("a"));
  EXPECT_EQ(pipeline.stats().batches, 2u);
  EXPECT_EQ(pipeline.stats().failed_batches, 1u);
}

TEST_F(PipelineTest, AJobIsToldOnlyAfterTheSyncWhileTheNextBatchIsAppliedMeanwhile) {
  GatedSyncStore gated(*store_);
  std::promise<JobOutcome> first, second;
  std::future<JobOutcome> first_told = first.get_future();
  std::future<JobOutcome> second_told = second.get_future();
  Pipeline pipeline(gated);
  ASSERT_TRUE(pipeline.submit(setting_job("a", std::nullopt, first)));
  gated.wait_for_sync(1);
  // Committed (a new transaction sees it), not yet on disk as far as anyone was told.
  EXPECT_TRUE(has_setting("a"));
  EXPECT_EQ(first_told.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  // The writer does not wait for the disk: the next job is applied during the first sync.
  ASSERT_TRUE(pipeline.submit(setting_job("b", std::nullopt, second)));
  while (!has_setting("b")) std::this_thread::yield();
  EXPECT_EQ(second_told.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  gated.allow_syncs(2);
  EXPECT_TRUE(first_told.get().durable);
  EXPECT_TRUE(second_told.get().durable);
  pipeline.stop();
  EXPECT_EQ(pipeline.stats().batches, 2u);
  EXPECT_EQ(pipeline.stats().syncs, 2u);
}

TEST_F(PipelineTest, AFailedSyncTellsTheJobsTheyAreNotStored) {
  GatedSyncStore gated(*store_);
  gated.allow_syncs(1, Error(ErrorCode::kUnavailable, "syncing the write-ahead log failed"));
  std::promise<JobOutcome> done;
  Pipeline pipeline(gated);
  ASSERT_TRUE(pipeline.submit(setting_job("a", std::nullopt, done)));
  const JobOutcome outcome = done.get_future().get();
  EXPECT_FALSE(outcome.durable);
  ASSERT_FALSE(outcome.applied.has_value());
  EXPECT_EQ(outcome.applied.error().message(), "syncing the write-ahead log failed");
  pipeline.stop();
  EXPECT_EQ(pipeline.stats().failed_batches, 1u);
}

TEST_F(PipelineTest, RefusesWorkOnceStopped) {
  Pipeline pipeline(*store_);
  pipeline.stop();
  std::promise<JobOutcome> never;
  const Result<void> refused = pipeline.submit(setting_job("a", std::nullopt, never));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
}

TEST_F(PipelineTest, ABatchWithoutRefusalsAppliesEachJobOnce) {
  std::promise<JobOutcome> held, first, second;
  std::promise<void> started, gate;
  int applied_a = 0;
  int applied_b = 0;
  Pipeline pipeline(*store_);
  ASSERT_TRUE(pipeline.submit(holding_job(gate.get_future().share(), started, held)));
  started.get_future().wait();
  ASSERT_TRUE(pipeline.submit(setting_job("a", std::nullopt, first, nullptr, &applied_a)));
  ASSERT_TRUE(pipeline.submit(setting_job("b", std::nullopt, second, nullptr, &applied_b)));
  gate.set_value();
  EXPECT_TRUE(first.get_future().get().durable);
  EXPECT_TRUE(second.get_future().get().durable);
  pipeline.stop();
  EXPECT_EQ(applied_a, 1);
  EXPECT_EQ(applied_b, 1);
  EXPECT_EQ(pipeline.stats().batches, 2u);
  EXPECT_EQ(pipeline.stats().reapplied_batches, 0u);
  EXPECT_TRUE(has_setting("a"));
  EXPECT_TRUE(has_setting("b"));
}

// The first pass runs the jobs without savepoints; a refusal in it rolls the batch back and every
// job is applied again, each in a savepoint: what the first pass wrote is not kept twice, and the
// refused job's writes are not kept at all.
TEST_F(PipelineTest, ARefusalInABatchAppliesItAgainAndKeepsTheOthersOnce) {
  std::promise<JobOutcome> held, first, refused, last;
  std::promise<void> started, gate;
  std::vector<std::string> quarantined;
  int applied_a = 0;
  int applied_b = 0;
  int applied_c = 0;
  Pipeline pipeline(*store_);
  ASSERT_TRUE(pipeline.submit(holding_job(gate.get_future().share(), started, held)));
  started.get_future().wait();
  ASSERT_TRUE(pipeline.submit(setting_job("a", std::nullopt, first, nullptr, &applied_a)));
  ASSERT_TRUE(pipeline.submit(setting_job("b", invalid_argument("OBX(1)-5: not a number"), refused,
                                          &quarantined, &applied_b)));
  ASSERT_TRUE(pipeline.submit(setting_job("c", std::nullopt, last, nullptr, &applied_c)));
  gate.set_value();
  const JobOutcome a = first.get_future().get();
  const JobOutcome b = refused.get_future().get();
  const JobOutcome c = last.get_future().get();
  pipeline.stop();
  EXPECT_TRUE(a.durable);
  EXPECT_EQ(*a.applied, "stored a");
  EXPECT_TRUE(b.durable);
  EXPECT_EQ(b.applied.error().message(), "OBX(1)-5: not a number");
  EXPECT_TRUE(c.durable);
  // a and b ran in the first pass, c not (it stopped at b); all three ran in the second.
  EXPECT_EQ(applied_a, 2);
  EXPECT_EQ(applied_b, 2);
  EXPECT_EQ(applied_c, 1);
  EXPECT_EQ(quarantined, std::vector<std::string>{"b"});  // kept once, in the second pass
  EXPECT_EQ(pipeline.stats().reapplied_batches, 1u);
  EXPECT_EQ(pipeline.stats().refused, 1u);
  EXPECT_EQ(pipeline.stats().jobs, 4u);
  EXPECT_TRUE(has_setting("a"));
  EXPECT_FALSE(has_setting("b"));
  EXPECT_TRUE(has_setting("refused.b"));
  EXPECT_TRUE(has_setting("c"));
}

TEST_F(PipelineTest, CountsTheWritersBusyAndProcessorTime) {
  std::promise<JobOutcome> done;
  Pipeline pipeline(*store_);
  ASSERT_TRUE(pipeline.submit(setting_job("a", std::nullopt, done)));
  EXPECT_TRUE(done.get_future().get().durable);
  pipeline.stop();
  const PipelineStats stats = pipeline.stats();
  EXPECT_GT(stats.writer_busy.count(), 0);
  EXPECT_GT(stats.writer_cpu.count(), 0);
  EXPECT_LE(stats.writer_cpu, stats.writer_busy + std::chrono::milliseconds(1));
}

// Between batches the writer indexes the audit trail in full chunks while no job waits, and what
// is left (less than a chunk, which costs nearly as much) only after a while without jobs.
TEST_F(PipelineTest, BetweenBatchesTheAuditTrailIsIndexedInFullChunksAndTheRestWhenIdle) {
  IndexRecordingStore store(*store_);
  PipelineOptions options;
  options.deferred_chunk = 4;
  options.deferred_idle = std::chrono::milliseconds(20);
  Pipeline pipeline(store, options);
  std::promise<JobOutcome> done;
  ASSERT_TRUE(pipeline.submit(audit_job(10, done)));
  EXPECT_TRUE(done.get_future().get().durable);

  // Wait for the call that indexed the rest: less than a chunk.
  const auto rest_done = [&store] {
    for (const IndexRecordingStore::Call& call : store.calls()) {
      if (call.min_entries == 1 && call.indexed >= 0 && call.indexed < 4) return true;
    }
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!rest_done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pipeline.stop();
  std::int64_t by_pipeline = 0;
  bool idle_seen = false;
  for (const IndexRecordingStore::Call& call : store.calls()) {
    if (call.min_entries == 1) idle_seen = true;
    if (call.min_entries == 4) {
      EXPECT_FALSE(idle_seen) << "a full chunk was asked for after the rest";
    }
    EXPECT_TRUE(call.indexed == 0 || call.indexed == 4 || call.min_entries == 1);
    if (call.indexed > 0) by_pipeline += call.indexed;
  }
  EXPECT_TRUE(idle_seen);
  EXPECT_GE(by_pipeline, 10);  // the job's entries, and the fixture's before them
  EXPECT_EQ(pipeline.stats().audit_entries_indexed, static_cast<std::uint64_t>(by_pipeline));
  EXPECT_EQ(*store_->index_audit_trail(1, 1000), 0);  // nothing was left
}

}  // namespace
}  // namespace aliquot::ingest
