// The bench's worklists by section and the catalog the browser needs to show them: sections,
// tests and panels (docs/api.md, "Worklists and catalog").

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "core/enums.h"
#include "lab/json.h"
#include "lab/queries.h"
#include "server/api/handler_support.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

http::Response worklist(const ApiContext& api, const http::Request& request) {
  const std::string section = query(request, "section");
  std::string section_code = section;
  std::set<std::string> shown;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(const std::vector<store::WorklistRow> rows,
                                 lab::section_worklist(tx, ctx, section));
        if (const catalog::Section* known = ctx.catalog.find_section(section)) {
          section_code = known->code;
        }
        json list = json::array();
        for (const store::WorklistRow& row : rows) {
          json item = lab::to_json(row);
          ALIQUOT_ASSIGN_OR_RETURN(const std::vector<core::HoldReason> holds,
                                   tx.holds_for_result(row.result.id));
          json hold_list = json::array();
          for (const core::HoldReason& hold : holds) hold_list.push_back(lab::to_json(hold));
          item["holds"] = std::move(hold_list);
          const core::TestDefinition* test = ctx.catalog.find_test(row.result.test_code);
          item["test_name"] = test != nullptr ? json(test->name) : json(nullptr);
          item["unit"] = test != nullptr ? json(test->unit) : json(nullptr);
          list.push_back(std::move(item));
          shown.insert(row.patient.mrn);
        }
        return json{{"section", section_code}, {"rows", std::move(list)}};
      });
  // One entry per patient on the list: each of them was shown to the reader.
  const std::string what =
      "worklist " + (section_code.empty() ? std::string("all sections") : section_code);
  for (const std::string& mrn : shown) note_patient_read(api, request, mrn, what);
  return answer(document);
}

// The catalog is not patient data, but only the lab's users look at it: the read checks that
// the user is one, as the command line's `catalog list` does.
Result<json> catalog_read(const ApiContext& api, const http::Request& request,
                          const std::function<json(const catalog::Catalog&)>& describe) {
  return read(
      api, request,
      [&](store::Transaction&, const lab::Context& ctx) -> Result<json> {
        return describe(ctx.catalog);
      },
      std::nullopt);
}

json sections_of(const catalog::Catalog& menu) {
  json sections = json::array();
  for (const catalog::Section& section : menu.sections()) {
    sections.push_back(json{{"code", section.code}, {"name", section.name}});
  }
  return json{{"sections", std::move(sections)}};
}

json tests_of(const catalog::Catalog& menu) {
  json tests = json::array();
  for (const core::TestDefinition& test : menu.tests()) {
    tests.push_back(json{{"code", test.code},
                         {"name", test.name},
                         {"unit", test.unit},
                         {"section", test.section},
                         {"specimen_type", test.specimen_type},
                         {"container", test.container_type},
                         {"loinc", test.loinc},
                         {"kind", core::to_code(test.kind)},
                         {"answers", test.answers},
                         {"calculated", test.calculated.has_value()},
                         {"decimals", test.decimals}});
  }
  json panels = json::array();
  for (const core::PanelDefinition& panel : menu.panels()) {
    // The tests the panel orders, nested panels resolved.
    std::vector<std::string> codes;
    const Result<std::vector<const core::TestDefinition*>> expanded = menu.expand({panel.code});
    if (expanded) {
      for (const core::TestDefinition* test : *expanded) codes.push_back(test->code);
    } else {
      codes = panel.members;
    }
    panels.push_back(json{{"code", panel.code}, {"name", panel.name}, {"tests", codes}});
  }
  return json{{"tests", std::move(tests)}, {"panels", std::move(panels)}};
}

}  // namespace

ApiRoutes worklist_routes(const ApiContext& api) {
  // Each handler keeps its own copy of the context (see patient_routes).
  return {
      {http::Method::kGet, "/api/worklist", lab::Action::kViewRecords,
       [api](const http::Request& request) { return worklist(api, request); },
       "pending and preliminary tests on received specimens of a section, STAT first"},
      {http::Method::kGet, "/api/catalog/sections", std::nullopt,
       [api](const http::Request& request) {
         return answer(catalog_read(api, request, sections_of));
       },
       "the catalog's sections"},
      {http::Method::kGet, "/api/catalog/tests", std::nullopt,
       [api](const http::Request& request) { return answer(catalog_read(api, request, tests_of)); },
       "the catalog's tests and panels"},
  };
}

}  // namespace aliquot::server::api
