#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "lab/lab_time_zone.h"
#include "lab/outbound.h"
#include "lab/quality_control.h"
#include "qc/qc_policy.h"
#include "server/api/api_test_fixture.h"
#include "server/api/patient_read_log.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

constexpr const char* kInstrument = "c311";

// Potassium's held results may be released once QC passes again; glucose's are measured again.
const char* const kPolicyText = R"toml(
[qc_policy]
name = "api test QC policy"
version = "q1"
rules = "1-3s,2-2s,R-4s"
interval = "24h"
after_rejection = "rerun"
establish_minimum = 20

[[analyte]]
code = "K"
after_rejection = "release"
)toml";

class QcRoutesTest : public ApiTest {
 protected:
  QcRoutesTest() : read_log_(*store_), policy_(must(qc::QcPolicy::parse(kPolicyText, "qc.toml"))) {
    // Expiry dates are days of the lab's calendar: the tests read them in UTC.
    must(write([&](store::Transaction& tx) {
      return lab::set_outbound_setting(tx, as("admin"), {std::string(lab::kLabTimeZone), "UTC"});
    }));
    api().read_log = &read_log_;
    configure([&](lab::LabConfiguration& next) { next.qc_policy = policy_; });
    use(qc_routes(api()));
  }

  std::vector<core::PatientDataRead> reads() {
    must(read_log_.flush());
    return must(read([](store::Transaction& tx) { return tx.patient_data_reads("", "", 1000); }));
  }

  // Lot L1 level 1 with a target for `code` on c311 (mean 4.0 SD 0.1 for K, 100 SD 2 else).
  void material_with_target(const std::string& code = "K") {
    ASSERT_EQ(
        post(
            "/api/qc/materials", "mls",
            {{"product", "Lyphochek"}, {"lot", "L1"}, {"level", "1"}, {"expires_on", "2027-12-31"}})
            .status,
        201);
    const double mean = code == "K" ? 4.0 : 100;
    const double sd = code == "K" ? 0.1 : 2;
    ASSERT_EQ(post("/api/qc/targets", "mls",
                   {{"lot", "L1"},
                    {"level", "1"},
                    {"instrument", kInstrument},
                    {"test_code", code},
                    {"mean", mean},
                    {"sd", sd}})
                  .status,
              201);
  }

  // Records a run of L1 level 1 through the API: its answer.
  http::Response run(const std::string& code, const json& value, const std::string& user = "tech") {
    clock_.advance(std::chrono::minutes(10));
    return post("/api/qc/runs", user,
                {{"instrument", kInstrument},
                 {"test_code", code},
                 {"values", {{{"lot", "L1"}, {"level", "1"}, {"value", value}}}}});
  }

  // A patient value of K measured on the instrument now, not autoverified: the accession.
  std::string measured_k(const std::string& mrn, const std::string& value) {
    const std::string accession = received_order(mrn, {"K"})[0].accession_number;
    lab::PostResults command;
    command.accession_number = accession;
    command.values = {{"K", value, "", "R1", {}}};
    command.source = "cobas c311";
    command.instrument = kInstrument;
    must(write(
        [&](store::Transaction& tx) { return lab::post_results(tx, as("analyzer"), command); }));
    return accession;
  }

  std::vector<core::QcRun> stored_runs(const std::string& code = "K") {
    return must(read([&](store::Transaction& tx) {
      return tx.qc_runs(kInstrument, code, core::Instant{}, clock_.now() + std::chrono::hours(1),
                        100);
    }));
  }

  // An accepted run, a patient K measured, then a rejected run that holds it: the rejected run.
  std::int64_t rejection_holding(const std::string& mrn = "MRN-1") {
    material_with_target();
    EXPECT_EQ(run("K", "4.0").status, 201);
    clock_.advance(std::chrono::minutes(1));
    held_accession_ = measured_k(mrn, "4.4");
    const http::Response rejected = run("K", "4.5");  // 5 SD: 1-3s
    EXPECT_EQ(rejected.status, 201) << rejected.body;
    return body_of(rejected)["run"]["id"].get<std::int64_t>();
  }

  PatientReadLog read_log_;
  qc::QcPolicy policy_;
  std::string held_accession_;
};

// --- materials ---

