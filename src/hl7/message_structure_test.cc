#include "hl7/message_structure.h"

#include <gtest/gtest.h>

#include <string>

namespace aliquot::hl7 {
namespace {

// A message with the given segments, "MSH" first; every segment gets one field.
Message message_of(const std::string& segments, std::string& storage) {
  storage.clear();
  std::size_t start = 0;
  while (start < segments.size()) {
    std::size_t end = segments.find(' ', start);
    if (end == std::string::npos) end = segments.size();
    const std::string id = segments.substr(start, end - start);
    storage += id == "MSH" ? "MSH|^~\\&|X\r" : id + "|1\r";
    start = end + 1;
  }
  Result<Message> message = Message::parse(storage);
  EXPECT_TRUE(message.has_value()) << message.error().to_string();
  return std::move(message).value();
}

std::string problem(const std::string& type, const std::string& segments) {
  const std::size_t caret = type.find('^');
  const MessageStructure* structure = find_message_structure(
      type.substr(0, caret), caret == std::string::npos ? "" : type.substr(caret + 1));
  if (structure == nullptr) return "no structure";
  std::string storage;
  const Message message = message_of(segments, storage);
  const std::optional<StructureProblem> found = check_structure(message, *structure);
  if (!found) return "ok";
  return std::to_string(found->segment_index) + ": " + found->text;
}

TEST(MessageStructure, KnowsTheTypesAliquotAccepts) {
  EXPECT_NE(find_message_structure("ORU", "R01"), nullptr);
  EXPECT_NE(find_message_structure("OUL", "R22"), nullptr);
  EXPECT_NE(find_message_structure("OML", "O21"), nullptr);
  EXPECT_NE(find_message_structure("ORM", "O01"), nullptr);
  EXPECT_EQ(structure_name(*find_message_structure("ACK", "R01")), "ACK");
  EXPECT_NE(find_message_structure("ACK", ""), nullptr);
  EXPECT_EQ(find_message_structure("ADT", "A01"), nullptr);
  EXPECT_EQ(find_message_structure("ORU", "R30"), nullptr);
}

TEST(MessageStructure, AcceptsResultsAsTheStandardAllowsThem) {
  EXPECT_EQ(problem("ORU^R01", "MSH PID OBR OBX OBX"), "ok");
  EXPECT_EQ(problem("ORU^R01", "MSH SFT PID NK1 ORC OBR OBX SPM"), "ok");
  EXPECT_EQ(problem("ORU^R01", "MSH SFT PID ORC OBR SPM OBX"), "ok");
  EXPECT_EQ(problem("ORU^R01", "MSH PID NTE ORC OBR TQ1"), "ok");
  EXPECT_EQ(problem("ORU^R01", "MSH PID PV1 OBR NTE OBX NTE OBX OBR OBX PID OBR OBX DSC"), "ok");
  EXPECT_EQ(problem("ORU^R01", "MSH OBR OBX"), "ok");
  EXPECT_EQ(problem("ORU^R01", "MSH PID ZPI OBR ZBR OBX"), "ok");
}

TEST(MessageStructure, SaysWhereResultsLeaveTheStructure) {
  EXPECT_EQ(problem("ORU^R01", "MSH PID OBX"),
            "2: not allowed here in ORU^R01: expected ORC or OBR (after PID(1))");
  EXPECT_EQ(problem("ORU^R01", "MSH PID"),
            "2: the message ends, but ORU^R01 requires ORC or OBR (after PID(1))");
  EXPECT_EQ(problem("ORU^R01", "MSH PID OBR OBX TQ1"),
            "4: not allowed here in ORU^R01 (after OBX(1))");
  EXPECT_EQ(problem("ORU^R01", "MSH PID ORC OBX"),
            "3: not allowed here in ORU^R01: expected OBR (after ORC(1))");
  EXPECT_EQ(problem("ORU^R01", "MSH PID OBR OBX PID NK1"),
            "6: the message ends, but ORU^R01 requires ORC or OBR (after NK1(1))");
}

TEST(MessageStructure, AcceptsAnalyzerSpecimenResults) {
  EXPECT_EQ(problem("OUL^R22", "MSH PID SPM SAC OBR ORC TQ1 OBX OBX TCD INV INV OBX OBX"), "ok");
  EXPECT_EQ(problem("OUL^R22", "MSH SPM OBX SAC INV OBR OBX SPM OBR"), "ok");
  EXPECT_EQ(problem("OUL^R22", "MSH PID OBR OBX"),
            "2: not allowed here in OUL^R22: expected SPM (after PID(1))");
}

TEST(MessageStructure, AcceptsOrders) {
  EXPECT_EQ(problem("OML^O21", "MSH PID PV1 ORC TQ1 OBR NTE DG1 OBX SPM SAC ORC OBR"), "ok");
  EXPECT_EQ(problem("OML^O21", "MSH PID OBR"),
            "2: not allowed here in OML^O21: expected ORC (after PID(1))");
  EXPECT_EQ(problem("ORM^O01", "MSH PID PV1 ORC OBR NTE DG1 OBX NTE ORC OBR"), "ok");
  EXPECT_EQ(problem("ORM^O01", "MSH PID ORC OBR SPM"),
            "4: not allowed here in ORM^O01 (after OBR(1))");
}

TEST(MessageStructure, AcceptsAcknowledgments) {
  EXPECT_EQ(problem("ACK^R01", "MSH MSA ERR ERR"), "ok");
  EXPECT_EQ(problem("ACK", "MSH MSA"), "ok");
  EXPECT_EQ(problem("ACK^O21", "MSH ERR"),
            "1: not allowed here in ACK: expected MSA (after MSH(1))");
}

}  // namespace
}  // namespace aliquot::hl7
