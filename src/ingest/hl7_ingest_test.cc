#include "ingest/hl7_ingest.h"

#include <gtest/gtest.h>

#include <future>

#include "hl7/message.h"
#include "ingest/accounts.h"
#include "lab/lab_test_fixture.h"
#include "lab/quality_control.h"

namespace aliquot::ingest {
namespace {

// Segments joined with CR, as a sender writes them.
std::string message(std::initializer_list<std::string> segments) {
  std::string text;
  for (const std::string& segment : segments) text += segment + "\r";
  return text;
}

class Hl7IngestTest : public lab::LabTest {
 protected:
  Hl7IngestTest() {
    core::User account;
    account.username = "if.hl7";
    account.display_name = "EHR interface";
    account.role = core::Role::kInterface;
    lab::must(write([&](store::Transaction& tx) { return tx.insert_user(account); }));
    // Times without an offset are read in the lab's zone: fixed here, whatever the machine's.
    lab::must(
        write([&](store::Transaction& tx) { return tx.set_setting("lab.time_zone", "UTC"); }));
  }

  // Sends `bytes` through the pipeline as a listener does, to `ingest` (else ingest_); the ACK.
  hl7::Message send(const std::string& bytes, const Hl7Ingest* ingest = nullptr) {
    const Hl7Ingest& to = ingest != nullptr ? *ingest : ingest_;
    std::promise<std::string> ack;
    {
      Pipeline pipeline(*store_);
      std::shared_ptr<Hl7Received> received = to.receive(bytes, "127.0.0.1:40000");
      EXPECT_TRUE(pipeline.submit(
          to.job(received, [&ack](std::string text) { ack.set_value(std::move(text)); })));
    }
    acks_.push_back(ack.get_future().get());
    return lab::must(hl7::Message::parse(acks_.back()));
  }
  static std::string get(const hl7::Message& m, const char* path) {
    return lab::must(m.get(path)).text();
  }
  std::vector<store::QuarantinedMessage> quarantine() {
    return read([](store::Transaction& tx) {
      return lab::must(tx.list_quarantined_messages(store::QuarantineStatus::kHeld, 100));
    });
  }

  std::string oru(const std::string& control_id, const std::string& accession,
                  const std::string& obx3_k, const std::string& k_value) {
    return message({"MSH|^~\\&|LABNET|REF^1234|ALIQUOT|LAB|20261121083000||ORU^R01^ORU_R01|" +
                        control_id + "|P|2.5.1",
                    "PID|1||MRN-1^^^LAB^MR||Doe^Jane||19800501|F",
                    "OBR|1||" + accession + "|24321-2^BMP^LN",
                    "OBX|1|NM|" + obx3_k + "||" + k_value + "|mmol/L|3.5-5.1||||F",
                    "OBX|2|NM|2951-2^Sodium^LN||140|mmol/L|136-145||||F",
                    "OBX|3|NM|2345-7^Glucose^LN||||||||X"});
  }

  // An OML^O21 from the EHR for Ana Rivera (MRN-77) with `orders`: ORC/OBR... segments.
  static std::string oml(const std::string& control_id, std::initializer_list<std::string> orders) {
    std::string text =
        message({"MSH|^~\\&|EPIC|GENHOSP|ALIQUOT|LAB|20261121080000||OML^O21^OML_O21|" +
                     control_id + "|P|2.5.1",
                 "PID|1||MRN-77^^^GENHOSP^MR||Rivera^Ana||19900315|F"});
    for (const std::string& segment : orders) text += segment + "\r";
    return text;
  }
  // The lab's order with placer order number `placer` (exactly one).
  core::Order order_with_placer(const std::string& placer) {
    return read([&](store::Transaction& tx) {
      const core::Patient patient = *lab::must(tx.find_patient_by_mrn("MRN-77"));
      std::vector<core::Order> found;
      for (const core::Order& order : lab::must(tx.orders_for_patient(patient.id))) {
        if (order.placer_order_number == placer) found.push_back(order);
      }
      EXPECT_EQ(found.size(), 1u) << placer;
      return found.empty() ? core::Order() : found.front();
    });
  }
  // The segment ids of a message in order: "MSH MSA PID ORC OBR".
  static std::string shape(const hl7::Message& m) {
    std::string ids;
    for (const hl7::Segment segment : m.segments()) {
      ids += (ids.empty() ? "" : " ") + std::string(segment.id());
    }
    return ids;
  }

  InstrumentProfiles profiles_;
  Hl7Ingest ingest_{*catalog_, profiles_, clock_};
  std::vector<std::string> acks_;  // the parsed ACKs view these bytes
};

TEST_F(Hl7IngestTest, ResultsAreRecordedAndAcknowledgedAfterTheCommit) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA", "GLU"})[0];
  const hl7::Message ack = send(oru("MSG1", serum.accession_number, "2823-3^Potassium^LN", "5.4"));
  EXPECT_EQ(get(ack, "MSA-1"), "AA");
  EXPECT_EQ(get(ack, "MSA-2"), "MSG1");
  EXPECT_EQ(get(ack, "MSA-3"), "2 result(s) recorded on 1 specimen(s), 1 not reported");
  EXPECT_EQ(get(ack, "MSH-5"), "LABNET");
  const core::TestResult k = result_of(serum.accession_number, "K");
  ASSERT_TRUE(k.value.has_value());
  EXPECT_DOUBLE_EQ(k.value->number, 5.4);
  EXPECT_EQ(k.flag, core::AbnormalFlag::kHigh);
  EXPECT_EQ(k.entered_by, "if.hl7");
  EXPECT_FALSE(result_of(serum.accession_number, "GLU").value.has_value());  // OBX-11 X
}

TEST_F(Hl7IngestTest, AMessageSentAgainIsAcknowledgedButNotAppliedTwice) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  send(oru("MSG1", serum.accession_number, "2823-3^Potassium^LN", "4.0"));
  const std::size_t before = audit_size();
  // Even with a different value: the same MSH-10 from the same sender is the same message.
  const hl7::Message again =
      send(oru("MSG1", serum.accession_number, "2823-3^Potassium^LN", "4.4"));
  EXPECT_EQ(get(again, "MSA-1"), "AA");
  EXPECT_NE(get(again, "MSA-3").find("duplicate of message MSG1 applied"), std::string::npos);
  EXPECT_EQ(audit_size(), before);
  EXPECT_DOUBLE_EQ(result_of(serum.accession_number, "K").value->number, 4.0);
}

