#include "lab/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

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

// Random entities for comparing the directly written audit images with the document form.
// The strings mix plain text with everything the document form escapes or replaces: quotes,
// backslashes, control characters, DEL, UTF-8 and invalid UTF-8.
class EntityGenerator {
 public:
  explicit EntityGenerator(std::uint32_t seed) : random_(seed) {}

  std::string text() {
    static const std::vector<std::string> pieces = {"",
                                                    "K",
                                                    "Roe",
                                                    "3.5-5.1",
                                                    "O'Brien",
                                                    "a\"b",
                                                    "back\\slash",
                                                    "tab\t",
                                                    "nl\n",
                                                    "cr\r",
                                                    "\x01\x1f",
                                                    "\x7f",
                                                    "M\xfcller",
                                                    "Z\xc3\xbc",
                                                    "\xe2\x82\xac",
                                                    "\xf0\x9f\xa9\xb8",
                                                    "\xc3",
                                                    "\xed\xa0\x80",
                                                    "/",
                                                    "{}[],:",
                                                    "\b\f",
                                                    "  spaced  "};
    std::string out;
    const int count = pick(0, 3);
    const int last = static_cast<int>(pieces.size()) - 1;
    for (int i = 0; i < count; ++i) out += pieces[static_cast<std::size_t>(pick(0, last))];
    return out;
  }

  std::int64_t id() {
    switch (pick(0, 3)) {
      case 0: return 0;
      case 1: return pick(1, 1000);
      case 2: return std::numeric_limits<std::int64_t>::max() - pick(0, 5);
      default: return -pick(1, 1000);
    }
  }

  double number() {
    static const std::vector<double> special = {0.0,
                                                -0.0,
                                                1.0,
                                                4.2,
                                                0.1,
                                                1e21,
                                                1e-7,
                                                123456789012345678.0,
                                                5e-324,
                                                1.7976931348623157e308,
                                                std::numeric_limits<double>::quiet_NaN(),
                                                std::numeric_limits<double>::infinity(),
                                                -std::numeric_limits<double>::infinity()};
    if (pick(0, 2) == 0) {
      return special[static_cast<std::size_t>(pick(0, static_cast<int>(special.size()) - 1))];
    }
    std::uniform_real_distribution<double> mantissa(-10.0, 10.0);
    return mantissa(random_) * std::pow(10.0, pick(-12, 25));
  }

  core::Instant instant() {
    // From 1890 to 2100, at whole seconds or with milliseconds.
    const std::int64_t seconds =
        std::uniform_int_distribution<std::int64_t>(-2'524'608'000LL, 4'102'444'800LL)(random_);
    return core::from_unix_millis(seconds * 1000 + (pick(0, 1) == 0 ? 0 : pick(1, 999)));
  }

