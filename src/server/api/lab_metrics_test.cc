#include "server/api/lab_metrics.h"

#include <gtest/gtest.h>

#include "server/api/api_test_fixture.h"

namespace aliquot::server::api {
namespace {

using lab::must;

class LabMetricsTest : public ApiTest {};

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST_F(LabMetricsTest, CountsWhatIsWaitingAndWhatWasReleased) {
  EventHubOptions options;
  options.poll_interval = std::chrono::hours(1);  // polled by hand below
  EventHub hub(*store_, configuration_, options);
  must(hub.start());
  PatientReadLog reads(*store_);
  const std::string first = received_order("MRN-1", {"K", "NA"}).at(0).accession_number;
  enter(first, "K", "4.1");
  release(first, "K");
  must(hub.poll());

  const std::string text = lab_exposition(*store_, &hub, &reads);
  EXPECT_TRUE(has_line(text, "aliquot_metrics_errors 0")) << text;
  // NA still pending on the received specimen, in chemistry.
  EXPECT_TRUE(has_line(text, R"(aliquot_results_open{status="pending",section="chemistry"} 1)"))
      << text;
  EXPECT_TRUE(has_line(text, R"(aliquot_results_released_total{by="person"} 1)")) << text;
  EXPECT_TRUE(has_line(text, R"(aliquot_results_released_total{by="autoverification"} 0)")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_results_held 0")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_quarantine_held 0")) << text;
  EXPECT_TRUE(has_line(text, "aliquot_patient_reads_queued 0")) << text;
  EXPECT_NE(text.find("# TYPE aliquot_results_released_total counter"), std::string::npos);
}

TEST_F(LabMetricsTest, LeavesOutWhatItIsNotGiven) {
  const std::string text = lab_exposition(*store_, nullptr, nullptr);
  EXPECT_EQ(text.find("aliquot_results_released_total"), std::string::npos);
  EXPECT_EQ(text.find("aliquot_patient_reads"), std::string::npos);
  EXPECT_NE(text.find("aliquot_results_held 0"), std::string::npos);
}

}  // namespace
}  // namespace aliquot::server::api
