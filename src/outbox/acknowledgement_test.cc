#include "outbox/acknowledgement.h"

#include <gtest/gtest.h>

#include <string>

namespace aliquot::outbox {
namespace {

std::string ack(const std::string& msa, const std::string& err = "") {
  return "MSH|^~\\&|EHR|MERCY|ALIQUOT|ACL|20260310081500-0500||ACK^R01^ACK|A1|P|2.5.1\r" + msa +
         "\r" + (err.empty() ? "" : err + "\r");
}

TEST(ReadAcknowledgement, AcceptsAaAndCaForOurMessage) {
  EXPECT_EQ(read_acknowledgement(ack("MSA|AA|ALQ7"), "ALQ7").verdict, AckVerdict::kAccepted);
  EXPECT_EQ(read_acknowledgement(ack("MSA|CA|ALQ7"), "ALQ7").verdict, AckVerdict::kAccepted);
}

TEST(ReadAcknowledgement, ExplainsARefusalWithMsa3AndErr) {
  const AckReading reading = read_acknowledgement(
      ack("MSA|AR|ALQ7|unknown patient",
          "ERR||PID^1^3|204^Unknown key identifier^HL70357|E||||Patient MRN-9 is not known"),
      "ALQ7");
  EXPECT_EQ(reading.verdict, AckVerdict::kRefused);
  EXPECT_EQ(reading.explanation, "AR: unknown patient; Patient MRN-9 is not known");

  const AckReading coded = read_acknowledgement(
      ack("MSA|AE|ALQ7", "ERR||OBX^1^5|102^Data type error^HL70357|E"), "ALQ7");
  EXPECT_EQ(coded.verdict, AckVerdict::kRefused);
  EXPECT_EQ(coded.explanation, "AE: Data type error");

  EXPECT_EQ(read_acknowledgement(ack("MSA|CE|ALQ7"), "ALQ7").explanation, "CE");
  EXPECT_EQ(read_acknowledgement(ack("MSA|CR|ALQ7|bad version"), "ALQ7").explanation,
            "CR: bad version");
}

TEST(ReadAcknowledgement, TakesARefusalOfAMessageTheReceiverCouldNotParse) {
  const AckReading reading = read_acknowledgement(ack("MSA|AR||no MSH segment"), "ALQ7");
  EXPECT_EQ(reading.verdict, AckVerdict::kRefused);
  EXPECT_EQ(reading.explanation, "AR: no MSH segment");
}

TEST(ReadAcknowledgement, DoesNotTakeAnythingElseAsAnAnswer) {
  const AckReading other = read_acknowledgement(ack("MSA|AA|ALQ6"), "ALQ7");
  EXPECT_EQ(other.verdict, AckVerdict::kUnreadable);
  EXPECT_EQ(other.explanation, "the reply acknowledges message 'ALQ6', not 'ALQ7'");

  const AckReading unnamed = read_acknowledgement(ack("MSA|AA"), "ALQ7");
  EXPECT_EQ(unnamed.verdict, AckVerdict::kUnreadable);

  const AckReading no_msa =
      read_acknowledgement("MSH|^~\\&|EHR||||20260310||ACK|A1|P|2.5.1\r", "ALQ7");
  EXPECT_EQ(no_msa.verdict, AckVerdict::kUnreadable);
  EXPECT_EQ(no_msa.explanation, "the reply has no MSA segment");

  const AckReading code = read_acknowledgement(ack("MSA|OK|ALQ7"), "ALQ7");
  EXPECT_EQ(code.verdict, AckVerdict::kUnreadable);
  EXPECT_EQ(code.explanation, "the reply has an unknown acknowledgment code MSA-1 'OK'");

  const AckReading garbage = read_acknowledgement("HTTP/1.1 400 Bad Request\r\n", "ALQ7");
  EXPECT_EQ(garbage.verdict, AckVerdict::kUnreadable);
  EXPECT_EQ(garbage.explanation.rfind("the reply is not an HL7 acknowledgment: ", 0), 0u)
      << garbage.explanation;
}

}  // namespace
}  // namespace aliquot::outbox
