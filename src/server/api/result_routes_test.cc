#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/api/api_test_fixture.h"
#include "server/api/patient_read_log.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

class ResultRoutesTest : public ApiTest {
 protected:
  ResultRoutesTest() : read_log_(*store_) {
    api().read_log = &read_log_;
    use(result_routes(api()));
  }

  std::vector<core::PatientDataRead> reads() {
    must(read_log_.flush());
    return must(read([](store::Transaction& tx) { return tx.patient_data_reads("", "", 1000); }));
  }

  static std::string path(const core::Specimen& specimen, const std::string& test,
                          const std::string& action = "") {
    return "/api/specimens/" + specimen.accession_number + "/results/" + test +
           (action.empty() ? "" : "/" + action);
  }

  std::vector<core::CriticalCall> calls_of(const core::TestResult& result) {
    return must(
        read([&](store::Transaction& tx) { return tx.critical_calls_for_result(result.id); }));
  }

  // A received serum of MRN-1 with K released as `value`.
  core::Specimen released_k(const std::string& value) {
    const core::Specimen serum = received_order("MRN-1", {"K"})[0];
    enter(serum.accession_number, "K", value);
    release(serum.accession_number, "K");
    return serum;
  }

  PatientReadLog read_log_;
};

// --- GET .../results/{test} ---

TEST_F(ResultRoutesTest, ShowsAResultWithThePatientsEarlierValuesAndLimitsAndLogsTheRead) {
  const core::Specimen first = released_k("4.0");
  const core::Specimen second = released_k("4.4");
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "K", "5.6");
  const http::Response response = get(path(serum, "K"), "doc");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["result"]["test_code"], "K");
  EXPECT_EQ(body["result"]["status"], "preliminary");
  EXPECT_EQ(body["result"]["value"]["reported"], "5.6");
  EXPECT_EQ(body["result"]["flag"], "H");
  EXPECT_EQ(body["test_name"], "Potassium");
  EXPECT_EQ(body["accession_number"], serum.accession_number);
  EXPECT_EQ(body["mrn"], "MRN-1");
  ASSERT_EQ(body["previous"].size(), 2u);
  EXPECT_EQ(body["previous"][0]["accession"], second.accession_number);
  EXPECT_EQ(body["previous"][0]["reported"], "4.4");
  EXPECT_EQ(body["previous"][0]["value"], 4.4);
  EXPECT_EQ(body["previous"][0]["flag"], "");
  EXPECT_EQ(body["previous"][0]["at"], core::format_instant(second.collected_at));
  EXPECT_EQ(body["previous"][1]["accession"], first.accession_number);
  EXPECT_EQ(body["limits"]["reference"]["low"], 3.5);
  EXPECT_EQ(body["limits"]["reference"]["high"], 5.1);
  EXPECT_EQ(body["limits"]["critical"]["low"], 2.5);
  EXPECT_EQ(body["limits"]["critical"]["high"], 6.5);
  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].username, "doc");
  EXPECT_EQ(logged[0].mrn, "MRN-1");
  EXPECT_EQ(logged[0].what, "result " + serum.accession_number + "/K");
}

TEST_F(ResultRoutesTest, ShowAnswersNotFoundForATestNotOnTheSpecimenAndForbidsTheInactive) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  const http::Response missing = get(path(serum, "GLU"), "tech");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_of(missing)["error"],
            "test GLU is not on specimen " + serum.accession_number + " (it has: K, NA)");
  EXPECT_EQ(get("/api/specimens/26X/results/K", "tech").status, 400);
  EXPECT_EQ(get(path(serum, "K"), "gone").status, 403);
  EXPECT_EQ(get(path(serum, "K"), "").status, 401);
  EXPECT_TRUE(reads().empty());
}

// --- POST .../results/{test} ---

TEST_F(ResultRoutesTest, EntersAValueAndAnswersTheResultWithItsHolds) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const http::Response response = post(path(serum, "K"), "tech", {{"value", "4.2"}});
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["status"], "preliminary");
  EXPECT_EQ(body["value"]["reported"], "4.2");
  EXPECT_EQ(body["entered_by"], "tech");
  EXPECT_TRUE(body["holds"].is_array());
  const core::TestResult stored = result_of(serum.accession_number, "K");
  EXPECT_EQ(stored.status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(core::format_reported(*stored.value), "4.2");
}

