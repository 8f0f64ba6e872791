#pragma once

// The simulator's tests run against the catalog built into the program, loaded once per test
// binary.

#include <cstdlib>
#include <utility>

#include "catalog/catalog.h"

namespace aliquot::simulate {

inline const catalog::Catalog& default_catalog() {
  static const catalog::Catalog catalog = [] {
    catalog::LoadOutcome outcome =
        catalog::load_catalog(catalog::default_catalog_text(), catalog::kDefaultCatalogFileName);
    if (!outcome.catalog) std::abort();
    return std::move(*outcome.catalog);
  }();
  return catalog;
}

}  // namespace aliquot::simulate
