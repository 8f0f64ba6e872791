#pragma once

#include <cstdint>
#include <string>

#include "core/time.h"

namespace aliquot::core {

// One entry of the hash-chained audit trail (ARCHITECTURE decision 3). `before` and `after` are
// JSON texts of the changed entity ("" when there was none). The subject keys let the history of a
// patient, specimen or result be listed. `hash` = SHA-256 over the canonical form of every other
// field and `previous_hash`; see audit/chain.h.
struct AuditEntry {
  std::int64_t sequence = 0;  // 1, 2, 3, ... without gaps
  Instant at{};
  std::string actor;
  std::string action;       // "specimen.receive", "result.release", ...
  std::string entity_type;  // "patient", "order", "specimen", "result", "user", "catalog"
  std::string entity_key;   // MRN, order number, accession, "ACCESSION/TEST", username
  std::string patient_mrn;  // the patient concerned, "" when none
  std::string accession_number;
  std::string test_code;
  std::string before;
  std::string after;
  std::string reason;
  std::string previous_hash;  // hex; "" for the first entry
  std::string hash;           // hex SHA-256
};

}  // namespace aliquot::core
