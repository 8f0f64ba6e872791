#include "lab/lab_configuration.h"

#include <utility>

#include "calc/default_calculation_set.h"
#include "lab/lab_setup.h"
#include "lab/personnel_setup.h"

namespace aliquot::lab {

Context LabConfiguration::context(const core::Clock& clock, core::User actor) const {
  return Context{.catalog = catalog,
                 .clock = clock,
                 .actor = std::move(actor),
                 .rules = rules_in_force(),
                 .qc_policy = &qc_policy_in_force(),
                 .calculations = &calc::default_calculation_set(),
                 .personnel = &personnel_in_force(),
                 .ce_rules = &ce_rules_in_force()};
}

const qc::QcPolicy& LabConfiguration::qc_policy_in_force() const {
  return qc_policy ? *qc_policy : qc::default_qc_policy();
}

const people::Requirements& LabConfiguration::personnel_in_force() const {
  return personnel ? *personnel : people::default_requirements();
}

const people::CeRules& LabConfiguration::ce_rules_in_force() const {
  return ce_rules ? *ce_rules : people::default_ce_rules();
}

namespace {

std::int64_t version_of(const std::optional<store::CatalogVersion>& recorded) {
  return recorded ? recorded->version : 0;
}

}  // namespace

std::string describe(const ConfigurationVersions& versions) {
  std::string text;
  for (const auto& [what, version] :
       {std::pair{"catalog", versions.catalog}, std::pair{"rules", versions.rules},
        std::pair{"QC policy", versions.qc_policy},
        std::pair{"personnel requirements", versions.personnel},
        std::pair{"CE rules", versions.ce_rules}}) {
    if (!text.empty()) text += ", ";
    text += what;
    text += version > 0 ? " version " + std::to_string(version) : std::string(" built in");
  }
  return text;
}

bool is_configuration_load(std::string_view action) {
  // The actions of lab_setup.cc and personnel_setup.cc that record a version.
  return action == "catalog.load" || action == "rules.load" || action == "qc_policy.load" ||
         action == "personnel.load" || action == "ce_rules.load";
}

Result<ConfigurationVersions> recorded_versions(store::Store& store) {
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kRead));
  ConfigurationVersions versions;
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> catalog,
                           tx->latest_catalog_version());
  versions.catalog = version_of(catalog);
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> rules,
                           tx->latest_rules_version());
  versions.rules = version_of(rules);
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> qc_policy,
                           tx->latest_qc_policy_version());
  versions.qc_policy = version_of(qc_policy);
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> personnel,
                           tx->latest_personnel_requirements_version());
  versions.personnel = version_of(personnel);
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> ce_rules,
                           tx->latest_ce_rules_version());
  versions.ce_rules = version_of(ce_rules);
  return versions;
}

Result<LabConfiguration> read_lab_configuration(store::Store& store) {
  // The versions first: a load that lands while the documents are read makes them newer than
  // the versions noted, so the next refresh reads them again rather than missing the load.
  ALIQUOT_ASSIGN_OR_RETURN(const ConfigurationVersions versions, recorded_versions(store));
  ALIQUOT_ASSIGN_OR_RETURN(catalog::Catalog catalog, current_catalog(store));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<rules::RuleSet> rules, current_rules(store, catalog));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<qc::QcPolicy> qc_policy, current_qc_policy(store));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<people::Requirements> personnel,
                           current_personnel_requirements(store));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<people::CeRules> ce_rules, current_ce_rules(store));
  return LabConfiguration{.catalog = std::move(catalog),
                          .rules = std::move(rules),
                          .qc_policy = std::move(qc_policy),
                          .personnel = std::move(personnel),
                          .ce_rules = std::move(ce_rules),
                          .versions = versions};
}

ConfigurationInForce::ConfigurationInForce(LabConfiguration initial)
    : current_(std::make_shared<const LabConfiguration>(std::move(initial))) {}

std::shared_ptr<const LabConfiguration> ConfigurationInForce::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::uint64_t ConfigurationInForce::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

void ConfigurationInForce::add_acceptance(Acceptance acceptance) {
  std::lock_guard lock(mutex_);
  acceptances_.push_back(std::move(acceptance));
}

Result<void> ConfigurationInForce::acceptable(const LabConfiguration& next) const {
  std::vector<Acceptance> acceptances;
  {
    std::lock_guard lock(mutex_);
    acceptances = acceptances_;
  }
  for (const Acceptance& acceptance : acceptances) {
    ALIQUOT_RETURN_IF_ERROR(acceptance(next));
  }
  return ok();
}

Result<bool> ConfigurationInForce::refresh(store::Store& store) {
  std::lock_guard serialized(refresh_mutex_);
  ALIQUOT_ASSIGN_OR_RETURN(const ConfigurationVersions recorded, recorded_versions(store));
  if (recorded == current()->versions) return false;
  ALIQUOT_ASSIGN_OR_RETURN(LabConfiguration next, read_lab_configuration(store));
  ALIQUOT_RETURN_IF_ERROR(acceptable(next));
  put_in_force(std::move(next));
  return true;
}

void ConfigurationInForce::put_in_force(LabConfiguration next) {
  auto snapshot = std::make_shared<const LabConfiguration>(std::move(next));
  std::lock_guard lock(mutex_);
  current_ = std::move(snapshot);
  ++generation_;
}

}  // namespace aliquot::lab
