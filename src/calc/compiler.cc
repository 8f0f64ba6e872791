#include "calc/compiler.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <utility>

#include "core/text.h"

namespace aliquot::calc {
namespace {

// --- words ------------------------------------------------------------------------------------

struct Function {
  std::string_view name;
  Op op;
  std::size_t min_arguments;
  std::size_t max_arguments;  // 0: no limit
};

// `if` and `table` are compiled specially; their `op` is unused.
constexpr std::array kFunctions = {
    Function{"abs", Op::kAbs, 1, 1},     Function{"exp", Op::kExp, 1, 1},
    Function{"if", Op::kJump, 3, 3},     Function{"ln", Op::kLn, 1, 1},
    Function{"log10", Op::kLog10, 1, 1}, Function{"max", Op::kMax, 2, 0},
    Function{"min", Op::kMin, 2, 0},     Function{"sqrt", Op::kSqrt, 1, 1},
    Function{"table", Op::kTable, 3, 3},
};

const Function* find_function(std::string_view name) {
  for (const Function& function : kFunctions) {
    if (function.name == name) return &function;
  }
  return nullptr;
}

std::vector<std::string> function_names() {
  std::vector<std::string> out;
  for (const Function& function : kFunctions) out.emplace_back(function.name);
  return out;
}

std::string function_list() {
  std::string out;
  for (const Function& function : kFunctions) {
    if (!out.empty()) out += ", ";
    out += function.name;
  }
  return out;
}

bool is_keyword(std::string_view name) { return name == "and" || name == "or" || name == "not"; }

using core::in_quotes;

// " (did you mean 'tg'?)" or "; the names are: a, b" or "" when there are none.
std::string suggestion(std::string_view name, const std::vector<std::string>& candidates,
                       std::string_view what) {
  const std::string nearest = core::nearest_spelling(name, candidates, core::LetterCase::kMatters);
  if (!nearest.empty()) return " (did you mean " + in_quotes(nearest) + "?)";
  if (candidates.empty()) return "";
  return "; the " + std::string(what) + " are: " + core::join(candidates);
}

// --- tokens -----------------------------------------------------------------------------------

enum class TokenKind {
  kNumber,
  kString,
  kName,
  kLeftParen,
  kRightParen,
  kComma,
  kPlus,
  kMinus,
  kTimes,
  kDivide,
  kPower,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,
  kNotEqual,
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // the name, the string's content, or the spelling
  double number = 0;
  std::uint32_t column = 0;  // 1-based, in characters
};

Error error_at(std::uint32_t column, std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message),
               SourcePosition{"", 1, static_cast<int>(column)});
}

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

