#pragma once

// Whether one of the lab's people may perform and release a test now, from their record in the
// store (core/person_record.h, competency events, exceptions) and the personnel requirements
// (people/requirements.h): the authorization that release_result and point-of-care ingestion
// add to the role table (lab/permissions.h). Qualifications only ever narrow what a role permits.
//
// The lab decides when it is enforced, with two settings (set by set_qualification_policy,
// audited):
// - people.qualification = "enforce" | "off" (default "off": a lab turns it on once its people's
//   records are in; until then nothing is refused for a missing record);
// - lab.state = the lab's US state (two letters), for state licensure; "" outside the US.
//
// The test system of a result is the instrument that measured it (its profile id), or for a
// value entered by a person, the test code: a manual procedure is its own test system.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/person_record.h"
#include "core/qualification_exception.h"
#include "core/test_result.h"
#include "core/time.h"
#include "lab/context.h"
#include "people/qualification.h"
#include "people/requirements.h"
#include "store/store.h"

namespace aliquot::lab {

inline constexpr std::string_view kQualificationSetting = "people.qualification";
inline constexpr std::string_view kLabStateSetting = "lab.state";

struct QualificationPolicy {
  bool enforced = false;
  std::string lab_state;  // upper case; "" outside the US
};

Result<QualificationPolicy> read_qualification_policy(store::Transaction& tx);

// The requirements in force: ctx.personnel, or the built-in ones.
const people::Requirements& personnel_requirements(const Context& ctx);

// The test system a result was performed on.
std::string test_system_of(const core::TestResult& result);

// The answer for `person` on the tests of `section` on `test_system` on the lab's day of `at`
// (in the lab's time zone).
struct QualificationVerdict {
  std::optional<core::PersonRecord> person;  // std::nullopt: the lab has no record of them
  people::QualificationAnswer answer;        // what is missing; who reviews
  // An exception in force that lets them work although something is missing.
  std::optional<core::QualificationException> exception;
  core::Date on{};

  // Qualified, or excepted by a supervisor for what is missing.
  bool may_work() const { return person && (answer.qualified() || exception); }
  // "needs a current CA licence (none recorded); competency on K: none recorded"; "no personnel
  // record" when the lab has none.
  std::string missing_text() const;
};

Result<QualificationVerdict> check_person_qualification(store::Transaction& tx, const Context& ctx,
                                                        std::string_view person,
                                                        std::string_view section,
                                                        std::string_view test_system,
                                                        core::Instant at);

// What release_result asks, when the lab enforces qualifications: PermissionDenied naming each
// requirement the actor does not meet for the result ("user 'tech1' may not release K on
// 26000012X: needs a current CA licence (none recorded)"), or the review policy that keeps the
// release for another role ("... technician results in microbiology are released by a
// technologist, supervisor or pathologist"). On success, the exception that let them release, if
// any, for the audit entry; std::nullopt when nothing was waived or the lab does not enforce.
Result<std::optional<core::QualificationException>> require_qualified_to_release(
    store::Transaction& tx, const Context& ctx, const core::User& actor,
    const core::TestResult& result, const std::string& accession_number, core::Instant at);

// The hold reason for a point-of-care value performed by `operator_id` on `test_system`, or
// std::nullopt when the operator is qualified (or excepted) and the lab reviews none of their
// results in `section`, or the lab does not enforce. An operator the device did not identify, or
// the lab does not know, holds the value too (kOperatorQualificationHold); a qualified operator
// whose role's results the lab's review policy sends to another role holds it for that review
// (kOperatorReviewHold), as their own entry would wait for it.
Result<std::optional<core::HoldReason>> operator_qualification_hold(
    store::Transaction& tx, const Context& ctx, std::string_view operator_id,
    std::string_view section, std::string_view test_system, core::Instant at);

// The hold categories of operator_qualification_hold.
inline constexpr std::string_view kOperatorQualificationHold = "operator-qualification";
inline constexpr std::string_view kOperatorReviewHold = "operator-review";

}  // namespace aliquot::lab
