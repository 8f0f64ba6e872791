#include "mllp/endpoint.h"

#include <gtest/gtest.h>

namespace aliquot::mllp {
namespace {

TEST(ParseEndpoint, ReadsHostAndPort) {
  const Result<Endpoint> endpoint = parse_endpoint("lis.example.org:2575");
  ASSERT_TRUE(endpoint.has_value()) << endpoint.error().message();
  EXPECT_EQ(endpoint->host, "lis.example.org");
  EXPECT_EQ(endpoint->port, 2575);
  EXPECT_EQ(endpoint->to_string(), "lis.example.org:2575");
}

TEST(ParseEndpoint, ReadsAnIpv6AddressInBrackets) {
  const Result<Endpoint> endpoint = parse_endpoint("[::1]:6661");
  ASSERT_TRUE(endpoint.has_value()) << endpoint.error().message();
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, 6661);
  EXPECT_EQ(endpoint->to_string(), "[::1]:6661");
}

TEST(ParseEndpoint, RefusesAMissingOrInvalidPort) {
  EXPECT_EQ(parse_endpoint("localhost").error().message(),
            "'localhost' is not HOST:PORT (the port is missing)");
  EXPECT_EQ(parse_endpoint("localhost:0").error().message(),
            "the port in 'localhost:0' is not a number from 1 to 65535");
  EXPECT_EQ(parse_endpoint("localhost:65536").error().message(),
            "the port in 'localhost:65536' is not a number from 1 to 65535");
  EXPECT_EQ(parse_endpoint("localhost:25x").error().message(),
            "the port in 'localhost:25x' is not a number from 1 to 65535");
  EXPECT_EQ(parse_endpoint("localhost:").error().code(), ErrorCode::kInvalidArgument);
}

TEST(ParseEndpoint, RefusesAMissingHostAndAnUnbracketedIpv6Address) {
  EXPECT_EQ(parse_endpoint(":2575").error().message(),
            "':2575' is not HOST:PORT (the host is missing)");
  EXPECT_EQ(parse_endpoint("::1:2575").error().message(),
            "'::1:2575' is not HOST:PORT (write an IPv6 address in brackets)");
}

}  // namespace
}  // namespace aliquot::mllp
