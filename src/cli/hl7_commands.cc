// `aliquot hl7 get|json|check` (cli/hl7_commands.h).

#include "cli/hl7_commands.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/hl7_send_command.h"
#include "hl7/analyst.h"
#include "hl7/buffered_output.h"
#include "hl7/json_dump.h"
#include "hl7/mapped_file.h"
#include "hl7/path.h"

namespace aliquot::cli {
namespace {

constexpr const char* kGetHelp =
    "print values: for every message in FILE, one line per PATH (SEG[(n)]-F[(r)][.C[.S]], "
    "1-based: MSH-9.2, OBX(3)-5, PID-3(2).1) with the value, escapes decoded; an empty line when "
    "the message has no such value. A line break inside a value prints as \\n, a carriage return "
    "as \\r and a backslash as \\\\";

std::string plural(std::size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

// What went wrong reading the file, for the command's closing error (exit status 1).
void report_unread(Session& session, const std::string& file, const hl7::RunSummary& summary) {
  if (summary.unparsable == 0 && summary.unrecognized == 0) return;
  std::string text = file + ": ";
  if (summary.unparsable > 0) {
    text += plural(summary.unparsable, "message", "messages") + " of " +
            std::to_string(summary.messages) + " could not be parsed";
  }
  if (summary.unrecognized > 0) {
    if (summary.unparsable > 0) text += ", ";
    text += plural(summary.unrecognized, "run", "runs") + " of lines outside any message skipped";
  }
  if (summary.first_problem) text += "; first: " + *summary.first_problem;
  session.report_finding(invalid_argument(text));
}

Result<void> run_get(Session& session, const std::string& file,
                     const std::vector<std::string>& path_texts, bool raw) {
  std::vector<hl7::Path> paths;
  for (const std::string& text : path_texts) {
    ALIQUOT_ASSIGN_OR_RETURN(hl7::Path path, hl7::parse_path(text));
    paths.push_back(path);
  }
  ALIQUOT_ASSIGN_OR_RETURN(const hl7::MappedFile mapped, hl7::MappedFile::open(file));
  hl7::RunSummary summary;
  if (session.json()) {
    nlohmann::json messages = nlohmann::json::array();
    std::string text;
    summary = hl7::for_each_message(mapped.bytes(), [&](std::size_t, const hl7::Message* message) {
      nlohmann::json values = nlohmann::json::array();
      for (const hl7::Path& path : paths) {
        const hl7::Value value = message != nullptr ? message->get(path) : hl7::Value();
        if (!value.exists()) {
          values.push_back(nullptr);
          continue;
        }
        text.clear();
        if (raw) {
          text.append(value.raw());
        } else {
          value.unescape_to(text);
        }
        values.push_back(text);
      }
      messages.push_back(message != nullptr ? values : nlohmann::json());
    });
    session.set_json({{"file", file}, {"paths", path_texts}, {"messages", messages}});
  } else {
    hl7::BufferedOutput out(session.out());
    summary = hl7::write_values(mapped.bytes(), paths,
                                raw ? hl7::ValueStyle::kRaw : hl7::ValueStyle::kText, out);
  }
  report_unread(session, file, summary);
  return ok();
}

Result<void> run_json(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const hl7::MappedFile mapped, hl7::MappedFile::open(file));
  hl7::RunSummary summary;
  if (session.json()) {
    std::ostringstream document;
    {
      hl7::BufferedOutput out(document);
      summary = hl7::write_json(mapped.bytes(), out);
    }
    session.set_json({{"file", file}, {"messages", nlohmann::json::parse(document.str())}});
  } else {
    hl7::BufferedOutput out(session.out());
    summary = hl7::write_json(mapped.bytes(), out);
  }
  report_unread(session, file, summary);
  return ok();
}

Result<void> run_hl7_check(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const hl7::MappedFile mapped, hl7::MappedFile::open(file));
  hl7::RunSummary summary;
  if (session.json()) {
    std::ostringstream report;
    {
      hl7::BufferedOutput out(report);
      summary = hl7::write_check(mapped.bytes(), out);
    }
    nlohmann::json lines = nlohmann::json::array();
    std::istringstream in(report.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    session.set_json({{"file", file},
                      {"ok", summary.findings == 0},
                      {"messages", summary.messages},
                      {"problems", summary.findings},
                      {"report", lines}});
  } else {
    hl7::BufferedOutput out(session.out());
    summary = hl7::write_check(mapped.bytes(), out);
    if (summary.findings == 0) {
      out.append(file + ": ok, " + plural(summary.messages, "message", "messages") + "\n");
    }
  }
  if (summary.findings > 0) {
    session.report_finding(
        invalid_argument(file + ": " + plural(summary.findings, "problem", "problems") + " in " +
                         plural(summary.messages, "message", "messages")));
  }
  return ok();
}

}  // namespace

void add_hl7_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand(
      "hl7", "read HL7 v2 message files (plain, one after another, or MLLP-framed)");
  group->require_subcommand(1);

  struct GetOptions {
    std::string file;
    std::vector<std::string> paths;
    bool raw = false;
  };
  auto get = std::make_shared<GetOptions>();
  CLI::App* get_command = group->add_subcommand("get", kGetHelp);
  get_command->add_option("FILE", get->file, "HL7 v2 file")->required();
  get_command->add_option("PATH", get->paths, "value paths, e.g. MSH-10 OBX(2)-5")
      ->required()
      ->expected(-1);
  get_command->add_flag("--raw", get->raw, "print values as received, escapes included");
  selection.bind(get_command, [get](Session& session) {
    return run_get(session, get->file, get->paths, get->raw);
  });

  auto json_file = std::make_shared<std::string>();
  CLI::App* json_command = group->add_subcommand(
      "json",
      "print the structure as JSON: an array of messages; a message is an array of segments; a "
      "segment is [id, field 1, field 2, ...] (in MSH, [\"MSH\", \"|\", \"^~\\\\&\", ...]); a "
      "value with parts is an array of its repetitions, components, subcomponents; \"\" in the "
      "message is null");
  json_command->add_option("FILE", *json_file, "HL7 v2 file")->required();
  selection.bind(json_command,
                 [json_file](Session& session) { return run_json(session, *json_file); });

  auto check_file = std::make_shared<std::string>();
  CLI::App* check_command = group->add_subcommand(
      "check",
      "validate every message: a type aliquot accepts (ORU^R01, OUL^R22, OML^O21, ORM^O01, ACK), "
      "its segment structure and required fields; prints each problem with message, segment and "
      "field; exit status 1 when there is any");
  check_command->add_option("FILE", *check_file, "HL7 v2 file")->required();
  selection.bind(check_command,
                 [check_file](Session& session) { return run_hl7_check(session, *check_file); });

  add_hl7_send_command(*group, selection);
}

}  // namespace aliquot::cli
