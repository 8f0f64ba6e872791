// `aliquot demo --serve` as `make demo` runs it: the simulated day, then the server on that lab,
// a printed demo login that signs in over HTTP, results of the simulated analyzers arriving on
// the worklist while it runs, and a clean stop on SIGINT.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.h"
#include "interfaces/child_process.h"

namespace aliquot::cli_test {
namespace {

using interfaces_test::ChildProcess;

struct HttpAnswer {
  int status = 0;
  std::string headers;  // as received, lower-cased names not guaranteed
  std::string body;
};

// One HTTP/1.1 request on a connection of its own, read to the end (Connection: close).
std::optional<HttpAnswer> http(std::uint16_t port, const std::string& method,
                               const std::string& target, const std::string& body,
                               const std::vector<std::string>& headers) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                        "Connection: close\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\n";
  if (!body.empty()) request += "Content-Type: application/json\r\n";
  for (const std::string& header : headers) request += header + "\r\n";
  request += "\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return std::nullopt;
    }
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buffer[8192];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  const std::size_t end_of_headers = answer.find("\r\n\r\n");
  if (answer.rfind("HTTP/1.1 ", 0) != 0 || end_of_headers == std::string::npos) {
    return std::nullopt;
  }
  HttpAnswer parsed;
  parsed.status = std::stoi(answer.substr(9, 3));
  parsed.headers = answer.substr(0, end_of_headers);
  parsed.body = answer.substr(end_of_headers + 4);
  // The answers here are small: a chunked body is one chunk ("SIZE\r\nDATA\r\n0\r\n\r\n").
  if (parsed.headers.find("chunked") != std::string::npos) {
    const std::size_t data = parsed.body.find("\r\n");
    const std::size_t size = std::stoul(parsed.body.substr(0, data), nullptr, 16);
    parsed.body = parsed.body.substr(data + 2, size);
  }
  return parsed;
}

// The value of cookie `name` from a Set-Cookie header of `headers`.
std::string cookie(const std::string& headers, const std::string& name) {
  const std::size_t at = headers.find(name + "=");
  if (at == std::string::npos) return "";
  const std::size_t end = headers.find_first_of(";\r", at);
  return headers.substr(at, end - at);
}

// The first line of `text` that starts with `prefix`, "" when none.
std::string line_starting(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

// Waits up to `limit` for the child to print a line starting with `prefix`.
std::string wait_for_line(ChildProcess& child, const std::string& prefix,
                          std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string line = line_starting(child.output(), prefix);
    if (!line.empty()) return line;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

TEST(DemoServe, ServesTheDemoLabWithLoginsAndLiveResultsUntilSigint) {
  const CliRunner runner;
  const std::string dir = runner.directory() + "/demo";
  ChildProcess demo(
      {"demo", "--dir", dir, "--patients", "20", "--serve", "127.0.0.1:0", "--instruments",
       source_directory() + "/interfaces/instruments", "--feed-every", "1"},
      runner.directory() + "/demo.err");
  const std::optional<std::uint16_t> port = demo.listening_port("http");
  ASSERT_TRUE(port.has_value()) << demo.output();

  const std::string ready = wait_for_line(demo, "feeding results every", std::chrono::seconds(10));
  ASSERT_EQ(ready, "feeding results every 1 s; stop with Ctrl-C") << demo.output();
  const std::string output = demo.output();
  EXPECT_NE(output.find("the demo lab: http://127.0.0.1:" + std::to_string(*port) + "/"),
            std::string::npos)
      << output;

  // A printed login: "  tech.nguyen    PASSWORD    technician".
  std::istringstream login(line_starting(output, "  tech.nguyen "));
  std::string username, password, role;
  login >> username >> password >> role;
  ASSERT_EQ(role, "technician") << output;
  const nlohmann::json credentials = {{"username", username}, {"password", password}};
  const std::optional<HttpAnswer> session =
      http(*port, "POST", "/api/session", credentials.dump(), {});
  ASSERT_TRUE(session.has_value());
  ASSERT_EQ(session->status, 201) << session->body;
  const std::string session_cookie = cookie(session->headers, "aliquot_session");
  ASSERT_FALSE(session_cookie.empty()) << session->headers;

  // The demo staff have records: the technician reads their own qualifications.
  EXPECT_NE(output.find("#/staff as sup.kowalski"), std::string::npos) << output;
  const std::optional<HttpAnswer> own =
      http(*port, "GET", "/api/people/tech.nguyen", "", {"Cookie: " + session_cookie});
  ASSERT_TRUE(own.has_value());
  ASSERT_EQ(own->status, 200) << own->body;
  const nlohmann::json qualifications = nlohmann::json::parse(own->body);
  EXPECT_EQ(qualifications.at("person").at("certifications").at(0).at("credential"), "MLT(ASCP)");
  EXPECT_EQ(qualifications.at("competency").at(0).at("state"), "current");

  // The first order is a STAT panel with a critical value: its results come over ASTM from the
  // simulated analyzer's interface account and wait on the worklist for the call.
  const std::string first = wait_for_line(demo, "STAT order ", std::chrono::seconds(10));
  ASSERT_FALSE(first.empty()) << demo.output();
  std::istringstream words(first);
  std::string stat, order_word, order_number;
  words >> stat >> order_word >> order_number;
  bool arrived = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  nlohmann::json worklist;
  while (!arrived && std::chrono::steady_clock::now() < deadline) {
    const std::optional<HttpAnswer> answer =
        http(*port, "GET", "/api/worklist", "", {"Cookie: " + session_cookie});
    ASSERT_TRUE(answer.has_value());
    ASSERT_EQ(answer->status, 200) << answer->body;
    worklist = nlohmann::json::parse(answer->body);
    for (const nlohmann::json& row : worklist.at("rows")) {
      if (row.at("order").at("order_number") == order_number &&
          !row.at("result").at("value").is_null() &&
          row.at("result").at("entered_by") == "if.sim-chem") {
        arrived = true;
      }
    }
    if (!arrived) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(arrived) << "no result of " << order_number
                       << " on the worklist: " << worklist.dump().substr(0, 2000);

  demo.signal(SIGINT);
  EXPECT_EQ(demo.wait(), 0) << demo.output();
  EXPECT_NE(demo.output().find("stopping (SIGINT)"), std::string::npos) << demo.output();
}

TEST(DemoServe, RefusesAnAddressItCannotServeOnBeforeSimulatingTheDay) {
  const CliRunner runner;
  const std::string dir = runner.directory() + "/demo";
  const CommandOutput refused = runner.run_raw({"demo", "--dir", dir, "--serve", "localhost"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--serve"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/aliquot.db"));
}

}  // namespace
}  // namespace aliquot::cli_test
