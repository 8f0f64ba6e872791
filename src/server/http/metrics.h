#pragma once

// What the API has answered, for a Prometheus scrape of GET /metrics: a counter of requests by
// method, route and status, and a histogram of durations by route. Labels use the route's
// pattern ("/api/specimens/{accession}"), never the path, so that the number of series stays
// bounded; requests that matched no route are counted under route="none". Thread-safe.
//
// Text exposition format 0.0.4:
// https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "core/error.h"
#include "server/http/message.h"
#include "server/http/router.h"
#include "server/interface_host.h"

namespace aliquot::server::http {

// The content type of the exposition (format 0.0.4).
inline constexpr std::string_view kExpositionContentType =
    "text/plain; version=0.0.4; charset=utf-8";

class HttpMetrics {
 public:
  // Upper bounds in seconds: Prometheus' default buckets, from 5 ms (an answer from memory) to
  // 10 s (beyond the request timeout).
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

  void record(Method method, std::string_view route, int status, std::chrono::microseconds elapsed);

  // The counter and the histogram in the text exposition format.
  std::string exposition() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};  // per bucket, not yet cumulative
    std::uint64_t count = 0;
    double sum_seconds = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> durations_;
};

// The interface host's counters (MLLP, ASTM, the ingest pipeline) as aliquot_* metrics.
std::string interface_exposition(const InterfaceCounters& counters);

// Adds GET /metrics (public, as scrapers carry no user credentials; it shows counts only, no
// patient data): `metrics`, then the interface counters when `interface_counters` is set.
// `more`, when set, adds the lab's own metrics (results held and released, queue depths) in the
// same format. `metrics` must outlive the router.
Result<void> add_metrics_route(Router& router, const HttpMetrics& metrics,
                               std::function<InterfaceCounters()> interface_counters,
                               std::function<std::string()> more = nullptr);

}  // namespace aliquot::server::http
