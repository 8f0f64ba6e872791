// `aliquot demo`: a fresh lab with one simulated day in it, to explore with the other commands;
// with --serve, the server on that lab with sign-in accounts for the web UI and simulated
// analyzers reporting new results until Ctrl-C.

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include "cli/commands.h"
#include "cli/interface_options.h"
#include "cli/server_runner.h"
#include "simulate/demo.h"
#include "simulate/demo_feeder.h"
#include "simulate/demo_logins.h"
#include "simulate/demo_people.h"

namespace aliquot::cli {
namespace {

struct DemoFlags {
  simulate::DemoOptions demo;
  std::string serve;  // HOST:PORT; "" runs the day only
  std::string web;    // "" : kDefaultWeb when it is built
  std::string instruments = kDefaultInstruments;
  double feed_every = 3;  // seconds
};

// Where `make web` puts the built web UI.
constexpr const char* kDefaultWeb = "web/dist";

// The folder to serve the web UI from, or std::nullopt with the reason in `note` when it is not
// built: the server then serves the JSON API alone.
std::optional<std::string> built_web(const std::string& given, std::string& note) {
  const std::string folder = given.empty() ? kDefaultWeb : given;
  std::error_code ignored;
  if (std::filesystem::is_regular_file(std::filesystem::path(folder) / "index.html", ignored)) {
    return folder;
  }
  note = "the web UI is not built (no " + folder +
         "/index.html; `make web` builds it with npm): serving the JSON API only";
  return std::nullopt;
}

// The URL a browser on this machine opens: an address that listens everywhere is reached at
// the loopback address.
std::string browser_url(const ServerPorts& ports) {
  const bool everywhere = ports.http_host == "0.0.0.0" || ports.http_host == "::";
  return fmt::format("http://{}:{}/", everywhere ? "127.0.0.1" : ports.http_host, ports.http);
}

void print_logins(std::ostream& out) {
  out << "demo logins (user, password, role):\n";
  for (const simulate::DemoLogin& login : simulate::demo_logins()) {
    out << fmt::format("  {:<14} {:<24} {}\n", login.username, login.password,
                       core::to_code(login.role));
  }
}

// The server on the demo lab, with the logins and the feeder, until SIGINT or SIGTERM.
Result<void> serve_demo(Session& session, const DemoFlags& flags) {
  Session lab(GlobalOptions{.database_path = simulate::demo_database_path(flags.demo.dir),
                            .username = "admin",
                            .format = session.options().format},
              session.clock(), session.out());
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * store, lab.store());
  ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog* catalog, lab.catalog());
  ALIQUOT_RETURN_IF_ERROR(simulate::enable_demo_logins(*store, *catalog, session.clock()));
  ALIQUOT_RETURN_IF_ERROR(simulate::enable_demo_people(*store, *catalog, session.clock()));
  ALIQUOT_ASSIGN_OR_RETURN(const ingest::InstrumentProfiles profiles,
                           profiles_from(flags.instruments, *catalog));

  std::ostream& out = session.json() ? std::cerr : session.out();
  std::string web_note;
  server::ServeConfig config;
  config.http = flags.serve;
  config.web = built_web(flags.web, web_note);
  // The simulated analyzers report over the server's own ASTM listener, on any free port.
  config.astm = "127.0.0.1:0";
  config.instruments = flags.instruments;
  if (!web_note.empty()) out << web_note << "\n";
  out << "\nserving the demo lab:\n";

