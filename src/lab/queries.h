#pragma once

// Read-only views the bench and the clinicians need. They run on any transaction.
// The functions taking a Context require the actor to be an active user of the lab (any role may
// read; PermissionDenied otherwise), looked up in the store as the use cases do.

#include <optional>
#include <string>
#include <vector>

#include "core/order.h"
#include "core/patient.h"
#include "core/specimen.h"
#include "core/test_result.h"
#include "lab/context.h"
#include "store/store.h"

namespace aliquot::lab {

struct ResultDetail {
  core::TestResult result;
  const core::TestDefinition* test = nullptr;   // from the catalog in force; null if removed
  std::vector<core::ResultRevision> revisions;  // earlier released values, oldest first
  std::vector<core::CriticalCall> critical_calls;
  // Why autoverification held the current value, in the rules' order; empty when it passed
  // (or no rules judged it). Not part of a patient report.
  std::vector<core::HoldReason> holds;
  // Comments on the result, in the order written; a clinician sees only those on the report.
  std::vector<core::ResultComment> comments;
};

struct SpecimenDetail {
  core::Specimen specimen;
  core::Order order;
  core::Patient patient;
  std::vector<ResultDetail> results;
};

struct OrderDetail {
  core::Order order;
  core::Patient patient;
  std::vector<core::Specimen> specimens;
  std::vector<ResultDetail> results;  // every ordered test, by result id
};

// The patient's report: every order, newest first, with released results shown and the others
// marked as pending. A result not yet released is given as status pending with no value, flag,
// reference range, revisions or calls, so that no door (text, JSON, HTTP) can show a value the
// lab has not released. Cancelled results are kept with their reason.
struct PatientReport {
  core::Patient patient;
  std::vector<OrderDetail> orders;
  core::Instant produced_at{};
};

Result<core::Patient> find_patient(store::Transaction& tx, const std::string& mrn);
Result<OrderDetail> order_detail(store::Transaction& tx, const Context& ctx,
                                 const std::string& order_number);
Result<SpecimenDetail> specimen_detail(store::Transaction& tx, const Context& ctx,
                                       const std::string& accession_number);
// Pending and preliminary results on received specimens of a section ("" for all), except
// calculated tests still waiting for their inputs; NotFound for a section the catalog does not
// have.
Result<std::vector<store::WorklistRow>> section_worklist(store::Transaction& tx, const Context& ctx,
                                                         const std::string& section);
Result<PatientReport> patient_report(store::Transaction& tx, const Context& ctx,
                                     const std::string& mrn);

}  // namespace aliquot::lab