TEST_F(Hl7IngestTest, ARefusedMessageIsQuarantinedWhole) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  const std::string bytes = oru("MSG2", serum.accession_number, "9999-9^Mystery^LN", "4.0");
  const hl7::Message ack = send(bytes);
  EXPECT_EQ(get(ack, "MSA-1"), "AE");
  EXPECT_EQ(get(ack, "ERR-2.1"), "OBX");
  EXPECT_EQ(get(ack, "ERR-2.2"), "1");
  EXPECT_EQ(get(ack, "ERR-2.3"), "3");
  EXPECT_EQ(get(ack, "ERR-8"),
            "OBX(1)-3: observation '9999-9^Mystery^LN' is not a test of the catalog (by code "
            "or LOINC)");
  // Sodium, which was fine, was not applied either: a message is applied whole or not at all.
  EXPECT_FALSE(result_of(serum.accession_number, "NA").value.has_value());
  const std::vector<store::QuarantinedMessage> held = quarantine();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].message_id, "MSG2");
  EXPECT_EQ(held[0].sender, "LABNET^REF");
  EXPECT_EQ(held[0].message_type, "ORU^R01");
  EXPECT_EQ(held[0].peer, "127.0.0.1:40000");
  const auto full = read(
      [&](store::Transaction& tx) { return lab::must(tx.find_quarantined_message(held[0].id)); });
  EXPECT_EQ(full->content, bytes);
}

TEST_F(Hl7IngestTest, ResultsForASpecimenNotReceivedAreRefusedNamingTheSpecimen) {
  patient("MRN-1");
  const core::Specimen collected = accession(order("MRN-1", {"K", "NA"}).order_number)[0];
  const hl7::Message ack =
      send(oru("MSG3", collected.accession_number, "2823-3^Potassium^LN", "4.0"));
  EXPECT_EQ(get(ack, "MSA-1"), "AE");
  EXPECT_EQ(get(ack, "ERR-8"), "OBX(1): specimen " + collected.accession_number +
                                   " is not received yet; receive it before entering results");
  EXPECT_EQ(quarantine().size(), 1u);
}

TEST_F(Hl7IngestTest, BytesThatAreNoMessageAreRejectedAndKept) {
  const hl7::Message ack = send("this is not HL7");
  EXPECT_EQ(get(ack, "MSA-1"), "AR");
  ASSERT_EQ(quarantine().size(), 1u);
  EXPECT_FALSE(quarantine()[0].reason.empty());
}

TEST_F(Hl7IngestTest, AMessageTypeNotAcceptedIsRejected) {
  const hl7::Message ack =
      send(message({"MSH|^~\\&|A|B|C|D|20261121||ADT^A01|X1|P|2.5.1", "PID|1||MRN-9||Doe^John"}));
  EXPECT_EQ(get(ack, "MSA-1"), "AR");
  EXPECT_NE(get(ack, "ERR-8").find("message type ADT^A01 is not accepted"), std::string::npos);
}

TEST_F(Hl7IngestTest, AnOrderRegistersThePatientPlacesAndAccessionsIt) {
  const hl7::Message ack = send(message(
      {"MSH|^~\\&|EPIC|GENHOSP|ALIQUOT|LAB|20261121080000||OML^O21^OML_O21|ORD1|P|2.5.1",
       "PID|1||MRN-77^^^GENHOSP^MR||Rivera^Ana||19900315|F", "ORC|NW|PL-1001||||||||||^Smith^Ann",
       "TQ1|1||||||||S", "OBR|1|PL-1001||BMP^Basic metabolic panel^L|||202603100745",
       "ORC|NW|PL-1001", "OBR|2|PL-1001||718-7^Hemoglobin^LN|||202603100745"}));
  EXPECT_EQ(get(ack, "MSA-1"), "AA") << get(ack, "ERR-8");
  const std::string text = get(ack, "MSA-3");
  EXPECT_NE(text.find("(placer PL-1001), specimens "), std::string::npos) << text;
  const auto orders = read([&](store::Transaction& tx) {
    const core::Patient patient = *lab::must(tx.find_patient_by_mrn("MRN-77"));
    EXPECT_EQ(patient.family_name, "Rivera");
    EXPECT_EQ(core::format_date(patient.birth_date), "1990-03-15");
    return lab::must(tx.orders_for_patient(patient.id));
  });
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].placer_order_number, "PL-1001");
  EXPECT_EQ(orders[0].priority, core::Priority::kStat);
  EXPECT_EQ(orders[0].ordering_provider, "Ann Smith");
  EXPECT_EQ(orders[0].requested_codes, (std::vector<std::string>{"BMP", "HGB"}));
  const auto specimens =
      read([&](store::Transaction& tx) { return lab::must(tx.specimens_for_order(orders[0].id)); });
  ASSERT_EQ(specimens.size(), 2u);  // SST for the BMP, EDTA for the hemoglobin
  EXPECT_EQ(core::format_instant(specimens[0].collected_at), "2026-03-10T07:45:00Z");
}

TEST_F(Hl7IngestTest, AnOrderForAKnownMrnWithAnotherNameIsRefused) {
  patient("MRN-1");  // registered as Doe, born 1980-05-01
  const hl7::Message ack =
      send(message({"MSH|^~\\&|EPIC|GENHOSP|ALIQUOT|LAB|20261121080000||ORM^O01|ORD2|P|2.3",
                    "PID|1||MRN-1||Smith^Jane||19800501|F", "ORC|NW|PL-2||||||||||^Smith^Ann",
                    "OBR|1|PL-2||K"}));
  EXPECT_EQ(get(ack, "MSA-1"), "AE");
  EXPECT_EQ(get(ack, "ERR-8"),
            "PID(1)-5: family name 'Smith' differs from 'Doe' registered for MRN MRN-1");
  // The ORM^O01 is answered with an ORR^O02 whose order is unable to be accepted; the patient
  // is named by the identifier sent, not by the name that did not match.
  EXPECT_EQ(ack.header().field(9).raw(), "ORR^O02^ORR_O02");
  EXPECT_EQ(shape(ack), "MSH MSA ERR PID ORC OBR");
  EXPECT_EQ(get(ack, "PID-3.1"), "MRN-1");
  EXPECT_FALSE(ack.get(*hl7::parse_path("PID-5")).has_value());
  EXPECT_EQ(get(ack, "ORC-1"), "UA");
  EXPECT_EQ(get(ack, "ORC-2"), "PL-2");
  EXPECT_FALSE(ack.get(*hl7::parse_path("ORC-3")).has_value());
  EXPECT_EQ(get(ack, "OBR-4"), "K");
}

