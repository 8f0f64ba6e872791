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

class OrderRoutesTest : public ApiTest {
 protected:
  OrderRoutesTest() : read_log_(*store_) {
    api().read_log = &read_log_;
    use(order_routes(api()));
  }

  std::vector<core::PatientDataRead> reads() {
    must(read_log_.flush());
    return must(read([](store::Transaction& tx) { return tx.patient_data_reads("", "", 1000); }));
  }

  std::vector<core::Specimen> specimens_of(const std::string& order_number) {
    return must(read([&](store::Transaction& tx) -> Result<std::vector<core::Specimen>> {
      ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Order> found,
                               tx.find_order_by_number(order_number));
      return tx.specimens_for_order(found->id);
    }));
  }

  static json bmp_for(const std::string& mrn) {
    return {{"mrn", mrn},
            {"tests", {"BMP"}},
            {"priority", "stat"},
            {"ordering_provider", "Dr. Grey"},
            {"clinical_info", "chest pain"}};
  }

  PatientReadLog read_log_;
};

TEST_F(OrderRoutesTest, PlacesAnOrderWithItsPanelExpanded) {
  patient("MRN-1");
  const http::Response response = post("/api/orders", "clerk", bmp_for("MRN-1"));
  ASSERT_EQ(response.status, 201) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["tests"], json({"NA", "K", "GLU"}));
  EXPECT_EQ(body["priority"], "stat");
  const std::string number = body["order_number"];
  const lab::OrderDetail stored =
      must(read([&](store::Transaction& tx) { return lab::order_detail(tx, as("tech"), number); }));
  EXPECT_EQ(stored.patient.mrn, "MRN-1");
  EXPECT_EQ(stored.order.priority, core::Priority::kStat);
  EXPECT_EQ(stored.order.ordering_provider, "Dr. Grey");
  EXPECT_EQ(stored.order.clinical_info, "chest pain");
  EXPECT_EQ(stored.order.ordered_by, "clerk");
  ASSERT_EQ(stored.results.size(), 3u);
  EXPECT_EQ(stored.results[2].result.test_code, "GLU");
}

TEST_F(OrderRoutesTest, RefusesAnOrderWithoutAFieldNamingIt) {
  patient("MRN-1");
  for (const char* field : {"mrn", "priority", "ordering_provider"}) {
    json body = bmp_for("MRN-1");
    body.erase(field);
    const http::Response response = post("/api/orders", "clerk", body);
    EXPECT_EQ(response.status, 400) << field;
    EXPECT_EQ(body_of(response)["error"], "field '" + std::string(field) + "': required, a string");
  }
  json body = bmp_for("MRN-1");
  body["tests"] = "BMP";
  EXPECT_EQ(body_of(post("/api/orders", "clerk", body))["error"],
            "field 'tests': required, an array of strings");
  body = bmp_for("MRN-1");
  body["priority"] = "urgent";
  const http::Response bad_priority = post("/api/orders", "clerk", body);
  EXPECT_EQ(bad_priority.status, 400);
  EXPECT_EQ(body_of(bad_priority)["error"].get<std::string>().rfind("field 'priority': ", 0), 0u)
      << bad_priority.body;
  const std::vector<core::Order> orders = must(read([](store::Transaction& tx) {
    return tx.orders_for_patient(must(lab::find_patient(tx, "MRN-1")).id);
  }));
  EXPECT_TRUE(orders.empty());
}

TEST_F(OrderRoutesTest, AnswersNotFoundForAnUnknownPatientOrTest) {
  const http::Response no_patient = post("/api/orders", "clerk", bmp_for("MRN-404"));
  EXPECT_EQ(no_patient.status, 404);
  EXPECT_EQ(body_of(no_patient)["error"], "no patient with MRN 'MRN-404'");
  patient("MRN-1");
  json body = bmp_for("MRN-1");
  body["tests"] = {"K", "XYZ"};
  const http::Response no_test = post("/api/orders", "clerk", body);
  EXPECT_EQ(no_test.status, 404);
  EXPECT_NE(body_of(no_test)["error"].get<std::string>().find("XYZ"), std::string::npos);
}

