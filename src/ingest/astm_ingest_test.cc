#include "ingest/astm_ingest.h"

#include <gtest/gtest.h>

#include <future>
#include <tuple>

#include "ingest/accounts.h"
#include "ingest/quarantine.h"
#include "lab/lab_test_fixture.h"
#include "lab/quality_control.h"
#include "lab/reruns.h"

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

  // Sends the records through the pipeline to `ingest` (else ingest_); the outcome the link
  // layer is given.
  JobOutcome send(std::vector<std::string> records, const AstmIngest* ingest = nullptr) {
    const AstmIngest& to = ingest != nullptr ? *ingest : ingest_;
    std::promise<JobOutcome> done;
    last_ = to.receive(std::move(records), "10.0.0.7:5000");
    {
      Pipeline pipeline(*store_);
      EXPECT_TRUE(pipeline.submit(
          to.job(last_, [&done](const JobOutcome& outcome) { done.set_value(outcome); })));
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

// A lab that keeps its QC elsewhere (no control sample id registered for the instrument): the
// analyzer's QC orders are counted and not filed, and its patient results are recorded.
TEST_F(AstmIngestTest, QcOfAnInstrumentWhoseQcIsKeptElsewhereIsCountedNotFiled) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA", "GLU"})[0];
  std::vector<std::string> records = results_message(serum.accession_number, "5.4");
  records.insert(records.end() - 1, "O|2|QC-CHEM-1||^^^K|R||||||Q");
  records.insert(records.end() - 1, "R|1|^^^K|4.02|mmol/l||N||F");
  const JobOutcome outcome = send(records);
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied,
            "2 result(s) recorded on 1 specimen(s), 1 not reported; 1 QC sample(s) not filed: no "
            "QC sample id is registered for chem1 (its QC is kept elsewhere; `aliquot qc "
            "sample-id set` brings it here)");
  EXPECT_DOUBLE_EQ(result_of(serum.accession_number, "K").value->number, 5.4);
  const std::vector<core::QcRun> runs = read([](store::Transaction& tx) {
    return lab::must(
        tx.qc_runs("chem1", "K", core::Instant{}, lab::at("2100-01-01T00:00:00Z"), 10));
  });
  EXPECT_TRUE(runs.empty());
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

TEST_F(AstmIngestTest, AHostQueryAsksAgainForATestWhoseRerunWasRequested) {
  const core::Specimen serum = received_order("MRN-1", {"K", "NA"})[0];
  ASSERT_TRUE(send({"H|\\^&|||CHEM-1", "P|1||MRN-1", "O|1|" + serum.accession_number + "||^^^K",
                    "R|1|^^^K|5.9|mmol/l||N||F", "R|2|^^^NA|140|mmol/L||N||F", "L|1|N"})
                  .applied.has_value());
  const auto query = [&] {
    return send(
        {"H|\\^&|||CHEM-1", "Q|1|^" + serum.accession_number + "||^^^ALL||||||||O", "L|1|N"});
  };
  ASSERT_TRUE(query().applied.has_value());
  EXPECT_EQ(last_->reply.back(), "L|1|I");  // both measured: nothing to do

  lab::must(write([&](store::Transaction& tx) {
    return lab::request_rerun(tx, as("mls"), {serum.accession_number, "K", "clot suspected", 0});
  }));
  ASSERT_TRUE(query().applied.has_value());
  ASSERT_EQ(last_->reply.size(), 4u);
  const std::string order = "O|1|" + serum.accession_number + "||^^^K|R|";
  EXPECT_EQ(last_->reply[2].substr(0, order.size()), order);
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

// Control samples: the analyzer reports its QC runs like patient samples, under the sample ids
// the lab registered for its control materials (two levels of a chemistry control here).
class AstmQcTest : public AstmIngestTest {
 protected:
  AstmQcTest() {
    // R-13 is the analyzer's wall clock: read as UTC here, whatever the machine's zone.
    lab::must(
        write([&](store::Transaction& tx) { return tx.set_setting("lab.time_zone", "UTC"); }));
    const lab::Context mls = as("mls");
    lab::must(write([&](store::Transaction& tx) -> Result<void> {
      for (const char* level : {"1", "2"}) {
        const std::string lot = std::string("L") + level;
        ALIQUOT_RETURN_IF_ERROR(lab::add_qc_material(
            tx, mls, {"Chemistry control", "Acme", lot, level, lab::date("2030-12-31")}));
        ALIQUOT_RETURN_IF_ERROR(lab::set_qc_sample_id(tx, mls, {"chem1", "QC-" + lot, lot, level}));
      }
      const core::Instant from = lab::at("2026-03-01T00:00:00Z");
      for (const auto& [lot, level, test, mean, sd] :
           {std::tuple{"L1", "1", "GLU", 100.0, 2.0}, std::tuple{"L2", "2", "GLU", 250.0, 5.0},
            std::tuple{"L1", "1", "K", 4.0, 0.1}, std::tuple{"L2", "2", "K", 6.0, 0.2}}) {
        ALIQUOT_RETURN_IF_ERROR(
            lab::set_qc_target(tx, mls, {{lot, level, ""}, "chem1", test, mean, sd, from}));
      }
      return ok();
    }));
  }

  // Both levels of GLU and K completed at `completed`, level 2's glucose `glu2`; O-12 `action`.
  static std::vector<std::string> controls(const std::string& glu2, const std::string& completed,
                                           const std::string& action = "Q") {
    return {"H|\\^&|||CHEM-1^1.0|||||host||P|1|20260310080000",
            "P|1",
            "O|1|QC-L1||^^^GLU\\^^^K|R||||||" + action,
            "R|1|^^^GLU|101|mg/dL||N||F||op||" + completed,
            "R|2|^^^K|4.02|mmol/l||N||F||op||" + completed,
            "O|2|QC-L2||^^^GLU\\^^^K|R||||||" + action,
            "R|1|^^^GLU|" + glu2 + "|mg/dL||N||F||op||" + completed,
            "R|2|^^^K|6.1|mmol/l||N||F||op||" + completed,
            "L|1|N"};
  }

  // A glucose of `value` on the specimen, measured on receipt.
  static std::vector<std::string> glucose(const std::string& accession, const std::string& value) {
    return {"H|\\^&|||CHEM-1^1.0", "P|1", "O|1|" + accession + "||^^^GLU|R",
            "R|1|^^^GLU|" + value + "|mg/dL||N||F", "L|1|N"};
  }

  std::vector<core::QcRun> runs(const std::string& test) {
    return read([&](store::Transaction& tx) {
      return lab::must(
          tx.qc_runs("chem1", test, core::Instant{}, lab::at("2100-01-01T00:00:00Z"), 100));
    });
  }

  // Chemistry autoverifies; the analyzer's N flag is informational.
  const rules::RuleSet rule_set_ = rules::RuleSetBuilder()
                                       .discipline({"chemistry", true, true, 0})
                                       .informational_flag("N")
                                       .build();
  const AstmIngest judged_{*catalog_, profiles_, clock_, &rule_set_};
};

TEST_F(AstmQcTest, AQcOrderBecomesOneRunPerTestMeasuredWhenTheAnalyzerCompletedIt) {
  clock_.set(lab::at("2026-03-10T08:30:00Z"));
  const JobOutcome outcome = send(controls("251", "20260310082500"));
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied, "2 QC run(s) recorded: GLU accept, K accept");

  const std::vector<core::QcRun> glucose_runs = runs("GLU");
  ASSERT_EQ(glucose_runs.size(), 1u);
  const core::QcRun& run = glucose_runs[0];
  EXPECT_EQ(run.measured_at, lab::at("2026-03-10T08:25:00Z"));
  EXPECT_EQ(run.source, "ASTM chem1 message " + last_->message_id.substr(0, 12));
  EXPECT_EQ(run.recorded_by, "if.chem1");
  ASSERT_EQ(run.values.size(), 2u);
  EXPECT_EQ(run.values[0].lot, "L1");
  EXPECT_DOUBLE_EQ(run.values[0].value, 101);
  EXPECT_EQ(run.values[1].lot, "L2");
  EXPECT_DOUBLE_EQ(run.values[1].value, 251);
  // K's values went through the profile's unit mapping like a patient's.
  ASSERT_EQ(runs("K").size(), 1u);
  EXPECT_DOUBLE_EQ(runs("K")[0].values[1].value, 6.1);
}

TEST_F(AstmQcTest, ARegisteredSampleIdIsQcWhateverTheActionCode) {
  clock_.set(lab::at("2026-03-10T08:30:00Z"));
  const JobOutcome outcome = send(controls("251", "20260310082500", "N"));
  ASSERT_TRUE(outcome.applied.has_value()) << outcome.applied.error().message();
  EXPECT_EQ(*outcome.applied, "2 QC run(s) recorded: GLU accept, K accept");
  EXPECT_EQ(runs("GLU").size(), 1u);
}

TEST_F(AstmQcTest, AQcSampleTheLabHasNotRegisteredIsRefusedNamingTheCommandThatRegistersIt) {
  std::vector<std::string> records = controls("251", "20260310082500");
  records[5] = "O|2|QC-L9||^^^GLU|R||||||Q";
  const JobOutcome refused = send(records);
  EXPECT_TRUE(refused.durable);
  ASSERT_FALSE(refused.applied.has_value());
  EXPECT_EQ(refused.applied.error().message(),
            "record 6 (O-3): QC sample 'QC-L9' is not registered for instrument chem1; register "
            "its control material with `aliquot qc sample-id set --instrument chem1 --sample-id "
            "QC-L9 --lot LOT --level LEVEL`");
  EXPECT_TRUE(runs("GLU").empty());  // nothing of the message is kept but the message itself
  const auto held = read([](store::Transaction& tx) {
    return lab::must(tx.list_quarantined_messages(store::QuarantineStatus::kHeld, 10));
  });
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].reason, refused.applied.error().message());
}

