#include "report/text_report.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "report/text_table.h"

namespace aliquot::report {
namespace {

core::Instant instant(const char* text) { return *core::parse_instant(text); }

// A lab report built by hand: one STAT order with a chemistry specimen (a released critical
// potassium with its call, a corrected sodium, a pending glucose, a preliminary chloride) and a
// rejected hematology specimen (its CBC cancelled).
class TextReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    potassium_.code = "K";
    potassium_.name = "Potassium";
    potassium_.unit = "mmol/L";
    potassium_.section = "chemistry";
    sodium_.code = "NA";
    sodium_.name = "Sodium";
    sodium_.unit = "mmol/L";
    sodium_.section = "chemistry";
    glucose_.code = "GLU";
    glucose_.name = "Glucose";
    glucose_.unit = "mg/dL";
    glucose_.section = "chemistry";
    chloride_.code = "CL";
    chloride_.name = "Chloride";
    chloride_.unit = "mmol/L";
    chloride_.section = "chemistry";
    hemoglobin_.code = "HGB";
    hemoglobin_.name = "Hemoglobin";
    hemoglobin_.unit = "g/dL";
    hemoglobin_.section = "hematology";

    report_.patient.mrn = "MRN-1001";
    report_.patient.family_name = "Okafor";
    report_.patient.given_name = "Ada";
    report_.patient.birth_date = *core::parse_date("1980-06-15");
    report_.patient.sex = core::AdministrativeSex::kFemale;
    report_.produced_at = instant("2026-03-02T10:00:00Z");

    lab::OrderDetail order;
    order.patient = report_.patient;
    order.order.order_number = "O26-0000007";
    order.order.priority = core::Priority::kStat;
    order.order.ordering_provider = "Dr Lena Park";
    order.order.clinical_info = "chest pain, on spironolactone";
    order.order.requested_codes = {"BMP", "CBC"};
    order.order.ordered_at = instant("2026-03-02T08:00:00Z");

    core::Specimen serum;
    serum.id = 1;
    serum.accession_number = "260000012K";
    serum.specimen_type = "serum";
    serum.container_type = "sst";
    serum.collected_at = instant("2026-03-02T08:05:00Z");
    serum.received_at = instant("2026-03-02T08:20:00Z");
    serum.status = core::SpecimenStatus::kReceived;
    core::Specimen blood;
    blood.id = 2;
    blood.accession_number = "260000013M";
    blood.specimen_type = "whole-blood";
    blood.container_type = "k2edta";
    blood.collected_at = instant("2026-03-02T08:05:00Z");
    blood.status = core::SpecimenStatus::kRejected;
    blood.rejection_reason = core::RejectionReason::kClotted;
    blood.rejection_comment = "clot seen at receipt";
    blood.rejected_at = instant("2026-03-02T08:25:00Z");
    blood.rejected_by = "clerk1";
    order.specimens = {serum, blood};

    lab::ResultDetail k;
    k.test = &potassium_;
    k.result =
        released("K", "chemistry", 6.8, 1, "mmol/L", core::AbnormalFlag::kCriticalHigh, "3.5-5.1");
    core::CriticalCall call;
    call.called_by = "tech1";
    call.called_to = "RN Maria Diaz";
    call.called_at = instant("2026-03-02T09:10:00Z");
    call.read_back_confirmed = true;
    call.notes = "ward 4B";
    k.critical_calls.push_back(call);
    k.comments.push_back({1, 0, "Repeat measurement agrees.", true, {}, "tech1"});
    k.comments.push_back({2, 0, "tube checked for clots", false, {}, "tech1"});
    order.results.push_back(k);

    lab::ResultDetail na;
    na.test = &sodium_;
    na.result = released("NA", "chemistry", 141, 0, "mmol/L", core::AbnormalFlag::kNone, "136-145");
    na.result.status = core::ResultStatus::kCorrected;
    na.result.revision = 1;
    na.result.correction_reason = "wrong analyzer channel";
    core::ResultRevision original;
    original.revision = 0;
    original.value = *na.result.value;
    original.value.number = 129;
    original.flag = core::AbnormalFlag::kLow;
    original.released_at = instant("2026-03-02T09:00:00Z");
    original.released_by = "tech1";
    original.replaced_at = instant("2026-03-02T09:40:00Z");
    original.replaced_by = "mls2";
    original.reason = "wrong analyzer channel";
    na.revisions.push_back(original);
    order.results.push_back(na);

