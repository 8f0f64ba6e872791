#pragma once

// The hash-chained audit trail (ARCHITECTURE decision 3). Every use case records its change here
// inside its own transaction, so the change and its audit entry commit together or not at all.
// Each entry's hash covers its content and the previous entry's hash; altering or removing any
// entry breaks the chain from that point, which verify() reports by sequence number.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/audit_entry.h"
#include "core/error.h"
#include "core/time.h"
#include "store/store.h"

namespace aliquot::audit {

// What changed, as the use case describes it. `before`/`after` are JSON texts ("" for none).
struct Change {
  std::string action;
  std::string entity_type;
  std::string entity_key;
  std::string patient_mrn;
  std::string accession_number;
  std::string test_code;
  std::string before;
  std::string after;
  std::string reason;
};

// Appends `change` as the next entry of the chain in `tx` and returns it as stored.
Result<core::AuditEntry> record(store::Transaction& tx, std::string_view actor, core::Instant at,
                                const Change& change);

// Lowercase hex SHA-256 over the canonical form of every field of `entry` except `hash`. The
// canonical form is length-prefixed, so no choice of field contents can collide with another.
std::string compute_hash(const core::AuditEntry& entry);

struct VerifyReport {
  std::int64_t entries_checked = 0;
  bool intact = true;
  std::optional<std::int64_t>
      first_bad_sequence;  // the first entry altered, or where one is missing
  std::string problem;     // what is wrong there, in words
};

// Walks the whole chain in sequence order. An error is returned only when the store cannot be
// read; a broken chain is a report with intact == false.
Result<VerifyReport> verify(store::Transaction& tx);

}  // namespace aliquot::audit
