#pragma once

// The HTTP request and response as the API's handlers see them: plain values, independent of
// the HTTP library, so that a handler is tested by calling it. The listener (http/listener.h)
// converts from and to the wire.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aliquot::server::http {

class EventStream;  // http/event_stream.h

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kUnknown };

// "GET", "POST", ...; "UNKNOWN" for kUnknown.
std::string_view to_string(Method method);
// The method named by `text` (case-sensitive, RFC 9110 section 9.1); kUnknown for any other.
Method parse_method(std::string_view text);

// Header fields in the order received or set; names compare without regard to case
// (RFC 9110 section 5.1).
using Headers = std::vector<std::pair<std::string, std::string>>;

// The value of the first field named `name`, if any.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

// The person (or program) a request was authenticated as.
struct Principal {
  std::string username;
  std::string role;  // core::Role's code: "technician", "clerk", ...
};

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: "/api/specimens/A1?full=1"
  // The target's path, still percent-encoded so that an escaped '/' stays inside its segment
  // ("/api/specimens/A%2F1"); the router decodes each segment.
  std::string path;
  std::map<std::string, std::string> query;        // decoded; the last of repeated names wins
  std::map<std::string, std::string> path_params;  // set by the router: {"accession": "A1"}
  Headers headers;
  std::string body;
  // The user the authentication hook recognised; empty on routes that need none.
  std::optional<Principal> user;
  // The client's address ("127.0.0.1:53012"), set by the listener.
  std::string peer;

  std::optional<std::string> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  Headers headers;  // besides Content-Type, Content-Length and the security headers
  // Set for a response that is streamed instead of `body` (server-sent events): the listener
  // writes the status line and headers, then what the stream is given as it arrives, until it
  // ends (http/event_stream.h).
  std::shared_ptr<EventStream> stream;
};

// Splits `target` into request.path (checked, left encoded) and request.query (decoded; '+' is a
// space there, as in application/x-www-form-urlencoded). False when an escape is malformed.
bool parse_target(std::string_view target, Request& request);

// RFC 3986 section 2.1 percent-decoding of a path segment; nothing when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text);

// A JSON body from `json_text` (already serialised).
Response json_response(int status, std::string json_text);

// The API's error body: {"error": message, "code": code} (docs/api.md, conventions).
Response json_error(int status, std::string_view message, std::string_view code);

}  // namespace aliquot::server::http
