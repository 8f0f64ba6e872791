// Orders: place one, show it, accession it (its specimens and their labels), cancel it
// (docs/api.md, "Orders").

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/enums.h"
#include "lab/json.h"
#include "lab/queries.h"
#include "lab/specimen_label.h"
#include "lab/use_cases.h"
#include "report/label_document.h"
#include "server/api/handler_support.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

Result<lab::PlaceOrder> place_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::PlaceOrder command;
  ALIQUOT_ASSIGN_OR_RETURN(command.mrn, required_string(body, "mrn"));
  ALIQUOT_ASSIGN_OR_RETURN(command.test_codes, string_array(body, "tests"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::string priority_code, required_string(body, "priority"));
  const Result<core::Priority> priority = core::parse_priority(priority_code);
  if (!priority) return invalid_argument("field 'priority': " + priority.error().message());
  command.priority = *priority;
  ALIQUOT_ASSIGN_OR_RETURN(command.ordering_provider, required_string(body, "ordering_provider"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> clinical_info,
                           optional_string(body, "clinical_info"));
  command.clinical_info = clinical_info.value_or("");
  return command;
}

http::Response place_order(const ApiContext& api, const http::Request& request) {
  const Result<lab::PlaceOrder> command = place_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::Order order,
                                                 lab::place_order(tx, ctx, *command));
                        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::TestResult> results,
                                                 tx.results_for_order(order.id));
                        // As `aliquot order place --json`: the order and the tests it expanded
                        // to, panels resolved.
                        json document = lab::to_json(order);
                        json tests = json::array();
                        for (const core::TestResult& result : results) {
                          tests.push_back(result.test_code);
                        }
                        document["tests"] = std::move(tests);
                        return document;
                      }),
                201);
}

http::Response show_order(const ApiContext& api, const http::Request& request) {
  const std::string& number = request.path_params.at("number");
  std::string shown;
  std::string order_number;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::OrderDetail detail, lab::order_detail(tx, ctx, number));
        shown = detail.patient.mrn;
        order_number = detail.order.order_number;
        return lab::to_json(detail);
      });
  note_patient_read(api, request, shown, "order " + order_number);
  return answer(document);
}

Result<lab::AccessionOrder> accession_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, optional_body(request));
  lab::AccessionOrder command;
  command.order_number = request.path_params.at("number");
  ALIQUOT_ASSIGN_OR_RETURN(command.collected_at, optional_instant(body, "collected_at"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> collected_by,
                           optional_string(body, "collected_by"));
  command.collected_by = collected_by.value_or("");
  return command;
}

http::Response accession_order(const ApiContext& api, const http::Request& request) {
  const Result<lab::AccessionOrder> command = accession_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::Specimen> specimens,
                                                 lab::accession_order(tx, ctx, *command));
                        json list = json::array();
                        for (const core::Specimen& specimen : specimens) {
                          ALIQUOT_ASSIGN_OR_RETURN(
                              const lab::SpecimenLabel label,
                              lab::specimen_label(tx, ctx, specimen.accession_number));
                          json item = lab::to_json(specimen);
                          ALIQUOT_ASSIGN_OR_RETURN(item["label"], report::label_document(label));
                          list.push_back(std::move(item));
                        }
                        return json{{"specimens", std::move(list)}};
                      }),
                201);
}

Result<lab::CancelOrder> cancel_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::CancelOrder command;
  command.order_number = request.path_params.at("number");
  ALIQUOT_ASSIGN_OR_RETURN(command.reason, required_string(body, "reason"));
  return command;
}

json test_codes(const std::vector<core::TestResult>& results) {
  json codes = json::array();
  for (const core::TestResult& result : results) codes.push_back(result.test_code);
  return codes;
}

http::Response cancel_order(const ApiContext& api, const http::Request& request) {
  const Result<lab::CancelOrder> command = cancel_command(request);
  if (!command) return http::error_response(command.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::CancelledOrder cancelled,
                                 lab::cancel_order(tx, ctx, *command));
        // `released`: the tests left as they are; a released result is
        // retracted by correcting it, never by cancelling its order.
        return json{{"order", lab::to_json(cancelled.order)},
                    {"cancelled", test_codes(cancelled.cancelled)},
                    {"released", test_codes(cancelled.released)}};
      }));
}

}  // namespace

ApiRoutes order_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kPost, "/api/orders", lab::Action::kPlaceOrder,
       [api](const http::Request& request) { return place_order(api, request); },
       "place an order of tests and panels for a patient"},
      {http::Method::kGet, "/api/orders/{number}", lab::Action::kViewRecords,
       [api](const http::Request& request) { return show_order(api, request); },
       "show an order with its specimens and every ordered test"},
      {http::Method::kPost, "/api/orders/{number}/accession", lab::Action::kAccessionSpecimen,
       [api](const http::Request& request) { return accession_order(api, request); },
       "collect an order: one labelled specimen per container it needs"},
      {http::Method::kPost, "/api/orders/{number}/cancel", lab::Action::kCancelOrder,
       [api](const http::Request& request) { return cancel_order(api, request); },
       "cancel every test of an order not yet released"},
  };
}

}  // namespace aliquot::server::api
