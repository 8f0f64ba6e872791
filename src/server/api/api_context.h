#pragma once

// What every handler of the JSON API needs: the lab's database, the configuration in force and
// the clock. Shared by all handlers on all threads; everything it points to must outlive the
// server.

#include "core/time.h"
#include "lab/lab_configuration.h"
#include "store/store.h"

namespace aliquot::ingest {
class InstrumentProfiles;
}  // namespace aliquot::ingest

namespace aliquot::server::api {

class PatientReadLog;
class EventHub;
class ViewCache;

struct ApiContext {
  store::Store& store;
  // The catalog, rules, QC policy, personnel requirements and CE rules in force
  // (lab/lab_configuration.h): each request takes the snapshot current when it starts, and a
  // load through the API puts the new version in force before it answers.
  lab::ConfigurationInForce& configuration;
  const core::Clock& clock;
  // The instrument profiles the interfaces use (ingest/instrument_profile.h): a quarantined
  // message is replayed as its sender's interface would apply it. Null: none (messages from an
  // EHR still replay; an instrument's are refused again as from an unknown sender).
  const ingest::InstrumentProfiles* instruments = nullptr;
  // Where reads of patient data by a person are recorded (api/patient_read_log.h); nothing is
  // recorded when null (tests of handlers that do not look at it).
  PatientReadLog* read_log = nullptr;
  // Live updates for the browser (api/event_hub.h); GET /api/events answers 503 when null.
  EventHub* events = nullptr;
  // The answers of the busiest views, kept while the lab's records do not change
  // (api/view_cache.h); every view is read from the database when null.
  ViewCache* view_cache = nullptr;
  // The session cookie is Secure (api/session_authentication.h): set behind a TLS-terminating
  // proxy ([http] secure_cookie).
  bool secure_cookie = false;
};

}  // namespace aliquot::server::api
