#pragma once

// The configuration of `aliquot serve` as a TOML file (docs/serve.md), so that the server's
// setup is data under the lab's version control, like the catalog. Command-line flags override
// what the file says, key by key. Every key is optional; an unknown key or a value of the wrong
// type is an error at its line.
//
//   [http]
//   listen = "127.0.0.1:8080"   # the JSON API and the web UI
//   web = "web/dist"            # the built web UI; absent: API only
//   threads = 4                 # threads answering HTTP requests (and MLLP/ASTM connections)
//   view_cache_mb = 256         # answers of the busiest views kept while nothing changes; 0: none
//   secure_cookie = false       # true behind a TLS-terminating proxy: the session cookie is
//                               # Secure, sent by the browser over HTTPS only
//   [mllp]
//   listen = "0.0.0.0:2575"
//   max_message_size = 1048576
//   [astm]
//   listen = "0.0.0.0:5000"
//   serial = ["/dev/ttyS0@9600"]
//   [interfaces]
//   instruments = "interfaces/instruments"
//   outbound = ["ehr=10.0.0.5:2575"]
//   [log]
//   format = "text"             # or "json": one JSON object per line on standard error

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::server {

enum class LogFormat { kText, kJson };

struct ServeConfig {
  std::optional<std::string> http;
  std::optional<std::string> web;
  std::optional<int> threads;
  std::optional<std::int64_t> view_cache_mb;
  std::optional<bool> secure_cookie;
  std::optional<std::string> mllp;
  std::optional<std::size_t> max_message_size;
  std::optional<std::string> astm;
  std::optional<std::vector<std::string>> serial;
  std::optional<std::string> instruments;
  std::optional<std::vector<std::string>> outbound;
  std::optional<LogFormat> log_format;
};

// The configuration in `text`; InvalidArgument listing every problem, one per line, each at
// FILE:LINE:COLUMN.
Result<ServeConfig> parse_serve_config(std::string_view text, std::string_view file_name);
// The same for the file at `path`.
Result<ServeConfig> load_serve_config(const std::string& path);

// `base` with every key that `overrides` sets put over it.
ServeConfig merge(ServeConfig base, const ServeConfig& overrides);

}  // namespace aliquot::server
