// `aliquot serve`: the one server process (ARCHITECTURE, "One picture"): the HTTP JSON API and
// the web UI, the MLLP and ASTM listeners feeding the ingest pipeline, and the outbox sender,
// configured from a TOML file (server/serve_config.h) and flags, until SIGINT or SIGTERM.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/server_runner.h"
#include "server/serve_config.h"

namespace aliquot::cli {
namespace {

// The flags as given; empty ones leave the configuration file's value (or the default).
struct ServeFlags {
  std::string config;
  std::string mllp;
  std::string astm;
  std::string http;
  std::string web;
  int threads = 0;
  std::int64_t view_cache_mb = -1;    // -1: not given
  std::vector<std::string> serial;    // DEVICE[@BAUD]
  std::vector<std::string> outbound;  // NAME=HOST:PORT
  std::string instruments;
  std::size_t max_message_size = 0;
  std::string log_format;
  bool secure_cookie = false;
};

Result<server::ServeConfig> configuration(const ServeFlags& flags) {
  server::ServeConfig file;
  if (!flags.config.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(file, server::load_serve_config(flags.config));
  }
  server::ServeConfig given;
  auto text = [](const std::string& value) {
    return value.empty() ? std::nullopt : std::optional<std::string>(value);
  };
  given.http = text(flags.http);
  given.web = text(flags.web);
  given.mllp = text(flags.mllp);
  given.astm = text(flags.astm);
  given.instruments = text(flags.instruments);
  if (flags.threads > 0) given.threads = flags.threads;
  if (flags.view_cache_mb >= 0) given.view_cache_mb = flags.view_cache_mb;
  if (flags.max_message_size > 0) given.max_message_size = flags.max_message_size;
  if (!flags.serial.empty()) given.serial = flags.serial;
  if (!flags.outbound.empty()) given.outbound = flags.outbound;
  if (flags.secure_cookie) given.secure_cookie = true;
  if (flags.log_format == "json") {
    given.log_format = server::LogFormat::kJson;
  } else if (flags.log_format == "text") {
    given.log_format = server::LogFormat::kText;
  } else if (!flags.log_format.empty()) {
    return invalid_argument("--log-format " + flags.log_format + ": \"text\" or \"json\"");
  }
  return server::merge(std::move(file), given);
}

Result<void> run_serve(Session& session, const ServeFlags& flags) {
  ALIQUOT_ASSIGN_OR_RETURN(const server::ServeConfig config, configuration(flags));
  return run_server(session, config);
}

}  // namespace

void add_serve_command(CLI::App& app, CommandSelection& selection) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* command = app.add_subcommand("serve",
                                         "run the server: HTTP API and web UI, instrument and EHR "
                                         "interfaces, until SIGINT or SIGTERM");
  command->add_option("--config", flags->config,
                      "TOML configuration file (docs/serve.md); flags override its keys");
  command->add_option("--http", flags->http,
                      "the HTTP JSON API on HOST:PORT (PORT 0: any; docs/api.md)");
  command->add_option("--web", flags->web,
                      "serve the built web UI from this folder at / (make web builds web/dist)");
  command->add_option("--threads", flags->threads,
                      "threads answering HTTP requests and interface connections (default 4)");
  command
      ->add_option("--view-cache-mb", flags->view_cache_mb,
                   "MiB of worklist, patient and specimen answers kept while the lab's "
                   "records do not change (default 256; 0: none)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{65536}));
  command->add_option("--mllp", flags->mllp, "HL7 v2 over MLLP on HOST:PORT (PORT 0: any)");
  command->add_option("--astm", flags->astm, "ASTM LIS01/LIS02 on HOST:PORT (PORT 0: any)");
  command->add_option("--serial", flags->serial, "ASTM on a serial port: DEVICE[@BAUD]");
  command->add_option("--outbound", flags->outbound,
                      "send released results to NAME=HOST:PORT over MLLP (the destination "
                      "named by `outbox destination set NAME`)");
  command->add_option("--instruments", flags->instruments,
                      "directory of instrument profiles (default interfaces/instruments)");
  command->add_option("--max-message-size", flags->max_message_size,
                      "largest HL7 message accepted, in bytes (default 1 MiB)");
  command->add_option("--log-format", flags->log_format,
                      "request log on standard error: text (default) or json");
  command->add_flag("--secure-cookie", flags->secure_cookie,
                    "mark the session cookie Secure: behind a TLS-terminating proxy");
  selection.bind(command, [flags](Session& session) { return run_serve(session, *flags); });
}

}  // namespace aliquot::cli
