#pragma once

// What every loader of the lab's TOML data files (catalog, calculations, autoverification rules)
// shares: parsing with the syntax error at its place, a collector of diagnostics that hands them
// back in file order, and a reader that checks the keys of one table against its schema with the
// same words in every file ("key 'decimals' of test 'K' must be an integer, not a string",
// "unknown key 'unti' in test 'K' (did you mean 'unit'?)").
//
// toml++ is a library boundary: this is the only place its parse errors are converted.
// Not thread-safe; one loader uses one Diagnostics and its readers on one thread.

#include <toml++/toml.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/text.h"

namespace aliquot::config {

enum class Required { kYes, kNo };

// 1-based line and column in the file; 0 when a problem is not tied to a place.
struct Position {
  int line = 0;
  int column = 0;
};

Position position_of(const toml::source_region& region);
Position position_of(const toml::node& node);

using core::in_quotes;

// "a string", "an integer", "a table", ...: what a node is, for "must be X, not Y".
std::string type_name(const toml::node& node);

// Collects the problems of one file as Errors (kInvalidArgument) positioned at file:line:column,
// and hands them back in file order.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  void add(Position where, std::string message);
  bool empty() const { return errors_.empty(); }

  // Problems tied to a line first, in line and column order; whole-file problems (line 0) last.
  std::vector<Error> take();

 private:
  std::string file_;
  std::vector<Error> errors_;
};

// Parses `text`; a syntax error is one diagnostic ("TOML syntax error: ...") at its place.
std::optional<toml::table> parse(std::string_view text, Diagnostics& out);

// Parses `text` and builds from it with `Loader(root, diagnostics).run()`, which returns an
// optional value: what was built (none when the file has problems) and every problem in file
// order.
template <typename Loader>
auto load_with(std::string_view text, const std::string& file) {
  using Value = typename decltype(std::declval<Loader&>().run())::value_type;
  Diagnostics diagnostics(file);
  std::optional<Value> value;
  if (std::optional<toml::table> root = parse(text, diagnostics)) {
    value = Loader(*root, diagnostics).run();
  }
  return std::make_pair(std::move(value), diagnostics.take());
}

// The program's built-in copy of a lab data file, as loaded. The copy is part of the program, so a
// copy with problems is a defect of the build, not bad input: its problems go to standard error
// and the program stops.
template <typename Value>
Value built_in(std::optional<Value> value, const std::vector<Error>& diagnostics) {
  if (value) return std::move(*value);
  for (const Error& error : diagnostics) std::fprintf(stderr, "%s\n", error.to_string().c_str());
  std::abort();
}

// The bytes of the file at `path`. The error's message says only why it cannot be read ("it is
// a directory", "No such file or directory"); the loader names the file.
Result<std::string> read_file(const std::string& path);

// A string and where it stands in the file.
struct TextAt {
  std::string text;
  Position where;
};

// Reads the keys of one TOML table against its schema. `context` names the table in messages
// ("test 'K'", "reference interval 2 of test 'HGB'"). Every problem goes to `out`; a read that
// fails returns nothing, so that the caller goes on and finds the other problems too.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string context,
              std::vector<std::string_view> allowed_keys, Diagnostics& out)
      : table_(table), context_(std::move(context)), allowed_(std::move(allowed_keys)), out_(out) {}

  void set_context(std::string context) { context_ = std::move(context); }
  const std::string& context() const { return context_; }
  Position position() const { return position_of(table_); }
  bool has(std::string_view key) const { return table_.get(key) != nullptr; }
  const toml::node* node(std::string_view key) const { return table_.get(key); }
  // Where the value of `key` is, or the table's own position when the key is absent.
  Position position_of_key(std::string_view key) const;

  // "<context> is missing required key 'key'", with " (why)" when `why` is given.
  void missing(std::string_view key, std::string_view why = {});

  // Reports `message` about the value of `key`: "key 'decimals' of test 'K' <message>".
  void problem(std::string_view key, const std::string& message);

  // A non-empty string.
  std::optional<std::string> text(std::string_view key, Required required);
  std::optional<std::int64_t> integer(std::string_view key, Required required);
  std::optional<bool> boolean(std::string_view key, Required required);
  // An integer or a finite floating-point number.
  std::optional<double> number(std::string_view key, Required required);
  const toml::table* table(std::string_view key, Required required);
  // An array whose elements are all tables ([[key]] or [ { ... }, { ... } ]).
  const toml::array* tables(std::string_view key, Required required);
  // An array of non-empty strings, each with its position; each bad element is reported on its
  // own line.
  std::optional<std::vector<TextAt>> texts(std::string_view key, Required required);

  // Every key the schema does not know, with the nearest known key (within two edits) or the
  // full list. Called once the context names the table.
  void report_unknown_keys();

  // A reader of the header table `key` of the file ([personnel], [qc_policy]) with its own
  // schema, its unknown keys reported; none, with the problem reported, when the file has no
  // such table ("the file has no [KEY] table with its WHAT") or `key` is not a table.
  std::optional<TableReader> header_table(std::string_view key,
                                          std::vector<std::string_view> allowed_keys,
                                          std::string_view what);

 private:
  const toml::node* get(std::string_view key, Required required);
  void wrong_type(std::string_view key, const toml::node& found, std::string_view expected);

  const toml::table& table_;
  std::string context_;
  std::vector<std::string_view> allowed_;
  Diagnostics& out_;
};

// The header table [key] of a data file that holds only its name and version, both required;
// none when the file has no such table (reported).
struct NameAndVersion {
  std::string name;
  std::string version;
};
std::optional<NameAndVersion> read_name_and_version(TableReader& top, std::string_view key);

}  // namespace aliquot::config
