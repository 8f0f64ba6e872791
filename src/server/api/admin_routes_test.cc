#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lab/authentication.h"
#include "server/api/api_test_fixture.h"
#include "server/api/patient_read_log.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

class AdminRoutesTest : public ApiTest {
 protected:
  AdminRoutesTest() : read_log_(*store_) {
    api().read_log = &read_log_;
    use(admin_routes(api()));
  }

  std::vector<core::PatientDataRead> reads(const std::string& what = "") {
    must(read_log_.flush());
    std::vector<core::PatientDataRead> all =
        must(read([](store::Transaction& tx) { return tx.patient_data_reads("", "", 1000); }));
    std::vector<core::PatientDataRead> selected;
    for (core::PatientDataRead& entry : all) {
      if (what.empty() || entry.what == what) selected.push_back(std::move(entry));
    }
    return selected;
  }

  std::optional<core::User> user_named(const std::string& username) {
    return must(read([&](store::Transaction& tx) { return tx.find_user(username); }));
  }

  http::Response put_password(const std::string& username, const std::string& as_user,
                              const json& body) {
    return call(http::Method::kPut, "/api/users/" + username + "/password", as_user, body);
  }

  Result<lab::LoginGrant> log_in(const std::string& username, const std::string& password) {
    return write([&](store::Transaction& tx) {
      return lab::log_in(tx, clock_, username, password, "127.0.0.1:1");
    });
  }

  PatientReadLog read_log_;
};

// --- users ----------------------------------------------------------------------------------

TEST_F(AdminRoutesTest, ListsTheUsersToAnAdmin) {
  const http::Response response = get("/api/users", "admin");
  ASSERT_EQ(response.status, 200) << response.body;
  const json users = body_of(response)["users"];
  const std::vector<core::User> stored =
      must(read([](store::Transaction& tx) { return tx.list_users(); }));
  ASSERT_EQ(users.size(), stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(users[i]["username"], stored[i].username);
    EXPECT_EQ(users[i]["role"], core::to_code(stored[i].role));
  }
  const http::Response refused = get("/api/users", "tech");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'tech' (technician) may not add users");
}

TEST_F(AdminRoutesTest, AddsAUser) {
  const http::Response response =
      post("/api/users", "admin",
           {{"username", "jdoe"}, {"display_name", "Jane Doe, MLS"}, {"role", "technologist"}});
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(body_of(response)["username"], "jdoe");
  const std::optional<core::User> stored = user_named("jdoe");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->display_name, "Jane Doe, MLS");
  EXPECT_EQ(stored->role, core::Role::kTechnologist);
  EXPECT_TRUE(stored->active);
}

TEST_F(AdminRoutesTest, AddsAUserWhoseDisplayNameIsTheUserNameWhenNotGiven) {
  ASSERT_EQ(post("/api/users", "admin", {{"username", "kim"}, {"role", "clerk"}}).status, 201);
  EXPECT_EQ(user_named("kim")->display_name, "kim");
}

