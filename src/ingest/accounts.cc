#include "ingest/accounts.h"

#include "audit/chain.h"
#include "lab/use_case_support.h"

namespace aliquot::ingest {

Result<std::vector<std::string>> ensure_interface_accounts(
    store::Transaction& tx, const core::Clock& clock, const InstrumentProfiles& profiles,
    const std::vector<std::string>& extra_accounts) {
  std::vector<std::pair<std::string, std::string>> wanted;  // username, display name
  for (const InstrumentProfile& profile : profiles.all()) {
    wanted.emplace_back(profile.account(), profile.name + " (interface)");
  }
  for (const std::string& account : extra_accounts) {
    wanted.emplace_back(account, account + " (interface)");
  }
  std::vector<std::string> added;
  const core::Instant now = clock.now();
  for (const auto& [username, display_name] : wanted) {
    ALIQUOT_RETURN_IF_ERROR(lab::validate_username(username));
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> existing, tx.find_user(username));
    if (existing) {
      if (existing->role != core::Role::kInterface) {
        return failed_precondition("user '" + username + "' exists with role " +
                                   std::string(core::to_code(existing->role)) +
                                   "; an interface cannot act under a person's account");
      }
      continue;
    }
    core::User user;
    user.username = username;
    user.display_name = display_name;
    user.role = core::Role::kInterface;
    user.created_at = now;
    ALIQUOT_ASSIGN_OR_RETURN(user, tx.insert_user(user));
    audit::Change change;
    change.action = "user.add";
    change.entity_type = "user";
    change.entity_key = user.username;
    change.after = lab::audit_image(user);
    change.reason = "interface account";
    Result<core::AuditEntry> recorded = audit::record(tx, "system", now, change);
    if (!recorded.has_value()) return recorded.error();
    added.push_back(username);
  }
  return added;
}

}  // namespace aliquot::ingest