// The byte length of the UTF-8 sequence starting with `lead` (1 for stray bytes).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return lead < 0xF0 ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> tokens;
    while (true) {
      skip_space();
      Token token;
      token.column = column_;
      if (at_ >= text_.size()) {
        token.kind = TokenKind::kEnd;
        tokens.push_back(token);
        return tokens;
      }
      const char c = text_[at_];
      if (is_digit(c) || (c == '.' && at_ + 1 < text_.size() && is_digit(text_[at_ + 1]))) {
        ALIQUOT_RETURN_IF_ERROR(number(token));
      } else if (is_name_start(c)) {
        const std::size_t start = at_;
        while (at_ < text_.size() && is_name_char(text_[at_])) advance(1);
        token.kind = TokenKind::kName;
        token.text = std::string(text_.substr(start, at_ - start));
      } else if (c == '"' || c == '\'') {
        ALIQUOT_RETURN_IF_ERROR(string(token, c));
      } else {
        ALIQUOT_RETURN_IF_ERROR(symbol(token));
      }
      tokens.push_back(std::move(token));
    }
  }

 private:
  void advance(std::size_t bytes) {
    at_ += bytes;
    ++column_;
  }

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      // A line break inside a multi-line TOML string counts as one column, like a space.
      advance(1);
    }
  }

  bool starts_with(std::string_view prefix) const {
    return text_.substr(at_, prefix.size()) == prefix;
  }

  Result<void> number(Token& token) {
    const std::size_t start = at_;
    while (at_ < text_.size() && is_digit(text_[at_])) advance(1);
    if (at_ < text_.size() && text_[at_] == '.') {
      advance(1);
      while (at_ < text_.size() && is_digit(text_[at_])) advance(1);
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      std::size_t look = at_ + 1;
      if (look < text_.size() && (text_[look] == '+' || text_[look] == '-')) ++look;
      if (look < text_.size() && is_digit(text_[look])) {
        advance(look - at_);
        while (at_ < text_.size() && is_digit(text_[at_])) advance(1);
      }
    }
    // "1.2.3", "2x", "1e": a number must not run into letters, digits or another point.
    std::size_t end = at_;
    while (end < text_.size() && (is_name_char(text_[end]) || text_[end] == '.')) ++end;
    const std::string_view spelling = text_.substr(start, end - start);
    if (end != at_) return error_at(token.column, "invalid number " + in_quotes(spelling));
    double value = 0;
    const auto result = std::from_chars(spelling.data(), spelling.data() + spelling.size(), value);
    if (result.ec != std::errc() || !std::isfinite(value)) {
      return error_at(token.column, "invalid number " + in_quotes(spelling));
    }
    token.kind = TokenKind::kNumber;
    token.number = value;
    token.text = std::string(spelling);
    return ok();
  }

  Result<void> string(Token& token, char quote) {
    advance(1);
    const std::size_t start = at_;
    while (at_ < text_.size() && text_[at_] != quote) {
      advance(sequence_length(static_cast<unsigned char>(text_[at_])));
    }
    if (at_ >= text_.size()) {
      return error_at(token.column, std::string("unterminated string: no closing ") + quote);
    }
    token.kind = TokenKind::kString;
    token.text = std::string(text_.substr(start, at_ - start));
    advance(1);
    return ok();
  }

  Result<void> symbol(Token& token) {
    struct Spelling {
      std::string_view text;
      TokenKind kind;
    };
    // Longest first; × (U+00D7) and − (U+2212) as printed in the references.
    static constexpr std::array kSymbols = {
        Spelling{"<=", TokenKind::kLessEqual},   Spelling{">=", TokenKind::kGreaterEqual},
        Spelling{"==", TokenKind::kEqual},       Spelling{"!=", TokenKind::kNotEqual},
        Spelling{"\xC3\x97", TokenKind::kTimes}, Spelling{"\xE2\x88\x92", TokenKind::kMinus},
        Spelling{"(", TokenKind::kLeftParen},    Spelling{")", TokenKind::kRightParen},
        Spelling{",", TokenKind::kComma},        Spelling{"+", TokenKind::kPlus},
        Spelling{"-", TokenKind::kMinus},        Spelling{"*", TokenKind::kTimes},
        Spelling{"/", TokenKind::kDivide},       Spelling{"^", TokenKind::kPower},
        Spelling{"<", TokenKind::kLess},         Spelling{">", TokenKind::kGreater},
    };
    for (const Spelling& spelling : kSymbols) {
      if (!starts_with(spelling.text)) continue;
      token.kind = spelling.kind;
      token.text = std::string(spelling.text);
      at_ += spelling.text.size();
      ++column_;
      if (spelling.text.size() == 2 && static_cast<unsigned char>(spelling.text[0]) < 0x80) {
        ++column_;  // two ASCII characters
      }
      return ok();
    }
    if (starts_with("=")) {
      return error_at(token.column,
                      "'=' does not compare: write '==' (or name a step in its own "
                      "'name' key)");
    }
    if (starts_with("!"))
      return error_at(token.column, "'!' is not an operator: write 'not' or '!='");
    if (starts_with("&") || starts_with("|")) {
      return error_at(token.column,
                      in_quotes(text_.substr(at_, 1)) + " is not an operator: write 'and' or 'or'");
    }
    const std::size_t length =
        std::min(sequence_length(static_cast<unsigned char>(text_[at_])), text_.size() - at_);
    return error_at(token.column, "unexpected character " + in_quotes(text_.substr(at_, length)));
  }

  std::string_view text_;
  std::size_t at_ = 0;
  std::uint32_t column_ = 1;
};

// --- syntax tree --------------------------------------------------------------------------------

enum class NodeKind { kNumber, kString, kName, kNegate, kNot, kBinary, kCall };