TEST_F(ResultRoutesTest, EnterRefusesAMissingValueAWrongUnitAnUnreceivedSpecimenAndAClerk) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const http::Response missing = post(path(serum, "K"), "tech", json::object());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body_of(missing)["error"], "field 'value': required, a string");
  EXPECT_EQ(post(path(serum, "K"), "tech", {{"value", "4.2"}, {"unit", "mg/dL"}}).status, 400);
  const http::Response clerk = post(path(serum, "K"), "clerk", {{"value", "4.2"}});
  EXPECT_EQ(clerk.status, 403);
  EXPECT_EQ(body_of(clerk)["error"], "user 'clerk' (clerk) may not enter results");
  patient("MRN-2");
  const core::Specimen collected = accession(order("MRN-2", {"K"}).order_number)[0];
  const http::Response unreceived = post(path(collected, "K"), "tech", {{"value", "4.2"}});
  EXPECT_EQ(unreceived.status, 409);
  EXPECT_NE(body_of(unreceived)["error"].get<std::string>().find("is not received yet"),
            std::string::npos);
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kPending);
}

// --- POST .../release ---

TEST_F(ResultRoutesTest, ReleasesAResult) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.2");
  const http::Response response = post(path(serum, "K", "release"), "tech");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response)["status"], "final");
  EXPECT_EQ(body_of(response)["released_by"], "tech");
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kFinal);
}

TEST_F(ResultRoutesTest, RefusesToReleaseACriticalValueBeforeTheCallIsDocumented) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "6.8");
  const http::Response refused = post(path(serum, "K", "release"), "tech");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(body_of(refused)["code"], "failed_precondition");
  EXPECT_EQ(body_of(refused)["error"],
            "critical result K 6.8 mmol/L (HH) on " + serum.accession_number +
                " cannot be released before the call to a caregiver is documented with read-back");
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kPreliminary);
  lab::LabTest::call(serum.accession_number, "K");
  EXPECT_EQ(post(path(serum, "K", "release"), "tech").status, 200);
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kFinal);
}

TEST_F(ResultRoutesTest, ReleaseAnswersNotFoundAndForbidsAClerk) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.2");
  const http::Response clerk = post(path(serum, "K", "release"), "clerk");
  EXPECT_EQ(clerk.status, 403);
  EXPECT_EQ(body_of(clerk)["error"], "user 'clerk' (clerk) may not release results");
  EXPECT_EQ(post(path(serum, "GLU", "release"), "tech").status, 404);
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kPreliminary);
}

// --- POST .../rerun ---

TEST_F(ResultRoutesTest, ARerunKeepsTheValueFromReleaseAndShowsWithTheResult) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "5.9");
  const http::Response response =
      post(path(serum, "K", "rerun"), "tech", {{"reason", "above the range"}, {"dilution", 10}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response)["category"], "rerun-requested");
  EXPECT_EQ(body_of(response)["action"], "rerun-diluted");
  const json shown = body_of(get(path(serum, "K"), "tech"));
  ASSERT_EQ(shown["holds"].size(), 1u) << shown.dump(2);
  EXPECT_EQ(shown["holds"][0]["threshold"], "a repeat measurement on a 1:10 dilution");
  const http::Response release = post(path(serum, "K", "release"), "mls");
  EXPECT_EQ(release.status, 409);
  EXPECT_NE(body_of(release)["error"].get<std::string>().find("waits for its rerun on a 1:10"),
            std::string::npos);
}

