#pragma once

// For the tests of what is added to a demo lab after its simulated day (the logins, the people,
// the feeder): the lab made by run_demo and opened as `aliquot demo --serve` opens it.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>

#include "catalog/catalog.h"
#include "lab/lab_setup.h"
#include "simulate/demo.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "support/temp_directory.h"

namespace aliquot::simulate {

class DemoLabTest : public ::testing::Test {
 protected:
  explicit DemoLabTest(std::string_view prefix) : temp_(prefix) {}

  // Call with ASSERT_NO_FATAL_FAILURE: a test without its lab can only mislead.
  void open_demo_lab(int patients, std::uint64_t seed) {
    std::ostringstream discarded;
    ASSERT_TRUE(
        run_demo(DemoOptions{.dir = temp_.path(), .patients = patients, .seed = seed}, discarded)
            .has_value());
    Result<std::unique_ptr<store::Store>> opened =
        store::open_sqlite_store(demo_database_path(temp_.path()));
    ASSERT_TRUE(opened.has_value()) << opened.error().message();
    store_ = std::move(*opened);
    Result<catalog::Catalog> menu = lab::current_catalog(*store_);
    ASSERT_TRUE(menu.has_value()) << menu.error().message();
    catalog_.emplace(std::move(*menu));
  }

  test_support::TempDirectory temp_;
  std::unique_ptr<store::Store> store_;
  std::optional<catalog::Catalog> catalog_;
};

}  // namespace aliquot::simulate
