#include "calc/compiler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace aliquot::calc {
namespace {

// Slots: a 0, b 1, tg 2, sex 3 (choices F, M); table t with rows [0, 10) [10, 20), columns
// (-inf, 5) [5, inf).
class CompilerTest : public ::testing::Test {
 protected:
  CompilerTest() {
    scope_.add_number("a", 0);
    scope_.add_number("b", 1);
    scope_.add_number("tg", 2);
    scope_.add_choice("sex", 3, {"F", "M"});
    Result<BandTable> table =
        BandTable::make("t", {*parse_band("[0, 10)"), *parse_band("[10, 20)")},
                        {*parse_band("(-inf, 5)"), *parse_band("[5, inf)")}, {1, 2, 3, 4});
    EXPECT_TRUE(table.has_value());
    scope_.add_table(std::make_shared<const BandTable>(std::move(*table)));
  }

  // The value of `text` with a = slots[0], b = slots[1], ...; fails the test when it traps.
  double value(const std::string& text, std::vector<double> slots = {0, 0, 0, 0},
               ValueKind kind = ValueKind::kNumber) {
    Result<Program> program = compile(text, scope_, kind);
    EXPECT_TRUE(program.has_value()) << text << ": " << program.error().to_string();
    if (!program) return std::nan("");
    Trap trap;
    const double result = program->evaluate(slots, trap);
    EXPECT_EQ(trap.kind, TrapKind::kNone) << text << ": " << trap.to_string();
    return result;
  }

  bool holds(const std::string& text, std::vector<double> slots) {
    return value(text, std::move(slots), ValueKind::kCondition) != 0;
  }

  Trap trap_of(const std::string& text, std::vector<double> slots) {
    Result<Program> program = compile(text, scope_, ValueKind::kNumber);
    EXPECT_TRUE(program.has_value()) << text;
    Trap trap;
    if (!program) return trap;
    const double result = program->evaluate(slots, trap);
    EXPECT_TRUE(std::isnan(result));
    return trap;
  }

  // "column: message" of a compile error, or "compiled" when there is none.
  std::string error_of(const std::string& text, ValueKind kind = ValueKind::kNumber) {
    Result<Program> program = compile(text, scope_, kind);
    if (program) return "compiled";
    return std::to_string(program.error().position()->column) + ": " + program.error().message();
  }