TEST_F(QcRoutesTest, AddsAMaterialAndListsIt) {
  const http::Response added = post("/api/qc/materials", "mls",
                                    {{"product", "Lyphochek"},
                                     {"manufacturer", "Bio-Rad"},
                                     {"lot", "L1"},
                                     {"level", "2"},
                                     {"expires_on", "2027-12-31"}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(body_of(added)["lot"], "L1");
  const std::vector<core::QcMaterial> stored =
      must(read([](store::Transaction& tx) { return tx.list_qc_materials(); }));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].manufacturer, "Bio-Rad");
  EXPECT_EQ(stored[0].created_by, "mls");
  const http::Response listed = get("/api/qc/materials", "clerk");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(body_of(listed)["materials"].size(), 1u);
  EXPECT_EQ(body_of(listed)["materials"][0]["level"], "2");
}

TEST_F(QcRoutesTest, AddMaterialRefusesAMissingFieldADuplicateAndATechnician) {
  const json material = {
      {"product", "Lyphochek"}, {"lot", "L1"}, {"level", "1"}, {"expires_on", "2027-12-31"}};
  json without_lot = material;
  without_lot.erase("lot");
  const http::Response missing = post("/api/qc/materials", "mls", without_lot);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body_of(missing)["error"], "field 'lot': required, a string");
  json bad_date = material;
  bad_date["expires_on"] = "31.12.2027";
  EXPECT_EQ(post("/api/qc/materials", "mls", bad_date).status, 400);
  const http::Response tech = post("/api/qc/materials", "tech", material);
  EXPECT_EQ(tech.status, 403);
  EXPECT_EQ(body_of(tech)["error"],
            "user 'tech' (technician) may not manage QC materials and targets");
  ASSERT_EQ(post("/api/qc/materials", "mls", material).status, 201);
  const http::Response again = post("/api/qc/materials", "mls", material);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(body_of(again)["code"], "already_exists");
  EXPECT_EQ(must(read([](store::Transaction& tx) { return tx.list_qc_materials(); })).size(), 1u);
}

// --- targets ---

TEST_F(QcRoutesTest, SetsATargetAndListsTheTargetsOfAnAnalyte) {
  material_with_target("GLU");
  const std::vector<core::QcTarget> stored =
      must(read([](store::Transaction& tx) { return tx.qc_targets(kInstrument, "GLU", 0); }));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].mean, 100);
  EXPECT_EQ(stored[0].sd, 2);
  const http::Response listed = get("/api/qc/targets?instrument=c311&test=GLU", "tech");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json targets = body_of(listed)["targets"];
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0]["lot"], "L1");
  EXPECT_EQ(targets[0]["level"], "1");
  EXPECT_EQ(targets[0]["mean"], 100);
}

TEST_F(QcRoutesTest, TargetsRefuseMissingParametersAnUnknownMaterialABadSdAndATechnician) {
  const http::Response no_test = get("/api/qc/targets?instrument=c311", "tech");
  EXPECT_EQ(no_test.status, 400);
  EXPECT_EQ(body_of(no_test)["error"], "query parameter 'test': required");
  const json target = {{"lot", "L9"},        {"level", "1"}, {"instrument", kInstrument},
                       {"test_code", "GLU"}, {"mean", 100},  {"sd", 2}};
  EXPECT_EQ(post("/api/qc/targets", "mls", target).status, 404);
  json no_mean = target;
  no_mean.erase("mean");
  const http::Response missing = post("/api/qc/targets", "mls", no_mean);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body_of(missing)["error"], "field 'mean': required, a number");
  material_with_target("GLU");
  json zero_sd = target;
  zero_sd["lot"] = "L1";
  zero_sd["sd"] = 0;
  EXPECT_EQ(post("/api/qc/targets", "mls", zero_sd).status, 400);
  zero_sd["sd"] = 3;
  EXPECT_EQ(post("/api/qc/targets", "tech", zero_sd).status, 403);
  EXPECT_EQ(must(read([](store::Transaction& tx) {
              return tx.qc_targets(kInstrument, "GLU", 0);
            })).size(),
            1u);
}

TEST_F(QcRoutesTest, EstablishesATargetFromTheLabsOwnValues) {
  material_with_target("GLU");
  const core::Instant from = clock_.now();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(run("GLU", i % 2 == 0 ? 99 : 103).status, 201);
  const json request = {{"lot", "L1"},
                        {"level", "1"},
                        {"instrument", kInstrument},
                        {"test_code", "GLU"},
                        {"from", core::format_instant(from)},
                        {"to", core::format_instant(clock_.now() + std::chrono::minutes(1))}};
  const http::Response established = post("/api/qc/targets/establish", "mls", request);
  ASSERT_EQ(established.status, 201) << established.body;
  EXPECT_EQ(body_of(established)["mean"], 101);
  EXPECT_EQ(body_of(established)["source"], "established");
  const std::vector<core::QcTarget> stored =
      must(read([](store::Transaction& tx) { return tx.qc_targets(kInstrument, "GLU", 0); }));
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[1].established_from, 20);
}

