#pragma once

// ASTM E1394 / LIS02-A2 messages from instruments into the lab (interfaces.md): results (R) are
// posted through the same use case as HL7 results, and host queries (Q) are answered with the
// specimen's orders (H-P-O-L, O-26 = Q).
//
// A message is H ... L from one instrument. H-5.1 (trimmed) names the instrument and selects its
// profile (ingest/instrument_profile.h): a sender without a profile is refused. Each O record's
// specimen id is component `specimen_id_component` of O-3; each R record's test code is
// component `test_code_component` of R-3, mapped through the profile; R-4 is the value, R-5 the
// unit, R-13 the time the test was completed, the instrument's wall clock read in the lab's zone
// (ingest/measurement_time.h: how the post's measurement time follows from it; one that cannot be
// used is named in the summary, never a reason to refuse). R-9 (result status) X ("cannot be
// done") and I (in progress) post nothing.
//
// Quality control: an O record is a control sample when its O-12 action code is Q, or when its
// specimen id is a sample id the lab registered for a control material on the instrument
// (`aliquot qc sample-id set`; many analyzers report QC with the action code of patient
// samples). Its R records are control values, mapped like patient results, and become one QC run
// per test (ingest/qc_readings.h, lab::record_qc_run), measured at R-13, recorded before the
// message's patient results. A control sample flagged Q whose sample id the lab has not
// registered refuses the message, naming the sample id and the command that registers it. A
// rejected run is no refusal: the summary names it and the patient results it held.
//
// All results of a message are applied or none.
//
// Idempotent: a message with results is identified by the SHA-256 of its records; the same
// message received again (the instrument sends again when our final ACK was lost) is
// acknowledged without being applied twice.

#include <memory>
#include <string>
#include <vector>

#include "astm/record.h"
#include "catalog/catalog.h"
#include "core/time.h"
#include "ingest/instrument_profile.h"
#include "ingest/pipeline.h"
#include "people/requirements.h"
#include "qc/qc_policy.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace aliquot::ingest {

struct AstmReceived {
  std::vector<std::string> records;  // as the sender wrote them, without CR
  std::string peer;
  core::Instant received_at{};
  astm::Delimiters delimiters;
  std::string sender;      // H-5.1, trimmed
  std::string message_id;  // SHA-256 of the records, hex
  std::string shape;       // "H-P-O-R-R-L"
  std::optional<Error> unreadable;
  // Filled by apply(): the answer to a host query, records without CR.
  std::vector<std::string> reply;
};

class AstmIngest {
 public:
  // `rules`: the lab's autoverification rules (results wait for a person without them);
  // `qc_policy`: the lab's QC policy (qc::default_qc_policy() without one); `personnel`: the
  // lab's personnel requirements, for point-of-care operators (the built-in ones without). All
  // must outlive the ingest.
  AstmIngest(const catalog::Catalog& catalog, const InstrumentProfiles& profiles,
             const core::Clock& clock, const rules::RuleSet* rules = nullptr,
             const qc::QcPolicy* qc_policy = nullptr,
             const people::Requirements* personnel = nullptr);

  std::unique_ptr<AstmReceived> receive(std::vector<std::string> records, std::string peer) const;

  // Applies the results and answers the queries of the message; the summary.
  Result<std::string> apply(store::Transaction& tx, AstmReceived& received) const;

  Result<void> quarantine(store::Transaction& tx, const AstmReceived& received,
                          const Error& why) const;

  // A pipeline job; `done` is called after the commit: durable and applied → the final frame
  // may be acknowledged (and `received.reply` sent); otherwise it must not be.
  Job job(std::shared_ptr<AstmReceived> received,
          std::function<void(const JobOutcome&)> done) const;

 private:
  Result<void> answer_query(store::Transaction& tx, const InstrumentProfile& profile,
                            const astm::Record& query, AstmReceived& received) const;

  const catalog::Catalog& catalog_;
  const rules::RuleSet* rules_ = nullptr;
  const qc::QcPolicy* qc_policy_ = nullptr;
  const people::Requirements* personnel_ = nullptr;
  const InstrumentProfiles& profiles_;
  const core::Clock& clock_;
};

}  // namespace aliquot::ingest
