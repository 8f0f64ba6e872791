#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "server/api/api_test_fixture.h"
#include "server/api/patient_read_log.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

class PatientRoutesTest : public ApiTest {
 protected:
  PatientRoutesTest() : read_log_(*store_) {
    api().read_log = &read_log_;
    use(patient_routes(api()));
  }

  // The reads recorded so far, newest first.
  std::vector<core::PatientDataRead> reads() {
    must(read_log_.flush());
    return must(read([](store::Transaction& tx) { return tx.patient_data_reads("", "", 1000); }));
  }

  static json jane() {
    return {{"mrn", "MRN-7"},
            {"family_name", "Roe"},
            {"given_name", "Jane"},
            {"birth_date", "1980-05-01"},
            {"sex", "F"}};
  }

  PatientReadLog read_log_;
};

TEST_F(PatientRoutesTest, RegistersAPatient) {
  const http::Response response = post("/api/patients", "clerk", jane());
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(body_of(response)["mrn"], "MRN-7");
  EXPECT_EQ(body_of(response)["registered_by"], "clerk");
  const core::Patient stored =
      must(read([](store::Transaction& tx) { return lab::find_patient(tx, "MRN-7"); }));
  EXPECT_EQ(stored.family_name, "Roe");
  EXPECT_EQ(stored.given_name, "Jane");
  EXPECT_EQ(stored.birth_date, lab::date("1980-05-01"));
  EXPECT_EQ(stored.sex, core::AdministrativeSex::kFemale);
  EXPECT_EQ(stored.registered_by, "clerk");
}

TEST_F(PatientRoutesTest, RefusesARegistrationWithoutAFieldNamingIt) {
  json body = jane();
  body.erase("family_name");
  const http::Response response = post("/api/patients", "clerk", body);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(body_of(response)["error"], "field 'family_name': required, a string");
  EXPECT_EQ(body_of(response)["code"], "invalid_argument");
  EXPECT_FALSE(must(read([](store::Transaction& tx) { return tx.find_patient_by_mrn("MRN-7"); })));
}

TEST_F(PatientRoutesTest, RefusesAnUnknownSexOrBirthDateNamingTheField) {
  json body = jane();
  body["sex"] = "X";
  const http::Response bad_sex = post("/api/patients", "clerk", body);
  EXPECT_EQ(bad_sex.status, 400);
  EXPECT_EQ(body_of(bad_sex)["error"].get<std::string>().rfind("field 'sex': ", 0), 0u)
      << bad_sex.body;
  body = jane();
  body["birth_date"] = "01/05/1980";
  const http::Response bad_date = post("/api/patients", "clerk", body);
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_EQ(body_of(bad_date)["error"].get<std::string>().rfind("field 'birth_date': ", 0), 0u)
      << bad_date.body;
}

TEST_F(PatientRoutesTest, RefusesAnMrnAlreadyRegisteredWithConflict) {
  ASSERT_EQ(post("/api/patients", "clerk", jane()).status, 201);
  json other = jane();
  other["family_name"] = "Other";
  const http::Response response = post("/api/patients", "clerk", other);
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(body_of(response)["code"], "already_exists");
  EXPECT_EQ(body_of(response)["error"],
            "a patient with MRN 'MRN-7' is already registered (Roe, Jane)");
}

TEST_F(PatientRoutesTest, RefusesRegistrationToARoleWithoutThePermission) {
  const http::Response response = post("/api/patients", "doc", jane());
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(body_of(response)["error"], "user 'doc' (clinician) may not register patients");
  EXPECT_FALSE(must(read([](store::Transaction& tx) { return tx.find_patient_by_mrn("MRN-7"); })));
}

