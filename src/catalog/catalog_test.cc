#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aliquot::catalog {
namespace {

// Panels within panels, with a test reached twice (K through BMP and through LYTES).
constexpr std::string_view kSmallMenu = R"toml(
[catalog]
name = "small"
version = "1"

[[section]]
code = "chemistry"
name = "Chemistry"

[[specimen_type]]
code = "serum"
name = "Serum"

[[container]]
code = "sst"
name = "Gold top"
draw_order = 3

[[container]]
code = "Citrate"
name = "Light blue top"
draw_order = 2

[[test]]
code = "NA"
name = "Sodium"
loinc = "2951-2"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mmol/L"
decimals = 0

[[test]]
code = "K"
name = "Potassium"
loinc = "2823-3"
section = "Chemistry"
specimen_type = "SERUM"
container = "SST"
unit = "mmol/L"
decimals = 1

[[test]]
code = "Glu"
name = "Glucose"
loinc = "2345-7"
section = "chemistry"
specimen_type = "serum"
container = "sst"
unit = "mg/dL"
decimals = 0

[[panel]]
code = "LYTES"
name = "Electrolytes"
members = ["na", "K"]

[[panel]]
code = "BMP"
name = "Basic"
members = ["LYTES", "GLU", "k"]
)toml";

Catalog load_small_menu() {
  LoadOutcome outcome = load_catalog(kSmallMenu, "small.toml");
  for (const Diagnostic& d : outcome.diagnostics) ADD_FAILURE() << d.to_string();
  return std::move(outcome.catalog).value();
}

std::vector<std::string> codes_of(const std::vector<const core::TestDefinition*>& tests) {
  std::vector<std::string> codes;
  for (const core::TestDefinition* test : tests) codes.push_back(test->code);
  return codes;
}

TEST(Catalog, KeepsTestsAndPanelsInFileOrder) {
  const Catalog catalog = load_small_menu();
  EXPECT_EQ(catalog.name(), "small");
  EXPECT_EQ(catalog.version(), "1");
  ASSERT_EQ(catalog.tests().size(), 3u);
  EXPECT_EQ(catalog.tests()[0].code, "NA");
  EXPECT_EQ(catalog.tests()[1].code, "K");
  EXPECT_EQ(catalog.tests()[2].code, "Glu");
  EXPECT_EQ(catalog.tests()[1].source_line, 34);
  ASSERT_EQ(catalog.panels().size(), 2u);
  EXPECT_EQ(catalog.panels()[1].code, "BMP");
  EXPECT_EQ(catalog.panels()[1].source_line, 59);
}

TEST(Catalog, StoresReferencesAndMembersAsTheirDefinitionSpellsThem) {
  const Catalog catalog = load_small_menu();
  const core::TestDefinition* potassium = catalog.find_test("K");
  ASSERT_NE(potassium, nullptr);
  EXPECT_EQ(potassium->section, "chemistry");
  EXPECT_EQ(potassium->specimen_type, "serum");
  EXPECT_EQ(potassium->container_type, "sst");
  EXPECT_EQ(catalog.find_panel("BMP")->members, (std::vector<std::string>{"LYTES", "Glu", "K"}));
}

TEST(Catalog, FindsCodesIgnoringLetterCase) {
  const Catalog catalog = load_small_menu();
  ASSERT_NE(catalog.find_test("glu"), nullptr);
  EXPECT_EQ(catalog.find_test("glu")->name, "Glucose");
  EXPECT_EQ(catalog.find_test("GLU"), catalog.find_test("Glu"));
  EXPECT_EQ(catalog.find_test("BMP"), nullptr);  // a panel is not a test
  EXPECT_EQ(catalog.find_panel("bmp")->name, "Basic");
  EXPECT_EQ(catalog.find_panel("K"), nullptr);
  EXPECT_EQ(catalog.find_container("citrate")->draw_order, 2);
  EXPECT_EQ(catalog.find_container("SST")->code, "sst");
  EXPECT_EQ(catalog.find_container("edta"), nullptr);
  EXPECT_EQ(catalog.find_section("CHEMISTRY")->name, "Chemistry");
  EXPECT_EQ(catalog.find_section("hematology"), nullptr);
}

TEST(CatalogExpand, ExpandsPanelsWithinPanelsInFirstSeenOrder) {
  const Catalog catalog = load_small_menu();
  const auto tests = catalog.expand({"BMP"});
  ASSERT_TRUE(tests.has_value()) << tests.error().message();
  EXPECT_EQ(codes_of(*tests), (std::vector<std::string>{"NA", "K", "Glu"}));
}

TEST(CatalogExpand, ListsEachTestOnceWhateverOrderedItTwice) {
  const Catalog catalog = load_small_menu();
  const auto tests = catalog.expand({"glu", "BMP", "K", "lytes", "GLU"});
  ASSERT_TRUE(tests.has_value()) << tests.error().message();
  EXPECT_EQ(codes_of(*tests), (std::vector<std::string>{"Glu", "NA", "K"}));
  for (const core::TestDefinition* test : *tests) {
    EXPECT_EQ(test, catalog.find_test(test->code));  // points into the catalog
  }
}

TEST(CatalogExpand, NamesEveryUnknownCodeOnce) {
  const Catalog catalog = load_small_menu();
  const auto tests = catalog.expand({"K", "XYZ", "BMP", "cbc", "xyz", "TSH"});
  ASSERT_FALSE(tests.has_value());
  EXPECT_EQ(tests.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(tests.error().message(), "unknown test or panel codes 'XYZ', 'cbc', 'TSH'");
}

TEST(CatalogExpand, NamesASingleUnknownCodeInTheSingular) {
  const Catalog catalog = load_small_menu();
  const auto tests = catalog.expand({"KK"});
  ASSERT_FALSE(tests.has_value());
  EXPECT_EQ(tests.error().message(), "unknown test or panel code 'KK'");
}

TEST(CatalogExpand, ExpandsNothingToNothing) {
  const Catalog catalog = load_small_menu();
  const auto tests = catalog.expand({});
  ASSERT_TRUE(tests.has_value());
  EXPECT_TRUE(tests->empty());
}

TEST(Diagnostic, PrintsFileLineColumnAndMessage) {
  EXPECT_EQ((Diagnostic{"menu.toml", 12, 5, "bad"}).to_string(), "menu.toml:12:5: bad");
  EXPECT_EQ((Diagnostic{"menu.toml", 12, 0, "bad"}).to_string(), "menu.toml:12: bad");
  EXPECT_EQ((Diagnostic{"menu.toml", 0, 0, "bad"}).to_string(), "menu.toml: bad");
}

}  // namespace
}  // namespace aliquot::catalog
