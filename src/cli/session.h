#pragma once

// What one run of the `aliquot` command works with: the global options, the output streams, the
// clock, and — opened on first use — the lab database and its catalog in force. Commands reach
// the lab only through write() and read(), so that every mutating command is exactly one write
// transaction (begin, use case, commit) and every reading command one read transaction.
//
// Not thread-safe; one per process run.

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/error.h"
#include "core/time.h"
#include "lab/context.h"
#include "lab/permissions.h"
#include "people/continuing_education.h"
#include "people/requirements.h"
#include "qc/qc_policy.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace aliquot::cli {

enum class OutputFormat { kText, kJson };

struct GlobalOptions {
  std::string database_path;  // --db
  std::string username;       // --user: the person acting
  OutputFormat format = OutputFormat::kText;
};

class Session {
 public:
  // `out` receives the human-readable output; JSON is collected and printed by the caller.
  Session(GlobalOptions options, const core::Clock& clock, std::ostream& out);

  const GlobalOptions& options() const { return options_; }
  const core::Clock& clock() const { return clock_; }
  bool json() const { return options_.format == OutputFormat::kJson; }

  // Human-readable output. Commands write here only when !json().
  std::ostream& out() { return out_; }

  // The document --json prints when the command ends (also when it ends with a finding).
  void set_json(nlohmann::json body) { json_ = std::move(body); }
  const nlohmann::json& json_body() const { return json_; }

  // Records that the command ran but what it checked is wrong (a broken audit chain, an invalid
  // catalog file): the run ends with exit status 1 and the error is printed like a refusal.
  void report_finding(Error finding) { finding_ = std::move(finding); }
  const std::optional<Error>& finding() const { return finding_; }

  // The lab database at options().database_path, which must exist (created by `aliquot init`).
  Result<store::Store*> store();
  // The catalog in force in the lab database.
  Result<const catalog::Catalog*> catalog();
  // The autoverification rules in force; nullptr when the lab has loaded none.
  Result<const rules::RuleSet*> rules();
  // The QC policy in force: the lab's own, or the default (qc::default_qc_policy()).
  Result<const qc::QcPolicy*> qc_policy();
  // The personnel requirements and continuing-education rules in force: the lab's own, or the
  // built-in ones.
  Result<const people::Requirements*> personnel();
  Result<const people::CeRules*> ce_rules();

  using Step = std::function<Result<void>(store::Transaction&, const lab::Context&)>;

  // Runs `step` in one write transaction as the acting user and commits only when it succeeds;
  // on any error nothing is kept. The use cases check the actor's permissions themselves.
  Result<void> write(const Step& step);

  // Records that the acting user read the data of the patients `mrns` (one entry each, once per
  // MRN) through the view `what` ("patient report", "specimen 26000123"): ARCHITECTURE
  // decision 9, every read of patient data by a person is logged. Written in a transaction of
  // its own, after the read; a command whose read log cannot be written fails.
  Result<void> record_patient_reads(const std::vector<std::string>& mrns, const std::string& what);

  // Runs `step` in one read transaction as the acting user. With `permission`, the actor must
  // hold it (patient data is shown only to those who may view records).
  Result<void> read(const Step& step, std::optional<lab::Action> permission);

 private:
  // The acting user, who must be a user of this lab.
  Result<core::User> actor(store::Transaction& tx) const;

  GlobalOptions options_;
  const core::Clock& clock_;
  std::ostream& out_;
  nlohmann::json json_;
  std::optional<Error> finding_;
  std::unique_ptr<store::Store> store_;
  std::optional<catalog::Catalog> catalog_;
  std::optional<std::optional<rules::RuleSet>> rules_;    // outer: read yet; inner: loaded any
  std::optional<std::optional<qc::QcPolicy>> qc_policy_;  // as rules_
  std::optional<std::optional<people::Requirements>> personnel_;  // as rules_
  std::optional<std::optional<people::CeRules>> ce_rules_;        // as rules_
};

}  // namespace aliquot::cli