  std::optional<core::Instant> maybe_instant() {
    if (pick(0, 1) == 0) return std::nullopt;
    return instant();
  }

  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }

  template <typename Enum>
  Enum one_of(int last) {
    return static_cast<Enum>(pick(0, last));
  }

  core::ResultValue value() {
    core::ResultValue value;
    value.kind = one_of<core::ResultKind>(2);
    value.number = number();
    value.comparator = pick(0, 3) == 0 ? "<" : "";
    value.text = text();
    value.unit = text();
    value.decimals = pick(-1, 4);
    return value;
  }

  core::Patient patient() {
    core::Patient patient;
    patient.id = id();
    patient.mrn = text();
    patient.family_name = text();
    patient.given_name = text();
    if (pick(0, 3) != 0) {
      patient.birth_date = core::Date{std::chrono::floor<std::chrono::days>(instant())};
    }
    patient.sex = one_of<core::AdministrativeSex>(3);
    patient.registered_at = instant();
    patient.registered_by = text();
    return patient;
  }

  core::Order order() {
    core::Order order;
    order.id = id();
    order.order_number = text();
    order.patient_id = id();
    order.placer_order_number = text();
    order.ordering_provider = text();
    order.priority = one_of<core::Priority>(2);
    order.clinical_info = text();
    const int codes = pick(0, 3);
    for (int i = 0; i < codes; ++i) order.requested_codes.push_back(text());
    order.ordered_at = instant();
    order.ordered_by = text();
    return order;
  }

  core::Specimen specimen() {
    core::Specimen specimen;
    specimen.id = id();
    specimen.accession_number = text();
    specimen.order_id = id();
    specimen.specimen_type = text();
    specimen.container_type = text();
    specimen.collected_at = instant();
    specimen.collected_by = text();
    specimen.received_at = maybe_instant();
    specimen.received_by = text();
    specimen.condition = text();
    specimen.status = one_of<core::SpecimenStatus>(2);
    if (pick(0, 1) == 0) specimen.rejection_reason = one_of<core::RejectionReason>(8);
    specimen.rejection_comment = text();
    specimen.rejected_at = maybe_instant();
    specimen.rejected_by = text();
    return specimen;
  }

  core::TestResult result() {
    core::TestResult result;
    result.id = id();
    result.order_id = id();
    result.specimen_id = id();
    result.test_code = text();
    result.section = text();
    result.status = one_of<core::ResultStatus>(4);
    if (pick(0, 3) != 0) result.value = value();
    result.flag = one_of<core::AbnormalFlag>(5);
    result.reference_range = text();
    result.entered_at = maybe_instant();
    result.entered_by = text();
    result.measured_at = maybe_instant();
    result.instrument = text();
    result.performed_by = text();
    result.released_at = maybe_instant();
    result.released_by = text();
    result.corrected_at = maybe_instant();
    result.corrected_by = text();
    result.correction_reason = text();
    result.cancelled_at = maybe_instant();
    result.cancelled_by = text();
    result.cancel_reason = text();
    result.revision = pick(0, 3);
    return result;
  }

  core::CriticalCall call() {
    core::CriticalCall call;
    call.id = id();
    call.result_id = id();
    call.result_revision = pick(0, 3);
    call.called_by = text();
    call.called_to = text();
    call.called_at = instant();
    call.read_back_confirmed = pick(0, 1) == 1;
    call.notes = text();
    call.documented_at = instant();
    call.documented_by = text();
    return call;
  }

  core::ResultRevision revision() {
    core::ResultRevision revision;
    revision.result_id = id();
    revision.revision = pick(0, 3);
    revision.value = value();
    revision.flag = one_of<core::AbnormalFlag>(5);
    revision.reference_range = text();
    revision.status = one_of<core::ResultStatus>(4);
    revision.released_at = instant();
    revision.released_by = text();
    revision.replaced_at = instant();
    revision.replaced_by = text();
    revision.reason = text();
    return revision;
  }

  core::HoldReason hold() {
    return core::HoldReason{.category = text(),
                            .action = text(),
                            .rule = text(),
                            .observed = text(),
                            .threshold = text(),
                            .message = text(),
                            .suppresses = pick(0, 1) == 1};
  }

  core::ResultComment comment() {
    return core::ResultComment{.id = id(),
                               .result_id = id(),
                               .text = text(),
                               .on_report = pick(0, 1) == 1,
                               .written_at = instant(),
                               .written_by = text()};
  }

  // With the test from `catalog` or, now and then, none (a test the catalog no longer has).
  ResultDetail result_detail(const std::vector<core::TestDefinition>& catalog) {
    ResultDetail detail;
    detail.result = result();
    if (pick(0, 3) != 0) {
      detail.test =
          &catalog[static_cast<std::size_t>(pick(0, static_cast<int>(catalog.size()) - 1))];
    }
    for (int i = pick(0, 2); i > 0; --i) detail.revisions.push_back(revision());
    for (int i = pick(0, 2); i > 0; --i) detail.critical_calls.push_back(call());
    for (int i = pick(0, 3); i > 0; --i) detail.holds.push_back(hold());
    for (int i = pick(0, 2); i > 0; --i) detail.comments.push_back(comment());
    return detail;
  }

  OrderDetail order_detail(const std::vector<core::TestDefinition>& catalog) {
    OrderDetail detail;
    detail.order = order();
    detail.patient = patient();
    for (int i = pick(0, 2); i > 0; --i) detail.specimens.push_back(specimen());
    for (int i = pick(0, 4); i > 0; --i) detail.results.push_back(result_detail(catalog));
    return detail;
  }

  SpecimenDetail specimen_detail(const std::vector<core::TestDefinition>& catalog) {
    SpecimenDetail detail;
    detail.specimen = specimen();
    detail.order = order();
    detail.patient = patient();
    for (int i = pick(0, 4); i > 0; --i) detail.results.push_back(result_detail(catalog));
    return detail;
  }

  std::vector<core::TestDefinition> tests(int count) {
    std::vector<core::TestDefinition> tests(static_cast<std::size_t>(count));
    for (core::TestDefinition& test : tests) {
      test.code = text();
      test.name = text();
      test.loinc = text();
      test.unit = text();
      test.section = text();
    }
    return tests;
  }

  core::User user() {
    core::User user;
    user.id = id();
    user.username = text();
    user.display_name = text();
    user.role = one_of<core::Role>(7);
    user.active = pick(0, 1) == 1;
    user.created_at = instant();
    return user;
  }

 private:
  std::mt19937 random_;
};

// The audit trail hashes these bytes: the direct writer must give exactly the document's text.
TEST(ToCompactText, WritesEveryAuditedEntityExactlyAsItsJsonDocument) {
  EntityGenerator generate(20261122);
  for (int i = 0; i < 3000; ++i) {
    const core::Patient patient = generate.patient();
    ASSERT_EQ(to_compact_text(patient), to_compact_text(to_json(patient)));
    const core::Order order = generate.order();
    ASSERT_EQ(to_compact_text(order), to_compact_text(to_json(order)));
    const core::Specimen specimen = generate.specimen();
    ASSERT_EQ(to_compact_text(specimen), to_compact_text(to_json(specimen)));
    const core::TestResult result = generate.result();
    ASSERT_EQ(to_compact_text(result), to_compact_text(to_json(result)));
    const core::CriticalCall call = generate.call();
    ASSERT_EQ(to_compact_text(call), to_compact_text(to_json(call)));
    const core::User user = generate.user();
    ASSERT_EQ(to_compact_text(user), to_compact_text(to_json(user)));
  }
}

