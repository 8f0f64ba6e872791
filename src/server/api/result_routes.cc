// Results: one result with the patient's earlier values and limits, entering a value, releasing,
// asking for a rerun, commenting, cancelling one test, correcting, and documenting the call of a
// critical value (docs/api.md, "Results"). The same use cases as
// `aliquot result enter|release|rerun|comment|cancel|correct|show` and `aliquot critical call`.

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/enums.h"
#include "core/text.h"
#include "lab/json.h"
#include "lab/queries.h"
#include "lab/reruns.h"
#include "lab/result_comments.h"
#include "lab/result_history.h"
#include "lab/use_cases.h"
#include "server/api/handler_support.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

// How many earlier values the detail shows.
constexpr std::size_t kPreviousValues = 10;

std::string accession_of(const http::Request& request) {
  return request.path_params.at("accession");
}
std::string test_of(const http::Request& request) { return request.path_params.at("test"); }

json optional_number(const std::optional<double>& number) {
  return number ? json(*number) : json(nullptr);
}

json limits_json(const lab::PatientLimits& limits) {
  json reference = nullptr;
  if (limits.reference) {
    reference = {{"low", optional_number(limits.reference->low)},
                 {"high", optional_number(limits.reference->high)},
                 {"text", limits.reference->text}};
  }
  return {{"reference", reference},
          {"critical",
           {{"low", optional_number(limits.critical.low)},
            {"high", optional_number(limits.critical.high)}}}};
}

// {at (collected), value (the number, or null for a coded or text value or one beyond a limit
// such as "<0.01"), reported, flag, status, accession}.
json previous_json(const lab::PreviousResult& previous) {
  const core::ResultValue& value = *previous.result.value;
  const bool plain_number = value.kind == core::ResultKind::kNumeric && value.comparator.empty();
  return {{"at", core::format_instant(previous.collected_at)},
          {"value", plain_number ? json(value.number) : json(nullptr)},
          {"reported", core::format_reported(value)},
          {"flag", core::to_code(previous.result.flag)},
          {"status", core::to_code(previous.result.status)},
          {"accession", previous.accession_number}};
}

// The result of `test_code` on the specimen, as `aliquot result show` finds it; NotFound naming
// the tests the specimen has.
Result<const lab::ResultDetail*> find_on_specimen(const lab::SpecimenDetail& specimen,
                                                  const std::string& test_code) {
  const auto found = std::find_if(
      specimen.results.begin(), specimen.results.end(), [&](const lab::ResultDetail& detail) {
        return core::equals_ignoring_case(detail.result.test_code, test_code);
      });
  if (found == specimen.results.end()) {
    std::vector<std::string> codes;
    for (const lab::ResultDetail& detail : specimen.results) {
      codes.push_back(detail.result.test_code);
    }
    return not_found("test " + test_code + " is not on specimen " +
                     specimen.specimen.accession_number + " (it has: " + core::join(codes, ", ") +
                     ")");
  }
  return &*found;
}

http::Response show_result(const ApiContext& api, const http::Request& request) {
  const std::string accession = accession_of(request);
  const std::string test_code = test_of(request);
  std::string shown;
  std::string what;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::SpecimenDetail specimen,
                                 lab::specimen_detail(tx, ctx, accession));
        ALIQUOT_ASSIGN_OR_RETURN(const lab::ResultDetail* detail,
                                 find_on_specimen(specimen, test_code));
        ALIQUOT_ASSIGN_OR_RETURN(
            const std::vector<lab::PreviousResult> previous,
            lab::previous_released_results(tx, ctx, specimen.patient.id, detail->result.test_code,
                                           specimen.specimen.collected_at, kPreviousValues));
        shown = specimen.patient.mrn;
        what = "result " + specimen.specimen.accession_number + "/" + detail->result.test_code;
        json body = lab::to_json(*detail);
        body["previous"] = json::array();
        for (const lab::PreviousResult& earlier : previous) {
          body["previous"].push_back(previous_json(earlier));
        }
        body["limits"] =
            detail->test != nullptr
                ? limits_json(lab::limits_for_patient(*detail->test, specimen.patient,
                                                      specimen.specimen, detail->result.instrument))
                : json(nullptr);
        body["accession_number"] = specimen.specimen.accession_number;
        body["mrn"] = specimen.patient.mrn;
        return body;
      });
  note_patient_read(api, request, shown, what);
  return answer(document);
}

