#include "hl7/oru_writer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "hl7/check.h"
#include "hl7/message.h"

namespace aliquot::hl7 {
namespace {

using namespace std::chrono_literals;

core::Instant on_report_day(std::chrono::milliseconds time) {
  return std::chrono::sys_days(std::chrono::year{2026} / 11 / 21) + time;
}

core::Specimen specimen(std::string accession, std::string type) {
  core::Specimen out;
  out.accession_number = std::move(accession);
  out.specimen_type = std::move(type);
  out.collected_at = on_report_day(7h + 5min);
  out.received_at = on_report_day(7h + 40min);
  out.status = core::SpecimenStatus::kReceived;
  return out;
}

core::TestDefinition test(std::string code, std::string name, std::string loinc, std::string unit,
                          core::ResultKind kind, int decimals) {
  core::TestDefinition out;
  out.code = std::move(code);
  out.name = std::move(name);
  out.loinc = std::move(loinc);
  out.unit = std::move(unit);
  out.kind = kind;
  out.decimals = decimals;
  return out;
}

OruObservation numeric(std::int64_t id, core::Specimen on, core::TestDefinition definition,
                       double number, core::AbnormalFlag flag, std::string range) {
  OruObservation out;
  out.specimen = std::move(on);
  out.test = std::move(definition);
  out.result.id = id;
  out.result.test_code = out.test.code;
  out.result.status = core::ResultStatus::kFinal;
  core::ResultValue value;
  value.kind = core::ResultKind::kNumeric;
  value.number = number;
  value.unit = out.test.unit;
  value.decimals = out.test.decimals;
  out.result.value = value;
  out.result.flag = flag;
  out.result.reference_range = std::move(range);
  out.result.entered_at = on_report_day(8h + 10min);
  out.result.released_at = on_report_day(8h + 20min);
  return out;
}

const OrderedService kBmp{"BMP", "Basic metabolic panel", "24321-2"};
const OrderedService kUrinalysis{"UA", "Urinalysis panel", "24356-8"};

// A morning's results for one order: a BMP with a critical potassium and a corrected glucose, a
// TSH below the measuring range, and a dipstick urinalysis.
OruReport realistic_report() {
  OruReport report;
  report.sending_application = "ALIQUOT";
  report.sending_facility = "ACL";
  report.receiving_application = "EHR";
  report.receiving_facility = "CLINIC";
  report.control_id = "ORU-0001";
  report.message_time = on_report_day(9h);
  report.patient.mrn = "MRN-1001";
  report.patient.family_name = "Doe";
  report.patient.given_name = "Jane";
  report.patient.birth_date = std::chrono::year{1980} / 2 / 29;
  report.patient.sex = core::AdministrativeSex::kFemale;
  report.order.order_number = "O26-0000042";
  report.order.placer_order_number = "EHR-5521";
  report.order.ordering_provider = "Dr Lena Park";
  report.performing_organization = PerformingOrganization{
      .name = "Aliquot Community Laboratory",
      .clia_id = "05D2191150",
      .street = "1 Main St",
      .city = "Springfield",
      .state = "IL",
      .postal_code = "62701",
      .country = "USA",
      .director_id = "1234567893",
      .director_family_name = "Hale",
      .director_given_name = "Ruth",
  };

  const core::Specimen serum = specimen("26-000101", "serum");
  const core::Specimen urine = specimen("26-000102", "urine");

  OruObservation potassium =
      numeric(11, serum, test("K", "Potassium", "2823-3", "mmol/L", core::ResultKind::kNumeric, 1),
              2.44, core::AbnormalFlag::kCriticalLow, "3.5-5.1");
  potassium.ordered_as = kBmp;
  potassium.result.instrument = "cobas-c311";  // an analyzer that names no operator

  OruObservation glucose =
      numeric(12, serum, test("GLU", "Glucose", "2345-7", "mg/dL", core::ResultKind::kNumeric, 0),
              105.4, core::AbnormalFlag::kHigh, "70-99");
  glucose.ordered_as = kBmp;
  glucose.result.status = core::ResultStatus::kCorrected;
  glucose.result.corrected_at = on_report_day(8h + 50min);
  glucose.result.revision = 1;

  OruObservation tsh =
      numeric(13, serum, test("TSH", "TSH", "3016-3", "m[IU]/L", core::ResultKind::kNumeric, 2),
              0.01, core::AbnormalFlag::kLow, "0.45-4.50");
  tsh.result.value->comparator = "<";

  OruObservation protein;
  protein.specimen = urine;
  protein.test = test("UA-PRO", "Protein, urine", "20454-5", "", core::ResultKind::kCoded, 0);
  protein.ordered_as = kUrinalysis;
  protein.result.id = 14;
  protein.result.test_code = "UA-PRO";
  protein.result.status = core::ResultStatus::kFinal;
  core::ResultValue answer;
  answer.kind = core::ResultKind::kCoded;
  answer.text = "2+";
  protein.result.value = answer;
  protein.result.flag = core::AbnormalFlag::kAbnormal;
  protein.result.reference_range = "negative";
  protein.result.performed_by = "tech1";  // read by a person from the dipstick
  protein.comments = {"Specimen received warm", "Repeat requested:\ntrace & 1+ on two strips"};
  protein.result.entered_at = on_report_day(8h + 30min);
  protein.result.released_at = on_report_day(8h + 35min);

  report.observations = {potassium, glucose, tsh, protein};
  return report;
}

class OruWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> bytes = write_oru_r01(realistic_report());
    ASSERT_TRUE(bytes.has_value()) << bytes.error().to_string();
    bytes_ = std::move(bytes).value();
    Result<Message> message = Message::parse(bytes_);
    ASSERT_TRUE(message.has_value()) << message.error().to_string();
    message_ = std::move(message).value();
  }

