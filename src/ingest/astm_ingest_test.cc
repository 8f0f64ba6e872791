#include "ingest/astm_ingest.h"

#include <gtest/gtest.h>

#include <future>

#include "ingest/accounts.h"
#include "ingest/quarantine.h"
#include "lab/lab_test_fixture.h"

namespace aliquot::ingest {
namespace {

class AstmIngestTest : public lab::LabTest {
 protected:
  AstmIngestTest() {
    InstrumentProfile analyzer = lab::must(parse_instrument_profile(R"toml(
[instrument]
id = "chem1"
name = "Chemistry analyzer 1"
protocol = "astm"
sender = "CHEM-1"
specimen_id_component = 1
test_code_component = 4

[codes]
"K" = { test = "K", unit = "mmol/l" }
"NA" = "NA"
"GLU" = "GLU"

[indices]
hemolysis = "HI"
)toml",
                                                                    "chem1.toml", *catalog_));
    InstrumentProfile hematology = lab::must(parse_instrument_profile(R"toml(
[instrument]
id = "heme1"
name = "Hematology analyzer 1"
protocol = "astm"
sender = "HEME-1"
specimen_id_component = 1
test_code_component = 4

[codes]
"HGB" = "HGB"
)toml",
                                                                      "heme1.toml", *catalog_));
    profiles_ = InstrumentProfiles({analyzer, hematology});
    lab::must(write([&](store::Transaction& tx) {
      return ensure_interface_accounts(tx, clock_, profiles_, {});
    }));
  }

  // Sends the records through the pipeline; the outcome the link layer is given.
  JobOutcome send(std::vector<std::string> records) {
    std::promise<JobOutcome> done;
    last_ = ingest_.receive(std::move(records), "10.0.0.7:5000");
    {
      Pipeline pipeline(*store_);
      EXPECT_TRUE(pipeline.submit(
          ingest_.job(last_, [&done](const JobOutcome& outcome) { done.set_value(outcome); })));
    }
    return done.get_future().get();
  }

  std::vector<std::string> results_message(const std::string& accession, const std::string& k) {
    return {"H|\\^&|||CHEM-1^1.0|||||host||P|1|20260310080000",
            "P|1||MRN-1",
            "O|1|" + accession + "||^^^K\\^^^NA|R",
            "R|1|^^^K|" + k + "|mmol/l|3.5^5.1|H||F||op||20260310075900",
            "R|2|^^^NA|140|mmol/L||N||F",
            "R|3|^^^GLU|-----|mg/dL||||X",
            "L|1|N"};
  }

  InstrumentProfiles profiles_;
  AstmIngest ingest_{*catalog_, profiles_, clock_};
  std::shared_ptr<AstmReceived> last_;
};

TEST_F(AstmIngestTest, ResultsAreRecordedUnderTheInstrumentsAccount) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA", "GLU"})[0];
  const JobOutcome outcome = send(results_message(serum.accession_number, "5.4"));
  ASSERT_TRUE(outcome.durable);
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied, "2 result(s) recorded on 1 specimen(s), 1 not reported");
  const core::TestResult k = result_of(serum.accession_number, "K");
  EXPECT_DOUBLE_EQ(k.value->number, 5.4);
  EXPECT_EQ(k.value->unit, "mmol/L");  // the instrument's "mmol/l" is the catalog's unit
  EXPECT_EQ(k.entered_by, "if.chem1");
  EXPECT_FALSE(result_of(serum.accession_number, "GLU").value.has_value());
}

TEST_F(AstmIngestTest, TheSameMessageAgainIsNotAppliedTwice) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  ASSERT_TRUE(send(results_message(serum.accession_number, "4.0")).applied.has_value());
  const std::size_t before = audit_size();
  const JobOutcome again = send(results_message(serum.accession_number, "4.0"));
  ASSERT_TRUE(again.applied.has_value());
  EXPECT_NE(again.applied->find("duplicate of the message applied"), std::string::npos);
  EXPECT_EQ(audit_size(), before);
}