TEST_F(AstmQcTest, ARunTheLabCannotJudgeRefusesTheMessage) {
  // No target for sodium: the run cannot be judged, and nothing of the message is recorded.
  std::vector<std::string> records = controls("251", "20260310082500");
  records.insert(records.begin() + 5, "R|3|^^^NA|140|mmol/L||N||F||op||20260310082500");
  clock_.set(lab::at("2026-03-10T08:30:00Z"));
  const JobOutcome refused = send(records);
  ASSERT_FALSE(refused.applied.has_value());
  EXPECT_EQ(refused.applied.error().message(),
            "record 6: QC run of NA on chem1: control lot L1 level 1 has no target for NA on "
            "chem1 in force at 2026-03-10T08:25:00Z; set one first");
  EXPECT_TRUE(runs("GLU").empty());
}

TEST_F(AstmQcTest, TheSameQcMessageAgainIsNotRecordedTwice) {
  clock_.set(lab::at("2026-03-10T08:30:00Z"));
  ASSERT_TRUE(send(controls("251", "20260310082500")).applied.has_value());
  const JobOutcome again = send(controls("251", "20260310082500"));
  ASSERT_TRUE(again.applied.has_value());
  EXPECT_NE(again.applied->find("duplicate of the message applied"), std::string::npos);
  EXPECT_EQ(runs("GLU").size(), 1u);
}

