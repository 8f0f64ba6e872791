#pragma once

// HL7 v2 messages into the lab (interfaces.md): orders as OML^O21 and ORM^O01, results as ORU^R01
// and OUL^R22, each applied through the same use cases as the command line, idempotently, and
// answered after the commit with a reply that names every problem. The mapping between the
// protocol and the domain lives here.
//
// Orders (OML^O21, ORM^O01): PID-3.1 is the MRN. Each ORC is one order request; ORC-1 says what
// to do with it:
//   NW (or empty)  a new order. A new MRN registers the patient from PID-5 (family^given), PID-7
//                  and PID-8. A known MRN must agree with the registered patient on family name
//                  and birth date — positive identification — or the message is refused. The
//                  ORC/OBR groups with the same placer order number (ORC-2.1, else OBR-2.1)
//                  become one order of their OBR-4 services (catalog code in OBR-4.1, or LOINC
//                  when OBR-4.3 is LN, or the alternate code OBR-4.4), priority from TQ1-9 /
//                  ORC-7.6 / OBR-27.6 (S stat, A asap), provider ORC-12 / OBR-16, clinical
//                  information OBR-13. When the specimen was collected (OBR-7 or SPM-17 present)
//                  the order is accessioned with that collection time.
//   CA             a cancel request: the order of this patient (identified as for NW, but never
//                  registered) with that placer order number is cancelled through
//                  lab::cancel_order, with ORC-16 (text, else identifier) as the reason, else
//                  "cancelled by the ordering system". Results already released stay as they are.
//   anything else  refused, naming ORC-1 and the value.
// A time without an offset (OBR-7, SPM-17) is the lab's wall-clock time (lab/lab_time_zone.h).
//
// Results (ORU^R01, OUL^R22): the specimen is the lab's accession number in SPM-2 (filler part,
// else placer part), else OBR-3.1, else OBR-2.1. Observation codes go through the sender's
// instrument profile when it has one (MSH-3.1 = profile sender), else the catalog's LOINC
// (OBX-3.3 LN) or code. OBX-5 by OBX-2: NM as is, SN "<^0.01" as "<0.01", CE/CWE the text (or
// code), ST/TX/FT the text. OBX-11 F, P, C, R, S or empty post the value; X, D, I, N, W, O and U
// post nothing (counted as not reported). OBX-19, the time of the analysis (to the minute at
// least; without an offset the lab's wall-clock time), gives the measurement time of the
// specimen's values (ingest/measurement_time.h); one that cannot be used is named in the reply's
// summary, never a reason to refuse.
//
// Quality control (results from a sender with an instrument profile): an OBR group whose
// specimen is a control specimen — SPM-11 specimen role Q (HL7 table 0369), or a specimen id the
// lab registered for a control material on the instrument (`aliquot qc sample-id set`) — carries
// control values, not patient results: they become one QC run per test (ingest/qc_readings.h,
// lab::record_qc_run), measured at OBX-19, recorded before the message's patient results. A
// control specimen (SPM-11 Q) whose id the lab has not registered, or from a sender without a
// profile, refuses the message, naming the specimen id and the command that registers it. A
// rejected run is no refusal: MSA-3 names it and the patient results it held.
//
// All of a message is applied or none of it.
//
// Replies: results are answered with an ACK; an OML^O21 with an ORL^O22 and an ORM^O01 with an
// ORR^O02 (hl7/order_response.h), whose order groups say, ORC by ORC, OK (placed; ORC-3 the
// lab's order number), CR (cancelled as requested), UC (unable to cancel: an ERR warning names
// the tests already released) or, when the message is refused, UA (new orders) and UC (cancel
// requests). MSA-1 is AA, AE or AR by the rules of acknowledge().
//
// The applied-message log makes a message re-sent with the same MSH-10 from the same sender
// (MSH-3^MSH-4) answered again (AA, a reply of the same type describing the orders as they now
// stand) without being applied twice.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "core/time.h"
#include "hl7/ack.h"
#include "hl7/message.h"
#include "hl7/order_response.h"
#include "ingest/instrument_profile.h"
#include "ingest/pipeline.h"
#include "people/requirements.h"
#include "qc/qc_policy.h"
#include "rules/rule_set.h"
#include "store/store.h"

