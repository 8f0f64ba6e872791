#pragma once

// The accounts interfaces act under. Every change an interface makes is filed under the account
// of the instrument or system that sent it ("if.<instrument id>", or the default "if.hl7" for
// EHRs without a profile), with the interface role: it may file orders and values, never
// verify, call or correct (lab/permissions.h). A server creates the accounts it needs when it
// starts; each creation is audited (action user.add, actor "system").

#include <string>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "ingest/instrument_profile.h"
#include "store/store.h"

namespace aliquot::ingest {

// Adds the accounts of `profiles` and `extra_accounts` that the lab does not have yet; the
// usernames added. FailedPrecondition when a username is taken by a person (a non-interface
// role): interfaces never act under a person's name.
Result<std::vector<std::string>> ensure_interface_accounts(
    store::Transaction& tx, const core::Clock& clock, const InstrumentProfiles& profiles,
    const std::vector<std::string>& extra_accounts);

}  // namespace aliquot::ingest