TEST_F(AstmQcTest, ARejectedRunReportedByTheAnalyzerHoldsTheGlucoseMeasuredAfterIt) {
  clock_.set(lab::at("2026-03-10T08:30:00Z"));
  ASSERT_TRUE(send(controls("251", "20260310082500")).applied.has_value());
  const core::Specimen first = received_order("MRN-1", {"GLU"})[0];
  clock_.set(lab::at("2026-03-10T10:00:00Z"));
  ASSERT_TRUE(send(glucose(first.accession_number, "95"), &judged_).applied.has_value());
  EXPECT_EQ(result_of(first.accession_number, "GLU").status, core::ResultStatus::kFinal);

  // Level 2 at 270 mg/dL is 4 SD above its mean: 1-3s rejects the run. The glucose released at
  // 10:00 was measured since the last accepted run: it is listed for review.
  clock_.set(lab::at("2026-03-10T11:00:00Z"));
  const JobOutcome rejected = send(controls("270", "20260310105500"), &judged_);
  ASSERT_TRUE(rejected.applied.has_value()) << rejected.applied.error().message();
  EXPECT_EQ(*rejected.applied,
            "2 QC run(s) recorded: GLU reject (1-3s; 0 patient result(s) held, 1 released to "
            "review), K accept");

  const core::Specimen second = received_order("MRN-2", {"GLU"})[0];
  clock_.set(lab::at("2026-03-10T12:00:00Z"));
  const JobOutcome after = send(glucose(second.accession_number, "96"), &judged_);
  ASSERT_TRUE(after.applied.has_value()) << after.applied.error().message();
  EXPECT_EQ(*after.applied, "1 result(s) recorded on 1 specimen(s)");
  const core::TestResult held = result_of(second.accession_number, "GLU");
  EXPECT_EQ(held.status, core::ResultStatus::kPreliminary);
  EXPECT_EQ(held.instrument, "chem1");
  const std::vector<core::HoldReason> reasons =
      lab::must(read([&](store::Transaction& tx) { return tx.holds_for_result(held.id); }));
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].category, "quality-control");
  EXPECT_EQ(reasons[0].observed, "QC rejected at 2026-03-10T10:55:00Z (1-3s level 2)");
  // Potassium passed its own run: QC of one test says nothing of another.
  EXPECT_EQ(runs("K").back().status, core::QcRunStatus::kAccept);
}

