#include "report/label_document.h"

#include "report/barcode.h"

namespace aliquot::report {

Result<nlohmann::json> label_document(const lab::SpecimenLabel& label) {
  ALIQUOT_ASSIGN_OR_RETURN(const Code128 barcode, code128(label.accession_number));
  nlohmann::json document = lab::to_json(label);
  document["barcode"] = to_json(barcode);
  return document;
}

}  // namespace aliquot::report
