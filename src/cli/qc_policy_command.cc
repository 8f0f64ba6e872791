// `aliquot qc policy check FILE`, `load FILE` and `show`: the lab's QC policy as data
// (qc/qc_policy.h), versioned in the lab database like the rules (lab/lab_setup.h).

#include <memory>
#include <string>
#include <vector>

#include "cli/qc_command.h"
#include "lab/lab_setup.h"
#include "lab/qc_policy_json.h"
#include "qc/control_rule.h"
#include "qc/qc_policy.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kCheckFooter =
    R"(Prints every problem as file:line:column: message (an unknown key or rule, a duration that
cannot be read, an analyte listed twice, an establish_minimum below 2) and exits with status 1;
exits 0 and shows the policy of each analyte when the file is good.
With --json: {"file", "ok", "diagnostics":[{file, line, column, message}], "policy"}.)";

constexpr const char* kShowFooter =
    R"text(Prints the policy in force in the lab database as it was loaded, comments included, or the
built-in policy file (catalog/qc_policy.toml) when the lab has loaded none or with --default; a
lab starts its own from it. With --json: the policy as read: {"source", "name", "version",
"defaults", "analytes":[{"code", ...}]}, each policy with "rules", "rules_text", "interval",
"interval_minutes", "after_rejection" and "establish_minimum"; "source" is "default" or
"lab version N (FILE)".)text";

constexpr const char* kLoadFooter =
    R"(Checks the file (as `qc policy check` does, and that every [[analyte]] is a test of the
catalog in force) and records it as the lab's next QC policy version, audited (qc_policy.load).
From then on QC runs are judged and results gated by it. Technologists, pathologists and
supervisors. Refused when identical to the version in force.)";

nlohmann::json policy_json(const qc::QcPolicy& policy) { return lab::to_json(policy); }

// One row per analyte with a policy of its own, after the defaults.
std::string policy_table(const qc::QcPolicy& policy) {
  report::TextTable table({"Analyte", "Rules", "QC interval", "After rejection", "Establish"});
  table.align(4, report::Alignment::kRight);
  const auto add = [&](const std::string& analyte, const qc::AnalytePolicy& entry) {
    const std::string interval = qc::interval_text(entry.interval);
    table.add_row({analyte, qc::rules_text(entry.rules), interval == "0" ? "no limit" : interval,
                   std::string(qc::to_code(entry.after_rejection)),
                   std::to_string(entry.establish_minimum)});
  };
  add("(default)", policy.defaults());
  for (const auto& [code, entry] : policy.analytes()) add(code, entry);
  return table.render();
}

Result<void> run_qc_policy_check(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text, read_input_file("QC policy file", file));
  const std::vector<Error> problems = qc::check_qc_policy(text, file);
  std::optional<qc::QcPolicy> policy;
  if (problems.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(policy, qc::QcPolicy::parse(text, file));
  }
  if (session.json()) {
    session.set_json({{"file", file},
                      {"ok", problems.empty()},
                      {"diagnostics", diagnostics_json(problems)},
                      {"policy", policy ? policy_json(*policy) : nlohmann::json(nullptr)}});
  }
  if (!problems.empty()) {
    report_problems(session, file, problems);
    return ok();
  }
  if (!session.json()) {
    session.out() << file << ": ok, " << policy->name() << " version " << policy->version() << "\n"
                  << policy_table(*policy);
  }
  return ok();
}

// The version the lab loaded last; nullopt when it has loaded none.
Result<std::optional<store::CatalogVersion>> lab_policy_version(Session& session) {
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, session.store());
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           lab_store->begin(store::TransactionMode::kRead));
  return tx->latest_qc_policy_version();
}

Result<void> run_qc_policy_show(Session& session, bool built_in) {
  std::optional<store::CatalogVersion> loaded;
  if (!built_in) {
    ALIQUOT_ASSIGN_OR_RETURN(loaded, lab_policy_version(session));
  }
  const std::string source =
      loaded ? "lab version " + std::to_string(loaded->version) + " (" + loaded->name + ")"
             : "default";
  if (session.json()) {
    // The policy in force is read through the lab, which checks the version's fingerprint.
    const qc::QcPolicy* policy = &qc::default_qc_policy();
    if (loaded) {
      ALIQUOT_ASSIGN_OR_RETURN(policy, session.qc_policy());
    }
    nlohmann::json body = policy_json(*policy);
    body["source"] = source;
    session.set_json(body);
    return ok();
  }
  if (loaded) {
    ALIQUOT_RETURN_IF_ERROR(session.qc_policy());
    session.out() << "# " << source << ", loaded " << core::format_instant(loaded->loaded_at)
                  << " by " << loaded->loaded_by << "\n"
                  << loaded->content;
    return ok();
  }
  session.out() << qc::default_qc_policy_text();
  return ok();
}

Result<void> run_qc_policy_load(Session& session, const std::string& file) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::string text, read_input_file("QC policy file", file));
  ALIQUOT_ASSIGN_OR_RETURN(store::Store * lab_store, session.store());
  ALIQUOT_RETURN_IF_ERROR(lab::load_qc_policy_version(*lab_store, session.clock(),
                                                      session.options().username, text, file));
  ALIQUOT_ASSIGN_OR_RETURN(const qc::QcPolicy* loaded, session.qc_policy());
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::CatalogVersion> version,
                           lab_policy_version(session));
  if (!version) return internal_error("the QC policy just loaded is not in force");
  if (session.json()) {
    nlohmann::json body = policy_json(*loaded);
    body["file"] = file;
    body["lab_version"] = version->version;
    session.set_json(body);
  } else {
    session.out() << "loaded " << loaded->name() << " " << loaded->version() << " from " << file
                  << " as QC policy version " << version->version
                  << "; QC runs are judged and results gated by it from now on\n"
                  << policy_table(*loaded);
  }
  return ok();
}

}  // namespace

void add_qc_policy_command(CLI::App& qc, CommandSelection& selection) {
  CLI::App* policy = qc.add_subcommand(
      "policy", "the lab's QC policy: rules per analyte, QC interval, what a rejection holds");
  policy->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  CLI::App* check = policy->add_subcommand("check", "validate a QC policy file");
  check->footer(kCheckFooter);
  check->add_option("FILE", *file, "QC policy TOML file")->required();
  selection.bind(check, [file](Session& session) { return run_qc_policy_check(session, *file); });

  auto load_file = std::make_shared<std::string>();
  CLI::App* load = policy->add_subcommand("load", "make a QC policy file the lab's policy");
  load->footer(kLoadFooter);
  load->add_option("FILE", *load_file, "QC policy TOML file")->required();
  selection.bind(load,
                 [load_file](Session& session) { return run_qc_policy_load(session, *load_file); });

  auto built_in = std::make_shared<bool>(false);
  CLI::App* show = policy->add_subcommand("show", "the QC policy in force");
  show->footer(kShowFooter);
  show->add_flag("--default", *built_in, "show the built-in default policy");
  selection.bind(show,
                 [built_in](Session& session) { return run_qc_policy_show(session, *built_in); });
}

}  // namespace aliquot::cli
