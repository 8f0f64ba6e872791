// `aliquot qc material|target|sample-id`: the lab's control materials, the targets their values
// are judged against on each instrument and analyte, and the sample ids instruments report them
// under (lab/quality_control.h).

#include <algorithm>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/qc_command.h"
#include "core/qc_records.h"
#include "lab/qc_json.h"
#include "lab/quality_control.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

constexpr const char* kMaterialFooter =
    R"(A control material is one level of one lot of a control product, as on the vial. Lot and
level name it in every other qc command (--lot 26451 --level 2). A material past its expiry
date may be added, to keep its history, but no run may use it.)";

constexpr const char* kTargetFooter =
    R"(A target is the mean and SD a material's values are judged against, for one analyte on one
instrument (the instrument profile id, e.g. cobas-c311), from --from (default now) until a later
target replaces it. `target set` enters the package insert's values; `target establish`
computes them from the lab's own values of the material measured in [--from, --to), runs that
were not rejected only (CLSI C24: at least 20 values, the QC policy's establish_minimum);
--keep-insert-mean keeps the mean in force and takes only the SD from the lab's values. An
analyte on an instrument is under QC once it has a target: from then on its patient results
are held while QC is rejected or not current.)";

constexpr const char* kSampleIdFooter =
    R"(The sample id under which the instrument reports the material in its QC results (ASTM O-3,
HL7 SPM-2 or OBR-3). Results an instrument reports under a registered sample id are recorded as
QC runs, never as patient results. Setting an id again replaces its material.)";

Result<core::Date> parse_expiry(const std::string& text) {
  Result<core::Date> parsed = core::parse_date(text);
  if (!parsed) return invalid_argument("--expires: " + parsed.error().message());
  return *parsed;
}

// A target as JSON (lab/qc_json.h) with the lot and level of its material.
nlohmann::json target_json(const core::QcTarget& target, const core::QcMaterial& material) {
  nlohmann::json json = lab::to_json(target);
  json["lot"] = material.lot;
  json["level"] = material.level;
  return json;
}

// "mean 100 SD 2.5 (CV 2.5 %)".
std::string target_text(const core::QcTarget& target) {
  std::string text = "mean " + number_text(target.mean) + " SD " + number_text(target.sd);
  if (target.mean != 0) {
    text +=
        " (CV " + number_text(std::round(target.sd / std::abs(target.mean) * 1000) / 10) + " %)";
  }
  return text;
}

std::string source_text(const core::QcTarget& target) {
  switch (target.source) {
    case core::QcTargetSource::kPackageInsert: return "package insert";
    case core::QcTargetSource::kEstablished:
      return "established from " + std::to_string(target.established_from) + " values";
    case core::QcTargetSource::kInsertMeanLabSd:
      return "insert mean, SD from " + std::to_string(target.established_from) + " values";
  }
  return "";
}

// The material a target names, for printing it with its lot and level.
Result<core::QcMaterial> material_of(store::Transaction& tx, const core::QcTarget& target) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::QcMaterial> material,
                           tx.find_qc_material(target.material_id));
  if (!material) {
    return internal_error("QC target " + std::to_string(target.id) + " names material " +
                          std::to_string(target.material_id) + ", which the lab does not have");
  }
  return *material;
}

// --- qc material add | list ---

struct MaterialAddOptions {
  std::string product;
  std::string manufacturer;
  std::string lot;
  std::string level;
  std::string expires;
};

Result<void> run_material_add(Session& session, const MaterialAddOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::Date expires_on, parse_expiry(options.expires));
  const lab::AddQcMaterial command{.product = options.product,
                                   .manufacturer = options.manufacturer,
                                   .lot = options.lot,
                                   .level = options.level,
                                   .expires_on = expires_on};
  core::QcMaterial material;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(material, lab::add_qc_material(tx, ctx, command));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(material));
    return ok();
  }
  session.out() << "control material lot " << material.lot << " level " << material.level << " ("
                << material.product << ") added, expires " << core::format_date(material.expires_on)
                << "\n";
  return ok();
}

Result<void> run_material_list(Session& session) {
  std::vector<core::QcMaterial> materials;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(materials, tx.list_qc_materials());
        return ok();
      },
      std::nullopt));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const core::QcMaterial& material : materials) list.push_back(lab::to_json(material));
    session.set_json(list);
    return ok();
  }
  if (materials.empty()) {
    session.out() << "no control materials: add one with `aliquot qc material add`\n";
    return ok();
  }
  const core::Date today{std::chrono::floor<std::chrono::days>(session.clock().now())};
  report::TextTable table({"Product", "Manufacturer", "Lot", "Level", "Expires"});
  for (const core::QcMaterial& material : materials) {
    table.add_row({material.product, material.manufacturer, material.lot, material.level,
                   core::format_date(material.expires_on) +
                       (material.expires_on < today ? " (expired)" : "")});
  }
  session.out() << table.render();
  return ok();
}

