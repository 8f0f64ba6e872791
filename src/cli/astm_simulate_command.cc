// `aliquot astm simulate` (cli/astm_simulate_command.h).

#include "cli/astm_simulate_command.h"

#include <chrono>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/instrument_profile.h"
#include "lab/lab_time_zone.h"
#include "mllp/endpoint.h"
#include "simulate/analyzer.h"
#include "simulate/analyzer_rack.h"

namespace aliquot::cli {
namespace {

struct SimulateOptions {
  std::string host;
  std::string profile_file;
  std::vector<std::string> specimens;
  int connections = 1;
  int rounds = 1;
  int qc_every = 0;
  std::string delivered_log;
  std::uint64_t seed = 1;
  int give_up_after_ms = 30'000;
};

Result<ingest::InstrumentProfile> read_profile(const std::string& file,
                                               const catalog::Catalog& catalog) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text, read_input_file("instrument profile", file));
  ALIQUOT_ASSIGN_OR_RETURN(ingest::InstrumentProfile profile,
                           ingest::parse_instrument_profile(text, file, catalog));
  if (profile.protocol != ingest::Protocol::kAstm) {
    return invalid_argument(file + ": instrument '" + profile.id + "' speaks " +
                            std::string(ingest::to_code(profile.protocol)) +
                            ", not astm; the simulated analyzer needs an ASTM profile");
  }
  return profile;
}

std::string_view kind_code(simulate::MessageKind kind) {
  switch (kind) {
    case simulate::MessageKind::kQuery: return "query";
    case simulate::MessageKind::kResults: return "results";
    case simulate::MessageKind::kQualityControl: return "qc";
  }
  return "?";
}

// One line of the delivered log: what the host acknowledged, values as sent.
nlohmann::json delivered_line(const simulate::DeliveredMessage& delivered) {
  nlohmann::json tests = nlohmann::json::array(), codes = nlohmann::json::array(),
                 values = nlohmann::json::array(), units = nlohmann::json::array(),
                 not_done = nlohmann::json::array();
  for (const simulate::Measurement& measurement : delivered.measurements) {
    if (measurement.status != simulate::MeasurementStatus::kFinal) {
      not_done.push_back(measurement.instrument_code);
      continue;
    }
    tests.push_back(measurement.test_code);
    codes.push_back(measurement.instrument_code);
    values.push_back(measurement.value);
    units.push_back(measurement.unit);
  }
  return {{"kind", kind_code(delivered.kind)},
          {"specimen", delivered.specimen_id},
          {"tests", tests},
          {"codes", codes},
          {"values", values},
          {"units", units},
          {"not_done", not_done},
          {"attempts", delivered.attempts},
          {"connection", delivered.connection}};
}

nlohmann::json summary_json(const ingest::InstrumentProfile& profile, const std::string& host,
                            const simulate::AnalyzerReport& report) {
  const simulate::LaneCounters& totals = report.totals;
  return {{"profile", profile.id},
          {"sender", profile.sender},
          {"host", host},
          {"connections", report.connections},
          {"specimens", report.specimens},
          {"queried", totals.queries_answered},
          {"with_orders", totals.specimens_with_orders},
          {"without_orders", totals.specimens_without_orders},
          {"not_run", totals.specimens_not_run},
          {"results_delivered", totals.results_delivered},
          {"result_messages_delivered", totals.result_messages_delivered},
          {"qc_messages_delivered", totals.qc_messages_delivered},
          {"messages_resent", totals.messages_resent},
          {"results_resent", totals.results_resent},
          {"messages_failed", totals.messages_failed},
          {"results_failed", totals.results_failed},
          {"connects", report.connects},
          {"connections_lost", report.connections_lost},
          {"elapsed_seconds", report.elapsed_seconds},
          {"results_per_second", report.results_per_second()},
          {"latency_ms",
           {{"p50", report.latency_percentile_ms(50)}, {"p99", report.latency_percentile_ms(99)}}}};
}

// `value` with `decimals` decimals.
std::string fixed(double value, int decimals) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(decimals) << value;
  return text.str();
}

void print_summary(std::ostream& out, const ingest::InstrumentProfile& profile,
                   const std::string& host, const simulate::AnalyzerReport& report) {
  const simulate::LaneCounters& t = report.totals;
  out << "analyzer " << profile.id << " (" << profile.sender << ") -> " << host << ", "
      << report.connections << " connection(s)\n";
  out << "specimens: " << report.specimens << " on the rack, " << t.queries_answered << " queried, "
      << t.specimens_with_orders << " with orders, " << t.specimens_without_orders << " without, "
      << t.specimens_not_run << " not run\n";
  out << "results delivered: " << t.results_delivered << " in " << t.result_messages_delivered
      << " message(s); quality control messages: " << t.qc_messages_delivered << "\n";
  out << "re-sent: " << t.messages_resent << " message(s) (" << t.results_resent
      << " results); failed: " << t.messages_failed << " message(s) (" << t.results_failed
      << " results)\n";
  out << "connections: " << report.connects << " made, " << report.connections_lost << " lost\n";
  out << "elapsed: " << fixed(report.elapsed_seconds, 3) << " s, "
      << fixed(report.results_per_second(), 0) << " results/s, result message latency p50 "
      << fixed(report.latency_percentile_ms(50), 1) << " ms, p99 "
      << fixed(report.latency_percentile_ms(99), 1) << " ms\n";
}