  // The decoded text at `path`.
  std::string at(std::string_view path) const {
    Result<Value> value = message_.get(path);
    EXPECT_TRUE(value.has_value()) << path;
    return value.has_value() ? value->text() : std::string("<bad path>");
  }
  // The raw text at `path`, delimiters included.
  std::string raw(std::string_view path) const {
    Result<Value> value = message_.get(path);
    EXPECT_TRUE(value.has_value()) << path;
    return value.has_value() ? std::string(value->raw()) : std::string("<bad path>");
  }

  std::string bytes_;
  Message message_;
};

TEST_F(OruWriterTest, WritesTheLriHeader) {
  EXPECT_EQ(at("MSH-3"), "ALIQUOT");
  EXPECT_EQ(at("MSH-4"), "ACL");
  EXPECT_EQ(at("MSH-5"), "EHR");
  EXPECT_EQ(at("MSH-6"), "CLINIC");
  EXPECT_EQ(at("MSH-7"), "20261121090000+0000");
  EXPECT_EQ(raw("MSH-9"), "ORU^R01^ORU_R01");
  EXPECT_EQ(at("MSH-10"), "ORU-0001");
  EXPECT_EQ(at("MSH-11"), "P");
  EXPECT_EQ(at("MSH-12"), "2.5.1");
  EXPECT_EQ(message_.header().field(21).raw(),
            "LRI_Common_Component^^2.16.840.1.113883.9.16^ISO~"
            "LRI_NG_Component^^2.16.840.1.113883.9.13^ISO~"
            "LRI_RU_Component^^2.16.840.1.113883.9.14^ISO");
}

TEST_F(OruWriterTest, WritesThePatient) {
  EXPECT_EQ(raw("PID-3"), "MRN-1001^^^ACL^MR");
  EXPECT_EQ(raw("PID-5"), "Doe^Jane");
  EXPECT_EQ(at("PID-7"), "19800229");
  EXPECT_EQ(at("PID-8"), "F");
}

TEST_F(OruWriterTest, GroupsObservationsBySpecimenAndOrderedService) {
  EXPECT_EQ(message_.count("ORC"), 3u);
  EXPECT_EQ(message_.count("OBR"), 3u);
  EXPECT_EQ(message_.count("OBX"), 4u);
  EXPECT_EQ(message_.count("SPM"), 3u);
  // BMP on the serum, TSH alone on the same serum, the urinalysis on the urine.
  EXPECT_EQ(raw("OBR(1)-4"), "24321-2^Basic metabolic panel^LN^BMP^Basic metabolic panel^L");
  EXPECT_EQ(raw("OBR(2)-4"), "3016-3^TSH^LN^TSH^TSH^L");
  EXPECT_EQ(raw("OBR(3)-4"), "24356-8^Urinalysis panel^LN^UA^Urinalysis panel^L");
  EXPECT_EQ(at("OBR(3)-1"), "3");
  // Set ids restart in each group.
  EXPECT_EQ(at("OBX(2)-1"), "2");
  EXPECT_EQ(at("OBX(3)-1"), "1");
}

