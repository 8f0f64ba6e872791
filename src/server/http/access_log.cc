#include "server/http/access_log.h"

namespace aliquot::server::http {

std::string format_access_log(const AccessLogEntry& entry) {
  return "http method=" + std::string(to_string(entry.method)) + " path=" + entry.path +
         " status=" + std::to_string(entry.status) +
         " micros=" + std::to_string(entry.elapsed.count());
}

}  // namespace aliquot::server::http