struct Node {
  NodeKind kind = NodeKind::kNumber;
  TokenKind op = TokenKind::kEnd;  // kBinary
  std::string text;                // name, string content, operator spelling, function name
  double number = 0;
  std::uint32_t column = 0;  // the operator, the function name, the literal
  std::uint32_t start = 0;   // the first character of the whole node
  std::vector<std::size_t> children;
};

// Deeper nesting than this is refused rather than risking the parser's own stack.
constexpr int kMaxNesting = 64;

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd: return "the end of the expression";
    case TokenKind::kNumber: return "number " + in_quotes(token.text);
    case TokenKind::kString: return "string \"" + token.text + "\"";
    case TokenKind::kName: return in_quotes(token.text);
    default: return in_quotes(token.text);
  }
}

std::string spelling(TokenKind op) {
  switch (op) {
    case TokenKind::kPlus: return "+";
    case TokenKind::kMinus: return "-";
    case TokenKind::kTimes: return "*";
    case TokenKind::kDivide: return "/";
    case TokenKind::kPower: return "^";
    case TokenKind::kLess: return "<";
    case TokenKind::kLessEqual: return "<=";
    case TokenKind::kGreater: return ">";
    case TokenKind::kGreaterEqual: return ">=";
    case TokenKind::kEqual: return "==";
    case TokenKind::kNotEqual: return "!=";
    default: return "?";
  }
}

