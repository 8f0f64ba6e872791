#include "calc/program.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "core/text.h"

namespace aliquot::calc {
using core::number_text;

std::string Trap::to_string() const {
  const std::string where = " at column " + std::to_string(column);
  switch (kind) {
    case TrapKind::kNone: return "";
    case TrapKind::kDivisionByZero: return "division by zero" + where;
    case TrapKind::kNotFinite: {
      std::string operation;
      switch (op) {
        case Op::kPower: operation = number_text(value) + " ^ " + number_text(second); break;
        case Op::kLn: operation = "ln(" + number_text(value) + ")"; break;
        case Op::kLog10: operation = "log10(" + number_text(value) + ")"; break;
        case Op::kExp: operation = "exp(" + number_text(value) + ")"; break;
        case Op::kSqrt: operation = "sqrt(" + number_text(value) + ")"; break;
        default: operation = "the operation"; break;
      }
      return operation + " has no finite value" + where;
    }
    case TrapKind::kNoTableRow:
      return "table '" + table->name() + "' has no row for " + number_text(value) +
             " (its rows cover " + table->row_coverage() + ")" + where;
    case TrapKind::kNoTableColumn:
      return "table '" + table->name() + "' has no column for " + number_text(value) +
             " (its columns cover " + table->column_coverage() + ")" + where;
  }
  return "";
}

double Program::stop(Trap& trap, TrapKind kind, std::size_t at, double value, double second,
                     const BandTable* table) const {
  trap.kind = kind;
  trap.op = code_[at].op;
  trap.second = second;
  trap.column = columns_[at];
  trap.value = value;
  trap.table = table;
  return std::numeric_limits<double>::quiet_NaN();
}

double Program::evaluate(std::span<const double> slots, Trap& trap) const {
  // The compiler proved the stack bound and that every slot read is below slot_count_.
  assert(slots.size() >= slot_count_);
  double stack[kMaxStackDepth];
  std::size_t top = 0;  // values on the stack; stack[top - 1] is the top
  const Instruction* const code = code_.data();
  const std::size_t size = code_.size();
  for (std::size_t pc = 0; pc < size; ++pc) {
    const Instruction instruction = code[pc];
    switch (instruction.op) {
      case Op::kConstant: stack[top++] = constants_[instruction.operand]; break;
      case Op::kLoad: stack[top++] = slots[instruction.operand]; break;
      case Op::kAdd:
        --top;
        stack[top - 1] += stack[top];
        break;
      case Op::kSubtract:
        --top;
        stack[top - 1] -= stack[top];
        break;
      case Op::kMultiply:
        --top;
        stack[top - 1] *= stack[top];
        break;
      case Op::kDivide:
        --top;
        if (stack[top] == 0)
          return stop(trap, TrapKind::kDivisionByZero, pc, stack[top], 0, nullptr);
        stack[top - 1] /= stack[top];
        break;
      case Op::kPower: {
        --top;
        const double result = std::pow(stack[top - 1], stack[top]);
        if (!std::isfinite(result)) {
          return stop(trap, TrapKind::kNotFinite, pc, stack[top - 1], stack[top], nullptr);
        }
        stack[top - 1] = result;
        break;
      }
      case Op::kNegate: stack[top - 1] = -stack[top - 1]; break;
      case Op::kLess:
        --top;
        stack[top - 1] = stack[top - 1] < stack[top] ? 1.0 : 0.0;
        break;
      case Op::kLessEqual:
        --top;
        stack[top - 1] = stack[top - 1] <= stack[top] ? 1.0 : 0.0;
        break;
      case Op::kGreater:
        --top;
        stack[top - 1] = stack[top - 1] > stack[top] ? 1.0 : 0.0;
        break;
      case Op::kGreaterEqual:
        --top;
        stack[top - 1] = stack[top - 1] >= stack[top] ? 1.0 : 0.0;
        break;
      case Op::kEqual:
        --top;
        stack[top - 1] = stack[top - 1] == stack[top] ? 1.0 : 0.0;
        break;
      case Op::kNotEqual:
        --top;
        stack[top - 1] = stack[top - 1] != stack[top] ? 1.0 : 0.0;
        break;
      case Op::kAnd:
        --top;
        stack[top - 1] = (stack[top - 1] != 0 && stack[top] != 0) ? 1.0 : 0.0;
        break;
      case Op::kOr:
        --top;
        stack[top - 1] = (stack[top - 1] != 0 || stack[top] != 0) ? 1.0 : 0.0;
        break;
      case Op::kNot: stack[top - 1] = stack[top - 1] == 0 ? 1.0 : 0.0; break;
      case Op::kMin:
        --top;
        stack[top - 1] = std::min(stack[top - 1], stack[top]);
        break;
      case Op::kMax:
        --top;
        stack[top - 1] = std::max(stack[top - 1], stack[top]);
        break;
      case Op::kAbs: stack[top - 1] = std::fabs(stack[top - 1]); break;
      case Op::kLn:
      case Op::kLog10:
      case Op::kExp:
      case Op::kSqrt: {
        const double x = stack[top - 1];
        const double result = instruction.op == Op::kLn      ? std::log(x)
                              : instruction.op == Op::kLog10 ? std::log10(x)
                              : instruction.op == Op::kExp   ? std::exp(x)
                                                             : std::sqrt(x);
        if (!std::isfinite(result)) return stop(trap, TrapKind::kNotFinite, pc, x, 0, nullptr);
        stack[top - 1] = result;
        break;
      }
      case Op::kTable: {
        --top;
        const BandTable* table = tables_[instruction.operand].get();
        const double row_value = stack[top - 1];
        const double column_value = stack[top];
        const std::optional<std::size_t> row = find_band(table->rows(), row_value);
        if (!row) return stop(trap, TrapKind::kNoTableRow, pc, row_value, 0, table);
        const std::optional<std::size_t> column = find_band(table->columns(), column_value);
        if (!column) return stop(trap, TrapKind::kNoTableColumn, pc, column_value, 0, table);
        stack[top - 1] = table->cell(*row, *column);
        break;
      }
      case Op::kJumpIfFalse:
        --top;
        if (stack[top] == 0) pc = static_cast<std::size_t>(instruction.operand) - 1;
        break;
      case Op::kJump: pc = static_cast<std::size_t>(instruction.operand) - 1; break;
    }
  }
  assert(top == 1);
  return stack[0];
}

std::size_t ProgramBuilder::emit(Op op, std::uint32_t operand, std::uint32_t column) {
  program_.code_.push_back(Instruction{op, operand});
  program_.columns_.push_back(column);
  if (op == Op::kLoad && std::find(program_.slots_read_.begin(), program_.slots_read_.end(),
                                   operand) == program_.slots_read_.end()) {
    program_.slots_read_.push_back(operand);
  }
  return program_.code_.size() - 1;
}

std::uint32_t ProgramBuilder::constant(double value) {
  for (std::size_t i = 0; i < program_.constants_.size(); ++i) {
    // Bitwise equal only: 0.0 and -0.0 stay distinct.
    if (std::signbit(program_.constants_[i]) == std::signbit(value) &&
        program_.constants_[i] == value) {
      return static_cast<std::uint32_t>(i);
    }
  }
  program_.constants_.push_back(value);
  return static_cast<std::uint32_t>(program_.constants_.size() - 1);
}

std::uint32_t ProgramBuilder::table(std::shared_ptr<const BandTable> table) {
  for (std::size_t i = 0; i < program_.tables_.size(); ++i) {
    if (program_.tables_[i] == table) return static_cast<std::uint32_t>(i);
  }
  program_.tables_.push_back(std::move(table));
  return static_cast<std::uint32_t>(program_.tables_.size() - 1);
}

Program ProgramBuilder::finish(std::size_t max_stack_depth, std::size_t slot_count) {
  program_.max_stack_depth_ = max_stack_depth;
  program_.slot_count_ = slot_count;
  std::sort(program_.slots_read_.begin(), program_.slots_read_.end());
  return std::move(program_);
}

}  // namespace aliquot::calc
