#include "lab/lab_setup.h"

#include <sodium.h>

#include <optional>

#include "audit/chain.h"
#include "calc/catalog_links.h"
#include "calc/default_calculation_set.h"
#include "lab/document_versions.h"
#include "lab/json.h"
#include "lab/permissions.h"
#include "lab/use_case_support.h"
#include "rules/loader.h"

namespace aliquot::lab {
namespace {

// Loads `text`, or refuses it with every diagnostic, one per line. A catalog whose calculated
// tests do not fit the calculations in force (the default set) is refused with every broken link.
Result<catalog::Catalog> load_or_refuse(std::string_view text, std::string_view file_name) {
  catalog::LoadOutcome outcome = catalog::load_catalog(text, file_name);
  if (outcome.diagnostics.empty() && outcome.catalog) {
    ALIQUOT_RETURN_IF_ERROR(
        calc::refuse_broken_links(*outcome.catalog, calc::default_calculation_set(), file_name));
    return std::move(*outcome.catalog);
  }
  std::string message = "catalog '" + std::string(file_name) + "' is invalid (" +
                        std::to_string(outcome.diagnostics.size()) + " problem" +
                        (outcome.diagnostics.size() == 1 ? "" : "s") + "):";
  for (const catalog::Diagnostic& diagnostic : outcome.diagnostics) {
    message += "\n" + diagnostic.to_string();
  }
  return invalid_argument(std::move(message));
}

nlohmann::json catalog_image(const store::CatalogVersion& version,
                             const catalog::Catalog& catalog) {
  // The content itself is in the catalog_versions record; the trail keeps its fingerprint.
  return nlohmann::json{
      {"version", version.version},
      {"name", version.name},
      {"sha256", version.sha256},
      {"catalog_name", catalog.name()},
      {"catalog_version", catalog.version()},
      {"tests", catalog.tests().size()},
      {"panels", catalog.panels().size()},
      {"loaded_at", core::format_instant(version.loaded_at)},
      {"loaded_by", version.loaded_by},
  };
}

Result<store::CatalogVersion> record_catalog(store::Transaction& tx, const catalog::Catalog& loaded,
                                             std::string_view text, std::string_view file_name,
                                             const std::string& actor, core::Instant now) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> latest,
                           tx.latest_catalog_version());
  ALIQUOT_ASSIGN_OR_RETURN(
      store::CatalogVersion version,
      next_version(latest, text, file_name, actor, now, "catalog '", "' is identical"));
  ALIQUOT_ASSIGN_OR_RETURN(version, tx.insert_catalog_version(version));

  audit::Change change;
  change.action = "catalog.load";
  change.entity_type = "catalog";
  change.entity_key = std::to_string(version.version);
  change.after = to_compact_text(catalog_image(version, loaded));
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor, now, change));
  return version;
}

// Loads rules `text` against `catalog`, or refuses it with every diagnostic, one per line.
Result<rules::RuleSet> load_rules_or_refuse(std::string_view text, std::string_view file_name,
                                            const catalog::Catalog& catalog,
                                            std::string_view refusal) {
  rules::LoadOutcome outcome = rules::load_rules(text, file_name, catalog);
  if (outcome.diagnostics.empty() && outcome.rules) return std::move(*outcome.rules);
  std::string message = std::string(refusal) + " (" + std::to_string(outcome.diagnostics.size()) +
                        " problem" + (outcome.diagnostics.size() == 1 ? "" : "s") + "):";
  for (const Error& diagnostic : outcome.diagnostics) message += "\n" + diagnostic.to_string();
  return invalid_argument(std::move(message));
}

Result<void> record_rules(store::Transaction& tx, const rules::RuleSet& loaded,
                          std::string_view text, std::string_view file_name,
                          const std::string& actor, core::Instant now) {
  constexpr DocumentKind kRules{"rules '",
                                "' are identical",
                                "rules.load",
                                "rules",
                                &store::Transaction::latest_rules_version,
                                &store::Transaction::insert_rules_version};
  ALIQUOT_RETURN_IF_ERROR(record_document_version(tx, kRules, text, file_name, actor, now,
                                                  {{"rules_name", loaded.name()},
                                                   {"rules_version", loaded.version()},
                                                   {"analytes", loaded.analytes().size()},
                                                   {"disciplines", loaded.disciplines().size()}}));
  return ok();
}

// The rules version in force, checked against its recorded fingerprint.
Result<std::optional<store::CatalogVersion>> latest_rules(store::Transaction& tx) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<store::CatalogVersion> latest, tx.latest_rules_version());
  return fingerprint_checked(std::move(latest), "rules");
}

