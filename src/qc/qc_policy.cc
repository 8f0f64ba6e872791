// The QC policy file reader (qc/qc_policy.h).

#include "qc/qc_policy.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include "config/toml_reader.h"
#include "core/text.h"
#include "rules/duration.h"

namespace aliquot::qc {
namespace {

using config::Diagnostics;
using config::in_quotes;
using config::Position;
using config::Required;
using config::TableReader;
using config::type_name;

constexpr std::size_t kMaxPolicyCodeLength = 40;
// A mean and an SD need at least two values; CLSI C24 asks for 20.
constexpr std::int64_t kFewestToEstablish = 2;
// Far beyond any lot's life; a larger number is a typing error ("200" for "20").
constexpr std::int64_t kMostToEstablish = 1000;

constexpr std::string_view kPolicyKeys[] = {"rules", "interval", "after_rejection",
                                            "establish_minimum"};

// Catalog test codes: "GLU", "LDL-D", "NEUT-ABS".
bool is_policy_test_code(std::string_view code) {
  if (code.empty() || code.size() > kMaxPolicyCodeLength) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// "24h", "90m", "7d", or "0" for no limit.
Result<std::chrono::minutes> parse_interval(std::string_view text) {
  if (text == "0") return std::chrono::minutes(0);
  ALIQUOT_ASSIGN_OR_RETURN(const std::int64_t seconds, rules::parse_duration_seconds(text));
  return std::chrono::minutes(seconds / 60);
}

std::optional<AfterRejection> after_rejection_from_code(std::string_view code) {
  if (code == "rerun") return AfterRejection::kRerun;
  if (code == "release") return AfterRejection::kRelease;
  return std::nullopt;
}

struct ParsedPolicy {
  std::string name;
  std::string version;
  AnalytePolicy defaults;
  std::vector<std::pair<std::string, AnalytePolicy>> analytes;
};

class PolicyLoader {
 public:
  PolicyLoader(const toml::table& root, Diagnostics& out) : root_(root), out_(out) {}

  std::optional<ParsedPolicy> run() {
    TableReader top(root_, "the QC policy file", {"qc_policy", "analyte"}, out_);
    top.report_unknown_keys();
    read_defaults(top);
    if (const toml::array* analytes = top.tables("analyte", Required::kNo)) {
      for (std::size_t i = 0; i < analytes->size(); ++i) {
        read_analyte(*analytes->get(i)->as_table(), i);
      }
    }
    if (!out_.empty()) return std::nullopt;
    return std::move(parsed_);
  }

 private:
  void read_defaults(TableReader& top) {
    std::vector<std::string_view> keys = {"name", "version"};
    keys.insert(keys.end(), std::begin(kPolicyKeys), std::end(kPolicyKeys));
    std::optional<TableReader> header =
        top.header_table("qc_policy", std::move(keys), "name, version, rules and interval");
    if (!header) return;
    parsed_.name = header->text("name", Required::kYes).value_or("");
    parsed_.version = header->text("version", Required::kYes).value_or("");
    // The rules and the interval are the policy: a file that forgets them must not quietly mean
    // "no rules" or "no limit".
    read_policy_keys(*header, Required::kYes, parsed_.defaults);
  }

  // Reads the keys present of kPolicyKeys into `policy`, leaving the others as they are; with
  // Required::kYes, rules and interval must be there.
  void read_policy_keys(TableReader& reader, Required required, AnalytePolicy& policy) {
    if (const std::optional<std::string> rules = reader.text("rules", required)) {
      Result<std::vector<ControlRule>> parsed = parse_control_rules(*rules);
      if (!parsed) {
        reader.problem("rules", "is not a list of control rules: " + parsed.error().message());
      } else if (std::none_of(parsed->begin(), parsed->end(), [](ControlRule rule) {
                   return action_of(rule) == RuleAction::kReject;
                 })) {
        reader.problem("rules", "has only warning rules (" + rules_text(*parsed) +
                                    "): no run would ever be rejected");
      } else {
        policy.rules = std::move(*parsed);
        policy.rules_text = *rules;
      }
    }
    if (const std::optional<std::string> interval = reader.text("interval", required)) {
      Result<std::chrono::minutes> parsed = parse_interval(*interval);
      if (!parsed) {
        reader.problem("interval",
                       "is not a duration (\"0\" for no limit): " + parsed.error().message());
      } else {
        policy.interval = *parsed;
      }
    }
    if (const std::optional<std::string> after = reader.text("after_rejection", Required::kNo)) {
      const std::optional<AfterRejection> parsed = after_rejection_from_code(*after);
      if (!parsed) {
        reader.problem("after_rejection", "must be 'rerun' or 'release', not " + in_quotes(*after));
      } else {
        policy.after_rejection = *parsed;
      }
    }
    if (const std::optional<std::int64_t> minimum =
            reader.integer("establish_minimum", Required::kNo)) {
      if (*minimum < kFewestToEstablish) {
        reader.problem("establish_minimum",
                       "must be at least 2 (a mean and an SD need two values; CLSI C24 asks for "
                       "20), not " +
                           std::to_string(*minimum));
      } else if (*minimum > kMostToEstablish) {
        reader.problem("establish_minimum", "must be at most " + std::to_string(kMostToEstablish) +
                                                ", not " + std::to_string(*minimum));
      } else {
        policy.establish_minimum = static_cast<int>(*minimum);
      }
    }
  }

  void read_analyte(const toml::table& table, std::size_t index) {
    std::vector<std::string_view> keys = {"code"};
    keys.insert(keys.end(), std::begin(kPolicyKeys), std::end(kPolicyKeys));
    TableReader reader(table, "analyte " + std::to_string(index + 1), std::move(keys), out_);
    const Position where = reader.position();
    std::string code;
    if (const std::optional<std::string> text = reader.text("code", Required::kYes)) {
      reader.set_context("analyte " + in_quotes(*text));
      if (!is_policy_test_code(*text)) {
        reader.problem("code", "must be a test code (letters, digits and '-')");
      } else {
        code = core::ascii_upper(*text);
        const auto [earlier, inserted] = lines_by_code_.emplace(code, where.line);
        if (!inserted) {
          reader.problem(
              "code", "repeats the code of the analyte at line " + std::to_string(earlier->second));
          code.clear();
        }
      }
    }
    reader.report_unknown_keys();
    // What the entry does not say comes from [qc_policy].
    AnalytePolicy policy = parsed_.defaults;
    read_policy_keys(reader, Required::kNo, policy);
    if (!code.empty()) parsed_.analytes.emplace_back(std::move(code), std::move(policy));
  }

  const toml::table& root_;
  Diagnostics& out_;
  ParsedPolicy parsed_;
  std::map<std::string, int> lines_by_code_;
};

// The parsed policy, or every problem of the file in file order.
std::optional<ParsedPolicy> load(std::string_view text, std::string_view file_name,
                                 std::vector<Error>& problems) {
  Diagnostics out{std::string(file_name)};
  std::optional<ParsedPolicy> parsed;
  if (std::optional<toml::table> root = config::parse(text, out))
    parsed = PolicyLoader(*root, out).run();
  problems = out.take();
  return parsed;
}

QcPolicy parse_default() {
  Result<QcPolicy> policy = QcPolicy::parse(default_qc_policy_text(), kDefaultQcPolicyFileName);
  if (policy) return std::move(*policy);
  // The built-in file is part of the program: a broken one is a build defect, not bad input.
  for (const Error& error : check_qc_policy(default_qc_policy_text(), kDefaultQcPolicyFileName)) {
    std::fprintf(stderr, "%s\n", error.to_string().c_str());
  }
  std::abort();
}

}  // namespace

std::string_view to_code(AfterRejection policy) {
  switch (policy) {
    case AfterRejection::kRerun: return "rerun";
    case AfterRejection::kRelease: return "release";
  }
  return "rerun";
}

Result<QcPolicy> QcPolicy::parse(std::string_view text, std::string_view file_name) {
  std::vector<Error> problems;
  std::optional<ParsedPolicy> parsed = load(text, file_name, problems);
  if (!problems.empty()) return problems.front();
  QcPolicy policy;
  policy.name_ = std::move(parsed->name);
  policy.version_ = std::move(parsed->version);
  policy.defaults_ = std::move(parsed->defaults);
  policy.analytes_ = std::move(parsed->analytes);
  return policy;
}

const AnalytePolicy& QcPolicy::for_test(std::string_view test_code) const {
  for (const auto& [code, policy] : analytes_) {
    if (core::equals_ignoring_case(code, test_code)) return policy;
  }
  return defaults_;
}

std::vector<Error> check_qc_policy(std::string_view text, std::string_view file_name) {
  std::vector<Error> problems;
  (void)load(text, file_name, problems);
  return problems;
}

std::string interval_text(std::chrono::minutes interval) {
  const std::int64_t minutes = interval.count();
  if (minutes == 0) return "0";
  constexpr std::int64_t kHour = 60;
  constexpr std::int64_t kDay = 24 * kHour;
  // One day reads as the "24h" of CLIA's daily QC; longer whole days as days.
  if (minutes % kDay == 0 && minutes > kDay) return std::to_string(minutes / kDay) + "d";
  if (minutes % kHour == 0) return std::to_string(minutes / kHour) + "h";
  return std::to_string(minutes) + "m";
}

const QcPolicy& default_qc_policy() {
  static const QcPolicy kPolicy = parse_default();
  return kPolicy;
}

}  // namespace aliquot::qc