TEST_F(OruWriterTest, WritesOrderAndRequestFields) {
  EXPECT_EQ(at("ORC(1)-1"), "RE");
  // The placer's number where the EHR looks for it, the lab's as the filler's.
  for (const char* group : {"1", "2", "3"}) {
    const std::string orc = std::string("ORC(") + group + ")";
    const std::string obr = std::string("OBR(") + group + ")";
    EXPECT_EQ(at(orc + "-2"), "EHR-5521") << group;
    EXPECT_EQ(at(orc + "-3"), "O26-0000042") << group;
    EXPECT_EQ(at(obr + "-2"), "EHR-5521") << group;
    EXPECT_EQ(at(obr + "-3"), "O26-0000042") << group;
  }
  EXPECT_EQ(at("ORC(1)-12.2"), "Dr Lena Park");
  EXPECT_EQ(at("OBR(1)-7"), "20261121070500+0000");
  EXPECT_EQ(at("OBR(1)-16.2"), "Dr Lena Park");
  // The group's report time is its latest release or correction.
  EXPECT_EQ(at("OBR(1)-22"), "20261121085000+0000");
  EXPECT_EQ(at("OBR(1)-25"), "C");
  EXPECT_EQ(at("OBR(2)-22"), "20261121082000+0000");
  EXPECT_EQ(at("OBR(2)-25"), "F");
  EXPECT_EQ(at("OBR(3)-25"), "F");
}

TEST_F(OruWriterTest, WritesACriticalNumericResult) {
  EXPECT_EQ(at("OBX(1)-2"), "NM");
  EXPECT_EQ(raw("OBX(1)-3"), "2823-3^Potassium^LN^K^Potassium^L");
  EXPECT_EQ(at("OBX(1)-5"), "2.4");  // 2.44 reported at one decimal
  EXPECT_EQ(raw("OBX(1)-6"), "mmol/L^^UCUM");
  EXPECT_EQ(at("OBX(1)-7"), "3.5-5.1");
  EXPECT_EQ(at("OBX(1)-8"), "LL");
  EXPECT_EQ(at("OBX(1)-11"), "F");
  EXPECT_EQ(at("OBX(1)-14"), "20261121070500+0000");
  EXPECT_EQ(at("OBX(1)-19"), "20261121081000+0000");
}

TEST_F(OruWriterTest, NamesThePerformerAndTheInstrument) {
  EXPECT_EQ(at("OBX(1)-18"), "cobas-c311");
  EXPECT_EQ(raw("OBX(1)-16"), "");  // no operator known: nothing is claimed
  EXPECT_EQ(at("OBX(4)-16"), "tech1");
  EXPECT_EQ(raw("OBX(4)-18"), "");
}

TEST_F(OruWriterTest, SendsTheCommentsForTheReportAfterTheirObservation) {
  ASSERT_EQ(message_.count("NTE"), 2u);
  EXPECT_EQ(at("NTE(1)-1"), "1");
  EXPECT_EQ(at("NTE(1)-2"), "L");
  EXPECT_EQ(at("NTE(1)-3"), "Specimen received warm");
  // Each line its own repetition; the & of the text escaped, no CR inside the segment.
  EXPECT_EQ(at("NTE(2)-3(1)"), "Repeat requested:");
  EXPECT_EQ(at("NTE(2)-3(2)"), "trace & 1+ on two strips");
  EXPECT_EQ(raw("NTE(2)-3(2)"), "trace \\T\\ 1+ on two strips");
  // They follow the urinalysis OBX, before its SPM.
  const std::size_t obx = bytes_.find("OBX|1|CWE|");
  const std::size_t nte = bytes_.find("\rNTE|1|");
  const std::size_t spm = bytes_.find("\rSPM|1|", obx);
  EXPECT_LT(obx, nte);
  EXPECT_LT(nte, spm);
}

TEST_F(OruWriterTest, MarksACorrectedResult) {
  EXPECT_EQ(at("OBX(2)-3.1"), "2345-7");
  EXPECT_EQ(at("OBX(2)-5"), "105");
  EXPECT_EQ(at("OBX(2)-8"), "H");
  EXPECT_EQ(at("OBX(2)-11"), "C");
}

