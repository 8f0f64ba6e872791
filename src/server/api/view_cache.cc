#include "server/api/view_cache.h"

#include <iterator>
#include <utility>

namespace aliquot::server::api {
namespace {

// What an answer costs to keep, besides its text: the patients' MRNs and the bookkeeping.
std::size_t size_of(const std::string& key, const View& view) {
  std::size_t bytes = key.size() + view.text.size() + view.gzipped.size() + view.what.size() + 128;
  for (const std::string& mrn : view.patients) bytes += mrn.size() + sizeof(std::string);
  return bytes;
}

}  // namespace

ViewCache::ViewCache(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}

std::shared_ptr<const View> ViewCache::find(const std::string& key, std::int64_t version) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end() || found->second->version != version) {
    ++misses_;
    return nullptr;
  }
  order_.splice(order_.begin(), order_, found->second);
  ++hits_;
  return found->second->view;
}

void ViewCache::keep(const std::string& key, std::int64_t version,
                     std::shared_ptr<const View> view) {
  const std::size_t bytes = size_of(key, *view);
  if (bytes > capacity_) return;
  std::lock_guard lock(mutex_);
  if (const auto found = entries_.find(key); found != entries_.end()) {
    // A slower read of an older state must not replace what a later one kept.
    if (found->second->version > version) return;
    drop(found->second);
  }
  order_.push_front(Entry{.key = key, .version = version, .view = std::move(view), .bytes = bytes});
  entries_.emplace(key, order_.begin());
  bytes_ += bytes;
  while (bytes_ > capacity_) drop(std::prev(order_.end()));
}

void ViewCache::drop(Order::iterator entry) {
  bytes_ -= entry->bytes;
  entries_.erase(entry->key);
  order_.erase(entry);
}

std::uint64_t ViewCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

std::uint64_t ViewCache::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

std::size_t ViewCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace aliquot::server::api
