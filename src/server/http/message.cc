#include "server/http/message.h"

#include <strings.h>

#include <array>
#include <nlohmann/json.hpp>

namespace aliquot::server::http {
namespace {

constexpr std::array<std::pair<Method, std::string_view>, 7> kMethods = {{
    {Method::kGet, "GET"},
    {Method::kHead, "HEAD"},
    {Method::kPost, "POST"},
    {Method::kPut, "PUT"},
    {Method::kPatch, "PATCH"},
    {Method::kDelete, "DELETE"},
    {Method::kOptions, "OPTIONS"},
}};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class PlusIsSpace { kNo, kYes };

// RFC 3986 section 2.1 percent-encoding.
std::optional<std::string> decode(std::string_view text, PlusIsSpace plus) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus == PlusIsSpace::kYes) {
      decoded.push_back(' ');
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  return decode(text, PlusIsSpace::kNo);
}

std::string_view to_string(Method method) {
  for (const auto& [known, text] : kMethods) {
    if (known == method) return text;
  }
  return "UNKNOWN";
}

Method parse_method(std::string_view text) {
  for (const auto& [method, known] : kMethods) {
    if (known == text) return method;
  }
  return Method::kUnknown;
}

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
  for (const auto& [field, value] : headers) {
    if (field.size() == name.size() && strncasecmp(field.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

bool parse_target(std::string_view target, Request& request) {
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  if (!decode(path, PlusIsSpace::kNo)) return false;
  request.path = std::string(path);
  request.query.clear();
  if (question == std::string_view::npos) return true;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    std::optional<std::string> name = decode(pair.substr(0, equals), PlusIsSpace::kYes);
    std::optional<std::string> value = equals == std::string_view::npos
                                           ? std::optional<std::string>(std::string())
                                           : decode(pair.substr(equals + 1), PlusIsSpace::kYes);
    if (!name || !value) return false;
    request.query[std::move(*name)] = std::move(*value);
  }
  return true;
}

Response json_response(int status, std::string json_text) {
  Response response;
  response.status = status;
  response.body = std::move(json_text);
  return response;
}

Response json_error(int status, std::string_view message, std::string_view code) {
  const nlohmann::json body = {{"error", std::string(message)}, {"code", std::string(code)}};
  // A path that is not UTF-8 must not make the error itself fail: invalid bytes become U+FFFD.
  return json_response(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace aliquot::server::http
