#pragma once

// GET /healthz, for load balancers and monitoring: public, and answers 200 {"status":"ok"} only
// when the store can begin a read transaction; 503 {"status":"unavailable", "error", "code"}
// otherwise, so that a node whose database is gone is taken out of service.

#include "core/error.h"
#include "server/http/router.h"
#include "store/store.h"

namespace aliquot::server::http {

// `store` must outlive the router.
Result<void> add_health_route(Router& router, store::Store& store);

}  // namespace aliquot::server::http
