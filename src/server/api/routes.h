#pragma once

// The groups of the JSON API's routes (docs/api.md), one file each. all_routes() is the whole
// table that `aliquot serve` registers and the role-by-route test walks.

#include "server/api/api_context.h"
#include "server/api/api_route.h"

namespace aliquot::server::api {

// POST/GET/DELETE /api/session: log in, who am I, log out (session_routes.cc).
ApiRoutes session_routes(const ApiContext& api);
// Patients, their report and cumulative results (patient_routes.cc).
ApiRoutes patient_routes(const ApiContext& api);
// Orders: place, show, accession, cancel (order_routes.cc).
ApiRoutes order_routes(const ApiContext& api);
// Specimens: show, receive, reject, label (specimen_routes.cc).
ApiRoutes specimen_routes(const ApiContext& api);
// Worklists per section and the catalog the bench reads (worklist_routes.cc).
ApiRoutes worklist_routes(const ApiContext& api);
// Results: show with previous values, enter, release, correct, critical calls
// (result_routes.cc).
ApiRoutes result_routes(const ApiContext& api);
// Quality control: materials, targets, sample ids, runs, chart data, holds (qc_routes.cc).
ApiRoutes qc_routes(const ApiContext& api);
// Instrument maintenance and calibration tasks (instrument_routes.cc).
ApiRoutes instrument_routes(const ApiContext& api);
// The lab's people: records, qualification summaries, eligibility, what lapses (people_routes.cc).
ApiRoutes people_routes(const ApiContext& api);
// Users, the audit trail and the log of patient-data reads (admin_routes.cc).
ApiRoutes admin_routes(const ApiContext& api);
// Interfaces: quarantine and outbox (interface_routes.cc).
ApiRoutes interface_routes(const ApiContext& api);
// Turnaround-time dashboard (dashboard_routes.cc).
ApiRoutes dashboard_routes(const ApiContext& api);
// GET /api/events: server-sent events for live worklists (event_routes.cc).
ApiRoutes event_routes(const ApiContext& api);
// The pure engines: calculated tests, Westgard evaluation, the rules in force and the check of a
// rules file (engine_routes.cc).
ApiRoutes engine_routes(const ApiContext& api);
// Lab configuration: the catalog in force; check and load of catalogs, rules and QC policies
// (config_routes.cc).
ApiRoutes config_routes(const ApiContext& api);

ApiRoutes all_routes(const ApiContext& api);

}  // namespace aliquot::server::api
