// add_user (lab/use_cases.h).

#include <optional>

#include "lab/use_case_support.h"
#include "lab/use_cases.h"

namespace aliquot::lab {

Result<core::User> add_user(store::Transaction& tx, const Context& ctx, const AddUser& command) {
  ALIQUOT_ASSIGN_OR_RETURN(const core::User actor,
                           authorize(tx, ctx.actor.username, Action::kAddUser));
  const std::string username = trimmed(command.username);
  ALIQUOT_RETURN_IF_ERROR(validate_username(username));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> existing, tx.find_user(username));
  if (existing) return already_exists("user '" + username + "' already exists");

  const core::Instant now = ctx.clock.now();
  core::User user;
  user.username = username;
  user.display_name = trimmed(command.display_name);
  if (user.display_name.empty()) user.display_name = username;
  user.role = command.role;
  user.active = true;
  user.created_at = now;
  ALIQUOT_ASSIGN_OR_RETURN(user, tx.insert_user(user));

  audit::Change change;
  change.action = "user.add";
  change.entity_type = "user";
  change.entity_key = user.username;
  change.after = audit_image(user);
  ALIQUOT_RETURN_IF_ERROR(record_change(tx, actor.username, now, change));
  return user;
}

}  // namespace aliquot::lab