bool is_comparison(TokenKind kind) {
  return kind == TokenKind::kLess || kind == TokenKind::kLessEqual || kind == TokenKind::kGreater ||
         kind == TokenKind::kGreaterEqual || kind == TokenKind::kEqual ||
         kind == TokenKind::kNotEqual;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  // Parses the whole expression; returns the root node.
  Result<std::size_t> run() {
    if (peek().kind == TokenKind::kEnd) return error_at(1, "the expression is empty");
    ALIQUOT_ASSIGN_OR_RETURN(const std::size_t root, parse_or());
    if (peek().kind != TokenKind::kEnd) {
      if (is_comparison(peek().kind)) {
        return error_at(peek().column,
                        "comparisons do not chain: write 'a < b and b < c' instead of 'a < b < c'");
      }
      return error_at(peek().column, "expected an operator or the end of the expression, found " +
                                         describe(peek()));
    }
    return root;
  }

  std::vector<Node>& nodes() { return nodes_; }

 private:
  const Token& peek() const { return tokens_[at_]; }
  const Token& next() { return tokens_[at_++]; }
  bool peek_word(std::string_view word) const {
    return peek().kind == TokenKind::kName && peek().text == word;
  }

  std::size_t add(Node node) {
    nodes_.push_back(std::move(node));
    return nodes_.size() - 1;
  }

  std::size_t binary(TokenKind op, std::string text, std::uint32_t column, std::size_t left,
                     std::size_t right) {
    Node node;
    node.kind = NodeKind::kBinary;
    node.op = op;
    node.text = std::move(text);
    node.column = column;
    node.start = nodes_[left].start;
    node.children = {left, right};
    return add(std::move(node));
  }

  Result<void> enter(std::uint32_t column) {
    if (++nesting_ > kMaxNesting) {
      return error_at(column, "the expression is nested more than " + std::to_string(kMaxNesting) +
                                  " levels deep");
    }
    return ok();
  }

  // or := and ('or' and)*
  Result<std::size_t> parse_or() {
    ALIQUOT_RETURN_IF_ERROR(enter(peek().column));
    ALIQUOT_ASSIGN_OR_RETURN(std::size_t left, parse_and());
    while (peek_word("or")) {
      const std::uint32_t column = next().column;
      ALIQUOT_ASSIGN_OR_RETURN(const std::size_t right, parse_and());
      left = binary(TokenKind::kName, "or", column, left, right);
    }
    --nesting_;
    return left;
  }

  // and := not ('and' not)*
  Result<std::size_t> parse_and() {
    ALIQUOT_ASSIGN_OR_RETURN(std::size_t left, parse_not());
    while (peek_word("and")) {
      const std::uint32_t column = next().column;
      ALIQUOT_ASSIGN_OR_RETURN(const std::size_t right, parse_not());
      left = binary(TokenKind::kName, "and", column, left, right);
    }
    return left;
  }

  // not := 'not' not | comparison
  Result<std::size_t> parse_not() {
    if (!peek_word("not")) return parse_comparison();
    const std::uint32_t column = next().column;
    ALIQUOT_RETURN_IF_ERROR(enter(column));
    ALIQUOT_ASSIGN_OR_RETURN(const std::size_t operand, parse_not());
    --nesting_;
    return unary(NodeKind::kNot, "not", column, operand);
  }

  // comparison := sum (op sum)?
  Result<std::size_t> parse_comparison() {
    ALIQUOT_ASSIGN_OR_RETURN(const std::size_t left, parse_sum());
    if (!is_comparison(peek().kind)) return left;
    const Token op = next();
    ALIQUOT_ASSIGN_OR_RETURN(const std::size_t right, parse_sum());
    if (is_comparison(peek().kind)) {
      return error_at(peek().column,
                      "comparisons do not chain: write 'a < b and b < c' instead of 'a < b < c'");
    }
    return binary(op.kind, spelling(op.kind), op.column, left, right);
  }

  // sum := product (('+' | '-') product)*
  Result<std::size_t> parse_sum() {
    ALIQUOT_ASSIGN_OR_RETURN(std::size_t left, parse_product());
    while (peek().kind == TokenKind::kPlus || peek().kind == TokenKind::kMinus) {
      const Token op = next();
      ALIQUOT_ASSIGN_OR_RETURN(const std::size_t right, parse_product());
      left = binary(op.kind, spelling(op.kind), op.column, left, right);
    }
    return left;
  }

  // product := unary (('*' | '/') unary)*
  Result<std::size_t> parse_product() {
    ALIQUOT_ASSIGN_OR_RETURN(std::size_t left, parse_unary());
    while (peek().kind == TokenKind::kTimes || peek().kind == TokenKind::kDivide) {
      const Token op = next();
      ALIQUOT_ASSIGN_OR_RETURN(const std::size_t right, parse_unary());
      left = binary(op.kind, spelling(op.kind), op.column, left, right);
    }
    return left;
  }

  // unary := '-' unary | power      (so -2^2 is -(2^2))
  Result<std::size_t> parse_unary() {
    if (peek().kind == TokenKind::kPlus) {
      return error_at(peek().column, "a number needs no '+' sign: write 3, not +3");
    }
    if (peek().kind != TokenKind::kMinus) return parse_power();
    const std::uint32_t column = next().column;
    ALIQUOT_RETURN_IF_ERROR(enter(column));
    ALIQUOT_ASSIGN_OR_RETURN(const std::size_t operand, parse_unary());
    --nesting_;
    return unary(NodeKind::kNegate, "-", column, operand);
  }

  // An operator written before its one operand, at `column`.
  std::size_t unary(NodeKind kind, std::string_view text, std::uint32_t column,
                    std::size_t operand) {
    Node node;
    node.kind = kind;
    node.text = std::string(text);
    node.column = column;
    node.start = column;
    node.children = {operand};
    return add(std::move(node));
  }

  // power := primary ('^' unary)?   (right-associative: 2^3^2 is 2^(3^2))
  Result<std::size_t> parse_power() {
    ALIQUOT_ASSIGN_OR_RETURN(const std::size_t base, parse_primary());
    if (peek().kind != TokenKind::kPower) return base;
    const Token op = next();
    ALIQUOT_RETURN_IF_ERROR(enter(op.column));
    ALIQUOT_ASSIGN_OR_RETURN(const std::size_t exponent, parse_unary());
    --nesting_;
    return binary(op.kind, "^", op.column, base, exponent);
  }

  // primary := number | string | name | name '(' arguments ')' | '(' or ')'
  Result<std::size_t> parse_primary() {
    const Token token = next();
    Node node;
    node.column = token.column;
    node.start = token.column;
    switch (token.kind) {
      case TokenKind::kNumber:
        node.kind = NodeKind::kNumber;
        node.number = token.number;
        node.text = token.text;
        return add(std::move(node));
      case TokenKind::kString:
        node.kind = NodeKind::kString;
        node.text = token.text;
        return add(std::move(node));
      case TokenKind::kLeftParen: {
        ALIQUOT_ASSIGN_OR_RETURN(const std::size_t inner, parse_or());
        if (peek().kind != TokenKind::kRightParen) {
          return error_at(peek().column, "expected ')' to close the '(' at column " +
                                             std::to_string(token.column) + ", found " +
                                             describe(peek()));
        }
        next();
        nodes_[inner].start = token.column;
        return inner;
      }
      case TokenKind::kName: {
        if (is_keyword(token.text)) {
          return error_at(token.column, "expected a value before " + in_quotes(token.text));
        }
        node.text = token.text;
        if (peek().kind != TokenKind::kLeftParen) {
          node.kind = NodeKind::kName;
          return add(std::move(node));
        }
        const Token open = next();
        node.kind = NodeKind::kCall;
        if (peek().kind != TokenKind::kRightParen) {
          while (true) {
            ALIQUOT_ASSIGN_OR_RETURN(const std::size_t argument, parse_or());
            node.children.push_back(argument);
            if (peek().kind == TokenKind::kComma) {
              next();
              continue;
            }
            if (peek().kind == TokenKind::kRightParen) break;
            return error_at(peek().column, "expected ',' or ')' in the arguments of " +
                                               in_quotes(token.text) + " (opened at column " +
                                               std::to_string(open.column) + "), found " +
                                               describe(peek()));
          }
        }
        next();
        return add(std::move(node));
      }
      case TokenKind::kEnd:
        return error_at(token.column, "expected a value, found the end of the expression");
      default: return error_at(token.column, "expected a value, found " + describe(token));
    }
  }

  std::vector<Token> tokens_;
  std::size_t at_ = 0;
  std::vector<Node> nodes_;
  int nesting_ = 0;
};

