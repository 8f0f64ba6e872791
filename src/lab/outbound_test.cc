#include "lab/outbound.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hl7/message.h"
#include "lab/lab_setup.h"
#include "lab/lab_test_fixture.h"

namespace aliquot::lab {
namespace {

// The text at `path` ("OBX-11") of the HL7 message `payload`; the test fails when it does not
// parse.
std::string field(const std::string& payload, const std::string& path) {
  const hl7::Message message = must(hl7::Message::parse(payload));
  return must(message.get(path)).text();
}

class OutboundTest : public LabTest {
 protected:
  Result<void> set(const std::string& key, const std::string& value,
                   const std::string& user = "admin") {
    return write([&](store::Transaction& tx) {
      return set_outbound_setting(tx, as(user), SetOutboundSetting{key, value});
    });
  }
  void send_results_to(const std::string& destination) {
    must(set(std::string(kOutboundResultsDestination), destination));
  }
  // Every outbox message, oldest first.
  std::vector<store::OutboxMessage> outbox() {
    std::vector<store::OutboxMessage> messages = must(
        read([&](store::Transaction& tx) { return tx.list_outbox_messages(std::nullopt, 1000); }));
    return std::vector<store::OutboxMessage>(messages.rbegin(), messages.rend());
  }
  Result<core::TestResult> correct(const std::string& accession_number, const std::string& code,
                                   const std::string& value) {
    CorrectResult command;
    command.accession_number = accession_number;
    command.test_code = code;
    command.value = value;
    command.reason = "sample mix-up on the analyzer";
    return write([&](store::Transaction& tx) { return correct_result(tx, as("mls"), command); });
  }
  Result<core::TestResult> try_release(const std::string& accession_number,
                                       const std::string& code) {
    ReleaseResult command;
    command.accession_number = accession_number;
    command.test_code = code;
    return write([&](store::Transaction& tx) { return release_result(tx, as("tech"), command); });
  }
  Result<store::OutboxMessage> retry(std::int64_t id, const std::string& user = "admin") {
    return write([&](store::Transaction& tx) { return retry_outbox_message(tx, as(user), id); });
  }
  void mark(std::int64_t id, store::OutboxStatus status, const std::string& error) {
    must(write([&](store::Transaction& tx) -> Result<void> {
      ALIQUOT_ASSIGN_OR_RETURN(std::optional<store::OutboxMessage> message,
                               tx.find_outbox_message(id));
      message->status = status;
      message->attempts = 1;
      message->last_attempt_at = clock_.now();
      if (status == store::OutboxStatus::kDelivered) message->delivered_at = clock_.now();
      message->last_error = error;
      return tx.update_outbox_message(*message);
    }));
  }
};

TEST_F(OutboundTest, ReleaseQueuesNothingWithoutADestination) {
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");
  EXPECT_TRUE(outbox().empty());
  EXPECT_EQ(must(read([](store::Transaction& tx) { return outbound_results_destination(tx); })),
            std::nullopt);
}

TEST_F(OutboundTest, ReleaseQueuesOnePendingOruForTheResultInItsTransaction) {
  send_results_to("ehr");
  const core::Specimen serum = received_order("MRN-1", {"BMP"})[0];
  enter(serum.accession_number, "K", "4.1");
  clock_.advance(std::chrono::minutes(3));
  const std::size_t audit_before = audit_size();
  release(serum.accession_number, "K");

  const std::vector<store::OutboxMessage> messages = outbox();
  ASSERT_EQ(messages.size(), 1u);
  const store::OutboxMessage& message = messages[0];
  EXPECT_EQ(message.status, store::OutboxStatus::kPending);
  EXPECT_EQ(message.destination, "ehr");
  EXPECT_EQ(message.message_type, "ORU^R01");
  EXPECT_EQ(message.message_id, "ALQ1");
  EXPECT_EQ(message.subject, serum.accession_number + "/K");
  EXPECT_EQ(message.created_at, clock_.now());
  EXPECT_EQ(message.next_attempt_at, clock_.now());
  EXPECT_EQ(message.attempts, 0);
  EXPECT_EQ(message.delivered_at, std::nullopt);

  const std::string& payload = message.payload;
  EXPECT_EQ(field(payload, "MSH-9"), "ORU^R01^ORU_R01");
  EXPECT_EQ(field(payload, "MSH-10"), "ALQ1");
  EXPECT_EQ(field(payload, "MSH-3"), "ALIQUOT");
  EXPECT_EQ(field(payload, "MSH-4"), "Test laboratory");
  EXPECT_EQ(field(payload, "MSH-5"), "ehr");
  EXPECT_EQ(field(payload, "PID-3.1"), "MRN-1");
  EXPECT_EQ(field(payload, "OBR-4.1"), "BMP");  // ordered as the panel
  EXPECT_EQ(field(payload, "OBX-3.1"), "2823-3");
  EXPECT_EQ(field(payload, "OBX-3.3"), "LN");
  EXPECT_EQ(field(payload, "OBX-3.4"), "K");
  EXPECT_EQ(field(payload, "OBX-5"), "4.1");
  EXPECT_EQ(field(payload, "OBX-11"), "F");
  EXPECT_EQ(field(payload, "OBX-23.1"), "Test laboratory");
  EXPECT_EQ(field(payload, "SPM-2.2"), serum.accession_number);
  const hl7::Message parsed = must(hl7::Message::parse(payload));
  EXPECT_EQ(parsed.count("OBX"), 1u);  // the released result only, not its pending siblings

  // The outbox is not patient data: the release is audited once, as without a destination.
  const std::vector<core::AuditEntry> audited = audit_since(audit_before);
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].action, "result.release");
}