TEST_F(ResultRoutesTest, RerunRefusesAMissingReasonABadDilutionAndAClerk) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "5.9");
  const http::Response no_reason = post(path(serum, "K", "rerun"), "tech", json::object());
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(body_of(no_reason)["error"], "field 'reason': required, a string");
  const http::Response bad_dilution =
      post(path(serum, "K", "rerun"), "tech", {{"reason", "x"}, {"dilution", -3}});
  EXPECT_EQ(bad_dilution.status, 400);
  EXPECT_NE(body_of(bad_dilution)["error"].get<std::string>().find("is not a dilution"),
            std::string::npos);
  EXPECT_EQ(post(path(serum, "K", "rerun"), "clerk", {{"reason", "x"}}).status, 403);
  EXPECT_EQ(post(path(serum, "GLU", "rerun"), "tech", {{"reason", "x"}}).status, 404);
}

// --- POST .../cancel ---

TEST_F(ResultRoutesTest, CancelsOneTestAndRefusesAReleasedOne) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  const http::Response cancelled =
      post(path(serum, "K", "cancel"), "tech", {{"reason", "quantity not sufficient"}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(body_of(cancelled)["status"], "cancelled");
  EXPECT_EQ(body_of(cancelled)["cancel_reason"], "quantity not sufficient");
  EXPECT_EQ(body_of(cancelled)["calculated"], json::array());  // no calculated test used K
  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kPending);
  EXPECT_EQ(post(path(serum, "NA", "cancel"), "tech", json::object()).status, 400);
  EXPECT_EQ(post(path(serum, "NA", "cancel"), "clerk", {{"reason", "x"}}).status, 403);
  enter(serum.accession_number, "NA", "140");
  release(serum.accession_number, "NA", "mls");
  EXPECT_EQ(post(path(serum, "NA", "cancel"), "tech", {{"reason", "x"}}).status, 409);
}

// --- POST .../comments ---

TEST_F(ResultRoutesTest, CommentsAreAddedAndShownWithTheResult) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "5.4");
  const http::Response added = post(path(serum, "K", "comments"), "tech",
                                    {{"text", "Specimen slightly hemolysed"}, {"on_report", true}});
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(body_of(added)["written_by"], "tech");
  EXPECT_EQ(body_of(added)["on_report"], true);
  ASSERT_EQ(post(path(serum, "K", "comments"), "tech", {{"text", "tube checked"}}).status, 201);
  const json shown = body_of(get(path(serum, "K"), "tech"));
  ASSERT_EQ(shown["comments"].size(), 2u) << shown.dump(2);
  EXPECT_EQ(shown["comments"][0]["text"], "Specimen slightly hemolysed");
  EXPECT_EQ(shown["comments"][1]["on_report"], false);

  EXPECT_EQ(post(path(serum, "K", "comments"), "tech", json::object()).status, 400);
  EXPECT_EQ(post(path(serum, "K", "comments"), "clerk", {{"text", "x"}}).status, 403);
  release(serum.accession_number, "K", "mls");
  const http::Response late =
      post(path(serum, "K", "comments"), "tech", {{"text", "late"}, {"on_report", true}});
  EXPECT_EQ(late.status, 409);
}

// --- POST .../correct ---

TEST_F(ResultRoutesTest, CorrectsAReleasedValueKeepingThePreviousOne) {
  const core::Specimen serum = released_k("4.0");
  const http::Response response = post(path(serum, "K", "correct"), "mls",
                                       {{"value", "4.3"}, {"reason", "transcription error"}});
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["status"], "corrected");
  EXPECT_EQ(body["value"]["reported"], "4.3");
  EXPECT_EQ(body["previous"]["value"]["reported"], "4.0");
  const core::TestResult stored = result_of(serum.accession_number, "K");
  EXPECT_EQ(stored.status, core::ResultStatus::kCorrected);
  EXPECT_EQ(stored.correction_reason, "transcription error");
}

