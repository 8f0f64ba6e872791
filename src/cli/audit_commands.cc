// `aliquot audit verify|show|reads`: the hash-chained audit trail (ARCHITECTURE decision 3),
// and the log of who read which patient's data (decision 9).

#include <memory>

#include "audit/chain.h"
#include "cli/commands.h"
#include "lab/json.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

Result<void> run_verify(Session& session) {
  audit::VerifyReport report;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(report, audit::verify(tx));
        return ok();
      },
      std::nullopt));
  if (session.json()) {
    session.set_json({{"intact", report.intact},
                      {"entries_checked", report.entries_checked},
                      {"first_bad_sequence", report.first_bad_sequence
                                                 ? nlohmann::json(*report.first_bad_sequence)
                                                 : nlohmann::json()},
                      {"problem", report.problem}});
  }
  if (!report.intact) {
    std::string message = "audit trail broken";
    if (report.first_bad_sequence) {
      message += " at entry " + std::to_string(*report.first_bad_sequence);
    }
    if (!report.problem.empty()) message += ": " + report.problem;
    session.report_finding(data_loss(message));
    return ok();
  }
  if (!session.json()) {
    session.out() << "audit trail intact: " << report.entries_checked << " entries\n";
  }
  return ok();
}

struct AuditShowOptions {
  std::string patient_mrn;
  std::string accession_number;
  std::string result;  // ACCESSION/TEST
};

Result<store::AuditFilter> filter_of(const AuditShowOptions& options) {
  const int given = (options.patient_mrn.empty() ? 0 : 1) +
                    (options.accession_number.empty() ? 0 : 1) + (options.result.empty() ? 0 : 1);
  if (given != 1) {
    return invalid_argument(
        "give exactly one of --patient MRN, --specimen ACCESSION, --result "
        "ACCESSION/TEST");
  }
  store::AuditFilter filter;
  filter.patient_mrn = options.patient_mrn;
  filter.accession_number = options.accession_number;
  if (!options.result.empty()) {
    const auto slash = options.result.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == options.result.size()) {
      return invalid_argument("--result: '" + options.result +
                              "' is not of the form ACCESSION/TEST");
    }
    filter.accession_number = options.result.substr(0, slash);
    filter.test_code = options.result.substr(slash + 1);
  }
  return filter;
}

Result<void> run_audit_show(Session& session, const AuditShowOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const store::AuditFilter filter, filter_of(options));
  std::vector<core::AuditEntry> entries;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(entries, tx.find_audit_entries(filter));
        return ok();
      },
      lab::Action::kViewRecords));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const core::AuditEntry& entry : entries) list.push_back(lab::to_json(entry));
    session.set_json(list);
    return ok();
  }
  if (entries.empty()) {
    session.out() << "no audit entries\n";
    return ok();
  }
  report::TextTable table({"Seq", "Time", "Actor", "Action", "Key", "Reason"});
  table.align(0, report::Alignment::kRight);
  for (const core::AuditEntry& entry : entries) {
    table.add_row({std::to_string(entry.sequence), core::format_instant(entry.at), entry.actor,
                   entry.action, entry.entity_key, entry.reason});
  }
  session.out() << table.render();
  return ok();
}

struct ReadsOptions {
  std::string patient_mrn;
  std::string username;
  std::int64_t limit = 100;
};

// Who read which patient's data (the API's and these commands' views), newest first.
Result<void> run_reads(Session& session, const ReadsOptions& options) {
  std::vector<core::PatientDataRead> reads;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(
            reads, tx.patient_data_reads(options.patient_mrn, options.username, options.limit));
        return ok();
      },
      lab::Action::kAddUser));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const core::PatientDataRead& read : reads) {
      list.push_back(lab::to_json(read));
    }
    session.set_json(list);
    return ok();
  }
  if (reads.empty()) {
    session.out() << "no reads recorded\n";
    return ok();
  }
  report::TextTable table({"At", "User", "Patient", "What", "From"});
  for (const core::PatientDataRead& read : reads) {
    table.add_row({core::format_instant(read.at), read.username, read.mrn, read.what,
                   read.peer.empty() ? "command line" : read.peer});
  }
  session.out() << table.render();
  return ok();
}

}  // namespace

void add_audit_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand("audit", "the audit trail: who changed what, when, why");
  group->require_subcommand(1);

  CLI::App* verify_command = group->add_subcommand(
      "verify", "check the hash chain of the whole trail; exit 1 naming the first bad entry");
  selection.bind(verify_command, [](Session& session) { return run_verify(session); });

  auto show = std::make_shared<AuditShowOptions>();
  CLI::App* show_command =
      group->add_subcommand("show", "list the entries about a patient, a specimen or a result");
  show_command->add_option("--patient", show->patient_mrn, "a patient's MRN")->type_name("MRN");
  show_command->add_option("--specimen", show->accession_number, "a specimen's accession number")
      ->type_name("ACCESSION");
  show_command->add_option("--result", show->result, "one result")->type_name("ACCESSION/TEST");
  selection.bind(show_command, [show](Session& session) { return run_audit_show(session, *show); });

  auto reads = std::make_shared<ReadsOptions>();
  CLI::App* reads_command = group->add_subcommand(
      "reads", "who read which patient's data, when and from where, newest first (admins)");
  reads_command->add_option("--patient", reads->patient_mrn, "only this patient's")
      ->type_name("MRN");
  reads_command->add_option("--user", reads->username, "only this user's")->type_name("NAME");
  reads_command->add_option("--limit", reads->limit, "at most this many")->capture_default_str();
  selection.bind(reads_command, [reads](Session& session) { return run_reads(session, *reads); });
}

}  // namespace aliquot::cli
