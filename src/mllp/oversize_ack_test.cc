#include "mllp/oversize_ack.h"

#include <gtest/gtest.h>

#include <string>

#include "hl7/message.h"

namespace aliquot::mllp {
namespace {

const core::Instant kTime = core::from_unix_millis(1795249800000);  // 2026-11-21T08:30:00Z

std::string field_text(const hl7::Message& message, const char* path) {
  const Result<hl7::Value> found = message.get(path);
  return found.has_value() ? found->text() : "<bad path>";
}

TEST(OversizeAck, RejectsWithTheSizesAndMirrorsACompleteHeader) {
  const std::string first_bytes =
      "MSH|^~\\&|ANALYZER|LAB|LIS|HOSP|20261121083000+0000||ORU^R01^ORU_R01|MSG77|P|2.5.1\r"
      "PID|1||MRN1";
  const std::string ack = build_oversize_ack(first_bytes, 1000, 5012, "MLLP-3", kTime);
  const Result<hl7::Message> parsed = hl7::Message::parse(ack);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message() << "\n" << ack;
  EXPECT_EQ(field_text(*parsed, "MSA-1"), "AR");
  EXPECT_EQ(field_text(*parsed, "MSA-2"), "MSG77");
  EXPECT_EQ(field_text(*parsed, "MSA-3"),
            "message exceeds the maximum size of 1000 bytes (received 5012)");
  EXPECT_EQ(field_text(*parsed, "MSH-3"), "LIS");
  EXPECT_EQ(field_text(*parsed, "MSH-5"), "ANALYZER");
  EXPECT_EQ(field_text(*parsed, "MSH-10"), "MLLP-3");
  EXPECT_EQ(field_text(*parsed, "ERR-3.1"), "207");
  EXPECT_EQ(field_text(*parsed, "ERR-4"), "E");
  EXPECT_EQ(field_text(*parsed, "ERR-8"),
            "message exceeds the maximum size of 1000 bytes (received 5012)");
}

// The ACK for bytes whose header cannot be mirrored.
void expect_unmirrored_ack(const std::string& first_bytes) {
  const std::string ack = build_oversize_ack(first_bytes, 10, 20000, "MLLP-1", kTime);
  EXPECT_EQ(ack.substr(0, ack.find('\r') + 1),
            "MSH|^~\\&|||||20261121083000+0000||ACK|MLLP-1||2.5.1\r");
  const Result<hl7::Message> parsed = hl7::Message::parse(ack);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(field_text(*parsed, "MSA-1"), "AR");
  EXPECT_EQ(field_text(*parsed, "MSA-2"), "");
  EXPECT_EQ(field_text(*parsed, "MSH-5"), "");
  EXPECT_EQ(field_text(*parsed, "MSA-3"),
            "message exceeds the maximum size of 10 bytes (received 20000)");
}

TEST(OversizeAck, AnswersWithoutMirroringWhenTheHeaderIsCut) {
  // The prefix ends inside MSH-10: "MSG7" may be the start of "MSG71".
  expect_unmirrored_ack("MSH|^~\\&|ANALYZER|LAB|LIS|HOSP|20261121083000+0000||ORU^R01|MSG7");
}

TEST(OversizeAck, AnswersWithoutMirroringWhenTheBytesAreNotHl7) {
  std::string first_bytes(4096, 'A');
  first_bytes += '\r';
  expect_unmirrored_ack(first_bytes);
}

}  // namespace
}  // namespace aliquot::mllp