  Scope scope_;
};

TEST_F(CompilerTest, FollowsArithmeticPrecedenceAndAssociativity) {
  EXPECT_DOUBLE_EQ(value("1 + 2 * 3"), 7);
  EXPECT_DOUBLE_EQ(value("(1 + 2) * 3"), 9);
  EXPECT_DOUBLE_EQ(value("10 - 4 - 3"), 3);  // left to right
  EXPECT_DOUBLE_EQ(value("12 / 3 / 2"), 2);
  EXPECT_DOUBLE_EQ(value("2 ^ 3 ^ 2"), 512);  // right to left: 2^(3^2)
  EXPECT_DOUBLE_EQ(value("-2 ^ 2"), -4);      // the power binds tighter than the sign
  EXPECT_DOUBLE_EQ(value("2 ^ -1"), 0.5);
  EXPECT_DOUBLE_EQ(value("2 * -3"), -6);
  EXPECT_DOUBLE_EQ(value("--3"), 3);
  EXPECT_DOUBLE_EQ(value("1.5e2 + .5"), 150.5);
}

TEST_F(CompilerTest, ReadsTheMultiplicationAndMinusSignsAsPrinted) {
  EXPECT_DOUBLE_EQ(value("3 \xC3\x97 4 \xE2\x88\x92 2"), 10);  // 3 × 4 − 2
}

TEST_F(CompilerTest, ReadsInputsFromTheirSlots) {
  EXPECT_DOUBLE_EQ(value("a - b * 2", {10, 3, 0, 0}), 4);
  EXPECT_DOUBLE_EQ(value("tg / 5", {0, 0, 150, 0}), 30);
}

TEST_F(CompilerTest, ComputesTheFunctions) {
  EXPECT_DOUBLE_EQ(value("min(3, 1, 2)"), 1);
  EXPECT_DOUBLE_EQ(value("max(3, 1, 2)"), 3);
  EXPECT_DOUBLE_EQ(value("abs(-2.5)"), 2.5);
  EXPECT_DOUBLE_EQ(value("ln(exp(2))"), 2);
  EXPECT_DOUBLE_EQ(value("log10(1000)"), 3);
  EXPECT_DOUBLE_EQ(value("sqrt(16)"), 4);
  EXPECT_DOUBLE_EQ(value("if(a > 1, 10, 20)", {2, 0, 0, 0}), 10);
  EXPECT_DOUBLE_EQ(value("if(a > 1, 10, 20)", {1, 0, 0, 0}), 20);
}

TEST_F(CompilerTest, EvaluatesOnlyTheBranchOfIfThatIsTaken) {
  // 1 / a would trap when a is 0; the branch is not taken then.
  EXPECT_DOUBLE_EQ(value("if(a == 0, 0, 1 / a)", {0, 0, 0, 0}), 0);
  EXPECT_DOUBLE_EQ(value("if(a == 0, 0, 1 / a)", {4, 0, 0, 0}), 0.25);
  EXPECT_DOUBLE_EQ(value("1 + if(a > 0, if(b > 0, 1, 2), 3) * 10", {1, -1, 0, 0}), 21);
}

TEST_F(CompilerTest, EvaluatesConditions) {
  EXPECT_TRUE(holds("a < b", {1, 2, 0, 0}));
  EXPECT_FALSE(holds("a < b", {2, 2, 0, 0}));
  EXPECT_TRUE(holds("a <= b", {2, 2, 0, 0}));
  EXPECT_TRUE(holds("a >= b and a != 0", {2, 2, 0, 0}));
  EXPECT_FALSE(holds("a > b or a == 0", {2, 2, 0, 0}));
  EXPECT_TRUE(holds("not a > b", {2, 2, 0, 0}));
  // and binds tighter than or: true or (false and false).
  EXPECT_TRUE(holds("a == 1 or a == 2 and b == 3", {1, 0, 0, 0}));
  EXPECT_FALSE(holds("(a == 1 or a == 2) and b == 3", {1, 0, 0, 0}));
}

TEST_F(CompilerTest, ComparesAChoiceInputWithItsChoices) {
  // sex is the index of its choice: F 0, M 1.
  EXPECT_TRUE(holds("sex == \"F\"", {0, 0, 0, 0}));
  EXPECT_FALSE(holds("sex == 'F'", {0, 0, 0, 1}));
  EXPECT_TRUE(holds("'M' == sex", {0, 0, 0, 1}));
  EXPECT_TRUE(holds("sex != \"F\"", {0, 0, 0, 1}));
  EXPECT_DOUBLE_EQ(value("if(sex == \"F\", 0.7, 0.9)", {0, 0, 0, 1}), 0.9);
}

TEST_F(CompilerTest, LooksUpBandTables) {
  EXPECT_DOUBLE_EQ(value("table(t, a, b)", {0, -3, 0, 0}), 1);
  EXPECT_DOUBLE_EQ(value("table(t, a, b)", {9.99, 5, 0, 0}), 2);
  EXPECT_DOUBLE_EQ(value("table(t, a, b)", {10, 4.99, 0, 0}), 3);
  EXPECT_DOUBLE_EQ(value("table(t, a, b)", {19.99, 1e9, 0, 0}), 4);
}

TEST_F(CompilerTest, TrapsDivisionByZeroWithItsColumn) {
  const Trap trap = trap_of("10 / a", {0, 0, 0, 0});
  EXPECT_EQ(trap.kind, TrapKind::kDivisionByZero);
  EXPECT_EQ(trap.to_string(), "division by zero at column 4");
}

TEST_F(CompilerTest, TrapsOperationsWithoutAFiniteValue) {
  EXPECT_EQ(trap_of("ln(a)", {0, 0, 0, 0}).to_string(), "ln(0) has no finite value at column 1");
  EXPECT_EQ(trap_of("1 + log10(a)", {-1, 0, 0, 0}).to_string(),
            "log10(-1) has no finite value at column 5");
  EXPECT_EQ(trap_of("sqrt(a)", {-4, 0, 0, 0}).to_string(),
            "sqrt(-4) has no finite value at column 1");
  EXPECT_EQ(trap_of("a ^ -0.3", {0, 0, 0, 0}).to_string(),
            "0 ^ -0.3 has no finite value at column 3");
  EXPECT_EQ(trap_of("exp(a)", {1000, 0, 0, 0}).to_string(),
            "exp(1000) has no finite value at column 1");
}

TEST_F(CompilerTest, TrapsTableLookupsOutsideTheBands) {
  EXPECT_EQ(trap_of("table(t, a, b)", {20, 0, 0, 0}).to_string(),
            "table 't' has no row for 20 (its rows cover [0, 20)) at column 1");
  EXPECT_EQ(trap_of("table(t, a, b)", {-0.5, 0, 0, 0}).to_string(),
            "table 't' has no row for -0.5 (its rows cover [0, 20)) at column 1");
  EXPECT_EQ(trap_of("table(t, a, b)", {1, std::nan(""), 0, 0}).to_string(),
            "table 't' has no column for NaN (its columns cover (-inf, inf)) at column 1");
}

TEST_F(CompilerTest, RecordsTheSlotsItReads) {
  Result<Program> program = compile("a + a * tg", scope_, ValueKind::kNumber);
  ASSERT_TRUE(program.has_value());
  EXPECT_EQ(program->slots_read(), (std::vector<std::uint32_t>{0, 2}));
}

TEST_F(CompilerTest, NamesSyntaxErrorsWithTheirColumn) {
  EXPECT_EQ(error_of(""), "1: the expression is empty");
  EXPECT_EQ(error_of("   "), "1: the expression is empty");
  EXPECT_EQ(error_of("a +"), "4: expected a value, found the end of the expression");
  EXPECT_EQ(error_of("a + * b"), "5: expected a value, found '*'");
  EXPECT_EQ(error_of("(a + b"),
            "7: expected ')' to close the '(' at column 1, found the end of the expression");
  EXPECT_EQ(error_of("a b"), "3: expected an operator or the end of the expression, found 'b'");
  EXPECT_EQ(error_of("a = b"),
            "3: '=' does not compare: write '==' (or name a step in its own 'name' key)");
  EXPECT_EQ(error_of("a ! b"), "3: '!' is not an operator: write 'not' or '!='");
  EXPECT_EQ(error_of("a && b"), "3: '&' is not an operator: write 'and' or 'or'");
  EXPECT_EQ(error_of("a < b < 3", ValueKind::kCondition),
            "7: comparisons do not chain: write 'a < b and b < c' instead of 'a < b < c'");
  EXPECT_EQ(error_of("1.2.3"), "1: invalid number '1.2.3'");
  EXPECT_EQ(error_of("a * 2x"), "5: invalid number '2x'");
  EXPECT_EQ(error_of("a @ b"), "3: unexpected character '@'");
  EXPECT_EQ(error_of("sex == 'F"), "8: unterminated string: no closing '");
  EXPECT_EQ(error_of("min(a b)"),
            "7: expected ',' or ')' in the arguments of 'min' (opened at column 4), found 'b'");
  EXPECT_EQ(error_of("+3"), "1: a number needs no '+' sign: write 3, not +3");
  EXPECT_EQ(error_of("and a", ValueKind::kCondition), "1: expected a value before 'and'");
  EXPECT_EQ(error_of("a > 1 and", ValueKind::kCondition),
            "10: expected a value, found the end of the expression");
}

TEST_F(CompilerTest, CountsColumnsInCharactersNotBytes) {
  // × and − are two and three bytes long; é is two.
  EXPECT_EQ(error_of("a \xC3\x97 b \xE2\x88\x92 \xC3\xA9"), "9: unexpected character '\xC3\xA9'");
}

TEST_F(CompilerTest, NamesUnknownNamesAndSuggestsTheNearest) {
  EXPECT_EQ(error_of("tgg / 5"), "1: unknown name 'tgg' (did you mean 'tg'?)");
  EXPECT_EQ(error_of("a + cholesterol"),
            "5: unknown name 'cholesterol'; the names are: a, b, tg, sex");
  EXPECT_EQ(error_of("sqr(a)"), "1: unknown function 'sqr' (did you mean 'sqrt'?)");
  EXPECT_EQ(error_of("a(1)"),
            "1: 'a' is not a function; the functions are: abs, exp, if, ln, log10, max, min, sqrt, "
            "table");
  EXPECT_EQ(error_of("ln + 1"), "1: 'ln' is a function: call it, e.g. ln(x)");
  EXPECT_EQ(error_of("t * 2"),
            "1: 't' is a table: look it up with table(t, row value, column value)");
  EXPECT_EQ(error_of("table(u, a, b)"), "7: unknown table 'u'; the tables are: t");
  EXPECT_EQ(error_of("table(2, a, b)"),
            "7: the first argument of 'table' must be the name of a table; the tables are: t");
}

TEST_F(CompilerTest, ChecksTheNumberOfArguments) {
  EXPECT_EQ(error_of("min(a)"), "1: 'min' takes at least 2 arguments, not 1");
  EXPECT_EQ(error_of("sqrt(a, b)"), "1: 'sqrt' takes 1 argument, not 2");
  EXPECT_EQ(error_of("if(a > 1, 2)"), "1: 'if' takes 3 arguments, not 2");
  EXPECT_EQ(error_of("abs()"), "1: 'abs' takes 1 argument, not 0");
}

TEST_F(CompilerTest, RefusesToMixNumbersAndConditions) {
  EXPECT_EQ(error_of("a > 1"),
            "1: the expression must give a number, but gives a condition (true or false)");
  EXPECT_EQ(error_of("a + 1", ValueKind::kCondition),
            "1: the expression must give a condition (true or false), but gives a number");
  EXPECT_EQ(error_of("(a > 1) + 2"),
            "1: the left side of '+' must be a number, not a condition (true or false)");
  EXPECT_EQ(error_of("a and b > 1", ValueKind::kCondition),
            "1: the left side of 'and' must be a condition (true or false), not a number");
  EXPECT_EQ(error_of("not a", ValueKind::kCondition),
            "5: the operand of 'not' must be a condition (true or false), not a number");
  EXPECT_EQ(error_of("if(a, 1, 2)"),
            "4: the first argument of 'if' must be a condition (true or false), not a number");
  EXPECT_EQ(error_of("if(a > 1, 1, b > 2)"),
            "14: the branches of 'if' must give the same kind: argument 2 gives a number, "
            "argument 3 gives a condition (true or false)");
  EXPECT_EQ(error_of("sqrt(a > 1)"),
            "6: argument 1 of 'sqrt' must be a number, not a condition (true or false)");
  EXPECT_EQ(error_of("(a > 1) == (b > 1)", ValueKind::kCondition),
            "1: the left side of '==' must be a number, not a condition (true or false)");
}

TEST_F(CompilerTest, RefusesStringsOutsideComparisonsWithChoices) {
  EXPECT_EQ(error_of("sex * 2"),
            "1: the left side of '*' must be a number, not an input with choices: compare 'sex' "
            "with one of its choices (\"F\", \"M\"), e.g. sex == \"F\"");
  EXPECT_EQ(error_of("sex == \"X\"", ValueKind::kCondition),
            "8: \"X\" is not a choice of 'sex'; its choices are \"F\", \"M\"");
  EXPECT_EQ(error_of("a == \"F\"", ValueKind::kCondition),
            "1: a string (\"F\") can only be compared to an input with choices, not to a number");
  EXPECT_EQ(error_of("\"F\" + 1"),
            "1: a string (\"F\") can only be compared with == or != to an input with choices, "
            "e.g. sex == \"F\"");
  EXPECT_EQ(error_of("'F' == 'M'", ValueKind::kCondition),
            "5: '==' compares two strings; compare an input with choices to a string");
  EXPECT_EQ(error_of("sex < 1", ValueKind::kCondition),
            "1: the left side of '<' must be a number, not an input with choices: compare 'sex' "
            "with one of its choices (\"F\", \"M\"), e.g. sex == \"F\"");
}

TEST_F(CompilerTest, RefusesExpressionsTooDeepForItsStack) {
  // Nested parentheses beyond the parser's limit.
  std::string nested;
  for (int i = 0; i < 70; ++i) nested.push_back('(');
  nested.push_back('a');
  for (int i = 0; i < 70; ++i) nested.push_back(')');
  EXPECT_EQ(error_of(nested), "65: the expression is nested more than 64 levels deep");
  // 40 pending additions need 41 values on the stack at once.
  std::string deep = "a";
  for (int i = 0; i < 40; ++i) deep = "1 + (" + deep + ")";
  EXPECT_EQ(error_of(deep),
            "1: the expression needs more than 32 values at once: split it into steps");
  // The same sum written left to right needs two.
  std::string flat = "a";
  for (int i = 0; i < 40; ++i) flat += " + 1";
  EXPECT_DOUBLE_EQ(value(flat, {2, 0, 0, 0}), 42);
}

TEST_F(CompilerTest, AnswersArbitraryTextWithAProgramOrAnErrorInsideIt) {
  // Fragments of the language and of mistakes, joined at random (fixed seed).
  const std::vector<std::string> pieces = {"a",        "b",
                                           "tg",       "sex",
                                           "t",        "1",
                                           "0",        "2.5",
                                           "1e3",      "\"F\"",
                                           "'M'",      "(",
                                           ")",        ",",
                                           "+",        "-",
                                           "*",        "/",
                                           "^",        "<",
                                           "<=",       "==",
                                           "!=",       "and",
                                           "or",       "not",
                                           "if",       "min",
                                           "max",      "table",
                                           "sqrt",     "ln",
                                           " ",        "=",
                                           "@",        "\"",
                                           "\xC3\x97", "\xE2\x88\x92",
                                           "\xC3",     "1.2.3",
                                           "\n"};
  std::uint32_t state = 20260301;
  const auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  int compiled = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int length = static_cast<int>(next() % 12);
    for (int j = 0; j < length; ++j) text += pieces[next() % pieces.size()];
    for (const ValueKind kind : {ValueKind::kNumber, ValueKind::kCondition}) {
      Result<Program> program = compile(text, scope_, kind);
      if (program) {
        ++compiled;
        Trap trap;
        const double result = program->evaluate(std::vector<double>{1, 2, 3, 0}, trap);
        EXPECT_TRUE(trap.kind != TrapKind::kNone || !std::isnan(result)) << text;
        continue;
      }
      ASSERT_TRUE(program.error().position().has_value()) << text;
      const int column = program.error().position()->column;
      EXPECT_GE(column, 1) << text;
      EXPECT_LE(column, static_cast<int>(text.size()) + 1) << text;
      EXPECT_FALSE(program.error().message().empty()) << text;
    }
  }
  EXPECT_GT(compiled, 100);
}

TEST(ReservedWords, AreTheOperatorsAndFunctions) {
  for (const char* word :
       {"and", "or", "not", "if", "min", "max", "abs", "ln", "log10", "exp", "sqrt", "table"}) {
    EXPECT_TRUE(is_reserved_word(word)) << word;
  }
  EXPECT_FALSE(is_reserved_word("tg"));
  EXPECT_FALSE(is_reserved_word("log"));
}

}  // namespace
}  // namespace aliquot::calc