TEST_F(PatientRoutesTest, ShowsTheBenchEveryResultWithHoldsAndLogsTheRead) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  const core::TestResult potassium = enter(serum.accession_number, "K", "5.9");
  must(write([&](store::Transaction& tx) {
    core::HoldReason hold;
    hold.category = "delta-check";
    hold.message = "check the previous value";
    return tx.replace_result_holds(potassium.id, {hold});
  }));

  const http::Response response = get("/api/patients/MRN-1", "tech");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["patient"]["mrn"], "MRN-1");
  ASSERT_EQ(body["orders"].size(), 1u);
  const json& order = body["orders"][0];
  ASSERT_EQ(order["specimens"].size(), 1u);
  EXPECT_EQ(order["specimens"][0]["accession_number"], serum.accession_number);
  ASSERT_EQ(order["results"].size(), 2u);
  const json& k = order["results"][0];
  EXPECT_EQ(k["result"]["test_code"], "K");
  EXPECT_EQ(k["result"]["status"], "preliminary");
  EXPECT_EQ(k["result"]["value"]["reported"], "5.9");
  ASSERT_EQ(k["holds"].size(), 1u);
  EXPECT_EQ(k["holds"][0]["category"], "delta-check");
  EXPECT_EQ(order["results"][1]["result"]["status"], "pending");

  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].username, "tech");
  EXPECT_EQ(logged[0].mrn, "MRN-1");
  EXPECT_EQ(logged[0].what, "patient");
  EXPECT_EQ(logged[0].peer, "127.0.0.1:40000");
  EXPECT_EQ(logged[0].at, clock_.now());
}

TEST_F(PatientRoutesTest, ShowsTheNewestOrdersAPageAtATimeWithACursorForOlderOnes) {
  std::vector<std::string> accessions;  // oldest first
  for (int i = 0; i < 3; ++i) {
    accessions.push_back(received_order("MRN-1", {"K"})[0].accession_number);
    clock_.advance(std::chrono::hours(1));
  }
  const json first = body_of(get("/api/patients/MRN-1?orders=2", "tech"));
  ASSERT_EQ(first["orders"].size(), 2u);
  EXPECT_EQ(first["orders"][0]["specimens"][0]["accession_number"], accessions[2]);
  EXPECT_EQ(first["orders"][1]["specimens"][0]["accession_number"], accessions[1]);
  ASSERT_TRUE(first["next"].is_string());
  EXPECT_EQ(first["next"], first["orders"][1]["order"]["order_number"]);

  const json older = body_of(
      get("/api/patients/MRN-1?orders=2&before=" + first["next"].get<std::string>(), "tech"));
  ASSERT_EQ(older["orders"].size(), 1u);
  EXPECT_EQ(older["orders"][0]["specimens"][0]["accession_number"], accessions[0]);
  EXPECT_TRUE(older["next"].is_null());
  EXPECT_EQ(body_of(get("/api/patients/MRN-1", "tech"))["orders"].size(), 3u);
}

TEST_F(PatientRoutesTest, RefusesAPageSizeOutOfRangeOrACursorOfAnotherPatientNamingIt) {
  received_order("MRN-1", {"K"});
  for (const char* orders : {"0", "201", "many"}) {
    const http::Response refused = get(std::string("/api/patients/MRN-1?orders=") + orders, "tech");
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(body_of(refused)["error"], std::string("query parameter 'orders': '") + orders +
                                             "' is not a number from 1 to 200");
  }
  const http::Response other = get("/api/patients/MRN-1?before=ORD-NONE", "tech");
  EXPECT_EQ(other.status, 400);
  EXPECT_EQ(body_of(other)["error"], "order 'ORD-NONE' is not an order of patient MRN-1");
}

TEST_F(PatientRoutesTest, AnswersNotFoundForAnUnknownPatientAndLogsNoRead) {
  for (const char* path : {"/api/patients/MRN-404", "/api/patients/MRN-404/report",
                           "/api/patients/MRN-404/cumulative"}) {
    const http::Response response = get(path, "tech");
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(body_of(response)["error"], "no patient with MRN 'MRN-404'") << path;
  }
  EXPECT_TRUE(reads().empty());
}

TEST_F(PatientRoutesTest, RefusesTheViewsToAnInactiveUser) {
  patient("MRN-1");
  for (const char* path :
       {"/api/patients/MRN-1", "/api/patients/MRN-1/report", "/api/patients/MRN-1/cumulative"}) {
    const http::Response response = get(path, "gone");
    EXPECT_EQ(response.status, 403) << path;
    EXPECT_EQ(body_of(response)["error"], "user 'gone' is inactive and may not view records")
        << path;
  }
  EXPECT_EQ(get("/api/patients/MRN-1", "").status, 401);
  EXPECT_TRUE(reads().empty());
}

