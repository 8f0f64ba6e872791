#include "server/http/metrics.h"

#include <gtest/gtest.h>

namespace aliquot::server::http {
namespace {

using std::chrono::microseconds;

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(HttpMetrics, CountsRequestsByMethodRouteAndStatus) {
  HttpMetrics metrics;
  metrics.record(Method::kGet, "/api/specimens/{accession}", 200, microseconds(100));
  metrics.record(Method::kGet, "/api/specimens/{accession}", 200, microseconds(100));
  metrics.record(Method::kGet, "/api/specimens/{accession}", 401, microseconds(100));
  metrics.record(Method::kPost, "", 404, microseconds(100));
  const std::string text = metrics.exposition();
  EXPECT_TRUE(has_line(text, "# TYPE http_requests_total counter")) << text;
  EXPECT_TRUE(has_line(
      text,
      R"(http_requests_total{method="GET",route="/api/specimens/{accession}",status="200"} 2)"))
      << text;
  EXPECT_TRUE(has_line(
      text,
      R"(http_requests_total{method="GET",route="/api/specimens/{accession}",status="401"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(http_requests_total{method="POST",route="none",status="404"} 1)"))
      << text;
}

TEST(HttpMetrics, KeepsCumulativeDurationBucketsPerRoute) {
  HttpMetrics metrics;
  metrics.record(Method::kGet, "/healthz", 200, microseconds(3'000));       // <= 0.005
  metrics.record(Method::kGet, "/healthz", 200, microseconds(40'000));      // <= 0.05
  metrics.record(Method::kGet, "/healthz", 200, microseconds(20'000'000));  // beyond 10 s
  const std::string text = metrics.exposition();
  EXPECT_TRUE(has_line(text, "# TYPE http_request_duration_seconds histogram")) << text;
  EXPECT_TRUE(
      has_line(text, R"(http_request_duration_seconds_bucket{route="/healthz",le="0.005"} 1)"))
      << text;
  EXPECT_TRUE(
      has_line(text, R"(http_request_duration_seconds_bucket{route="/healthz",le="0.025"} 1)"))
      << text;
  EXPECT_TRUE(
      has_line(text, R"(http_request_duration_seconds_bucket{route="/healthz",le="0.05"} 2)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(http_request_duration_seconds_bucket{route="/healthz",le="10"} 2)"))
      << text;
  EXPECT_TRUE(
      has_line(text, R"(http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 3)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(http_request_duration_seconds_sum{route="/healthz"} 20.043)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(http_request_duration_seconds_count{route="/healthz"} 3)")) << text;
}

TEST(HttpMetrics, EscapesLabelValues) {
  HttpMetrics metrics;
  metrics.record(Method::kGet, "/a\"b\\c\nd", 200, microseconds(1));
  EXPECT_NE(metrics.exposition().find(R"(route="/a\"b\\c\nd")"), std::string::npos);
}

TEST(InterfaceExposition, ShowsTheHostCountersAsAliquotCounters) {
  InterfaceCounters counters;
  counters.hl7_messages = 7;
  counters.astm_messages = 5;
  counters.acknowledged = 9;
  counters.refused = 2;
  counters.not_stored = 1;
  counters.pipeline.batches = 4;
  counters.pipeline.queued = 3;
  counters.pipeline.reapplied_batches = 2;
  counters.pipeline.writer_busy = std::chrono::milliseconds(1500);
  counters.pipeline.audit_entries_indexed = 512;
  const std::string text = interface_exposition(counters);
  EXPECT_TRUE(has_line(text, "# TYPE aliquot_hl7_messages_total counter")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_hl7_messages_total 7")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_astm_messages_total 5")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_messages_acknowledged_total 9")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_messages_refused_total 2")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_messages_not_stored_total 1")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_pipeline_transactions_total 4")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE aliquot_pipeline_queued gauge")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_pipeline_queued 3")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_pipeline_reapplied_transactions_total 2")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_pipeline_writer_busy_seconds_total 1.5")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_pipeline_audit_entries_indexed_total 512")) << text;
}

TEST(MetricsRoute, IsPublicAndServesBothFamilies) {
  Router router;
  HttpMetrics metrics;
  metrics.record(Method::kGet, "/healthz", 200, microseconds(10));
  InterfaceCounters counters;
  counters.hl7_messages = 11;
  ASSERT_TRUE(add_metrics_route(router, metrics, [&] { return counters; }).has_value());
  ASSERT_EQ(router.routes().size(), 1u);
  EXPECT_EQ(router.routes()[0].access, Access::kPublic);
  Request request;
  ASSERT_TRUE(parse_target("/metrics", request));
  const Response response = router.dispatch(request, no_user()).response;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_TRUE(has_line(response.body, "aliquot_hl7_messages_total 11")) << response.body;
  EXPECT_TRUE(has_line(response.body,
                       R"(http_requests_total{method="GET",route="/healthz",status="200"} 1)"))
      << response.body;
}

}  // namespace
}  // namespace aliquot::server::http
