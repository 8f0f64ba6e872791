// Real messages from public projects (shared/conformance/hl7/, beside the repository; the first
// line of each file names its source). Every one must parse, be accepted by the checks, and give
// the values a person reads in it.

#include <gtest/gtest.h>

#include <map>

#include "hl7/check.h"
#include "hl7/message.h"
#include "hl7/splitter.h"
#include "support/test_files.h"

namespace aliquot::hl7 {

namespace testing = test_support;
namespace {

using testing::files_in;
using testing::read_file;
using testing::source_dir;

std::filesystem::path conformance_dir() {
  return source_dir().parent_path() / "shared" / "conformance" / "hl7";
}

class Hl7Conformance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(conformance_dir())) {
      GTEST_SKIP() << "no conformance messages at " << conformance_dir();
    }
    for (const std::filesystem::path& file : files_in(conformance_dir(), ".hl7")) {
      files_[file.filename().string()] = read_file(file);
    }
  }

  // The one message of a conformance file, after its "# source:" line.
  Message message(const std::string& name) {
    const auto found = files_.find(name);
    if (found == files_.end()) {
      ADD_FAILURE() << "no conformance file " << name;
      return Message();
    }
    MessageSplitter splitter(found->second);
    std::optional<Chunk> chunk = splitter.next();
    EXPECT_TRUE(chunk && chunk->kind == ChunkKind::kComment) << name << ": no source line";
    chunk = splitter.next();
    EXPECT_TRUE(chunk && chunk->kind == ChunkKind::kMessage) << name;
    EXPECT_FALSE(splitter.next().has_value()) << name << ": more than one message";
    if (!chunk) return Message();
    Result<Message> parsed = Message::parse(chunk->bytes);
    EXPECT_TRUE(parsed.has_value()) << name << ": " << parsed.error().to_string();
    return parsed.has_value() ? std::move(parsed).value() : Message();
  }

  std::string text(const Message& message, std::string_view path) {
    const Result<Value> value = message.get(path);
    EXPECT_TRUE(value.has_value()) << path;
    return value.has_value() ? value->text() : std::string();
  }

  std::map<std::string, std::string> files_;
};

TEST_F(Hl7Conformance, EveryMessageParsesAndIsAccepted) {
  ASSERT_GE(files_.size(), 7u);
  for (const auto& [name, bytes] : files_) {
    SCOPED_TRACE(name);
    const Message parsed = message(name);
    ASSERT_GT(parsed.segment_count(), 1u);
    EXPECT_TRUE(parsed.get("MSH-9.1").value().has_value());
    EXPECT_TRUE(parsed.get("MSH-9.2").value().has_value());
    EXPECT_TRUE(parsed.get("MSH-10").value().has_value());
    const std::size_t observations = parsed.count("OBX");
    for (std::size_t i = 1; i <= observations; ++i) {
      const Value value = parsed.get("OBX(" + std::to_string(i) + ")-5").value();
      EXPECT_TRUE(value.exists()) << "OBX(" << i << ")-5";
      EXPECT_EQ(value.raw(), parsed.find("OBX", static_cast<int>(i))->field(5).repetition(1).raw());
    }
    std::vector<Finding> findings;
    check_message(parsed, findings);
    for (const Finding& finding : findings) ADD_FAILURE() << finding.to_string();
  }
}

