#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/accession_number.h"
#include "report/barcode.h"
#include "server/api/api_test_fixture.h"
#include "server/api/patient_read_log.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

class SpecimenRoutesTest : public ApiTest {
 protected:
  SpecimenRoutesTest() : read_log_(*store_) {
    api().read_log = &read_log_;
    use(specimen_routes(api()));
  }

  std::vector<core::PatientDataRead> reads() {
    must(read_log_.flush());
    return must(read([](store::Transaction& tx) { return tx.patient_data_reads("", "", 1000); }));
  }

  core::Specimen stored(const std::string& accession_number) {
    return *must(read(
        [&](store::Transaction& tx) { return tx.find_specimen_by_accession(accession_number); }));
  }

  // A collected specimen of MRN-1 with K and NA, not yet received.
  core::Specimen collected() {
    patient("MRN-1");
    return accession(order("MRN-1", {"K", "NA"}).order_number)[0];
  }

  // A well-formed accession number (its check character right) that no specimen has.
  static std::string unknown_accession() {
    return must(core::AccessionNumber::make(26, 9999)).text();
  }

  PatientReadLog read_log_;
};

TEST_F(SpecimenRoutesTest, ShowsASpecimenAndLogsTheRead) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "K", "4.0");
  const http::Response response = get("/api/specimens/" + serum.accession_number, "tech");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["specimen"]["accession_number"], serum.accession_number);
  EXPECT_EQ(body["specimen"]["status"], "received");
  EXPECT_EQ(body["patient"]["mrn"], "MRN-1");
  ASSERT_EQ(body["results"].size(), 2u);
  EXPECT_EQ(body["results"][0]["result"]["value"]["reported"], "4.0");
  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].username, "tech");
  EXPECT_EQ(logged[0].mrn, "MRN-1");
  EXPECT_EQ(logged[0].what, "specimen " + serum.accession_number);
}

TEST_F(SpecimenRoutesTest, ShowAnswersNotFoundBadRequestAndForbidden) {
  const http::Response missing = get("/api/specimens/" + unknown_accession(), "tech");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_of(missing)["error"],
            "no specimen with accession number '" + unknown_accession() + "'");
  const std::string good = unknown_accession();
  std::string mistyped = good;
  std::swap(mistyped[4], mistyped[5]);  // "260009999K" -> "260090999K"
  ASSERT_NE(mistyped, good);
  EXPECT_EQ(get("/api/specimens/" + mistyped, "tech").status, 400);
  const core::Specimen serum = collected();
  const http::Response refused = get("/api/specimens/" + serum.accession_number, "gone");
  EXPECT_EQ(refused.status, 403);
  EXPECT_TRUE(reads().empty());
}

TEST_F(SpecimenRoutesTest, ReceivesASpecimenWithItsCondition) {
  const core::Specimen serum = collected();
  const http::Response response = post("/api/specimens/" + serum.accession_number + "/receive",
                                       "clerk", {{"condition", "slightly lipemic"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response)["status"], "received");
  const core::Specimen found = stored(serum.accession_number);
  EXPECT_EQ(found.status, core::SpecimenStatus::kReceived);
  EXPECT_EQ(found.condition, "slightly lipemic");
  EXPECT_EQ(found.received_by, "clerk");
  EXPECT_EQ(found.received_at, clock_.now());
}

TEST_F(SpecimenRoutesTest, ReceivesASpecimenWithoutABody) {
  const core::Specimen serum = collected();
  const http::Response response =
      call(http::Method::kPost, "/api/specimens/" + serum.accession_number + "/receive", "clerk");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(stored(serum.accession_number).status, core::SpecimenStatus::kReceived);
}

TEST_F(SpecimenRoutesTest, RefusesToReceiveASpecimenTwiceUnknownOrByAClinician) {
  const core::Specimen serum = collected();
  const std::string path = "/api/specimens/" + serum.accession_number + "/receive";
  const http::Response refused = post(path, "doc");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'doc' (clinician) may not receive specimens");
  EXPECT_EQ(stored(serum.accession_number).status, core::SpecimenStatus::kCollected);
  ASSERT_EQ(post(path, "clerk").status, 200);
  const http::Response again = post(path, "clerk");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(body_of(again)["code"], "failed_precondition");
  EXPECT_EQ(post("/api/specimens/" + unknown_accession() + "/receive", "clerk").status, 404);
  const http::Response bad_condition = post(path, "clerk", {{"condition", 3}});
  EXPECT_EQ(bad_condition.status, 400);
  EXPECT_EQ(body_of(bad_condition)["error"], "field 'condition': a string");
}

TEST_F(SpecimenRoutesTest, RejectsASpecimenAndCancelsItsTests) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const http::Response response =
      post("/api/specimens/" + serum.accession_number + "/reject", "clerk",
           {{"reason", "hemolyzed"}, {"comment", "grossly pink"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response)["status"], "rejected");
  EXPECT_EQ(body_of(response)["rejection_reason"], "hemolyzed");
  const core::Specimen found = stored(serum.accession_number);
  EXPECT_EQ(found.status, core::SpecimenStatus::kRejected);
  EXPECT_EQ(found.rejection_reason, core::RejectionReason::kHemolyzed);
  EXPECT_EQ(found.rejection_comment, "grossly pink");
  EXPECT_EQ(found.rejected_by, "clerk");
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kCancelled);
}

