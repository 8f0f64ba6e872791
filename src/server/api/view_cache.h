#pragma once

// The answers of the busiest views (a section's worklist, a patient's page, a specimen) kept as
// written, each with the version of the lab's records it was read at, so that a hundred benches
// looking at the same list do not each read and write it again.
//
// The version is the audit trail's head (store::AuditHead::sequence) as the answer's read
// transaction saw it: every change of a patient, order, specimen, result, hold, revision or
// critical call appends to the trail in the same transaction (ARCHITECTURE decision 3), from this
// process or any other (the command line, a second server). An answer is given again only to a
// read that sees the same head, so it is exactly what reading again would give; the first read
// after any change reads the database again. What the answer showed (the patients, for the read
// log) is kept with it, since a view given from here is still a read of those patients.
//
// Bounded in bytes, least recently used answers dropped first. Thread-safe.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace aliquot::server::api {

// A view's answer and the patients it showed.
struct View {
  std::string text;                   // the JSON answer
  std::vector<std::string> patients;  // MRNs shown, for the read log
  std::string what;                   // the view's name in the read log: "worklist CHEM"
  // gzip(text) (http/content_encoding.h), made once for an answer that is kept, since browsers
  // ask for gzip; empty when not made.
  std::string gzipped = {};
};

class ViewCache {
 public:
  // Keeps at most `capacity_bytes` of answers; 0 keeps none (every read reads the database).
  explicit ViewCache(std::size_t capacity_bytes);
  ViewCache(const ViewCache&) = delete;
  ViewCache& operator=(const ViewCache&) = delete;

  // The answer kept for `key` at exactly `version`, if any.
  std::shared_ptr<const View> find(const std::string& key, std::int64_t version);
  // Keeps `view` for `key` at `version`, unless an answer read at a later version is kept.
  void keep(const std::string& key, std::int64_t version, std::shared_ptr<const View> view);

  std::uint64_t hits() const;
  std::uint64_t misses() const;
  std::size_t bytes() const;
  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::string key;
    std::int64_t version = 0;
    std::shared_ptr<const View> view;
    std::size_t bytes = 0;
  };
  using Order = std::list<Entry>;  // most recently used first

  void drop(Order::iterator entry);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<std::string, Order::iterator> entries_;
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace aliquot::server::api