// Reads a QC policy, or refuses it with every problem, one per line: its own, and every
// [[analyte]] the catalog does not have.
Result<qc::QcPolicy> load_qc_policy_or_refuse(std::string_view text, std::string_view file_name,
                                              const catalog::Catalog& catalog,
                                              std::string_view refusal) {
  std::vector<Error> problems = qc::check_qc_policy(text, file_name);
  std::optional<qc::QcPolicy> policy;
  if (problems.empty()) {
    Result<qc::QcPolicy> parsed = qc::QcPolicy::parse(text, file_name);
    if (!parsed.has_value()) return parsed.error();
    for (const auto& [code, analyte] : parsed->analytes()) {
      if (catalog.find_test(code) == nullptr) {
        problems.push_back(not_found(std::string(file_name) + ": [[analyte]] " + code +
                                     " is not a test of catalog '" + catalog.name() + "'"));
      }
    }
    policy = std::move(*parsed);
  }
  if (problems.empty()) return std::move(*policy);
  std::string message = std::string(refusal) + " (" + std::to_string(problems.size()) + " problem" +
                        (problems.size() == 1 ? "" : "s") + "):";
  for (const Error& problem : problems) message += "\n" + problem.to_string();
  return invalid_argument(std::move(message));
}

}  // namespace

Result<void> initialize_lab(store::Store& store, const core::Clock& clock,
                            const InitializeLab& command) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  const std::string file_name = command.catalog_file_name.empty()
                                    ? std::string(catalog::kDefaultCatalogFileName)
                                    : command.catalog_file_name;
  const std::string text = command.catalog_text.empty()
                               ? std::string(catalog::default_catalog_text())
                               : command.catalog_text;
  const std::string lab_name = trimmed(command.lab_name);
  if (lab_name.empty()) return invalid_argument("the lab needs a name");

  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> existing_name,
                           tx->get_setting("lab.name"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> existing_catalog,
                           tx->latest_catalog_version());
  ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::User> existing_users, tx->list_users());
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::AuditEntry> existing_entry,
                           tx->last_audit_entry());
  if (existing_name || existing_catalog || !existing_users.empty() || existing_entry) {
    return failed_precondition("the store already holds a lab" +
                               (existing_name ? " ('" + *existing_name + "')" : std::string()) +
                               "; it is initialized only once");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog loaded, load_or_refuse(text, file_name));

  // The first admin initializes the lab, so the trail names them from its first entry.
  core::User admin;
  admin.username = trimmed(command.admin_username);
  admin.display_name = trimmed(command.admin_display_name);
  if (admin.display_name.empty()) admin.display_name = admin.username;
  admin.role = core::Role::kAdmin;
  admin.active = true;
  const core::Instant now = clock.now();
  admin.created_at = now;
  ALIQUOT_RETURN_IF_ERROR(validate_username(admin.username));

  ALIQUOT_RETURN_IF_ERROR(set_setting_audited(*tx, admin.username, now, "lab.name", lab_name));

  ALIQUOT_RETURN_IF_ERROR(record_catalog(*tx, loaded, text, file_name, admin.username, now));
  if (!command.rules_text.empty() || command.catalog_text.empty()) {
    const std::string rules_file = !command.rules_file_name.empty()
                                       ? command.rules_file_name
                                       : std::string(rules::kDefaultRulesFileName);
    const std::string rules_text =
        command.rules_text.empty() ? std::string(rules::default_rules_text()) : command.rules_text;
    ALIQUOT_ASSIGN_OR_RETURN(
        const rules::RuleSet rules,
        load_rules_or_refuse(rules_text, rules_file, loaded,
                             "autoverification rules '" + rules_file + "' are invalid"));
    ALIQUOT_RETURN_IF_ERROR(record_rules(*tx, rules, rules_text, rules_file, admin.username, now));
  }

  ALIQUOT_ASSIGN_OR_RETURN(admin, tx->insert_user(admin));
  audit::Change user;
  user.action = "user.add";
  user.entity_type = "user";
  user.entity_key = admin.username;
  user.after = audit_image(admin);
  ALIQUOT_RETURN_IF_ERROR(record_change(*tx, admin.username, now, user));
  return tx->commit();
}

Result<void> load_catalog_version(store::Store& store, const core::Clock& clock,
                                  const std::string& actor_username,
                                  const std::string& catalog_text, const std::string& file_name) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(*tx, actor_username, Action::kLoadCatalog));
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog loaded, load_or_refuse(catalog_text, file_name));
  // The rules in force must still fit: a test they name may not silently leave the catalog.
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> rules_in_force,
                           latest_rules(*tx));
  if (rules_in_force) {
    const Result<rules::RuleSet> still_fit = load_rules_or_refuse(
        rules_in_force->content, rules_in_force->name, loaded,
        "catalog '" + file_name + "' does not fit the autoverification rules in force (version " +
            std::to_string(rules_in_force->version) + "); load rules that fit it first");
    if (!still_fit.has_value()) return still_fit.error();
  }
  ALIQUOT_RETURN_IF_ERROR(
      record_catalog(*tx, loaded, catalog_text, file_name, actor.username, clock.now()));
  return tx->commit();
}

