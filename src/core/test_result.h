#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/enums.h"
#include "core/time.h"

namespace aliquot::core {

// The value of a result. Numeric values keep full precision; `decimals` says how they are
// reported. `comparator` is "<" or ">" for values reported against a measuring-range limit.
struct ResultValue {
  ResultKind kind = ResultKind::kNumeric;
  double number = 0;
  std::string comparator;
  std::string text;  // the coded answer or the free text
  std::string unit;  // UCUM
  int decimals = 0;
};

// Whether two values say the same: kind, comparator, text and (for numbers) the number; unit and
// decimals are how it is shown, not what it says.
bool same_value(const ResultValue& a, const ResultValue& b);

// The value as reported: numbers rounded half away from zero to `decimals`, e.g. "4.10".
std::string format_reported(const ResultValue& value);
// `value` rounded half away from zero to `decimals` places, as text.
std::string format_decimal(double value, int decimals);

// One ordered test on one specimen. Every step says who and when.
struct TestResult {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::int64_t specimen_id = 0;  // 0 until accessioned
  std::string test_code;
  std::string section;  // the catalog section when ordered; worklists select on it
  ResultStatus status = ResultStatus::kPending;
  std::optional<ResultValue> value;
  AbnormalFlag flag = AbnormalFlag::kNone;
  std::string reference_range;  // the interval applied, as reported ("3.5-5.1")
  std::optional<Instant> entered_at;
  std::string entered_by;
  // When and on which instrument (profile id) the value was measured; "" and entered_at for a
  // value a person entered. Quality control looks back over these when a QC run fails.
  std::optional<Instant> measured_at;
  std::string instrument;
  // The person who performed the test (CLIA §493.1283: the test record identifies who performed
  // it): the one who entered the value, or the operator a device named (HL7 OBX-16, ASTM R-11).
  // "" when no person is known: an analyzer that names no operator, a calculated value, a value
  // recorded before the lab kept this.
  std::string performed_by;
  std::optional<Instant> released_at;  // verified and released to clinicians
  std::string released_by;
  std::optional<Instant> corrected_at;
  std::string corrected_by;
  std::string correction_reason;
  std::optional<Instant> cancelled_at;
  std::string cancelled_by;
  std::string cancel_reason;
  int revision = 0;  // incremented by each correction; earlier values are kept as revisions
};

// Why a result was not released by autoverification (rules/autoverification.h): one rule that
// fired, with what it saw and the limit it applies. Kept with the result until its value is
// released or replaced, and in the audit trail for good.
struct HoldReason {
  std::string category;   // "delta-check", "serum-index", ... (CLSI AUTO10/AUTO15 categories)
  std::string action;     // "review", "rerun-diluted", "recollect", "call-caregiver", ...
  std::string rule;       // "K delta absolute within 7d"
  std::string observed;   // "5.3 mmol/L, previous 4.0 mmol/L 2d earlier: +1.30 mmol/L"
  std::string threshold;  // "change at most 1 mmol/L"
  std::string message;    // one sentence for the technologist
  // The value must not be reported at all (a serum index beyond its suppress threshold): the
  // result cannot be released; recollect.
  bool suppresses = false;
};

// The patient's previous released numeric result of a test, for delta checks.
struct PreviousValue {
  double number = 0;
  std::string comparator;
  Instant collected_at{};
};

// A released value that was later corrected, kept as it was.
struct ResultRevision {
  std::int64_t result_id = 0;
  int revision = 0;
  ResultValue value;
  AbnormalFlag flag = AbnormalFlag::kNone;
  std::string reference_range;
  ResultStatus status = ResultStatus::kFinal;
  Instant released_at{};
  std::string released_by;
  Instant replaced_at{};
  std::string replaced_by;
  std::string reason;
};

// The documented phone call for a critical result (The Joint Commission NPSG.02.03.01; CLSI
// GP47): who called, whom, when, and whether the receiver read the result back.
struct CriticalCall {
  std::int64_t id = 0;
  std::int64_t result_id = 0;
  int result_revision = 0;  // the value the call was about
  std::string called_by;
  std::string called_to;
  Instant called_at{};
  bool read_back_confirmed = false;
  std::string notes;
  Instant documented_at{};
  std::string documented_by;
};

// A person's comment on a result: for the report the clinician reads (sent with the result, HL7
// NTE), or kept inside the lab (what was checked, who was asked). Comments are never edited or
// removed; a later one says what changed.
struct ResultComment {
  std::int64_t id = 0;
  std::int64_t result_id = 0;
  std::string text;
  bool on_report = false;
  Instant written_at{};
  std::string written_by;
};

}  // namespace aliquot::core
