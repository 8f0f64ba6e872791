#pragma once

// The accounts a person signs in with to look around the demo lab in a browser: one per role
// that works in the lab, with fixed passwords printed by `aliquot demo --serve`. The demo lab is
// a throwaway database under var/; these passwords must never protect a real lab.

#include <span>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/enums.h"
#include "core/error.h"
#include "core/time.h"
#include "store/store.h"

namespace aliquot::simulate {

struct DemoLogin {
  std::string_view username;
  std::string_view display_name;
  core::Role role;
  std::string_view password;
};

// Clerk, technician, technologist, supervisor, pathologist and admin, in that order. The clerk,
// technician and technologist are of the simulated day's staff (simulate/staff.h); the day has
// no supervisor nor pathologist, so enable_demo_logins adds them.
std::span<const DemoLogin> demo_logins();

// Adds the demo logins that are not users of the lab yet and sets every one's password, as the
// lab's admin `admin_username`, in one transaction. NotFound when the admin is not a user of the
// lab; any refusal of lab::add_user or lab::set_password.
Result<void> enable_demo_logins(store::Store& store, const catalog::Catalog& catalog,
                                const core::Clock& clock,
                                std::string_view admin_username = "admin");

}  // namespace aliquot::simulate