Result<lab::EnterResult> enter_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::EnterResult command;
  command.accession_number = accession_of(request);
  command.test_code = test_of(request);
  ALIQUOT_ASSIGN_OR_RETURN(command.value, required_string(body, "value"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> unit, optional_string(body, "unit"));
  command.unit = unit.value_or("");
  return command;
}

http::Response enter_result(const ApiContext& api, const http::Request& request) {
  const Result<lab::EnterResult> command = enter_command(request);
  if (!command) return http::error_response(command.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const core::TestResult result,
                                 lab::enter_result(tx, ctx, *command));
        // Why the value waits for a person, as the rules judged it.
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::HoldReason> holds,
                                 tx.holds_for_result(result.id));
        json body = lab::to_json(result);
        body["holds"] = json::array();
        for (const core::HoldReason& hold : holds) body["holds"].push_back(lab::to_json(hold));
        return body;
      }));
}

http::Response release_result(const ApiContext& api, const http::Request& request) {
  if (const Result<json> body = optional_body(request); !body) {
    return http::error_response(body.error());
  }
  const lab::ReleaseResult command{accession_of(request), test_of(request)};
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const core::TestResult result,
                                 lab::release_result(tx, ctx, command));
        return lab::to_json(result);
      }));
}

Result<lab::RequestRerun> rerun_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::RequestRerun command;
  command.accession_number = accession_of(request);
  command.test_code = test_of(request);
  ALIQUOT_ASSIGN_OR_RETURN(command.reason, required_string(body, "reason"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::int64_t> dilution,
                           optional_integer(body, "dilution"));
  if (dilution && (*dilution < 0 || *dilution > std::numeric_limits<int>::max())) {
    return invalid_argument("field 'dilution': " + std::to_string(*dilution) +
                            " is not a dilution: give N from 2 to 10000 for 1:N");
  }
  command.dilution = static_cast<int>(dilution.value_or(0));
  return command;
}

http::Response rerun_result(const ApiContext& api, const http::Request& request) {
  const Result<lab::RequestRerun> command = rerun_command(request);
  if (!command) return http::error_response(command.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const core::HoldReason requested,
                                 lab::request_rerun(tx, ctx, *command));
        return lab::to_json(requested);
      }));
}

http::Response cancel_one_test(const ApiContext& api, const http::Request& request) {
  const Result<json> body = json_body(request);
  if (!body) return http::error_response(body.error());
  const Result<std::string> reason = required_string(*body, "reason");
  if (!reason) return http::error_response(reason.error());
  const lab::CancelTest command{accession_of(request), test_of(request), *reason};
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const lab::CancelledTest cancelled,
                                 lab::cancel_test(tx, ctx, command));
        return lab::to_json(cancelled);
      }));
}

Result<lab::CommentResult> comment_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::CommentResult command;
  command.accession_number = accession_of(request);
  command.test_code = test_of(request);
  ALIQUOT_ASSIGN_OR_RETURN(command.text, required_string(body, "text"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<bool> on_report, optional_bool(body, "on_report"));
  command.on_report = on_report.value_or(false);
  return command;
}

http::Response comment_on_result(const ApiContext& api, const http::Request& request) {
  const Result<lab::CommentResult> command = comment_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::ResultComment comment,
                                                 lab::comment_result(tx, ctx, *command));
                        return lab::to_json(comment);
                      }),
                201);
}