TEST_F(Hl7IngestTest, AnOmlIsAnsweredWithAnOrlNamingThePlacersAndTheLabsOrderNumbers) {
  const hl7::Message reply =
      send(oml("ORD10", {"ORC|NW|PL-1^EPIC||||||||||^Smith^Ann", "OBR|1|PL-1^EPIC||K",
                         "ORC|NW|PL-2^EPIC||||||||||^Smith^Ann", "OBR|2|PL-2^EPIC||718-7^Hgb^LN"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AA") << get(reply, "ERR-8");
  EXPECT_EQ(reply.header().field(9).raw(), "ORL^O22^ORL_O22");
  EXPECT_EQ(get(reply, "MSH-5"), "EPIC");
  EXPECT_EQ(get(reply, "MSA-2"), "ORD10");
  EXPECT_EQ(shape(reply), "MSH MSA PID ORC OBR ORC OBR");
  EXPECT_EQ(reply.get(*hl7::parse_path("PID-3")).raw(), "MRN-77^^^GENHOSP^MR");
  EXPECT_EQ(get(reply, "PID-5.1"), "Rivera");
  EXPECT_EQ(get(reply, "PID-7"), "19900315");
  const core::Order first = order_with_placer("PL-1");
  const core::Order second = order_with_placer("PL-2");
  EXPECT_NE(first.order_number, second.order_number);
  EXPECT_EQ(get(reply, "ORC(1)-1"), "OK");
  EXPECT_EQ(reply.get(*hl7::parse_path("ORC(1)-2")).raw(), "PL-1^EPIC");
  EXPECT_EQ(get(reply, "ORC(1)-3"), first.order_number);
  EXPECT_EQ(get(reply, "OBR(1)-3"), first.order_number);
  EXPECT_EQ(get(reply, "OBR(1)-4"), "K");
  EXPECT_EQ(get(reply, "ORC(2)-1"), "OK");
  EXPECT_EQ(get(reply, "ORC(2)-3"), second.order_number);
  EXPECT_EQ(reply.get(*hl7::parse_path("OBR(2)-4")).raw(), "718-7^Hgb^LN");
}

TEST_F(Hl7IngestTest, AnOrmIsAnsweredWithAnOrr) {
  const hl7::Message reply = send(message(
      {"MSH|^~\\&|EHR|CLINIC|ALIQUOT|LAB|20261121080000||ORM^O01|ORD11|P|2.3",
       "PID|1||MRN-5||Doe^John||19700101|M", "ORC|NW|PL-7||||||||||^Smith^Ann", "OBR|1|PL-7||K"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AA") << get(reply, "ERR-8");
  EXPECT_EQ(reply.header().field(9).raw(), "ORR^O02^ORR_O02");
  EXPECT_EQ(get(reply, "MSH-12"), "2.3");
  EXPECT_EQ(shape(reply), "MSH MSA PID ORC OBR");
  EXPECT_EQ(get(reply, "ORC-1"), "OK");
  EXPECT_EQ(get(reply, "ORC-2"), "PL-7");
  const core::Patient john =
      read([](store::Transaction& tx) { return *lab::must(tx.find_patient_by_mrn("MRN-5")); });
  const std::vector<core::Order> orders =
      read([&](store::Transaction& tx) { return lab::must(tx.orders_for_patient(john.id)); });
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(get(reply, "ORC-3"), orders[0].order_number);
}

TEST_F(Hl7IngestTest, AnOrderSentAgainGetsTheSameKindOfAnswerWithoutASecondOrder) {
  const std::string bytes = oml("ORD12", {"ORC|NW|PL-3||||||||||^Smith^Ann", "OBR|1|PL-3||K"});
  const hl7::Message first = send(bytes);
  ASSERT_EQ(get(first, "MSA-1"), "AA") << get(first, "ERR-8");
  const std::size_t audit_before = audit_size();
  const hl7::Message again = send(bytes);
  EXPECT_EQ(get(again, "MSA-1"), "AA");
  EXPECT_NE(get(again, "MSA-3").find("duplicate of message ORD12 applied"), std::string::npos);
  EXPECT_EQ(again.header().field(9).raw(), "ORL^O22^ORL_O22");
  EXPECT_EQ(shape(again), "MSH MSA PID ORC OBR");
  EXPECT_EQ(get(again, "ORC-1"), "OK");
  EXPECT_EQ(get(again, "ORC-3"), order_with_placer("PL-3").order_number);  // one order only
  EXPECT_EQ(audit_size(), audit_before);
}

TEST_F(Hl7IngestTest, ResultsAreStillAnsweredWithAnAck) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA", "GLU"})[0];
  const hl7::Message ack = send(oru("MSG9", serum.accession_number, "2823-3^Potassium^LN", "4.1"));
  EXPECT_EQ(ack.header().field(9).raw(), "ACK^R01^ACK");
  EXPECT_EQ(shape(ack), "MSH MSA");
}

TEST_F(Hl7IngestTest, ACancelRequestCancelsTheOrderWithTheReasonGiven) {
  ASSERT_EQ(
      get(send(oml("ORD20", {"ORC|NW|PL-5||||||||||^Smith^Ann", "OBR|1|PL-5||BMP"})), "MSA-1"),
      "AA");
  const core::Order order = order_with_placer("PL-5");
  clock_.advance(std::chrono::minutes(30));
  const std::size_t audit_before = audit_size();

  const hl7::Message reply =
      send(oml("ORD21", {"ORC|CA|PL-5" + std::string(14, '|') + "DUP^Duplicate order^L",
                         "OBR|1|PL-5||BMP"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AA") << get(reply, "ERR-8");
  EXPECT_EQ(get(reply, "MSA-3"),
            "order " + order.order_number + " (placer PL-5): 3 test(s) cancelled");
  EXPECT_EQ(shape(reply), "MSH MSA PID ORC OBR");
  EXPECT_EQ(get(reply, "ORC-1"), "CR");
  EXPECT_EQ(get(reply, "ORC-2"), "PL-5");
  EXPECT_EQ(get(reply, "ORC-3"), order.order_number);
  for (const core::TestResult& result : results_of_order(order.order_number)) {
    EXPECT_EQ(result.status, core::ResultStatus::kCancelled) << result.test_code;
    EXPECT_EQ(result.cancel_reason, "Duplicate order");
    EXPECT_EQ(result.cancelled_by, "if.hl7");
  }
  const std::vector<core::AuditEntry> audited = audit_since(audit_before);
  ASSERT_GE(audited.size(), 1u);
  EXPECT_EQ(audited[0].action, "order.cancel");
  EXPECT_EQ(audited[0].reason, "Duplicate order");

  // Asked again (a new message): cancelled as requested, and nothing is written twice.
  const std::size_t audit_after = audit_size();
  const hl7::Message again = send(oml("ORD22", {"ORC|CA|PL-5", "OBR|1|PL-5||BMP"}));
  EXPECT_EQ(get(again, "MSA-1"), "AA") << get(again, "ERR-8");
  EXPECT_EQ(get(again, "ORC-1"), "CR");
  EXPECT_EQ(get(again, "MSA-3"),
            "order " + order.order_number + " (placer PL-5) already cancelled");
  EXPECT_EQ(audit_size(), audit_after);
}

TEST_F(Hl7IngestTest, ACancelRequestWithoutAReasonSaysTheOrderingSystemCancelled) {
  ASSERT_EQ(get(send(oml("ORD23", {"ORC|NW|PL-6||||||||||^Smith^Ann", "OBR|1|PL-6||K"})), "MSA-1"),
            "AA");
  const hl7::Message reply =
      send(message({"MSH|^~\\&|EPIC|GENHOSP|ALIQUOT|LAB|20261121080000||ORM^O01|ORD24|P|2.3",
                    "PID|1||MRN-77||Rivera^Ana||19900315|F", "ORC|CA|PL-6"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AA") << get(reply, "ERR-8");
  EXPECT_EQ(reply.header().field(9).raw(), "ORR^O02^ORR_O02");
  EXPECT_EQ(shape(reply), "MSH MSA PID ORC");  // the ORC had no OBR
  EXPECT_EQ(get(reply, "ORC-1"), "CR");
  const core::Order order = order_with_placer("PL-6");
  EXPECT_EQ(results_of_order(order.order_number)[0].cancel_reason,
            "cancelled by the ordering system");
}

TEST_F(Hl7IngestTest, ReleasedResultsAreNotCancelledAndTheReplySaysUnableToCancel) {
  ASSERT_EQ(
      get(send(oml("ORD30", {"ORC|NW|PL-8||||||||||^Smith^Ann", "OBR|1|PL-8||BMP"})), "MSA-1"),
      "AA");
  const core::Order order = order_with_placer("PL-8");
  const core::Specimen serum = accession(order.order_number)[0];
  receive(serum.accession_number);
  enter(serum.accession_number, "K", "4.1");
  release(serum.accession_number, "K");

  const hl7::Message reply = send(oml("ORD31", {"ORC|CA|PL-8", "OBR|1|PL-8||BMP"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AA");
  EXPECT_EQ(shape(reply), "MSH MSA ERR PID ORC OBR");
  EXPECT_EQ(get(reply, "ORC-1"), "UC");
  EXPECT_EQ(get(reply, "ORC-3"), order.order_number);
  EXPECT_EQ(reply.get(*hl7::parse_path("ERR-2")).raw(), "ORC^1^1");
  EXPECT_EQ(reply.get(*hl7::parse_path("ERR-3")).raw(), "0^Message accepted^HL70357");
  EXPECT_EQ(get(reply, "ERR-4"), "W");
  EXPECT_EQ(get(reply, "ERR-8"), "ORC(1)-1: order " + order.order_number +
                                     " (placer PL-8) is not cancelled in full: K already "
                                     "released; a released result is withdrawn by correcting it");
  EXPECT_EQ(get(reply, "MSA-3"), "order " + order.order_number +
                                     " (placer PL-8): 2 test(s) cancelled, not cancelled as "
                                     "already released: K");
  EXPECT_EQ(result_of(serum.accession_number, "K").status, core::ResultStatus::kFinal);
  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kCancelled);
  EXPECT_EQ(result_of(serum.accession_number, "GLU").status, core::ResultStatus::kCancelled);

  // The same message again: the same answer, from the order as it stands.
  const hl7::Message again = send(oml("ORD31", {"ORC|CA|PL-8", "OBR|1|PL-8||BMP"}));
  EXPECT_EQ(get(again, "MSA-1"), "AA");
  EXPECT_EQ(get(again, "ORC-1"), "UC");
  EXPECT_EQ(get(again, "ERR-8"), get(reply, "ERR-8"));
}

TEST_F(Hl7IngestTest, ACancelRequestForAnUnknownOrderIsRefused) {
  ASSERT_EQ(get(send(oml("ORD40", {"ORC|NW|PL-9||||||||||^Smith^Ann", "OBR|1|PL-9||K"})), "MSA-1"),
            "AA");
  const hl7::Message reply = send(oml("ORD41", {"ORC|CA|PL-404", "OBR|1|PL-404||K"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AE");
  EXPECT_EQ(get(reply, "ERR-8"),
            "ORC(1)-2: no order with placer order number PL-404 for MRN MRN-77");
  EXPECT_EQ(reply.get(*hl7::parse_path("ERR-2")).raw(), "ORC^1^2");
  EXPECT_EQ(reply.get(*hl7::parse_path("ERR-3")).raw(), "204^Unknown key identifier^HL70357");
  EXPECT_EQ(get(reply, "ORC-1"), "UC");
  EXPECT_EQ(get(reply, "ORC-2"), "PL-404");
  EXPECT_EQ(quarantine().size(), 1u);
  EXPECT_EQ(results_of_order(order_with_placer("PL-9").order_number)[0].status,
            core::ResultStatus::kPending);
}

TEST_F(Hl7IngestTest, ACancelRequestForAPlacerNumberTheEhrUsedTwiceIsRefused) {
  for (const char* control_id : {"ORD43", "ORD44"}) {
    ASSERT_EQ(
        get(send(oml(control_id, {"ORC|NW|PL-11||||||||||^Smith^Ann", "OBR|1|PL-11||K"})), "MSA-1"),
        "AA");
  }
  const hl7::Message reply = send(oml("ORD45", {"ORC|CA|PL-11", "OBR|1|PL-11||K"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AE");
  const std::string text = get(reply, "ERR-8");
  EXPECT_EQ(text.rfind("ORC(1)-2: placer order number PL-11 names 2 orders of MRN MRN-77 (O26-", 0),
            0u)
      << text;
  EXPECT_NE(text.find("); cancel the right one in the lab"), std::string::npos) << text;
  EXPECT_EQ(get(reply, "ORC-1"), "UC");
}

TEST_F(Hl7IngestTest, ACancelRequestForAPatientTheLabNeverHadRegistersNobody) {
  const hl7::Message reply =
      send(message({"MSH|^~\\&|EPIC|GENHOSP|ALIQUOT|LAB|20261121080000||ORM^O01|ORD42|P|2.3",
                    "PID|1||MRN-404||Nobody^Known||19900315|F", "ORC|CA|PL-1"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AE");
  EXPECT_EQ(get(reply, "ERR-8"),
            "PID(1)-3: no patient with MRN MRN-404 is registered; there is no order of theirs to "
            "cancel");
  EXPECT_EQ(get(reply, "ORC-1"), "UC");
  EXPECT_FALSE(read([](store::Transaction& tx) {
    return lab::must(tx.find_patient_by_mrn("MRN-404")).has_value();
  }));
}

TEST_F(Hl7IngestTest, OrderControlsOtherThanNewAndCancelAreRefusedByName) {
  const hl7::Message reply =
      send(oml("ORD50", {"ORC|XO|PL-1||||||||||^Smith^Ann", "OBR|1|PL-1||K"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AE");
  EXPECT_EQ(get(reply, "ERR-8"),
            "ORC(1)-1: order control 'XO' is not supported (NW new order, CA cancel request)");
  EXPECT_EQ(reply.get(*hl7::parse_path("ERR-2")).raw(), "ORC^1^1");
  EXPECT_EQ(get(reply, "ORC-1"), "UA");
  EXPECT_EQ(quarantine().size(), 1u);
}

TEST_F(Hl7IngestTest, CollectionTimesWithoutAnOffsetAreTheLabsWallClock) {
  lab::must(write(
      [&](store::Transaction& tx) { return tx.set_setting("lab.time_zone", "America/Chicago"); }));
  clock_.set(lab::at("2026-03-10T20:00:00Z"));
  // 10 March 2026: daylight time in Chicago since the 8th (UTC-5); 6 March: standard (UTC-6);
  // an explicit offset is taken as sent.
  const hl7::Message reply = send(
      oml("ORD60", {"ORC|NW|PL-21||||||||||^Smith^Ann", "OBR|1|PL-21||K|||202603100745",
                    "ORC|NW|PL-22||||||||||^Smith^Ann", "OBR|2|PL-22||K|||202603060745",
                    "ORC|NW|PL-23||||||||||^Smith^Ann", "OBR|3|PL-23||K|||202603100745+0100"}));
  ASSERT_EQ(get(reply, "MSA-1"), "AA") << get(reply, "ERR-8");
  const auto collected = [&](const std::string& placer) {
    const core::Order order = order_with_placer(placer);
    const std::vector<core::Specimen> specimens =
        read([&](store::Transaction& tx) { return lab::must(tx.specimens_for_order(order.id)); });
    return specimens.empty() ? std::string("none")
                             : core::format_instant(specimens.front().collected_at);
  };
  EXPECT_EQ(collected("PL-21"), "2026-03-10T12:45:00Z");
  EXPECT_EQ(collected("PL-22"), "2026-03-06T13:45:00Z");
  EXPECT_EQ(collected("PL-23"), "2026-03-10T06:45:00Z");
}

TEST_F(Hl7IngestTest, AnOrderIsRefusedWhenTheLabsZoneIsNoLongerKnown) {
  lab::must(write(
      [&](store::Transaction& tx) { return tx.set_setting("lab.time_zone", "Atlantis/Capital"); }));
  const hl7::Message reply =
      send(oml("ORD61", {"ORC|NW|PL-24||||||||||^Smith^Ann", "OBR|1|PL-24||K|||202603100745"}));
  EXPECT_EQ(get(reply, "MSA-1"), "AE");
  EXPECT_EQ(get(reply, "ERR-8"),
            "OBR(1)-7: setting lab.time_zone: time zone 'Atlantis/Capital' is not in the time "
            "zone database (/usr/share/zoneinfo)");
}

// Every repetition of OBX-8 reaches the rules: the informational "H" passes, "W" holds.
TEST_F(Hl7IngestTest, EveryAbnormalFlagOfAnObservationReachesTheRules) {
  const rules::RuleSet rule_set = rules::RuleSetBuilder()
                                      .discipline({"chemistry", true, true, 0})
                                      .informational_flag("H")
                                      .informational_flag("N")
                                      .build();
  const Hl7Ingest judged{*catalog_, profiles_, clock_, {"if.hl7", "ACK", &rule_set}};
  const core::Specimen serum = received_order("MRN-1", {"K", "NA", "GLU"})[0];
  std::string bytes = oru("MSG-F1", serum.accession_number, "2823-3^Potassium^LN", "5.4");
  bytes.replace(bytes.find("|3.5-5.1||||F"), 13, "|3.5-5.1|H~W|||F");
  std::promise<std::string> ack;
  {
    Pipeline pipeline(*store_);
    std::shared_ptr<Hl7Received> received = judged.receive(bytes, "127.0.0.1:40000");
    ASSERT_TRUE(pipeline.submit(
        judged.job(received, [&ack](std::string text) { ack.set_value(std::move(text)); })));
  }
  const std::string ack_bytes = ack.get_future().get();  // the parsed ACK views these bytes
  const hl7::Message answer = lab::must(hl7::Message::parse(ack_bytes));
  EXPECT_EQ(get(answer, "MSA-1"), "AA");
  const core::TestResult k = result_of(serum.accession_number, "K");
  EXPECT_EQ(k.status, core::ResultStatus::kPreliminary);
  const std::vector<core::HoldReason> holds =
      lab::must(read([&](store::Transaction& tx) { return tx.holds_for_result(k.id); }));
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0].observed, "W");
  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kFinal);
}

// Control specimens from an analyzer that speaks HL7: SPM-11 Q (HL7 table 0369: control
// specimen), or a specimen id the lab registered for a control material.
class Hl7QcTest : public Hl7IngestTest {
 protected:
  Hl7QcTest() {
    lab::must(write([&](store::Transaction& tx) {
      return ensure_interface_accounts(tx, clock_, instruments_, {});
    }));
    const lab::Context mls = as("mls");
    lab::must(write([&](store::Transaction& tx) -> Result<void> {
      for (const char* level : {"1", "2"}) {
        const std::string lot = std::string("L") + level;
        ALIQUOT_RETURN_IF_ERROR(lab::add_qc_material(
            tx, mls, {"Chemistry control", "Acme", lot, level, lab::date("2030-12-31")}));
        ALIQUOT_RETURN_IF_ERROR(lab::set_qc_sample_id(tx, mls, {"chem2", "QC-" + lot, lot, level}));
      }
      const core::Instant from = lab::at("2026-03-01T00:00:00Z");
      ALIQUOT_RETURN_IF_ERROR(
          lab::set_qc_target(tx, mls, {{"L1", "1", ""}, "chem2", "GLU", 100, 2, from}));
      ALIQUOT_RETURN_IF_ERROR(
          lab::set_qc_target(tx, mls, {{"L2", "2", ""}, "chem2", "GLU", 250, 5, from}));
      return ok();
    }));
  }

  // An ORU^R01 from the analyzer: one OBR group per control, each glucose analysed at 10:55
  // (OBX-19), its SPM with role `role` (SPM-11).
  static std::string controls(const std::string& control_id, const std::string& sender,
                              std::initializer_list<std::pair<std::string, std::string>> levels,
                              const std::string& role = "Q") {
    std::string text = "MSH|^~\\&|" + sender + "|LAB|ALIQUOT|LAB|20260310110000||ORU^R01^ORU_R01|" +
                       control_id + "|P|2.5.1\r";
    int set_id = 0;
    for (const auto& [sample, value] : levels) {
      ++set_id;
      text += "OBR|" + std::to_string(set_id) + "||" + sample + "|GLU^Glucose\r";
      text += "OBX|1|NM|GLU^Glucose||" + value + "|mg/dL|||||F||||||||20260310105500\r";
      text += "SPM|" + std::to_string(set_id) + "|" + sample + std::string(9, '|') + role + "\r";
    }
    return text;
  }

  std::vector<core::QcRun> runs() {
    return read([&](store::Transaction& tx) {
      return lab::must(
          tx.qc_runs("chem2", "GLU", core::Instant{}, lab::at("2100-01-01T00:00:00Z"), 100));
    });
  }

  InstrumentProfiles instruments_{{lab::must(parse_instrument_profile(R"toml(
[instrument]
id = "chem2"
name = "Chemistry analyzer 2"
protocol = "hl7"
sender = "CHEM-2"

[codes]
"GLU" = "GLU"
)toml",
                                                                      "chem2.toml", *catalog_))}};
  Hl7Ingest analyzer_{*catalog_, instruments_, clock_};
};

TEST_F(Hl7QcTest, ControlSpecimensBecomeOneRunPerTestMeasuredAtTheirAnalysis) {
  clock_.set(lab::at("2026-03-10T11:00:00Z"));
  const hl7::Message ack =
      send(controls("QC-100", "CHEM-2", {{"QC-L1", "101"}, {"QC-L2", "251"}}), &analyzer_);
  EXPECT_EQ(get(ack, "MSA-1"), "AA");
  EXPECT_EQ(get(ack, "MSA-3"), "1 QC run(s) recorded: GLU accept");
  const std::vector<core::QcRun> recorded = runs();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].measured_at, lab::at("2026-03-10T10:55:00Z"));
  EXPECT_EQ(recorded[0].source, "HL7 chem2 message QC-100");
  EXPECT_EQ(recorded[0].recorded_by, "if.chem2");
  ASSERT_EQ(recorded[0].values.size(), 2u);
  EXPECT_DOUBLE_EQ(recorded[0].values[1].value, 251);
}

TEST_F(Hl7QcTest, ARegisteredSpecimenIdIsAControlWithoutItsRole) {
  clock_.set(lab::at("2026-03-10T11:00:00Z"));
  const hl7::Message ack =
      send(controls("QC-101", "CHEM-2", {{"QC-L1", "101"}, {"QC-L2", "251"}}, ""), &analyzer_);
  EXPECT_EQ(get(ack, "MSA-3"), "1 QC run(s) recorded: GLU accept");
  EXPECT_EQ(runs().size(), 1u);
}

TEST_F(Hl7QcTest, ARejectedRunIsAcceptedAndTheAckSaysSo) {
  clock_.set(lab::at("2026-03-10T11:00:00Z"));
  const hl7::Message ack =
      send(controls("QC-102", "CHEM-2", {{"QC-L1", "101"}, {"QC-L2", "234"}}), &analyzer_);
  EXPECT_EQ(get(ack, "MSA-1"), "AA");
  EXPECT_EQ(get(ack, "MSA-3"), "1 QC run(s) recorded: GLU reject (1-3s; 0 patient result(s) held)");
  EXPECT_EQ(runs().at(0).status, core::QcRunStatus::kReject);
}

TEST_F(Hl7QcTest, AControlSpecimenTheLabHasNotRegisteredIsRefused) {
  clock_.set(lab::at("2026-03-10T11:00:00Z"));
  const hl7::Message ack =
      send(controls("QC-103", "CHEM-2", {{"QC-L1", "101"}, {"QC-L7", "251"}}), &analyzer_);
  EXPECT_EQ(get(ack, "MSA-1"), "AE");
  EXPECT_EQ(get(ack, "ERR-8"),
            "OBR(2): QC sample 'QC-L7' is not registered for instrument chem2; register its "
            "control material with `aliquot qc sample-id set --instrument chem2 --sample-id QC-L7 "
            "--lot LOT --level LEVEL`");
  EXPECT_TRUE(runs().empty());
  EXPECT_EQ(quarantine().size(), 1u);
}

// An analyzer with no control sample id registered has its QC kept elsewhere: its controls are
// counted in the ACK and not filed.
TEST_F(Hl7QcTest, ControlsOfAnInstrumentWhoseQcIsKeptElsewhereAreCountedNotFiled) {
  const InstrumentProfiles elsewhere{
      {lab::must(parse_instrument_profile(R"toml(
[instrument]
id = "chem3"
name = "Chemistry analyzer 3"
protocol = "hl7"
sender = "CHEM-3"

[codes]
"GLU" = "GLU"
)toml",
                                          "chem3.toml", *catalog_))}};
  lab::must(write([&](store::Transaction& tx) {
    return ensure_interface_accounts(tx, clock_, elsewhere, {});
  }));
  const Hl7Ingest analyzer{*catalog_, elsewhere, clock_};
  clock_.set(lab::at("2026-03-10T11:00:00Z"));
  const hl7::Message ack =
      send(controls("QC-105", "CHEM-3", {{"QC-L1", "101"}, {"QC-L2", "251"}}), &analyzer);
  EXPECT_EQ(get(ack, "MSA-1"), "AA");
  EXPECT_EQ(get(ack, "MSA-3"),
            "2 QC sample(s) not filed: no QC sample id is registered for chem3 (its QC is kept "
            "elsewhere; `aliquot qc sample-id set` brings it here)");
  const std::vector<core::QcRun> recorded = read([&](store::Transaction& tx) {
    return lab::must(
        tx.qc_runs("chem3", "GLU", core::Instant{}, lab::at("2100-01-01T00:00:00Z"), 100));
  });
  EXPECT_TRUE(recorded.empty());
  EXPECT_TRUE(quarantine().empty());
}

TEST_F(Hl7QcTest, AControlSpecimenFromASenderWithoutAProfileIsRefused) {
  const hl7::Message ack = send(controls("QC-104", "LABNET", {{"QC-L1", "101"}}));
  EXPECT_EQ(get(ack, "MSA-1"), "AE");
  EXPECT_EQ(get(ack, "ERR-8"),
            "OBR(1): control specimen QC-L1 (SPM-11 Q) from LABNET^LAB, which has no instrument "
            "profile: QC runs are recorded from instruments only");
}

// OBX-19, the time of the analysis, decides how old the specimen was when measured.
class Hl7MeasurementTimeTest : public Hl7IngestTest {
 protected:
  // A specimen of `codes` for MRN-1 collected at `collected_at` and received now.
  core::Specimen collected(std::vector<std::string> codes, core::Instant collected_at) {
    patient("MRN-1");
    const core::Order placed = order("MRN-1", std::move(codes));
    lab::AccessionOrder command;
    command.order_number = placed.order_number;
    command.collected_at = collected_at;
    const std::vector<core::Specimen> specimens = lab::must(write(
        [&](store::Transaction& tx) { return lab::accession_order(tx, as("clerk"), command); }));
    EXPECT_EQ(specimens.size(), 1u);
    return receive(specimens.front().accession_number);
  }

  // An ORU^R01 of `observations` (OBX segments) on `accession`.
  static std::string results(const std::string& control_id, const std::string& accession,
                             std::initializer_list<std::string> observations) {
    std::string text = message(
        {"MSH|^~\\&|LABNET|REF^1234|ALIQUOT|LAB|20260310140000||ORU^R01^ORU_R01|" + control_id +
             "|P|2.5.1",
         "PID|1||MRN-1^^^LAB^MR||Doe^Pat||19800501|F", "OBR|1||" + accession + "|58410-2^CBC^LN"});
    for (const std::string& segment : observations) text += segment + "\r";
    return text;
  }
  // A hemoglobin analysed at `analysed` (OBX-19 as written).
  static std::string hemoglobin(const std::string& analysed) {
    return "OBX|1|NM|718-7^Hemoglobin^LN||13.5|g/dL|12.0-15.5||||F||||||||" + analysed;
  }

  std::vector<core::HoldReason> holds(const core::Specimen& specimen, const std::string& code) {
    const std::int64_t id = result_of(specimen.accession_number, code).id;
    return lab::must(read([&](store::Transaction& tx) { return tx.holds_for_result(id); }));
  }

  // The default rules' whole-blood stability of the CBC, 24 h (catalog/autoverification.toml;
  // results.md "Specimens"), and K and NA held to the same for the test with two values.
  static rules::RuleSet stability_rules() {
    rules::RuleSetBuilder builder;
    for (const char* code : {"HGB", "K", "NA"}) {
      rules::AnalyteRules analyte;
      analyte.test_code = code;
      analyte.stability_seconds = 24 * 3600;
      builder.analyte(analyte);
    }
    return builder.discipline({"hematology", true, true, 0})
        .discipline({"chemistry", true, true, 0})
        .informational_flag("N")
        .build();
  }

  rules::RuleSet rules_ = stability_rules();
  Hl7Ingest judged_{*catalog_, profiles_, clock_, {"if.hl7", "ACK", &rules_}};
};

TEST_F(Hl7MeasurementTimeTest, AnAnalysisTimeIsReadWithItsOffset) {
  // Analysed at 09:00 five hours behind UTC: 14:00 UTC, 26 h after collection. Read as UTC it
  // would be 21 h; judged now, 26 h 5 min.
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T12:00:00Z"));
  clock_.set(lab::at("2026-03-10T14:05:00Z"));
  const hl7::Message ack =
      send(results("MT-1", blood.accession_number, {hemoglobin("20260310090000-0500")}), &judged_);
  EXPECT_EQ(get(ack, "MSA-1"), "AA");
  EXPECT_EQ(get(ack, "MSA-3"), "1 result(s) recorded on 1 specimen(s)");
  EXPECT_EQ(result_of(blood.accession_number, "HGB").status, core::ResultStatus::kPreliminary);
  const std::vector<core::HoldReason> reasons = holds(blood, "HGB");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].category, "specimen-stability");
  EXPECT_EQ(reasons[0].observed, "measured 26h after collection");
}

TEST_F(Hl7MeasurementTimeTest, ReleasesAResultAnalysedInTimeThoughItArrivesLate) {
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T12:00:00Z"));
  clock_.set(lab::at("2026-03-10T18:00:00Z"));  // 30 h after collection
  const hl7::Message ack =
      send(results("MT-2", blood.accession_number, {hemoglobin("20260310100000+0000")}), &judged_);
  EXPECT_EQ(get(ack, "MSA-1"), "AA");
  EXPECT_EQ(result_of(blood.accession_number, "HGB").status, core::ResultStatus::kFinal);
}

TEST_F(Hl7MeasurementTimeTest, JudgesTheSpecimenAtTheLatestAnalysisOfItsObservations) {
  // K at 05:00 in Chicago without an offset (10:00 UTC, daylight time since 8 March), 23 h after
  // collection; NA at 12:00 UTC, 25 h after: the specimen was 25 h old, beyond 24 h.
  lab::must(write(
      [&](store::Transaction& tx) { return tx.set_setting("lab.time_zone", "America/Chicago"); }));
  const core::Specimen serum = collected({"K", "NA"}, lab::at("2026-03-09T11:00:00Z"));
  clock_.set(lab::at("2026-03-10T13:00:00Z"));
  const hl7::Message ack =
      send(results("MT-3", serum.accession_number,
                   {"OBX|1|NM|2823-3^Potassium^LN||4.0|mmol/L|3.5-5.1||||F||||||||202603100500",
                    "OBX|2|NM|2951-2^Sodium^LN||140|mmol/L|136-145||||F||||||||"
                    "20260310120000+0000"}),
           &judged_);
  EXPECT_EQ(get(ack, "MSA-1"), "AA") << get(ack, "ERR-8");
  for (const char* code : {"K", "NA"}) {
    EXPECT_EQ(result_of(serum.accession_number, code).status, core::ResultStatus::kPreliminary)
        << code;
    EXPECT_EQ(holds(serum, code).at(0).observed, "measured 25h after collection") << code;
  }
}

TEST_F(Hl7MeasurementTimeTest, JudgesAtReceiptWhenTheSendersClockIsAhead) {
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T12:00:00Z"));
  clock_.set(lab::at("2026-03-10T13:00:00Z"));
  const hl7::Message ack =
      send(results("MT-4", blood.accession_number, {hemoglobin("20260310150000+0000")}), &judged_);
  EXPECT_EQ(get(ack, "MSA-1"), "AA");
  EXPECT_EQ(get(ack, "MSA-3"),
            "1 result(s) recorded on 1 specimen(s); specimen " + blood.accession_number +
                ": measurement time 2026-03-10T15:00:00Z is in the future (now "
                "2026-03-10T13:00:00Z: instrument clock ahead?); judged as measured now");
  EXPECT_EQ(holds(blood, "HGB").at(0).observed, "measured 25h after collection");
}

TEST_F(Hl7MeasurementTimeTest, JudgesAtReceiptWhenTheAnalysisIsBeforeTheCollection) {
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T12:00:00Z"));
  clock_.set(lab::at("2026-03-10T13:00:00Z"));
  const hl7::Message ack =
      send(results("MT-5", blood.accession_number, {hemoglobin("20260309110000+0000")}), &judged_);
  EXPECT_EQ(get(ack, "MSA-1"), "AA");
  EXPECT_EQ(get(ack, "MSA-3"),
            "1 result(s) recorded on 1 specimen(s); specimen " + blood.accession_number +
                ": measurement time 2026-03-09T11:00:00Z is before its collection at "
                "2026-03-09T12:00:00Z (instrument clock wrong?); judged as measured now");
  EXPECT_EQ(holds(blood, "HGB").at(0).observed, "measured 25h after collection");
}

TEST_F(Hl7MeasurementTimeTest, AnAnalysisTimeThatCannotBeUsedIsNamedAndJudgedAtReceipt) {
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T12:00:00Z"));
  clock_.set(lab::at("2026-03-10T13:00:00Z"));
  // A day alone would read as midnight, 11 h before the analysis: the specimen would look younger.
  const hl7::Message ack =
      send(results("MT-6", blood.accession_number, {hemoglobin("20260310")}), &judged_);
  EXPECT_EQ(get(ack, "MSA-1"), "AA");
  EXPECT_EQ(get(ack, "MSA-3"),
            "1 result(s) recorded on 1 specimen(s); OBX(1)-19: '20260310' does not give the time "
            "to the minute (YYYYMMDDHHMM at least); judged as measured now");
  EXPECT_EQ(holds(blood, "HGB").at(0).observed, "measured 25h after collection");

  const hl7::Message garbled =
      send(results("MT-7", blood.accession_number, {hemoglobin("202603101399")}), &judged_);
  EXPECT_EQ(get(garbled, "MSA-1"), "AA");
  EXPECT_NE(get(garbled, "MSA-3").find("OBX(1)-19: "), std::string::npos) << get(garbled, "MSA-3");
}

}  // namespace
}  // namespace aliquot::ingest

namespace aliquot::ingest {
namespace {

// A point-of-care blood gas device whose operators (OBX-16) must be qualified as values arrive.
class Hl7PointOfCareTest : public Hl7IngestTest {
 protected:
  Hl7PointOfCareTest() {
    lab::must(write([&](store::Transaction& tx) -> Result<void> {
      ALIQUOT_RETURN_IF_ERROR(ensure_interface_accounts(tx, clock_, devices_, {}));
      ALIQUOT_RETURN_IF_ERROR(tx.set_setting("people.qualification", "enforce"));
      core::PersonRecord mls;
      mls.person = "mls";
      mls.role = core::Role::kTechnologist;
      mls.certifications.push_back({"MLS(ASCP)", "1", lab::date("2030-01-01"), std::nullopt});
      ALIQUOT_RETURN_IF_ERROR(tx.put_person(mls));
      core::CompetencyEvent started;
      started.person = "mls";
      started.test_system = "istat-1";
      started.kind = core::CompetencyEventKind::kStarted;
      started.on = lab::date("2026-01-05");
      ALIQUOT_RETURN_IF_ERROR(tx.insert_competency_event(started));
      return ok();
    }));
  }

  std::string from_device(const std::string& control_id, const std::string& accession,
                          const std::string& operator_id) {
    return message({"MSH|^~\\&|ISTAT|ER|ALIQUOT|LAB|20260310110000||ORU^R01^ORU_R01|" + control_id +
                        "|P|2.5.1",
                    "OBR|1||" + accession + "|K^Potassium",
                    "OBX|1|NM|K^Potassium||4.3|mmol/L|||||F|||||" + operator_id});
  }

  std::vector<core::HoldReason> holds_on(const std::string& accession) {
    const core::TestResult k = result_of(accession, "K");
    return read([&](store::Transaction& tx) { return lab::must(tx.holds_for_result(k.id)); });
  }

  InstrumentProfiles devices_{{lab::must(parse_instrument_profile(R"toml(
[instrument]
id = "istat-1"
name = "i-STAT in the emergency department"
protocol = "hl7"
sender = "ISTAT"
point_of_care = true

[codes]
"K" = "K"
)toml",
                                                                  "istat-1.toml", *catalog_))}};
  Hl7Ingest device_{*catalog_, devices_, clock_};
};

TEST_F(Hl7PointOfCareTest, TheOperatorInObx16IsCheckedAsTheValueArrives) {
  const std::string qualified = received_order("MRN-1", {"K"})[0].accession_number;
  EXPECT_EQ(get(send(from_device("P1", qualified, "mls"), &device_), "MSA-1"), "AA");
  EXPECT_TRUE(holds_on(qualified).empty());

  const std::string unknown = received_order("MRN-2", {"K"})[0].accession_number;
  EXPECT_EQ(get(send(from_device("P2", unknown, "tech"), &device_), "MSA-1"), "AA");
  const std::vector<core::HoldReason> holds = holds_on(unknown);
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0].category, "operator-qualification");
  EXPECT_EQ(holds[0].message,
            "operator tech may not perform chemistry tests on istat-1: no personnel record");
  EXPECT_EQ(result_of(unknown, "K").status, core::ResultStatus::kPreliminary);
}

}  // namespace
}  // namespace aliquot::ingest
