#include "audit/chain.h"

#include <sodium.h>

#include <array>
#include <string>
#include <vector>

namespace aliquot::audit {
namespace {

// Entries read per call while verifying, so that a long trail is walked in bounded memory.
constexpr std::int64_t kVerifyPageSize = 10000;

// Tags the serialization so that a later form (v2) can never produce the same bytes.
constexpr std::string_view kCanonicalFormTag = "aliquot.audit.v1";

// libsodium asks for sodium_init() before use; a function-local static runs it exactly once,
// whichever thread gets here first (C++11 guarantees thread-safe initialization).
bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Appends `field` as a netstring: its length in bytes in decimal, ':', the bytes, ','.
void append_netstring(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ',';
}

// The canonical form that compute_hash() hashes, so that an auditor can re-implement it:
//
//   the concatenation of these 14 netstrings ("<length>:<bytes>," with <length> the decimal
//   number of bytes, as in D. J. Bernstein's netstring format), in this order:
//     "aliquot.audit.v1", sequence, at, actor, action, entity_type, entity_key, patient_mrn,
//     accession_number, test_code, before, after, reason, previous_hash
//   where sequence is written in decimal ("57"), at as decimal unix milliseconds UTC
//   ("1794947201000"; negative with a leading '-'), and text fields as their UTF-8 bytes.
//
// Each field carries its own length, so no choice of contents can make two different entries
// serialize to the same bytes. The hash is lowercase hex of SHA-256 over these bytes.
std::string canonical_form(const core::AuditEntry& entry) {
  std::string out;
  out.reserve(256 + entry.before.size() + entry.after.size());
  append_netstring(out, kCanonicalFormTag);
  append_netstring(out, std::to_string(entry.sequence));
  append_netstring(out, std::to_string(core::to_unix_millis(entry.at)));
  append_netstring(out, entry.actor);
  append_netstring(out, entry.action);
  append_netstring(out, entry.entity_type);
  append_netstring(out, entry.entity_key);
  append_netstring(out, entry.patient_mrn);
  append_netstring(out, entry.accession_number);
  append_netstring(out, entry.test_code);
  append_netstring(out, entry.before);
  append_netstring(out, entry.after);
  append_netstring(out, entry.reason);
  append_netstring(out, entry.previous_hash);
  return out;
}

// "57 (result.release 260000042H/K at 2026-11-21T20:26:41Z by tech1)": how the problems name an
// entry, with what it claims to be.
std::string describe(const core::AuditEntry& entry) {
  return "entry " + std::to_string(entry.sequence) + " (" + entry.action + " " + entry.entity_key +
         " at " + core::format_instant(entry.at) + " by " + entry.actor + ")";
}

VerifyReport broken(VerifyReport report, std::optional<std::int64_t> sequence,
                    std::string problem) {
  report.intact = false;
  report.first_bad_sequence = sequence;
  report.problem = std::move(problem);
  return report;
}

}  // namespace

std::string compute_hash(const core::AuditEntry& entry) {
  (void)sodium_ready();  // SHA-256 needs no initialization, but the library asks for it
  const std::string form = canonical_form(entry);
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(form.data()),
                     form.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

Result<core::AuditEntry> record(store::Transaction& tx, std::string_view actor, core::Instant at,
                                const Change& change) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::AuditEntry> last, tx.last_audit_entry());
  core::AuditEntry entry;
  entry.sequence = last ? last->sequence + 1 : 1;
  entry.at = at;
  entry.actor = std::string(actor);
  entry.action = change.action;
  entry.entity_type = change.entity_type;
  entry.entity_key = change.entity_key;
  entry.patient_mrn = change.patient_mrn;
  entry.accession_number = change.accession_number;
  entry.test_code = change.test_code;
  entry.before = change.before;
  entry.after = change.after;
  entry.reason = change.reason;
  entry.previous_hash = last ? last->hash : "";
  entry.hash = compute_hash(entry);
  ALIQUOT_RETURN_IF_ERROR(tx.append_audit_entry(entry));
  return entry;
}

Result<VerifyReport> verify(store::Transaction& tx) {
  VerifyReport report;
  std::optional<core::AuditEntry> previous;
  std::int64_t next_sequence = 1;
  for (;;) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::AuditEntry> page,
                             tx.audit_entries(next_sequence, kVerifyPageSize));
    for (const core::AuditEntry& entry : page) {
      // 1. No entry may be missing between the previous one and this one.
      if (entry.sequence != next_sequence) {
        const std::string after =
            previous ? "after " + std::to_string(previous->sequence) : "at the start of the trail";
        return broken(report, next_sequence,
                      "entry " + std::to_string(next_sequence) + " is missing (found " +
                          std::to_string(entry.sequence) + " " + after + ")");
      }
      // 2. The entry's content must still produce its hash.
      if (compute_hash(entry) != entry.hash) {
        return broken(report, entry.sequence,
                      describe(entry) + " was altered: its content no longer matches its hash");
      }
      // 3. Its link must name the previous entry's hash. The entry itself is intact (2), so
      //    when the link does not match it is the previous entry that was rewritten, hash and
      //    all.
      const std::string expected_link = previous ? previous->hash : "";
      if (entry.previous_hash != expected_link) {
        if (!previous) {
          return broken(report, entry.sequence,
                        describe(entry) +
                            " does not start the chain: it links to a previous "
                            "hash although no entry precedes it");
        }
        return broken(report, previous->sequence,
                      describe(*previous) + " was altered: its hash was recomputed, but entry " +
                          std::to_string(entry.sequence) + " is chained to a different hash");
      }
      ++report.entries_checked;
      previous = entry;
      ++next_sequence;
    }
    if (static_cast<std::int64_t>(page.size()) < kVerifyPageSize) break;
  }

  // 4. The head, kept apart from the entries, must name the last entry: otherwise entries were
  //    removed from the end, added around the store, or the last entry was rewritten.
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::AuditHead> head, tx.audit_head());
  const std::int64_t last = previous ? previous->sequence : 0;
  if (!head) {
    if (previous) {
      return broken(report, std::nullopt,
                    "the audit chain head is missing although the trail holds entries 1-" +
                        std::to_string(last));
    }
    return report;
  }
  if (head->sequence > last) {
    const std::string missing = head->sequence == last + 1
                                    ? "entry " + std::to_string(last + 1) + " is missing"
                                    : "entries " + std::to_string(last + 1) + "-" +
                                          std::to_string(head->sequence) + " are missing";
    return broken(report, last + 1,
                  missing + " (the trail ends at " + std::to_string(last) +
                      " but the chain head records entry " + std::to_string(head->sequence) + ")");
  }
  if (head->sequence < last) {
    return broken(report, head->sequence + 1,
                  "entry " + std::to_string(head->sequence + 1) +
                      " was added outside the store: the chain head records entry " +
                      std::to_string(head->sequence) + " as the last");
  }
  if (previous && head->hash != previous->hash) {
    return broken(report, previous->sequence,
                  describe(*previous) +
                      " was altered: its hash was recomputed, but the chain head records a "
                      "different hash");
  }
  return report;
}

}  // namespace aliquot::audit