TEST_F(Hl7Conformance, ReadsTheCobasProSpecimenResult) {
  const Message m = message("medplum-core_hl7test_cobas-pro_OUL_R22.hl7");
  EXPECT_EQ(m.segment_count(), 17u);
  EXPECT_EQ(text(m, "MSH-9"), "OUL^R22^OUL_R22");
  EXPECT_EQ(text(m, "MSH-10"), "2019");
  EXPECT_EQ(text(m, "MSH-18"), "UNICODE UTF-8");
  EXPECT_EQ(text(m, "MSH-21.1"), "LAB-29");
  EXPECT_EQ(text(m, "SPM-2.1.1"), "140799");
  EXPECT_EQ(text(m, "SPM-2.1.2"), "BARCODE");
  EXPECT_TRUE(m.get("OBR-2").value().is_null());
  EXPECT_EQ(text(m, "OBX-5"), "112");
  EXPECT_EQ(text(m, "OBX-6.1"), "ng/dL");
  EXPECT_EQ(text(m, "OBX-18(2).1"), "2037-06");
  EXPECT_EQ(text(m, "OBX(5)-5(3)"), "19092");
  EXPECT_EQ(text(m, "INV(2)-2(2).1"), "CURRENT");
  EXPECT_EQ(text(m, "OBX(7)-5"), "2.50 - 1500");
}

TEST_F(Hl7Conformance, ReadsTheNistLeadResult) {
  const Message m = message("node-hl7-complete_ORU_R01_2.5.1_SampleTestCase3.hl7");
  EXPECT_EQ(text(m, "MSH-3.2"), "2.16.840.1.113883.3.72.7.1");
  EXPECT_EQ(text(m, "PID-3.4.2"), "2.16.840.1.113883.19.3.2.1");
  EXPECT_EQ(text(m, "PID-5"), "Johnson^Philip");
  EXPECT_EQ(text(m, "OBR-4.1"), "10368-9");
  EXPECT_EQ(text(m, "OBR-31(3).2"), "Abdominal pain");
  EXPECT_EQ(text(m, "OBX-5"), "25");
  EXPECT_EQ(text(m, "OBX-7"), "<10 ug/dl");
  EXPECT_EQ(text(m, "OBX-8"), "H");
  EXPECT_EQ(text(m, "OBX-11"), "C");
}

TEST_F(Hl7Conformance, ReadsMessagesWithLfSegmentEnds) {
  const Message m = message("node-hl7-complete_oru-example.hl7");
  EXPECT_EQ(m.segment_count(), 6u);
  EXPECT_EQ(text(m, "MSH-21.1"), "LRI_NG_RU_Profile");
  EXPECT_EQ(text(m, "PID-3(2).1"), "T00001059");
  EXPECT_EQ(text(m, "PID-3(3).5"), "AN");
  EXPECT_EQ(text(m, "ORC-12.2"), "SMITH");
  EXPECT_EQ(text(m, "TQ1-9"), "R");
}

TEST_F(Hl7Conformance, ReadsRepetitionsAndSubcomponentsOfTheRabiesReport) {
  const Message m = message("node-hl7-complete_realm-animal-rabies.hl7");
  EXPECT_EQ(text(m, "MSH-11.2"), "T");
  EXPECT_EQ(text(m, "PID-5(2).2"), "Fluffy");
  EXPECT_EQ(text(m, "PID-5.7"), "L");
  EXPECT_EQ(text(m, "OBX-5.2"), "Detected");
  EXPECT_EQ(text(m, "SPM-12.2.2"), "gram");
  EXPECT_EQ(text(m, "SPM-12.2.7"), "1.6");
}

TEST_F(Hl7Conformance, ReadsStructuredNumericValues) {
  const Message m = message("python-hl7_samples_sample_hl7.hl7");
  EXPECT_EQ(text(m, "MSH-12"), "2.4");
  EXPECT_EQ(text(m, "OBX-2"), "SN");
  EXPECT_EQ(text(m, "OBX-5.2"), "182");
  EXPECT_EQ(text(m, "OBX(2)-7"), "70_105");
  EXPECT_EQ(text(m, "PID-5.1"), "EVERYWOMAN");
}

TEST_F(Hl7Conformance, ReadsAnObservationAfterTheSpecimen) {
  const Message m = message("node-hl7-complete_cerner_lead.hl7");
  EXPECT_EQ(m.segment(5).id(), "SPM");
  EXPECT_EQ(text(m, "OBX-5"), "50");
  EXPECT_EQ(text(m, "OBX-7.3"), "10.000000");
}

}  // namespace
}  // namespace aliquot::hl7
