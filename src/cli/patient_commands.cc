// `aliquot patient register|show`.

#include <map>
#include <memory>

#include "cli/commands.h"
#include "lab/json.h"
#include "lab/queries.h"
#include "lab/use_cases.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

struct RegisterOptions {
  std::string mrn;
  std::string family_name;
  std::string given_name;
  std::string birth_date;
  std::string sex;
};

Result<void> run_register(Session& session, const RegisterOptions& options) {
  lab::RegisterPatient command;
  command.mrn = options.mrn;
  command.family_name = options.family_name;
  command.given_name = options.given_name;
  Result<core::Date> birth_date = core::parse_date(options.birth_date);
  if (!birth_date) return invalid_argument("--birth-date: " + birth_date.error().message());
  command.birth_date = *birth_date;
  Result<core::AdministrativeSex> sex = core::parse_administrative_sex(options.sex);
  if (!sex) return invalid_argument("--sex: " + sex.error().message());
  command.sex = *sex;

  core::Patient patient;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(patient, lab::register_patient(tx, ctx, command));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(patient));
  } else {
    session.out() << "registered " << patient.mrn << "  " << patient.family_name << ", "
                  << patient.given_name << "  born " << core::format_date(patient.birth_date)
                  << "  " << report::display_sex(patient.sex) << "\n";
  }
  return ok();
}

// "2 final, 1 pending": how far along an order's tests are.
std::string progress(const lab::OrderDetail& order) {
  std::map<std::string, int> counts;
  std::vector<std::string> seen;
  for (const lab::ResultDetail& result : order.results) {
    const std::string status(core::to_code(result.result.status));
    if (counts[status]++ == 0) seen.push_back(status);
  }
  std::vector<std::string> parts;
  for (const std::string& status : seen) {
    parts.push_back(std::to_string(counts[status]) + " " + status);
  }
  return join(parts, ", ");
}

Result<void> run_patient_show(Session& session, const std::string& mrn) {
  core::Patient patient;
  std::vector<lab::OrderDetail> orders;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(patient, lab::find_patient(tx, mrn));
        ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::Order> patient_orders,
                                 tx.orders_for_patient(patient.id));
        for (const core::Order& order : patient_orders) {
          ALIQUOT_ASSIGN_OR_RETURN(lab::OrderDetail detail,
                                   lab::order_detail(tx, ctx, order.order_number));
          orders.push_back(std::move(detail));
        }
        return ok();
      },
      lab::Action::kViewRecords));
  ALIQUOT_RETURN_IF_ERROR(session.record_patient_reads({patient.mrn}, "patient"));

  if (session.json()) {
    nlohmann::json order_list = nlohmann::json::array();
    for (const lab::OrderDetail& order : orders) order_list.push_back(lab::to_json(order));
    session.set_json({{"patient", lab::to_json(patient)}, {"orders", order_list}});
    return ok();
  }
  const core::Instant now = session.clock().now();
  report::TextTable facts;
  facts.add_row({"Patient", patient.family_name + ", " + patient.given_name});
  facts.add_row({"MRN", patient.mrn});
  facts.add_row({"Born", core::format_date(patient.birth_date) + " (" +
                             report::display_age(patient.birth_date, now) + ")"});
  facts.add_row({"Sex", std::string(report::display_sex(patient.sex))});
  facts.add_row(
      {"Registered", report::display_time(patient.registered_at) + " by " + patient.registered_by});
  session.out() << facts.render() << "\n";
  if (orders.empty()) {
    session.out() << "no orders\n";
    return ok();
  }
  report::TextTable table({"Order", "Priority", "Ordered", "Provider", "Requested", "Tests"});
  for (const lab::OrderDetail& order : orders) {
    table.add_row({order.order.order_number, report::display_priority(order.order.priority),
                   report::display_time(order.order.ordered_at), order.order.ordering_provider,
                   join(order.order.requested_codes, ","), progress(order)});
  }
  session.out() << table.render();
  return ok();
}

}  // namespace

void add_patient_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand("patient", "register and look up patients");
  group->require_subcommand(1);

  auto options = std::make_shared<RegisterOptions>();
  CLI::App* register_command = group->add_subcommand("register", "register a patient");
  register_command->add_option("--mrn", options->mrn, "medical record number")->required();
  register_command->add_option("--family", options->family_name, "family name")->required();
  register_command->add_option("--given", options->given_name, "given name")->required();
  register_command->add_option("--birth-date", options->birth_date, "YYYY-MM-DD")->required();
  register_command
      ->add_option("--sex", options->sex,
                   "administrative sex (HL7 table 0001): F, M, O (other) or U (unknown)")
      ->required();
  selection.bind(register_command,
                 [options](Session& session) { return run_register(session, *options); });

  auto mrn = std::make_shared<std::string>();
  CLI::App* show_command =
      group->add_subcommand("show", "show a patient and a summary of their orders");
  show_command->add_option("MRN", *mrn, "medical record number")->required();
  selection.bind(show_command, [mrn](Session& session) { return run_patient_show(session, *mrn); });
}

}  // namespace aliquot::cli
