// `aliquot hl7 send` (cli/hl7_send_command.h).

#include "cli/hl7_send_command.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "hl7/mapped_file.h"
#include "hl7/message.h"
#include "hl7/splitter.h"
#include "mllp/client.h"
#include "mllp/endpoint.h"

namespace aliquot::cli {
namespace {

struct SendOptions {
  std::string file;
  std::string to;
  int timeout_ms = 10000;
};

// What the peer said about one message.
struct Outcome {
  std::size_t offset = 0;  // of the message in the file
  std::string control_id;  // MSH-10 of the message sent
  std::string ack_code;    // MSA-1
  std::string ack_text;    // MSA-3, escapes decoded
  std::string problem;     // why the reply is not a usable ACK; empty when it is one
  bool accepted() const { return problem.empty() && (ack_code == "AA" || ack_code == "CA"); }
};

std::string text_at(const hl7::Message& message, const char* path) {
  const Result<hl7::Value> value = message.get(path);
  return value.has_value() ? value->text() : std::string();
}

void read_ack(const std::string& reply, Outcome& outcome) {
  const Result<hl7::Message> ack = hl7::Message::parse(reply);
  if (!ack.has_value()) {
    outcome.problem = "the reply is not an HL7 message: " + ack.error().message();
    return;
  }
  outcome.ack_code = text_at(*ack, "MSA-1");
  outcome.ack_text = text_at(*ack, "MSA-3");
  if (outcome.ack_code.empty()) outcome.problem = "the reply has no MSA-1 (not an ACK)";
}

std::string describe(const Outcome& outcome) {
  std::string line = outcome.control_id.empty() ? "-" : outcome.control_id;
  if (!outcome.problem.empty()) return line + " " + outcome.problem;
  line += " " + outcome.ack_code;
  if (!outcome.ack_text.empty()) line += " " + outcome.ack_text;
  return line;
}

Result<void> run_send(Session& session, const SendOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const mllp::Endpoint endpoint, mllp::parse_endpoint(options.to));
  if (options.timeout_ms <= 0) {
    return invalid_argument("--timeout must be a positive number of milliseconds, not " +
                            std::to_string(options.timeout_ms));
  }
  ALIQUOT_ASSIGN_OR_RETURN(const hl7::MappedFile mapped, hl7::MappedFile::open(options.file));

  std::vector<hl7::Chunk> messages;
  nlohmann::json skipped = nlohmann::json::array();
  std::vector<std::string> skipped_lines;
  hl7::MessageSplitter splitter(mapped.bytes());
  while (std::optional<hl7::Chunk> chunk = splitter.next()) {
    if (chunk->kind == hl7::ChunkKind::kMessage) {
      messages.push_back(*chunk);
    } else if (chunk->kind == hl7::ChunkKind::kUnrecognized) {
      // Not sent; said so rather than dropped silently.
      skipped.push_back({{"offset", chunk->offset}, {"bytes", chunk->bytes.size()}});
      skipped_lines.push_back("byte " + std::to_string(chunk->offset) + ": " +
                              std::to_string(chunk->bytes.size()) +
                              " bytes outside any message, not sent");
    }
  }
  if (!session.json()) {
    for (const std::string& line : skipped_lines) session.out() << line << "\n";
  }

  mllp::Client client(endpoint.host, endpoint.port);
  const std::chrono::milliseconds timeout(options.timeout_ms);
  nlohmann::json results = nlohmann::json::array();
  std::size_t not_accepted = 0;
  for (std::size_t index = 0; index < messages.size(); ++index) {
    const hl7::Chunk& chunk = messages[index];
    Outcome outcome;
    outcome.offset = chunk.offset;
    // A message that does not parse is sent anyway: how the peer answers it is what is tested.
    if (const Result<hl7::Message> message = hl7::Message::parse(chunk.bytes)) {
      outcome.control_id = text_at(*message, "MSH-10");
    }
    Result<std::string> reply = client.send(chunk.bytes, timeout);
    if (!reply.has_value()) {
      return Error(reply.error().code(),
                   "message " + std::to_string(index + 1) + " of " +
                       std::to_string(messages.size()) + " (MSH-10 " +
                       (outcome.control_id.empty() ? "-" : outcome.control_id) + ", byte " +
                       std::to_string(chunk.offset) + " of " + options.file +
                       "): " + reply.error().message());
    }
    read_ack(*reply, outcome);
    if (!outcome.accepted()) ++not_accepted;
    if (session.json()) {
      nlohmann::json result = {{"offset", outcome.offset},
                               {"control_id", outcome.control_id},
                               {"ack_code", outcome.ack_code},
                               {"ack_text", outcome.ack_text},
                               {"accepted", outcome.accepted()}};
      if (!outcome.problem.empty()) result["problem"] = outcome.problem;
      results.push_back(std::move(result));
    } else {
      session.out() << describe(outcome) << "\n" << std::flush;
    }
  }

  if (session.json()) {
    session.set_json({{"file", options.file},
                      {"to", endpoint.to_string()},
                      {"sent", messages.size()},
                      {"accepted", messages.size() - not_accepted},
                      {"not_accepted", not_accepted},
                      {"messages", results},
                      {"skipped", skipped}});
  }
  if (not_accepted > 0) {
    session.report_finding(failed_precondition(
        std::to_string(not_accepted) + " of " + std::to_string(messages.size()) +
        (messages.size() == 1 ? " message" : " messages") + " sent to " + endpoint.to_string() +
        " not accepted"));
  }
  return ok();
}

}  // namespace

void add_hl7_send_command(CLI::App& hl7_group, CommandSelection& selection) {
  auto options = std::make_shared<SendOptions>();
  CLI::App* command = hl7_group.add_subcommand(
      "send",
      "send every message of FILE over MLLP to an HL7 listener, one at a time, and print for each "
      "its MSH-10 and the ACK's MSA-1 and MSA-3; exit status 0 when all were accepted (AA or CA), "
      "1 when any was not, 3 when the connection failed");
  command->add_option("FILE", options->file, "HL7 v2 file (plain or MLLP-framed)")->required();
  command->add_option("--to", options->to, "the listener, HOST:PORT")
      ->required()
      ->type_name("HOST:PORT");
  command->add_option("--timeout", options->timeout_ms, "how long to wait for each ACK")
      ->capture_default_str()
      ->type_name("MS");
  selection.bind(command, [options](Session& session) { return run_send(session, *options); });
}

}  // namespace aliquot::cli
