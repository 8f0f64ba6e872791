#pragma once

// A JSON text written straight into a string, for the forms that are written often enough that
// building a document first would cost more than the work around it: the audit trail's images,
// which every use case writes, and the API's busiest answers (worklists, the patient view, a
// specimen). lab/json.h's write_json() functions use it.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/time.h"

namespace aliquot::lab {

// Writes compact JSON exactly as nlohmann::json::dump(-1, ' ', false, replace) would write the
// same document. The document form orders an object's keys by their bytes (std::map), so a
// writer that wants the same bytes emits keys in that order; a member is preceded by ',' unless
// it is the first of its object. Keys are literals that need no escaping.
class JsonWriter {
 public:
  explicit JsonWriter(std::size_t reserve = 640) { text_.reserve(reserve); }

  void open_object() { text_ += '{'; }
  void close_object() { text_ += '}'; }
  void open_array() { text_ += '['; }
  void close_array() { text_ += ']'; }
  // Before each element of an array.
  void element() {
    if (text_.back() != '[') text_ += ',';
  }

  // `name` is a plain key: no character that would need escaping. Written with one append,
  // as `,"name":` or, first in its object, `"name":`.
  template <std::size_t kSize>
  void key(const char (&name)[kSize]) {
    constexpr std::size_t kLength = kSize - 1;
    char member[kLength + 4];
    member[0] = ',';
    member[1] = '"';
    std::memcpy(member + 2, name, kLength);
    member[kLength + 2] = '"';
    member[kLength + 3] = ':';
    const std::size_t skip = text_.back() == '{' ? 1 : 0;
    text_.append(member + skip, sizeof member - skip);
  }

  void string(std::string_view value) {
    // Printable ASCII other than '"' and '\\' is written as it is; anything else (escapes,
    // UTF-8, invalid bytes replaced by U+FFFD) is left to nlohmann's own escaping, so that the
    // bytes stay exactly the document form's.
    const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
      return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (plain) {
      text_ += '"';
      text_ += value;
      text_ += '"';
    } else {
      text_ += nlohmann::json(std::string(value))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }

  void integer(std::int64_t value) {
    char buffer[24];
    const std::to_chars_result end = std::to_chars(buffer, buffer + sizeof buffer, value);
    text_.append(buffer, static_cast<std::size_t>(end.ptr - buffer));
  }

  // nlohmann writes NaN and infinities as null and every other double with its Grisu2
  // shortest round-trip form (detail::to_chars, as serializer::dump_float calls it).
  void number(double value) {
    if (!std::isfinite(value)) {
      null();
      return;
    }
    char buffer[64];
    const char* end = nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, value);
    text_.append(buffer, static_cast<std::size_t>(end - buffer));
  }

  void string_or_null(const std::string* value) {
    if (value != nullptr) {
      string(*value);
    } else {
      null();
    }
  }

  void boolean(bool value) { text_ += value ? "true" : "false"; }
  void null() { text_ += "null"; }
  void instant(core::Instant t) { string(core::format_instant(t)); }
  void instant_or_null(const std::optional<core::Instant>& t) {
    if (t) {
      instant(*t);
    } else {
      null();
    }
  }

  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

}  // namespace aliquot::lab
