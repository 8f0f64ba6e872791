#pragma once

// The lab's documents as loaded (catalog, autoverification rules, QC policy, personnel
// requirements, continuing-education rules): each load is a new version holding the text and its
// SHA-256, so that what was in force at any time can be shown, and a text altered in the
// database is detected before it is used.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/time.h"
#include "store/store.h"

namespace aliquot::lab {

// Lower-case hex SHA-256 of `text` (libsodium, which must be initialized).
std::string sha256_hex(std::string_view text);

// The version that follows `latest` for `text`; AlreadyExists when the text is the one in force
// ("<what><name><identical> to version N already in force").
Result<store::CatalogVersion> next_version(const std::optional<store::CatalogVersion>& latest,
                                           std::string_view text, std::string_view file_name,
                                           const std::string& actor, core::Instant now,
                                           std::string_view what, std::string_view identical);

// `latest` when its content still hashes to its recorded fingerprint; DataLoss naming `what`
// ("rules") and the version otherwise.
Result<std::optional<store::CatalogVersion>> fingerprint_checked(
    std::optional<store::CatalogVersion> latest, std::string_view what);

// One kind of lab document: where its versions are kept and how its loads are audited.
struct DocumentKind {
  std::string_view refusal_what;       // "QC policy '"
  std::string_view refusal_identical;  // "' is identical"
  std::string_view action;             // "qc_policy.load"
  std::string_view entity_type;        // "qc_policy"
  Result<std::optional<store::CatalogVersion>> (store::Transaction::*latest)();
  Result<store::CatalogVersion> (store::Transaction::*insert)(store::CatalogVersion);
};

// Records `text` as the next version of `kind` and audits the load: the trail keeps the version's
// fingerprint (number, file name, SHA-256, who and when) with `image`, what the document says of
// itself; the content is in the versions record. AlreadyExists when `text` is the version in
// force.
Result<store::CatalogVersion> record_document_version(
    store::Transaction& tx, const DocumentKind& kind, std::string_view text,
    std::string_view file_name, const std::string& actor, core::Instant now, nlohmann::json image);

}  // namespace aliquot::lab
