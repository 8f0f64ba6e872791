#include "lab/json.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace aliquot::lab {
namespace {

core::Instant instant(const char* text) { return *core::parse_instant(text); }

TEST(ToJson, WritesAPatientWithCodesAndRfc3339Times) {
  core::Patient patient;
  patient.id = 7;
  patient.mrn = "MRN-1";
  patient.family_name = "Roe";
  patient.given_name = "Jane";
  patient.birth_date = *core::parse_date("1980-05-01");
  patient.sex = core::AdministrativeSex::kFemale;
  patient.registered_at = instant("2026-03-10T08:00:00.250Z");
  patient.registered_by = "clerk";
  const nlohmann::json json = to_json(patient);
  EXPECT_EQ(json["id"], 7);
  EXPECT_EQ(json["mrn"], "MRN-1");
  EXPECT_EQ(json["family_name"], "Roe");
  EXPECT_EQ(json["birth_date"], "1980-05-01");
  EXPECT_EQ(json["sex"], "F");
  EXPECT_EQ(json["registered_at"], "2026-03-10T08:00:00.250Z");
}

TEST(ToJson, KeepsTheFullNumberBesideTheReportedText) {
  core::ResultValue value;
  value.number = 4.123456789;
  value.unit = "mmol/L";
  value.decimals = 1;
  const nlohmann::json json = to_json(value);
  EXPECT_EQ(json["kind"], "numeric");
  EXPECT_DOUBLE_EQ(json["number"].get<double>(), 4.123456789);
  EXPECT_EQ(json["reported"], "4.1");
  EXPECT_EQ(json["unit"], "mmol/L");
  EXPECT_EQ(json["comparator"], "");
  // The compact text round-trips the double exactly.
  const nlohmann::json parsed = nlohmann::json::parse(to_compact_text(json));
  EXPECT_EQ(parsed["number"].get<double>(), 4.123456789);
}

TEST(ToJson, GivesACodedValueNoNumber) {
  core::ResultValue value;
  value.kind = core::ResultKind::kCoded;
  value.text = "positive";
  const nlohmann::json json = to_json(value);
  EXPECT_TRUE(json["number"].is_null());
  EXPECT_EQ(json["reported"], "positive");
}

TEST(ToJson, WritesAbsentOptionalsAsNull) {
  core::TestResult result;
  result.id = 3;
  result.test_code = "K";
  const nlohmann::json json = to_json(result);
  EXPECT_TRUE(json["value"].is_null());
  EXPECT_TRUE(json["specimen_id"].is_null());
  EXPECT_TRUE(json["released_at"].is_null());
  EXPECT_EQ(json["status"], "pending");
  EXPECT_EQ(json["flag"], "");
  EXPECT_EQ(json["revision"], 0);

  core::Specimen specimen;
  const nlohmann::json specimen_json = to_json(specimen);
  EXPECT_TRUE(specimen_json["received_at"].is_null());
  EXPECT_TRUE(specimen_json["rejection_reason"].is_null());
  specimen.rejection_reason = core::RejectionReason::kQuantityNotSufficient;
  EXPECT_EQ(to_json(specimen)["rejection_reason"], "qns");
}

TEST(ToJson, WritesFlagsRolesAndPrioritiesAsCodes) {
  core::TestResult result;
  result.flag = core::AbnormalFlag::kCriticalHigh;
  result.status = core::ResultStatus::kCorrected;
  EXPECT_EQ(to_json(result)["flag"], "HH");
  EXPECT_EQ(to_json(result)["status"], "corrected");
  core::User user;
  user.role = core::Role::kTechnologist;
  EXPECT_EQ(to_json(user)["role"], "technologist");
  core::Order order;
  order.priority = core::Priority::kStat;
  order.requested_codes = {"BMP", "K"};
  EXPECT_EQ(to_json(order)["priority"], "stat");
  EXPECT_EQ(to_json(order)["requested_codes"], nlohmann::json({"BMP", "K"}));
}

TEST(ToJson, AddsTheTestsNameUnitAndSectionToAResultDetail) {
  core::TestDefinition potassium;
  potassium.code = "K";
  potassium.name = "Potassium";
  potassium.unit = "mmol/L";
  potassium.section = "chemistry";
  potassium.loinc = "2823-3";
  ResultDetail detail;
  detail.result.test_code = "K";
  detail.test = &potassium;
  core::CriticalCall call;
  call.called_to = "RN Smith";
  call.read_back_confirmed = true;
  detail.critical_calls.push_back(call);
  const nlohmann::json json = to_json(detail);
  EXPECT_EQ(json["test_name"], "Potassium");
  EXPECT_EQ(json["unit"], "mmol/L");
  EXPECT_EQ(json["section"], "chemistry");
  EXPECT_EQ(json["loinc"], "2823-3");
  EXPECT_EQ(json["result"]["test_code"], "K");
  ASSERT_EQ(json["critical_calls"].size(), 1u);
  EXPECT_EQ(json["critical_calls"][0]["called_to"], "RN Smith");
  EXPECT_EQ(json["critical_calls"][0]["read_back_confirmed"], true);
  detail.test = nullptr;
  EXPECT_TRUE(to_json(detail)["test_name"].is_null());
}

TEST(ToCompactText, ReplacesInvalidUtf8InsteadOfThrowing) {
  core::Patient patient;
  patient.family_name = "M\xfcller";  // Latin-1, not UTF-8
  std::string text;
  EXPECT_NO_THROW(text = to_compact_text(to_json(patient)));
  EXPECT_NE(text.find("M\xef\xbf\xbdller"), std::string::npos);
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace aliquot::lab