namespace aliquot::ingest {

// A message as received, parsed (or not) off the writer thread.
struct Hl7Received {
  std::string bytes;
  std::string peer;
  core::Instant received_at{};
  hl7::Message message;  // views into `bytes`: the struct is never moved or copied once parsed
  std::optional<Error> unreadable;  // parse or structure problems: rejected (AR) unapplied
  std::string sender;               // MSH-3.1^MSH-4.1
  std::string control_id;           // MSH-10
  std::string type;                 // "ORU^R01"
  // Filled by apply() for an order message that was applied (or was a duplicate): what the order
  // response says about the patient and each ORC. acknowledge() reads it once the commit is
  // durable: the pipeline runs apply() on its writer thread and hands the job to its syncer
  // thread, which calls acknowledge(), through a mutex, so the write happens before the read.
  struct OrderReply {
    std::optional<hl7::RespondedPatient> patient;
    std::vector<hl7::RespondedOrder> orders;  // one per ORC, in message order
    std::vector<hl7::AckError> warnings;      // ERR segments of an accepted message
  };
  OrderReply order_reply;
};

struct Hl7IngestOptions {
  // The account of messages from senders without an instrument profile (an EHR).
  std::string default_account = "if.hl7";
  // The ACK's sending application and facility when the message names none (MSH-5/6).
  std::string control_id_prefix = "ACK";
  // The lab's autoverification rules; results wait for a person without them.
  const rules::RuleSet* rules = nullptr;
  // The lab's QC policy; qc::default_qc_policy() without one.
  const qc::QcPolicy* qc_policy = nullptr;
  // The lab's personnel requirements, for point-of-care operators; the built-in ones without.
  const people::Requirements* personnel = nullptr;
  // Numbers the ACKs' control IDs (MSH-10); shared by the ingests a server makes one after
  // another as the lab's configuration changes, so that the IDs do not start again.
  std::shared_ptr<std::atomic<std::uint64_t>> ack_counter =
      std::make_shared<std::atomic<std::uint64_t>>(0);
};

class Hl7Ingest {
 public:
  Hl7Ingest(const catalog::Catalog& catalog, const InstrumentProfiles& profiles,
            const core::Clock& clock, Hl7IngestOptions options = {});

  // Parses and checks; thread-safe. Never fails: what cannot be read is kept in `unreadable`.
  std::unique_ptr<Hl7Received> receive(std::string bytes, std::string peer) const;

  // Applies the message in `tx` (the writer thread); the summary told in the reply (MSA-3), and,
  // for orders, `received.order_reply`. A message already applied is a success that changes
  // nothing.
  Result<std::string> apply(store::Transaction& tx, Hl7Received& received) const;

  // Keeps a refused message in the quarantine, with why.
  Result<void> quarantine(store::Transaction& tx, const Hl7Received& received,
                          const Error& why) const;

  // The reply for an outcome: AA applied or duplicate; AE refused (quarantined); AR unreadable, or
  // not stored because the store failed (the sender should send it again). An ACK for results
  // and for bytes that are no message; ORL^O22 for an OML^O21, ORR^O02 for an ORM^O01, with their
  // order groups when the message was applied or refused (none with AR: nothing was decided).
  std::string acknowledge(const Hl7Received& received, const JobOutcome& outcome) const;

  // A pipeline job for one received message; `reply` gets the ACK bytes after the commit.
  Job job(std::shared_ptr<Hl7Received> received, std::function<void(std::string)> reply) const;

 private:
  Result<std::string> apply_results(store::Transaction& tx, const Hl7Received& received,
                                    const std::string& account,
                                    const InstrumentProfile* profile) const;
  Result<std::string> apply_orders(store::Transaction& tx, Hl7Received& received,
                                   const std::string& account) const;
  // The order reply of a message applied before, from the orders as they now stand.
  Result<void> describe_orders(store::Transaction& tx, Hl7Received& received,
                               core::Instant applied_at) const;

  const catalog::Catalog& catalog_;
  const InstrumentProfiles& profiles_;
  const core::Clock& clock_;
  Hl7IngestOptions options_;
};

// ERR segments for a refusal: one per line of the error, located when the line starts with a
// segment reference such as "OBX(3)-5: ...".
std::vector<hl7::AckError> ack_errors(const Error& error, hl7::ErrorCondition condition);

}  // namespace aliquot::ingest
