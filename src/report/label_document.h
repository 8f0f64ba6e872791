#pragma once

// A specimen label as the API and `aliquot specimen label --json` give it, for whatever draws and
// prints it: what the label shows (lab/specimen_label.h) and its barcode's bars
// (report/barcode.h) under "barcode".

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "lab/specimen_label.h"

namespace aliquot::report {

Result<nlohmann::json> label_document(const lab::SpecimenLabel& label);

}  // namespace aliquot::report
