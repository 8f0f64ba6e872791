#include "server/serve_config.h"

#include <utility>

#include "config/toml_reader.h"

namespace aliquot::server {
namespace {

using config::Diagnostics;
using config::Required;
using config::TableReader;

std::optional<std::vector<std::string>> strings(TableReader& reader, std::string_view key) {
  std::optional<std::vector<config::TextAt>> texts = reader.texts(key, Required::kNo);
  if (!texts) return std::nullopt;
  std::vector<std::string> values;
  for (config::TextAt& text : *texts) values.push_back(std::move(text.text));
  return values;
}

void read_http(const toml::table& table, Diagnostics& out, ServeConfig& config) {
  TableReader reader(table, "table [http]",
                     {"listen", "web", "threads", "view_cache_mb", "secure_cookie"}, out);
  config.http = reader.text("listen", Required::kNo);
  config.web = reader.text("web", Required::kNo);
  if (std::optional<std::int64_t> threads = reader.integer("threads", Required::kNo)) {
    if (*threads < 1 || *threads > 64) {
      reader.problem("threads", "must be between 1 and 64, not " + std::to_string(*threads));
    } else {
      config.threads = static_cast<int>(*threads);
    }
  }
  if (std::optional<std::int64_t> megabytes = reader.integer("view_cache_mb", Required::kNo)) {
    if (*megabytes < 0 || *megabytes > 65536) {
      reader.problem("view_cache_mb",
                     "must be between 0 and 65536 MiB, not " + std::to_string(*megabytes));
    } else {
      config.view_cache_mb = *megabytes;
    }
  }
  config.secure_cookie = reader.boolean("secure_cookie", Required::kNo);
  reader.report_unknown_keys();
}

void read_mllp(const toml::table& table, Diagnostics& out, ServeConfig& config) {
  TableReader reader(table, "table [mllp]", {"listen", "max_message_size"}, out);
  config.mllp = reader.text("listen", Required::kNo);
  if (std::optional<std::int64_t> size = reader.integer("max_message_size", Required::kNo)) {
    if (*size < 1024) {
      reader.problem("max_message_size", "must be at least 1024 bytes");
    } else {
      config.max_message_size = static_cast<std::size_t>(*size);
    }
  }
  reader.report_unknown_keys();
}

void read_astm(const toml::table& table, Diagnostics& out, ServeConfig& config) {
  TableReader reader(table, "table [astm]", {"listen", "serial"}, out);
  config.astm = reader.text("listen", Required::kNo);
  config.serial = strings(reader, "serial");
  reader.report_unknown_keys();
}

void read_interfaces(const toml::table& table, Diagnostics& out, ServeConfig& config) {
  TableReader reader(table, "table [interfaces]", {"instruments", "outbound"}, out);
  config.instruments = reader.text("instruments", Required::kNo);
  config.outbound = strings(reader, "outbound");
  reader.report_unknown_keys();
}

void read_log(const toml::table& table, Diagnostics& out, ServeConfig& config) {
  TableReader reader(table, "table [log]", {"format"}, out);
  if (std::optional<std::string> format = reader.text("format", Required::kNo)) {
    if (*format == "text") {
      config.log_format = LogFormat::kText;
    } else if (*format == "json") {
      config.log_format = LogFormat::kJson;
    } else {
      reader.problem("format", "must be \"text\" or \"json\", not " + config::in_quotes(*format));
    }
  }
  reader.report_unknown_keys();
}

template <typename T>
void put_over(std::optional<T>& base, const std::optional<T>& over) {
  if (over) base = over;
}

}  // namespace

Result<ServeConfig> parse_serve_config(std::string_view text, std::string_view file_name) {
  Diagnostics out{std::string(file_name)};
  ServeConfig config;
  if (std::optional<toml::table> root = config::parse(text, out)) {
    TableReader top(*root, "the serve configuration", {"http", "mllp", "astm", "interfaces", "log"},
                    out);
    using Read = void (*)(const toml::table&, Diagnostics&, ServeConfig&);
    for (const auto& [name, read] : {std::pair<std::string_view, Read>{"http", read_http},
                                     {"mllp", read_mllp},
                                     {"astm", read_astm},
                                     {"interfaces", read_interfaces},
                                     {"log", read_log}}) {
      if (const toml::table* table = top.table(name, Required::kNo)) read(*table, out, config);
    }
    top.report_unknown_keys();
  }
  std::vector<Error> problems = out.take();
  if (problems.empty()) return config;
  std::string message;
  for (const Error& problem : problems) {
    if (!message.empty()) message += "\n";
    message += problem.to_string();
  }
  return invalid_argument(message);
}

Result<ServeConfig> load_serve_config(const std::string& path) {
  Result<std::string> text = config::read_file(path);
  if (!text) return invalid_argument("cannot read " + path + ": " + text.error().message());
  return parse_serve_config(*text, path);
}

ServeConfig merge(ServeConfig base, const ServeConfig& overrides) {
  put_over(base.http, overrides.http);
  put_over(base.web, overrides.web);
  put_over(base.threads, overrides.threads);
  put_over(base.view_cache_mb, overrides.view_cache_mb);
  put_over(base.secure_cookie, overrides.secure_cookie);
  put_over(base.mllp, overrides.mllp);
  put_over(base.max_message_size, overrides.max_message_size);
  put_over(base.astm, overrides.astm);
  put_over(base.serial, overrides.serial);
  put_over(base.instruments, overrides.instruments);
  put_over(base.outbound, overrides.outbound);
  put_over(base.log_format, overrides.log_format);
  return base;
}

}  // namespace aliquot::server