TEST_F(AstmQcTest, RunsAreJudgedByTheLabsQcPolicy) {
  // Both levels 2.5 SD high: 2-2s within the run rejects under the default rules; the lab's
  // policy judges glucose by 1-3s alone (a six-sigma method), under which the run passes.
  const qc::QcPolicy policy = lab::must(qc::QcPolicy::parse(R"toml(
[qc_policy]
name = "lab QC policy"
version = "2"
rules = "1-3s,2-2s,R-4s,4-1s,10-x"
interval = "24h"

[[analyte]]
code = "GLU"
rules = "1-3s"
)toml",
                                                            "lab_qc_policy.toml"));
  const AstmIngest by_policy{*catalog_, profiles_, clock_, nullptr, &policy};
  std::vector<std::string> records = controls("262.5", "20260310082500");
  records[3] = "R|1|^^^GLU|105|mg/dL||N||F||op||20260310082500";
  clock_.set(lab::at("2026-03-10T08:30:00Z"));
  const JobOutcome judged = send(records, &by_policy);
  ASSERT_TRUE(judged.applied.has_value()) << judged.applied.error().message();
  EXPECT_EQ(*judged.applied, "2 QC run(s) recorded: GLU accept, K accept");
  EXPECT_EQ(runs("GLU")[0].rules, "1-3s");

  clock_.set(lab::at("2026-03-10T09:30:00Z"));
  records = controls("262.5", "20260310092500");
  records[3] = "R|1|^^^GLU|105|mg/dL||N||F||op||20260310092500";
  // The same values under the default rules: 2-2s within the run, and 4-1s with the run before
  // (four values beyond +1 SD, two levels by two runs).
  const JobOutcome by_default = send(records);
  ASSERT_TRUE(by_default.applied.has_value()) << by_default.applied.error().message();
  EXPECT_EQ(*by_default.applied,
            "2 QC run(s) recorded: GLU reject (2-2s, 4-1s; 0 patient result(s) held), K accept");
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
