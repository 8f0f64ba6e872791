// `aliquot people competency`: whose competency is due, from a CSV log of competency events, as a
// lab's script or an inspection checklist would ask it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace aliquot::cli_test {
namespace {

// jdoe started on the chemistry analyzer on 15 January 2026 and was assessed on 10 July: the
// 12-month assessment is due on 15 January 2027. asmith, years in, was last assessed on 1 December
// 2025: overdue from 2 December 2026. lkim was current on hematology until a new analyzer came on
// 1 November 2026.
constexpr const char* kLog =
    "person,test_system,event,date\n"
    "jdoe,CHEM,started,2026-01-15\n"
    "jdoe,CHEM,assessed,2026-07-10\n"
    "asmith,CHEM,started,2020-03-01\n"
    "asmith,CHEM,assessed,2024-12-01\n"
    "asmith,CHEM,assessed,2025-12-01\n"
    "lkim,HEME,started,2019-05-01\n"
    "lkim,HEME,assessed,2025-06-01\n"
    "lkim,HEME,assessed,2026-06-01\n"
    "lkim,HEME,method-changed,2026-11-01\n";

class PeopleCommands : public ::testing::Test {
 protected:
  CommandOutput competency(std::vector<std::string> args) {
    args.insert(args.begin(), {"people", "competency"});
    return runner_.run_raw(args);
  }

  CliRunner runner_;
};

TEST_F(PeopleCommands, GivesEachPersonOnEachSystemTheirStatusInJson) {
  const std::string file = runner_.write_file("competency.csv", kLog);
  const CommandOutput output = competency({file, "--on", "2026-12-20", "--json"});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  const nlohmann::json result = nlohmann::json::parse(output.out);
  EXPECT_EQ(result["on"], "2026-12-20");
  EXPECT_EQ(result["warn_days"], 30);
  const nlohmann::json& entries = result["entries"];
  ASSERT_EQ(entries.size(), 3u) << result.dump(2);

  EXPECT_EQ(entries[0]["person"], "jdoe");
  EXPECT_EQ(entries[0]["test_system"], "CHEM");
  EXPECT_EQ(entries[0]["status"], "due-soon");
  EXPECT_EQ(entries[0]["due"], "2027-01-15");
  EXPECT_EQ(entries[0]["requirement"], "12-month assessment of the first year");
  EXPECT_EQ(entries[0]["last_assessed"], "2026-07-10");
  EXPECT_EQ(entries[0]["may_report"], true);

  EXPECT_EQ(entries[1]["person"], "asmith");
  EXPECT_EQ(entries[1]["status"], "overdue");
  EXPECT_EQ(entries[1]["due"], "2026-12-01");
  EXPECT_EQ(entries[1]["requirement"], "annual assessment");
  EXPECT_EQ(entries[1]["may_report"], false);

  EXPECT_EQ(entries[2]["person"], "lkim");
  EXPECT_EQ(entries[2]["status"], "needed-for-new-method");
  EXPECT_EQ(entries[2]["may_report"], false);
}

TEST_F(PeopleCommands, JudgesTheDayAskedWithTheWarningWindowGiven) {
  const std::string file = runner_.write_file("competency.csv", kLog);
  const CommandOutput output =
      competency({file, "--on", "2026-10-31", "--warn-days", "60", "--json"});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  const nlohmann::json entries = nlohmann::json::parse(output.out)["entries"];
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0]["status"], "current");   // due 15 January, 76 days away
  EXPECT_EQ(entries[1]["status"], "due-soon");  // due 1 December, 31 days away
  EXPECT_EQ(entries[2]["status"], "current");   // the new analyzer comes tomorrow
}

TEST_F(PeopleCommands, PrintsATableAndWhoMayNotReport) {
  const std::string file = runner_.write_file("competency.csv", kLog);
  const CommandOutput output = competency({file, "--on", "2026-12-20"});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  EXPECT_NE(output.out.find("competency on 2026-12-20"), std::string::npos) << output.out;
  EXPECT_NE(output.out.find("needed-for-new-method"), std::string::npos) << output.out;
  EXPECT_NE(output.out.find("3 person-systems: 1 may report, 2 may not"), std::string::npos)
      << output.out;
}

TEST_F(PeopleCommands, RefusesABadFileWithEveryProblemAndABadDay) {
  const std::string file = runner_.write_file(
      "bad.csv", "person,test_system,event,date\njdoe,CHEM,assessed,2026-01-15\n");
  const CommandOutput bad_file = competency({file, "--on", "2026-12-20"});
  EXPECT_EQ(bad_file.exit_code, 2) << shown(bad_file);
  EXPECT_NE(
      bad_file.err.find("bad.csv:2: person 'jdoe' on test system 'CHEM' has no 'started' row"),
      std::string::npos)
      << shown(bad_file);

  const std::string good = runner_.write_file("competency.csv", kLog);
  const CommandOutput bad_day = competency({good, "--on", "20-12-2026"});
  EXPECT_EQ(bad_day.exit_code, 2) << shown(bad_day);
  EXPECT_NE(bad_day.err.find("--on:"), std::string::npos) << shown(bad_day);
}

