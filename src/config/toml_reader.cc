// The shared reader of the lab's TOML data files (config/toml_reader.h).

#include "config/toml_reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

#include "core/text.h"

namespace aliquot::config {

Position position_of(const toml::source_region& region) {
  return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

Position position_of(const toml::node& node) { return position_of(node.source()); }

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

void Diagnostics::add(Position where, std::string message) {
  errors_.emplace_back(ErrorCode::kInvalidArgument, std::move(message),
                       SourcePosition{file_, where.line, where.column});
}

std::vector<Error> Diagnostics::take() {
  const auto key = [](const Error& e) {
    const int line = e.position()->line;
    return std::pair(line == 0 ? std::numeric_limits<int>::max() : line, e.position()->column);
  };
  std::stable_sort(errors_.begin(), errors_.end(),
                   [&](const Error& a, const Error& b) { return key(a) < key(b); });
  return std::move(errors_);
}

std::optional<toml::table> parse(std::string_view text, Diagnostics& out) {
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text, out.file());
  } catch (const toml::parse_error& error) {
    out.add(position_of(error.source()), "TOML syntax error: " + std::string(error.description()));
    return std::nullopt;
  }
#else
  toml::parse_result parsed = toml::parse(text, out.file());
  if (!parsed) {
    out.add(position_of(parsed.error().source()),
            "TOML syntax error: " + std::string(parsed.error().description()));
    return std::nullopt;
  }
  return std::move(parsed).table();
#endif
}

Result<std::string> read_file(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return invalid_argument("it is a directory");
  std::ifstream file(path, std::ios::binary);
  if (!file) return invalid_argument(std::strerror(errno));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return invalid_argument(std::strerror(errno));
  return text.str();
}

Position TableReader::position_of_key(std::string_view key) const {
  const toml::node* found = table_.get(key);
  return found == nullptr ? position() : position_of(*found);
}

void TableReader::missing(std::string_view key, std::string_view why) {
  std::string message = context_ + " is missing required key " + in_quotes(key);
  if (!why.empty()) message += " (" + std::string(why) + ")";
  out_.add(position(), std::move(message));
}

void TableReader::problem(std::string_view key, const std::string& message) {
  out_.add(position_of_key(key), "key " + in_quotes(key) + " of " + context_ + " " + message);
}

std::optional<std::string> TableReader::text(std::string_view key, Required required) {
  const toml::node* found = get(key, required);
  if (found == nullptr) return std::nullopt;
  const auto* value = found->as_string();
  if (value == nullptr) {
    wrong_type(key, *found, "a string");
    return std::nullopt;
  }
  if (value->get().empty()) {
    problem(key, "must not be empty");
    return std::nullopt;
  }
  return value->get();
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, Required required) {
  const toml::node* found = get(key, required);
  if (found == nullptr) return std::nullopt;
  const auto* value = found->as_integer();
  if (value == nullptr) {
    wrong_type(key, *found, "an integer");
    return std::nullopt;
  }
  return value->get();
}

std::optional<bool> TableReader::boolean(std::string_view key, Required required) {
  const toml::node* found = get(key, required);
  if (found == nullptr) return std::nullopt;
  const auto* value = found->as_boolean();
  if (value == nullptr) {
    wrong_type(key, *found, "true or false");
    return std::nullopt;
  }
  return value->get();
}

std::optional<double> TableReader::number(std::string_view key, Required required) {
  const toml::node* found = get(key, required);
  if (found == nullptr) return std::nullopt;
  if (const auto* value = found->as_integer()) return static_cast<double>(value->get());
  const auto* value = found->as_floating_point();
  if (value == nullptr) {
    wrong_type(key, *found, "a number");
    return std::nullopt;
  }
  if (!std::isfinite(value->get())) {
    problem(key, "must be a finite number");
    return std::nullopt;
  }
  return value->get();
}

const toml::table* TableReader::table(std::string_view key, Required required) {
  const toml::node* found = get(key, required);
  if (found == nullptr) return nullptr;
  if (found->as_table() == nullptr) {
    problem(key, "must be a table, not " + type_name(*found));
    return nullptr;
  }
  return found->as_table();
}

const toml::array* TableReader::tables(std::string_view key, Required required) {
  const toml::node* found = get(key, required);
  if (found == nullptr) return nullptr;
  const auto* array = found->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    problem(key, "must be an array of tables, not " +
                     (array == nullptr ? type_name(*found) : std::string("a mixed array")));
    return nullptr;
  }
  return array;
}

std::optional<std::vector<TextAt>> TableReader::texts(std::string_view key, Required required) {
  const toml::node* found = get(key, required);
  if (found == nullptr) return std::nullopt;
  const auto* array = found->as_array();
  if (array == nullptr) {
    wrong_type(key, *found, "an array of strings");
    return std::nullopt;
  }
  std::vector<TextAt> out;
  bool good = true;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const auto* value = element.as_string();
    if (value == nullptr || value->get().empty()) {
      out_.add(position_of(element),
               "element " + std::to_string(i + 1) + " of key " + in_quotes(key) + " of " +
                   context_ + " must be a non-empty string, not " +
                   (value == nullptr ? type_name(element) : std::string("an empty string")));
      good = false;
      continue;
    }
    out.push_back(TextAt{value->get(), position_of(element)});
  }
  if (!good) return std::nullopt;
  return out;
}

std::optional<NameAndVersion> read_name_and_version(TableReader& top, std::string_view key) {
  std::optional<TableReader> header =
      top.header_table(key, {"name", "version"}, "name and version");
  if (!header) return std::nullopt;
  NameAndVersion read;
  read.name = header->text("name", Required::kYes).value_or("");
  read.version = header->text("version", Required::kYes).value_or("");
  return read;
}

std::optional<TableReader> TableReader::header_table(std::string_view key,
                                                     std::vector<std::string_view> allowed_keys,
                                                     std::string_view what) {
  const toml::node* found = table_.get(key);
  if (found == nullptr) {
    out_.add({}, "the file has no [" + std::string(key) + "] table with its " + std::string(what));
    return std::nullopt;
  }
  if (found->as_table() == nullptr) {
    problem(key, "must be a table, not " + type_name(*found));
    return std::nullopt;
  }
  TableReader header(*found->as_table(), "[" + std::string(key) + "]", std::move(allowed_keys),
                     out_);
  header.report_unknown_keys();
  return header;
}

void TableReader::report_unknown_keys() {
  for (const auto& [key, value] : table_) {
    const std::string_view name = key.str();
    if (std::find(allowed_.begin(), allowed_.end(), name) != allowed_.end()) continue;
    std::string message = "unknown key " + in_quotes(name) + " in " + context_;
    const std::vector<std::string> allowed(allowed_.begin(), allowed_.end());
    const std::string nearest = core::nearest_spelling(name, allowed, core::LetterCase::kMatters);
    if (!nearest.empty()) {
      message += " (did you mean " + in_quotes(nearest) + "?)";
    } else {
      message += "; allowed keys: " + core::join(allowed);
    }
    out_.add(position_of(key.source()), std::move(message));
  }
}

const toml::node* TableReader::get(std::string_view key, Required required) {
  const toml::node* found = table_.get(key);
  if (found == nullptr && required == Required::kYes) missing(key);
  return found;
}

void TableReader::wrong_type(std::string_view key, const toml::node& found,
                             std::string_view expected) {
  problem(key, "must be " + std::string(expected) + ", not " + type_name(found));
}

}  // namespace aliquot::config