TEST_F(QcRoutesTest, EstablishRefusesTooFewValuesAndAMissingPeriod) {
  material_with_target("GLU");
  const core::Instant from = clock_.now();
  ASSERT_EQ(run("GLU", 101).status, 201);
  json request = {{"lot", "L1"},
                  {"level", "1"},
                  {"instrument", kInstrument},
                  {"test_code", "GLU"},
                  {"from", core::format_instant(from)},
                  {"to", core::format_instant(clock_.now() + std::chrono::minutes(1))}};
  const http::Response few = post("/api/qc/targets/establish", "mls", request);
  EXPECT_EQ(few.status, 409);
  EXPECT_NE(body_of(few)["error"].get<std::string>().find("at least 20"), std::string::npos)
      << few.body;
  request.erase("to");
  const http::Response no_to = post("/api/qc/targets/establish", "mls", request);
  EXPECT_EQ(no_to.status, 400);
  EXPECT_EQ(body_of(no_to)["error"], "field 'to': required, a time such as 2026-03-01T00:00:00Z");
}

// --- sample ids ---

TEST_F(QcRoutesTest, RegistersASampleIdOfAMaterial) {
  material_with_target();
  const json request = {
      {"instrument", kInstrument}, {"sample_id", "QC-K-1"}, {"lot", "L1"}, {"level", "1"}};
  const http::Response response = post("/api/qc/sample-ids", "mls", request);
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(body_of(response)["sample_id"], "QC-K-1");
  const std::optional<std::int64_t> material = must(
      read([](store::Transaction& tx) { return tx.find_qc_sample_id(kInstrument, "QC-K-1"); }));
  EXPECT_TRUE(material.has_value());
  json unknown = request;
  unknown["lot"] = "L9";
  EXPECT_EQ(post("/api/qc/sample-ids", "mls", unknown).status, 404);
  json missing = request;
  missing.erase("sample_id");
  EXPECT_EQ(body_of(post("/api/qc/sample-ids", "mls", missing))["error"],
            "field 'sample_id': required, a string");
  EXPECT_EQ(post("/api/qc/sample-ids", "tech", request).status, 403);
}

// --- runs ---

TEST_F(QcRoutesTest, RecordsAnAcceptedRunAndARejectedOneThatHoldsPatientResults) {
  material_with_target();
  const http::Response accepted = run("K", "4.05");
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  EXPECT_EQ(body_of(accepted)["status"], "accept");
  EXPECT_NEAR(body_of(accepted)["run"]["values"][0]["z"].get<double>(), 0.5, 1e-9);
  clock_.advance(std::chrono::minutes(1));
  const std::string accession = measured_k("MRN-1", "4.4");
  const http::Response rejected = run("K", 4.5);  // a JSON number works as well
  ASSERT_EQ(rejected.status, 201) << rejected.body;
  const json body = body_of(rejected);
  EXPECT_EQ(body["status"], "reject");
  EXPECT_EQ(body["violations"][0]["rule"], "1-3s");
  ASSERT_EQ(body["held"].size(), 1u);
  EXPECT_EQ(body["held"][0]["accession_number"], accession);
  const std::vector<core::QcRun> stored = stored_runs();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[1].status, core::QcRunStatus::kReject);
  EXPECT_EQ(stored[1].recorded_by, "tech");
}

TEST_F(QcRoutesTest, RecordRefusesMissingValuesAnUnknownMaterialAndAClerk) {
  material_with_target();
  const http::Response no_values =
      post("/api/qc/runs", "tech", {{"instrument", kInstrument}, {"test_code", "K"}});
  EXPECT_EQ(no_values.status, 400);
  EXPECT_EQ(body_of(no_values)["error"],
            "field 'values': required, an array of {lot, level, value}");
  const http::Response unknown =
      post("/api/qc/runs", "tech",
           {{"instrument", kInstrument},
            {"test_code", "K"},
            {"values", {{{"lot", "L9"}, {"level", "1"}, {"value", "4.0"}}}}});
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  const http::Response clerk = run("K", "4.0", "clerk");
  EXPECT_EQ(clerk.status, 403);
  EXPECT_EQ(body_of(clerk)["error"], "user 'clerk' (clerk) may not record quality control");
  EXPECT_TRUE(stored_runs().empty());
}