TEST_F(OrderRoutesTest, RefusesAnOrderToARoleWithoutThePermission) {
  patient("MRN-1");
  const http::Response response = post("/api/orders", "doc", bmp_for("MRN-1"));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(body_of(response)["error"], "user 'doc' (clinician) may not place orders");
}

TEST_F(OrderRoutesTest, ShowsAnOrderAndLogsTheRead) {
  patient("MRN-1");
  const core::Order placed = order("MRN-1", {"K", "HGB"});
  accession(placed.order_number);
  const http::Response response = get("/api/orders/" + placed.order_number, "doc");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["order"]["order_number"], placed.order_number);
  EXPECT_EQ(body["patient"]["mrn"], "MRN-1");
  EXPECT_EQ(body["specimens"].size(), 2u);
  EXPECT_EQ(body["results"].size(), 2u);
  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].username, "doc");
  EXPECT_EQ(logged[0].mrn, "MRN-1");
  EXPECT_EQ(logged[0].what, "order " + placed.order_number);
}

TEST_F(OrderRoutesTest, ShowAnswersNotFoundAndRefusesAnInactiveUser) {
  const http::Response missing = get("/api/orders/O26-0009999", "tech");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_of(missing)["error"], "no order with number 'O26-0009999'");
  patient("MRN-1");
  const core::Order placed = order("MRN-1", {"K"});
  EXPECT_EQ(get("/api/orders/" + placed.order_number, "gone").status, 403);
  EXPECT_TRUE(reads().empty());
}

TEST_F(OrderRoutesTest, AccessionsAnOrderIntoLabelledSpecimens) {
  patient("MRN-1", core::AdministrativeSex::kMale, lab::date("1970-01-02"));
  const core::Order placed = order("MRN-1", {"HGB", "K"}, core::Priority::kStat);
  const http::Response response =
      post("/api/orders/" + placed.order_number + "/accession", "clerk",
           {{"collected_at", "2026-03-10T07:45:00Z"}, {"collected_by", "phleb1"}});
  ASSERT_EQ(response.status, 201) << response.body;
  const json specimens = body_of(response)["specimens"];
  ASSERT_EQ(specimens.size(), 2u);
  // Order of draw: the serum tube before the EDTA tube (CLSI GP41).
  EXPECT_EQ(specimens[0]["container_type"], "sst");
  EXPECT_EQ(specimens[1]["container_type"], "k2edta");
  const json& label = specimens[0]["label"];
  const std::string accession = specimens[0]["accession_number"];
  EXPECT_EQ(label["accession"], accession);
  EXPECT_EQ(label["check"], accession.substr(accession.size() - 1));
  EXPECT_EQ(label["patient_name"], "Doe, Pat");
  EXPECT_EQ(label["mrn"], "MRN-1");
  EXPECT_EQ(label["birth_date"], "1970-01-02");
  EXPECT_EQ(label["specimen_type"], "serum");
  EXPECT_EQ(label["container"], "sst");
  EXPECT_EQ(label["tests"], json({"K"}));
  EXPECT_EQ(label["collected_at"], "2026-03-10T07:45:00Z");
  EXPECT_EQ(specimens[1]["label"]["tests"], json({"HGB"}));

  const std::vector<core::Specimen> stored = specimens_of(placed.order_number);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].accession_number, accession);
  EXPECT_EQ(stored[0].collected_at, lab::at("2026-03-10T07:45:00Z"));
  EXPECT_EQ(stored[0].collected_by, "phleb1");
  EXPECT_EQ(stored[0].status, core::SpecimenStatus::kCollected);
}

