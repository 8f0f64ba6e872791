#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "catalog/catalog.h"
#include "server/api/api_test_fixture.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

// The test catalog with turnaround targets for chemistry: STAT 60 minutes, routine 240.
const catalog::Catalog& catalog_with_targets() {
  static const catalog::Catalog catalog = [] {
    std::string text = lab::kTestCatalogText;
    const std::string chemistry = "code = \"chemistry\"\nname = \"Chemistry\"\n";
    text.insert(text.find(chemistry) + chemistry.size(),
                "turnaround = { stat = 60, routine = 240 }\n");
    return *catalog::load_catalog(text, "test-menu.toml").catalog;
  }();
  return catalog;
}

class DashboardRoutesTest : public ApiTest {
 protected:
  DashboardRoutesTest()
      : with_targets_configuration_(with_targets()),
        with_targets_{
            .store = *store_, .configuration = with_targets_configuration_, .clock = clock_} {
    use(dashboard_routes(with_targets_));
  }

  lab::LabConfiguration with_targets() {
    lab::LabConfiguration configuration = *configuration_.current();
    configuration.catalog = catalog_with_targets();
    return configuration;
  }

  std::string target(core::Instant from, core::Instant to) {
    return "/api/dashboard/turnaround?from=" + core::format_instant(from) +
           "&to=" + core::format_instant(to);
  }

  lab::ConfigurationInForce with_targets_configuration_;
  ApiContext with_targets_;
};

TEST_F(DashboardRoutesTest, GivesTurnaroundPerPriorityAndSectionAgainstTheTargets) {
  const core::Instant from = clock_.now();
  // STAT potassium: released 75 minutes after receipt (target 60).
  const core::Specimen stat = received_order("MRN-1", {"K"}, core::Priority::kStat)[0];
  enter(stat.accession_number, "K", "4.0");
  clock_.advance(std::chrono::minutes(70));
  release(stat.accession_number, "K");
  // Routine sodium and hemoglobin: 5 minutes each.
  const std::vector<core::Specimen> routine = received_order("MRN-2", {"NA", "HGB"});
  enter(routine[0].accession_number, "NA", "140");
  release(routine[0].accession_number, "NA");
  enter(routine[1].accession_number, "HGB", "13.0");
  release(routine[1].accession_number, "HGB");
  const core::Instant to = clock_.now() + std::chrono::minutes(1);

  const http::Response response = get(target(from, to), "doc");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["from"], core::format_instant(from));
  ASSERT_EQ(body["groups"].size(), 3u);
  EXPECT_EQ(body["groups"][0]["priority"], "stat");
  EXPECT_EQ(body["groups"][0]["section"], "chemistry");
  EXPECT_EQ(body["groups"][0]["count"], 1);
  EXPECT_EQ(body["groups"][0]["median_minutes"], 75);
  EXPECT_EQ(body["groups"][0]["p90_minutes"], 75);
  EXPECT_EQ(body["groups"][0]["target_minutes"], 60);
  EXPECT_EQ(body["groups"][0]["outside_target"], 1);
  EXPECT_EQ(body["groups"][1]["priority"], "routine");
  EXPECT_EQ(body["groups"][1]["section"], "chemistry");
  EXPECT_EQ(body["groups"][1]["median_minutes"], 5);
  EXPECT_EQ(body["groups"][1]["target_minutes"], 240);
  EXPECT_EQ(body["groups"][1]["outside_target"], 0);
  EXPECT_EQ(body["groups"][2]["section"], "hematology");
  EXPECT_TRUE(body["groups"][2]["target_minutes"].is_null());
  ASSERT_EQ(body["outside_target"].size(), 1u);
  EXPECT_EQ(body["outside_target"][0]["accession"], stat.accession_number);
  EXPECT_EQ(body["outside_target"][0]["test"], "K");
  EXPECT_EQ(body["outside_target"][0]["priority"], "stat");
  EXPECT_EQ(body["outside_target"][0]["minutes"], 75);
  EXPECT_EQ(body["outside_target"][0]["target_minutes"], 60);

  // Before the releases: nothing.
  const json earlier = body_of(get(target(from, from + std::chrono::minutes(30)), "doc"));
  EXPECT_TRUE(earlier["groups"].empty());
  EXPECT_TRUE(earlier["outside_target"].empty());
}

TEST_F(DashboardRoutesTest, RefusesAMissingOrBackwardPeriodAndTheInactive) {
  const core::Instant now = clock_.now();
  const http::Response no_from =
      get("/api/dashboard/turnaround?to=" + core::format_instant(now), "doc");
  EXPECT_EQ(no_from.status, 400);
  EXPECT_EQ(body_of(no_from)["error"], "query parameter 'from': required");
  const http::Response no_to =
      get("/api/dashboard/turnaround?from=" + core::format_instant(now), "doc");
  EXPECT_EQ(no_to.status, 400);
  EXPECT_EQ(body_of(no_to)["error"], "query parameter 'to': required");
  EXPECT_EQ(get("/api/dashboard/turnaround?from=yesterday&to=today", "doc").status, 400);
  const http::Response backward = get(target(now, now - std::chrono::hours(1)), "doc");
  EXPECT_EQ(backward.status, 400);
  EXPECT_EQ(body_of(backward)["code"], "invalid_argument");
  EXPECT_EQ(get(target(now - std::chrono::hours(1), now), "gone").status, 403);
  EXPECT_EQ(get(target(now - std::chrono::hours(1), now), "").status, 401);
}

}  // namespace
}  // namespace aliquot::server::api
