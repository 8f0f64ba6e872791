#include "lab/document_versions.h"

#include <sodium.h>

#include "lab/json.h"
#include "lab/use_case_support.h"

namespace aliquot::lab {

std::string sha256_hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * sizeof digest);
  for (unsigned char byte : digest) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0x0f]);
  }
  return hex;
}

Result<store::CatalogVersion> next_version(const std::optional<store::CatalogVersion>& latest,
                                           std::string_view text, std::string_view file_name,
                                           const std::string& actor, core::Instant now,
                                           std::string_view what, std::string_view identical) {
  store::CatalogVersion version;
  version.version = latest ? latest->version + 1 : 1;
  version.name = std::string(file_name);
  version.content = std::string(text);
  version.sha256 = sha256_hex(text);
  version.loaded_at = now;
  version.loaded_by = actor;
  if (latest && latest->sha256 == version.sha256) {
    return already_exists(std::string(what) + version.name + std::string(identical) +
                          " to version " + std::to_string(latest->version) +
                          " already in force (sha256 " + version.sha256 + ")");
  }
  return version;
}

Result<std::optional<store::CatalogVersion>> fingerprint_checked(
    std::optional<store::CatalogVersion> latest, std::string_view what) {
  if (!latest) return latest;
  const std::string sha256 = sha256_hex(latest->content);
  if (sha256 != latest->sha256) {
    return data_loss(std::string(what) + " version " + std::to_string(latest->version) + " ('" +
                     latest->name + "') does not match its recorded sha256 " + latest->sha256 +
                     " (content hashes to " + sha256 + ")");
  }
  return latest;
}

Result<store::CatalogVersion> record_document_version(
    store::Transaction& tx, const DocumentKind& kind, std::string_view text,
    std::string_view file_name, const std::string& actor, core::Instant now, nlohmann::json image) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> latest, (tx.*kind.latest)());
  ALIQUOT_ASSIGN_OR_RETURN(
      store::CatalogVersion version,
      next_version(latest, text, file_name, actor, now, kind.refusal_what, kind.refusal_identical));
  ALIQUOT_ASSIGN_OR_RETURN(version, (tx.*kind.insert)(version));
  audit::Change change;
  change.action = std::string(kind.action);
  change.entity_type = std::string(kind.entity_type);
  change.entity_key = std::to_string(version.version);
  image["version"] = version.version;
  image["name"] = version.name;
  image["sha256"] = version.sha256;
  image["loaded_at"] = core::format_instant(version.loaded_at);
  image["loaded_by"] = version.loaded_by;
  change.after = to_compact_text(image);
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor, now, change));
  return version;
}

}  // namespace aliquot::lab