// --- kinds and code ---------------------------------------------------------------------------

enum class Kind { kNumber, kCondition, kChoice };

std::string kind_text(Kind kind) {
  switch (kind) {
    case Kind::kNumber: return "a number";
    case Kind::kCondition: return "a condition (true or false)";
    case Kind::kChoice: return "an input with choices";
  }
  return "";
}

std::string choice_list(const std::vector<std::string>& choices) {
  std::string out;
  for (const std::string& choice : choices) out += (out.empty() ? "\"" : ", \"") + choice + "\"";
  return out;
}

struct Typed {
  Kind kind = Kind::kNumber;
  const Scope::Name* choice = nullptr;  // kChoice: the input
};

class Emitter {
 public:
  Emitter(std::string_view text, const Scope& scope, const std::vector<Node>& nodes)
      : builder_(std::string(text)), scope_(scope), nodes_(nodes) {}

  Result<Program> run(std::size_t root, ValueKind want) {
    ALIQUOT_ASSIGN_OR_RETURN(const Typed typed, emit(root));
    const Kind wanted = want == ValueKind::kNumber ? Kind::kNumber : Kind::kCondition;
    if (typed.kind != wanted) {
      return error_at(nodes_[root].start, "the expression must give " + kind_text(wanted) +
                                              ", but gives " + kind_text(typed.kind));
    }
    if (max_depth_ > kMaxStackDepth) {
      return error_at(1, "the expression needs more than " + std::to_string(kMaxStackDepth) +
                             " values at once: split it into steps");
    }
    return builder_.finish(max_depth_, scope_.slot_count());
  }

 private:
  void push(Op op, std::uint32_t operand, std::uint32_t column) {
    builder_.emit(op, operand, column);
    max_depth_ = std::max(max_depth_, ++depth_);
  }
  // An operation taking `pops` values and leaving one.
  void apply(Op op, std::size_t pops, std::uint32_t column, std::uint32_t operand = 0) {
    builder_.emit(op, operand, column);
    depth_ -= pops - 1;
  }

  Result<Typed> emit_number(std::size_t index, std::string_view what) {
    ALIQUOT_ASSIGN_OR_RETURN(const Typed typed, emit(index));
    if (typed.kind != Kind::kNumber) return wrong_kind(index, typed, Kind::kNumber, what);
    return typed;
  }
  Result<Typed> emit_condition(std::size_t index, std::string_view what) {
    ALIQUOT_ASSIGN_OR_RETURN(const Typed typed, emit(index));
    if (typed.kind != Kind::kCondition) return wrong_kind(index, typed, Kind::kCondition, what);
    return typed;
  }

