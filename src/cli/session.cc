#include "cli/session.h"

#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include "calc/default_calculation_set.h"
#include "lab/lab_setup.h"
#include "lab/personnel_setup.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::cli {

Session::Session(GlobalOptions options, const core::Clock& clock, std::ostream& out)
    : options_(std::move(options)), clock_(clock), out_(out) {}

Result<store::Store*> Session::store() {
  if (store_) return store_.get();
  const std::string& path = options_.database_path;
  std::error_code ignored;
  if (!std::filesystem::exists(path, ignored)) {
    return not_found("no lab database at '" + path +
                     "': create one with `aliquot init`, or name another with --db or "
                     "ALIQUOT_DB");
  }
  store::SqliteOptions sqlite_options;
  sqlite_options.must_exist = true;
  ALIQUOT_ASSIGN_OR_RETURN(store_, store::open_sqlite_store(path, sqlite_options));
  return store_.get();
}

Result<const catalog::Catalog*> Session::catalog() {
  if (catalog_) return &*catalog_;
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, store());
  ALIQUOT_ASSIGN_OR_RETURN(catalog_, lab::current_catalog(*lab_store));
  return &*catalog_;
}

Result<const rules::RuleSet*> Session::rules() {
  if (!rules_) {
    ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* lab_catalog, catalog());
    ALIQUOT_ASSIGN_OR_RETURN(rules_, lab::current_rules(*store_, *lab_catalog));
  }
  return *rules_ ? &**rules_ : nullptr;
}

Result<const qc::QcPolicy*> Session::qc_policy() {
  if (!qc_policy_) {
    ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, store());
    ALIQUOT_ASSIGN_OR_RETURN(qc_policy_, lab::current_qc_policy(*lab_store));
  }
  return *qc_policy_ ? &**qc_policy_ : &qc::default_qc_policy();
}

Result<const people::Requirements*> Session::personnel() {
  if (!personnel_) {
    ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, store());
    ALIQUOT_ASSIGN_OR_RETURN(personnel_, lab::current_personnel_requirements(*lab_store));
  }
  return *personnel_ ? &**personnel_ : &people::default_requirements();
}

Result<const people::CeRules*> Session::ce_rules() {
  if (!ce_rules_) {
    ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, store());
    ALIQUOT_ASSIGN_OR_RETURN(ce_rules_, lab::current_ce_rules(*lab_store));
  }
  return *ce_rules_ ? &**ce_rules_ : &people::default_ce_rules();
}

Result<core::User> Session::actor(store::Transaction& tx) const {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::User> user, tx.find_user(options_.username));
  if (!user) {
    return not_found("user '" + options_.username + "' is not a user of the lab at '" +
                     options_.database_path +
                     "': act as an existing user with --user or ALIQUOT_USER (`aliquot user "
                     "list` shows them)");
  }
  return *user;
}

Result<void> Session::write(const Step& step) {
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* lab_catalog, catalog());
  ALIQUOT_ASSIGN_OR_RETURN(const rules::RuleSet* lab_rules, rules());
  ALIQUOT_ASSIGN_OR_RETURN(const qc::QcPolicy* lab_qc_policy, qc_policy());
  ALIQUOT_ASSIGN_OR_RETURN(const people::Requirements* lab_personnel, personnel());
  ALIQUOT_ASSIGN_OR_RETURN(const people::CeRules* lab_ce_rules, ce_rules());
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store_->begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(core::User user, actor(*tx));
  const lab::Context context{.catalog = *lab_catalog,
                             .clock = clock_,
                             .actor = std::move(user),
                             .rules = lab_rules,
                             .qc_policy = lab_qc_policy,
                             .calculations = &calc::default_calculation_set(),
                             .personnel = lab_personnel,
                             .ce_rules = lab_ce_rules};
  ALIQUOT_RETURN_IF_ERROR(step(*tx, context));
  return tx->commit();
}

Result<void> Session::read(const Step& step, std::optional<lab::Action> permission) {
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* lab_catalog, catalog());
  ALIQUOT_ASSIGN_OR_RETURN(const qc::QcPolicy* lab_qc_policy, qc_policy());
  ALIQUOT_ASSIGN_OR_RETURN(const people::Requirements* lab_personnel, personnel());
  ALIQUOT_ASSIGN_OR_RETURN(const people::CeRules* lab_ce_rules, ce_rules());
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store_->begin(store::TransactionMode::kRead));
  ALIQUOT_ASSIGN_OR_RETURN(core::User user, actor(*tx));
  if (permission) ALIQUOT_RETURN_IF_ERROR(lab::check_permission(user, *permission));
  const lab::Context context{.catalog = *lab_catalog,
                             .clock = clock_,
                             .actor = std::move(user),
                             .qc_policy = lab_qc_policy,
                             .calculations = &calc::default_calculation_set(),
                             .personnel = lab_personnel,
                             .ce_rules = lab_ce_rules};
  return step(*tx, context);
}

Result<void> Session::record_patient_reads(const std::vector<std::string>& mrns,
                                           const std::string& what) {
  std::set<std::string> distinct(mrns.begin(), mrns.end());
  distinct.erase(std::string());
  if (distinct.empty()) return ok();
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, store());
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           lab_store->begin(store::TransactionMode::kWrite));
  const core::Instant now = clock_.now();
  for (const std::string& mrn : distinct) {
    ALIQUOT_RETURN_IF_ERROR(tx->insert_patient_data_read(core::PatientDataRead{
        .at = now, .username = options_.username, .mrn = mrn, .what = what, .peer = ""}));
  }
  return tx->commit();
}

}  // namespace aliquot::cli
