#include "report/barcode.h"

#include <zint.h>

#include <cmath>
#include <memory>
#include <string>

namespace aliquot::report {
namespace {

// ISO/IEC 15417 section 4.3.2: at least 10 modules of quiet zone on either side.
constexpr int kQuietZoneModules = 10;
// Longer data does not fit a tube label at a width scanners still read.
constexpr std::size_t kMostCharacters = 40;

struct SymbolDeleter {
  void operator()(zint_symbol* symbol) const { ZBarcode_Delete(symbol); }
};

}  // namespace

Result<Code128> code128(std::string_view data) {
  if (data.empty()) return invalid_argument("barcode: nothing to encode");
  if (data.size() > kMostCharacters) {
    return invalid_argument("barcode: '" + std::string(data) + "' is longer than " +
                            std::to_string(kMostCharacters) + " characters");
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(data[i]);
    if (c < 0x20 || c > 0x7e) {
      return invalid_argument("barcode: character " + std::to_string(i + 1) + " of '" +
                              std::string(data) + "' is not printable ASCII");
    }
  }
  std::unique_ptr<zint_symbol, SymbolDeleter> symbol(ZBarcode_Create());
  if (!symbol) return Error(ErrorCode::kInternal, "barcode: zint could not allocate a symbol");
  symbol->symbology = BARCODE_CODE128;
  symbol->show_hrt = 0;  // the label prints the accession number large beside the bars
  symbol->whitespace_width = 0;
  symbol->scale = 0.5F;  // vector coordinates are in units of 2 × scale: one unit per module
  const int status =
      ZBarcode_Encode(symbol.get(), reinterpret_cast<const unsigned char*>(data.data()),
                      static_cast<int>(data.size()));
  if (status >= ZINT_ERROR) {
    return invalid_argument("barcode: '" + std::string(data) + "': " + symbol->errtxt);
  }
  if (ZBarcode_Buffer_Vector(symbol.get(), 0) >= ZINT_ERROR || symbol->vector == nullptr) {
    return Error(ErrorCode::kInternal, std::string("barcode: ") + symbol->errtxt);
  }
  Code128 barcode;
  barcode.modules = symbol->width;
  for (const zint_vector_rect* rect = symbol->vector->rectangles; rect != nullptr;
       rect = rect->next) {
    barcode.bars.push_back(Bar{.x = static_cast<int>(std::lround(rect->x)),
                               .width = static_cast<int>(std::lround(rect->width))});
  }
  return barcode;
}

nlohmann::json to_json(const Code128& barcode) {
  nlohmann::json bars = nlohmann::json::array();
  for (const Bar& bar : barcode.bars) bars.push_back({bar.x, bar.width});
  return nlohmann::json{{"symbology", "code128"},
                        {"modules", barcode.modules},
                        {"quiet_zone", kQuietZoneModules},
                        {"bars", std::move(bars)}};
}

}  // namespace aliquot::report
