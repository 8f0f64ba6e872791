#include "server/http/content_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace aliquot::server::http {
namespace {

Request asking(const std::string& accept_encoding) {
  Request request;
  request.headers.emplace_back("Accept-Encoding", accept_encoding);
  return request;
}

std::string json_of_size(std::size_t size) {
  std::string text = "{\"rows\":[";
  while (text.size() < size) text += R"({"test_code":"K","value":4.1,"flag":"N"},)";
  text.back() = ']';
  return text + "}";
}

TEST(AcceptsGzip, ReadsAcceptEncodingAsRfc9110Says) {
  EXPECT_TRUE(accepts_gzip(asking("gzip")));
  EXPECT_TRUE(accepts_gzip(asking("gzip, deflate, br")));
  EXPECT_TRUE(accepts_gzip(asking("br;q=1.0, GZIP;q=0.5")));
  EXPECT_TRUE(accepts_gzip(asking("*")));
  EXPECT_TRUE(accepts_gzip(asking("x-gzip")));
  EXPECT_FALSE(accepts_gzip(asking("gzip;q=0")));
  EXPECT_FALSE(accepts_gzip(asking("*;q=0")));
  EXPECT_FALSE(accepts_gzip(asking("gzip;q=0, *")));  // gzip named: its own q-value decides
  EXPECT_FALSE(accepts_gzip(asking("identity")));
  EXPECT_FALSE(accepts_gzip(asking("deflate, br")));
  EXPECT_FALSE(accepts_gzip(Request{}));
}

TEST(Gzip, RoundTripsThroughGunzip) {
  const std::string text = json_of_size(100000);
  const std::string compressed = gzip(text);
  ASSERT_FALSE(compressed.empty());
  EXPECT_LT(compressed.size(), text.size() / 5);
  // RFC 1952 section 2.3.1: ID1 ID2 CM=8 (deflate).
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
  EXPECT_EQ(compressed[2], 8);
  const Result<std::string> back = gunzip(compressed);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(*back, text);
  EXPECT_EQ(*gunzip(gzip("")), "");
}

TEST(Gzip, RefusesWhatIsNotACompleteMember) {
  const std::string compressed = gzip(json_of_size(5000));
  EXPECT_FALSE(gunzip("not gzip at all").has_value());
  EXPECT_FALSE(gunzip(compressed.substr(0, compressed.size() / 2)).has_value());
}

TEST(EncodeFor, CompressesLargeBodiesForClientsThatAcceptGzip) {
  Response response = json_response(200, json_of_size(20000));
  const std::string plain = response.body;
  encode_for(asking("gzip, deflate"), response);
  EXPECT_EQ(find_header(response.headers, "content-encoding"), "gzip");
  EXPECT_EQ(find_header(response.headers, "vary"), "Accept-Encoding");
  EXPECT_EQ(*gunzip(response.body), plain);
}

TEST(EncodeFor, LeavesTheBodyForOtherClientsAndSmallBodies) {
  Response large = json_response(200, json_of_size(20000));
  const std::string plain = large.body;
  encode_for(Request{}, large);
  EXPECT_EQ(large.body, plain);
  EXPECT_FALSE(find_header(large.headers, "content-encoding"));
  EXPECT_EQ(find_header(large.headers, "vary"), "Accept-Encoding");

  Response small = json_response(200, R"({"ok":true})");
  encode_for(asking("gzip"), small);
  EXPECT_EQ(small.body, R"({"ok":true})");
  EXPECT_TRUE(small.headers.empty());
}

TEST(EncodeFor, UsesTheBodyCompressedEarlier) {
  Response response = json_response(200, json_of_size(20000));
  const std::string earlier = gzip(response.body);
  encode_for(asking("gzip"), response, &earlier);
  EXPECT_EQ(response.body, earlier);
}

}  // namespace
}  // namespace aliquot::server::http
