#include "server/api/routes.h"

namespace aliquot::server::api {

ApiRoutes all_routes(const ApiContext& api) {
  ApiRoutes all;
  for (ApiRoutes group :
       {session_routes(api), patient_routes(api), order_routes(api), specimen_routes(api),
        worklist_routes(api), result_routes(api), qc_routes(api), instrument_routes(api),
        people_routes(api), admin_routes(api), interface_routes(api), dashboard_routes(api),
        event_routes(api), engine_routes(api), config_routes(api)}) {
    for (ApiRoute& route : group) all.push_back(std::move(route));
  }
  return all;
}

}  // namespace aliquot::server::api
