#include "server/http/security_headers.h"

#include <strings.h>

#include <algorithm>

namespace aliquot::server::http {
namespace {

void set_header(Headers& headers, std::string_view name, std::string_view value) {
  std::erase_if(headers, [name](const auto& field) {
    return field.first.size() == name.size() &&
           strncasecmp(field.first.data(), name.data(), name.size()) == 0;
  });
  headers.emplace_back(std::string(name), std::string(value));
}

}  // namespace

void apply_security_headers(std::string_view path, Response& response) {
  if (response.content_type.empty()) response.content_type = "application/octet-stream";
  if (response.content_type.find("charset=") == std::string::npos &&
      (response.content_type.starts_with("text/") ||
       response.content_type.starts_with("application/json"))) {
    response.content_type += "; charset=utf-8";
  }
  set_header(response.headers, "X-Content-Type-Options", "nosniff");
  set_header(response.headers, "Referrer-Policy", "no-referrer");
  if (path == "/api" || path.starts_with("/api/")) {
    set_header(response.headers, "Cache-Control", "no-store");
  }
}

}  // namespace aliquot::server::http
