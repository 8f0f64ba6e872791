#include "hl7/check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::hl7 {
namespace {

constexpr std::string_view kGoodOru =
    "MSH|^~\\&|LAB|RIVERSIDE|EHR|CLINIC|20260302080500||ORU^R01^ORU_R01|MSG0001|P|2.5.1\r"
    "PID|1||MRN1001^^^RIVERSIDE^MR||Doe^Jane||19700402|F\r"
    "OBR|1|O26-0000001|260000001K|24323-8^CMP^LN\r"
    "OBX|1|NM|2345-7^Glucose^LN||95|mg/dL|70-99|N|||F\r"
    "OBX|2|SN|2823-3^Potassium^LN||>^6.9|mmol/L|3.5-5.1|HH|||F\r";

std::vector<std::string> findings(std::string_view bytes) {
  const Result<Message> message = Message::parse(bytes);
  EXPECT_TRUE(message.has_value()) << message.error().to_string();
  std::vector<Finding> found;
  if (message) check_message(*message, found);
  std::vector<std::string> out;
  for (const Finding& finding : found) out.push_back(finding.to_string());
  return out;
}

std::string with(std::string_view base, std::string_view from, std::string_view to) {
  std::string out(base);
  const std::size_t at = out.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  out.replace(at, from.size(), to);
  return out;
}

TEST(CheckMessage, FindsNothingWrongWithAGoodMessage) { EXPECT_TRUE(findings(kGoodOru).empty()); }

TEST(CheckMessage, RequiresTheHeaderFields) {
  EXPECT_EQ(findings("MSH|^~\\&|LAB\rMSA|AA|1\r"),
            (std::vector<std::string>{"MSH(1)-9: the message type (MSH-9.1) is missing",
                                      "MSH(1)-10: the message control id (MSH-10) is missing",
                                      "MSH(1)-12: the version id (MSH-12) is missing"}));
  EXPECT_EQ(findings(with(kGoodOru, "ORU^R01^ORU_R01", "ORU")),
            (std::vector<std::string>{"MSH(1)-9: the trigger event (MSH-9.2) is missing"}));
  EXPECT_EQ(findings(with(kGoodOru, "|MSG0001|", "|\"\"|")),
            (std::vector<std::string>{"MSH(1)-10: the message control id (MSH-10) is missing"}));
}

TEST(CheckMessage, RefusesMessageTypesAliquotDoesNotAccept) {
  EXPECT_EQ(findings(with(kGoodOru, "ORU^R01^ORU_R01", "ADT^A01")),
            (std::vector<std::string>{"MSH(1)-9: message type 'ADT^A01' is not one aliquot "
                                      "accepts (ORU^R01, OUL^R22, OML^O21, ORM^O01, ACK)"}));
}

TEST(CheckMessage, ReportsTheStructureProblemAtItsSegment) {
  EXPECT_EQ(findings(with(kGoodOru, "OBR|1|", "ORC|RE\rOBR|1|") + "TQ1|1\r"),
            (std::vector<std::string>{"TQ1(1): not allowed here in ORU^R01 (after OBX(2))"}));
  EXPECT_EQ(findings("MSH|^~\\&|LAB||||||ORU^R01|1|P|2.5.1\rPID|1||X\r"),
            (std::vector<std::string>{
                "the message ends, but ORU^R01 requires ORC or OBR (after PID(1))"}));
}

TEST(CheckMessage, RequiresIdentifiersInEveryPidObrAndObx) {
  std::string bytes = with(kGoodOru, "MRN1001^^^RIVERSIDE^MR", "^^^RIVERSIDE^MR");
  bytes = with(bytes, "24323-8^CMP^LN", "");
  bytes = with(bytes, "2823-3^Potassium^LN", "\"\"");
  EXPECT_EQ(findings(bytes),
            (std::vector<std::string>{
                "PID(1)-3: the patient identifier (PID-3) has no identifier in its first component",
                "OBR(1)-4: the universal service identifier (OBR-4) is missing",
                "OBX(2)-3: the observation identifier (OBX-3) is null (\"\")"}));
}

TEST(CheckMessage, RequiresTheSpecimenRatherThanThePatientInAnalyzerResults) {
  const std::string oul =
      "MSH|^~\\&|cobas||Host||20220812||OUL^R22^OUL_R22|2019|P|2.5.1\r"
      "PID|||||^^^^^^U\r"
      "SPM|1|140799&BARCODE||SERPLAS\r"
      "OBR|1|\"\"||10020^^99ROC\r"
      "OBX|1|NM|10020^^99ROC|1|112|ng/dL\r";
  EXPECT_TRUE(findings(oul).empty());
  EXPECT_EQ(findings(with(oul, "SPM|1|140799&BARCODE|", "SPM|1||")),
            (std::vector<std::string>{"SPM(1)-2: the specimen identifier (SPM-2) is missing"}));
  EXPECT_EQ(findings(with(with(oul, "OUL^R22^OUL_R22", "ORU^R01^ORU_R01"),
                          "SPM|1|140799&BARCODE||SERPLAS\r", "")),
            (std::vector<std::string>{"PID(1)-3: the patient identifier (PID-3) is missing"}));
}

TEST(CheckMessage, RequiresNumbersInNumericObservations) {
  std::string bytes = with(kGoodOru, "||95|", "||9,5|");
  EXPECT_EQ(findings(bytes),
            (std::vector<std::string>{"OBX(1)-5: '9,5' is not a number, but OBX-2 says NM"}));
  bytes = with(kGoodOru, "||95|", "||95~1e3|");
  EXPECT_EQ(findings(bytes),
            (std::vector<std::string>{
                "OBX(1)-5: '1e3' (repetition 2) is not a number, but OBX-2 says NM"}));
  EXPECT_TRUE(findings(with(kGoodOru, "||95|", "|||")).empty());
  EXPECT_TRUE(findings(with(kGoodOru, "||95|", "||\"\"|")).empty());
  EXPECT_TRUE(findings(with(kGoodOru, "||95|", "||-0.5|")).empty());
}

TEST(CheckMessage, RequiresAValueTypeWhenThereIsAValue) {
  EXPECT_EQ(findings(with(kGoodOru, "OBX|2|SN|", "OBX|2||")),
            (std::vector<std::string>{
                "OBX(2)-2: the value type (OBX-2) is missing, but OBX-5 has a value"}));
}

TEST(CheckMessage, ChecksAcknowledgments) {
  EXPECT_TRUE(
      findings("MSH|^~\\&|EHR||LAB||20260302||ACK^R01^ACK|A1|P|2.5.1\rMSA|AA|MSG0001\r").empty());
  EXPECT_TRUE(findings("MSH|^~\\&|EHR||LAB||20260302||ACK|A1|P|2.5.1\rMSA|CA|MSG0001\r").empty());
  EXPECT_EQ(findings("MSH|^~\\&|EHR||LAB||20260302||ACK^R01|A1|P|2.5.1\rMSA|OK\r"),
            (std::vector<std::string>{
                "MSA(1)-1: acknowledgment code 'OK' is not one of AA, AE, AR, CA, CE, CR (HL7 "
                "table 0008)",
                "MSA(1)-2: the control id of the acknowledged message (MSA-2) is missing"}));
}

TEST(IsHl7Number, AcceptsOnlyWhatTheNmTypeAllows) {
  for (const char* good : {"0", "95", "-1", "+2.5", "0.001", ".5", "5.", "007"}) {
    EXPECT_TRUE(is_hl7_number(good)) << good;
  }
  for (const char* bad : {"", ".", "-", "1e3", "1,5", " 5", "5 ", "1.2.3", "<5", "--1", "NaN"}) {
    EXPECT_FALSE(is_hl7_number(bad)) << bad;
  }
}

}  // namespace
}  // namespace aliquot::hl7