TEST_F(OutboundTest, TheReportCarriesThePlacersOrderNumberAndTheLabsAsFiller) {
  send_results_to("ehr");
  patient("MRN-1");
  PlaceOrder command;
  command.mrn = "MRN-1";
  command.test_codes = {"K"};
  command.ordering_provider = "Dr Park";
  command.placer_order_number = "EHR-4471";
  const core::Order from_ehr =
      must(write([&](store::Transaction& tx) { return place_order(tx, as("analyzer"), command); }));
  const core::Specimen serum = accession(from_ehr.order_number)[0];
  receive(serum.accession_number);
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");

  const core::Order in_lab = order("MRN-1", {"NA"});
  const core::Specimen second = accession(in_lab.order_number)[0];
  receive(second.accession_number);
  enter(second.accession_number, "NA", "140");
  release(second.accession_number, "NA");

  const std::vector<store::OutboxMessage> messages = outbox();
  ASSERT_EQ(messages.size(), 2u);
  const std::string& ehr_report = messages[0].payload;
  EXPECT_EQ(field(ehr_report, "ORC-2"), "EHR-4471");
  EXPECT_EQ(field(ehr_report, "OBR-2"), "EHR-4471");
  EXPECT_EQ(field(ehr_report, "ORC-3"), from_ehr.order_number);
  EXPECT_EQ(field(ehr_report, "OBR-3"), from_ehr.order_number);
  // Placed in the lab: no placer number to give, the lab's number as the filler's only.
  const std::string& lab_report = messages[1].payload;
  EXPECT_EQ(field(lab_report, "ORC-2"), "");
  EXPECT_EQ(field(lab_report, "OBR-2"), "");
  EXPECT_EQ(field(lab_report, "ORC-3"), in_lab.order_number);
  EXPECT_EQ(field(lab_report, "OBR-3"), in_lab.order_number);
}