TEST_F(PeopleCommands, ShowsTheBuiltInRequirements) {
  const CommandOutput output = runner_.run_raw({"people", "requirements", "show", "--json"});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  const nlohmann::json result = nlohmann::json::parse(output.out);
  EXPECT_EQ(result["source"], "default");
  EXPECT_EQ(result["licensure"].size(), 12u);
  EXPECT_EQ(result["licensure"][0]["state"], "CA");
  EXPECT_EQ(result["roles"][1]["role"], "technologist");
  EXPECT_EQ(result["roles"][1]["credentials"],
            nlohmann::json({"MLS(ASCP)", "MT(AMT)", "MLS(AMT)"}));
  EXPECT_EQ(result["reviews"][0]["sections"], nlohmann::json({"microbiology"}));

  const CommandOutput text = runner_.run_raw({"people", "requirements", "show"});
  ASSERT_EQ(text.exit_code, 0) << shown(text);
  EXPECT_NE(text.out.find("Review: technician results in microbiology are released by "
                          "technologist, supervisor, pathologist"),
            std::string::npos)
      << text.out;
}

TEST_F(PeopleCommands, ChecksARequirementsFileAgainstTheCatalog) {
  const std::string good =
      runner_.write_file("good.toml",
                         "[personnel]\nname = \"ours\"\nversion = \"2\"\n"
                         "[[role]]\nrole = \"technologist\"\ncredentials = [\"MLS(ASCP)\"]\n"
                         "[[section]]\nsection = \"hematology\"\nroles = [\"technologist\"]\n");
  const CommandOutput checked = runner_.run_raw({"people", "requirements", "check", good});
  EXPECT_EQ(checked.exit_code, 0) << shown(checked);
  EXPECT_NE(checked.out.find("ok, ours version 2"), std::string::npos) << checked.out;

  const std::string bad =
      runner_.write_file("bad.toml",
                         "[personnel]\nname = \"ours\"\nversion = \"2\"\n"
                         "[[role]]\nrole = \"technologist\"\ncredentials = [\"MLS(ASCP)\"]\n"
                         "[[section]]\nsection = \"hematolgy\"\nroles = [\"technologist\"]\n");
  const CommandOutput refused = runner_.run_raw({"people", "requirements", "check", bad, "--json"});
  EXPECT_EQ(refused.exit_code, 1) << shown(refused);
  const nlohmann::json result = nlohmann::json::parse(refused.out);
  EXPECT_EQ(result["ok"], false);
  ASSERT_EQ(result["diagnostics"].size(), 1u) << result.dump(2);
  EXPECT_EQ(result["diagnostics"][0]["line"], 8);
  EXPECT_EQ(result["diagnostics"][0]["message"],
            "section 'hematolgy' is not a section of the catalog (did you mean 'hematology'?)");
}

TEST_F(PeopleCommands, CountsContinuingEducationInTheCycleAndSaysWhatIsStillNeeded) {
  const std::string file =
      runner_.write_file("ce.csv",
                         "person,date,category,points,provider,title\n"
                         "jdoe,2024-02-28,chemistry,10,ASCLS,before the cycle\n"
                         "jdoe,2025-01-10,chemistry,31,ASCLS,Lipids\n"
                         "jdoe,2025-02-10,hematology,1,in-house,Smears\n"
                         "asmith,2025-02-10,safety,3,in-house,Fire safety\n");
  const CommandOutput output =
      runner_.run_raw({"people", "ce", file, "--person", "jdoe", "--credential", "MLS(ASCP)",
                       "--cycle-start", "2024-03-01", "--json"});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  const nlohmann::json result = nlohmann::json::parse(output.out);
  EXPECT_EQ(result["program"], "ASCP Credential Maintenance Program (CMP)");
  EXPECT_EQ(result["verify"], true);
  EXPECT_EQ(result["cycle_end"], "2027-02-28");
  EXPECT_EQ(result["earned"], 32);
  EXPECT_EQ(result["still_needed"], 6);
  EXPECT_EQ(result["met"], false);
  EXPECT_EQ(result["activities"].size(), 2u);
  EXPECT_EQ(result["missing"],
            nlohmann::json({"1 more point in laboratory or patient safety",
                            "2 more points in blood banking", "1 more point in hematology",
                            "2 more points in microbiology"}));

  const CommandOutput unknown =
      runner_.run_raw({"people", "ce", file, "--person", "jdoe", "--credential", "PBT(ASCP)",
                       "--cycle-start", "2024-03-01"});
  EXPECT_EQ(unknown.exit_code, 1) << shown(unknown);
  EXPECT_NE(unknown.err.find("no continuing-education program maintains 'PBT(ASCP)'"),
            std::string::npos)
      << shown(unknown);
}