TEST_F(AstmIngestTest, AnUnmappedCodeQuarantinesTheMessageAndAReplayAppliesItOnceFixed) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  std::vector<std::string> records = results_message(serum.accession_number, "4.0");
  records[4] = "R|2|^^^SODIUM|140|mmol/L||N||F";
  const JobOutcome refused = send(records);
  EXPECT_TRUE(refused.durable);  // kept in the quarantine: the frame may be acknowledged
  ASSERT_FALSE(refused.applied.has_value());
  EXPECT_EQ(refused.applied.error().message(),
            "record 5 (R-3): test code 'SODIUM' of instrument chem1 is not mapped to a catalog "
            "test (add it to chem1.toml)");
  EXPECT_FALSE(result_of(serum.accession_number, "K").value.has_value());
  const auto held = read([](store::Transaction& tx) {
    return lab::must(tx.list_quarantined_messages(store::QuarantineStatus::kHeld, 10));
  });
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].channel, store::Channel::kAstm);
  EXPECT_EQ(held[0].sender, "CHEM-1");

  // A technician may not replay; the supervisor replays after the lab maps the code.
  Hl7Ingest hl7(*catalog_, profiles_, clock_);
  const auto technician = write([&](store::Transaction& tx) {
    return replay_quarantined(tx, as("tech"), held[0].id, hl7, ingest_);
  });
  ASSERT_FALSE(technician.has_value());
  EXPECT_EQ(technician.error().code(), ErrorCode::kPermissionDenied);

  const auto still_refused = write([&](store::Transaction& tx) {
    return replay_quarantined(tx, as("super"), held[0].id, hl7, ingest_);
  });
  ASSERT_TRUE(still_refused.has_value());
  EXPECT_FALSE(still_refused->applied);

  InstrumentProfile fixed = profiles_.all()[0];
  fixed.codes["SODIUM"] = CodeMapping{"NA", ""};
  const InstrumentProfiles fixed_profiles({fixed});
  AstmIngest fixed_ingest(*catalog_, fixed_profiles, clock_);
  const auto replayed = write([&](store::Transaction& tx) {
    return replay_quarantined(tx, as("super"), held[0].id, hl7, fixed_ingest);
  });
  ASSERT_TRUE(replayed.has_value());
  EXPECT_TRUE(replayed->applied) << replayed->text;
  EXPECT_DOUBLE_EQ(result_of(serum.accession_number, "NA").value->number, 140);
  const auto entry = read(
      [&](store::Transaction& tx) { return *lab::must(tx.find_quarantined_message(held[0].id)); });
  EXPECT_EQ(entry.status, store::QuarantineStatus::kReplayed);
  EXPECT_EQ(entry.resolved_by, "super");
  const std::vector<core::AuditEntry> trail = audit_trail();
  EXPECT_EQ(trail.back().action, "message.replay");
  EXPECT_EQ(trail.back().actor, "super");
}

TEST_F(AstmIngestTest, AHostQueryIsAnsweredWithThePendingTestsInInstrumentCodes) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA", "TROPI"})[0];
  const JobOutcome outcome =
      send({"H|\\^&|||CHEM-1", "Q|1|^" + serum.accession_number + "||^^^ALL||||||||O", "L|1|N"});
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  ASSERT_EQ(last_->reply.size(), 4u);
  EXPECT_EQ(last_->reply[0].substr(0, 5), "H|\\^&");
  EXPECT_EQ(last_->reply[1], "P|1||MRN-1||Doe^Pat");
  // TROPI is not on this analyzer's menu: only K and NA are asked for.
  const std::string order = "O|1|" + serum.accession_number + "||^^^K\\^^^NA|R|";
  EXPECT_EQ(last_->reply[2].substr(0, order.size()), order);
  EXPECT_EQ(last_->reply[2].back(), 'Q');  // O-26: response to a query
  EXPECT_EQ(last_->reply[3], "L|1|N");

  const JobOutcome unknown = send({"H|\\^&|||CHEM-1", "Q|1|^26X||^^^ALL", "L|1|N"});
  ASSERT_TRUE(unknown.applied.has_value());
  EXPECT_EQ(last_->reply.back(), "L|1|I");  // no information for that specimen
}

