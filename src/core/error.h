#pragma once

// Errors as values. Expected failures (bad input, not found, a rule refusing an action) travel
// as Error inside Result<T>; exceptions are caught and converted at library boundaries only.
// Result<T> mirrors the method names of std::expected so that a later move is mechanical; we do
// not use std::expected itself because g++ 12 only offers it in C++23 mode and clang 14, our
// fuzzing compiler, cannot use it at all.

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace aliquot {

// The canonical codes (as in abseil). They are mapped to exit codes, HTTP statuses and HL7 ACK
// codes only at the edges.
enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kPermissionDenied,
  kUnauthenticated,
  kUnavailable,
  kAborted,
  kDataLoss,
  kInternal,
};

std::string_view error_code_name(ErrorCode code);

// Where in an input the problem is: a file position, or a segment/field of a message.
struct SourcePosition {
  std::string file;  // file name, or the segment id ("OBX") for messages
  int line = 0;      // 1-based line, or segment occurrence; 0 when unknown
  int column = 0;    // 1-based column, or field number; 0 when unknown
};

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  Error(ErrorCode code, std::string message, SourcePosition position)
      : code_(code), message_(std::move(message)), position_(std::move(position)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::optional<SourcePosition>& position() const { return position_; }

  // "file:line:column: message" when a position is known, else the message alone.
  std::string to_string() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::optional<SourcePosition> position_;
};

Error invalid_argument(std::string message);
Error not_found(std::string message);
Error already_exists(std::string message);
Error failed_precondition(std::string message);
Error permission_denied(std::string message);
Error unavailable(std::string message);
Error aborted(std::string message);
Error data_loss(std::string message);
Error internal_error(std::string message);

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& value) : state_(std::in_place_index<0>, value) {}  // NOLINT: implicit by design
  Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}    // NOLINT
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  // clang-format 14 cannot lay out a requires-clause.
  // clang-format off
  template <typename U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, T> &&
             !std::is_same_v<std::decay_t<U>, Error> &&
             !std::is_same_v<std::decay_t<U>, Result<T>>)
  Result(U&& value) : state_(std::in_place_index<0>, T(std::forward<U>(value))) {}  // NOLINT
  // clang-format on

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  const Error& error() const {
    assert(!has_value());
    return std::get<1>(state_);
  }
  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  void value() const { assert(has_value()); }
  const Error& error() const {
    assert(!has_value());
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

inline Result<void> ok() { return {}; }

}  // namespace aliquot

#define ALIQUOT_CONCAT_INNER_(a, b) a##b
#define ALIQUOT_CONCAT_(a, b) ALIQUOT_CONCAT_INNER_(a, b)

// Returns the error of a failed Result from the enclosing function.
#define ALIQUOT_RETURN_IF_ERROR(expr)   \
  do {                                  \
    auto&& aliquot_status_ = (expr);    \
    if (!aliquot_status_.has_value()) { \
      return aliquot_status_.error();   \
    }                                   \
  } while (false)

// Declares or assigns `lhs` from a Result's value, or returns its error.
#define ALIQUOT_ASSIGN_OR_RETURN(lhs, expr) \
  ALIQUOT_ASSIGN_OR_RETURN_IMPL_(ALIQUOT_CONCAT_(aliquot_result_, __LINE__), lhs, expr)
#define ALIQUOT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.has_value()) {                              \
    return tmp.error();                                \
  }                                                    \
  lhs = std::move(tmp).value()
