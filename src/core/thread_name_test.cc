#include "core/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <array>
#include <string>
#include <thread>

namespace aliquot::core {
namespace {

std::string name_of_this_thread() {
  std::array<char, 64> name{};
  EXPECT_EQ(pthread_getname_np(pthread_self(), name.data(), name.size()), 0);
  return name.data();
}

TEST(ThreadNameTest, NamesTheCallingThread) {
  std::string seen;
  std::thread([&seen] {
    name_this_thread("ingest-writer");
    seen = name_of_this_thread();
  }).join();
  EXPECT_EQ(seen, "ingest-writer");
}

TEST(ThreadNameTest, CutsALongNameAtFifteenBytesInsteadOfFailing) {
  std::string seen;
  std::thread([&seen] {
    name_this_thread("interface-host-io-thread");
    seen = name_of_this_thread();
  }).join();
  EXPECT_EQ(seen, "interface-host-");
}

}  // namespace
}  // namespace aliquot::core
