#include "cli/qc_history.h"

#include "cli/commands.h"
#include "report/display.h"

namespace aliquot::cli {

void add_qc_history_options(CLI::App* command, QcHistoryOptions& options, AnalyteOptions analyte) {
  CLI::Option* instrument =
      command->add_option("--instrument", options.instrument, "instrument profile id")
          ->type_name("ID");
  CLI::Option* test =
      command->add_option("--test", options.test_code, "catalog test code")->type_name("CODE");
  if (analyte == AnalyteOptions::kRequired) {
    instrument->required();
    test->required();
  } else {
    instrument->needs(test);
    test->needs(instrument);
  }
  CLI::Option* from =
      command->add_option("--from", options.from, "runs measured from, e.g. 2026-03-01T00:00Z")
          ->type_name("TIME");
  CLI::Option* to =
      command->add_option("--to", options.to, "runs measured before")->type_name("TIME");
  CLI::Option* month =
      command->add_option("--month", options.month, "a calendar month in the lab's time zone")
          ->type_name("YYYY-MM");
  month->excludes(from);
  month->excludes(to);
  for (CLI::Option* option : {from, to, month}) option->needs(instrument);
}

Result<QcHistory> read_qc_history(Session& session, const QcHistoryOptions& options) {
  lab::QcHistoryQuery query;
  query.instrument = options.instrument;
  query.test_code = options.test_code;
  ALIQUOT_ASSIGN_OR_RETURN(query.from, parse_optional_time("--from", options.from));
  ALIQUOT_ASSIGN_OR_RETURN(query.to, parse_optional_time("--to", options.to));
  if (query.from && query.to && *query.to <= *query.from) {
    return invalid_argument("--to " + core::format_instant(*query.to) + " is not after --from " +
                            core::format_instant(*query.from));
  }
  if (!options.month.empty()) {
    Result<std::chrono::year_month> month = lab::parse_qc_month(options.month);
    if (!month) return invalid_argument("--month " + month.error().message());
    query.month = *month;
  }
  QcHistory history;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(history, lab::read_qc_history(tx, query));
        return ok();
      },
      std::nullopt));
  return history;
}

std::string period_text(const QcHistory& history) {
  if (history.from && history.to) {
    return report::display_time(*history.from) + " to " + report::display_time(*history.to);
  }
  if (history.from) return "since " + report::display_time(*history.from);
  if (history.to) return "until " + report::display_time(*history.to);
  return "all time";
}

}  // namespace aliquot::cli
