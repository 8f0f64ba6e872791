// `aliquot astm decode` (cli/astm_commands.h).

#include "cli/astm_commands.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "astm/decode.h"
#include "astm/record.h"
#include "cli/astm_simulate_command.h"
#include "hl7/mapped_file.h"

namespace aliquot::cli {
namespace {

Result<void> run_decode(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const hl7::MappedFile mapped, hl7::MappedFile::open(file));
  const astm::Decoded decoded = astm::decode_capture(mapped.bytes());
  if (session.json()) {
    nlohmann::json records = nlohmann::json::array();
    for (const astm::DecodedRecord& record : decoded.records) {
      records.push_back(
          {{"record", record.text},
           {"type", std::string(astm::record_type_letter(astm::record_type(record.text)))},
           {"frame_numbers", record.frame_numbers}});
    }
    session.set_json(records);
  } else {
    for (const astm::DecodedRecord& record : decoded.records) {
      session.out() << record.text << '\n';
    }
  }
  // The records before a refused frame are printed; the run still ends with exit status 1.
  if (decoded.error.has_value()) {
    session.report_finding(invalid_argument(file + ": " + decoded.error->message()));
  }
  return ok();
}

}  // namespace

void add_astm_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group =
      app.add_subcommand("astm",
                         "read stored ASTM E1381/E1394 (LIS01-A2/LIS02-A2) captures, and play an "
                         "analyzer against a host");
  group->require_subcommand(1);

  auto decode_file = std::make_shared<std::string>();
  CLI::App* decode_command = group->add_subcommand(
      "decode",
      "print the records of a raw byte capture, one a line, reassembled from their frames and "
      "exactly as the sender wrote them (without the record's CR); with --json an array of "
      "{record, type, frame_numbers}. A bad checksum or frame number ends the run with exit "
      "status 1, naming the frame number and byte offset; the records before it are printed");
  decode_command->add_option("FILE", *decode_file, "raw capture (frames, ENQ/ACK/EOT allowed)")
      ->required();
  selection.bind(decode_command,
                 [decode_file](Session& session) { return run_decode(session, *decode_file); });

  add_astm_simulate_command(*group, selection);
}

}  // namespace aliquot::cli
