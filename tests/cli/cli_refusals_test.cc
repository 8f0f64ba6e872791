// Every refusal names what is wrong, on stderr as "aliquot: <message>", with the exit status a
// script can act on: 1 refused by the lab, 2 bad command line or input.

#include <gtest/gtest.h>

#include "cli_fixture.h"

namespace aliquot::cli_test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class CliRefusalTest : public CliTest {
 protected:
  // A serum specimen with K entered (4.0, not critical) and NA entered, received.
  void SetUp() override {
    CliTest::SetUp();
    const nlohmann::json specimens = received_order("MRN-1", "K,NA");
    serum_ = accession_with(specimens, "K");
    succeed({"result", "enter", serum_, "K", "4.0"}, kTechnician);
    succeed({"result", "enter", serum_, "NA", "141"}, kTechnician);
  }

  // Runs a step that must be refused with `exit_code`; returns what it printed.
  CommandOutput refused(const std::vector<std::string>& args, const std::string& user,
                        int exit_code) {
    CommandOutput output = lab_.run(args, user);
    EXPECT_EQ(output.exit_code, exit_code) << ::testing::PrintToString(output);
    EXPECT_THAT(output.err, StartsWith("aliquot: "));
    EXPECT_EQ(output.out, "") << "a refused step printed a result";
    return output;
  }

  std::string serum_;
};

TEST_F(CliRefusalTest, AnOrderForAnUnknownPatient) {
  const CommandOutput output = refused(
      {"order", "place", "--mrn", "NOPE-9", "--tests", "K", "--provider", "Dr X"}, kClerk, 1);
  EXPECT_EQ(output.err, "aliquot: no patient with MRN 'NOPE-9'\n");
}

TEST_F(CliRefusalTest, AnOrderWithUnknownTestCodesNamesEachOfThem) {
  const CommandOutput output = refused(
      {"order", "place", "--mrn", "MRN-1", "--tests", "CBC,XYZ,K,FOO", "--provider", "Dr X"},
      kClerk, 1);
  EXPECT_THAT(output.err, HasSubstr("XYZ"));
  EXPECT_THAT(output.err, HasSubstr("FOO"));
  EXPECT_THAT(output.err, ::testing::Not(HasSubstr("CBC")));
}

TEST_F(CliRefusalTest, AResultOnASpecimenNotReceived) {
  const nlohmann::json specimens = accession(place_order("MRN-1", "GLU"));
  const std::string waiting = accession_with(specimens, "GLU");
  const CommandOutput output = refused({"result", "enter", waiting, "GLU", "98"}, kTechnician, 1);
  EXPECT_EQ(output.err, "aliquot: specimen " + waiting +
                            " is not received yet; receive it before entering results\n");
}

TEST_F(CliRefusalTest, ReleasingTwice) {
  succeed({"result", "release", serum_, "K"}, kTechnician);
  const CommandOutput output = refused({"result", "release", serum_, "K"}, kTechnician, 1);
  EXPECT_EQ(output.err, "aliquot: result K on " + serum_ + " is already released\n");
}

TEST_F(CliRefusalTest, AClerkReleasing) {
  const CommandOutput output = refused({"result", "release", serum_, "K"}, kClerk, 1);
  EXPECT_EQ(output.err, "aliquot: user 'clerk1' (clerk) may not release results\n");
}

TEST_F(CliRefusalTest, ACorrectionWithoutReason) {
  succeed({"result", "release", serum_, "K"}, kTechnician);
  const CommandOutput missing =
      refused({"result", "correct", serum_, "K", "4.4"}, kTechnologist, 2);
  EXPECT_THAT(missing.err, HasSubstr("--reason"));
  const CommandOutput blank =
      refused({"result", "correct", serum_, "K", "4.4", "--reason", " "}, kTechnologist, 2);
  EXPECT_THAT(blank.err, HasSubstr("needs a reason"));
}

TEST_F(CliRefusalTest, ATechnicianCorrecting) {
  succeed({"result", "release", serum_, "K"}, kTechnician);
  const CommandOutput output = refused(
      {"result", "correct", serum_, "K", "4.4", "--reason", "transcription"}, kTechnician, 1);
  EXPECT_EQ(output.err, "aliquot: user 'tech1' (technician) may not correct released results\n");
}

TEST_F(CliRefusalTest, ACriticalCallForAResultThatIsNotCritical) {
  const CommandOutput output =
      refused({"critical", "call", serum_, "K", "--to", "RN Diaz", "--read-back"}, kTechnician, 1);
  EXPECT_THAT(output.err, HasSubstr("is not critical"));
}

TEST_F(CliRefusalTest, ReleasingSeveralIsAllOrNothingAndNamesTheOneRefused) {
  const nlohmann::json specimens = received_order("MRN-2", "K,NA,CL");
  const std::string serum = accession_with(specimens, "K");
  succeed({"result", "enter", serum, "NA", "140"}, kTechnician);
  succeed({"result", "enter", serum, "K", "7.1"}, kTechnician);  // critical, not called
  const CommandOutput output = refused({"result", "release", serum, "NA", "K"}, kTechnician, 1);
  EXPECT_THAT(output.err, StartsWith("aliquot: K: critical result K"));
  EXPECT_THAT(output.err, HasSubstr("(nothing was released)\n"));
  // NA was released inside the refused transaction, which was abandoned.
  const nlohmann::json sodium = succeed_json({"result", "show", serum, "NA"}, kTechnician);
  EXPECT_EQ(sodium["result"]["status"], "preliminary") << sodium.dump(2);
}

TEST_F(CliRefusalTest, AnActingUserTheLabDoesNotHave) {
  const CommandOutput output = refused({"worklist"}, "ghost", 1);
  EXPECT_THAT(output.err, StartsWith("aliquot: user 'ghost' is not a user of the lab"));
}

TEST_F(CliRefusalTest, BadInputIsAUsageError) {
  refused({"patient", "register", "--mrn", "MRN-9", "--family", "Roe", "--given", "Jo",
           "--birth-date", "1990-02-30", "--sex", "F"},
          kClerk, 2);
  const CommandOutput sex = refused({"patient", "register", "--mrn", "MRN-9", "--family", "Roe",
                                     "--given", "Jo", "--birth-date", "1990-02-03", "--sex", "X"},
                                    kClerk, 2);
  EXPECT_THAT(sex.err, StartsWith("aliquot: --sex: "));
  const CommandOutput priority = refused({"order", "place", "--mrn", "MRN-1", "--tests", "K",
                                          "--provider", "Dr X", "--priority", "urgent"},
                                         kClerk, 2);
  EXPECT_THAT(priority.err, StartsWith("aliquot: --priority: "));
  refused({"result", "enter", serum_}, kTechnician, 2);
}

TEST_F(CliRefusalTest, RegisteringAnMrnTwice) {
  const CommandOutput output =
      refused({"patient", "register", "--mrn", "MRN-1", "--family", "Roe", "--given", "Jo",
               "--birth-date", "1990-02-03", "--sex", "M"},
              kClerk, 1);
  EXPECT_THAT(output.err, StartsWith("aliquot: a patient with MRN 'MRN-1' is already registered"));
}

TEST_F(CliRefusalTest, AnUnknownWorklistSection) {
  const CommandOutput output = refused({"worklist", "astrology"}, kTechnician, 1);
  EXPECT_THAT(output.err, StartsWith("aliquot: unknown section 'astrology'"));
}

}  // namespace
}  // namespace aliquot::cli_test
