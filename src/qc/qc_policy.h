#pragma once

// The lab's QC policy as data (catalog/qc_policy.toml is the default, built into the program):
// which control rules judge each analyte, how long patient results may be released after the
// last accepted QC run, what happens to results held by a rejected run once QC passes again, and
// how many runs establish a target. Lab-edited, checked by `aliquot qc policy check FILE`.
//
// Schema (catalog/qc_policy.toml is the worked example):
//   [qc_policy]
//   name    = "..."
//   version = "..."
//   rules   = "1-3s,2-2s,R-4s,4-1s,10-x"   # the default rules for every analyte
//   interval = "24h"          # a result measured later than this after the last accepted run
//                             # is held ("QC not run since ..."); "0" = no limit
//   after_rejection = "rerun" # "rerun": held results must be measured again after QC passes;
//                             # "release": a technologist may release them once QC passes and
//                             # the corrective action is documented
//   establish_minimum = 20    # values needed to establish a mean and SD (CLSI C24)
//   [[analyte]]               # any of the above for one test, overriding the default
//   code = "GLU"
//   rules = "1-3s,2-2s,R-4s"
// Every problem is named with file:line:column: an unknown key or rule, a duration that cannot
// be read, an analyte listed twice, an establish_minimum below 2.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "qc/control_rule.h"

namespace aliquot::qc {

enum class AfterRejection { kRerun, kRelease };
std::string_view to_code(AfterRejection policy);  // "rerun", "release"

// What applies to one analyte.
struct AnalytePolicy {
  std::vector<ControlRule> rules;
  std::string rules_text;            // as written, for records: "1-3s,2-2s,R-4s"
  std::chrono::minutes interval{0};  // 0: no limit
  AfterRejection after_rejection = AfterRejection::kRerun;
  int establish_minimum = 20;
};

class QcPolicy {
 public:
  // Reads and checks a policy file; `file_name` is used in the messages.
  static Result<QcPolicy> parse(std::string_view text, std::string_view file_name);

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  // The policy for `test_code`: its [[analyte]] entry over the defaults.
  const AnalytePolicy& for_test(std::string_view test_code) const;
  const AnalytePolicy& defaults() const { return defaults_; }
  // The [[analyte]] entries in file order: the upper-case test code and its whole policy.
  const std::vector<std::pair<std::string, AnalytePolicy>>& analytes() const { return analytes_; }

 private:
  std::string name_;
  std::string version_;
  AnalytePolicy defaults_;
  std::vector<std::pair<std::string, AnalytePolicy>> analytes_;  // by code
};

// Every problem of a policy file, in file order, each at its file:line:column; empty when the
// file is a good policy. QcPolicy::parse fails with the first of them; `aliquot qc policy check`
// lists them all.
std::vector<Error> check_qc_policy(std::string_view text, std::string_view file_name);

// An interval as the policy file writes it: "90m", "24h", "36h", "7d" (whole days from two days
// on, else whole hours, else minutes); "0" for no limit.
std::string interval_text(std::chrono::minutes interval);

// The default policy (catalog/qc_policy.toml), parsed once.
const QcPolicy& default_qc_policy();
// Its text, as built into the program.
std::string_view default_qc_policy_text();
inline constexpr std::string_view kDefaultQcPolicyFileName = "qc_policy.toml";

}  // namespace aliquot::qc