TEST_F(PeopleCommands, RefusesAnActivityInACategoryTheRulesDoNotKnow) {
  const std::string file =
      runner_.write_file("ce.csv", "person,date,category,points\njdoe,2025-01-10,hematolgy,2\n");
  const CommandOutput output =
      runner_.run_raw({"people", "ce", file, "--person", "jdoe", "--credential", "MLS(ASCP)",
                       "--cycle-start", "2024-03-01"});
  EXPECT_EQ(output.exit_code, 2) << shown(output);
  EXPECT_NE(output.err.find("ce.csv:2: category 'hematolgy' is not one of"), std::string::npos)
      << shown(output);
  EXPECT_NE(output.err.find("(did you mean 'hematology'?)"), std::string::npos) << shown(output);
}

TEST_F(PeopleCommands, ShowsAndChecksTheContinuingEducationRules) {
  const CommandOutput shown_rules = runner_.run_raw({"people", "ce-rules", "show", "--json"});
  ASSERT_EQ(shown_rules.exit_code, 0) << shown(shown_rules);
  const nlohmann::json rules = nlohmann::json::parse(shown_rules.out);
  EXPECT_EQ(rules["programs"][0]["points"], 36);
  EXPECT_EQ(rules["programs"][1]["credentials"],
            nlohmann::json({"MT(AMT)", "MLS(AMT)", "MLT(AMT)"}));

  const std::string bad = runner_.write_file(
      "ce.toml",
      "[continuing_education]\nname = \"ours\"\nversion = \"1\"\n"
      "[[program]]\nname = \"CMP\"\nsource = \"ASCP\"\ncredentials = [\"MLS(ASCP)\"]\n"
      "cycle_years = 3\npoints = 36\n[[program.minimum]]\ncategory = \"safety\"\npoints = 1\n");
  const CommandOutput checked = runner_.run_raw({"people", "ce-rules", "check", bad});
  EXPECT_EQ(checked.exit_code, 1) << shown(checked);
  EXPECT_NE(checked.out.find("ce.toml:11:12: key 'category' of minimum 1 of program 'CMP' names "
                             "'safety', which is not a [[category]]"),
            std::string::npos)
      << shown(checked);
}

// An MLT on the way to MLS, licensed in California, competent on the chemistry analyzer: a year
// at half time in a clinic, then full time since 24 October 2025 rotating through every area.
constexpr const char* kPerson = R"toml(
[person]
id = "jdoe"
name = "Jane Doe"
role = "technician"

[education]
degree = "baccalaureate"
semester_hours_total = 124
semester_hours = { biology = 20, chemistry = 8 }

[[education.experience]]
laboratory = "Valley clinic"
from = "2024-10-24"
to = "2025-10-23"
full_time_share = 0.5
areas = ["chemistry", "urinalysis"]

[[education.experience]]
laboratory = "County Hospital core laboratory"
from = "2025-10-24"
areas = ["blood-banking", "chemistry", "hematology", "microbiology", "immunology", "urinalysis"]

[[certification]]
credential = "MLT(ASCP)"
number = "123456"
expires = "2027-06-30"

[[licence]]
state = "CA"
type = "MLT"
number = "MLT-777"
expires = "2026-12-31"
)toml";

TEST_F(PeopleCommands, TellsWhichRoutesAPersonMayTakeAndWhatIsMissing) {
  const std::string person = runner_.write_file("jdoe.toml", kPerson);
  const CommandOutput output = runner_.run_raw({"people", "eligibility", person, "--credential",
                                                "MLS(ASCP)", "--on", "2026-11-23", "--json"});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  const nlohmann::json result = nlohmann::json::parse(output.out);
  EXPECT_EQ(result["person"], "jdoe");
  ASSERT_EQ(result["routes"].size(), 3u) << result.dump(2);
  EXPECT_EQ(result["routes"][1]["route"], 2);
  EXPECT_EQ(result["routes"][1]["eligible"], false);
  // 6 months at half time and 13 full time: 19 of the 24 months.
  EXPECT_EQ(result["routes"][1]["missing"],
            nlohmann::json({"8 more semester hours of chemistry",
                            "5 more months of full-time clinical experience (met on 2027-04-24 if "
                            "the present work continues)"}));
  EXPECT_EQ(result["routes"][1]["experience_months"], 19);
  EXPECT_EQ(result["routes"][1]["experience_met_on"], "2027-04-24");
  EXPECT_TRUE(result["routes"][0]["experience_met_on"].is_null());

  const CommandOutput text =
      runner_.run_raw({"people", "eligibility", person, "--on", "2026-11-23"});
  ASSERT_EQ(text.exit_code, 0) << shown(text);
  EXPECT_NE(text.out.find("MLS(ASCP) route 2: needs 8 more semester hours of chemistry and 5 "
                          "more months of full-time clinical experience (met on 2027-04-24 if the "
                          "present work continues)"),
            std::string::npos)
      << text.out;
}

