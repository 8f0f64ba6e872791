#pragma once

// The lab's own metrics for GET /metrics (Prometheus text format 0.0.4), beside the HTTP and
// interface counters: what is waiting now (open and held results, outgoing and quarantined
// messages: the lab's queues) read from the database at each scrape, and what has happened
// since the server started (results released, by a person or by autoverification; corrections;
// critical calls) counted from the audit trail by the event hub, whichever door it came through.

#include <string>

#include "core/error.h"
#include "server/api/event_hub.h"
#include "server/api/patient_read_log.h"
#include "server/api/view_cache.h"
#include "store/store.h"

namespace aliquot::server::api {

// The exposition text; `events`, `reads` and `views` may be null (their metrics are then left
// out). A
// database that cannot be read leaves the gauges out and counts the failure in
// aliquot_metrics_errors (a scrape must not fail as a whole).
std::string lab_exposition(store::Store& store, const EventHub* events, const PatientReadLog* reads,
                           const ViewCache* views = nullptr);

}  // namespace aliquot::server::api
