// `aliquot qc sigma` and `aliquot qc allowable-error`: QC design by the sigma metric from the
// command line, and the allowable total errors it starts from. Neither needs a lab database.

#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "cli/qc_command.h"
#include "qc/allowable_error.h"
#include "qc/sigma.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kSigmaDescription =
    "the sigma metric of a method and the QC rules and number of controls it calls for";

constexpr const char* kSigmaFooter = R"(Usage:
  aliquot qc sigma --tea PCT --bias PCT --cv PCT
  aliquot qc sigma --analyte CODE [--at CONCENTRATION] --bias PCT --cv PCT
Sigma = (TEa - |bias|) / CV, all in percent. With --analyte the TEa is taken from the
allowable-error file (the built-in catalog/allowable_error.toml, the CLIA proficiency-testing
limits, or --allowable-error FILE); --at gives the concentration, in the unit of the limit, at
which a limit with an absolute part is turned into a percent (the greater part applies).

Prints the sigma with 2 decimals, the control rules (Westgard Sigma Rules, 2 control levels), the
number of control measurements per run (N) and over how many runs the rules look, and a note
when the design is "maximum QC" or the method is not fit for purpose (below 3 sigma). The band
is chosen on the unrounded sigma; a sigma exactly on 6, 5, 4 or 3 takes the higher band.
With --json: {"sigma", "tea", "bias", "cv", "band", "rules", "n", "runs", "alternative",
"note", "source"}, and with --analyte also "analyte", "at", "unit", "limit", "tea_part",
"verify" and "file".

A missing or malformed option, or a CV or TEa that is not greater than 0, exits with status 2;
an analyte the file has no limit for exits with status 1.)";

constexpr const char* kAllowableDescription =
    "list and check the allowable total errors (TEa) used by `qc sigma --analyte`";

constexpr const char* kAllowableFooter = R"(Usage:
  aliquot qc allowable-error [--allowable-error FILE] [--catalog FILE]
Lists every limit of the file (without FILE, the built-in catalog/allowable_error.toml) and
checks it: the file itself, then that every code is a test of the catalog (--catalog FILE, or the
built-in menu) and that an absolute limit is in the unit the test reports. A file with problems
prints each as file:line:column: message and exits with status 1. Limits marked `verify` have not
been checked against their source; the list shows them.)";

struct SigmaOptions {
  std::string tea;
  std::string bias;
  std::string cv;
  std::string analyte;
  std::string at;
  std::string allowable_error_file;
  // Whether each option was given (an option given as "" is still given).
  CLI::Option* tea_option = nullptr;
  CLI::Option* bias_option = nullptr;
  CLI::Option* cv_option = nullptr;
  CLI::Option* analyte_option = nullptr;
  CLI::Option* at_option = nullptr;
  CLI::Option* file_option = nullptr;
};

struct AllowableOptions {
  std::string allowable_error_file;
  std::string catalog_file;
};

bool given(const CLI::Option* option) { return option != nullptr && option->count() > 0; }

