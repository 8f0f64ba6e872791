#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/api/api_test_fixture.h"
#include "server/api/patient_read_log.h"
#include "server/api/routes.h"
#include "store/messages.h"

namespace aliquot::server::api {
namespace {

using lab::must;
using nlohmann::json;

// Segments joined with CR, as a sender writes them.
std::string segments(std::initializer_list<std::string> lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\r";
  return text;
}

// An ORU^R01 from a reference lab reporting potassium, coded `obx3`, on `accession` of MRN-1.
std::string oru(const std::string& accession, const std::string& obx3) {
  return segments({"MSH|^~\\&|LABNET|REF|ALIQUOT|LAB|20260310081000||ORU^R01^ORU_R01|MSG-" +
                       accession + "|P|2.5.1",
                   "PID|1||MRN-1^^^LAB^MR||Doe^Pat||19800501|F",
                   "OBR|1||" + accession + "|2823-3^Potassium^LN",
                   "OBX|1|NM|" + obx3 + "||4.2|mmol/L|3.5-5.1||||F"});
}

class InterfaceRoutesTest : public ApiTest {
 protected:
  InterfaceRoutesTest() : read_log_(*store_) {
    // The account messages from senders without an instrument profile are filed under.
    core::User account;
    account.username = "if.hl7";
    account.display_name = "EHR interface";
    account.role = core::Role::kInterface;
    must(write([&](store::Transaction& tx) { return tx.insert_user(account); }));
    must(write([&](store::Transaction& tx) { return tx.set_setting("lab.time_zone", "UTC"); }));
    api().read_log = &read_log_;
    use(interface_routes(api()));
  }

  std::vector<core::PatientDataRead> reads() {
    must(read_log_.flush());
    return must(read([](store::Transaction& tx) { return tx.patient_data_reads("", "", 1000); }));
  }

  // Keeps `content` in quarantine as refused: its id.
  std::int64_t quarantined(const std::string& content) {
    store::QuarantinedMessage message;
    message.received_at = clock_.now();
    message.channel = store::Channel::kHl7;
    message.sender = "LABNET^REF";
    message.message_id = "MSG-" + std::to_string(++messages_);
    message.message_type = "ORU^R01";
    message.peer = "10.1.2.3:50112";
    message.reason = "OBX(1): unknown test";
    message.content = content;
    return must(write(
                    [&](store::Transaction& tx) { return tx.insert_quarantined_message(message); }))
        .id;
  }

  store::QuarantinedMessage stored_message(std::int64_t id) {
    return *must(read([&](store::Transaction& tx) { return tx.find_quarantined_message(id); }));
  }

  // An outbox message reporting `subject` ("ACCESSION/TEST"), failed after three attempts.
  std::int64_t failed_report(const std::string& subject) {
    store::OutboxMessage message;
    message.created_at = clock_.now();
    message.destination = "ehr";
    message.message_type = "ORU^R01";
    message.message_id = "ALQ" + std::to_string(++messages_);
    message.subject = subject;
    message.payload = "MSH|^~\\&|ALIQUOT|LAB|EHR||20260310080500||ORU^R01|ALQ1|P|2.5.1\r";
    message.status = store::OutboxStatus::kFailed;
    message.attempts = 3;
    message.next_attempt_at = clock_.now();
    message.last_error = "AE: unknown patient";
    return must(write([&](store::Transaction& tx) { return tx.insert_outbox_message(message); }))
        .id;
  }

  store::OutboxMessage stored_outbox(std::int64_t id) {
    return *must(read([&](store::Transaction& tx) { return tx.find_outbox_message(id); }));
  }