TEST_F(OruWriterTest, WritesAValueBelowTheMeasuringRangeAsStructuredNumeric) {
  EXPECT_EQ(at("OBX(3)-2"), "SN");
  EXPECT_EQ(raw("OBX(3)-5"), "<^0.01");
  EXPECT_EQ(raw("OBX(3)-6"), "m[IU]/L^^UCUM");
  EXPECT_EQ(at("OBX(3)-8"), "L");
}

TEST_F(OruWriterTest, WritesACodedUrinalysisResult) {
  EXPECT_EQ(at("OBX(4)-2"), "CWE");
  EXPECT_EQ(raw("OBX(4)-3"), "20454-5^Protein, urine^LN^UA-PRO^Protein, urine^L");
  EXPECT_EQ(raw("OBX(4)-5"), "2+^2+^L");
  EXPECT_FALSE(message_.get(*parse_path("OBX(4)-6")).has_value());
  EXPECT_EQ(at("OBX(4)-7"), "negative");
  EXPECT_EQ(at("OBX(4)-8"), "A");
  EXPECT_EQ(at("OBX(4)-11"), "F");
}

TEST_F(OruWriterTest, NamesThePerformingLaboratoryOnEveryObservation) {
  for (const std::string_view obx : {"OBX(1)", "OBX(4)"}) {
    const std::string prefix(obx);
    EXPECT_EQ(raw(prefix + "-23"),
              "Aliquot Community Laboratory^^^^^CLIA&2.16.840.1.113883.4.7&ISO^XX^^^05D2191150");
    EXPECT_EQ(raw(prefix + "-24"), "1 Main St^^Springfield^IL^62701^USA^B");
    EXPECT_EQ(raw(prefix + "-25"), "1234567893^Hale^Ruth");
  }
}

TEST_F(OruWriterTest, WritesTheSpecimens) {
  EXPECT_EQ(at("SPM(1)-2.2"), "26-000101");
  EXPECT_EQ(raw("SPM(1)-4"), "SER^Serum^HL70487");
  EXPECT_EQ(at("SPM(1)-17"), "20261121070500+0000");
  EXPECT_EQ(at("SPM(1)-18"), "20261121074000+0000");
  EXPECT_EQ(at("SPM(3)-2.2"), "26-000102");
  EXPECT_EQ(raw("SPM(3)-4"), "UR^Urine^HL70487");
}

TEST_F(OruWriterTest, PassesTheModulesOwnCheck) {
  std::vector<Finding> findings;
  check_message(message_, findings);
  std::string listed;
  for (const Finding& finding : findings) listed += finding.to_string() + "\n";
  EXPECT_TRUE(findings.empty()) << listed;
}

TEST(WriteOruR01, LeavesThePlacerNumberEmptyForAnOrderPlacedInTheLab) {
  OruReport report = realistic_report();
  report.order.placer_order_number.clear();
  const Result<std::string> bytes = write_oru_r01(report);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().to_string();
  const Result<Message> message = Message::parse(*bytes);
  ASSERT_TRUE(message.has_value()) << message.error().to_string();
  EXPECT_FALSE(message->get(*parse_path("ORC-2")).has_value());
  EXPECT_FALSE(message->get(*parse_path("OBR-2")).has_value());
  EXPECT_EQ(message->get(*parse_path("ORC-3")).text(), "O26-0000042");
  EXPECT_EQ(message->get(*parse_path("OBR-3")).text(), "O26-0000042");
  std::vector<Finding> findings;
  check_message(*message, findings);
  EXPECT_TRUE(findings.empty()) << findings.front().to_string();
}

TEST(WriteOruR01, EscapesDelimitersInText) {
  OruReport report = realistic_report();
  report.patient.family_name = "O^Brien|Smith";
  report.observations[3].result.value->text = "2+ & rising";
  const Result<std::string> bytes = write_oru_r01(report);
  ASSERT_TRUE(bytes.has_value());
  const Result<Message> message = Message::parse(*bytes);
  ASSERT_TRUE(message.has_value());
  EXPECT_EQ(message->get(*parse_path("PID-5.1")).text(), "O^Brien|Smith");
  EXPECT_EQ(message->get(*parse_path("OBX(4)-5.1")).text(), "2+ & rising");
}

