#include "server/api/patient_read_log.h"

#include <memory>
#include <utility>

namespace aliquot::server::api {

PatientReadLog::PatientReadLog(store::Store& store, std::chrono::milliseconds interval)
    : store_(store), interval_(interval) {}

PatientReadLog::~PatientReadLog() { stop(); }

void PatientReadLog::record(PatientDataRead read) {
  std::lock_guard lock(mutex_);
  queued_.push_back(std::move(read));
}

Result<void> PatientReadLog::flush() {
  std::lock_guard flushing(flush_mutex_);
  std::vector<PatientDataRead> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(queued_);
  }
  if (batch.empty()) return ok();
  auto write_batch = [&]() -> Result<void> {
    ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                             store_.begin(store::TransactionMode::kWrite));
    for (const PatientDataRead& read : batch) {
      ALIQUOT_RETURN_IF_ERROR(tx->insert_patient_data_read(read));
    }
    return tx->commit();
  };
  if (Result<void> written = write_batch(); !written) {
    // Put the batch back in front of what arrived meanwhile, so the order is kept.
    std::lock_guard lock(mutex_);
    batch.insert(batch.end(), std::make_move_iterator(queued_.begin()),
                 std::make_move_iterator(queued_.end()));
    queued_ = std::move(batch);
    return written;
  }
  std::lock_guard lock(mutex_);
  written_ += batch.size();
  return ok();
}

void PatientReadLog::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void PatientReadLog::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
  }
  (void)flush();
}

std::uint64_t PatientReadLog::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

std::size_t PatientReadLog::queued() const {
  std::lock_guard lock(mutex_);
  return queued_.size();
}

void PatientReadLog::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, interval_, [] { return false; });
    }
    // A failed flush keeps the entries queued; the next interval tries again.
    (void)flush();
  }
}

}  // namespace aliquot::server::api
