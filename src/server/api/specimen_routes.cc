// Specimens: show one, receive it in the lab, reject it, and its label for a reprint
// (docs/api.md, "Specimens").

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

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

http::Response show_specimen(const ApiContext& api, const http::Request& request) {
  const std::string& accession = request.path_params.at("accession");
  return answer_view(api, request, "specimen\x1f" + accession,
                     [&](store::Transaction& tx, const lab::Context& ctx) -> Result<View> {
                       ALIQUOT_ASSIGN_OR_RETURN(const lab::SpecimenDetail detail,
                                                lab::specimen_detail(tx, ctx, accession));
                       return View{.text = lab::to_compact_text(detail),
                                   .patients = {detail.patient.mrn},
                                   .what = "specimen " + detail.specimen.accession_number};
                     });
}

Result<lab::ReceiveSpecimen> receive_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, optional_body(request));
  lab::ReceiveSpecimen command;
  command.accession_number = request.path_params.at("accession");
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> condition,
                           optional_string(body, "condition"));
  command.condition = condition.value_or("");
  return command;
}

http::Response receive_specimen(const ApiContext& api, const http::Request& request) {
  const Result<lab::ReceiveSpecimen> command = receive_command(request);
  if (!command) return http::error_response(command.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const core::Specimen specimen,
                                 lab::receive_specimen(tx, ctx, *command));
        return lab::to_json(specimen);
      }));
}

Result<lab::RejectSpecimen> reject_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::RejectSpecimen command;
  command.accession_number = request.path_params.at("accession");
  ALIQUOT_ASSIGN_OR_RETURN(const std::string reason_code, required_string(body, "reason"));
  const Result<core::RejectionReason> reason = core::parse_rejection_reason(reason_code);
  if (!reason) return invalid_argument("field 'reason': " + reason.error().message());
  command.reason = *reason;
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> comment,
                           optional_string(body, "comment"));
  command.comment = comment.value_or("");
  return command;
}

http::Response reject_specimen(const ApiContext& api, const http::Request& request) {
  const Result<lab::RejectSpecimen> command = reject_command(request);
  if (!command) return http::error_response(command.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const core::Specimen specimen,
                                 lab::reject_specimen(tx, ctx, *command));
        return lab::to_json(specimen);
      }));
}

http::Response specimen_label(const ApiContext& api, const http::Request& request) {
  const std::string& accession = request.path_params.at("accession");
  std::string shown;
  std::string accession_number;
  const Result<json> document = read(
      api, request,
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::SpecimenLabel label,
                                 lab::specimen_label(tx, ctx, accession));
        shown = label.mrn;
        accession_number = label.accession_number;
        return report::label_document(label);
      },
      lab::Action::kAccessionSpecimen);
  note_patient_read(api, request, shown, "label " + accession_number);
  return answer(document);
}

}  // namespace

ApiRoutes specimen_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/specimens/{accession}", lab::Action::kViewRecords,
       [api](const http::Request& request) { return show_specimen(api, request); },
       "show a specimen with its order, patient and tests"},
      {http::Method::kPost, "/api/specimens/{accession}/receive", lab::Action::kReceiveSpecimen,
       [api](const http::Request& request) { return receive_specimen(api, request); },
       "receive a specimen in the lab; its tests go to the bench"},
      {http::Method::kPost, "/api/specimens/{accession}/reject", lab::Action::kRejectSpecimen,
       [api](const http::Request& request) { return reject_specimen(api, request); },
       "reject a specimen: its unreleased tests are cancelled and await recollection"},
      {http::Method::kGet, "/api/specimens/{accession}/label", lab::Action::kAccessionSpecimen,
       [api](const http::Request& request) { return specimen_label(api, request); },
       "the label of a specimen, to preview or reprint it"},
  };
}

}  // namespace aliquot::server::api