// A calculated numeric test that must not be reported carries the reason as text (LDL by
// Friedewald at triglycerides of 400 mg/dL or more): a string, without the unit, range and flag of
// the numbers it stands in for.
TEST(WriteOruR01, WritesTheTextOfANumericTestAsAStringWithoutRange) {
  OruReport report = realistic_report();
  OruObservation ldl = numeric(15, report.observations[0].specimen,
                               test("LDL-C", "LDL cholesterol, calculated", "13457-7", "mg/dL",
                                    core::ResultKind::kNumeric, 0),
                               0, core::AbnormalFlag::kNone, "<=99");
  ldl.result.value->kind = core::ResultKind::kText;
  ldl.result.value->text =
      "Not calculated: Friedewald is not valid when triglycerides are 400 mg/dL or more";
  ldl.result.value->unit.clear();
  report.observations = {ldl};
  const Result<std::string> bytes = write_oru_r01(report);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().to_string();
  const Result<Message> message = Message::parse(*bytes);
  ASSERT_TRUE(message.has_value()) << message.error().to_string();
  const auto field = [&](const char* path) { return message->get(*parse_path(path)); };
  EXPECT_EQ(field("OBX-2").text(), "ST");
  EXPECT_EQ(field("OBX-5").text(),
            "Not calculated: Friedewald is not valid when triglycerides are 400 mg/dL or more");
  EXPECT_FALSE(field("OBX-6").has_value());
  EXPECT_FALSE(field("OBX-7").has_value());
  EXPECT_FALSE(field("OBX-8").has_value());
  std::vector<Finding> findings;
  check_message(*message, findings);
  EXPECT_TRUE(findings.empty()) << findings.front().to_string();
}

TEST(WriteOruR01, RefusesAResultThatIsNotReleased) {
  OruReport report = realistic_report();
  report.observations[2].result.status = core::ResultStatus::kPreliminary;
  const Result<std::string> bytes = write_oru_r01(report);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(bytes.error().message(),
            "result 13 (TSH, accession 26-000101) is preliminary, not released: only final or "
            "corrected results are sent");
}

TEST(WriteOruR01, RefusesACancelledResult) {
  OruReport report = realistic_report();
  report.observations[0].result.status = core::ResultStatus::kCancelled;
  const Result<std::string> bytes = write_oru_r01(report);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().message(),
            "result 11 (K, accession 26-000101) is cancelled, not released: only final or "
            "corrected results are sent");
}

TEST(WriteOruR01, RefusesAReleasedResultWithoutValue) {
  OruReport report = realistic_report();
  report.observations[1].result.value.reset();
  const Result<std::string> bytes = write_oru_r01(report);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().message(),
            "result 12 (GLU, accession 26-000101) is released but has no value");
}

TEST(WriteOruR01, RefusesANumberThatIsNotFinite) {
  OruReport report = realistic_report();
  report.observations[0].result.value->number = std::nan("");
  const Result<std::string> bytes = write_oru_r01(report);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().message(),
            "result 11 (K, accession 26-000101) has no finite number to report");
}

TEST(WriteOruR01, RefusesASpecimenTypeWithoutHl7Code) {
  OruReport report = realistic_report();
  report.observations[3].specimen.specimen_type = "csf";
  const Result<std::string> bytes = write_oru_r01(report);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().message(),
            "specimen type 'csf' of accession 26-000102 has no HL7 table 0487 code");
}

TEST(WriteOruR01, RefusesAReportWithoutObservations) {
  OruReport report = realistic_report();
  report.observations.clear();
  const Result<std::string> bytes = write_oru_r01(report);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().message(), "ORU^R01 for order O26-0000042 has no observations to send");
}

TEST(Hl7SpecimenType, MapsTheCatalogTypesToTable0487) {
  EXPECT_EQ(hl7_specimen_type("serum")->code, "SER");
  EXPECT_EQ(hl7_specimen_type("whole-blood")->code, "BLD");
  EXPECT_EQ(hl7_specimen_type("plasma-heparin")->code, "PLAS");
  EXPECT_EQ(hl7_specimen_type("plasma-citrate")->code, "PLAS");
  EXPECT_EQ(hl7_specimen_type("urine")->code, "UR");
  EXPECT_FALSE(hl7_specimen_type("stool").has_value());
}

}  // namespace
}  // namespace aliquot::hl7