TEST_F(QcRoutesTest, ListsTheRunsOfAnAnalyteInAMonthAndOfALot) {
  material_with_target();
  ASSERT_EQ(run("K", "4.0").status, 201);
  ASSERT_EQ(run("K", "4.1").status, 201);
  const http::Response march = get("/api/qc/runs?instrument=c311&test=K&month=2026-03", "doc");
  ASSERT_EQ(march.status, 200) << march.body;
  EXPECT_EQ(body_of(march)["runs"].size(), 2u);
  EXPECT_EQ(body_of(march)["from"], "2026-03-01T00:00:00Z");
  EXPECT_EQ(body_of(march)["runs"][1]["values"][0]["value"], 4.1);
  EXPECT_TRUE(
      body_of(get("/api/qc/runs?instrument=c311&test=K&month=2026-04", "doc"))["runs"].empty());
  EXPECT_TRUE(body_of(get("/api/qc/runs?instrument=c311&test=K&lot=L2", "doc"))["runs"].empty());
  const http::Response bad_month = get("/api/qc/runs?instrument=c311&test=K&month=2026-13", "doc");
  EXPECT_EQ(bad_month.status, 400);
  EXPECT_EQ(body_of(bad_month)["error"],
            "query parameter 'month': '2026-13' is not a month YYYY-MM");
  EXPECT_EQ(get("/api/qc/runs?test=K", "doc").status, 400);
}

TEST_F(QcRoutesTest, DocumentsTheCorrectiveActionOfARejectedRun) {
  const std::int64_t rejected = rejection_holding();
  const std::string target = "/api/qc/runs/" + std::to_string(rejected) + "/corrective-action";
  const http::Response missing = post(target, "tech", json::object());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body_of(missing)["error"], "field 'action': required, a string");
  EXPECT_EQ(post(target, "clerk", {{"action", "recalibrated"}}).status, 403);
  EXPECT_EQ(post("/api/qc/runs/999/corrective-action", "tech", {{"action", "x"}}).status, 404);
  EXPECT_EQ(post("/api/qc/runs/abc/corrective-action", "tech", {{"action", "x"}}).status, 400);
  const http::Response corrected = post(target, "tech", {{"action", "recalibrated"}});
  ASSERT_EQ(corrected.status, 200) << corrected.body;
  EXPECT_EQ(body_of(corrected)["corrective_action"], "recalibrated");
  EXPECT_EQ(stored_runs().back().corrected_by, "tech");
  const http::Response again = post(target, "tech", {{"action", "again"}});
  EXPECT_EQ(again.status, 409);
}

// --- held results ---

TEST_F(QcRoutesTest, ListsTheResultsHeldByQcAndLogsTheReads) {
  const std::int64_t rejected = rejection_holding("MRN-7");
  const http::Response response = get("/api/qc/held", "tech");
  ASSERT_EQ(response.status, 200) << response.body;
  const json held = body_of(response)["held"];
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0]["run_id"], rejected);
  EXPECT_EQ(held[0]["state"], "held");
  EXPECT_EQ(held[0]["result"]["accession_number"], held_accession_);
  EXPECT_EQ(held[0]["result"]["mrn"], "MRN-7");
  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].mrn, "MRN-7");
  EXPECT_EQ(logged[0].what, "QC held results");
  EXPECT_EQ(get("/api/qc/held", "gone").status, 403);
}

TEST_F(QcRoutesTest, ReleasesHeldResultsOnceCorrectedAndQcPasses) {
  const std::int64_t rejected = rejection_holding();
  const http::Response early = post("/api/qc/release-held", "mls", {{"run_id", rejected}});
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(result_of(held_accession_, "K").status, core::ResultStatus::kPreliminary);
  ASSERT_EQ(post("/api/qc/runs/" + std::to_string(rejected) + "/corrective-action", "tech",
                 {{"action", "recalibrated"}})
                .status,
            200);
  ASSERT_EQ(run("K", "4.0").status, 201);
  EXPECT_EQ(post("/api/qc/release-held", "tech", {{"run_id", rejected}}).status, 403);
  EXPECT_EQ(post("/api/qc/release-held", "mls", json::object()).status, 400);
  const http::Response released = post("/api/qc/release-held", "mls", {{"run_id", rejected}});
  ASSERT_EQ(released.status, 200) << released.body;
  ASSERT_EQ(body_of(released)["released"].size(), 1u);
  EXPECT_EQ(body_of(released)["released"][0]["accession_number"], held_accession_);
  EXPECT_EQ(result_of(held_accession_, "K").status, core::ResultStatus::kFinal);
}