// A number as typed: digits, optional sign, point and exponent; nothing else, and finite.
std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (text.empty() || result.ec != std::errc() || result.ptr != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// The value of a percent option; `positive` also requires it to be greater than 0.
Result<double> percent_option(const std::string& name, const std::string& text,
                              bool must_be_positive) {
  const std::optional<double> value = parse_number(text);
  if (!value) return invalid_argument(name + " must be a number (percent), not '" + text + "'");
  if (must_be_positive && *value <= 0) {
    return invalid_argument(name + " must be greater than 0 (percent), not " + text);
  }
  return *value;
}

std::string two_decimals(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

qc::AllowableErrorLoad load_limits(const std::string& file) {
  if (file.empty()) {
    return qc::load_allowable_error(qc::default_allowable_error_text(),
                                    qc::kDefaultAllowableErrorFileName);
  }
  return qc::load_allowable_error_file(file);
}

std::string limits_file_name(const std::string& file) {
  return file.empty() ? std::string(qc::kDefaultAllowableErrorFileName) : file;
}

// Where the TEa of a `qc sigma` run comes from.
struct TeaChoice {
  double percent = 0;
  nlohmann::json details = nlohmann::json::object();  // the --analyte fields of the JSON
  std::vector<std::string> lines;                     // what the text output says about it
  std::string source;
};

Result<TeaChoice> tea_from_option(const SigmaOptions& options) {
  TeaChoice choice;
  ALIQUOT_ASSIGN_OR_RETURN(choice.percent, percent_option("--tea", options.tea, true));
  choice.source = "--tea";
  return choice;
}

Result<TeaChoice> tea_from_file(const SigmaOptions& options) {
  const std::string file_name = limits_file_name(options.allowable_error_file);
  qc::AllowableErrorLoad load = load_limits(options.allowable_error_file);
  if (!load.table) return file_problems(file_name, load.diagnostics);
  const qc::AllowableError* limit = load.table->find(options.analyte);
  if (limit == nullptr) {
    std::vector<std::string> codes;
    for (const qc::AllowableError& known : load.table->limits()) codes.push_back(known.code);
    return not_found("no allowable error for '" + options.analyte + "' in " + file_name +
                     "; it has limits for: " + join(codes));
  }
  std::optional<double> at;
  if (given(options.at_option)) {
    at = parse_number(options.at);
    const std::string unit = limit->unit.empty() ? "" : " (in " + limit->unit + ")";
    if (!at || *at <= 0) {
      return invalid_argument("--at must be a number greater than 0" + unit + ", not '" +
                              options.at + "'");
    }
  } else if (limit->absolute) {
    return invalid_argument("--at is needed: the allowable error of " + limit->code +
                            " has an absolute part (" + number_text(*limit->absolute) + " " +
                            limit->unit +
                            "), so the TEa in percent depends on the concentration; give it "
                            "in " +
                            limit->unit);
  }
  ALIQUOT_ASSIGN_OR_RETURN(const qc::TeaAt tea, qc::tea_percent_at(*limit, at));

  TeaChoice choice;
  choice.percent = tea.percent;
  choice.source = limit->source;
  const bool to_verify = limit->verification == qc::Verification::kToVerify;
  choice.details = {{"analyte", limit->code},
                    {"at", at ? nlohmann::json(*at) : nlohmann::json()},
                    {"unit", limit->unit.empty() ? nlohmann::json() : nlohmann::json(limit->unit)},
                    {"limit", qc::describe(*limit)},
                    {"tea_part", tea.part == qc::TeaPart::kAbsolute ? "absolute" : "percent"},
                    {"verify", to_verify},
                    {"file", file_name}};
  std::string where =
      at ? " at " + number_text(*at) + (limit->unit.empty() ? "" : " " + limit->unit) : "";
  choice.lines.push_back("TEa " + two_decimals(tea.percent) + "% for " + limit->code + where +
                         ": " + qc::describe(*limit) + " (" + limit->source + ")");
  if (to_verify) {
    choice.lines.push_back("verify: " + file_name +
                           " marks this limit as not yet checked against its source");
  }
  return choice;
}

Result<void> run_sigma(Session& session, const SigmaOptions& options) {
  const bool by_tea = given(options.tea_option);
  const bool by_analyte = given(options.analyte_option);
  if (by_tea && by_analyte) {
    return invalid_argument("give either --tea or --analyte, not both");
  }
  if (!by_tea && !by_analyte) {
    return invalid_argument(
        "`aliquot qc sigma` needs --tea PCT, or --analyte CODE to take the TEa from the "
        "allowable-error file");
  }
  if (!by_analyte) {
    if (given(options.at_option)) return invalid_argument("--at is used only with --analyte");
    if (given(options.file_option)) {
      return invalid_argument("--allowable-error is used only with --analyte");
    }
  }
  if (!given(options.bias_option)) {
    return invalid_argument(
        "`aliquot qc sigma` needs --bias PCT (the method's bias in percent; 0 when none is "
        "known)");
  }
  if (!given(options.cv_option)) {
    return invalid_argument("`aliquot qc sigma` needs --cv PCT (the method's CV in percent)");
  }
  ALIQUOT_ASSIGN_OR_RETURN(const double bias, percent_option("--bias", options.bias, false));
  ALIQUOT_ASSIGN_OR_RETURN(const double cv, percent_option("--cv", options.cv, true));
  ALIQUOT_ASSIGN_OR_RETURN(const TeaChoice tea,
                           by_tea ? tea_from_option(options) : tea_from_file(options));

  ALIQUOT_ASSIGN_OR_RETURN(const double sigma, qc::sigma_metric({tea.percent, bias, cv}));
  const qc::QcDesign design = qc::recommend_qc(sigma);

  if (session.json()) {
    nlohmann::json body = {
        {"sigma", sigma},
        {"tea", tea.percent},
        {"bias", bias},
        {"cv", cv},
        {"band", qc::band_text(design.band)},
        {"rules", design.rules},
        {"n", design.controls_per_run},
        {"runs", design.runs},
        {"alternative", design.alternative_controls_per_run > 0
                            ? nlohmann::json{{"n", design.alternative_controls_per_run},
                                             {"runs", design.alternative_runs}}
                            : nlohmann::json()},
        {"note", design.note},
        {"source", tea.source}};
    body.update(tea.details);
    session.set_json(std::move(body));
    return ok();
  }
  std::ostream& out = session.out();
  out << "sigma " << two_decimals(sigma) << "\n";
  out << "rules " << join(design.rules, "/") << "\n";
  out << qc::describe_runs(design) << "\n";
  if (!design.note.empty()) out << "note: " << design.note << "\n";
  out << "from TEa " << two_decimals(tea.percent) << "%, bias " << number_text(bias) << "%, CV "
      << number_text(cv) << "%" << (by_tea ? " (TEa given with --tea)" : "") << "\n";
  for (const std::string& line : tea.lines) out << line << "\n";
  return ok();
}

nlohmann::json limit_to_json(const qc::AllowableError& limit) {
  return {{"code", limit.code},
          {"percent", limit.percent ? nlohmann::json(*limit.percent) : nlohmann::json()},
          {"absolute", limit.absolute ? nlohmann::json(*limit.absolute) : nlohmann::json()},
          {"unit", limit.unit.empty() ? nlohmann::json() : nlohmann::json(limit.unit)},
          {"limit", qc::describe(limit)},
          {"source", limit.source},
          {"verify", limit.verification == qc::Verification::kToVerify},
          {"note", limit.note}};
}

Result<void> run_allowable_error(Session& session, const AllowableOptions& options) {
  const std::string name = limits_file_name(options.allowable_error_file);
  qc::AllowableErrorLoad load = load_limits(options.allowable_error_file);
  if (load.table) {
    // The built-in limits are checked against the built-in menu; a lab's own file against the
    // catalog it names, or the built-in menu.
    ALIQUOT_ASSIGN_OR_RETURN(const catalog::Catalog menu, catalog_or_default(options.catalog_file));
    std::vector<qc::TestUnit> tests;
    for (const core::TestDefinition& test : menu.tests()) tests.push_back({test.code, test.unit});
    load.diagnostics = qc::check_against_tests(*load.table, tests, name);
  }
  const bool good = load.table && load.diagnostics.empty();
  if (session.json()) {
    nlohmann::json limits = nlohmann::json::array();
    if (load.table) {
      for (const qc::AllowableError& limit : load.table->limits()) {
        limits.push_back(limit_to_json(limit));
      }
    }
    session.set_json({{"file", name},
                      {"ok", good},
                      {"name", load.table ? nlohmann::json(load.table->name()) : nullptr},
                      {"version", load.table ? nlohmann::json(load.table->version()) : nullptr},
                      {"source", load.table ? nlohmann::json(load.table->source()) : nullptr},
                      {"limits", limits},
                      {"diagnostics", diagnostics_json(load.diagnostics)}});
  }
  if (!good) {
    report_problems(session, name, load.diagnostics);
    return ok();
  }
  if (session.json()) return ok();
  const qc::AllowableErrorTable& table = *load.table;
  std::size_t to_verify = 0;
  report::TextTable listing({"Code", "TEa", "Verify", "Source"});
  for (const qc::AllowableError& limit : table.limits()) {
    const bool mark = limit.verification == qc::Verification::kToVerify;
    if (mark) ++to_verify;
    listing.add_row({limit.code, qc::describe(limit), mark ? "yes" : "", limit.source});
  }
  std::ostream& out = session.out();
  out << name << ": " << table.name() << " " << table.version() << "\n";
  out << "source: " << table.source() << "\n\n";
  out << listing.render();
  out << "\n" << table.limits().size() << (table.limits().size() == 1 ? " limit" : " limits");
  if (to_verify > 0) out << ", " << to_verify << " not yet checked against their source";
  out << "\n";
  return ok();
}

}  // namespace

void add_qc_sigma_command(CLI::App& qc, CommandSelection& selection) {
  auto options = std::make_shared<SigmaOptions>();
  CLI::App* sigma = qc.add_subcommand("sigma", kSigmaDescription);
  sigma->footer(kSigmaFooter);
  options->tea_option =
      sigma->add_option("--tea", options->tea, "allowable total error, percent")->type_name("PCT");
  options->bias_option =
      sigma->add_option("--bias", options->bias, "the method's bias, percent (signed)")
          ->type_name("PCT");
  options->cv_option =
      sigma->add_option("--cv", options->cv, "the method's CV, percent")->type_name("PCT");
  options->analyte_option =
      sigma
          ->add_option("--analyte", options->analyte,
                       "take the TEa of this test code from the allowable-error file")
          ->type_name("CODE");
  options->at_option =
      sigma
          ->add_option("--at", options->at,
                       "with --analyte: the concentration, in the unit of the limit")
          ->type_name("CONCENTRATION");
  options->file_option =
      sigma
          ->add_option("--allowable-error", options->allowable_error_file,
                       "allowable-error file (default: the built-in catalog/allowable_error.toml)")
          ->type_name("FILE");
  selection.bind(sigma, [options](Session& session) { return run_sigma(session, *options); });

  // `qc allowable-error` belongs with `qc sigma`: it shows where --analyte takes its TEa from.
  auto allowable = std::make_shared<AllowableOptions>();
  CLI::App* listing = qc.add_subcommand("allowable-error", kAllowableDescription);
  listing->footer(kAllowableFooter);
  listing
      ->add_option("--allowable-error", allowable->allowable_error_file,
                   "allowable-error file (default: the built-in catalog/allowable_error.toml)")
      ->type_name("FILE");
  listing
      ->add_option("--catalog", allowable->catalog_file,
                   "the catalog the codes and units must fit (default: the built-in menu)")
      ->type_name("FILE");
  selection.bind(
      listing, [allowable](Session& session) { return run_allowable_error(session, *allowable); });
}

}  // namespace aliquot::cli
