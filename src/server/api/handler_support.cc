#include "server/api/handler_support.h"

#include <memory>
#include <utility>

#include "server/api/patient_read_log.h"
#include "server/api/request_values.h"
#include "server/http/content_encoding.h"
#include "server/http/router.h"

namespace aliquot::server::api {
namespace {

// The acting user as the store knows them now: the session was checked when the request
// arrived, but the use cases decide by the stored role and active flag.
Result<core::User> actor(store::Transaction& tx, const http::Request& request) {
  if (!request.user) return Error(ErrorCode::kUnauthenticated, "authentication required");
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<core::User> user, tx.find_user(request.user->username));
  if (!user) {
    return Error(ErrorCode::kUnauthenticated,
                 "user '" + request.user->username + "' is not a user of this lab");
  }
  return std::move(*user);
}

// The step sees `configuration` (the one in force when the request started) to its end.
template <typename Document, typename Run>
Result<Document> in_read_transaction(const ApiContext& api,
                                     const lab::LabConfiguration& configuration,
                                     const http::Request& request, const Run& step,
                                     std::optional<lab::Action> permission) {
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           api.store.begin(store::TransactionMode::kRead));
  ALIQUOT_ASSIGN_OR_RETURN(core::User user, actor(*tx, request));
  if (permission) ALIQUOT_RETURN_IF_ERROR(lab::check_permission(user, *permission));
  return step(*tx, configuration.context(api.clock, std::move(user)));
}

// A view's key in the cache names the configuration it was read under: a view read just after
// a load committed, by a request that began before the new version was put in force, is not
// given to the requests that judge by the new one.
std::string cache_key(const std::string& key, const lab::ConfigurationVersions& versions) {
  return key + "@" + std::to_string(versions.catalog) + "." + std::to_string(versions.rules) + "." +
         std::to_string(versions.qc_policy) + "." + std::to_string(versions.personnel) + "." +
         std::to_string(versions.ce_rules);
}

}  // namespace

Result<nlohmann::json> write(const ApiContext& api, const http::Request& request,
                             const Step& step) {
  const std::shared_ptr<const lab::LabConfiguration> configuration = api.configuration.current();
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           api.store.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(core::User user, actor(*tx, request));
  ALIQUOT_ASSIGN_OR_RETURN(nlohmann::json document,
                           step(*tx, configuration->context(api.clock, std::move(user))));
  ALIQUOT_RETURN_IF_ERROR(tx->commit());
  return document;
}

Result<nlohmann::json> read(const ApiContext& api, const http::Request& request, const Step& step,
                            std::optional<lab::Action> permission) {
  return in_read_transaction<nlohmann::json>(api, *api.configuration.current(), request, step,
                                             permission);
}

http::Response answer_view(const ApiContext& api, const http::Request& request,
                           const std::string& key, const ViewStep& step) {
  using Shared = std::shared_ptr<const View>;
  ViewCache* cache =
      api.view_cache != nullptr && api.view_cache->capacity() > 0 ? api.view_cache : nullptr;
  const std::shared_ptr<const lab::LabConfiguration> configuration = api.configuration.current();
  const Result<Shared> view = in_read_transaction<Shared>(
      api, *configuration, request,
      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<Shared> {
        std::int64_t version = 0;
        std::string keyed;
        if (cache != nullptr) {
          ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::AuditHead> head, tx.audit_head());
          version = head ? head->sequence : 0;
          keyed = cache_key(key, configuration->versions);
          if (Shared kept = cache->find(keyed, version)) return kept;
        }
        ALIQUOT_ASSIGN_OR_RETURN(View read, step(tx, ctx));
        if (cache != nullptr && read.text.size() >= http::kGzipMinimumBody) {
          read.gzipped = http::gzip(read.text);
        }
        Shared fresh = std::make_shared<const View>(std::move(read));
        if (cache != nullptr) cache->keep(keyed, version, fresh);
        return fresh;
      },
      lab::Action::kViewRecords);
  if (!view) return http::error_response(view.error());
  for (const std::string& mrn : (*view)->patients) {
    note_patient_read(api, request, mrn, (*view)->what);
  }
  http::Response response = http::json_response(200, (*view)->text);
  http::encode_for(request, response, (*view)->gzipped.empty() ? nullptr : &(*view)->gzipped);
  return response;
}

http::Response answer(const Result<nlohmann::json>& result, int status) {
  if (!result) return http::error_response(result.error());
  if (status == 204) {
    http::Response response;
    response.status = 204;
    return response;
  }
  return http::json_response(
      status, result->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void note_patient_read(const ApiContext& api, const http::Request& request, std::string_view mrn,
                       std::string_view what) {
  if (!api.read_log || !request.user || mrn.empty()) return;
  api.read_log->record(PatientDataRead{.at = api.clock.now(),
                                       .username = request.user->username,
                                       .mrn = std::string(mrn),
                                       .what = std::string(what),
                                       .peer = request.peer});
}

Result<nlohmann::json> json_body(const http::Request& request) {
  if (request.body.empty()) return invalid_argument("request body: empty, a JSON object expected");
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    // Parsed again with exceptions only to learn where it broke; bodies are small.
    try {
      const nlohmann::json unused = nlohmann::json::parse(request.body);
    } catch (const nlohmann::json::parse_error& error) {
      return invalid_argument("request body: not JSON: syntax error at byte " +
                              std::to_string(error.byte));
    }
    return invalid_argument("request body: not JSON");
  }
  if (!body.is_object()) return invalid_argument("request body: a JSON object expected");
  return body;
}

Result<std::string> required_string(const nlohmann::json& body, std::string_view name) {
  const auto found = body.find(name);
  if (found == body.end() || !found->is_string()) return field_error(name, "required, a string");
  return found->get<std::string>();
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& body,
                                                   std::string_view name) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::optional<std::string>();
  if (!found->is_string()) return field_error(name, "a string");
  return std::optional<std::string>(found->get<std::string>());
}

Result<std::optional<bool>> optional_bool(const nlohmann::json& body, std::string_view name) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::optional<bool>();
  if (!found->is_boolean()) return field_error(name, "true or false");
  return std::optional<bool>(found->get<bool>());
}

Result<std::optional<std::int64_t>> optional_integer(const nlohmann::json& body,
                                                     std::string_view name) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::optional<std::int64_t>();
  if (!found->is_number_integer()) return field_error(name, "an integer");
  return std::optional<std::int64_t>(found->get<std::int64_t>());
}

Result<std::vector<std::string>> string_array(const nlohmann::json& body, std::string_view name) {
  const auto found = body.find(name);
  if (found == body.end() || !found->is_array()) {
    return field_error(name, "required, an array of strings");
  }
  std::vector<std::string> values;
  for (const nlohmann::json& item : *found) {
    if (!item.is_string()) return field_error(name, "required, an array of strings");
    values.push_back(item.get<std::string>());
  }
  return values;
}

Result<std::optional<core::Instant>> optional_instant(const nlohmann::json& body,
                                                      std::string_view name) {
  ALIQUOT_ASSIGN_OR_RETURN(std::optional<std::string> text, optional_string(body, name));
  if (!text) return std::optional<core::Instant>();
  Result<core::Instant> instant = core::parse_instant(*text);
  if (!instant) return field_error(name, instant.error().message());
  return std::optional<core::Instant>(*instant);
}

std::string query(const http::Request& request, std::string_view name) {
  const auto found = request.query.find(std::string(name));
  return found == request.query.end() ? std::string() : found->second;
}

}  // namespace aliquot::server::api