// The call documented with a correction, or a critical call on its own: called_to, called_by?,
// called_at?, read_back_confirmed, notes?.
Result<lab::CallDocumentation> call_of(const json& call) {
  lab::CallDocumentation documented;
  ALIQUOT_ASSIGN_OR_RETURN(documented.called_to, required_string(call, "called_to"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> called_by,
                           optional_string(call, "called_by"));
  documented.called_by = called_by.value_or("");
  ALIQUOT_ASSIGN_OR_RETURN(documented.called_at, optional_instant(call, "called_at"));
  ALIQUOT_ASSIGN_OR_RETURN(documented.read_back_confirmed,
                           required_bool(call, "read_back_confirmed"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> notes, optional_string(call, "notes"));
  documented.notes = notes.value_or("");
  return documented;
}

Result<lab::CorrectResult> correct_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::CorrectResult command;
  command.accession_number = accession_of(request);
  command.test_code = test_of(request);
  ALIQUOT_ASSIGN_OR_RETURN(command.value, required_string(body, "value"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> unit, optional_string(body, "unit"));
  command.unit = unit.value_or("");
  ALIQUOT_ASSIGN_OR_RETURN(command.reason, required_string(body, "reason"));
  const auto call = body.find("critical_call");
  if (call != body.end() && !call->is_null()) {
    if (!call->is_object()) {
      return invalid_argument(
          "field 'critical_call': an object with called_to and "
          "read_back_confirmed");
    }
    Result<lab::CallDocumentation> documented = call_of(*call);
    if (!documented) {
      return invalid_argument("field 'critical_call': " + documented.error().message());
    }
    command.critical_call = std::move(documented).value();
  }
  return command;
}

http::Response correct_result(const ApiContext& api, const http::Request& request) {
  const Result<lab::CorrectResult> command = correct_command(request);
  if (!command) return http::error_response(command.error());
  return answer(
      write(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const core::TestResult result,
                                 lab::correct_result(tx, ctx, *command));
        // The value it replaced, kept as a revision (as `aliquot --json result correct`).
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::ResultRevision> revisions,
                                 tx.revisions_for_result(result.id));
        json body = lab::to_json(result);
        body["previous"] = revisions.empty() ? json(nullptr) : lab::to_json(revisions.back());
        return body;
      }));
}

Result<lab::DocumentCriticalCall> call_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  ALIQUOT_ASSIGN_OR_RETURN(const lab::CallDocumentation call, call_of(body));
  lab::DocumentCriticalCall command;
  command.accession_number = accession_of(request);
  command.test_code = test_of(request);
  command.called_to = call.called_to;
  command.called_by = call.called_by;
  command.called_at = call.called_at;
  command.read_back_confirmed = call.read_back_confirmed;
  command.notes = call.notes;
  return command;
}

http::Response document_call(const ApiContext& api, const http::Request& request) {
  const Result<lab::DocumentCriticalCall> command = call_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::CriticalCall call,
                                                 lab::document_critical_call(tx, ctx, *command));
                        return lab::to_json(call);
                      }),
                201);
}

}  // namespace

ApiRoutes result_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/specimens/{accession}/results/{test}", lab::Action::kViewRecords,
       [api](const http::Request& request) { return show_result(api, request); },
       "show a result with the patient's earlier values and limits"},
      {http::Method::kPost, "/api/specimens/{accession}/results/{test}", lab::Action::kEnterResult,
       [api](const http::Request& request) { return enter_result(api, request); },
       "enter a value on a received specimen (preliminary until released)"},
      {http::Method::kPost, "/api/specimens/{accession}/results/{test}/release",
       lab::Action::kReleaseResult,
       [api](const http::Request& request) { return release_result(api, request); },
       "verify and release a result to clinicians"},
      {http::Method::kPost, "/api/specimens/{accession}/results/{test}/rerun",
       lab::Action::kEnterResult,
       [api](const http::Request& request) { return rerun_result(api, request); },
       "ask for a value to be measured again, neat or diluted, before it is released"},
      {http::Method::kPost, "/api/specimens/{accession}/results/{test}/cancel",
       lab::Action::kCancelOrder,
       [api](const http::Request& request) { return cancel_one_test(api, request); },
       "cancel one test on a specimen that is not released"},
      {http::Method::kPost, "/api/specimens/{accession}/results/{test}/comments",
       lab::Action::kEnterResult,
       [api](const http::Request& request) { return comment_on_result(api, request); },
       "comment on a result: kept in the lab, or for the report before release"},
      {http::Method::kPost, "/api/specimens/{accession}/results/{test}/correct",
       lab::Action::kCorrectResult,
       [api](const http::Request& request) { return correct_result(api, request); },
       "correct a released result; the earlier value is kept and reported"},
      {http::Method::kPost, "/api/specimens/{accession}/results/{test}/critical-call",
       lab::Action::kDocumentCriticalCall,
       [api](const http::Request& request) { return document_call(api, request); },
       "document the phone call of a critical result, with read-back"},
  };
}

}  // namespace aliquot::server::api