Result<void> run_simulate(Session& session, const SimulateOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const mllp::Endpoint endpoint, mllp::parse_endpoint(options.host));
  if (options.connections < 1) {
    return invalid_argument("--connections must be at least 1, not " +
                            std::to_string(options.connections));
  }
  if (options.rounds < 1) {
    return invalid_argument("--rounds must be at least 1, not " + std::to_string(options.rounds));
  }
  if (options.qc_every < 0) {
    return invalid_argument("--qc-every must be 0 (never) or more, not " +
                            std::to_string(options.qc_every));
  }
  if (options.give_up_after_ms <= 0) {
    return invalid_argument("--give-up-after must be a positive number of milliseconds, not " +
                            std::to_string(options.give_up_after_ms));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* catalog, session.catalog());
  ALIQUOT_ASSIGN_OR_RETURN(const ingest::InstrumentProfile profile,
                           read_profile(options.profile_file, *catalog));

  std::vector<simulate::RackSpecimen> rack;
  // The analyzer's clock shows the lab's local time, as the host reads it.
  core::TimeZone clock_zone = core::TimeZone::utc();
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(clock_zone, lab::lab_time_zone(tx));
        if (options.specimens.empty()) {
          ALIQUOT_ASSIGN_OR_RETURN(rack, simulate::rack_from_store(tx, profile, session.clock()));
        } else {
          ALIQUOT_ASSIGN_OR_RETURN(
              rack, simulate::rack_from_accessions(tx, options.specimens, session.clock()));
        }
        return ok();
      },
      lab::Action::kViewRecords));

  std::ofstream log;
  if (!options.delivered_log.empty()) {
    log.open(options.delivered_log, std::ios::binary | std::ios::trunc);
    if (!log) {
      return invalid_argument("cannot write the delivered log '" + options.delivered_log + "'");
    }
  }

  simulate::AnalyzerOptions analyzer;
  analyzer.host = endpoint.host;
  analyzer.port = endpoint.port;
  analyzer.connections = options.connections;
  analyzer.lane.rounds = options.rounds;
  analyzer.lane.qc_every = options.qc_every;
  analyzer.lane.clock_zone = clock_zone;
  analyzer.seed = options.seed;
  analyzer.give_up_after = std::chrono::milliseconds(options.give_up_after_ms);
  analyzer.io_threads = options.connections > 1 ? 2 : 1;
  if (log.is_open()) {
    // Line by line and flushed: a test reading it after a crash sees every acknowledgement.
    analyzer.on_delivered = [&log](const simulate::DeliveredMessage& delivered) {
      log << delivered_line(delivered).dump() << '\n' << std::flush;
    };
  }
  if (!session.json()) {
    analyzer.on_event = [&session](const std::string& text) {
      session.out() << text << '\n' << std::flush;
    };
  }
  ALIQUOT_ASSIGN_OR_RETURN(
      const simulate::AnalyzerReport report,
      simulate::run_analyzer(*catalog, profile, session.clock(), std::move(rack), analyzer));

  if (session.json()) {
    session.set_json(summary_json(profile, endpoint.to_string(), report));
  } else {
    print_summary(session.out(), profile, endpoint.to_string(), report);
  }
  const simulate::LaneCounters& totals = report.totals;
  std::vector<std::string> given_up;
  if (totals.messages_failed > 0) {
    given_up.push_back(std::to_string(totals.messages_failed) + " message(s) (" +
                       std::to_string(totals.results_failed) + " results) not acknowledged by " +
                       endpoint.to_string());
  }
  if (totals.specimens_not_run > 0) {
    given_up.push_back(std::to_string(totals.specimens_not_run) + " specimen(s) not run");
  }
  if (!given_up.empty()) session.report_finding(unavailable(join(given_up, "; ")));
  return ok();
}

}  // namespace

void add_astm_simulate_command(CLI::App& astm_group, CommandSelection& selection) {
  auto options = std::make_shared<SimulateOptions>();
  CLI::App* command = astm_group.add_subcommand(
      "simulate",
      "play an analyzer against an ASTM host over TCP: query the host for each specimen on the "
      "rack (H-Q-L), measure the tests it orders with realistic values, and send them "
      "(H-P-O-R-L); a result counts as delivered only when the host acknowledged its message, "
      "and what was not is sent again after reconnecting. The rack is --specimens, else the "
      "received specimens of the lab (--db) with pending tests the analyzer performs. Exit "
      "status 1 when anything was given up");
  command->add_option("--host", options->host, "the host's ASTM listener, HOST:PORT")
      ->required()
      ->type_name("HOST:PORT");
  command
      ->add_option("--profile", options->profile_file,
                   "the analyzer's instrument profile, e.g. "
                   "interfaces/instruments/aliquot-sim-chem.toml")
      ->required()
      ->type_name("FILE");
  command
      ->add_option("--specimens", options->specimens,
                   "accession numbers loaded on the rack, comma-separated (default: from the lab)")
      ->delimiter(',')
      ->type_name("A,B,...");
  command->add_option("--connections", options->connections, "concurrent links (load)")
      ->capture_default_str()
      ->type_name("N");
  command->add_option("--rounds", options->rounds, "passes over the rack")
      ->capture_default_str()
      ->type_name("N");
  command
      ->add_option("--qc-every", options->qc_every,
                   "a quality control run (O-12 Q) after every N result messages; 0 never")
      ->capture_default_str()
      ->type_name("N");
  command
      ->add_option("--delivered-log", options->delivered_log,
                   "write each acknowledged message as a JSON line (kind, specimen, tests, values)")
      ->type_name("FILE");
  command->add_option("--seed", options->seed, "seed of the simulated values")
      ->capture_default_str()
      ->type_name("N");
  command
      ->add_option("--give-up-after", options->give_up_after_ms,
                   "give up what is not acknowledged when no connection could be made for this "
                   "long")
      ->capture_default_str()
      ->type_name("MS");
  selection.bind(command, [options](Session& session) { return run_simulate(session, *options); });
}

}  // namespace aliquot::cli