  Error wrong_kind(std::size_t index, const Typed& typed, Kind wanted, std::string_view what) {
    std::string message =
        std::string(what) + " must be " + kind_text(wanted) + ", not " + kind_text(typed.kind);
    if (typed.kind == Kind::kChoice) {
      message += ": compare " + in_quotes(typed.choice->name) + " with one of its choices (" +
                 choice_list(typed.choice->choices) + "), e.g. " + typed.choice->name + " == \"" +
                 typed.choice->choices.front() + "\"";
    }
    return error_at(nodes_[index].start, std::move(message));
  }

  Result<Typed> emit(std::size_t index) {
    const Node& node = nodes_[index];
    switch (node.kind) {
      case NodeKind::kNumber:
        push(Op::kConstant, builder_.constant(node.number), node.column);
        return Typed{Kind::kNumber};
      case NodeKind::kString:
        return error_at(node.column, "a string (\"" + node.text +
                                         "\") can only be compared with == or != to an input "
                                         "with choices, e.g. sex == \"F\"");
      case NodeKind::kName: return emit_name(node);
      case NodeKind::kNegate: {
        ALIQUOT_RETURN_IF_ERROR(emit_number(node.children[0], "the operand of '-'"));
        apply(Op::kNegate, 1, node.column);
        return Typed{Kind::kNumber};
      }
      case NodeKind::kNot: {
        ALIQUOT_RETURN_IF_ERROR(emit_condition(node.children[0], "the operand of 'not'"));
        apply(Op::kNot, 1, node.column);
        return Typed{Kind::kCondition};
      }
      case NodeKind::kBinary: return emit_binary(node);
      case NodeKind::kCall: return emit_call(node);
    }
    return error_at(node.column, "unknown expression");
  }

  Result<Typed> emit_name(const Node& node) {
    if (const Scope::Name* name = scope_.find(node.text)) {
      push(Op::kLoad, name->slot, node.column);
      return Typed{name->choices.empty() ? Kind::kNumber : Kind::kChoice,
                   name->choices.empty() ? nullptr : name};
    }
    if (scope_.find_table(node.text) != nullptr) {
      return error_at(node.column, in_quotes(node.text) + " is a table: look it up with table(" +
                                       node.text + ", row value, column value)");
    }
    if (find_function(node.text) != nullptr) {
      return error_at(node.column,
                      in_quotes(node.text) + " is a function: call it, e.g. " + node.text + "(x)");
    }
    return error_at(node.column, "unknown name " + in_quotes(node.text) +
                                     suggestion(node.text, scope_.names(), "names"));
  }

  Result<Typed> emit_binary(const Node& node) {
    const std::size_t left = node.children[0];
    const std::size_t right = node.children[1];
    const std::string side_left = "the left side of " + in_quotes(node.text);
    const std::string side_right = "the right side of " + in_quotes(node.text);
    if (node.text == "and" || node.text == "or") {
      ALIQUOT_RETURN_IF_ERROR(emit_condition(left, side_left));
      ALIQUOT_RETURN_IF_ERROR(emit_condition(right, side_right));
      apply(node.text == "and" ? Op::kAnd : Op::kOr, 2, node.column);
      return Typed{Kind::kCondition};
    }
    if (node.op == TokenKind::kEqual || node.op == TokenKind::kNotEqual) {
      const Op op = node.op == TokenKind::kEqual ? Op::kEqual : Op::kNotEqual;
      const bool left_string = nodes_[left].kind == NodeKind::kString;
      const bool right_string = nodes_[right].kind == NodeKind::kString;
      if (left_string && right_string) {
        return error_at(node.column, in_quotes(node.text) +
                                         " compares two strings; compare an input "
                                         "with choices to a string");
      }
      if (left_string || right_string) {
        return emit_choice_comparison(node, left_string ? right : left, left_string ? left : right,
                                      op);
      }
      ALIQUOT_ASSIGN_OR_RETURN(const Typed left_typed, emit(left));
      if (left_typed.kind != Kind::kNumber) {
        return wrong_kind(left, left_typed, Kind::kNumber, side_left);
      }
      ALIQUOT_RETURN_IF_ERROR(emit_number(right, side_right));
      apply(op, 2, node.column);
      return Typed{Kind::kCondition};
    }
    ALIQUOT_RETURN_IF_ERROR(emit_number(left, side_left));
    ALIQUOT_RETURN_IF_ERROR(emit_number(right, side_right));
    switch (node.op) {
      case TokenKind::kPlus: apply(Op::kAdd, 2, node.column); return Typed{Kind::kNumber};
      case TokenKind::kMinus: apply(Op::kSubtract, 2, node.column); return Typed{Kind::kNumber};
      case TokenKind::kTimes: apply(Op::kMultiply, 2, node.column); return Typed{Kind::kNumber};
      case TokenKind::kDivide: apply(Op::kDivide, 2, node.column); return Typed{Kind::kNumber};
      case TokenKind::kPower: apply(Op::kPower, 2, node.column); return Typed{Kind::kNumber};
      case TokenKind::kLess: apply(Op::kLess, 2, node.column); break;
      case TokenKind::kLessEqual: apply(Op::kLessEqual, 2, node.column); break;
      case TokenKind::kGreater: apply(Op::kGreater, 2, node.column); break;
      case TokenKind::kGreaterEqual: apply(Op::kGreaterEqual, 2, node.column); break;
      default: return error_at(node.column, "unknown operator " + in_quotes(node.text));
    }
    return Typed{Kind::kCondition};
  }

