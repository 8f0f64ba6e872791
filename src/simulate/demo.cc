#include "simulate/demo.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "core/time.h"
#include "lab/lab_setup.h"
#include "rules/loader.h"
#include "simulate/day_driver.h"
#include "simulate/day_generator.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::simulate {
namespace {

namespace fs = std::filesystem;

Result<void> remove_database(const std::string& path) {
  for (const std::string suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code error;
    fs::remove(path + suffix, error);
    if (error) {
      return unavailable("cannot remove the previous demo database " + path + suffix + ": " +
                         error.message());
    }
  }
  return ok();
}

}  // namespace

std::string demo_database_path(const std::string& dir) {
  return (fs::path(dir) / "aliquot.db").string();
}

Result<DaySummary> run_demo(const DemoOptions& options, std::ostream& out) {
  if (options.patients < 1) {
    return invalid_argument("a demo day needs at least 1 patient, not " +
                            std::to_string(options.patients));
  }
  const auto wall_start = std::chrono::steady_clock::now();
  {
    std::error_code error;
    fs::create_directories(options.dir, error);
    if (error) {
      return unavailable("cannot create the demo directory " + options.dir + ": " +
                         error.message());
    }
  }
  const std::string path = demo_database_path(options.dir);
  ALIQUOT_RETURN_IF_ERROR(remove_database(path));
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store, store::open_sqlite_store(path));

  const DayOptions day{.patients = options.patients, .seed = options.seed};
  // The lab is set up the evening before the simulated day.
  core::ManualClock clock(
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::sys_days(day.date)) -
      std::chrono::hours(2));
  ALIQUOT_RETURN_IF_ERROR(lab::initialize_lab(
      *store, clock,
      lab::InitializeLab{.lab_name = "aliquot demo laboratory",
                         .catalog_text = std::string(catalog::default_catalog_text()),
                         .catalog_file_name = std::string(catalog::kDefaultCatalogFileName),
                         .rules_text = std::string(rules::default_rules_text()),
                         .rules_file_name = std::string(rules::kDefaultRulesFileName)}));
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog catalog, lab::current_catalog(*store));
  ALIQUOT_ASSIGN_OR_RETURN(const DayGenerator generator, DayGenerator::create(catalog, day));
  ALIQUOT_ASSIGN_OR_RETURN(DayDriver driver, DayDriver::create(*store, generator, clock));
  ALIQUOT_RETURN_IF_ERROR(driver.run_day());
  ALIQUOT_ASSIGN_OR_RETURN(DaySummary summary, summarize_day(*store));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  out << fmt::format(
      "A simulated day at the aliquot demo laboratory: {} (seed {}, catalog {} {})\n\n",
      core::format_date(day.date), options.seed, catalog.name(), catalog.version());
  print_summary(summary, out);
  out << fmt::format(
      "\n  {} use cases through the lab's API in {} transactions, {:.1f} s wall time.\n",
      driver.stats().use_cases, driver.stats().transactions, seconds);

  // How to look around with the CLI, with real numbers from the day.
  const std::string cli = "build/aliquot --db " + path;
  std::vector<std::pair<std::string, std::string>> hints = {
      {cli + " worklist chemistry", "what is still on the chemistry bench at midnight"}};
  if (!summary.example_mrn.empty()) {
    hints.emplace_back(cli + " report " + summary.example_mrn,
                       summary.example_accession.empty()
                           ? "a patient's report"
                           : "the report of a patient with a critical result");
  }
  if (!summary.example_accession.empty()) {
    hints.emplace_back(cli + " specimen show " + summary.example_accession,
                       "that specimen, its results and the critical call");
  }
  if (!summary.example_rejected_accession.empty()) {
    hints.emplace_back(cli + " specimen show " + summary.example_rejected_accession,
                       "a rejected specimen");
  }
  if (!summary.example_mrn.empty()) {
    hints.emplace_back(cli + " audit show --patient " + summary.example_mrn,
                       "everything done for that patient, by whom and when");
  }
  hints.emplace_back(cli + " audit verify", "check the audit trail's hash chain");
  std::size_t width = 0;
  for (const auto& hint : hints) width = std::max(width, hint.first.size());
  out << "\nExplore the day:\n";
  for (const auto& [command, what] : hints) {
    out << fmt::format("  {:<{}}   {}\n", command, width, what);
  }
  return summary;
}

}  // namespace aliquot::simulate