TEST_F(OutboundTest, CorrectionQueuesASecondMessageMarkedCorrected) {
  send_results_to("ehr");
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");
  clock_.advance(std::chrono::hours(1));
  must(correct(serum.accession_number, "K", "5.4"));

  const std::vector<store::OutboxMessage> messages = outbox();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(field(messages[0].payload, "OBX-11"), "F");
  EXPECT_EQ(field(messages[0].payload, "OBX-5"), "4.1");
  const store::OutboxMessage& corrected = messages[1];
  EXPECT_GT(corrected.id, messages[0].id);  // sent after the original (outbox/sender.h)
  EXPECT_EQ(corrected.message_id, "ALQ2");
  EXPECT_EQ(corrected.subject, messages[0].subject);
  EXPECT_EQ(corrected.created_at, clock_.now());
  EXPECT_EQ(field(corrected.payload, "MSH-10"), "ALQ2");
  EXPECT_EQ(field(corrected.payload, "OBX-3.1"), "2823-3");
  EXPECT_EQ(field(corrected.payload, "OBX-5"), "5.4");
  EXPECT_EQ(field(corrected.payload, "OBX-11"), "C");
  EXPECT_EQ(field(corrected.payload, "OBR-25"), "C");
  EXPECT_EQ(field(corrected.payload, "OBR-4.1"), "2823-3");  // ordered on its own: the test
  EXPECT_EQ(field(corrected.payload, "OBR-4.4"), "K");
}

TEST_F(OutboundTest, ARefusedReleaseQueuesNothing) {
  send_results_to("ehr");
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "6.8");  // critical: no release before the call

  const Result<core::TestResult> refused = try_release(serum.accession_number, "K");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(outbox().empty());

  // Nothing of the refused attempt was kept, not even a control id.
  call(serum.accession_number, "K");
  release(serum.accession_number, "K");
  const std::vector<store::OutboxMessage> messages = outbox();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].message_id, "ALQ1");
  EXPECT_EQ(field(messages[0].payload, "OBX-8"), "HH");
}

TEST_F(OutboundTest, ARefusedCorrectionQueuesNothing) {
  send_results_to("ehr");
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");
  // A critical corrected value needs its call recorded with it.
  EXPECT_FALSE(correct(serum.accession_number, "K", "7.2").has_value());
  EXPECT_EQ(outbox().size(), 1u);
}

TEST_F(OutboundTest, SwitchingTheDestinationOffStopsQueueing) {
  send_results_to("ehr");
  send_results_to("");
  const core::Specimen serum = received_order("MRN-1", {"K"})[0];
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");
  EXPECT_TRUE(outbox().empty());
}

TEST_F(OutboundTest, MessagesCarryTheLabsConfiguredIdentity) {
  send_results_to("ehr");
  must(set("outbound.hl7.sending_application", "LIS"));
  must(set("outbound.hl7.sending_facility", "ACL"));
  must(set("outbound.results.receiving_application", "EPIC"));
  must(set("outbound.results.receiving_facility", "MERCY"));
  must(set("lab.clia_id", "05D2191150"));
  must(set("lab.city", "Springfield"));
  must(set("lab.country", "USA"));
  must(set("lab.director_family_name", "Curie"));
  const core::Specimen blood = received_order("MRN-1", {"HGB"})[0];
  enter(blood.accession_number, "HGB", "13.1");
  release(blood.accession_number, "HGB");

  const std::string payload = outbox().at(0).payload;
  EXPECT_EQ(field(payload, "MSH-3"), "LIS");
  EXPECT_EQ(field(payload, "MSH-4"), "ACL");
  EXPECT_EQ(field(payload, "MSH-5"), "EPIC");
  EXPECT_EQ(field(payload, "MSH-6"), "MERCY");
  EXPECT_EQ(field(payload, "PID-3.4"), "ACL");
  EXPECT_EQ(field(payload, "OBX-23.10"), "05D2191150");
  EXPECT_EQ(field(payload, "OBX-24.3"), "Springfield");
  EXPECT_EQ(field(payload, "OBX-24.6"), "USA");
  EXPECT_EQ(field(payload, "OBX-25.2"), "Curie");

  const OutboundSettings settings =
      must(read([](store::Transaction& tx) { return read_outbound_settings(tx); }));
  EXPECT_EQ(settings.results_destination, "ehr");
  EXPECT_EQ(settings.performing_organization.name, "Test laboratory");
}