TEST_F(OrderRoutesTest, AccessionsWithoutABodyAsNowByTheUser) {
  patient("MRN-1");
  const core::Order placed = order("MRN-1", {"K"});
  const http::Response response =
      call(http::Method::kPost, "/api/orders/" + placed.order_number + "/accession", "clerk");
  ASSERT_EQ(response.status, 201) << response.body;
  const std::vector<core::Specimen> stored = specimens_of(placed.order_number);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].collected_at, clock_.now());
  EXPECT_EQ(stored[0].collected_by, "clerk");
}

TEST_F(OrderRoutesTest, RefusesAccessioningAnOrderWhoseTestsHaveSpecimens) {
  patient("MRN-1");
  const core::Order placed = order("MRN-1", {"K"});
  accession(placed.order_number);
  const http::Response response =
      post("/api/orders/" + placed.order_number + "/accession", "clerk");
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(body_of(response)["code"], "failed_precondition");
  EXPECT_EQ(body_of(response)["error"],
            "every test of order " + placed.order_number + " already has a specimen");
  EXPECT_EQ(specimens_of(placed.order_number).size(), 1u);
}

TEST_F(OrderRoutesTest, RefusesAccessionRequestsThatAreMalformedUnknownOrNotPermitted) {
  patient("MRN-1");
  const core::Order placed = order("MRN-1", {"K"});
  const std::string path = "/api/orders/" + placed.order_number + "/accession";
  const http::Response bad_time = post(path, "clerk", {{"collected_at", "yesterday"}});
  EXPECT_EQ(bad_time.status, 400);
  EXPECT_EQ(body_of(bad_time)["error"].get<std::string>().rfind("field 'collected_at': ", 0), 0u)
      << bad_time.body;
  EXPECT_EQ(post("/api/orders/O26-0009999/accession", "clerk").status, 404);
  const http::Response refused = post(path, "doc");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'doc' (clinician) may not accession specimens");
  EXPECT_TRUE(specimens_of(placed.order_number).empty());
}

TEST_F(OrderRoutesTest, CancelsTheUnreleasedTestsOfAnOrder) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "NA", "140");
  release(serum.accession_number, "NA");
  const core::Order placed = must(read([&](store::Transaction& tx) -> Result<core::Order> {
    return *must(tx.find_order(serum.order_id));
  }));
  const http::Response response = post("/api/orders/" + placed.order_number + "/cancel", "tech",
                                       {{"reason", "duplicate order"}});
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["order"]["order_number"], placed.order_number);
  EXPECT_EQ(body["cancelled"], json({"K"}));
  EXPECT_EQ(body["released"], json({"NA"}));
  const std::vector<core::TestResult> stored = results_of_order(placed.order_number);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].status, core::ResultStatus::kCancelled);
  EXPECT_EQ(stored[0].cancel_reason, "duplicate order");
  EXPECT_EQ(stored[0].cancelled_by, "tech");
  EXPECT_EQ(stored[1].status, core::ResultStatus::kFinal);
}

TEST_F(OrderRoutesTest, RefusesACancellationWithoutReasonUnknownOrNotPermitted) {
  patient("MRN-1");
  const core::Order placed = order("MRN-1", {"K"});
  const std::string path = "/api/orders/" + placed.order_number + "/cancel";
  const http::Response no_reason = post(path, "tech");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(body_of(no_reason)["error"], "field 'reason': required, a string");
  const http::Response empty_reason = post(path, "tech", {{"reason", " "}});
  EXPECT_EQ(empty_reason.status, 400);
  EXPECT_EQ(post("/api/orders/O26-0009999/cancel", "tech", {{"reason", "x"}}).status, 404);
  const http::Response refused = post(path, "clerk", {{"reason", "duplicate"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'clerk' (clerk) may not cancel orders");
  EXPECT_EQ(results_of_order(placed.order_number)[0].status, core::ResultStatus::kPending);
}

}  // namespace
}  // namespace aliquot::server::api