TEST_F(AstmIngestTest, ASenderWithoutAProfileIsRefused) {
  const JobOutcome outcome = send({"H|\\^&|||MYSTERY-9", "L|1|N"});
  ASSERT_FALSE(outcome.applied.has_value());
  EXPECT_EQ(outcome.applied.error().message(),
            "record 1 (H-5): sender 'MYSTERY-9' has no instrument profile; add one under "
            "interfaces/instruments/");
}

// The rules see what the instrument said about the specimen: its serum indices (mapped by the
// profile, never filed as results) and its flags on each result (R-7).
TEST_F(AstmIngestTest, SerumIndicesAndFlagsReachTheAutoverificationRules) {
  rules::AnalyteRules potassium;
  potassium.test_code = "K";
  potassium.indices.hemolysis = {50.0, 300.0};
  const rules::RuleSet rule_set = rules::RuleSetBuilder()
                                      .analyte(potassium)
                                      .discipline({"chemistry", true, true, 0})
                                      .informational_flag("N")
                                      .informational_flag("H")
                                      .build();
  const AstmIngest judged{*catalog_, profiles_, clock_, &rule_set};
  const core::Specimen serum = received_order("MRN-1", {"K", "NA", "GLU"})[0];
  std::promise<JobOutcome> done;
  last_ = judged.receive(
      {"H|\\^&|||CHEM-1^1.0|||||host||P|1|20260310080000", "P|1||MRN-1",
       "O|1|" + serum.accession_number + "||^^^K\\^^^NA|R", "R|1|^^^K|4.4|mmol/l|3.5^5.1|N||F",
       "R|2|^^^NA|140|mmol/L||N||F", "R|3|^^^GLU|95|mg/dL||W||F", "R|4|^^^HI|120|||||F", "L|1|N"},
      "10.0.0.7:5000");
  {
    Pipeline pipeline(*store_);
    ASSERT_TRUE(pipeline.submit(
        judged.job(last_, [&done](const JobOutcome& outcome) { done.set_value(outcome); })));
  }
  const JobOutcome outcome = done.get_future().get();
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied, "3 result(s) recorded on 1 specimen(s)");

  const core::TestResult k = result_of(serum.accession_number, "K");
  EXPECT_EQ(k.status, core::ResultStatus::kPreliminary);
  const std::vector<core::HoldReason> k_holds =
      lab::must(read([&](store::Transaction& tx) { return tx.holds_for_result(k.id); }));
  ASSERT_EQ(k_holds.size(), 1u);
  EXPECT_EQ(k_holds[0].observed, "hemolysis index 120");

  const core::TestResult glu = result_of(serum.accession_number, "GLU");
  const std::vector<core::HoldReason> glu_holds =
      lab::must(read([&](store::Transaction& tx) { return tx.holds_for_result(glu.id); }));
  ASSERT_EQ(glu_holds.size(), 1u);
  EXPECT_EQ(glu_holds[0].category, "instrument-flag");
  EXPECT_EQ(glu_holds[0].observed, "W");

  EXPECT_EQ(result_of(serum.accession_number, "NA").status, core::ResultStatus::kFinal);
}

// R-13, the time the instrument completed the test, decides how old the specimen was when
// measured. The instrument writes its own wall clock, the lab's: Paris here, one hour ahead of UTC
// in March 2026 (daylight saving time starts on the 29th).
class AstmMeasurementTimeTest : public AstmIngestTest {
 protected:
  AstmMeasurementTimeTest() {
    lab::must(write(
        [&](store::Transaction& tx) { return tx.set_setting("lab.time_zone", "Europe/Paris"); }));
  }

