// The bench's worklists by section and the catalog the browser needs to show them: sections,
// tests and panels (docs/api.md, "Worklists and catalog").

#include <charconv>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "core/enums.h"
#include "core/time.h"
#include "lab/json.h"
#include "lab/worklist_page.h"
#include "server/api/handler_support.h"
#include "server/api/request_values.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using nlohmann::json;

// A page holds 100 rows unless asked otherwise, 500 at most: a bench's list can hold thousands
// of open tests, and the browser shows the first ones and loads more on demand.
constexpr std::int64_t kWorklistPageDefault = 100;
constexpr std::int64_t kWorklistPageMost = 500;

// The `after` cursor: the id of the last result of the previous page, which the answer gives as
// `next`. Clients treat it as opaque.
Result<std::optional<std::int64_t>> worklist_cursor(const http::Request& request) {
  const std::string text = query(request, "after");
  if (text.empty()) return std::optional<std::int64_t>();
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id < 1) {
    return invalid_argument("query parameter 'after': '" + text +
                            "' is not a cursor the worklist gave as 'next'");
  }
  return std::optional<std::int64_t>(id);
}

// What the worklist shows of a row: the result as it stands, and enough of its specimen, order
// and patient to name them; the rest is one click away (GET /api/specimens/{accession}).
json row_json(const store::WorklistRow& row) {
  const core::TestResult& result = row.result;
  return json{
      {"result",
       {{"id", result.id},
        {"test_code", result.test_code},
        {"section", result.section},
        {"status", core::to_code(result.status)},
        {"value", result.value ? lab::to_json(*result.value) : json(nullptr)},
        {"flag", core::to_code(result.flag)},
        {"reference_range", result.reference_range},
        {"entered_at",
         result.entered_at ? json(core::format_instant(*result.entered_at)) : json(nullptr)},
        {"entered_by", result.entered_by},
        {"revision", result.revision}}},
      {"specimen",
       {{"accession_number", row.specimen.accession_number},
        {"specimen_type", row.specimen.specimen_type},
        {"status", core::to_code(row.specimen.status)},
        {"received_at", row.specimen.received_at
                            ? json(core::format_instant(*row.specimen.received_at))
                            : json(nullptr)}}},
      {"order",
       {{"order_number", row.order.order_number}, {"priority", core::to_code(row.order.priority)}}},
      {"patient",
       {{"mrn", row.patient.mrn},
        {"family_name", row.patient.family_name},
        {"given_name", row.patient.given_name},
        {"birth_date", core::format_date(row.patient.birth_date)},
        {"sex", core::to_code(row.patient.sex)}}},
  };
}

http::Response worklist(const ApiContext& api, const http::Request& request) {
  const std::string section = query(request, "section");
  const Result<std::int64_t> limit =
      query_count(request, "limit", kWorklistPageDefault, kWorklistPageMost);
  if (!limit) return http::error_response(limit.error());
  const Result<std::optional<std::int64_t>> after = worklist_cursor(request);
  if (!after) return http::error_response(after.error());
  std::string section_code = section;
  std::set<std::string> shown;
  const Result<json> document =
      read(api, request, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<json> {
        ALIQUOT_ASSIGN_OR_RETURN(lab::WorklistPage page,
                                 lab::worklist_page(tx, ctx, section, *after, *limit));
        section_code = page.section;
        json list = json::array();
        for (const store::WorklistRow& row : page.rows) {
          json item = row_json(row);
          json hold_list = json::array();
          if (const auto held = page.holds.find(row.result.id); held != page.holds.end()) {
            for (const core::HoldReason& hold : held->second)
              hold_list.push_back(lab::to_json(hold));
          }
          item["holds"] = std::move(hold_list);
          const core::TestDefinition* test = ctx.catalog.find_test(row.result.test_code);
          item["test_name"] = test != nullptr ? json(test->name) : json(nullptr);
          item["unit"] = test != nullptr ? json(test->unit) : json(nullptr);
          list.push_back(std::move(item));
          shown.insert(row.patient.mrn);
        }
        return json{
            {"section", page.section},
            {"rows", std::move(list)},
            {"total", page.total},
            {"next", page.next_after ? json(std::to_string(*page.next_after)) : json(nullptr)}};
      });
  // One entry per patient on the page: each of them was shown to the reader.
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
