#pragma once

// What is loaded on a simulated analyzer's rack: the received specimens with tests pending that
// the analyzer performs (those its profile maps), read from the lab's store, or a list of
// accession numbers given by the user. The store also gives each specimen's patient (sex, age at
// collection) so that the values are drawn for that patient.

#include <string>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "ingest/instrument_profile.h"
#include "simulate/analyzer_lane.h"
#include "store/store.h"

namespace aliquot::simulate {

// The received specimens with at least one pending test that `profile` maps, in worklist order
// (STAT first, then oldest receipt). Runs on any transaction (a read transaction suffices).
Result<std::vector<RackSpecimen>> rack_from_store(store::Transaction& tx,
                                                  const ingest::InstrumentProfile& profile,
                                                  const core::Clock& clock);

// The specimens named, in the order given. Each known to the store gets its patient; one the
// store does not know is still loaded (the host will answer that it has no orders for it) and
// measured as an adult of unknown sex. InvalidArgument for an empty accession number.
Result<std::vector<RackSpecimen>> rack_from_accessions(store::Transaction& tx,
                                                       const std::vector<std::string>& accessions,
                                                       const core::Clock& clock);

// The same without a store: every specimen measured as an adult of unknown sex.
std::vector<RackSpecimen> rack_without_store(const std::vector<std::string>& accessions);

}  // namespace aliquot::simulate
