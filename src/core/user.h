#pragma once

#include <cstdint>
#include <string>

#include "core/enums.h"
#include "core/time.h"

namespace aliquot::core {

// A person who acts in the system. Authentication (passwords, sessions) belongs to the server.
struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kClerk;
  bool active = true;
  Instant created_at{};
};

}  // namespace aliquot::core