  PatientReadLog read_log_;
  int messages_ = 0;
};

// --- quarantine ---

TEST_F(InterfaceRoutesTest, ListsHeldMessagesByDefaultAndOthersOnRequest) {
  const std::int64_t held = quarantined(oru("26000001", "9999-9^Mystery^LN"));
  const std::int64_t set_aside = quarantined(oru("26000002", "9999-9^Mystery^LN"));
  ASSERT_EQ(post("/api/quarantine/" + std::to_string(set_aside) + "/discard", "super",
                 {{"reason", "test message"}})
                .status,
            200);
  const http::Response listed = get("/api/quarantine", "tech");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json messages = body_of(listed)["messages"];
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["id"], held);
  EXPECT_FALSE(messages[0].contains("content"));
  EXPECT_EQ(body_of(get("/api/quarantine?status=all", "tech"))["messages"].size(), 2u);
  EXPECT_EQ(body_of(get("/api/quarantine?status=discarded", "tech"))["messages"][0]["id"],
            set_aside);
  EXPECT_EQ(get("/api/quarantine?status=lost", "tech").status, 400);
  EXPECT_EQ(get("/api/quarantine", "gone").status, 403);
}

TEST_F(InterfaceRoutesTest, ShowsAMessageWithItsContentAndLogsTheReadOfItsPatient) {
  const std::int64_t id = quarantined(oru("26000001", "9999-9^Mystery^LN"));
  const http::Response shown = get("/api/quarantine/" + std::to_string(id), "tech");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(body_of(shown)["content"], oru("26000001", "9999-9^Mystery^LN"));
  EXPECT_EQ(body_of(shown)["status"], "held");
  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].mrn, "MRN-1");
  EXPECT_EQ(logged[0].what, "quarantined message " + std::to_string(id));
  const http::Response missing = get("/api/quarantine/999", "tech");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_of(missing)["error"], "there is no quarantined message 999");
  EXPECT_EQ(get("/api/quarantine/abc", "tech").status, 400);
}

TEST_F(InterfaceRoutesTest, ReplaysAMessageOnceItsCauseIsFixed) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const std::int64_t id = quarantined(oru(serum.accession_number, "2823-3^Potassium^LN"));
  const http::Response replayed =
      post("/api/quarantine/" + std::to_string(id) + "/replay", "super");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(body_of(replayed)["applied"], true);
  EXPECT_EQ(body_of(replayed)["message"]["status"], "replayed");
  EXPECT_EQ(stored_message(id).status, store::QuarantineStatus::kReplayed);
  const core::TestResult k = result_of(serum.accession_number, "K");
  ASSERT_TRUE(k.value.has_value());
  EXPECT_DOUBLE_EQ(k.value->number, 4.2);
  const http::Response again = post("/api/quarantine/" + std::to_string(id) + "/replay", "super");
  EXPECT_EQ(again.status, 409);
}

TEST_F(InterfaceRoutesTest, AReplayRefusedAgainKeepsTheMessageHeldWithWhy) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  const std::int64_t id = quarantined(oru(serum.accession_number, "9999-9^Mystery^LN"));
  const http::Response replayed =
      post("/api/quarantine/" + std::to_string(id) + "/replay", "admin");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(body_of(replayed)["applied"], false);
  EXPECT_FALSE(body_of(replayed)["outcome"].get<std::string>().empty());
  const store::QuarantinedMessage stored = stored_message(id);
  EXPECT_EQ(stored.status, store::QuarantineStatus::kHeld);
  EXPECT_NE(stored.resolution.find("replay by admin"), std::string::npos);
  EXPECT_FALSE(result_of(serum.accession_number, "K").value.has_value());
}

TEST_F(InterfaceRoutesTest, ReplayAndDiscardAreForThoseWhoManageInterfaces) {
  const std::int64_t id = quarantined(oru("26000001", "9999-9^Mystery^LN"));
  const http::Response mls = post("/api/quarantine/" + std::to_string(id) + "/replay", "mls");
  EXPECT_EQ(mls.status, 403);
  EXPECT_EQ(body_of(mls)["error"], "user 'mls' (technologist) may not manage interfaces");
  EXPECT_EQ(
      post("/api/quarantine/" + std::to_string(id) + "/discard", "tech", {{"reason", "x"}}).status,
      403);
  EXPECT_EQ(post("/api/quarantine/999/replay", "super").status, 404);
  EXPECT_EQ(stored_message(id).status, store::QuarantineStatus::kHeld);
}

