#include "server/api/lab_file_body.h"

#include <optional>

#include "server/api/handler_support.h"

namespace aliquot::server::api {

Result<LabFileBody> lab_file_body(const http::Request& request, const std::string& default_name) {
  const std::optional<std::string> content_type = request.header("Content-Type");
  if (content_type && content_type->starts_with("text/plain")) {
    if (request.body.empty()) return invalid_argument("request body: empty, expected TOML text");
    return LabFileBody{request.body, default_name};
  }
  ALIQUOT_ASSIGN_OR_RETURN(const nlohmann::json body, json_body(request));
  ALIQUOT_ASSIGN_OR_RETURN(std::string text, required_string(body, "toml"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> name, optional_string(body, "name"));
  return LabFileBody{std::move(text), name && !name->empty() ? *name : default_name};
}

nlohmann::json diagnostics_json(const std::vector<Error>& diagnostics) {
  nlohmann::json out = nlohmann::json::array();
  for (const Error& diagnostic : diagnostics) {
    const std::optional<SourcePosition>& where = diagnostic.position();
    out.push_back({{"file", where ? nlohmann::json(where->file) : nlohmann::json()},
                   {"line", where ? nlohmann::json(where->line) : nlohmann::json()},
                   {"column", where ? nlohmann::json(where->column) : nlohmann::json()},
                   {"message", diagnostic.message()}});
  }
  return out;
}

http::Response check_answer(nlohmann::json check, const std::string& name,
                            const std::vector<Error>& diagnostics) {
  if (diagnostics.empty())
    return http::json_response(
        200, check.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  const std::size_t count = diagnostics.size();
  std::string message =
      name + " has " + std::to_string(count) + (count == 1 ? " problem:" : " problems:");
  for (const Error& diagnostic : diagnostics) message += "\n  " + diagnostic.to_string();
  check["error"] = message;
  check["code"] = "invalid_argument";
  return http::json_response(400,
                             check.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace aliquot::server::api
