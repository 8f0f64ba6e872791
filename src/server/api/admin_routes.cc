// Administration: the lab's users and their passwords, the audit trail and its verification, and
// the log of who read which patient's data (docs/api.md, "Administration").

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "audit/chain.h"
#include "core/enums.h"
#include "core/time.h"
#include "lab/authentication.h"
#include "lab/json.h"
#include "lab/use_cases.h"
#include "server/api/handler_support.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

// How many audit entries or reads a list shows when the request does not say, and at most: a
// page a browser shows at once, never the whole trail of a lab's years.
constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaximumLimit = 1000;

Result<std::int64_t> limit_of(const http::Request& request) {
  const std::string text = query(request, "limit");
  if (text.empty()) return kDefaultLimit;
  std::int64_t value = 0;
  const char* const end = text.data() + text.size();
  const std::from_chars_result parsed = std::from_chars(text.data(), end, value);
  if (parsed.ec != std::errc() || parsed.ptr != end || value < 1 || value > kMaximumLimit) {
    return invalid_argument("query 'limit': '" + text + "' is not a whole number from 1 to " +
                            std::to_string(kMaximumLimit));
  }
  return value;
}

// --- users ----------------------------------------------------------------------------------

http::Response list_users(const ApiContext& api, const http::Request& request) {
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::User> users, tx.list_users());
        json list = json::array();
        for (const core::User& user : users) list.push_back(lab::to_json(user));
        return json{{"users", std::move(list)}};
      },
      lab::Action::kAddUser));
}

Result<lab::AddUser> add_user_command(const http::Request& request) {
  ALIQUOT_ASSIGN_OR_RETURN(const json body, json_body(request));
  lab::AddUser command;
  ALIQUOT_ASSIGN_OR_RETURN(command.username, required_string(body, "username"));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<std::string> display_name,
                           optional_string(body, "display_name"));
  // As `aliquot user add`: the user name stands in for a display name not given.
  command.display_name = display_name.value_or(command.username);
  ALIQUOT_ASSIGN_OR_RETURN(const std::string role_code, required_string(body, "role"));
  const Result<core::Role> role = core::parse_role(role_code);
  if (!role) return invalid_argument("field 'role': " + role.error().message());
  command.role = *role;
  return command;
}

http::Response add_user(const ApiContext& api, const http::Request& request) {
  const Result<lab::AddUser> command = add_user_command(request);
  if (!command) return http::error_response(command.error());
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_ASSIGN_OR_RETURN(const core::User user,
                                                 lab::add_user(tx, ctx, *command));
                        return lab::to_json(user);
                      }),
                201);
}

http::Response set_password(const ApiContext& api, const http::Request& request) {
  const std::string& username = request.path_params.at("username");
  const Result<json> body = json_body(request);
  if (!body) return http::error_response(body.error());
  const Result<std::string> password = required_string(*body, "password");
  if (!password) return http::error_response(password.error());
  // The use case decides who may: admins anyone's password, every user their own.
  return answer(write(api, request,
                      [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
                        ALIQUOT_RETURN_IF_ERROR(lab::set_password(tx, ctx, username, *password));
                        return json();
                      }),
                204);
}

// --- audit trail ----------------------------------------------------------------------------

// The last `limit` entries that `filter` selects, in sequence order.
Result<std::vector<core::AuditEntry>> last_entries(store::Transaction& tx,
                                                   const store::AuditFilter& filter,
                                                   std::int64_t limit) {
  const bool everything =
      filter.patient_mrn.empty() && filter.accession_number.empty() && filter.entity_type.empty();
  if (everything) {
    // Without a subject, the tail of the trail is read directly rather than the whole of it.
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::AuditHead> head, tx.audit_head());
    if (!head) return std::vector<core::AuditEntry>();
    return tx.audit_entries(std::max<std::int64_t>(1, head->sequence - limit + 1), limit);
  }
  ALIQUOT_ASSIGN_OR_RETURN(std::vector<core::AuditEntry> entries, tx.find_audit_entries(filter));
  if (static_cast<std::int64_t>(entries.size()) > limit) {
    entries.erase(entries.begin(), entries.end() - limit);
  }
  return entries;
}

http::Response list_audit(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> limit = limit_of(request);
  if (!limit) return http::error_response(limit.error());
  store::AuditFilter filter;
  filter.entity_type = query(request, "entity");
  filter.patient_mrn = query(request, "mrn");
  filter.accession_number = query(request, "accession");
  std::set<std::string> shown;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::AuditEntry> entries,
                                 last_entries(tx, filter, *limit));
        json list = json::array();
        for (const core::AuditEntry& entry : entries) {
          list.push_back(lab::to_json(entry));
          shown.insert(entry.patient_mrn);
        }
        return json{{"entries", std::move(list)}};
      });
  // The images of patients, orders and results are patient data.
  for (const std::string& mrn : shown) note_patient_read(api, request, mrn, "audit trail");
  return answer(document);
}

http::Response verify_audit(const ApiContext& api, const http::Request& request) {
  return answer(
      read(api, request, [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const audit::VerifyReport report, audit::verify(tx));
        ALIQUOT_ASSIGN_OR_RETURN(const std::optional<store::AuditHead> head, tx.audit_head());
        // A broken chain is a finding, answered 200 with ok false: the request itself succeeded.
        return json{{"ok", report.intact},
                    {"entries", report.entries_checked},
                    {"head", head ? json{{"sequence", head->sequence}, {"hash", head->hash}}
                                  : json(nullptr)},
                    {"first_bad_sequence",
                     report.first_bad_sequence ? json(*report.first_bad_sequence) : json(nullptr)},
                    {"problem", report.problem}};
      }));
}

// --- reads of patient data ------------------------------------------------------------------

http::Response list_patient_reads(const ApiContext& api, const http::Request& request) {
  const Result<std::int64_t> limit = limit_of(request);
  if (!limit) return http::error_response(limit.error());
  const std::string mrn = query(request, "mrn");
  const std::string username = query(request, "user");
  return answer(read(
      api, request,
      [&](store::Transaction& tx, const lab::Context&) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::PatientDataRead> reads,
                                 tx.patient_data_reads(mrn, username, *limit));
        json list = json::array();
        for (const core::PatientDataRead& entry : reads) {
          list.push_back(lab::to_json(entry));
        }
        return json{{"reads", std::move(list)}};
      },
      lab::Action::kAddUser));
}

}  // namespace

ApiRoutes admin_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/users", lab::Action::kAddUser,
       [api](const http::Request& request) { return list_users(api, request); },
       "list the lab's users"},
      {http::Method::kPost, "/api/users", lab::Action::kAddUser,
       [api](const http::Request& request) { return add_user(api, request); }, "add a user"},
      {http::Method::kPut, "/api/users/{username}/password", std::nullopt,
       [api](const http::Request& request) { return set_password(api, request); },
       "set a password: admins anyone's, every user their own; ends the user's sessions"},
      {http::Method::kGet, "/api/audit", lab::Action::kViewRecords,
       [api](const http::Request& request) { return list_audit(api, request); },
       "the last entries of the audit trail, or those about a patient, specimen or entity type"},
      {http::Method::kGet, "/api/audit/verify", lab::Action::kViewRecords,
       [api](const http::Request& request) { return verify_audit(api, request); },
       "check the hash chain of the whole audit trail"},
      {http::Method::kGet, "/api/patient-reads", lab::Action::kAddUser,
       [api](const http::Request& request) { return list_patient_reads(api, request); },
       "who read which patient's data, newest first"},
  };
}

}  // namespace aliquot::server::api