TEST_F(InterfaceRoutesTest, DiscardsAMessageWithAReason) {
  const std::int64_t id = quarantined(oru("26000001", "9999-9^Mystery^LN"));
  const http::Response no_reason =
      post("/api/quarantine/" + std::to_string(id) + "/discard", "super", json::object());
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(body_of(no_reason)["error"], "field 'reason': required, a string");
  EXPECT_EQ(post("/api/quarantine/999/discard", "super", {{"reason", "x"}}).status, 404);
  const http::Response discarded = post("/api/quarantine/" + std::to_string(id) + "/discard",
                                        "super", {{"reason", "sent to the wrong lab"}});
  ASSERT_EQ(discarded.status, 200) << discarded.body;
  EXPECT_EQ(body_of(discarded)["status"], "discarded");
  const store::QuarantinedMessage stored = stored_message(id);
  EXPECT_EQ(stored.status, store::QuarantineStatus::kDiscarded);
  EXPECT_EQ(stored.resolution, "sent to the wrong lab");
  EXPECT_EQ(stored.resolved_by, "super");
  EXPECT_EQ(
      post("/api/quarantine/" + std::to_string(id) + "/discard", "super", {{"reason", "again"}})
          .status,
      409);
}

// --- outbox ---

TEST_F(InterfaceRoutesTest, ListsOutgoingMessagesByStatusAndLimit) {
  const std::int64_t first = failed_report("26000001/K");
  const std::int64_t second = failed_report("26000002/K");
  const http::Response listed = get("/api/outbox", "tech");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json messages = body_of(listed)["messages"];
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0]["id"], second);  // newest first
  EXPECT_FALSE(messages[0].contains("payload"));
  EXPECT_EQ(body_of(get("/api/outbox?limit=1", "tech"))["messages"].size(), 1u);
  EXPECT_TRUE(body_of(get("/api/outbox?status=delivered", "tech"))["messages"].empty());
  EXPECT_EQ(body_of(get("/api/outbox?status=failed", "tech"))["messages"][1]["id"], first);
  EXPECT_EQ(get("/api/outbox?limit=0", "tech").status, 400);
  EXPECT_EQ(get("/api/outbox?status=sent", "tech").status, 400);
}

TEST_F(InterfaceRoutesTest, ShowsAnOutgoingReportAndLogsTheReadOfItsPatient) {
  const core::Specimen serum = received_order("MRN-3", {"K"})[0];
  const std::int64_t id = failed_report(serum.accession_number + "/K");
  const http::Response shown = get("/api/outbox/" + std::to_string(id), "tech");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(body_of(shown)["payload"].get<std::string>().rfind("MSH|", 0), 0u);
  EXPECT_EQ(body_of(shown)["last_error"], "AE: unknown patient");
  const std::vector<core::PatientDataRead> logged = reads();
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].mrn, "MRN-3");
  EXPECT_EQ(logged[0].what, "outbox message " + std::to_string(id));
  const http::Response missing = get("/api/outbox/999", "tech");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_of(missing)["error"], "no outbox message 999");
}

TEST_F(InterfaceRoutesTest, RetriesAFailedMessage) {
  const std::int64_t id = failed_report("26000001/K");
  const http::Response tech = post("/api/outbox/" + std::to_string(id) + "/retry", "tech");
  EXPECT_EQ(tech.status, 403);
  EXPECT_EQ(body_of(tech)["error"], "user 'tech' (technician) may not manage interfaces");
  EXPECT_EQ(post("/api/outbox/999/retry", "admin").status, 404);
  const http::Response retried = post("/api/outbox/" + std::to_string(id) + "/retry", "admin");
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(body_of(retried)["status"], "pending");
  const store::OutboxMessage stored = stored_outbox(id);
  EXPECT_EQ(stored.status, store::OutboxStatus::kPending);
  EXPECT_EQ(stored.attempts, 0);
  const http::Response again = post("/api/outbox/" + std::to_string(id) + "/retry", "admin");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(body_of(again)["code"], "failed_precondition");
}

}  // namespace
}  // namespace aliquot::server::api