  // A specimen of `codes` collected at `collected_at` and received now.
  core::Specimen collected(std::vector<std::string> codes, core::Instant collected_at) {
    patient("MRN-" + std::to_string(++patients_));
    const core::Order placed = order("MRN-" + std::to_string(patients_), std::move(codes));
    lab::AccessionOrder command;
    command.order_number = placed.order_number;
    command.collected_at = collected_at;
    const std::vector<core::Specimen> specimens = lab::must(write(
        [&](store::Transaction& tx) { return lab::accession_order(tx, as("clerk"), command); }));
    EXPECT_EQ(specimens.size(), 1u);
    return receive(specimens.front().accession_number);
  }

  // Sends the records to an ingest that judges with `rules_`; the outcome.
  JobOutcome send_judged(std::vector<std::string> records) {
    const AstmIngest judged{*catalog_, profiles_, clock_, &rules_};
    std::promise<JobOutcome> done;
    last_ = judged.receive(std::move(records), "10.0.0.8:5000");
    {
      Pipeline pipeline(*store_);
      EXPECT_TRUE(pipeline.submit(
          judged.job(last_, [&done](const JobOutcome& outcome) { done.set_value(outcome); })));
    }
    return done.get_future().get();
  }

  // A CBC's hemoglobin completed at `completed` (R-13 as written).
  static std::vector<std::string> hemoglobin(const core::Specimen& specimen,
                                             const std::string& completed) {
    return {"H|\\^&|||HEME-1", "P|1", "O|1|" + specimen.accession_number + "||^^^HGB|R",
            "R|1|^^^HGB|13.5|g/dL||N||F||||" + completed, "L|1|N"};
  }

  std::vector<core::HoldReason> holds(const core::Specimen& specimen, const std::string& code) {
    const std::int64_t id = result_of(specimen.accession_number, code).id;
    return lab::must(read([&](store::Transaction& tx) { return tx.holds_for_result(id); }));
  }

  // The default rules' whole-blood stability of the CBC, 24 h (catalog/autoverification.toml;
  // results.md "Specimens"), and K and NA held to the same for the tests with two values.
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
  int patients_ = 0;
};

TEST_F(AstmMeasurementTimeTest, HoldsAWholeBloodCountMeasuredThirtyHoursAfterCollection) {
  // Collected 2026-03-09 10:00 UTC; completed 30 h later, 17:00 in Paris; received at once.
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T10:00:00Z"));
  clock_.set(lab::at("2026-03-10T16:02:00Z"));
  const JobOutcome outcome = send_judged(hemoglobin(blood, "20260310170000"));
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied, "1 result(s) recorded on 1 specimen(s)");

  EXPECT_EQ(result_of(blood.accession_number, "HGB").status, core::ResultStatus::kPreliminary);
  const std::vector<core::HoldReason> reasons = holds(blood, "HGB");
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].category, "specimen-stability");
  EXPECT_EQ(reasons[0].observed, "measured 30h after collection");  // not 30h 2m: R-13, not now
}

TEST_F(AstmMeasurementTimeTest, ReleasesACountMeasuredInTimeThoughItsResultsArriveLate) {
  // Completed 23 h after collection (11:00 in Paris is 10:00 UTC); the link was down, and the
  // results arrive 30 h after collection: the specimen was stable when measured.
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T11:00:00Z"));
  clock_.set(lab::at("2026-03-10T17:00:00Z"));
  const JobOutcome outcome = send_judged(hemoglobin(blood, "20260310110000"));
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied, "1 result(s) recorded on 1 specimen(s)");
  EXPECT_EQ(result_of(blood.accession_number, "HGB").status, core::ResultStatus::kFinal);
  EXPECT_TRUE(holds(blood, "HGB").empty());
}

TEST_F(AstmMeasurementTimeTest, JudgesAtReceiptWhenTheInstrumentClockIsAhead) {
  // Now 26 h after collection; the instrument says 30 h (17:00 UTC, an hour from now).
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T10:00:00Z"));
  clock_.set(lab::at("2026-03-10T12:00:00Z"));
  const JobOutcome outcome = send_judged(hemoglobin(blood, "20260310170000"));
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied, "1 result(s) recorded on 1 specimen(s); specimen " +
                                  blood.accession_number +
                                  ": measurement time 2026-03-10T16:00:00Z is in the future (now "
                                  "2026-03-10T12:00:00Z: instrument clock ahead?); judged as "
                                  "measured now");
  EXPECT_EQ(holds(blood, "HGB").at(0).observed, "measured 26h after collection");
}

