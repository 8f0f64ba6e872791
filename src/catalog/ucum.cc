#include "catalog/ucum.h"

#include <array>
#include <optional>
#include <string>

namespace aliquot::catalog {
namespace {

enum class Metric { kYes, kNo };

struct Atom {
  std::string_view symbol;
  Metric metric;  // UCUM §2.3: only metric atoms take a prefix
};

// The atoms, with their "metric" flag, as UCUM's ucum-essence.xml defines them (case-sensitive
// codes). Chosen for clinical laboratory, vital-sign and dosing units; extend with care and
// copy the flag from the standard.
constexpr std::array kAtoms = {
    // §4.2 base units.
    Atom{"m", Metric::kYes},
    Atom{"s", Metric::kYes},
    Atom{"g", Metric::kYes},
    Atom{"rad", Metric::kYes},
    Atom{"K", Metric::kYes},
    Atom{"C", Metric::kYes},
    Atom{"cd", Metric::kYes},
    // §4.3 dimensionless.
    Atom{"10*", Metric::kNo},
    Atom{"10^", Metric::kNo},
    Atom{"[pi]", Metric::kNo},
    Atom{"%", Metric::kNo},
    Atom{"[ppth]", Metric::kNo},
    Atom{"[ppm]", Metric::kNo},
    Atom{"[ppb]", Metric::kNo},
    Atom{"[pptr]", Metric::kNo},
    // SI derived units.
    Atom{"mol", Metric::kYes},
    Atom{"sr", Metric::kYes},
    Atom{"Hz", Metric::kYes},
    Atom{"N", Metric::kYes},
    Atom{"Pa", Metric::kYes},
    Atom{"J", Metric::kYes},
    Atom{"W", Metric::kYes},
    Atom{"A", Metric::kYes},
    Atom{"V", Metric::kYes},
    Atom{"F", Metric::kYes},
    Atom{"Ohm", Metric::kYes},
    Atom{"S", Metric::kYes},
    Atom{"Wb", Metric::kYes},
    Atom{"Cel", Metric::kYes},
    Atom{"T", Metric::kYes},
    Atom{"H", Metric::kYes},
    Atom{"lm", Metric::kYes},
    Atom{"lx", Metric::kYes},
    Atom{"Bq", Metric::kYes},
    Atom{"Gy", Metric::kYes},
    Atom{"Sv", Metric::kYes},
    // ISO 1000 units used with SI.
    Atom{"gon", Metric::kNo},
    Atom{"deg", Metric::kNo},
    Atom{"'", Metric::kNo},
    Atom{"''", Metric::kNo},
    Atom{"l", Metric::kYes},
    Atom{"L", Metric::kYes},
    Atom{"ar", Metric::kYes},
    Atom{"min", Metric::kNo},
    Atom{"h", Metric::kNo},
    Atom{"d", Metric::kNo},
    Atom{"a_t", Metric::kNo},
    Atom{"a_j", Metric::kNo},
    Atom{"a_g", Metric::kNo},
    Atom{"a", Metric::kNo},
    Atom{"wk", Metric::kNo},
    Atom{"mo_s", Metric::kNo},
    Atom{"mo_j", Metric::kNo},
    Atom{"mo_g", Metric::kNo},
    Atom{"mo", Metric::kNo},
    Atom{"t", Metric::kYes},
    Atom{"bar", Metric::kYes},
    Atom{"u", Metric::kYes},
    Atom{"eV", Metric::kYes},
    Atom{"atm", Metric::kNo},
    // Customary units a patient record uses (height, weight, temperature, volume).
    Atom{"[in_i]", Metric::kNo},
    Atom{"[ft_i]", Metric::kNo},
    Atom{"[lb_av]", Metric::kNo},
    Atom{"[oz_av]", Metric::kNo},
    Atom{"[degF]", Metric::kNo},
    Atom{"[foz_us]", Metric::kNo},
    Atom{"[gal_us]", Metric::kNo},
    Atom{"cal", Metric::kYes},
    Atom{"[Cal]", Metric::kNo},
    // Clinical.
    Atom{"m[H2O]", Metric::kYes},
    Atom{"m[Hg]", Metric::kYes},
    Atom{"[in_i'H2O]", Metric::kNo},
    Atom{"[in_i'Hg]", Metric::kNo},
    Atom{"[PRU]", Metric::kNo},
    Atom{"[diop]", Metric::kNo},
    Atom{"[Ch]", Metric::kNo},
    Atom{"[drp]", Metric::kNo},
    Atom{"[hnsf'U]", Metric::kNo},
    Atom{"[MET]", Metric::kNo},
    // Chemical and biological.
    Atom{"eq", Metric::kYes},
    Atom{"osm", Metric::kYes},
    Atom{"[pH]", Metric::kNo},
    Atom{"g%", Metric::kYes},
    Atom{"[S]", Metric::kNo},
    Atom{"[HPF]", Metric::kNo},
    Atom{"[LPF]", Metric::kNo},
    Atom{"kat", Metric::kYes},
    Atom{"U", Metric::kYes},
    Atom{"[iU]", Metric::kYes},
    Atom{"[IU]", Metric::kYes},
    Atom{"[arb'U]", Metric::kNo},
    Atom{"[USP'U]", Metric::kNo},
    Atom{"[GPL'U]", Metric::kNo},
    Atom{"[MPL'U]", Metric::kNo},
    Atom{"[APL'U]", Metric::kNo},
    Atom{"[beth'U]", Metric::kNo},
    Atom{"[todd'U]", Metric::kNo},
    Atom{"[dye'U]", Metric::kNo},
    Atom{"[smgy'U]", Metric::kNo},
    Atom{"[bdsk'U]", Metric::kNo},
    Atom{"[ka'U]", Metric::kNo},
    Atom{"[knk'U]", Metric::kNo},
    Atom{"[mclg'U]", Metric::kNo},
    Atom{"[tb'U]", Metric::kNo},
    Atom{"[CFU]", Metric::kYes},
};

// §4.1 prefixes. "da" is listed first so that it is tried before "d".
constexpr std::array<std::string_view, 20> kPrefixes = {
    "da", "Y", "Z", "E", "P", "T", "G", "M", "k", "h",
    "d",  "c", "m", "u", "n", "p", "f", "a", "z", "y",
};

// Spellings seen on instruments and in old menus, with the UCUM atom meant.
struct Hint {
  std::string_view wrong;
  std::string_view right;
};
constexpr std::array kHints = {
    Hint{"IU", "[IU]"},   Hint{"mcg", "ug"},    Hint{"cc", "mL"},       Hint{"sec", "s"},
    Hint{"hr", "h"},      Hint{"hrs", "h"},     Hint{"mmHg", "mm[Hg]"}, Hint{"pH", "[pH]"},
    Hint{"HPF", "[HPF]"}, Hint{"hpf", "[HPF]"}, Hint{"LPF", "[LPF]"},   Hint{"lpf", "[LPF]"},
    Hint{"Eq", "eq"},     Hint{"ppm", "[ppm]"}, Hint{"yr", "a"},        Hint{"cells", "{cells}"},
};

const Atom* find_atom(std::string_view symbol) {
  for (const Atom& atom : kAtoms) {
    if (atom.symbol == symbol) return &atom;
  }
  return nullptr;
}

std::optional<std::string_view> hint_for(std::string_view symbol) {
  for (const Hint& hint : kHints) {
    if (hint.wrong == symbol) return hint.right;
  }
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A recursive-descent reader of UCUM §2.2:
//   main-term   := "/" term | term
//   term        := term "." component | term "/" component | component
//   component   := annotatable annotation | annotatable | annotation | factor | "(" term ")"
//   annotatable := simple-unit exponent | simple-unit
//   simple-unit := ATOM | PREFIX ATOM[metric]
//   exponent    := sign digits | digits
//   annotation  := "{" ANNOTATION-STRING "}"
class UcumReader {
 public:
  explicit UcumReader(std::string_view text) : text_(text) {}

  Result<void> read() {
    if (text_.empty()) return invalid_argument("empty UCUM unit");
    if (text_[0] == '/') ++position_;
    ALIQUOT_RETURN_IF_ERROR(term());
    if (position_ < text_.size()) {
      // term() stops only at ')' here: an operator or the end would have been consumed.
      return fail("unexpected '" + std::string(1, text_[position_]) + "' at position " +
                  std::to_string(position_ + 1));
    }
    return ok();
  }

 private:
  Error fail(const std::string& what) const {
    return invalid_argument(what + " in '" + std::string(text_) + "'");
  }

  Result<void> term() {
    ALIQUOT_RETURN_IF_ERROR(component());
    while (position_ < text_.size() && (text_[position_] == '.' || text_[position_] == '/')) {
      ++position_;
      ALIQUOT_RETURN_IF_ERROR(component());
    }
    return ok();
  }

  Result<void> component() {
    if (position_ >= text_.size()) {
      return fail("missing unit after '" + std::string(1, text_[position_ - 1]) + "' at the end");
    }
    const char c = text_[position_];
    if (c == '(') {
      const std::size_t open = position_++;
      ALIQUOT_RETURN_IF_ERROR(term());
      if (position_ >= text_.size() || text_[position_] != ')') {
        return fail("unclosed '(' at position " + std::to_string(open + 1));
      }
      ++position_;
      return ok();
    }
    if (c == '{') return annotation();
    if (c == ')' || c == '.' || c == '/') {
      return fail("missing unit before '" + std::string(1, c) + "' at position " +
                  std::to_string(position_ + 1));
    }
    return annotatable();
  }

  Result<void> annotation() {
    const std::size_t open = position_++;
    while (position_ < text_.size() && text_[position_] != '}') {
      const char c = text_[position_];
      if (c == '{')
        return fail("'{' inside an annotation at position " + std::to_string(position_ + 1));
      ALIQUOT_RETURN_IF_ERROR(printable(position_));
      ++position_;
    }
    if (position_ >= text_.size()) {
      return fail("unclosed annotation '{' at position " + std::to_string(open + 1));
    }
    ++position_;  // '}'
    return ok();
  }

  // UCUM §2.1: expressions use ASCII 33-126 only; no spaces.
  Result<void> printable(std::size_t at) const {
    const auto c = static_cast<unsigned char>(text_[at]);
    if (c == ' ') return fail("space at position " + std::to_string(at + 1));
    if (c >= 0x80) {
      return fail("non-ASCII character at position " + std::to_string(at + 1) +
                  " (UCUM writes micro as 'u')");
    }
    if (c < 33 || c > 126) return fail("control character at position " + std::to_string(at + 1));
    return ok();
  }

  Result<void> annotatable() {
    const std::size_t start = position_;
    while (position_ < text_.size()) {
      const char c = text_[position_];
      if (c == '.' || c == '/' || c == '(' || c == ')' || c == '{' || c == '}') break;
      if (c == '[') {
        const std::size_t open = position_;
        while (position_ < text_.size() && text_[position_] != ']') {
          ALIQUOT_RETURN_IF_ERROR(printable(position_));
          ++position_;
        }
        if (position_ >= text_.size()) {
          return fail("unclosed '[' at position " + std::to_string(open + 1));
        }
      } else {
        ALIQUOT_RETURN_IF_ERROR(printable(position_));
      }
      ++position_;
    }
    if (position_ < text_.size() && text_[position_] == '}') {
      return fail("unexpected '}' at position " + std::to_string(position_ + 1));
    }
    const std::string_view token = text_.substr(start, position_ - start);

    // A factor: digits alone ("1", "10", "1000").
    bool all_digits = true;
    for (char c : token) all_digits = all_digits && is_digit(c);
    if (all_digits) return ok();

    // Split off the exponent: trailing digits, optionally signed ("m2", "s-1", "10*3").
    std::size_t end = token.size();
    while (end > 0 && is_digit(token[end - 1])) --end;
    if (end < token.size() && end > 0 && (token[end - 1] == '+' || token[end - 1] == '-')) --end;
    const std::string_view symbol = token.substr(0, end);
    if (symbol.empty()) {
      return fail("exponent without a unit at position " + std::to_string(start + 1));
    }
    int depth = 0;
    for (std::size_t i = 0; i < symbol.size(); ++i) {
      if (symbol[i] == '[') ++depth;
      if (symbol[i] == ']') --depth;
      if (depth == 0 && (symbol[i] == '+' || symbol[i] == '-')) {
        return fail("sign '" + std::string(1, symbol[i]) + "' outside an exponent at position " +
                    std::to_string(start + i + 1));
      }
    }
    ALIQUOT_RETURN_IF_ERROR(simple_unit(symbol));
    if (position_ < text_.size() && text_[position_] == '{') return annotation();
    return ok();
  }

  Result<void> simple_unit(std::string_view symbol) const {
    if (find_atom(symbol) != nullptr) return ok();
    std::optional<std::string_view> refused_prefix;
    std::string_view refused_atom;
    for (std::string_view prefix : kPrefixes) {
      if (symbol.size() <= prefix.size() || symbol.substr(0, prefix.size()) != prefix) continue;
      const std::string_view rest = symbol.substr(prefix.size());
      const Atom* atom = find_atom(rest);
      if (atom == nullptr) continue;
      if (atom->metric == Metric::kYes) return ok();
      if (!refused_prefix) {
        refused_prefix = prefix;
        refused_atom = rest;
      }
    }
    if (refused_prefix) {
      return fail("UCUM unit atom '" + std::string(refused_atom) + "' does not take the prefix '" +
                  std::string(*refused_prefix) + "'");
    }
    std::string message = "unknown UCUM unit atom '" + std::string(symbol) + "'";
    std::string suggestion;
    if (auto right = hint_for(symbol)) {
      suggestion = std::string(*right);
    } else {
      for (std::string_view prefix : kPrefixes) {
        if (symbol.size() <= prefix.size() || symbol.substr(0, prefix.size()) != prefix) continue;
        if (auto unprefixed = hint_for(symbol.substr(prefix.size()))) {
          suggestion = std::string(prefix) + std::string(*unprefixed);
          break;
        }
      }
    }
    Error error = fail(message);
    if (suggestion.empty()) return error;
    return invalid_argument(error.message() + "; did you mean '" + suggestion + "'?");
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

}  // namespace

Result<void> validate_ucum(std::string_view unit) { return UcumReader(unit).read(); }

bool is_ucum_atom(std::string_view symbol) { return find_atom(symbol) != nullptr; }

}  // namespace aliquot::catalog