TEST_F(PatientRoutesTest, ReportShowsReleasedValuesOnlyAndLogsTheRead) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  enter(serum.accession_number, "K", "4.4");
  release(serum.accession_number, "K");
  enter(serum.accession_number, "NA", "150");  // preliminary: not for the report

  const http::Response response = get("/api/patients/MRN-1/report", "doc");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["patient"]["mrn"], "MRN-1");
  EXPECT_EQ(body["produced_at"], core::format_instant(clock_.now()));
  const json& results = body["orders"][0]["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0]["result"]["status"], "final");
  EXPECT_EQ(results[0]["result"]["value"]["reported"], "4.4");
  EXPECT_EQ(results[1]["result"]["test_code"], "NA");
  EXPECT_EQ(results[1]["result"]["status"], "pending");
  EXPECT_TRUE(results[1]["result"]["value"].is_null());
  EXPECT_EQ(response.body.find("150"), std::string::npos);

  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].username, "doc");
  EXPECT_EQ(logged[0].mrn, "MRN-1");
  EXPECT_EQ(logged[0].what, "patient report");
}

TEST_F(PatientRoutesTest, CumulativeGivesReleasedValuesOldestFirstAndLogsTheRead) {
  const core::Specimen first = received_order("MRN-1", {"K"})[0];
  enter(first.accession_number, "K", "4.1");
  release(first.accession_number, "K");
  clock_.advance(std::chrono::hours(6));
  const core::Specimen second = received_order("MRN-1", {"K"})[0];
  enter(second.accession_number, "K", "5.4");
  release(second.accession_number, "K");
  clock_.advance(std::chrono::hours(6));
  const core::Specimen third = received_order("MRN-1", {"K"})[0];
  enter(third.accession_number, "K", "6.1");  // preliminary: not on the chart

  const http::Response response = get("/api/patients/MRN-1/cumulative", "doc");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["patient"]["mrn"], "MRN-1");
  ASSERT_EQ(body["tests"].size(), 1u);
  const json& k = body["tests"][0];
  EXPECT_EQ(k["code"], "K");
  EXPECT_EQ(k["name"], "Potassium");
  EXPECT_EQ(k["unit"], "mmol/L");
  ASSERT_EQ(k["points"].size(), 2u);
  EXPECT_EQ(k["points"][0]["at"], core::format_instant(first.collected_at));
  EXPECT_DOUBLE_EQ(k["points"][0]["value"].get<double>(), 4.1);
  EXPECT_EQ(k["points"][0]["reported"], "4.1");
  EXPECT_EQ(k["points"][0]["flag"], "");
  EXPECT_EQ(k["points"][0]["status"], "final");
  EXPECT_EQ(k["points"][0]["accession"], first.accession_number);
  EXPECT_EQ(k["points"][1]["accession"], second.accession_number);
  EXPECT_EQ(k["points"][1]["flag"], "H");
  EXPECT_EQ(response.body.find(third.accession_number), std::string::npos);

  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].what, "cumulative results");
  EXPECT_EQ(logged[0].mrn, "MRN-1");
}

TEST_F(PatientRoutesTest, CumulativeGivesNoNumberForACodedValue) {
  const core::Specimen urine = received_order("MRN-1", {"UNIT"})[0];
  enter(urine.accession_number, "UNIT", "positive");
  release(urine.accession_number, "UNIT");
  const json body = body_of(get("/api/patients/MRN-1/cumulative", "doc"));
  ASSERT_EQ(body["tests"].size(), 1u);
  const json& point = body["tests"][0]["points"][0];
  EXPECT_TRUE(point["value"].is_null());
  EXPECT_EQ(point["reported"], "positive");
  EXPECT_EQ(point["flag"], "A");
}

}  // namespace
}  // namespace aliquot::server::api