TEST_F(QcRoutesTest, ReviewRefusesWhenNothingWasReleasedBeforeTheFailure) {
  const std::int64_t rejected = rejection_holding();
  ASSERT_EQ(post("/api/qc/runs/" + std::to_string(rejected) + "/corrective-action", "tech",
                 {{"action", "recalibrated"}})
                .status,
            200);
  ASSERT_EQ(run("K", "4.0").status, 201);
  EXPECT_EQ(post("/api/qc/review", "tech", {{"run_id", rejected}}).status, 403);
  const http::Response nothing = post("/api/qc/review", "mls", {{"run_id", rejected}});
  EXPECT_EQ(nothing.status, 409);
  EXPECT_EQ(body_of(nothing)["code"], "failed_precondition");
  EXPECT_EQ(post("/api/qc/review", "mls", {{"run_id", "x"}}).status, 400);
}

TEST_F(QcRoutesTest, ReviewsTheResultsReleasedBeforeTheFailure) {
  material_with_target();
  ASSERT_EQ(run("K", "4.0").status, 201);
  clock_.advance(std::chrono::minutes(1));
  const std::string accession = measured_k("MRN-1", "4.4");
  release(accession, "K");
  const http::Response rejected = run("K", "4.5");
  const std::int64_t run_id = body_of(rejected)["run"]["id"].get<std::int64_t>();
  ASSERT_EQ(body_of(rejected)["released_to_review"].size(), 1u);
  ASSERT_EQ(post("/api/qc/runs/" + std::to_string(run_id) + "/corrective-action", "tech",
                 {{"action", "recalibrated"}})
                .status,
            200);
  ASSERT_EQ(run("K", "4.0").status, 201);
  const http::Response reviewed =
      post("/api/qc/review", "mls", {{"run_id", run_id}, {"note", "consistent with history"}});
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;
  EXPECT_EQ(body_of(reviewed)["reviewed"], 1);
  const std::vector<core::QcHold> holds =
      must(read([&](store::Transaction& tx) { return tx.qc_holds_for_run(run_id); }));
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0].resolution, "reviewed");
}

// --- chart and policy ---

TEST_F(QcRoutesTest, GivesTheDataOfALeveyJenningsChart) {
  const std::int64_t rejected = rejection_holding();
  ASSERT_EQ(post("/api/qc/runs/" + std::to_string(rejected) + "/corrective-action", "tech",
                 {{"action", "recalibrated"}})
                .status,
            200);
  const http::Response response = get("/api/qc/chart?instrument=c311&test=K&level=1", "doc");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["lot"], "L1");
  EXPECT_EQ(body["unit"], "mmol/L");
  EXPECT_EQ(body["mean"], 4.0);
  EXPECT_EQ(body["sd"], 0.1);
  ASSERT_EQ(body["points"].size(), 2u);
  EXPECT_EQ(body["points"][0]["rejected"], false);
  EXPECT_TRUE(body["points"][0]["rules"].empty());
  EXPECT_EQ(body["points"][1]["run_id"], rejected);
  EXPECT_EQ(body["points"][1]["rejected"], true);
  EXPECT_NEAR(body["points"][1]["z"].get<double>(), 5.0, 1e-9);
  EXPECT_EQ(body["points"][1]["rules"], json::array({"1-3s"}));
  EXPECT_EQ(body["points"][1]["corrective_action"], "recalibrated");
}

TEST_F(QcRoutesTest, ChartRefusesAMissingLevelAndAnswersNotFoundForNoValues) {
  material_with_target();
  ASSERT_EQ(run("K", "4.0").status, 201);
  const http::Response no_level = get("/api/qc/chart?instrument=c311&test=K", "doc");
  EXPECT_EQ(no_level.status, 400);
  EXPECT_EQ(body_of(no_level)["error"], "query parameter 'level': required");
  const http::Response none = get("/api/qc/chart?instrument=c311&test=K&level=3", "doc");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(body_of(none)["error"], "no QC values of level 3 of c311/K");
}

TEST_F(QcRoutesTest, ShowsThePolicyInForce) {
  const http::Response response = get("/api/qc/policy", "clerk");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["name"], "api test QC policy");
  EXPECT_EQ(body["defaults"]["after_rejection"], "rerun");
  ASSERT_EQ(body["analytes"].size(), 1u);
  EXPECT_EQ(body["analytes"][0]["code"], "K");
  EXPECT_EQ(body["analytes"][0]["after_rejection"], "release");
  EXPECT_EQ(get("/api/qc/policy", "").status, 401);
}

}  // namespace
}  // namespace aliquot::server::api
