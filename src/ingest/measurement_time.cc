#include "ingest/measurement_time.h"

#include <algorithm>

namespace aliquot::ingest {

void MeasurementTimes::add(core::Instant measured_at) {
  latest_ = latest_ ? std::max(*latest_, measured_at) : measured_at;
}

void MeasurementTimes::merge(const MeasurementTimes& other) {
  if (other.latest_) add(*other.latest_);
  unknown_ = unknown_ || other.unknown_;
}

std::optional<core::Instant> MeasurementTimes::resolve(core::Instant now,
                                                       core::Instant collected_at,
                                                       const std::string& accession_number,
                                                       std::vector<std::string>& notes) const {
  if (unknown_ || !latest_) return std::nullopt;
  const std::string reported = "specimen " + accession_number + ": measurement time " +
                               core::format_instant(*latest_) + " is ";
  if (*latest_ > now) {
    notes.push_back(reported + "in the future (now " + core::format_instant(now) +
                    ": instrument clock ahead?); judged as measured now");
    return std::nullopt;
  }
  if (*latest_ < collected_at) {
    notes.push_back(reported + "before its collection at " + core::format_instant(collected_at) +
                    " (instrument clock wrong?); judged as measured now");
    return std::nullopt;
  }
  return latest_;
}

Result<void> settle_measured_at(store::Transaction& tx, core::Instant now,
                                const MeasurementTimes& times, lab::PostResults& post,
                                std::vector<std::string>& notes) {
  ALIQUOT_ASSIGN_OR_RETURN(const std::optional<core::Specimen> specimen,
                           tx.find_specimen_by_accession(post.accession_number));
  if (!specimen) return ok();
  post.measured_at = times.resolve(now, specimen->collected_at, post.accession_number, notes);
  return ok();
}

}  // namespace aliquot::ingest
