// `aliquot user add|list|password`: the people who act in the lab.

#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "lab/authentication.h"
#include "lab/json.h"
#include "lab/use_cases.h"
#include "report/display.h"
#include "report/text_table.h"

namespace aliquot::cli {
namespace {

struct AddUserOptions {
  std::string username;
  std::string role;
  std::string display_name;
};

constexpr const char* kRoleHelp =
    "role: clerk (register, order, accession, receive), technician (also enter and release "
    "results), technologist, supervisor, pathologist (also correct released results), clinician "
    "(view only), admin (users and catalog, never results)";

Result<void> run_user_add(Session& session, const AddUserOptions& options) {
  Result<core::Role> role = core::parse_role(options.role);
  if (!role) return invalid_argument("--role: " + role.error().message());
  lab::AddUser command;
  command.username = options.username;
  command.display_name = options.display_name.empty() ? options.username : options.display_name;
  command.role = *role;
  core::User added;
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(added, lab::add_user(tx, ctx, command));
        return ok();
      }));
  if (session.json()) {
    session.set_json(lab::to_json(added));
  } else {
    session.out() << "added user " << added.username << " (" << core::to_code(added.role) << ")\n";
  }
  return ok();
}

Result<void> run_user_list(Session& session) {
  std::vector<core::User> users;
  ALIQUOT_RETURN_IF_ERROR(session.read(
      [&](store::Transaction& tx, const lab::Context&) -> Result<void> {
        ALIQUOT_ASSIGN_OR_RETURN(users, tx.list_users());
        return ok();
      },
      std::nullopt));
  if (session.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const core::User& user : users) list.push_back(lab::to_json(user));
    session.set_json(list);
    return ok();
  }
  report::TextTable table({"User", "Name", "Role", "Active", "Since"});
  for (const core::User& user : users) {
    table.add_row({user.username, user.display_name, std::string(core::to_code(user.role)),
                   user.active ? "yes" : "no", report::display_time(user.created_at)});
  }
  session.out() << table.render();
  return ok();
}

// The new password is read from standard input, one line (a final CR LF or LF is not part of
// it), never from the command line, where the process list and the shell history would show it.
Result<void> run_password(Session& session, const std::string& username) {
  std::string password;
  if (!std::getline(std::cin, password) && password.empty()) {
    return invalid_argument("no password on standard input: give the new password as one line");
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  ALIQUOT_RETURN_IF_ERROR(
      session.write([&](store::Transaction& tx, const lab::Context& ctx) -> Result<void> {
        return lab::set_password(tx, ctx, username, password);
      }));
  if (session.json()) {
    session.set_json({{"username", username}, {"password_set", true}});
  } else {
    session.out() << "password set for user " << username << "\n";
  }
  return ok();
}

}  // namespace

void add_user_commands(CLI::App& app, CommandSelection& selection) {
  CLI::App* group = app.add_subcommand("user", "the people who act in the lab");
  group->require_subcommand(1);

  auto add = std::make_shared<AddUserOptions>();
  CLI::App* add_command = group->add_subcommand("add", "add a user (admin only)");
  add_command->add_option("NAME", add->username, "username")->required();
  add_command->add_option("--role", add->role, kRoleHelp)->required();
  add_command->add_option("--display-name", add->display_name, "full name (default: NAME)");
  selection.bind(add_command, [add](Session& session) { return run_user_add(session, *add); });

  CLI::App* list_command = group->add_subcommand("list", "list the lab's users");
  selection.bind(list_command, [](Session& session) { return run_user_list(session); });

  auto password_user = std::make_shared<std::string>();
  CLI::App* password_command = group->add_subcommand(
      "password",
      "set a user's password, read from standard input as one line (as with --password-stdin "
      "elsewhere: never on the command line); admins set anyone's, users their own; at least 12 "
      "characters; ends the user's open sessions");
  password_command->add_option("NAME", *password_user, "username")->required();
  selection.bind(password_command, [password_user](Session& session) {
    return run_password(session, *password_user);
  });
}

}  // namespace aliquot::cli
