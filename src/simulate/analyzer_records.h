#pragma once

// The ASTM E1394 / CLSI LIS02-A2 messages a simulated analyzer exchanges with the host, built and
// read the way an instrument does (interfaces.md): the host query (H-Q-L), the host's answer
// (H-P-O-L, O-26 = Q), the result message (H-P-O-R...-L) and the quality control message (an O
// record whose O-12 action code is Q). Where the specimen id and the test code sit is read from
// the instrument's profile (ingest/instrument_profile.h), as the host reads them.
//
// Pure functions: no I/O, no clock (times are arguments). Times are the analyzer's wall clock
// (core::LocalTime): an analyzer keeps local time and writes it without an offset, and the host
// reads it in the lab's zone (ingest/time_reader.h). Records are returned without their CR, as
// astm::Link sends them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/error.h"
#include "core/time.h"
#include "core/time_zone.h"
#include "ingest/instrument_profile.h"
#include "simulate/value_model.h"

namespace aliquot::simulate {

// R-9 (LIS02-A2 section 10.1.9): F final, X the test cannot be done.
enum class MeasurementStatus { kFinal, kCannotBeDone };

// One ordered test as the analyzer reports it.
struct Measurement {
  std::string instrument_code;  // as the host ordered it (O-5) and as R-3 reports it
  std::string test_code;        // the catalog test the profile maps it to ("" when unmapped)
  std::string value;            // R-4; empty unless kFinal
  std::string unit;             // the unit the profile says the instrument writes
  MeasurementStatus status = MeasurementStatus::kFinal;
};

// What the host's answer to one query orders on one specimen.
struct HostOrders {
  std::string specimen_id;  // from the field and component the profile names
  std::string patient_id;   // P-4 (laboratory-assigned patient id), else P-3; may be empty
  std::vector<std::string> instrument_codes;  // O-5 repeats, in order
};

// The H record that opens every message the analyzer sends: H-5 the profile's sender, H-12
// processing id P (production), H-13 the version LIS2-A2, H-14 the time of the message.
std::string header_record(const ingest::InstrumentProfile& profile, core::LocalTime at);

// H, Q, L: asks the host what to run on `specimen_id` (LIS02-A2 section 12: Q-3 starting range
// "^specimen id", Q-5 all tests, Q-13 O = requesting test orders).
std::vector<std::string> query_message(const ingest::InstrumentProfile& profile,
                                       std::string_view specimen_id, core::LocalTime at);

// Reads the host's answer to a query: one HostOrders per O record, the test codes taken from
// component `test_code_component` of each O-5 repeat. An answer without O records (the host's
// "L|1|I": nothing to do) gives an empty list. InvalidArgument when the first record is not an H
// record with usable delimiters.
Result<std::vector<HostOrders>> read_host_orders(const std::vector<std::string>& records,
                                                 const ingest::InstrumentProfile& profile);

// H, P, O, R..., L: the results measured on one specimen. P-4 carries `patient_id` (as the host
// gave it); O-3 (or O-4) the specimen id where the profile reads it, O-5 the tests, O-26 F
// (final results); each R record R-3 the test code in the profile's component, R-4 the value,
// R-5 the unit, R-9 the status, R-13 the completion time, R-14 the sender.
// `indices` (serum_indices) follow the results as R records of their own: they are the
// specimen's, not results.
std::vector<std::string> result_message(const ingest::InstrumentProfile& profile,
                                        std::string_view specimen_id, std::string_view patient_id,
                                        const std::vector<Measurement>& measurements,
                                        core::LocalTime at,
                                        const std::vector<Measurement>& indices = {});

// H, P, O, R..., L for a control material run: the O record's action code (O-12) is Q, so the
// host counts it as quality control and files nothing (ingest/astm_ingest.h).
std::vector<std::string> quality_control_message(const ingest::InstrumentProfile& profile,
                                                 std::string_view control_id,
                                                 const std::vector<Measurement>& measurements,
                                                 core::LocalTime at);

// Measures the ordered instrument codes on one sample: each code goes through the profile to its
// catalog test, whose value comes from `model` for `patient` and `sample`. A code the profile
// does not map, a test the catalog does not have, or a test the model cannot simulate is reported
// kCannotBeDone (R-9 X) rather than invented.
std::vector<Measurement> measure(const catalog::Catalog& catalog,
                                 const ingest::InstrumentProfile& profile, const ValueModel& model,
                                 const PatientProfile& patient, std::uint64_t sample,
                                 const std::vector<std::string>& instrument_codes);

// The serum indices a chemistry analyzer measures on `sample`, one per index the profile maps
// ([indices]), in its codes; none when it maps none. Most specimens are clear; about one in 25
// is hemolysed (H index 60 to 250), one in 100 lipemic (L index 150 to 400), one in 100 icteric
// (I index 5 to 20): enough for the rules' index holds to show in a demo and under load.
// Deterministic in `sample`.
std::vector<Measurement> serum_indices(const ingest::InstrumentProfile& profile,
                                       std::uint64_t sample);

// "YYYYMMDDHHMMSS" as the analyzer's clock reads, the LIS02-A2 date and time format (section
// 6.6.2).
std::string astm_timestamp(core::LocalTime at);

}  // namespace aliquot::simulate
