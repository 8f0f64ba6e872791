#pragma once

// The one server process (ARCHITECTURE, "One picture") as a function, for `aliquot serve` and
// `aliquot demo --serve`: the HTTP JSON API and the web UI, the MLLP and ASTM listeners feeding
// the ingest pipeline, and the outbox sender, on the lab of a Session, until SIGINT or SIGTERM.

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "cli/session.h"
#include "core/error.h"
#include "server/serve_config.h"

namespace aliquot::cli {

// Where the server listens once it started; a port is 0 for a listener not configured.
struct ServerPorts {
  std::string http_host;
  std::uint16_t http = 0;
  std::string astm_host;
  std::uint16_t astm = 0;
  std::string mllp_host;
  std::uint16_t mllp = 0;
};

// What a caller runs beside the server.
struct ServerHooks {
  // Called on the calling thread once every listener listens, after the server printed where,
  // and before it waits for SIGINT or SIGTERM; threads it starts inherit the blocked stop
  // signals, so that only the waiting thread takes them. `out` is where the server prints (the
  // session's output, or standard error with --json). An error stops the server and is
  // run_server's result.
  std::function<Result<void>(const ServerPorts& ports, std::ostream& out)> started;
  // Called when SIGINT or SIGTERM came, before the server stops: whatever feeds the server ends
  // while the server still answers it.
  std::function<void()> stopping;
};

// Serves the lab of `session` as `config` says (server/serve_config.h: the configuration file's
// keys with the flags merged in) until SIGINT or SIGTERM, then stops gracefully: stops accepting,
// applies and acknowledges what was received, finishes the HTTP requests under way, stops the
// outbox sender, and prints (or, with --json, sets) the message counters. InvalidArgument when
// `config` has nothing to serve, or names a web folder without an HTTP listener; any error of a
// listener that cannot start.
Result<void> run_server(Session& session, const server::ServeConfig& config,
                        const ServerHooks& hooks = {});

}  // namespace aliquot::cli
