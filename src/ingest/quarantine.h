#pragma once

// What the lab does with a quarantined message once the cause is fixed (a test code mapped, a
// patient registered, a specimen received): replay it exactly as it was received, or discard it
// with a reason. Both need the right to manage interfaces, and both are audited (actions
// message.replay and message.discard, entity "message" keyed "quarantine/ID").

#include <cstdint>
#include <string>
#include <vector>

#include "ingest/astm_ingest.h"
#include "ingest/hl7_ingest.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::ingest {

struct ReplayOutcome {
  bool applied = false;
  std::string text;  // the summary when applied, every problem otherwise
};

// Applies held message `id` in `tx` as its sender's interface. Applied: the entry becomes
// replayed with the summary. Refused again: nothing of it is kept, the entry stays held and its
// resolution records when, by whom and why the replay failed. Both outcomes are written for the
// caller to commit. FailedPrecondition when the entry is not held; NotFound for an unknown id.
Result<ReplayOutcome> replay_quarantined(store::Transaction& tx, const lab::Context& person,
                                         std::int64_t id, const Hl7Ingest& hl7,
                                         const AstmIngest& astm);

// The same with the lab's interfaces as `person` has them (catalog, clock, autoverification rules
// and QC policy) and the instrument profiles `profiles`: what `aliquot quarantine replay` and the
// JSON API's POST /api/quarantine/{id}/replay do.
Result<ReplayOutcome> replay_quarantined(store::Transaction& tx, const lab::Context& person,
                                         std::int64_t id, const InstrumentProfiles& profiles);

// The MRNs a quarantined message names for its patients, each once, in message order: HL7
// PID-3.1, ASTM P-3.1 (practice-assigned id) and P-4.1 (laboratory-assigned id). Whose data a
// person reads in the message's content. A message that names its patients only through their
// specimens (most instrument results) gives none; one that cannot be read gives what was found.
std::vector<std::string> patients_named(const store::QuarantinedMessage& message);

// Sets held message `id` aside; `reason` is required.
Result<void> discard_quarantined(store::Transaction& tx, const lab::Context& person,
                                 std::int64_t id, const std::string& reason);

}  // namespace aliquot::ingest
