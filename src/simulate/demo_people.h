#pragma once

// The demo lab's people on record: certifications, licences, competency on the simulated
// analyzers, continuing education and an exception, dated from the lab's today so that the staff
// dashboard always has something in each of its windows — a certification lapsed, others lapsing
// within 30, 60 and 90 days, a competency assessment overdue and one due soon. Qualification
// enforcement is left off, as in any new lab: the demo's simulated staff keep releasing.

#include <string_view>

#include "catalog/catalog.h"
#include "core/error.h"
#include "core/time.h"
#include "store/store.h"

namespace aliquot::simulate {

// Records the people of the demo staff that have no record yet (simulate/staff.h and the demo
// logins: their users must exist), as the supervisor `supervisor_username`, in one transaction.
// A person already on record is left as they are, so that serving the same demo lab again
// changes nothing. NotFound when the supervisor is not a user of the lab.
Result<void> enable_demo_people(store::Store& store, const catalog::Catalog& catalog,
                                const core::Clock& clock,
                                std::string_view supervisor_username = "sup.kowalski");

}  // namespace aliquot::simulate
