#include "server/serve_config.h"

#include <gtest/gtest.h>

namespace aliquot::server {
namespace {

TEST(ServeConfig, ReadsEveryTable) {
  const Result<ServeConfig> config = parse_serve_config(R"(
[http]
listen = "127.0.0.1:8080"
web = "web/dist"
threads = 4
view_cache_mb = 64
secure_cookie = true
[mllp]
listen = "0.0.0.0:2575"
max_message_size = 2097152
[astm]
listen = "0.0.0.0:5000"
serial = ["/dev/ttyS0@9600"]
[interfaces]
instruments = "interfaces/instruments"
outbound = ["ehr=10.0.0.5:2575"]
[log]
format = "json"
)",
                                                        "serve.toml");
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->http, "127.0.0.1:8080");
  EXPECT_EQ(config->web, "web/dist");
  EXPECT_EQ(config->threads, 4);
  EXPECT_EQ(config->view_cache_mb, 64);
  EXPECT_EQ(config->secure_cookie, true);
  EXPECT_EQ(config->mllp, "0.0.0.0:2575");
  EXPECT_EQ(config->max_message_size, 2097152u);
  EXPECT_EQ(config->astm, "0.0.0.0:5000");
  EXPECT_EQ(config->serial, std::vector<std::string>{"/dev/ttyS0@9600"});
  EXPECT_EQ(config->instruments, "interfaces/instruments");
  EXPECT_EQ(config->outbound, std::vector<std::string>{"ehr=10.0.0.5:2575"});
  EXPECT_EQ(config->log_format, LogFormat::kJson);
}

TEST(ServeConfig, NamesEveryProblemAtItsLine) {
  const Result<ServeConfig> refused = parse_serve_config(R"([http]
listen = 8080
threads = 0
view_cache_mb = -1
[log]
format = "xml"
[htpp]
)",
                                                         "serve.toml");
  ASSERT_FALSE(refused.has_value());
  const std::string& message = refused.error().message();
  EXPECT_NE(message.find("serve.toml:2:"), std::string::npos) << message;
  EXPECT_NE(message.find("key 'listen' of table [http] must be a string"), std::string::npos)
      << message;
  EXPECT_NE(message.find("serve.toml:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("must be between 1 and 64, not 0"), std::string::npos) << message;
  EXPECT_NE(message.find("serve.toml:4:"), std::string::npos) << message;
  EXPECT_NE(message.find("must be between 0 and 65536 MiB, not -1"), std::string::npos) << message;
  EXPECT_NE(message.find("must be \"text\" or \"json\", not 'xml'"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key 'htpp'"), std::string::npos) << message;
}

TEST(ServeConfig, FlagsOverrideTheFileKeyByKey) {
  ServeConfig file;
  file.http = "0.0.0.0:80";
  file.web = "/srv/web";
  file.view_cache_mb = 512;
  file.secure_cookie = true;
  ServeConfig flags;
  flags.http = "127.0.0.1:0";
  flags.view_cache_mb = 0;  // 0 is a value (no cache), not "not given"
  const ServeConfig merged = merge(file, flags);
  EXPECT_EQ(merged.http, "127.0.0.1:0");
  EXPECT_EQ(merged.web, "/srv/web");
  EXPECT_EQ(merged.view_cache_mb, 0);
  EXPECT_EQ(merged.secure_cookie, true);
}

}  // namespace
}  // namespace aliquot::server
