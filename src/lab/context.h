#pragma once

#include <string>

#include "catalog/catalog.h"
#include "core/time.h"
#include "core/user.h"

namespace aliquot::lab {

// What every use case needs besides its transaction: the catalog in force, the clock, and the
// person acting (who is recorded at every step and checked for permission). Only
// `actor.username` is relied on: the use cases read the user from the store and decide by the
// role and active flag stored there.
struct Context {
  const catalog::Catalog& catalog;
  const core::Clock& clock;
  core::User actor;
};

}  // namespace aliquot::lab