Result<void> load_rules_version(store::Store& store, const core::Clock& clock,
                                const std::string& actor_username, const std::string& rules_text,
                                const std::string& file_name) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog catalog, current_catalog(store));
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(*tx, actor_username, Action::kLoadCatalog));
  ALIQUOT_ASSIGN_OR_RETURN(
      const rules::RuleSet loaded,
      load_rules_or_refuse(rules_text, file_name, catalog,
                           "autoverification rules '" + file_name + "' are invalid"));
  ALIQUOT_RETURN_IF_ERROR(
      record_rules(*tx, loaded, rules_text, file_name, actor.username, clock.now()));
  return tx->commit();
}

Result<std::optional<rules::RuleSet>> current_rules(store::Store& store,
                                                    const catalog::Catalog& catalog) {
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kRead));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> latest, latest_rules(*tx));
  if (!latest) return std::optional<rules::RuleSet>();
  Result<rules::RuleSet> loaded =
      load_rules_or_refuse(latest->content, latest->name, catalog,
                           "rules version " + std::to_string(latest->version) + " ('" +
                               latest->name + "') no longer loads");
  if (!loaded.has_value()) return data_loss(loaded.error().message());
  return std::optional<rules::RuleSet>(std::move(*loaded));
}

Result<void> load_qc_policy_version(store::Store& store, const core::Clock& clock,
                                    const std::string& actor_username,
                                    const std::string& policy_text, const std::string& file_name) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog catalog, current_catalog(store));
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(*tx, actor_username, Action::kManageQc));
  ALIQUOT_ASSIGN_OR_RETURN(const qc::QcPolicy loaded,
                           load_qc_policy_or_refuse(policy_text, file_name, catalog,
                                                    "QC policy '" + file_name + "' is invalid"));
  constexpr DocumentKind kQcPolicy{"QC policy '",
                                   "' is identical",
                                   "qc_policy.load",
                                   "qc_policy",
                                   &store::Transaction::latest_qc_policy_version,
                                   &store::Transaction::insert_qc_policy_version};
  ALIQUOT_RETURN_IF_ERROR(record_document_version(*tx, kQcPolicy, policy_text, file_name,
                                                  actor.username, clock.now(),
                                                  {{"policy_name", loaded.name()},
                                                   {"policy_version", loaded.version()},
                                                   {"rules", loaded.defaults().rules_text},
                                                   {"analytes", loaded.analytes().size()}}));
  return tx->commit();
}

Result<std::optional<qc::QcPolicy>> current_qc_policy(store::Store& store) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog catalog, current_catalog(store));
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kRead));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<store::CatalogVersion> latest,
                           tx->latest_qc_policy_version());
  ALIQUOT_ASSIGN_OR_RETURN(latest, fingerprint_checked(std::move(latest), "QC policy"));
  if (!latest) return std::optional<qc::QcPolicy>();
  Result<qc::QcPolicy> loaded =
      load_qc_policy_or_refuse(latest->content, latest->name, catalog,
                               "QC policy version " + std::to_string(latest->version) + " ('" +
                                   latest->name + "') no longer loads");
  if (!loaded.has_value()) return data_loss(loaded.error().message());
  return std::optional<qc::QcPolicy>(std::move(*loaded));
}

Result<catalog::Catalog> current_catalog(store::Store& store) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kRead));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> latest,
                           tx->latest_catalog_version());
  if (!latest) {
    return failed_precondition("the store holds no lab yet (run `aliquot init`)");
  }
  // The text is what the lab validated and the trail fingerprinted; refuse a changed one.
  const std::string sha256 = sha256_hex(latest->content);
  if (sha256 != latest->sha256) {
    return data_loss("catalog version " + std::to_string(latest->version) + " ('" + latest->name +
                     "') does not match its recorded sha256 " + latest->sha256 +
                     " (content hashes to " + sha256 + ")");
  }
  catalog::LoadOutcome outcome = catalog::load_catalog(latest->content, latest->name);
  if (!outcome.diagnostics.empty() || !outcome.catalog) {
    std::string message = "catalog version " + std::to_string(latest->version) + " ('" +
                          latest->name + "') no longer loads:";
    for (const catalog::Diagnostic& diagnostic : outcome.diagnostics) {
      message += "\n" + diagnostic.to_string();
    }
    return data_loss(std::move(message));
  }
  return std::move(*outcome.catalog);
}

}  // namespace aliquot::lab
