#include "ingest/hl7_ingest.h"

#include <gtest/gtest.h>

#include <future>

#include "hl7/message.h"
#include "lab/lab_test_fixture.h"

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
  }

  // Sends `bytes` through the pipeline as a listener does; the ACK.
  hl7::Message send(const std::string& bytes) {
    std::promise<std::string> ack;
    {
      Pipeline pipeline(*store_);
      std::shared_ptr<Hl7Received> received = ingest_.receive(bytes, "127.0.0.1:40000");
      EXPECT_TRUE(pipeline.submit(
          ingest_.job(received, [&ack](std::string text) { ack.set_value(std::move(text)); })));
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
}

}  // namespace
}  // namespace aliquot::ingest