    lab::ResultDetail glu;
    glu.test = &glucose_;
    glu.result.test_code = "GLU";
    glu.result.section = "chemistry";
    glu.result.status = core::ResultStatus::kPending;
    order.results.push_back(glu);

    lab::ResultDetail cl;
    cl.test = &chloride_;
    cl.result = released("CL", "chemistry", 77.0, 0, "mmol/L", core::AbnormalFlag::kLow, "98-107");
    cl.result.status = core::ResultStatus::kPreliminary;  // entered, not verified
    cl.result.released_at.reset();
    order.results.push_back(cl);

    lab::ResultDetail hgb;
    hgb.test = &hemoglobin_;
    hgb.result.test_code = "HGB";
    hgb.result.section = "hematology";
    hgb.result.status = core::ResultStatus::kCancelled;
    hgb.result.cancelled_at = instant("2026-03-02T08:25:00Z");
    hgb.result.cancelled_by = "clerk1";
    hgb.result.cancel_reason = "specimen rejected: clotted";
    order.results.push_back(hgb);

    report_.orders.push_back(order);
  }

  static core::TestResult released(const char* code, const char* section, double number,
                                   int decimals, const char* unit, core::AbnormalFlag flag,
                                   const char* range) {
    core::TestResult result;
    result.test_code = code;
    result.section = section;
    result.status = core::ResultStatus::kFinal;
    core::ResultValue value;
    value.number = number;
    value.unit = unit;
    value.decimals = decimals;
    result.value = value;
    result.flag = flag;
    result.reference_range = range;
    result.released_at = *core::parse_instant("2026-03-02T09:15:00Z");
    result.released_by = "tech1";
    return result;
  }

  std::string render() const {
    TextReportOptions options;
    options.lab_name = "Riverside General Laboratory";
    return render_text_report(report_, options);
  }

  // The text with wrapped lines joined again: a line break and its hanging indent become a space.
  static std::string unwrapped(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' && i + 1 < text.size() && text[i + 1] == ' ') {
        out += ' ';
        while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
      } else {
        out += text[i];
      }
    }
    return out;
  }

  // The report line that starts (after indentation) with `start`; fails the test when none.
  static std::string line_starting(const std::string& text, const std::string& start) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      const auto first = line.find_first_not_of(' ');
      if (first != std::string::npos && line.compare(first, start.size(), start) == 0) return line;
    }
    ADD_FAILURE() << "no line starts with '" << start << "' in:\n" << text;
    return "";
  }

  core::TestDefinition potassium_, sodium_, glucose_, chloride_, hemoglobin_;
  lab::PatientReport report_;
};

TEST_F(TextReportTest, HeadsTheReportWithTheLabAndThePatient) {
  const std::string text = render();
  EXPECT_EQ(text.rfind("Riverside General Laboratory\n", 0), 0u) << text;
  EXPECT_NE(text.find("produced 2026-03-02T10:00Z"), std::string::npos);
  EXPECT_EQ(line_starting(text, "Patient "), "Patient     Okafor, Ada");
  EXPECT_EQ(line_starting(text, "MRN "), "MRN         MRN-1001");
  EXPECT_EQ(line_starting(text, "Birth date "), "Birth date  1980-06-15   Age 45 y   Sex female");
}