// --- qc target set | establish | list ---

struct TargetSetOptions {
  std::string lot;
  std::string level;
  std::string instrument;
  std::string test_code;
  double mean = 0;
  double sd = 0;
  std::string from;
};

void print_target(Session& session, const core::QcTarget& target,
                  const core::QcMaterial& material) {
  if (session.json()) {
    session.set_json(target_json(target, material));
    return;
  }
  session.out() << "target of lot " << material.lot << " level " << material.level << " for "
                << target.instrument << "/" << target.test_code << ": " << target_text(target)
                << ", " << source_text(target) << ", from "
                << report::display_time(target.effective_from) << "\n";
}

Result<void> run_target_set(Session& session, const TargetSetOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Instant> from,
                           parse_optional_time("--from", options.from));
  const lab::SetQcTarget command{
      .material = {.lot = options.lot, .level = options.level, .sample_id = {}},
      .instrument = options.instrument,
      .test_code = options.test_code,
      .mean = options.mean,
      .sd = options.sd,
      .effective_from = from};
  core::QcTarget target;
  core::QcMaterial material;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(target, lab::set_qc_target(tx, ctx, command));
        ALIQUOT_ASSIGN_OR_RETURN(material, material_of(tx, target));
        return ok();
      }));
  print_target(session, target, material);
  return ok();
}

struct TargetEstablishOptions {
  std::string lot;
  std::string level;
  std::string instrument;
  std::string test_code;
  std::string from;
  std::string to;
  bool keep_insert_mean = false;
};

Result<void> run_target_establish(Session& session, const TargetEstablishOptions& options) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Instant> from,
                           parse_optional_time("--from", options.from));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Instant> to,
                           parse_optional_time("--to", options.to));
  if (!from || !to) return invalid_argument("give the period of the values: --from and --to");
  if (*to <= *from) {
    return invalid_argument("--to " + core::format_instant(*to) + " is not after --from " +
                            core::format_instant(*from));
  }
  const lab::EstablishQcTarget command{
      .material = {.lot = options.lot, .level = options.level, .sample_id = {}},
      .instrument = options.instrument,
      .test_code = options.test_code,
      .from = *from,
      .to = *to,
      .keep_insert_mean = options.keep_insert_mean};
  core::QcTarget target;
  core::QcMaterial material;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(target, lab::establish_qc_target(tx, ctx, command));
        ALIQUOT_ASSIGN_OR_RETURN(material, material_of(tx, target));
        return ok();
      }));
  print_target(session, target, material);
  return ok();
}

struct TargetListOptions {
  std::string instrument;
  std::string test_code;
};

Result<void> run_target_list(Session& session, const TargetListOptions& options) {
  std::vector<std::pair<core::QcTarget, core::QcMaterial>> targets;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::QcTarget> found,
                                 tx.qc_targets(options.instrument, options.test_code, 0));
        for (const core::QcTarget& target : found) {
          ALIQUOT_ASSIGN_OR_RETURN(core::QcMaterial material, material_of(tx, target));
          targets.emplace_back(target, std::move(material));
        }
        return ok();
      },
      std::nullopt));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [target, material] : targets) list.push_back(target_json(target, material));
    session.set_json(list);
    return ok();
  }
  if (targets.empty()) {
    session.out() << "no QC targets for " << options.instrument << "/" << options.test_code
                  << ": its patient results are not under QC; enter one with `aliquot qc target "
                     "set`\n";
    return ok();
  }
  report::TextTable table({"Lot", "Level", "Mean", "SD", "Source", "From", "Entered by"});
  table.align(2, report::Alignment::kRight);
  table.align(3, report::Alignment::kRight);
  for (const auto& [target, material] : targets) {
    table.add_row({material.lot, material.level, number_text(target.mean), number_text(target.sd),
                   source_text(target), report::display_time(target.effective_from),
                   target.entered_by});
  }
  session.out() << options.instrument << "/" << options.test_code << "\n" << table.render();
  return ok();
}

// --- qc sample-id set ---

Result<void> run_sample_id_set(Session& session, const lab::SetQcSampleId& command) {
  ALIQUOT_RETURN_IF_ERROR(session.write([&](store::Transaction& tx, const lab::Context& ctx) {
    return lab::set_qc_sample_id(tx, ctx, command);
  }));
  if (session.json()) {
    session.set_json({{"instrument", command.instrument},
                      {"sample_id", command.sample_id},
                      {"lot", command.lot},
                      {"level", command.level}});
    return ok();
  }
  session.out() << "instrument " << command.instrument << " reports lot " << command.lot
                << " level " << command.level << " as QC sample " << command.sample_id << "\n";
  return ok();
}