TEST_F(ResultRoutesTest, CorrectRefusesAMissingReasonATechnicianAndACriticalValueWithoutACall) {
  const core::Specimen serum = released_k("4.0");
  const http::Response no_reason = post(path(serum, "K", "correct"), "mls", {{"value", "4.3"}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(body_of(no_reason)["error"], "field 'reason': required, a string");
  const http::Response tech =
      post(path(serum, "K", "correct"), "tech", {{"value", "4.3"}, {"reason", "typo"}});
  EXPECT_EQ(tech.status, 403);
  EXPECT_EQ(body_of(tech)["error"], "user 'tech' (technician) may not correct released results");
  const http::Response uncalled =
      post(path(serum, "K", "correct"), "mls", {{"value", "6.9"}, {"reason", "wrong sample"}});
  EXPECT_EQ(uncalled.status, 409);
  EXPECT_NE(body_of(uncalled)["error"].get<std::string>().find("is critical"), std::string::npos);
  const http::Response no_read_back = post(
      path(serum, "K", "correct"), "mls",
      {{"value", "6.9"}, {"reason", "wrong sample"}, {"critical_call", {{"called_to", "RN"}}}});
  EXPECT_EQ(no_read_back.status, 400);
  EXPECT_EQ(body_of(no_read_back)["error"],
            "field 'critical_call': field 'read_back_confirmed': required, true or false");
  const core::TestResult stored = result_of(serum.accession_number, "K");
  EXPECT_EQ(stored.status, core::ResultStatus::kFinal);
  EXPECT_EQ(core::format_reported(*stored.value), "4.0");
}

TEST_F(ResultRoutesTest, CorrectsToACriticalValueTogetherWithItsCall) {
  const core::Specimen serum = released_k("4.0");
  const http::Response response =
      post(path(serum, "K", "correct"), "mls",
           {{"value", "6.9"},
            {"reason", "wrong sample"},
            {"critical_call", {{"called_to", "RN Smith, ward 4"}, {"read_back_confirmed", true}}}});
  ASSERT_EQ(response.status, 200) << response.body;
  const core::TestResult stored = result_of(serum.accession_number, "K");
  EXPECT_EQ(stored.status, core::ResultStatus::kCorrected);
  const std::vector<core::CriticalCall> calls = calls_of(stored);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].called_to, "RN Smith, ward 4");
  EXPECT_EQ(calls[0].result_revision, stored.revision);
}

// --- POST .../critical-call ---

TEST_F(ResultRoutesTest, DocumentsACriticalCall) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "6.8");
  const http::Response response =
      post(path(serum, "K", "critical-call"), "tech",
           {{"called_to", "Dr. Grey"}, {"read_back_confirmed", true}, {"notes", "ward 3"}});
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(body_of(response)["called_to"], "Dr. Grey");
  EXPECT_EQ(body_of(response)["called_by"], "tech");
  const std::vector<core::CriticalCall> calls = calls_of(result_of(serum.accession_number, "K"));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].notes, "ward 3");
  EXPECT_TRUE(calls[0].read_back_confirmed);
}

TEST_F(ResultRoutesTest, CriticalCallRefusesAMissingCalleeNoReadBackANormalValueAndAClerk) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "K", "6.8");
  enter(serum.accession_number, "NA", "140");
  const http::Response missing =
      post(path(serum, "K", "critical-call"), "tech", {{"read_back_confirmed", true}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body_of(missing)["error"], "field 'called_to': required, a string");
  const http::Response no_read_back =
      post(path(serum, "K", "critical-call"), "tech",
           {{"called_to", "Dr. Grey"}, {"read_back_confirmed", false}});
  EXPECT_EQ(no_read_back.status, 409);
  EXPECT_NE(body_of(no_read_back)["error"].get<std::string>().find("read-back"), std::string::npos);
  const http::Response normal = post(path(serum, "NA", "critical-call"), "tech",
                                     {{"called_to", "Dr. Grey"}, {"read_back_confirmed", true}});
  EXPECT_EQ(normal.status, 409);
  const http::Response clerk = post(path(serum, "K", "critical-call"), "clerk",
                                    {{"called_to", "Dr. Grey"}, {"read_back_confirmed", true}});
  EXPECT_EQ(clerk.status, 403);
  EXPECT_EQ(body_of(clerk)["error"], "user 'clerk' (clerk) may not document critical calls");
  EXPECT_TRUE(calls_of(result_of(serum.accession_number, "K")).empty());
}

}  // namespace
}  // namespace aliquot::server::api