TEST_F(SpecimenRoutesTest, RefusesARejectionWithoutAKnownReasonNamingTheField) {
  const core::Specimen serum = collected();
  const std::string path = "/api/specimens/" + serum.accession_number + "/reject";
  const http::Response missing = post(path, "clerk", {{"comment", "?"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body_of(missing)["error"], "field 'reason': required, a string");
  const http::Response unknown = post(path, "clerk", {{"reason", "dropped"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(body_of(unknown)["error"].get<std::string>().rfind("field 'reason': ", 0), 0u)
      << unknown.body;
  EXPECT_NE(body_of(unknown)["error"].get<std::string>().find("hemolyzed"), std::string::npos);
  EXPECT_EQ(stored(serum.accession_number).status, core::SpecimenStatus::kCollected);
}

TEST_F(SpecimenRoutesTest, RefusesToRejectASpecimenWithAReleasedResult) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.0");
  release(serum.accession_number, "K");
  const http::Response response = post("/api/specimens/" + serum.accession_number + "/reject",
                                       "clerk", {{"reason", "clotted"}});
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(body_of(response)["error"],
            "specimen " + serum.accession_number +
                " cannot be rejected: result K is already released; correct the released result "
                "instead");
  EXPECT_EQ(stored(serum.accession_number).status, core::SpecimenStatus::kReceived);
}

TEST_F(SpecimenRoutesTest, RefusesToRejectAnUnknownSpecimenOrForAClinician) {
  EXPECT_EQ(
      post("/api/specimens/" + unknown_accession() + "/reject", "clerk", {{"reason", "clotted"}})
          .status,
      404);
  const core::Specimen serum = collected();
  const http::Response refused =
      post("/api/specimens/" + serum.accession_number + "/reject", "doc", {{"reason", "clotted"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'doc' (clinician) may not reject specimens");
  EXPECT_EQ(stored(serum.accession_number).status, core::SpecimenStatus::kCollected);
}

TEST_F(SpecimenRoutesTest, GivesTheLabelForAReprintAndLogsTheRead) {
  const core::Specimen serum = collected();
  const http::Response response =
      get("/api/specimens/" + serum.accession_number + "/label", "clerk");
  ASSERT_EQ(response.status, 200) << response.body;
  const json label = body_of(response);
  EXPECT_EQ(label["accession"], serum.accession_number);
  EXPECT_EQ(label["check"], std::string(1, serum.accession_number.back()));
  EXPECT_EQ(label["patient_name"], "Doe, Pat");
  EXPECT_EQ(label["mrn"], "MRN-1");
  EXPECT_EQ(label["birth_date"], "1980-05-01");
  EXPECT_EQ(label["container"], "sst");
  EXPECT_EQ(label["tests"], json({"K", "NA"}));
  EXPECT_EQ(label["collected_at"], core::format_instant(serum.collected_at));
  // The bars of the accession number's Code 128 symbol (report/barcode.h).
  const json& barcode = label["barcode"];
  EXPECT_EQ(barcode["symbology"], "code128");
  EXPECT_EQ(barcode["bars"], report::to_json(*report::code128(serum.accession_number))["bars"]);
  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].what, "label " + serum.accession_number);
  EXPECT_EQ(logged[0].mrn, "MRN-1");
}

TEST_F(SpecimenRoutesTest, RefusesTheLabelOfARejectedOrUnknownSpecimenOrForAClinician) {
  const core::Specimen serum = collected();
  const std::string path = "/api/specimens/" + serum.accession_number + "/label";
  const http::Response refused = get(path, "doc");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'doc' (clinician) may not accession specimens");
  EXPECT_EQ(get("/api/specimens/" + unknown_accession() + "/label", "clerk").status, 404);
  ASSERT_EQ(
      post("/api/specimens/" + serum.accession_number + "/reject", "clerk", {{"reason", "leaked"}})
          .status,
      200);
  const http::Response rejected = get(path, "clerk");
  EXPECT_EQ(rejected.status, 409);
  EXPECT_EQ(body_of(rejected)["code"], "failed_precondition");
  EXPECT_TRUE(reads().empty());
}

}  // namespace
}  // namespace aliquot::server::api
