#pragma once

// The expression language of calculated tests (docs/calculations.md):
//   numbers          142, 0.9938, 1e-3
//   names            inputs and earlier steps: tc, hdl, nonhdl
//   arithmetic       + - * / ^ (power, right-associative), unary minus; × and − also read
//   comparisons      < <= > >= == != (they do not chain)
//   conditions       and, or, not
//   functions        if(condition, a, b), min(a, b, ...), max(a, b, ...), abs, ln, log10, exp,
//                    sqrt, table(NAME, row value, column value)
//   strings          "F" or 'F', only compared with == / != to an input with choices (sex)
// Precedence, lowest first: or; and; not; comparisons; + -; * /; unary minus; ^.
//
// Every expression is checked before it runs: its names exist, the kinds fit (numbers where
// numbers are needed, conditions where conditions are, a choice compared with one of its own
// values), so evaluation needs no checks but the arithmetic ones (calc/program.h).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "calc/band_table.h"
#include "calc/program.h"
#include "core/error.h"

namespace aliquot::calc {

// What an expression gives: a calculated value, or a condition such as a validity rule.
enum class ValueKind { kNumber, kCondition };

// The names an expression may use and the slot each is read from. Not thread-safe while being
// filled; read-only during compilation.
class Scope {
 public:
  void add_number(std::string name, std::uint32_t slot);
  // An input whose value is the index of one of `choices` ("F", "M").
  void add_choice(std::string name, std::uint32_t slot, std::vector<std::string> choices);
  void add_table(std::shared_ptr<const BandTable> table);

  struct Name {
    std::string name;
    std::uint32_t slot = 0;
    std::vector<std::string> choices;  // empty for numbers
  };
  const Name* find(std::string_view name) const;
  const std::shared_ptr<const BandTable>* find_table(std::string_view name) const;
  // Every name, for suggestions.
  std::vector<std::string> names() const;
  std::vector<std::string> table_names() const;
  // One more than the highest slot.
  std::size_t slot_count() const { return slot_count_; }

 private:
  std::vector<Name> names_;
  std::vector<std::shared_ptr<const BandTable>> tables_;
  std::size_t slot_count_ = 0;
};

// The words the language reserves: operators and function names. A name in a Scope must not be
// one of them.
bool is_reserved_word(std::string_view name);

// Compiles `text` into a program that gives `kind`. InvalidArgument on a syntax or kind error;
// the error's position has line 1 and the 1-based column (in characters) of the problem in
// `text`, e.g. "unknown name 'tgg' (did you mean 'tg'?)" at column 7.
Result<Program> compile(std::string_view text, const Scope& scope, ValueKind kind);

}  // namespace aliquot::calc
