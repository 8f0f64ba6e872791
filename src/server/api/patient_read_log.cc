#include "server/api/patient_read_log.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/thread_name.h"

namespace aliquot::server::api {

namespace {

// The address a read came from, without the port: each connection of one browser has its own.
std::string_view address_of(std::string_view peer) {
  const std::size_t colon = peer.rfind(':');
  if (colon == std::string_view::npos) return peer;
  const std::string_view port = peer.substr(colon + 1);
  const bool numeric = !port.empty() && std::all_of(port.begin(), port.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
  return numeric ? peer.substr(0, colon) : peer;
}

std::string coalescing_key(const PatientDataRead& read) {
  std::string key;
  key.reserve(read.username.size() + read.mrn.size() + read.what.size() + read.peer.size() + 3);
  key.append(read.username).append(1, '\x1f').append(read.mrn).append(1, '\x1f');
  key.append(read.what).append(1, '\x1f').append(address_of(read.peer));
  return key;
}

}  // namespace

PatientReadLog::PatientReadLog(store::Store& store, std::chrono::milliseconds interval,
                               std::chrono::milliseconds coalesce)
    : store_(store), interval_(interval), coalesce_(coalesce) {}

PatientReadLog::~PatientReadLog() { stop(); }

void PatientReadLog::record(PatientDataRead read) {
  std::lock_guard lock(mutex_);
  if (coalesce_.count() > 0) {
    const auto [logged, first] = last_logged_.try_emplace(coalescing_key(read), read.at);
    if (!first) {
      if (read.at >= logged->second && read.at - logged->second < coalesce_) {
        ++coalesced_;
        return;
      }
      logged->second = read.at;
    }
  }
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
  // Forget what can no longer coalesce anything: logged before the window of the newest read.
  core::Instant newest = batch.back().at;
  for (const PatientDataRead& read : batch) newest = std::max(newest, read.at);
  std::erase_if(last_logged_,
                [&](const auto& entry) { return newest - entry.second >= coalesce_; });
  return ok();
}

void PatientReadLog::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) {
    core::name_this_thread("read-log");
    run(stop);
  });
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

std::uint64_t PatientReadLog::coalesced() const {
  std::lock_guard lock(mutex_);
  return coalesced_;
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
