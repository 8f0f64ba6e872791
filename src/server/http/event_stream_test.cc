#include "server/http/event_stream.h"

#include <gtest/gtest.h>

#include <string>

namespace aliquot::server::http {
namespace {

TEST(FormatEvent, WritesNameIdAndOneDataLinePerLine) {
  EXPECT_EQ(format_event("result", "42", R"({"a":1})"),
            "event: result\nid: 42\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(format_event("", "", "one\ntwo\r\nthree\rfour"),
            "data: one\ndata: two\ndata: three\ndata: four\n\n");
}

TEST(FormatEvent, DropsLineBreaksFromTheNameAndTheId) {
  EXPECT_EQ(format_event("res\nult", "4\r2", "x"), "event: result\nid: 42\ndata: x\n\n");
}

TEST(FormatComment, WritesAColonLineAndABlankLine) {
  EXPECT_EQ(format_comment("keepalive"), ": keepalive\n\n");
  EXPECT_EQ(format_comment(""), ":\n\n");
}

TEST(EventStream, HandsOverWhatWasPushedInOrder) {
  EventStream stream;
  EXPECT_TRUE(stream.push("a"));
  EXPECT_TRUE(stream.push("b"));
  EXPECT_EQ(stream.queued_bytes(), 2u);
  EventStream::Taken taken = stream.take();
  EXPECT_EQ(taken.text, "ab");
  EXPECT_EQ(taken.end, EventStream::End::kNone);
  EXPECT_TRUE(stream.push("c"));
  EXPECT_EQ(stream.take().text, "c");
  EXPECT_EQ(stream.take().text, "");
}

TEST(EventStream, WakesTheConsumerOnceUntilItTakes) {
  EventStream stream;
  int wakes = 0;
  stream.push("before");
  stream.attach([&wakes] { ++wakes; });
  EXPECT_EQ(wakes, 1) << "what was queued before attach() is announced at once";
  stream.push("more");
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(stream.take().text, "beforemore");
  stream.push("next");
  EXPECT_EQ(wakes, 2);
  stream.take();
  stream.close();
  EXPECT_EQ(wakes, 3);
  EXPECT_EQ(stream.take().end, EventStream::End::kClosed);
}

TEST(EventStream, RefusesPushesAfterClose) {
  EventStream stream;
  stream.push("last");
  stream.close();
  EXPECT_FALSE(stream.open());
  EXPECT_FALSE(stream.push("late"));
  EventStream::Taken taken = stream.take();
  EXPECT_EQ(taken.text, "last");
  EXPECT_EQ(taken.end, EventStream::End::kClosed);
}

TEST(EventStream, EndsWhenTheBacklogWouldPassTheBound) {
  EventStream stream(10);
  EXPECT_TRUE(stream.push("12345"));
  EXPECT_TRUE(stream.push("67890"));
  EXPECT_FALSE(stream.push("x"));
  EXPECT_FALSE(stream.open());
  EXPECT_EQ(stream.queued_bytes(), 0u) << "the backlog is dropped with the client";
  EXPECT_EQ(stream.take().end, EventStream::End::kOverflowed);
  EXPECT_FALSE(stream.push("y"));
}

TEST(EventStream, DisconnectDropsTheBacklogAndTheWake) {
  EventStream stream;
  int wakes = 0;
  stream.attach([&wakes] { ++wakes; });
  stream.push("a");
  stream.disconnect();
  EXPECT_FALSE(stream.push("b"));
  stream.close();
  EXPECT_EQ(wakes, 1);
  EventStream::Taken taken = stream.take();
  EXPECT_EQ(taken.text, "");
  EXPECT_EQ(taken.end, EventStream::End::kDisconnected);
}

}  // namespace
}  // namespace aliquot::server::http