TEST_F(AstmMeasurementTimeTest, JudgesAtReceiptWhenTheInstrumentSaysItMeasuredBeforeCollection) {
  // The instrument's clock is a day behind: believed, the specimen would be younger than new.
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T10:00:00Z"));
  clock_.set(lab::at("2026-03-10T11:00:00Z"));
  const JobOutcome outcome = send_judged(hemoglobin(blood, "20260309100000"));
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied, "1 result(s) recorded on 1 specimen(s); specimen " +
                                  blood.accession_number +
                                  ": measurement time 2026-03-09T09:00:00Z is before its "
                                  "collection at 2026-03-09T10:00:00Z (instrument clock wrong?); "
                                  "judged as measured now");
  EXPECT_EQ(result_of(blood.accession_number, "HGB").status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(holds(blood, "HGB").at(0).observed, "measured 25h after collection");
}

TEST_F(AstmMeasurementTimeTest, AnUnreadableCompletionTimeIsNamedAndJudgedAtReceipt) {
  const core::Specimen blood = collected({"HGB"}, lab::at("2026-03-09T10:00:00Z"));
  clock_.set(lab::at("2026-03-10T11:00:00Z"));
  const JobOutcome outcome = send_judged(hemoglobin(blood, "2026031011"));
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied,
            "1 result(s) recorded on 1 specimen(s); record 4 (R-13): '2026031011' is not a date "
            "and time YYYYMMDDHHMMSS; judged as measured now");
  EXPECT_EQ(holds(blood, "HGB").at(0).observed, "measured 25h after collection");
}

TEST_F(AstmMeasurementTimeTest, JudgesTheSpecimenAtTheLatestOfItsValuesTimes) {
  // K completed 20 h after collection, NA 25 h after: the specimen was 25 h old by then, beyond
  // the 24 h both tolerate.
  const core::Specimen serum = collected({"K", "NA"}, lab::at("2026-03-09T10:00:00Z"));
  clock_.set(lab::at("2026-03-10T11:30:00Z"));
  const JobOutcome outcome =
      send_judged({"H|\\^&|||CHEM-1", "P|1", "O|1|" + serum.accession_number + "||^^^K\\^^^NA|R",
                   "R|1|^^^K|4.0|mmol/L||N||F||||20260310070000",
                   "R|2|^^^NA|140|mmol/L||N||F||||20260310120000", "L|1|N"});
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied, "2 result(s) recorded on 1 specimen(s)");
  for (const char* code : {"K", "NA"}) {
    EXPECT_EQ(result_of(serum.accession_number, code).status, core::ResultStatus::kPreliminary)
        << code;
    EXPECT_EQ(holds(serum, code).at(0).observed, "measured 25h after collection") << code;
  }
}

TEST(InstrumentProfileIndices, RefusesAnIndexCodeAlsoMappedToATest) {
  const catalog::LoadOutcome loaded = catalog::load_catalog(lab::kTestCatalogText, "test.toml");
  ASSERT_TRUE(loaded.catalog.has_value());
  const catalog::Catalog& catalog = *loaded.catalog;
  const Result<InstrumentProfile> refused = parse_instrument_profile(R"toml(
[instrument]
id = "chem2"
name = "Chemistry analyzer 2"
protocol = "astm"
sender = "CHEM-2"

[codes]
"K" = "K"

[indices]
hemolysis = "K"
lipemia = ""
)toml",
                                                                     "chem2.toml", catalog);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(),
            "chem2.toml:12:13: [indices] hemolysis code 'K' is also mapped to a test in [codes]\n"
            "chem2.toml:13:11: [indices] lipemia must be the instrument's code");
}

}  // namespace
}  // namespace aliquot::ingest