  const auto every = std::chrono::milliseconds(std::llround(flags.feed_every * 1000));
  std::unique_ptr<simulate::DemoFeeder> feeder;
  std::jthread feeding;
  std::mutex printing;
  ServerHooks hooks;
  hooks.started = [&](const ServerPorts& ports, std::ostream& to) -> Result<void> {
    simulate::FeederOptions options;
    options.astm_host = ports.astm_host;
    options.astm_port = ports.astm;
    options.every = every;
    options.seed = flags.demo.seed;
    ALIQUOT_ASSIGN_OR_RETURN(
        feeder, simulate::DemoFeeder::create(
                    *store, *catalog, session.clock(),
                    simulate::DayOptions{.patients = flags.demo.patients, .seed = flags.demo.seed},
                    profiles, options));
    ALIQUOT_ASSIGN_OR_RETURN(const std::string qc, feeder->prepare_quality_control());
    to << "quality control: " << qc << "\n\n";
    to << "the demo lab: " << browser_url(ports)
       << (config.web ? "" : " (JSON API only: docs/api.md; `make web` builds the web UI)") << "\n";
    print_logins(to);
    to << "the staff dashboard (certifications, licences, competency lapsing within 30/60/90 "
          "days): "
       << browser_url(ports) << "#/staff as sup.kowalski\n";
    to << fmt::format("feeding results every {} s; stop with Ctrl-C",
                      core::number_text(flags.feed_every))
       << std::endl;
    feeding = std::jthread([&feeder, &printing, &to](std::stop_token stop) {
      feeder->run(stop, [&printing, &to](const std::string& line) {
        std::lock_guard lock(printing);
        to << line << std::endl;
      });
    });
    return ok();
  };
  hooks.stopping = [&feeding] {
    if (!feeding.joinable()) return;
    feeding.request_stop();
    feeding.join();
  };
  return run_server(lab, config, hooks);
}

Result<void> run_demo(Session& session, const DemoFlags& flags) {
  if (!flags.serve.empty()) {
    // A wrong address is refused before the day is simulated.
    ALIQUOT_RETURN_IF_ERROR(parse_listen("--serve", flags.serve));
    if (!(flags.feed_every >= 0.1)) {
      return invalid_argument("--feed-every " + core::number_text(flags.feed_every) +
                              ": at least 0.1 seconds");
    }
  }
  if (session.json()) {
    // The human summary is not wanted with --json; the summary itself is.
    std::ostringstream discarded;
    ALIQUOT_ASSIGN_OR_RETURN(const simulate::DaySummary summary,
                             simulate::run_demo(flags.demo, discarded));
    nlohmann::json body = simulate::to_json(summary);
    body["database"] = simulate::demo_database_path(flags.demo.dir);
    session.set_json(body);
  } else {
    ALIQUOT_ASSIGN_OR_RETURN(const simulate::DaySummary summary,
                             simulate::run_demo(flags.demo, session.out()));
    (void)summary;
  }
  if (flags.serve.empty()) return ok();
  return serve_demo(session, flags);
}

}  // namespace

void add_demo_command(CLI::App& app, CommandSelection& selection) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* command = app.add_subcommand(
      "demo",
      "create a lab under DIR (DIR/aliquot.db, replaced if present) and run one simulated day "
      "in it; with --serve, then serve it with demo logins and simulated analyzers reporting "
      "new results until Ctrl-C");
  command->add_option("--dir", flags->demo.dir, "directory of the demo lab")->capture_default_str();
  command->add_option("--patients", flags->demo.patients, "patients seen during the day")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command->add_option("--seed", flags->demo.seed, "random seed: the same seed gives the same day")
      ->capture_default_str();
  command
      ->add_option("--serve", flags->serve,
                   "after the day, serve the lab's HTTP API and web UI on HOST:PORT (PORT 0: any)")
      ->type_name("HOST:PORT");
  command->add_option("--web", flags->web,
                      "the built web UI to serve (default web/dist when `make web` built it)");
  command
      ->add_option("--instruments", flags->instruments,
                   "directory of instrument profiles, with the simulated analyzers' "
                   "(aliquot-sim-chem.toml, aliquot-sim-heme.toml)")
      ->capture_default_str();
  command->add_option("--feed-every", flags->feed_every, "seconds between new orders with --serve")
      ->capture_default_str();
  selection.bind(command, [flags](Session& session) { return run_demo(session, *flags); });
}

}  // namespace aliquot::cli
