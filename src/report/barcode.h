#pragma once

// The Code 128 barcode of a specimen label (ISO/IEC 15417), as bars in module units, for
// whatever draws the label: the browser's label preview draws them as an SVG, at any size a
// printer needs. Code 128 because label printers and the handheld and fixed scanners of
// analyzers and benches all read it, and its subset C packs an accession's digits two to a symbol
// (CLSI AUTO02 uses it for specimen tubes). zint encodes it, with the check symbol and the
// shortest mix of subsets.

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace aliquot::report {

struct Bar {
  int x = 0;      // first module of the bar, from the left end of the symbol
  int width = 0;  // in modules, 1 to 4
};

struct Code128 {
  int modules = 0;  // the symbol's width in modules, without quiet zones
  std::vector<Bar> bars;
};

// InvalidArgument naming the problem for data Code 128 cannot carry (empty, too long, or not
// printable ASCII).
Result<Code128> code128(std::string_view data);

// {"symbology": "code128", "modules": N, "quiet_zone": 10, "bars": [[x, width], ...]}: the quiet
// zone is the blank margin, in modules, a scanner needs on each side.
nlohmann::json to_json(const Code128& barcode);

}  // namespace aliquot::report
