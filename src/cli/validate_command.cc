#include "cli/validate_command.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "core/test_result.h"
#include "core/text.h"
#include "core/time.h"
#include "report/text_table.h"
#include "rules/loader.h"
#include "simulate/autoverification_validation.h"

namespace aliquot::cli {
namespace {

constexpr const char* kValidateFooter = R"(Usage:
  aliquot validate autoverification [--patients N] [--seed S] [--catalog FILE] [--rules FILE]
A simulated day of the lab is judged by the autoverification engine in memory, first clean, then
with known errors injected (sample swap, hemolysis, IV fluid, instrument flags, failed QC, absurd
values, dilution errors, specimens past stability), each class into its own sample of specimens.
The report gives the clean autoverification rate per section, the rules that held clean results,
and for each error class the results it affected and how many of them autoverified anyway.
Without --rules the built-in default rules are validated, against the built-in menu unless
--catalog FILE is given. No lab database is used.
Exit status: 0 when the target is met (no injected error autoverified and at least 90% of the
clean results autoverified), 1 when it is not, 2 for a bad option or a file with problems.)";

// How many tests `Missed on` names before "...".
constexpr std::size_t kMissedTestsShown = 5;
// How many hold reasons the text report lists (--json gives all).
constexpr std::size_t kHoldsShown = 12;

struct ValidateOptions {
  int patients = simulate::ValidationOptions{}.patients;
  std::uint64_t seed = simulate::ValidationOptions{}.seed;
  std::string catalog_file;  // empty: the built-in default menu
  std::string rules_file;    // empty: the built-in default rules
};

Result<rules::RuleSet> load_rules(const std::string& file, const catalog::Catalog& menu) {
  rules::LoadOutcome outcome = rules_or_default(file, menu);
  if (outcome.rules) return std::move(*outcome.rules);
  return file_problems(file.empty() ? std::string(rules::kDefaultRulesFileName) : file,
                       outcome.diagnostics);
}

double rate(int part, int whole) { return whole == 0 ? 0.0 : double(part) / whole; }

// "89.1%".
std::string percent(double fraction) { return core::format_decimal(fraction * 100, 1) + "%"; }

// Tests with misses, most first: "CL 12, CO2 9, ...".
std::string missed_tests(const std::map<std::string, int>& misses) {
  std::vector<std::pair<std::string, int>> sorted(misses.begin(), misses.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < sorted.size() && i < kMissedTestsShown; ++i) {
    shown.push_back(sorted[i].first + " " + std::to_string(sorted[i].second));
  }
  if (sorted.size() > kMissedTestsShown) shown.emplace_back("...");
  return core::join(shown, ", ");
}

std::string target_line(const simulate::ValidationReport& report) {
  return std::string("target: 0 wrongly autoverified and >= ") +
         core::number_text(simulate::kTargetCleanRate * 100) +
         "% of clean results autoverified: " + (report.target_met() ? "met" : "NOT met");
}

nlohmann::json report_to_json(const simulate::ValidationReport& report) {
  nlohmann::json sections = nlohmann::json::array();
  for (const simulate::SectionRate& section : report.sections) {
    sections.push_back({{"section", section.section},
                        {"results", section.results},
                        {"autoverified", section.autoverified},
                        {"rate", rate(section.autoverified, section.results)}});
  }
  nlohmann::json holds = nlohmann::json::array();
  for (const simulate::HoldCount& hold : report.holds) {
    holds.push_back({{"category", hold.category}, {"rule", hold.rule}, {"results", hold.results}});
  }
  nlohmann::json injected = nlohmann::json::array();
  for (const simulate::ClassOutcome& outcome : report.classes) {
    injected.push_back({{"class", simulate::to_code(outcome.error_class)},
                        {"description", simulate::describe(outcome.error_class)},
                        {"eligible_specimens", outcome.eligible_specimens},
                        {"specimens", outcome.specimens},
                        {"affected_results", outcome.affected_results},
                        {"wrongly_autoverified", outcome.wrongly_autoverified},
                        {"within_delta_limit", outcome.within_delta_limit},
                        {"specimens_with_a_miss", outcome.specimens_with_a_miss},
                        {"misses_by_test", outcome.misses_by_test}});
  }
  nlohmann::json published = nlohmann::json::array();
  for (const simulate::PublishedRate& anchor : simulate::kPublishedRates) {
    published.push_back({{"what", anchor.what}, {"rate", anchor.rate}, {"source", anchor.source}});
  }
  return {{"catalog", {{"name", report.catalog_name}, {"version", report.catalog_version}}},
          {"rules", {{"name", report.rules_name}, {"version", report.rules_version}}},
          {"options",
           {{"date", core::format_date(report.options.date)},
            {"patients", report.options.patients},
            {"seed", report.options.seed},
            {"injection_rate", report.options.injection_rate},
            {"minimum_injected", simulate::kMinimumInjected}}},
          {"clean",
           {{"specimens", report.specimens},
            {"results", report.results},
            {"autoverified", report.autoverified},
            {"rate", report.clean_rate()},
            {"sections", sections},
            {"holds", holds}}},
          {"injected", injected},
          {"wrongly_autoverified", report.wrongly_autoverified()},
          {"target",
           {{"wrongly_autoverified", 0},
            {"clean_rate", simulate::kTargetCleanRate},
            {"met", report.target_met()},
            {"line", target_line(report)}}},
          {"published_rates", published}};
}

void print_report(std::ostream& out, const simulate::ValidationReport& report) {
  out << "Autoverification validation of " << report.rules_name << " " << report.rules_version
      << "\nwith catalog " << report.catalog_name << " " << report.catalog_version
      << ", on a simulated day judged in memory\n(" << core::format_date(report.options.date)
      << ", " << report.options.patients << " patients, seed " << report.options.seed << ")\n\n";

  out << "Clean day: " << report.specimens << " specimens, " << report.results << " results, "
      << report.autoverified << " autoverified (" << percent(report.clean_rate()) << ")\n";
  report::TextTable sections({"Section", "Results", "Autoverified", "Rate"});
  for (std::size_t column = 1; column < 4; ++column) {
    sections.align(column, report::Alignment::kRight);
  }
  for (const simulate::SectionRate& section : report.sections) {
    sections.add_row({section.section, std::to_string(section.results),
                      std::to_string(section.autoverified),
                      percent(rate(section.autoverified, section.results))});
  }
  out << sections.render("  ") << "\n";

  out << "Why clean results were held (most frequent rules; a result may have several reasons)\n";
  if (report.holds.empty()) {
    out << "  none\n";
  } else {
    report::TextTable holds({"Category", "Rule", "Results"});
    holds.align(2, report::Alignment::kRight);
    for (std::size_t i = 0; i < report.holds.size() && i < kHoldsShown; ++i) {
      const simulate::HoldCount& hold = report.holds[i];
      holds.add_row({hold.category, hold.rule, std::to_string(hold.results)});
    }
    out << holds.render("  ");
    if (report.holds.size() > kHoldsShown) {
      out << "  ... " << report.holds.size() - kHoldsShown << " more rules (--json lists all)\n";
    }
  }
  out << "\n";

  out << "Injected errors, each class into its own sample of specimens ("
      << percent(report.options.injection_rate) << " of those eligible, at least "
      << simulate::kMinimumInjected
      << "),\njudged apart. An affected result that autoverified is a miss. \"Within delta\" "
         "counts the misses\nwhose value lies within a delta limit of the patient's true value; "
         "they stay counted as misses.\n";
  report::TextTable classes(
      {"Error", "Specimens", "Affected", "Wrongly autoverified", "Within delta", "Missed on"});
  for (std::size_t column = 1; column < 5; ++column) {
    classes.align(column, report::Alignment::kRight);
  }
  for (const simulate::ClassOutcome& outcome : report.classes) {
    classes.add_row(
        {std::string(simulate::to_code(outcome.error_class)), std::to_string(outcome.specimens),
         std::to_string(outcome.affected_results), std::to_string(outcome.wrongly_autoverified),
         std::to_string(outcome.within_delta_limit), missed_tests(outcome.misses_by_test)});
  }
  out << classes.render("  ");
  for (const simulate::ClassOutcome& outcome : report.classes) {
    out << "  " << simulate::to_code(outcome.error_class) << ": "
        << simulate::describe(outcome.error_class) << "\n";
  }
  out << "\nPublished autoverification rates, for comparison (results.md):\n";
  for (const simulate::PublishedRate& anchor : simulate::kPublishedRates) {
    out << "  " << anchor.what << ": " << anchor.rate << " (" << anchor.source << ")\n";
  }
  out << "\n" << target_line(report) << "\n";
}

Result<void> run_validate(Session& session, const ValidateOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog menu, catalog_or_default(options.catalog_file));
  ALIQUOT_ASSIGN_OR_RETURN(const rules::RuleSet set, load_rules(options.rules_file, menu));
  simulate::ValidationOptions validation;
  validation.patients = options.patients;
  validation.seed = options.seed;
  ALIQUOT_ASSIGN_OR_RETURN(const simulate::ValidationReport report,
                           simulate::validate_autoverification(menu, set, validation));
  if (session.json()) {
    session.set_json(report_to_json(report));
  } else {
    print_report(session.out(), report);
  }
  if (!report.target_met()) {
    session.report_finding(failed_precondition(
        "autoverification target not met: " + std::to_string(report.wrongly_autoverified()) +
        " injected errors autoverified, " + percent(report.clean_rate()) +
        " of clean results autoverified (target: none, and at least " +
        core::number_text(simulate::kTargetCleanRate * 100) + "%)"));
  }
  return ok();
}

}  // namespace

void add_validate_command(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand("validate", "validate the lab's rules on a simulated day");
  group->footer(kValidateFooter);
  group->require_subcommand(1);

  auto options = std::make_shared<ValidateOptions>();
  CLI::App* command = group->add_subcommand(
      "autoverification",
      "judge a simulated day, clean and with known errors injected, by the autoverification rules");
  command->footer(kValidateFooter);
  command->add_option("--patients", options->patients, "patients of the simulated day")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command->add_option("--seed", options->seed, "random seed: the same seed gives the same report")
      ->capture_default_str();
  command
      ->add_option("--catalog", options->catalog_file,
                   "catalog the rules are written for (default: the built-in core menu)")
      ->type_name("FILE");
  command
      ->add_option("--rules", options->rules_file,
                   "rules to validate (default: the built-in catalog/autoverification.toml)")
      ->type_name("FILE");
  selection.bind(command, [options](Session& session) { return run_validate(session, *options); });
}

}  // namespace aliquot::cli
