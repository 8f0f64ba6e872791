// `aliquot order place|show|cancel` and `aliquot accession`: from the provider's request to
// labelled specimens, and the request withdrawn.

#include <map>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "lab/json.h"
#include "lab/queries.h"
#include "lab/use_cases.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

struct PlaceOptions {
  std::string mrn;
  std::string tests;
  std::string priority = "routine";
  std::string provider;
  std::string clinical_info;
};

// "CBC, bmp ,K" -> {"CBC", "bmp", "K"}; empty items are dropped.
std::vector<std::string> split_codes(const std::string& text) {
  std::vector<std::string> codes;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto first = item.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    const auto last = item.find_last_not_of(" \t");
    codes.push_back(item.substr(first, last - first + 1));
  }
  return codes;
}

Result<void> run_place(Session& session, const PlaceOptions& options) {
  lab::PlaceOrder command;
  command.mrn = options.mrn;
  command.test_codes = split_codes(options.tests);
  Result<core::Priority> priority = core::parse_priority(options.priority);
  if (!priority) return invalid_argument("--priority: " + priority.error().message());
  command.priority = *priority;
  command.ordering_provider = options.provider;
  command.clinical_info = options.clinical_info;

  core::Order order;
  std::vector<core::TestResult> results;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(order, lab::place_order(tx, ctx, command));
        ALIQUOT_ASSIGN_OR_RETURN(results, tx.results_for_order(order.id));
        return ok();
      }));
  if (session.json()) {
    nlohmann::json body = lab::to_json(order);
    nlohmann::json tests = nlohmann::json::array();
    for (const core::TestResult& result : results) tests.push_back(result.test_code);
    body["tests"] = tests;
    session.set_json(body);
  } else {
    session.out() << order.order_number << "  " << report::display_priority(order.priority) << "  "
                  << options.mrn << "  " << join(order.requested_codes, ",") << "  ("
                  << results.size() << " tests)\n";
  }
  return ok();
}

Result<void> run_order_show(Session& session, const std::string& order_number) {
  lab::OrderDetail detail;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(detail, lab::order_detail(tx, ctx, order_number));
        return ok();
      },
      lab::Action::kViewRecords));
  ALIQUOT_RETURN_IF_ERROR(
      session.record_patient_reads({detail.patient.mrn}, "order " + order_number));
  if (session.json()) {
    session.set_json(lab::to_json(detail));
    return ok();
  }
  const core::Order& order = detail.order;
  report::TextTable facts;
  facts.add_row({"Order", order.order_number + "  " + report::display_priority(order.priority)});
  facts.add_row({"Patient", detail.patient.family_name + ", " + detail.patient.given_name + "  " +
                                detail.patient.mrn});
  facts.add_row({"Provider", order.ordering_provider});
  if (!order.clinical_info.empty()) facts.add_row({"Clinical info", order.clinical_info});
  facts.add_row({"Requested", join(order.requested_codes, ", ")});
  facts.add_row({"Ordered", report::display_time(order.ordered_at) + " by " + order.ordered_by});
  session.out() << facts.render();

  std::map<std::int64_t, std::string> accession_of;
  if (!detail.specimens.empty()) {
    report::TextTable specimens(
        {"Accession", "Specimen", "Container", "Collected", "Received", "Status"});
    for (const core::Specimen& specimen : detail.specimens) {
      accession_of[specimen.id] = specimen.accession_number;
      std::string status(core::to_code(specimen.status));
      if (specimen.rejection_reason)
        status += ": " + std::string(core::to_code(*specimen.rejection_reason));
      specimens.add_row({specimen.accession_number, specimen.specimen_type, specimen.container_type,
                         report::display_time(specimen.collected_at),
                         report::display_time(specimen.received_at), status});
    }
    session.out() << "\n" << specimens.render();
  }
  report::TextTable results({"Test", "Name", "Accession", "Status", "Value", "Flag", "Reference"});
  for (const lab::ResultDetail& result : detail.results) {
    const core::TestResult& r = result.result;
    results.add_row({r.test_code, result.test != nullptr ? result.test->name : "",
                     r.specimen_id != 0 ? accession_of[r.specimen_id] : "",
                     std::string(core::to_code(r.status)),
                     r.value ? report::display_value(*r.value) : "",
                     std::string(core::to_code(r.flag)), r.reference_range});
  }
  session.out() << "\n" << results.render();
  return ok();
}

struct CancelOptions {
  std::string order_number;
  std::string reason;
};

Result<void> run_cancel(Session& session, const CancelOptions& options) {
  lab::CancelledOrder cancelled;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(
            cancelled,
            lab::cancel_order(tx, ctx, lab::CancelOrder{options.order_number, options.reason}));
        return ok();
      }));
  std::vector<std::string> cancelled_codes, released_codes;
  for (const core::TestResult& result : cancelled.cancelled) {
    cancelled_codes.push_back(result.test_code);
  }
  for (const core::TestResult& result : cancelled.released) {
    released_codes.push_back(result.test_code);
  }
  if (session.json()) {
    nlohmann::json body = lab::to_json(cancelled.order);
    body["cancelled"] = cancelled_codes;
    body["released"] = released_codes;
    session.set_json(body);
    return ok();
  }
  const std::string& number = cancelled.order.order_number;
  if (cancelled_codes.empty() && released_codes.empty()) {
    session.out() << number << "  already cancelled; nothing changed\n";
    return ok();
  }
  if (!cancelled_codes.empty()) {
    session.out() << number << "  cancelled " << join(cancelled_codes, ",") << "  ("
                  << cancelled_codes.size() << " tests)\n";
  }
  if (!released_codes.empty()) {
    // A released result is retracted by correcting it, never by cancelling its order.
    session.out() << number << "  not cancelled, already released: " << join(released_codes, ",")
                  << "\n";
  }
  return ok();
}