TEST_F(OutboundTest, SettingsAreAuditedAndCheckedAndKeptToThoseWhoManageInterfaces) {
  const std::size_t before = audit_size();
  send_results_to("ehr");
  const std::vector<core::AuditEntry> audited = audit_since(before);
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].action, "setting.set");
  EXPECT_EQ(audited[0].entity_key, "outbound.results.destination");
  EXPECT_EQ(audited[0].actor, "admin");
  EXPECT_EQ(audited[0].after, R"({"key":"outbound.results.destination","value":"ehr"})");

  must(set(std::string(kOutboundResultsDestination), "lab-feed", "super"));

  const Result<void> tech = set(std::string(kOutboundResultsDestination), "x", "tech");
  ASSERT_FALSE(tech.has_value());
  EXPECT_EQ(tech.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(tech.error().message(), "user 'tech' (technician) may not manage interfaces");

  const Result<void> clia = set("lab.clia_id", "5D2191150");
  ASSERT_FALSE(clia.has_value());
  EXPECT_EQ(clia.error().message(),
            "setting lab.clia_id: '5D2191150' is not a CLIA number (two digits, D, seven digits: "
            "05D2191150)");
  const Result<void> name = set(std::string(kOutboundResultsDestination), "Main EHR");
  ASSERT_FALSE(name.has_value());
  EXPECT_EQ(name.error().message(),
            "setting outbound.results.destination: 'Main EHR' is not a destination name (1 to 64 "
            "of a-z 0-9 . _ -)");
  const Result<void> unknown = set("outbound.colour", "blue");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().message().rfind("unknown setting 'outbound.colour'; the settings are: "
                                            "outbound.results.destination, ",
                                            0),
            0u)
      << unknown.error().message();
  EXPECT_EQ(must(read([](store::Transaction& tx) { return outbound_results_destination(tx); })),
            "lab-feed");
}

TEST_F(OutboundTest, AReleaseWhoseReportCannotBeWrittenIsRefused) {
  // A lab adds a test on a specimen type HL7 table 0487 has no code for here.
  std::string text = kTestCatalogText;
  text.replace(text.find("version = \"t1\""), 14, "version = \"t2\"");
  text += R"toml(
[[specimen_type]]
code = "csf"
name = "Cerebrospinal fluid"

[[test]]
code = "CSFGLU"
name = "Glucose, CSF"
loinc = "2342-4"
section = "chemistry"
specimen_type = "csf"
container = "sst"
unit = "mg/dL"
decimals = 0
reference = [{ low = 40, high = 70 }]
)toml";
  must(load_catalog_version(*store_, clock_, "admin", text, "t2.toml"));
  catalog_ = must(current_catalog(*store_));
  send_results_to("ehr");
  const core::Specimen csf = received_order("MRN-1", {"CSFGLU"})[0];
  enter(csf.accession_number, "CSFGLU", "55");

  const Result<core::TestResult> refused = try_release(csf.accession_number, "CSFGLU");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "the ORU^R01 reporting " + csf.accession_number +
                "/CSFGLU to destination 'ehr' cannot be written: specimen type 'csf' of "
                "accession " +
                csf.accession_number + " has no HL7 table 0487 code");
  EXPECT_EQ(result_of(csf.accession_number, "CSFGLU").status, core::ResultStatus::kPreliminary);
  EXPECT_TRUE(outbox().empty());
}

TEST(OrderedService, IsTheFirstRequestedCodeThatCoversTheTest) {
  const catalog::LoadOutcome loaded = catalog::load_catalog(kTestCatalogText, "test-menu.toml");
  ASSERT_TRUE(loaded.catalog.has_value());
  const catalog::Catalog& menu = *loaded.catalog;
  core::Order order;
  order.requested_codes = {"hgb", "bmp", "K"};
  const std::optional<hl7::OrderedService> potassium = ordered_service(menu, order, "K");
  ASSERT_TRUE(potassium.has_value());
  EXPECT_EQ(potassium->code, "BMP");
  EXPECT_EQ(potassium->name, "Basic metabolic panel (short)");
  EXPECT_EQ(potassium->loinc, "");
  EXPECT_EQ(ordered_service(menu, order, "HGB"), std::nullopt);
  EXPECT_EQ(ordered_service(menu, order, "TROPI"), std::nullopt);  // not requested
  EXPECT_EQ(ordered_service(menu, order, "GONE"), std::nullopt);   // no longer in the menu

  order.requested_codes = {"K", "BMP"};
  EXPECT_EQ(ordered_service(menu, order, "K"), std::nullopt);
  EXPECT_EQ(ordered_service(menu, order, "NA")->code, "BMP");
}

