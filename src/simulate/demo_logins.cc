#include "simulate/demo_logins.h"

#include <array>
#include <memory>
#include <optional>
#include <string>

#include "lab/authentication.h"
#include "lab/context.h"
#include "lab/use_cases.h"

namespace aliquot::simulate {
namespace {

// Passwords of lab::kMinimumPasswordLength characters or more, easy to type from the console.
constexpr std::array kLogins = {
    DemoLogin{"clerk.mendes", "Lucia Mendes", core::Role::kClerk, "demo-clerk-pass"},
    DemoLogin{"tech.nguyen", "Linh Nguyen", core::Role::kTechnician, "demo-technician-pass"},
    DemoLogin{"mls.patel", "Anjali Patel", core::Role::kTechnologist, "demo-technologist-pass"},
    DemoLogin{"sup.kowalski", "Marta Kowalski", core::Role::kSupervisor, "demo-supervisor-pass"},
    DemoLogin{"dr.haddad", "Dr. Samir Haddad", core::Role::kPathologist, "demo-pathologist-pass"},
    DemoLogin{"admin", "Administrator", core::Role::kAdmin, "demo-admin-pass"},
};

}  // namespace

std::span<const DemoLogin> demo_logins() { return kLogins; }

Result<void> enable_demo_logins(store::Store& store, const catalog::Catalog& catalog,
                                const core::Clock& clock, std::string_view admin_username) {
  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx,
                           store.begin(store::TransactionMode::kWrite));
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> admin, tx->find_user(admin_username));
  if (!admin) {
    return not_found("the demo lab has no admin '" + std::string(admin_username) +
                     "' to set the demo passwords");
  }
  const lab::Context ctx{.catalog = catalog, .clock = clock, .actor = *admin};
  for (const DemoLogin& login : kLogins) {
    ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::User> user, tx->find_user(login.username));
    if (!user) {
      ALIQUOT_RETURN_IF_ERROR(
          lab::add_user(*tx, ctx,
                        lab::AddUser{.username = std::string(login.username),
                                     .display_name = std::string(login.display_name),
                                     .role = login.role}));
    } else if (user->role != login.role) {
      return failed_precondition("demo login " + std::string(login.username) + " is a " +
                                 std::string(core::to_code(user->role)) + " in this lab, not a " +
                                 std::string(core::to_code(login.role)));
    }
    ALIQUOT_RETURN_IF_ERROR(lab::set_password(*tx, ctx, login.username, login.password));
  }
  return tx->commit();
}

}  // namespace aliquot::simulate
