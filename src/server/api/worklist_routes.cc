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
// and patient to name them; the rest is one click away (GET /api/specimens/{accession}). Written
// as text directly: a page holds hundreds of rows and the benches ask for it all day.
void write_row(lab::JsonWriter& out, const store::WorklistRow& row,
               const std::vector<core::HoldReason>* holds, const core::TestDefinition* test) {
  const core::TestResult& result = row.result;
  out.open_object();
  out.key("holds");
  out.open_array();
  if (holds != nullptr) {
    for (const core::HoldReason& hold : *holds) {
      out.element();
      lab::write_json(out, hold);
    }
  }
  out.close_array();
  out.key("order");
  out.open_object();
  out.key("order_number");
  out.string(row.order.order_number);
  out.key("priority");
  out.string(core::to_code(row.order.priority));
  out.close_object();
  out.key("patient");
  out.open_object();
  out.key("birth_date");
  out.string(core::format_date(row.patient.birth_date));
  out.key("family_name");
  out.string(row.patient.family_name);
  out.key("given_name");
  out.string(row.patient.given_name);
  out.key("mrn");
  out.string(row.patient.mrn);
  out.key("sex");
  out.string(core::to_code(row.patient.sex));
  out.close_object();
  out.key("result");
  out.open_object();
  out.key("entered_at");
  out.instant_or_null(result.entered_at);
  out.key("entered_by");
  out.string(result.entered_by);
  out.key("flag");
  out.string(core::to_code(result.flag));
  out.key("id");
  out.integer(result.id);
  out.key("reference_range");
  out.string(result.reference_range);
  out.key("revision");
  out.integer(result.revision);
  out.key("section");
  out.string(result.section);
  out.key("status");
  out.string(core::to_code(result.status));
  out.key("test_code");
  out.string(result.test_code);
  out.key("value");
  if (result.value) {
    lab::write_json(out, *result.value);
  } else {
    out.null();
  }
  out.close_object();
  out.key("specimen");
  out.open_object();
  out.key("accession_number");
  out.string(row.specimen.accession_number);
  out.key("received_at");
  out.instant_or_null(row.specimen.received_at);
  out.key("specimen_type");
  out.string(row.specimen.specimen_type);
  out.key("status");
  out.string(core::to_code(row.specimen.status));
  out.close_object();
  out.key("test_name");
  out.string_or_null(test != nullptr ? &test->name : nullptr);
  out.key("unit");
  out.string_or_null(test != nullptr ? &test->unit : nullptr);
  out.close_object();
}

http::Response worklist(const ApiContext& api, const http::Request& request) {
  const std::string section = query(request, "section");
  const Result<std::int64_t> limit =
      query_count(request, "limit", kWorklistPageDefault, kWorklistPageMost);
  if (!limit) return http::error_response(limit.error());
  const Result<std::optional<std::int64_t>> after = worklist_cursor(request);
  if (!after) return http::error_response(after.error());
  const std::string key = "worklist\x1f" + section + "\x1f" +
                          (*after ? std::to_string(**after) : std::string()) + "\x1f" +
                          std::to_string(*limit);
  return answer_view(
      api, request, key, [&](store::Transaction& tx, const lab::Context& ctx) -> Result<View> {
        ALIQUOT_ASSIGN_OR_RETURN(lab::WorklistPage page,
                                 lab::worklist_page(tx, ctx, section, *after, *limit));
        std::set<std::string> shown;
        lab::JsonWriter out(1024 + 1024 * page.rows.size());
        out.open_object();
        out.key("next");
        if (page.next_after) {
          out.string(std::to_string(*page.next_after));
        } else {
          out.null();
        }
        out.key("rows");
        out.open_array();
        for (const store::WorklistRow& row : page.rows) {
          const auto held = page.holds.find(row.result.id);
          out.element();
          write_row(out, row, held != page.holds.end() ? &held->second : nullptr,
                    ctx.catalog.find_test(row.result.test_code));
          shown.insert(row.patient.mrn);
        }
        out.close_array();
        out.key("section");
        out.string(page.section);
        out.key("total");
        out.integer(page.total);
        out.close_object();
        // Every patient on the page was shown to the reader.
        return View{.text = out.take(),
                    .patients = {shown.begin(), shown.end()},
                    .what = "worklist " +
                            (page.section.empty() ? std::string("all sections") : page.section)};
      });
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
