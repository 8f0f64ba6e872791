#include "server/http/message.h"

#include <gtest/gtest.h>

namespace aliquot::server::http {
namespace {

TEST(ParseTarget, DecodesTheQueryAndLeavesThePathEncoded) {
  Request request;
  ASSERT_TRUE(parse_target("/api/patients/M%20R?name=Ann+Lee&x=%26&flag&x=2", request));
  EXPECT_EQ(request.path, "/api/patients/M%20R");
  EXPECT_EQ(request.query,
            (std::map<std::string, std::string>{{"name", "Ann Lee"}, {"x", "2"}, {"flag", ""}}));
}

TEST(ParseTarget, KeepsAPlusInThePath) {
  Request request;
  ASSERT_TRUE(parse_target("/a+b", request));
  EXPECT_EQ(request.path, "/a+b");
  EXPECT_TRUE(request.query.empty());
}

TEST(PercentDecode, DecodesEscapesAndKeepsPlus) {
  EXPECT_EQ(percent_decode("A%2F1+%c3%a9"), "A/1+\xc3\xa9");
  EXPECT_EQ(percent_decode("%4"), std::nullopt);
}

TEST(ParseTarget, RefusesMalformedEscapes) {
  Request request;
  EXPECT_FALSE(parse_target("/a%2", request));
  EXPECT_FALSE(parse_target("/a%zz", request));
  EXPECT_FALSE(parse_target("/a?b=%", request));
}

TEST(Headers, AreFoundWithoutRegardToCase) {
  const Headers headers = {{"Content-Type", "text/plain"}, {"X-One", "1"}};
  EXPECT_EQ(find_header(headers, "content-type"), "text/plain");
  EXPECT_EQ(find_header(headers, "X-ONE"), "1");
  EXPECT_EQ(find_header(headers, "X-On"), std::nullopt);
}

TEST(Method, RoundTripsThroughItsName) {
  for (const Method method : {Method::kGet, Method::kHead, Method::kPost, Method::kPut,
                              Method::kPatch, Method::kDelete, Method::kOptions}) {
    EXPECT_EQ(parse_method(to_string(method)), method);
  }
  EXPECT_EQ(parse_method("get"), Method::kUnknown);
  EXPECT_EQ(parse_method("BREW"), Method::kUnknown);
}

TEST(JsonError, HasTheMessageAndTheCode) {
  const Response response = json_error(409, "specimen \"A1\" already received", "conflict");
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(response.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(response.body, R"({"code":"conflict","error":"specimen \"A1\" already received"})");
}

}  // namespace
}  // namespace aliquot::server::http
