#pragma once

// The compiled form of one expression (calc/compiler.h makes it): postfix instructions over a
// small stack of doubles. Conditions are 1 (true) and 0 (false); an input with choices ("sex") is
// the index of its choice. Evaluation reads the slots (inputs, then named steps) and allocates
// nothing, so that autoverification can afford it for every result.
//
// Arithmetic that cannot give a reportable number stops the evaluation with a Trap instead of
// returning NaN or infinity: division by zero, a power, logarithm, root or exponential without a
// finite value, a table lookup outside the table's bands.
//
// Immutable after compilation; evaluate() is safe from any number of threads at once.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "calc/band_table.h"

namespace aliquot::calc {

enum class Op : std::uint8_t {
  kConstant,  // push constants[operand]
  kLoad,      // push slots[operand]
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kPower,
  kNegate,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,
  kNotEqual,
  kAnd,
  kOr,
  kNot,
  kMin,
  kMax,
  kAbs,
  kLn,
  kLog10,
  kExp,
  kSqrt,
  kTable,        // pop column value and row value, push tables[operand]'s cell
  kJumpIfFalse,  // pop; when 0, continue at instruction `operand`
  kJump,         // continue at instruction `operand`
};

struct Instruction {
  Op op = Op::kConstant;
  std::uint32_t operand = 0;
};

enum class TrapKind : std::uint8_t {
  kNone,
  kDivisionByZero,
  kNotFinite,  // a power, logarithm, root or exponential without a finite value
  kNoTableRow,
  kNoTableColumn,
};

// Why an evaluation gave no value. `column` is the 1-based column of the operation in the
// expression text; `op` the operation; `value` (and `second` for a power) its operands: the
// divisor, the argument of ln, the value looked up in a table.
struct Trap {
  TrapKind kind = TrapKind::kNone;
  Op op = Op::kConstant;
  std::uint32_t column = 0;
  double value = 0;
  double second = 0;
  const BandTable* table = nullptr;  // for table lookups; owned by the Program

  // "division by zero at column 12", "ln(0) has no finite value at column 3", "table
  // 'martin_hopkins_factor' has no row for 5 (its rows cover [7, 13976)) at column 20". Empty
  // for kNone.
  std::string to_string() const;
};

// The most values an expression may need on the stack at once; the compiler refuses deeper ones.
inline constexpr std::size_t kMaxStackDepth = 32;

class Program {
 public:
  // Runs the program over `slots`. On success returns the value (for conditions 1 or 0) and
  // leaves `trap` untouched; on failure sets `trap` and returns NaN.
  double evaluate(std::span<const double> slots, Trap& trap) const;

  const std::string& text() const { return text_; }
  // The slots the program reads; the compiler sets them, the loader reports unused inputs.
  const std::vector<std::uint32_t>& slots_read() const { return slots_read_; }
  std::size_t max_stack_depth() const { return max_stack_depth_; }
  const std::vector<Instruction>& instructions() const { return code_; }

 private:
  friend class ProgramBuilder;
  double stop(Trap& trap, TrapKind kind, std::size_t at, double value, double second,
              const BandTable* table) const;

  std::string text_;
  std::vector<Instruction> code_;
  std::vector<std::uint32_t> columns_;  // per instruction: where in text_ it comes from
  std::vector<double> constants_;
  std::vector<std::shared_ptr<const BandTable>> tables_;
  std::vector<std::uint32_t> slots_read_;
  std::size_t max_stack_depth_ = 0;
  std::size_t slot_count_ = 0;  // slots the program may read: evaluate() checks the span
};

// Assembles a Program; used by the compiler only.
class ProgramBuilder {
 public:
  explicit ProgramBuilder(std::string text) { program_.text_ = std::move(text); }
  // Appends an instruction and returns its index.
  std::size_t emit(Op op, std::uint32_t operand, std::uint32_t column);
  std::uint32_t constant(double value);
  std::uint32_t table(std::shared_ptr<const BandTable> table);
  void patch(std::size_t instruction, std::uint32_t operand) {
    program_.code_[instruction].operand = operand;
  }
  std::size_t size() const { return program_.code_.size(); }
  Program finish(std::size_t max_stack_depth, std::size_t slot_count);

 private:
  Program program_;
};

}  // namespace aliquot::calc
