#include "server/api/label_document.h"

#include "report/barcode.h"

namespace aliquot::server::api {

Result<nlohmann::json> label_document(const lab::SpecimenLabel& label) {
  ALIQUOT_ASSIGN_OR_RETURN(const report::Code128 barcode, report::code128(label.accession_number));
  nlohmann::json document = lab::to_json(label);
  document["barcode"] = report::to_json(barcode);
  return document;
}

}  // namespace aliquot::server::api