// The API's busiest answers are written directly too; they must read as the documents would.
TEST(ToCompactText, WritesDetailsExactlyAsTheirJsonDocuments) {
  EntityGenerator generate(20261123);
  const std::vector<core::TestDefinition> catalog = generate.tests(5);
  for (int i = 0; i < 1000; ++i) {
    const core::ResultRevision revision = generate.revision();
    ASSERT_EQ(to_compact_text(revision), to_compact_text(to_json(revision)));
    const core::HoldReason hold = generate.hold();
    ASSERT_EQ(to_compact_text(hold), to_compact_text(to_json(hold)));
    const ResultDetail result = generate.result_detail(catalog);
    ASSERT_EQ(to_compact_text(result), to_compact_text(to_json(result)));
    const OrderDetail order = generate.order_detail(catalog);
    ASSERT_EQ(to_compact_text(order), to_compact_text(to_json(order)));
    const SpecimenDetail specimen = generate.specimen_detail(catalog);
    ASSERT_EQ(to_compact_text(specimen), to_compact_text(to_json(specimen)));
  }
  EXPECT_EQ(to_compact_text(OrderDetail{}), to_compact_text(to_json(OrderDetail{})));
  EXPECT_EQ(to_compact_text(SpecimenDetail{}), to_compact_text(to_json(SpecimenDetail{})));
  EXPECT_EQ(to_compact_text(ResultDetail{}), to_compact_text(to_json(ResultDetail{})));
}

TEST(ToCompactText, WritesDefaultEntitiesExactlyAsTheirJsonDocuments) {
  EXPECT_EQ(to_compact_text(core::Patient{}), to_compact_text(to_json(core::Patient{})));
  EXPECT_EQ(to_compact_text(core::Order{}), to_compact_text(to_json(core::Order{})));
  EXPECT_EQ(to_compact_text(core::Specimen{}), to_compact_text(to_json(core::Specimen{})));
  EXPECT_EQ(to_compact_text(core::TestResult{}), to_compact_text(to_json(core::TestResult{})));
  EXPECT_EQ(to_compact_text(core::CriticalCall{}), to_compact_text(to_json(core::CriticalCall{})));
  EXPECT_EQ(to_compact_text(core::ResultComment{}),
            to_compact_text(to_json(core::ResultComment{})));
  EXPECT_EQ(to_compact_text(core::User{}), to_compact_text(to_json(core::User{})));
}

// A fixed image, so that a change of both forms at once (a new nlohmann release, a reordered
// key) is still caught. The chain hashes the stored texts, so entries already written keep
// verifying when the image gains a field (instrument, measured_at and performed_by came with
// schema version 9); the image of a result must only change on purpose.
TEST(ToCompactText, KeepsTheImageOfAResultThatExistingChainsWereHashedOver) {
  core::TestResult result;
  result.id = 42;
  result.order_id = 7;
  result.specimen_id = 9;
  result.test_code = "K";
  result.section = "chemistry";
  result.status = core::ResultStatus::kPreliminary;
  core::ResultValue value;
  value.number = 4.25;
  value.unit = "mmol/L";
  value.decimals = 1;
  result.value = value;
  result.flag = core::AbnormalFlag::kHigh;
  result.reference_range = "3.5-5.1";
  result.entered_at = instant("2026-11-21T20:26:41.5Z");
  result.entered_by = "tech1";
  result.measured_at = instant("2026-11-21T20:26:40Z");
  result.instrument = "istat-1";
  result.performed_by = "tech2";
  EXPECT_EQ(
      to_compact_text(result),
      "{\"cancel_reason\":\"\",\"cancelled_at\":null,\"cancelled_by\":\"\","
      "\"corrected_at\":null,\"corrected_by\":\"\",\"correction_reason\":\"\","
      "\"entered_at\":\"2026-11-21T20:26:41.500Z\",\"entered_by\":\"tech1\",\"flag\":\"H\","
      "\"id\":42,\"instrument\":\"istat-1\",\"measured_at\":\"2026-11-21T20:26:40Z\","
      "\"order_id\":7,\"performed_by\":\"tech2\",\"reference_range\":\"3.5-5.1\","
      "\"released_at\":null,"
      "\"released_by\":\"\",\"revision\":0,\"section\":\"chemistry\",\"specimen_id\":9,"
      "\"status\":\"preliminary\",\"test_code\":\"K\",\"value\":{\"comparator\":\"\","
      "\"decimals\":1,\"kind\":\"numeric\",\"number\":4.25,\"reported\":\"4.3\",\"text\":\"\","
      "\"unit\":\"mmol/L\"}}");
}

}  // namespace
}  // namespace aliquot::lab
