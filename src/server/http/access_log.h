#pragma once

// One line per HTTP request answered, for the operator's log: who asked what and how it went,
// never what was sent (bodies and query strings may carry patient identifiers).

#include <chrono>
#include <functional>
#include <string>

#include "server/http/message.h"

namespace aliquot::server::http {

struct AccessLogEntry {
  Method method = Method::kGet;
  std::string path;  // the target's path as received (still percent-encoded), without the query
  int status = 0;
  std::chrono::microseconds elapsed{0};  // request read to response handed to the connection
};

// Where entries go; called on the listener's threads, so it must be thread-safe.
using AccessLog = std::function<void(const AccessLogEntry&)>;

// "http method=GET path=/healthz status=200 micros=153".
std::string format_access_log(const AccessLogEntry& entry);

}  // namespace aliquot::server::http
