#pragma once

// The lab's configuration in force in a long-running process (`aliquot serve`): the documents a
// lab edits and loads as versions — catalog, autoverification rules, QC policy, personnel
// requirements, continuing-education rules — read together as one immutable snapshot, and a
// holder that puts a new snapshot in force when a version is loaded, without a restart.
//
// Why a snapshot: a result is judged by one catalog and one rule set from the moment it arrives
// to its commit. A handler or an ingest job takes the snapshot once (current()) and keeps the
// shared pointer for as long as it works; a load meanwhile makes a new snapshot for the work
// that starts after it, and the old one lives until its last user lets go. No lock is held while
// anyone works.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/error.h"
#include "core/time.h"
#include "core/user.h"
#include "lab/context.h"
#include "people/continuing_education.h"
#include "people/requirements.h"
#include "qc/qc_policy.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace aliquot::lab {

// The version numbers recorded in the lab database for each document (0: none loaded, the
// built-in one is in force). Two configurations with equal versions are the same configuration.
struct ConfigurationVersions {
  std::int64_t catalog = 0;
  std::int64_t rules = 0;
  std::int64_t qc_policy = 0;
  std::int64_t personnel = 0;
  std::int64_t ce_rules = 0;

  bool operator==(const ConfigurationVersions&) const = default;
};

// "catalog version 2, rules version 3, QC policy built in, ...", for the server's log.
std::string describe(const ConfigurationVersions& versions);

struct LabConfiguration {
  catalog::Catalog catalog;
  std::optional<rules::RuleSet> rules;            // none: nothing autoverifies
  std::optional<qc::QcPolicy> qc_policy;          // none: qc::default_qc_policy()
  std::optional<people::Requirements> personnel;  // none: people::default_requirements()
  std::optional<people::CeRules> ce_rules;        // none: people::default_ce_rules()
  ConfigurationVersions versions;

  // What the use cases are given: the documents above (the built-in ones where the lab has
  // loaded none) and the default calculations. The context refers into this configuration,
  // which must outlive it.
  Context context(const core::Clock& clock, core::User actor) const;

  const rules::RuleSet* rules_in_force() const { return rules ? &*rules : nullptr; }
  const qc::QcPolicy& qc_policy_in_force() const;
  const people::Requirements& personnel_in_force() const;
  const people::CeRules& ce_rules_in_force() const;
};

// Whether an audit entry's action records a new version of one of the documents above
// ("catalog.load", "rules.load", ...): what a process watching the trail refreshes on.
bool is_configuration_load(std::string_view action);

// The version of each document recorded in the lab database, read in one transaction.
Result<ConfigurationVersions> recorded_versions(store::Store& store);

// Every document in force in the lab database (lab/lab_setup.h, lab/personnel_setup.h); the
// errors of those readers (FailedPrecondition without a lab, DataLoss for an altered record).
Result<LabConfiguration> read_lab_configuration(store::Store& store);

// The configuration in force and its changes. Thread-safe: current() from any thread; refresh()
// calls are serialized.
class ConfigurationInForce {
 public:
  explicit ConfigurationInForce(LabConfiguration initial);
  ConfigurationInForce(const ConfigurationInForce&) = delete;
  ConfigurationInForce& operator=(const ConfigurationInForce&) = delete;

  std::shared_ptr<const LabConfiguration> current() const;
  // 1 for the configuration the holder was made with, one more for each put in force.
  std::uint64_t generation() const;

  // A condition a new configuration must meet before it is put in force, besides its own
  // checks (the instrument profiles of the interfaces must still map to its catalog). An error
  // keeps the configuration in force as it is. Added before the process starts its work.
  using Acceptance = std::function<Result<void>(const LabConfiguration&)>;
  void add_acceptance(Acceptance acceptance);

  // The error of the first acceptance that refuses `next`; a caller checks a document with it
  // before recording it, so that what it records can be put in force.
  Result<void> acceptable(const LabConfiguration& next) const;

  // Reads the versions recorded in `store`; when any differs from the configuration in force,
  // reads the documents and, when every acceptance takes them, puts them in force. True when a
  // new configuration is in force; the error of a read or of an acceptance otherwise (the
  // configuration in force stays, and the next refresh tries again).
  Result<bool> refresh(store::Store& store);

  // Puts `next` in force as it is, for a process that made it itself (tests, tools).
  void put_in_force(LabConfiguration next);

 private:
  std::mutex refresh_mutex_;  // one refresh at a time; taken before mutex_
  mutable std::mutex mutex_;  // guards the members below
  std::shared_ptr<const LabConfiguration> current_;
  std::uint64_t generation_ = 1;
  std::vector<Acceptance> acceptances_;
};

}  // namespace aliquot::lab
