#include "server/http/security_headers.h"

#include <gtest/gtest.h>

namespace aliquot::server::http {
namespace {

TEST(SecurityHeaders, NameTheCharsetAndForbidSniffingAndReferrers) {
  Response response;
  response.content_type = "text/plain";
  response.headers = {{"x-content-type-options", "whatever"}};
  apply_security_headers("/healthz", response);
  EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(response.headers,
            (Headers{{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}}));
}

TEST(SecurityHeaders, ForbidCachingOfApiAnswersOnly) {
  Response api;
  apply_security_headers("/api/specimens/A1", api);
  EXPECT_EQ(find_header(api.headers, "Cache-Control"), "no-store");
  EXPECT_EQ(api.content_type, "application/json; charset=utf-8");

  Response other;
  apply_security_headers("/apiary", other);
  EXPECT_EQ(find_header(other.headers, "Cache-Control"), std::nullopt);
}

TEST(SecurityHeaders, KeepACharsetAlreadyNamed) {
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  apply_security_headers("/metrics", response);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace aliquot::server::http
