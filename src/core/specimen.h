#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/enums.h"
#include "core/time.h"

namespace aliquot::core {

// One container of patient material, labelled with its accession number.
struct Specimen {
  std::int64_t id = 0;
  std::string accession_number;  // core::AccessionNumber text
  std::int64_t order_id = 0;
  std::string specimen_type;   // catalog specimen type, e.g. "serum", "whole-blood"
  std::string container_type;  // catalog container, e.g. "sst", "k2edta"
  Instant collected_at{};
  std::string collected_by;
  std::optional<Instant> received_at;
  std::string received_by;
  std::string condition;  // as found at receipt, free text ("acceptable" when not said)
  SpecimenStatus status = SpecimenStatus::kCollected;
  std::optional<RejectionReason> rejection_reason;
  std::string rejection_comment;
  std::optional<Instant> rejected_at;
  std::string rejected_by;
};

}  // namespace aliquot::core