class RetryTest : public OutboundTest {
 protected:
  RetryTest() {
    send_results_to("ehr");
    serum_ = received_order("MRN-1", {"K"})[0];
    enter(serum_.accession_number, "K", "4.1");
    release(serum_.accession_number, "K");
    original_ = outbox().at(0);
  }
  core::Specimen serum_;
  store::OutboxMessage original_;
};

TEST_F(RetryTest, PutsAFailedMessageBackToPendingNowAndKeepsTheHistory) {
  mark(original_.id, store::OutboxStatus::kFailed, "AR: unknown patient");
  clock_.advance(std::chrono::hours(1));
  const store::OutboxMessage retried = must(retry(original_.id, "super"));
  EXPECT_EQ(retried.status, store::OutboxStatus::kPending);
  EXPECT_EQ(retried.attempts, 0);
  EXPECT_EQ(retried.next_attempt_at, clock_.now());
  EXPECT_EQ(retried.last_error, "retried by super at " + core::format_instant(clock_.now()) +
                                    "; before: AR: unknown patient");
  EXPECT_EQ(retried.payload, original_.payload);
  EXPECT_EQ(outbox().at(0).status, store::OutboxStatus::kPending);
}

TEST_F(RetryTest, RefusesAMessageThatIsNotFailed) {
  const Result<store::OutboxMessage> pending = retry(original_.id);
  ASSERT_FALSE(pending.has_value());
  EXPECT_EQ(pending.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(pending.error().message(),
            "outbox message " + std::to_string(original_.id) + " (ORU^R01 ALQ1 for " +
                serum_.accession_number +
                "/K to ehr) is pending; only a failed message can be retried");
  EXPECT_EQ(retry(999).error().code(), ErrorCode::kNotFound);
  mark(original_.id, store::OutboxStatus::kFailed, "AE");
  EXPECT_EQ(retry(original_.id, "tech").error().code(), ErrorCode::kPermissionDenied);
}

TEST_F(RetryTest, RefusesToSendAnOriginalAfterItsDeliveredCorrection) {
  mark(original_.id, store::OutboxStatus::kFailed, "AE: try later");
  must(correct(serum_.accession_number, "K", "5.4"));
  const store::OutboxMessage correction = outbox().at(1);
  mark(correction.id, store::OutboxStatus::kDelivered, "");

  const Result<store::OutboxMessage> refused = retry(original_.id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused.error().message(),
            "outbox message " + std::to_string(original_.id) + " (ORU^R01 ALQ1 for " +
                serum_.accession_number + "/K to ehr) was followed by outbox message " +
                std::to_string(correction.id) +
                " (ALQ2) about the same subject, already delivered; sending the older one now "
                "would replace the newer report at the receiver");
  EXPECT_EQ(outbox().at(0).status, store::OutboxStatus::kFailed);
}

TEST_F(RetryTest, AllowsAnOriginalWhoseCorrectionWasNotDeliveredEither) {
  mark(original_.id, store::OutboxStatus::kFailed, "AE: unknown order");
  must(correct(serum_.accession_number, "K", "5.4"));
  mark(outbox().at(1).id, store::OutboxStatus::kFailed, "AE: unknown order");
  // Both go again, the original first (id order, outbox/sender.h).
  EXPECT_TRUE(retry(original_.id).has_value());
  EXPECT_TRUE(retry(outbox().at(1).id).has_value());
}

}  // namespace
}  // namespace aliquot::lab