  // `sex == "F"`: the input's value is the index of its choice.
  Result<Typed> emit_choice_comparison(const Node& node, std::size_t subject, std::size_t literal,
                                       Op op) {
    ALIQUOT_ASSIGN_OR_RETURN(const Typed typed, emit(subject));
    const std::string& text = nodes_[literal].text;
    if (typed.kind != Kind::kChoice) {
      return error_at(nodes_[subject].start, "a string (\"" + text +
                                                 "\") can only be compared to an input with "
                                                 "choices, not to " +
                                                 kind_text(typed.kind));
    }
    const std::vector<std::string>& choices = typed.choice->choices;
    const auto found = std::find(choices.begin(), choices.end(), text);
    if (found == choices.end()) {
      return error_at(nodes_[literal].column, "\"" + text + "\" is not a choice of " +
                                                  in_quotes(typed.choice->name) +
                                                  "; its choices are " + choice_list(choices));
    }
    push(Op::kConstant, builder_.constant(static_cast<double>(found - choices.begin())),
         nodes_[literal].column);
    apply(op, 2, node.column);
    return Typed{Kind::kCondition};
  }

  Result<Typed> emit_call(const Node& node) {
    const Function* function = find_function(node.text);
    if (function == nullptr) {
      if (scope_.find(node.text) != nullptr) {
        return error_at(
            node.column,
            in_quotes(node.text) + " is not a function; the functions are: " + function_list());
      }
      return error_at(node.column, "unknown function " + in_quotes(node.text) +
                                       suggestion(node.text, function_names(), "functions"));
    }
    const std::size_t count = node.children.size();
    if (count < function->min_arguments ||
        (function->max_arguments != 0 && count > function->max_arguments)) {
      std::string expected = function->max_arguments == 0
                                 ? "at least " + std::to_string(function->min_arguments)
                                 : std::to_string(function->min_arguments);
      const bool plural = function->max_arguments == 0 || function->min_arguments != 1;
      return error_at(node.column, in_quotes(node.text) + " takes " + expected +
                                       (plural ? " arguments" : " argument") + ", not " +
                                       std::to_string(count));
    }
    const auto argument = [&](std::size_t i) {
      return "argument " + std::to_string(i + 1) + " of " + in_quotes(node.text);
    };
    if (node.text == "if") return emit_if(node);
    if (node.text == "table") return emit_table(node);
    ALIQUOT_RETURN_IF_ERROR(emit_number(node.children[0], argument(0)));
    if (function->op == Op::kMin || function->op == Op::kMax) {
      for (std::size_t i = 1; i < count; ++i) {
        ALIQUOT_RETURN_IF_ERROR(emit_number(node.children[i], argument(i)));
        apply(function->op, 2, node.column);
      }
    } else {
      apply(function->op, 1, node.column);
    }
    return Typed{Kind::kNumber};
  }

