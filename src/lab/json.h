#pragma once

// The JSON form of the domain, one schema for every door: the audit trail's before/after images,
// `--json` output of the CLI, and later the HTTP API. Times are RFC 3339 UTC strings, enums their
// codes (core/enums.h), absent optional values null.

#include <nlohmann/json.hpp>
#include <string>

#include "core/audit_entry.h"
#include "core/order.h"
#include "core/patient.h"
#include "core/patient_data_read.h"
#include "core/specimen.h"
#include "core/test_result.h"
#include "core/user.h"
#include "lab/json_writer.h"
#include "lab/queries.h"
#include "lab/use_cases.h"
#include "store/store.h"

namespace aliquot::lab {

nlohmann::json to_json(const core::Patient& patient);
nlohmann::json to_json(const core::Order& order);
nlohmann::json to_json(const core::Specimen& specimen);
nlohmann::json to_json(const core::ResultValue& value);  // includes "reported": the rounded text
nlohmann::json to_json(const core::TestResult& result);
nlohmann::json to_json(const core::ResultRevision& revision);
nlohmann::json to_json(const core::CriticalCall& call);
nlohmann::json to_json(const core::ResultComment& comment);
nlohmann::json to_json(const core::HoldReason& hold);
nlohmann::json to_json(const core::User& user);
nlohmann::json to_json(const store::WorklistRow& row);
nlohmann::json to_json(const ResultDetail& detail);  // adds test name, unit, section
nlohmann::json to_json(const SpecimenDetail& detail);
nlohmann::json to_json(const OrderDetail& detail);
nlohmann::json to_json(const PatientReport& report);
// The cancelled result, with `calculated`: the calculated results it changed.
nlohmann::json to_json(const CancelledTest& cancelled);
// An audit entry as `aliquot audit show --json` and GET /api/audit give it: the before and after
// images as JSON when they are JSON texts, else as the text.
nlohmann::json to_json(const core::AuditEntry& entry);
nlohmann::json to_json(const core::PatientDataRead& read);

// The compact text of `value` (the audit trail's before/after form). Invalid UTF-8 in a string is
// replaced by U+FFFD instead of throwing, so a badly encoded name cannot stop a use case.
std::string to_compact_text(const nlohmann::json& value);

// The compact text of an entity's JSON, byte for byte what to_compact_text(to_json(entity))
// gives, written without building the JSON document: the audit trail's images, which every use
// case writes and whose bytes are hashed into the chain, so they must never differ from the
// document form (json_test.cc compares the two); and the API's busiest answers.
void write_json(JsonWriter& out, const core::Patient& patient);
void write_json(JsonWriter& out, const core::Order& order);
void write_json(JsonWriter& out, const core::Specimen& specimen);
void write_json(JsonWriter& out, const core::ResultValue& value);
void write_json(JsonWriter& out, const core::TestResult& result);
void write_json(JsonWriter& out, const core::ResultRevision& revision);
void write_json(JsonWriter& out, const core::CriticalCall& call);
void write_json(JsonWriter& out, const core::ResultComment& comment);
void write_json(JsonWriter& out, const core::HoldReason& hold);
void write_json(JsonWriter& out, const core::User& user);
void write_json(JsonWriter& out, const ResultDetail& detail);
void write_json(JsonWriter& out, const SpecimenDetail& detail);
void write_json(JsonWriter& out, const OrderDetail& detail);

template <typename Entity>
requires requires(JsonWriter& out, const Entity& entity) { write_json(out, entity); }
std::string to_compact_text(const Entity& entity) {
  JsonWriter out;
  write_json(out, entity);
  return out.take();
}

}  // namespace aliquot::lab