TEST_F(TextReportTest, ShowsTheOrderAndItsSpecimens) {
  const std::string text = render();
  EXPECT_EQ(line_starting(text, "Order "), "Order O26-0000007  STAT  ordered 2026-03-02T08:00Z");
  EXPECT_EQ(line_starting(text, "Provider"), "  Provider       Dr Lena Park");
  EXPECT_EQ(line_starting(text, "Clinical info"), "  Clinical info  chest pain, on spironolactone");
  EXPECT_EQ(line_starting(text, "260000012K"),
            "  260000012K  serum        2026-03-02T08:05Z  2026-03-02T08:20Z  received");
  EXPECT_EQ(line_starting(text, "260000013M"),
            "  260000013M  whole-blood  2026-03-02T08:05Z                     REJECTED");
}

TEST_F(TextReportTest, ListsARejectedSpecimenWithItsReason) {
  EXPECT_NE(unwrapped(render()).find("Specimen 260000013M REJECTED: clotted (clot seen at "
                                     "receipt), 2026-03-02T08:25Z by clerk1."),
            std::string::npos)
      << render();
}

TEST_F(TextReportTest, TabulatesReleasedValuesWithUnitFlagAndInterval) {
  const std::string text = render();
  EXPECT_EQ(line_starting(text, "Test "), "  Test       Result      Flag  Reference  Status");
  EXPECT_EQ(line_starting(text, "Potassium "), "  Potassium  6.8 mmol/L  HH    3.5-5.1    final");
  EXPECT_NE(text.find("\n  CHEMISTRY\n"), std::string::npos);
  EXPECT_NE(text.find("\n  HEMATOLOGY\n"), std::string::npos);
}

TEST_F(TextReportTest, NeverShowsAValueThatIsNotReleased) {
  const std::string text = render();
  EXPECT_EQ(line_starting(text, "Glucose "), "  Glucose    pending                      pending");
  EXPECT_EQ(line_starting(text, "Chloride "), "  Chloride   pending                      pending");
  EXPECT_EQ(text.find("77"), std::string::npos) << "the preliminary chloride leaked:\n" << text;
}

TEST_F(TextReportTest, MarksACorrectionWithThePreviousValueAndTheReason) {
  const std::string text = render();
  EXPECT_EQ(line_starting(text, "Sodium "), "  Sodium     141 mmol/L        136-145    CORRECTED");
  EXPECT_NE(unwrapped(text).find("* Sodium: CORRECTED 2026-03-02T09:40Z by mls2; previous value "
                                 "129 mmol/L (L), released 2026-03-02T09:00Z by tech1; reason: "
                                 "wrong analyzer channel."),
            std::string::npos)
      << text;
}

TEST_F(TextReportTest, DocumentsTheCriticalCall) {
  const std::string text = render();
  EXPECT_NE(unwrapped(text).find("* Potassium: critical value called to RN Maria Diaz by tech1 "
                                 "at 2026-03-02T09:10Z, read-back confirmed; ward 4B."),
            std::string::npos)
      << text;
}

TEST_F(TextReportTest, PrintsTheCommentsForTheReportAndNotTheLabsOwn) {
  const std::string text = render();
  EXPECT_NE(unwrapped(text).find("* Potassium: Repeat measurement agrees."), std::string::npos)
      << text;
  EXPECT_EQ(text.find("tube checked"), std::string::npos) << text;
}

TEST_F(TextReportTest, ExplainsACancelledTest) {
  const std::string text = render();
  EXPECT_EQ(line_starting(text, "Hemoglobin "),
            "  Hemoglobin  cancelled                   cancelled");
  EXPECT_NE(
      unwrapped(text).find("* Hemoglobin: cancelled 2026-03-02T08:25Z by clerk1; reason: specimen "
                           "rejected: clotted."),
      std::string::npos)
      << text;
}

TEST_F(TextReportTest, KeepsEveryLineWithinTheWidthAndWithoutTrailingSpaces) {
  const std::string text = render();
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_LE(display_width(line), 80u) << line;
    if (!line.empty()) {
      EXPECT_NE(line.back(), ' ') << "'" << line << "'";
    }
  }
}

TEST_F(TextReportTest, SaysSoWhenThePatientHasNoOrders) {
  report_.orders.clear();
  EXPECT_NE(render().find("No orders on record."), std::string::npos);
}

}  // namespace
}  // namespace aliquot::report
