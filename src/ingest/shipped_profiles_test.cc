// The instrument profiles shipped in interfaces/instruments/ load against the default catalog,
// and map every code of the real instrument captures in ../shared/conformance/astm/ (skipped when
// that folder is absent, as in a user's clone).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "astm/decode.h"
#include "ingest/accounts.h"
#include "ingest/astm_ingest.h"
#include "ingest/instrument_profile.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::ingest {
namespace {

namespace fs = std::filesystem;

std::string source_dir() {
  const char* dir = std::getenv("ALIQUOT_SOURCE_DIR");
  return dir ? dir : ".";
}

catalog::Catalog default_catalog() {
  catalog::LoadOutcome loaded =
      catalog::load_catalog(catalog::default_catalog_text(), catalog::kDefaultCatalogFileName);
  EXPECT_TRUE(loaded.catalog.has_value());
  return std::move(*loaded.catalog);
}

TEST(ShippedProfiles, LoadAgainstTheDefaultCatalog) {
  const catalog::Catalog catalog = default_catalog();
  const Result<InstrumentProfiles> profiles =
      load_instrument_profiles(source_dir() + "/interfaces/instruments", catalog);
  ASSERT_TRUE(profiles.has_value()) << profiles.error().message();
  EXPECT_GE(profiles->all().size(), 4u);
  EXPECT_NE(profiles->find_by_sender(Protocol::kAstm, "XN-550"), nullptr);
}

TEST(ShippedProfiles, MapEveryResultOfTheRealCaptures) {
  const fs::path captures = fs::path(source_dir()) / ".." / "shared" / "conformance" / "astm";
  if (!fs::is_directory(captures)) GTEST_SKIP() << "no " << captures << " (a user's clone)";
  const catalog::Catalog catalog = default_catalog();
  const Result<InstrumentProfiles> loaded =
      load_instrument_profiles(source_dir() + "/interfaces/instruments", catalog);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  const InstrumentProfiles& profiles = *loaded;
  const core::ManualClock clock(core::from_unix_millis(1'795'000'000'000));
  AstmIngest ingest(catalog, profiles, clock);
  std::unique_ptr<store::Store> store = *store::open_sqlite_store(":memory:");
  {
    auto tx = *store->begin(store::TransactionMode::kWrite);
    ASSERT_TRUE(ensure_interface_accounts(*tx, clock, profiles, {}).has_value());
    ASSERT_TRUE(tx->commit().has_value());
  }

  int mapped_captures = 0;
  for (const auto& entry : fs::directory_iterator(captures)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    std::string text = bytes.str();
    text.erase(0, text.find('\n') + 1);  // the first line names the source
    const astm::Decoded decoded = astm::decode_capture(text);
    ASSERT_FALSE(decoded.error) << entry.path() << ": " << decoded.error->message();
    std::vector<std::string> records;
    for (const astm::DecodedRecord& record : decoded.records) records.push_back(record.text);
    const std::unique_ptr<AstmReceived> received = ingest.receive(records, "capture");
    auto tx = *store->begin(store::TransactionMode::kWrite);
    const Result<std::string> applied = ingest.apply(*tx, *received);
    // No specimen of the captures is in this empty lab: applying must fail, but only for that.
    ASSERT_FALSE(applied.has_value()) << entry.path();
    const std::string& why = applied.error().message();
    if (why.find("has no instrument profile") != std::string::npos) continue;  // c111, c311
    ++mapped_captures;
    EXPECT_EQ(why.find("not mapped"), std::string::npos) << entry.path() << ":\n" << why;
    // The captures' sample ids are not this lab's accession numbers.
    EXPECT_NE(why.find("is not an accession number"), std::string::npos) << entry.path() << ":\n"
                                                                         << why;
  }
  EXPECT_GE(mapped_captures, 3);  // Sysmex XN-550, Pentra XLR, Afinion 2
}

}  // namespace
}  // namespace aliquot::ingest