  // if(c, a, b): c; jump-if-false ELSE; a; jump END; ELSE: b; END:
  Result<Typed> emit_if(const Node& node) {
    ALIQUOT_RETURN_IF_ERROR(emit_condition(node.children[0], "the first argument of 'if'"));
    const std::size_t to_else = builder_.emit(Op::kJumpIfFalse, 0, node.column);
    --depth_;  // the jump pops the condition
    const std::size_t depth_before = depth_;
    ALIQUOT_ASSIGN_OR_RETURN(const Typed then_typed, emit(node.children[1]));
    if (then_typed.kind == Kind::kChoice) {
      return wrong_kind(node.children[1], then_typed, Kind::kNumber, "argument 2 of 'if'");
    }
    const std::size_t to_end = builder_.emit(Op::kJump, 0, node.column);
    builder_.patch(to_else, static_cast<std::uint32_t>(builder_.size()));
    depth_ = depth_before;
    ALIQUOT_ASSIGN_OR_RETURN(const Typed else_typed, emit(node.children[2]));
    if (else_typed.kind != then_typed.kind) {
      return error_at(nodes_[node.children[2]].start,
                      "the branches of 'if' must give the same kind: argument 2 gives " +
                          kind_text(then_typed.kind) + ", argument 3 gives " +
                          kind_text(else_typed.kind));
    }
    builder_.patch(to_end, static_cast<std::uint32_t>(builder_.size()));
    return then_typed;
  }

  Result<Typed> emit_table(const Node& node) {
    const Node& name = nodes_[node.children[0]];
    if (name.kind != NodeKind::kName) {
      return error_at(name.start, "the first argument of 'table' must be the name of a table" +
                                      suggestion("", scope_.table_names(), "tables"));
    }
    const std::shared_ptr<const BandTable>* table = scope_.find_table(name.text);
    if (table == nullptr) {
      return error_at(name.column, "unknown table " + in_quotes(name.text) +
                                       suggestion(name.text, scope_.table_names(), "tables"));
    }
    ALIQUOT_RETURN_IF_ERROR(emit_number(node.children[1], "the row value of 'table'"));
    ALIQUOT_RETURN_IF_ERROR(emit_number(node.children[2], "the column value of 'table'"));
    apply(Op::kTable, 2, node.column, builder_.table(*table));
    return Typed{Kind::kNumber};
  }

  ProgramBuilder builder_;
  const Scope& scope_;
  const std::vector<Node>& nodes_;
  std::size_t depth_ = 0;
  std::size_t max_depth_ = 0;
};

}  // namespace

void Scope::add_number(std::string name, std::uint32_t slot) {
  names_.push_back(Name{std::move(name), slot, {}});
  slot_count_ = std::max<std::size_t>(slot_count_, slot + 1);
}

void Scope::add_choice(std::string name, std::uint32_t slot, std::vector<std::string> choices) {
  names_.push_back(Name{std::move(name), slot, std::move(choices)});
  slot_count_ = std::max<std::size_t>(slot_count_, slot + 1);
}

void Scope::add_table(std::shared_ptr<const BandTable> table) {
  tables_.push_back(std::move(table));
}

const Scope::Name* Scope::find(std::string_view name) const {
  for (const Name& candidate : names_) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

const std::shared_ptr<const BandTable>* Scope::find_table(std::string_view name) const {
  for (const auto& table : tables_) {
    if (table->name() == name) return &table;
  }
  return nullptr;
}

std::vector<std::string> Scope::names() const {
  std::vector<std::string> out;
  for (const Name& name : names_) out.push_back(name.name);
  return out;
}

std::vector<std::string> Scope::table_names() const {
  std::vector<std::string> out;
  for (const auto& table : tables_) out.push_back(table->name());
  return out;
}

bool is_reserved_word(std::string_view name) {
  return is_keyword(name) || find_function(name) != nullptr;
}

Result<Program> compile(std::string_view text, const Scope& scope, ValueKind kind) {
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lexer(text).run());
  Parser parser(std::move(tokens));
  ALIQUOT_ASSIGN_OR_RETURN(const std::size_t root, parser.run());
  return Emitter(text, scope, parser.nodes()).run(root, kind);
}

}  // namespace aliquot::calc
