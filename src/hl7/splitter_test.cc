#include "hl7/splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::hl7 {
namespace {

std::vector<Chunk> split(std::string_view input) {
  std::vector<Chunk> chunks;
  MessageSplitter splitter(input);
  while (std::optional<Chunk> chunk = splitter.next()) chunks.push_back(*chunk);
  return chunks;
}

std::vector<std::string> messages(std::string_view input) {
  std::vector<std::string> out;
  for (const Chunk& chunk : split(input)) {
    if (chunk.kind == ChunkKind::kMessage) out.emplace_back(chunk.bytes);
  }
  return out;
}

TEST(MessageSplitter, FindsNothingInNothing) {
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split("\r\n \n\t\r").empty());
}

TEST(MessageSplitter, SplitsMessagesThatFollowEachOtherDirectly) {
  EXPECT_EQ(messages("MSH|^~\\&|A\rPID|1\rMSH|^~\\&|B\rPID|2\r"),
            (std::vector<std::string>{"MSH|^~\\&|A\rPID|1", "MSH|^~\\&|B\rPID|2"}));
  EXPECT_EQ(messages("MSH|^~\\&|A\nPID|1\nMSH|^~\\&|B\nPID|2"),
            (std::vector<std::string>{"MSH|^~\\&|A\nPID|1", "MSH|^~\\&|B\nPID|2"}));
  EXPECT_EQ(messages("MSH|^~\\&|A\r\nPID|1\r\nMSH|^~\\&|B\r\n"),
            (std::vector<std::string>{"MSH|^~\\&|A\r\nPID|1", "MSH|^~\\&|B"}));
}

TEST(MessageSplitter, SplitsMessagesSeparatedByBlankLines) {
  EXPECT_EQ(messages("MSH|^~\\&|A\rPID|1\r\n\n\r\nMSH|^~\\&|B\rPID|2\r\n\n"),
            (std::vector<std::string>{"MSH|^~\\&|A\rPID|1", "MSH|^~\\&|B\rPID|2"}));
}

TEST(MessageSplitter, KeepsABlankLineInsideAMessageInTheMessage) {
  EXPECT_EQ(messages("MSH|^~\\&|A\r\n\r\nPID|1\r\nMSH|^~\\&|B"),
            (std::vector<std::string>{"MSH|^~\\&|A\r\n\r\nPID|1", "MSH|^~\\&|B"}));
}

TEST(MessageSplitter, TellsAMessagesOffset) {
  const std::string input = "# source: x\nMSH|^~\\&|A\rPID|1\n\nMSH|^~\\&|B";
  const std::vector<Chunk> chunks = split(input);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].kind, ChunkKind::kComment);
  EXPECT_EQ(chunks[0].bytes, "# source: x");
  EXPECT_EQ(chunks[0].offset, 0u);
  EXPECT_EQ(chunks[1].kind, ChunkKind::kMessage);
  EXPECT_EQ(chunks[1].offset, 12u);
  EXPECT_EQ(chunks[2].offset, input.find("MSH|^~\\&|B"));
  EXPECT_EQ(input.substr(chunks[2].offset, chunks[2].bytes.size()), chunks[2].bytes);
}

TEST(MessageSplitter, ReadsMllpFrames) {
  const std::string input =
      "\x0bMSH|^~\\&|A\rPID|1\r\x1c\r\x0bMSH|^~\\&|B\rPID|2\r\x1c\r\n\x0bMSH|^~\\&|C\x1c";
  const std::vector<Chunk> chunks = split(input);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].bytes, "MSH|^~\\&|A\rPID|1\r");
  EXPECT_EQ(chunks[0].framing, Framing::kMllp);
  EXPECT_TRUE(chunks[0].frame_closed);
  EXPECT_EQ(chunks[0].offset, 1u);
  EXPECT_EQ(chunks[1].bytes, "MSH|^~\\&|B\rPID|2\r");
  EXPECT_EQ(chunks[2].bytes, "MSH|^~\\&|C");
  EXPECT_TRUE(chunks[2].frame_closed);
}

TEST(MessageSplitter, ReturnsAnUnclosedFrameAsSuch) {
  const std::vector<Chunk> chunks =
      split("\x0bMSH|^~\\&|A\rPID|1\r\x0bMSH|^~\\&|B\r\x1c\r\x0bMSH|");
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].bytes, "MSH|^~\\&|A\rPID|1\r");
  EXPECT_FALSE(chunks[0].frame_closed);
  EXPECT_TRUE(chunks[1].frame_closed);
  EXPECT_EQ(chunks[2].bytes, "MSH|");
  EXPECT_FALSE(chunks[2].frame_closed);
}

TEST(MessageSplitter, MixesFramedAndPlainMessages) {
  EXPECT_EQ(messages("MSH|^~\\&|A\rPID|1\r\x0bMSH|^~\\&|B\r\x1c\r\nMSH|^~\\&|C\r"),
            (std::vector<std::string>{"MSH|^~\\&|A\rPID|1", "MSH|^~\\&|B\r", "MSH|^~\\&|C"}));
}

TEST(MessageSplitter, SkipsCommentAndBatchLinesAsComments) {
  const std::vector<Chunk> chunks =
      split("# one\n# two\nFHS|^~\\&|X\rBHS|^~\\&\rMSH|^~\\&|A\rPID|1\rBTS|1\rFTS|1\r#end");
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].kind, ChunkKind::kComment);
  EXPECT_EQ(chunks[0].bytes, "# one\n# two\nFHS|^~\\&|X\rBHS|^~\\&");
  EXPECT_EQ(chunks[1].kind, ChunkKind::kMessage);
  EXPECT_EQ(chunks[1].bytes, "MSH|^~\\&|A\rPID|1");
  EXPECT_EQ(chunks[2].kind, ChunkKind::kComment);
  EXPECT_EQ(chunks[2].bytes, "BTS|1\rFTS|1\r#end");
}

TEST(MessageSplitter, ReturnsDataOutsideMessagesAsUnrecognized) {
  const std::vector<Chunk> chunks = split("PID|1\rOBX|1\r\nMSH|^~\\&|A\r# c\rOBX|2\r");
  ASSERT_EQ(chunks.size(), 4u);
  EXPECT_EQ(chunks[0].kind, ChunkKind::kUnrecognized);
  EXPECT_EQ(chunks[0].bytes, "PID|1\rOBX|1");
  EXPECT_EQ(chunks[1].kind, ChunkKind::kMessage);
  EXPECT_EQ(chunks[1].bytes, "MSH|^~\\&|A");
  EXPECT_EQ(chunks[2].kind, ChunkKind::kComment);
  EXPECT_EQ(chunks[3].kind, ChunkKind::kUnrecognized);
  EXPECT_EQ(chunks[3].bytes, "OBX|2");
}

TEST(MessageSplitter, KeepsAnUnknownLineInsideAMessageForTheParserToJudge) {
  EXPECT_EQ(messages("MSH|^~\\&|A\rPID|1\rfree text\rOBX|1\r"),
            (std::vector<std::string>{"MSH|^~\\&|A\rPID|1\rfree text\rOBX|1"}));
}

TEST(MessageSplitter, DoesNotTakeAnMshInsideAValueForANewMessage) {
  EXPECT_EQ(messages("MSH|^~\\&|A\rOBX|1|ST|x||MSH|y\rMSHX|1\r"),
            (std::vector<std::string>{"MSH|^~\\&|A\rOBX|1|ST|x||MSH|y\rMSHX|1"}));
}

}  // namespace
}  // namespace aliquot::hl7
