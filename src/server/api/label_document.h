#pragma once

// A specimen label as the API gives it, for the browser to draw and print: what the label shows
// (lab/specimen_label.h) and its barcode's bars (report/barcode.h) under "barcode".

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "lab/specimen_label.h"

namespace aliquot::server::api {

Result<nlohmann::json> label_document(const lab::SpecimenLabel& label);

}  // namespace aliquot::server::api
