#include "lab/personnel_setup.h"

#include <sodium.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/text.h"
#include "lab/document_versions.h"
#include "lab/json.h"
#include "lab/lab_setup.h"
#include "lab/permissions.h"
#include "lab/use_case_support.h"

namespace aliquot::lab {
namespace {

// Every problem of `diagnostics` one per line after `refusal`.
Error refusal_with(std::string_view refusal, const std::vector<Error>& diagnostics) {
  std::string message = std::string(refusal) + " (" + std::to_string(diagnostics.size()) +
                        " problem" + (diagnostics.size() == 1 ? "" : "s") + "):";
  for (const Error& diagnostic : diagnostics) message += "\n" + diagnostic.to_string();
  return invalid_argument(std::move(message));
}

Result<people::Requirements> requirements_or_refuse(const std::string& text,
                                                    const std::string& file_name,
                                                    const catalog::Catalog& catalog,
                                                    std::string_view refusal) {
  people::RequirementsLoad load = people::load_requirements(text, file_name);
  std::vector<Error> problems = std::move(load.diagnostics);
  if (load.requirements)
    problems = unknown_requirement_sections(*load.requirements, catalog, file_name);
  if (!problems.empty() || !load.requirements) return refusal_with(refusal, problems);
  return std::move(*load.requirements);
}

Result<people::CeRules> ce_rules_or_refuse(const std::string& text, const std::string& file_name,
                                           std::string_view refusal) {
  people::CeRulesLoad load = people::load_ce_rules(text, file_name);
  if (!load.diagnostics.empty() || !load.rules) return refusal_with(refusal, load.diagnostics);
  return std::move(*load.rules);
}

constexpr DocumentKind kPersonnelRequirements{
    "personnel requirements '",
    "' are identical",
    "personnel.load",
    "personnel_requirements",
    &store::Transaction::latest_personnel_requirements_version,
    &store::Transaction::insert_personnel_requirements_version};

constexpr DocumentKind kCeRules{"continuing-education rules '",
                                "' are identical",
                                "ce_rules.load",
                                "ce_rules",
                                &store::Transaction::latest_ce_rules_version,
                                &store::Transaction::insert_ce_rules_version};

}  // namespace

std::vector<Error> unknown_requirement_sections(const people::Requirements& requirements,
                                                const catalog::Catalog& catalog,
                                                const std::string& file) {
  std::vector<std::pair<std::string, int>> named;
  for (const people::SectionRoles& section : requirements.sections()) {
    named.emplace_back(section.section, section.line);
  }
  for (const people::ReviewPolicy& review : requirements.reviews()) {
    for (const std::string& section : review.sections) named.emplace_back(section, review.line);
  }
  std::vector<std::string> known;
  for (const catalog::Section& section : catalog.sections()) known.push_back(section.code);
  std::vector<Error> problems;
  for (const auto& [section, line] : named) {
    if (catalog.find_section(section) != nullptr) continue;
    std::string message =
        "section " + core::in_quotes(section) + " is not a section of the catalog";
    const std::string nearest = core::nearest_spelling(section, known, core::LetterCase::kIgnored);
    if (!nearest.empty()) message += " (did you mean " + core::in_quotes(nearest) + "?)";
    problems.push_back(Error(ErrorCode::kInvalidArgument, message, SourcePosition{file, line, 0}));
  }
  return problems;
}

Result<void> load_personnel_requirements_version(store::Store& store, const core::Clock& clock,
                                                 const std::string& actor_username,
                                                 const std::string& text,
                                                 const std::string& file_name) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog catalog, current_catalog(store));
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(*tx, actor_username, Action::kJudgeQualification));
  ALIQUOT_ASSIGN_OR_RETURN(
      const people::Requirements loaded,
      requirements_or_refuse(text, file_name, catalog,
                             "personnel requirements '" + file_name + "' are invalid"));
  ALIQUOT_RETURN_IF_ERROR(record_document_version(*tx, kPersonnelRequirements, text, file_name,
                                                  actor.username, clock.now(),
                                                  {{"requirements_name", loaded.name()},
                                                   {"requirements_version", loaded.version()},
                                                   {"licensure_states", loaded.licensure().size()},
                                                   {"sections", loaded.sections().size()},
                                                   {"reviews", loaded.reviews().size()}}));
  return tx->commit();
}

Result<std::optional<people::Requirements>> current_personnel_requirements(store::Store& store) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog catalog, current_catalog(store));
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kRead));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<store::CatalogVersion> latest,
                           tx->latest_personnel_requirements_version());
  ALIQUOT_ASSIGN_OR_RETURN(latest,
                           fingerprint_checked(std::move(latest), "personnel requirements"));
  if (!latest) return std::optional<people::Requirements>();
  Result<people::Requirements> loaded =
      requirements_or_refuse(latest->content, latest->name, catalog,
                             "personnel requirements version " + std::to_string(latest->version) +
                                 " ('" + latest->name + "') no longer load");
  if (!loaded.has_value()) return data_loss(loaded.error().message());
  return std::optional<people::Requirements>(std::move(*loaded));
}

Result<void> load_ce_rules_version(store::Store& store, const core::Clock& clock,
                                   const std::string& actor_username, const std::string& text,
                                   const std::string& file_name) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(*tx, actor_username, Action::kManagePeople));
  ALIQUOT_ASSIGN_OR_RETURN(
      const people::CeRules loaded,
      ce_rules_or_refuse(text, file_name,
                         "continuing-education rules '" + file_name + "' are invalid"));
  ALIQUOT_RETURN_IF_ERROR(record_document_version(*tx, kCeRules, text, file_name, actor.username,
                                                  clock.now(),
                                                  {{"rules_name", loaded.name()},
                                                   {"rules_version", loaded.version()},
                                                   {"categories", loaded.categories().size()},
                                                   {"programs", loaded.programs().size()}}));
  return tx->commit();
}

Result<std::optional<people::CeRules>> current_ce_rules(store::Store& store) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialized");
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kRead));
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<store::CatalogVersion> latest,
                           tx->latest_ce_rules_version());
  ALIQUOT_ASSIGN_OR_RETURN(latest,
                           fingerprint_checked(std::move(latest), "continuing-education rules"));
  if (!latest) return std::optional<people::CeRules>();
  Result<people::CeRules> loaded =
      ce_rules_or_refuse(latest->content, latest->name,
                         "continuing-education rules version " + std::to_string(latest->version) +
                             " ('" + latest->name + "') no longer load");
  if (!loaded.has_value()) return data_loss(loaded.error().message());
  return std::optional<people::CeRules>(std::move(*loaded));
}

}  // namespace aliquot::lab