TEST_F(PeopleCommands, QualifiesAPersonOrSaysExactlyWhatIsMissing) {
  const std::string person = runner_.write_file("jdoe.toml", kPerson);
  const std::string log = runner_.write_file("competency.csv",
                                             "person,test_system,event,date\njdoe,CHEM,started,"
                                             "2026-01-15\njdoe,CHEM,assessed,2026-07-10\n");
  const std::vector<std::string> ask = {"people",    "qualify",       person, "--section",
                                        "chemistry", "--test-system", "CHEM", "--state",
                                        "CA",        "--competency",  log};
  std::vector<std::string> on_good_day = ask;
  on_good_day.insert(on_good_day.end(), {"--on", "2026-12-31", "--json"});
  const CommandOutput qualified = runner_.run_raw(on_good_day);
  ASSERT_EQ(qualified.exit_code, 0) << shown(qualified);
  EXPECT_EQ(nlohmann::json::parse(qualified.out)["qualified"], true);

  // The licence expired the day before.
  std::vector<std::string> next_day = ask;
  next_day.insert(next_day.end(), {"--on", "2027-01-01", "--json"});
  const CommandOutput refused = runner_.run_raw(next_day);
  EXPECT_EQ(refused.exit_code, 1) << shown(refused);
  const nlohmann::json answer = nlohmann::json::parse(refused.out);
  EXPECT_EQ(answer["qualified"], false);
  EXPECT_EQ(answer["missing"],
            nlohmann::json({"needs a current CA licence (CA licence MLT MLT-777 expired on "
                            "2026-12-31)"}));

  // Outside a licensure state the licence is not asked for; microbiology sends the
  // technician's results to review.
  const CommandOutput micro =
      runner_.run_raw({"people", "qualify", person, "--section", "microbiology", "--test-system",
                       "CHEM", "--state", "TX", "--competency", log, "--on", "2027-01-01"});
  EXPECT_EQ(micro.exit_code, 0) << shown(micro);
  EXPECT_NE(micro.out.find("results are released after review by technologist, supervisor, "
                           "pathologist"),
            std::string::npos)
      << micro.out;
}

TEST_F(PeopleCommands, ListsWhatLapsesSoonAsATableJsonOrCsv) {
  const std::string person = runner_.write_file("jdoe.toml", kPerson);
  const std::string log = runner_.write_file("competency.csv",
                                             "person,test_system,event,date\njdoe,CHEM,started,"
                                             "2026-01-15\njdoe,CHEM,assessed,2026-07-10\n");
  const CommandOutput output = runner_.run_raw({"people", "expiring", person, "--competency", log,
                                                "--on", "2026-11-23", "--within", "60", "--json"});
  ASSERT_EQ(output.exit_code, 0) << shown(output);
  const nlohmann::json items = nlohmann::json::parse(output.out)["items"];
  // Within 60 days: the CA licence, last valid on 31 December (38 days), and the 12-month
  // competency assessment, due on 15 January (53 days); not the MLT certification (June 2027).
  ASSERT_EQ(items.size(), 2u) << items.dump(2);
  EXPECT_EQ(items[0]["kind"], "licence");
  EXPECT_EQ(items[0]["what"], "CA licence MLT MLT-777");
  EXPECT_EQ(items[0]["days_left"], 38);
  EXPECT_EQ(items[1]["kind"], "competency");
  EXPECT_EQ(items[1]["due"], "2027-01-15");

  const CommandOutput csv = runner_.run_raw(
      {"people", "expiring", person, "--on", "2027-01-02", "--within", "30", "--csv"});
  ASSERT_EQ(csv.exit_code, 0) << shown(csv);
  EXPECT_EQ(csv.out,
            "person,kind,what,due,days_left\r\n"
            "jdoe,licence,CA licence MLT MLT-777,2026-12-31,-2\r\n");
}

}  // namespace
}  // namespace aliquot::cli_test