struct AccessionOptions {
  std::string order_number;
  std::string collected_at;
  std::string collected_by;
};

struct LabelledSpecimen {
  core::Specimen specimen;
  std::vector<std::string> tests;
};

Result<void> run_accession(Session& session, const AccessionOptions& options) {
  lab::AccessionOrder command;
  command.order_number = options.order_number;
  ALIQUOT_ASSIGN_OR_RETURN(command.collected_at,
                           parse_optional_time("--collected-at", options.collected_at));
  command.collected_by = options.collected_by;

  std::vector<LabelledSpecimen> labelled;
  core::Order order;
  core::Patient patient;
  ALIQUOT_RETURN_IF_ERROR(session.write([&](store::Transaction& tx,
                                            const lab::Context& ctx) -> Result<void> {
    ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::Specimen> specimens,
                             lab::accession_order(tx, ctx, command));
    for (core::Specimen& specimen : specimens) {
      ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::TestResult> results,
                               tx.results_for_specimen(specimen.id));
      LabelledSpecimen label{std::move(specimen), {}};
      for (const core::TestResult& result : results) label.tests.push_back(result.test_code);
      labelled.push_back(std::move(label));
    }
    ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Order> found,
                             tx.find_order_by_number(options.order_number));
    if (found) order = *found;
    ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::Patient> owner, tx.find_patient(order.patient_id));
    if (owner) patient = *owner;
    return ok();
  }));

  if (session.json()) {
    nlohmann::json specimens = nlohmann::json::array();
    for (const LabelledSpecimen& label : labelled) {
      nlohmann::json item = lab::to_json(label.specimen);
      item["tests"] = label.tests;
      specimens.push_back(item);
    }
    session.set_json({{"order_number", order.order_number},
                      {"patient_mrn", patient.mrn},
                      {"specimens", specimens}});
    return ok();
  }
  // One line per tube, as its label reads: accession, container, specimen, patient, tests.
  report::TextTable labels;
  for (const LabelledSpecimen& label : labelled) {
    labels.add_row({label.specimen.accession_number, label.specimen.container_type,
                    label.specimen.specimen_type, patient.family_name + ", " + patient.given_name,
                    patient.mrn, report::display_priority(order.priority), join(label.tests, " ")});
  }
  session.out() << labels.render();
  return ok();
}

}  // namespace

void add_order_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand("order", "place, look up and cancel orders");
  group->require_subcommand(1);

  auto place = std::make_shared<PlaceOptions>();
  CLI::App* place_command = group->add_subcommand("place", "place an order; prints its number");
  place_command->add_option("--mrn", place->mrn, "the patient's medical record number")->required();
  place_command
      ->add_option("--tests", place->tests, "test and panel codes, comma-separated: CBC,BMP,K")
      ->required();
  place_command->add_option("--priority", place->priority, "routine, asap or stat")
      ->capture_default_str();
  place_command->add_option("--provider", place->provider, "the ordering provider")->required();
  place_command->add_option("--clinical-info", place->clinical_info,
                            "diagnosis or reason for testing");
  selection.bind(place_command, [place](Session& session) { return run_place(session, *place); });

  auto order_number = std::make_shared<std::string>();
  CLI::App* show_command =
      group->add_subcommand("show", "show an order: its specimens and every ordered test");
  show_command->add_option("ORDER", *order_number, "order number")->required();
  selection.bind(show_command, [order_number](Session& session) {
    return run_order_show(session, *order_number);
  });

  auto cancel = std::make_shared<CancelOptions>();
  CLI::App* cancel_command = group->add_subcommand(
      "cancel",
      "cancel an order: every test not yet released; released results stay (correct them)");
  cancel_command->add_option("ORDER", cancel->order_number, "order number")->required();
  cancel_command->add_option("--reason", cancel->reason, "why, e.g. \"duplicate order\" (audited)")
      ->required();
  selection.bind(cancel_command,
                 [cancel](Session& session) { return run_cancel(session, *cancel); });

  auto accession = std::make_shared<AccessionOptions>();
  CLI::App* accession_command = app.add_subcommand(
      "accession",
      "collect an order: one specimen per container it needs, each with its accession number");
  accession_command->add_option("ORDER", accession->order_number, "order number")->required();
  accession_command
      ->add_option("--collected-at", accession->collected_at,
                   "collection time, e.g. 2026-03-02T08:05Z (default: now)")
      ->type_name("TIME");
  accession_command
      ->add_option("--collected-by", accession->collected_by,
                   "who drew the specimens (default: the acting user)")
      ->type_name("NAME");
  selection.bind(accession_command,
                 [accession](Session& session) { return run_accession(session, *accession); });
}

}  // namespace aliquot::cli