TEST_F(AdminRoutesTest, RefusesAUserWithoutAKnownRoleNamingTheField) {
  const http::Response missing = post("/api/users", "admin", {{"username", "kim"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body_of(missing)["error"], "field 'role': required, a string");
  const http::Response unknown =
      post("/api/users", "admin", {{"username", "kim"}, {"role", "wizard"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(body_of(unknown)["error"].get<std::string>().rfind("field 'role': ", 0), 0u)
      << unknown.body;
  const http::Response no_name = post("/api/users", "admin", {{"role", "clerk"}});
  EXPECT_EQ(body_of(no_name)["error"], "field 'username': required, a string");
  EXPECT_FALSE(user_named("kim").has_value());
}

TEST_F(AdminRoutesTest, RefusesAUserThatExistsOrAnAdditionByANonAdmin) {
  const http::Response again =
      post("/api/users", "admin", {{"username", "tech"}, {"role", "clerk"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(body_of(again)["error"], "user 'tech' already exists");
  EXPECT_EQ(user_named("tech")->role, core::Role::kTechnician);
  const http::Response refused =
      post("/api/users", "super", {{"username", "kim"}, {"role", "clerk"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'super' (supervisor) may not add users");
  EXPECT_FALSE(user_named("kim").has_value());
}

// --- passwords ------------------------------------------------------------------------------

TEST_F(AdminRoutesTest, LetsAnAdminSetAnyonesPasswordAndAUserTheirOwn) {
  const http::Response by_admin =
      put_password("clerk", "admin", {{"password", "front desk secret 1"}});
  EXPECT_EQ(by_admin.status, 204) << by_admin.body;
  EXPECT_TRUE(by_admin.body.empty());
  EXPECT_TRUE(log_in("clerk", "front desk secret 1").has_value());

  EXPECT_EQ(put_password("tech", "tech", {{"password", "bench work all day"}}).status, 204);
  EXPECT_TRUE(log_in("tech", "bench work all day").has_value());
  EXPECT_FALSE(log_in("tech", "front desk secret 1").has_value());
}

TEST_F(AdminRoutesTest, RefusesToSetAnotherUsersPasswordForANonAdmin) {
  const http::Response refused =
      put_password("clerk", "tech", {{"password", "front desk secret 1"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"],
            "user 'tech' (technician) may set only their own password, not that of 'clerk'");
  EXPECT_FALSE(must(read([](store::Transaction& tx) { return tx.get_credentials("clerk"); })));
}

TEST_F(AdminRoutesTest, RefusesAPasswordMissingTooShortOrForAnUnknownUser) {
  const http::Response missing = put_password("clerk", "admin", json::object());
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(body_of(missing)["error"], "field 'password': required, a string");
  const http::Response short_one = put_password("clerk", "admin", {{"password", "short"}});
  EXPECT_EQ(short_one.status, 400);
  EXPECT_EQ(body_of(short_one)["error"],
            "the password is too short: 5 characters, at least 12 are needed");
  const http::Response unknown = put_password("nobody", "admin", {{"password", "long enough 12"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(body_of(unknown)["error"], "user 'nobody' does not exist");
  EXPECT_FALSE(must(read([](store::Transaction& tx) { return tx.get_credentials("clerk"); })));
}

// --- audit trail ----------------------------------------------------------------------------

TEST_F(AdminRoutesTest, ListsThePatientsAuditEntriesAndLogsTheRead) {
  received_order("MRN-1", {"K"});
  received_order("MRN-2", {"NA"});
  const http::Response response = get("/api/audit?mrn=MRN-1", "super");
  ASSERT_EQ(response.status, 200) << response.body;
  const json entries = body_of(response)["entries"];
  const std::vector<core::AuditEntry> expected = must(read([](store::Transaction& tx) {
    store::AuditFilter filter;
    filter.patient_mrn = "MRN-1";
    return tx.find_audit_entries(filter);
  }));
  ASSERT_EQ(entries.size(), expected.size());
  ASSERT_GE(entries.size(), 4u);
  EXPECT_EQ(entries[0]["action"], "patient.register");
  EXPECT_EQ(entries[0]["after"]["mrn"], "MRN-1");  // the image as JSON, not as a string
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(entries[i]["sequence"], expected[i].sequence);
    EXPECT_EQ(entries[i]["patient_mrn"], "MRN-1");
    EXPECT_EQ(entries[i]["hash"], expected[i].hash);
  }
  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].mrn, "MRN-1");
  EXPECT_EQ(logged[0].what, "audit trail");
  EXPECT_EQ(logged[0].username, "super");
}

TEST_F(AdminRoutesTest, ListsTheLastEntriesUpToTheLimit) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  received_order("MRN-2", {"K"});
  const std::vector<core::AuditEntry> trail = audit_trail();
  const json last = body_of(get("/api/audit?limit=3", "admin"))["entries"];
  ASSERT_EQ(last.size(), 3u);
  EXPECT_EQ(last[0]["sequence"], trail[trail.size() - 3].sequence);
  EXPECT_EQ(last[2]["sequence"], trail.back().sequence);

  const json of_specimen = body_of(
      get("/api/audit?accession=" + serum.accession_number + "&limit=1", "admin"))["entries"];
  ASSERT_EQ(of_specimen.size(), 1u);
  EXPECT_EQ(of_specimen[0]["action"], "specimen.receive");
  EXPECT_EQ(of_specimen[0]["accession_number"], serum.accession_number);

  const json users = body_of(get("/api/audit?entity=user", "admin"))["entries"];
  ASSERT_FALSE(users.empty());
  for (const json& entry : users) EXPECT_EQ(entry["entity_type"], "user");
}

TEST_F(AdminRoutesTest, RefusesABadLimitOrAnInactiveUser) {
  for (const char* limit : {"0", "-1", "ten", "1001", "5x"}) {
    const http::Response response = get(std::string("/api/audit?limit=") + limit, "admin");
    EXPECT_EQ(response.status, 400) << limit;
    EXPECT_EQ(body_of(response)["error"],
              "query 'limit': '" + std::string(limit) + "' is not a whole number from 1 to 1000");
  }
  EXPECT_EQ(get("/api/audit", "gone").status, 403);
  EXPECT_TRUE(reads().empty());
}

TEST_F(AdminRoutesTest, VerifiesTheAuditTrail) {
  received_order("MRN-1", {"K"});
  const std::vector<core::AuditEntry> trail = audit_trail();
  const http::Response response = get("/api/audit/verify", "doc");
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = body_of(response);
  EXPECT_EQ(body["ok"], true);
  EXPECT_EQ(body["entries"], trail.size());
  EXPECT_EQ(body["head"]["sequence"], trail.back().sequence);
  EXPECT_EQ(body["head"]["hash"], trail.back().hash);
  EXPECT_TRUE(body["first_bad_sequence"].is_null());
  EXPECT_EQ(body["problem"], "");
  EXPECT_EQ(get("/api/audit/verify", "gone").status, 403);
}

// --- reads of patient data ------------------------------------------------------------------

TEST_F(AdminRoutesTest, ListsTheReadsOfPatientDataNewestFirstBySelection) {
  must(write([&](store::Transaction& tx) -> Result<void> {
    const std::vector<core::PatientDataRead> earlier = {
        {0, lab::at("2026-03-10T08:01:00Z"), "tech", "MRN-1", "patient", "10.0.0.5:1234"},
        {0, lab::at("2026-03-10T08:02:00Z"), "doc", "MRN-1", "patient report", "10.0.0.6:80"},
        {0, lab::at("2026-03-10T08:03:00Z"), "doc", "MRN-2", "patient report", "10.0.0.6:81"},
    };
    for (const core::PatientDataRead& entry : earlier) {
      ALIQUOT_RETURN_IF_ERROR(tx.insert_patient_data_read(entry));
    }
    return ok();
  }));
  const http::Response response = get("/api/patient-reads?mrn=MRN-1", "admin");
  ASSERT_EQ(response.status, 200) << response.body;
  const json list = body_of(response)["reads"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], json({{"at", "2026-03-10T08:02:00Z"},
                           {"username", "doc"},
                           {"mrn", "MRN-1"},
                           {"what", "patient report"},
                           {"peer", "10.0.0.6:80"}}));
  EXPECT_EQ(list[1]["username"], "tech");
  const json by_doc = body_of(get("/api/patient-reads?user=doc&limit=1", "admin"))["reads"];
  ASSERT_EQ(by_doc.size(), 1u);
  EXPECT_EQ(by_doc[0]["mrn"], "MRN-2");
  EXPECT_EQ(body_of(get("/api/patient-reads", "admin"))["reads"].size(), 3u);
}

TEST_F(AdminRoutesTest, RefusesTheReadsToANonAdminOrWithABadLimit) {
  const http::Response refused = get("/api/patient-reads", "super");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"], "user 'super' (supervisor) may not add users");
  EXPECT_EQ(get("/api/patient-reads?limit=0", "admin").status, 400);
}

}  // namespace
}  // namespace aliquot::server::api