// The options every command naming a material by lot and level has.
void add_material_options(CLI::App* command, std::string& lot, std::string& level) {
  command->add_option("--lot", lot, "the control lot")->required()->type_name("LOT");
  command->add_option("--level", level, "the control level, e.g. 1, 2, high")
      ->required()
      ->type_name("LEVEL");
}

void add_analyte_options(CLI::App* command, std::string& instrument, std::string& test_code) {
  command->add_option("--instrument", instrument, "instrument profile id, e.g. cobas-c311")
      ->required()
      ->type_name("ID");
  command->add_option("--test", test_code, "catalog test code, e.g. GLU")
      ->required()
      ->type_name("CODE");
}

void add_material_commands(CLI::App& qc, CommandSelection& selection) {
  CLI::App* group = qc.add_subcommand("material", "control materials: one level of one lot");
  group->require_subcommand(1);
  group->footer(kMaterialFooter);

  auto add = std::make_shared<MaterialAddOptions>();
  CLI::App* add_command = group->add_subcommand("add", "add a control material (lot and level)");
  add_command->add_option("--product", add->product, "the control product's name")
      ->required()
      ->type_name("NAME");
  add_material_options(add_command, add->lot, add->level);
  add_command->add_option("--expires", add->expires, "the vial's expiry date, YYYY-MM-DD")
      ->required()
      ->type_name("DATE");
  add_command->add_option("--manufacturer", add->manufacturer, "who makes it")->type_name("NAME");
  selection.bind(add_command, [add](Session& session) { return run_material_add(session, *add); });

  CLI::App* list_command = group->add_subcommand("list", "the lab's control materials");
  selection.bind(list_command, [](Session& session) { return run_material_list(session); });
}

void add_target_commands(CLI::App& qc, CommandSelection& selection) {
  CLI::App* group = qc.add_subcommand(
      "target", "the mean and SD a material is judged against on an instrument and analyte");
  group->require_subcommand(1);
  group->footer(kTargetFooter);

  auto set = std::make_shared<TargetSetOptions>();
  CLI::App* set_command = group->add_subcommand("set", "enter a target (package insert)");
  add_material_options(set_command, set->lot, set->level);
  add_analyte_options(set_command, set->instrument, set->test_code);
  set_command->add_option("--mean", set->mean, "the target mean")->required()->type_name("X");
  set_command->add_option("--sd", set->sd, "the target SD, > 0")->required()->type_name("Y");
  set_command->add_option("--from", set->from, "in force from, e.g. 2026-03-01T00:00Z (now)")
      ->type_name("TIME");
  selection.bind(set_command, [set](Session& session) { return run_target_set(session, *set); });

  auto establish = std::make_shared<TargetEstablishOptions>();
  CLI::App* establish_command = group->add_subcommand(
      "establish", "compute the mean and SD from the lab's own values of the material");
  add_material_options(establish_command, establish->lot, establish->level);
  add_analyte_options(establish_command, establish->instrument, establish->test_code);
  establish_command->add_option("--from", establish->from, "first time of the values")
      ->required()
      ->type_name("TIME");
  establish_command->add_option("--to", establish->to, "end of the values (excluded)")
      ->required()
      ->type_name("TIME");
  establish_command->add_flag("--keep-insert-mean", establish->keep_insert_mean,
                              "keep the mean in force; take only the SD from the lab's values");
  selection.bind(establish_command, [establish](Session& session) {
    return run_target_establish(session, *establish);
  });

  auto list = std::make_shared<TargetListOptions>();
  CLI::App* list_command =
      group->add_subcommand("list", "every target entered for an analyte on an instrument");
  add_analyte_options(list_command, list->instrument, list->test_code);
  selection.bind(list_command,
                 [list](Session& session) { return run_target_list(session, *list); });
}

void add_sample_id_commands(CLI::App& qc, CommandSelection& selection) {
  CLI::App* group =
      qc.add_subcommand("sample-id", "the sample id an instrument reports a material under");
  group->require_subcommand(1);
  group->footer(kSampleIdFooter);
  auto set = std::make_shared<lab::SetQcSampleId>();
  CLI::App* set_command = group->add_subcommand("set", "register the sample id of a material");
  set_command->add_option("--instrument", set->instrument, "instrument profile id")
      ->required()
      ->type_name("ID");
  set_command->add_option("--sample-id", set->sample_id, "as the instrument reports it")
      ->required()
      ->type_name("ID");
  add_material_options(set_command, set->lot, set->level);
  selection.bind(set_command, [set](Session& session) { return run_sample_id_set(session, *set); });
}

}  // namespace

void add_qc_lab_commands(CLI::App& qc, CommandSelection& selection) {
  add_material_commands(qc, selection);
  add_target_commands(qc, selection);
  add_sample_id_commands(qc, selection);
}

}  // namespace aliquot::cli
