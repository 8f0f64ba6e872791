#include "server/api/view_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "server/api/api_test_fixture.h"
#include "server/api/patient_read_log.h"
#include "server/api/routes.h"

namespace aliquot::server::api {
namespace {

using lab::must;

std::shared_ptr<const View> view_of(std::string text) {
  return std::make_shared<const View>(
      View{.text = std::move(text), .patients = {"MRN-1"}, .what = "patient"});
}

TEST(ViewCache, GivesAnAnswerAgainOnlyAtTheVersionItWasReadAt) {
  ViewCache cache(1 << 20);
  cache.keep("patient MRN-1", 7, view_of("{\"a\":1}"));
  const std::shared_ptr<const View> kept = cache.find("patient MRN-1", 7);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->text, "{\"a\":1}");
  EXPECT_EQ(kept->patients, std::vector<std::string>{"MRN-1"});
  EXPECT_EQ(cache.find("patient MRN-1", 8), nullptr);  // something changed since
  EXPECT_EQ(cache.find("patient MRN-2", 7), nullptr);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(ViewCache, KeepsTheAnswerOfTheLaterStateWhenAnOlderReadFinishesLast) {
  ViewCache cache(1 << 20);
  cache.keep("worklist", 9, view_of("newer"));
  cache.keep("worklist", 8, view_of("older"));
  EXPECT_EQ(cache.find("worklist", 8), nullptr);
  ASSERT_NE(cache.find("worklist", 9), nullptr);
  EXPECT_EQ(cache.find("worklist", 9)->text, "newer");
  cache.keep("worklist", 10, view_of("newest"));
  EXPECT_EQ(cache.find("worklist", 10)->text, "newest");
}

TEST(ViewCache, DropsTheLeastRecentlyUsedAnswersBeyondItsCapacity) {
  const std::string text(1000, 'x');
  ViewCache cache(3600);  // three answers of about 1.2 KB
  cache.keep("a", 1, view_of(text));
  cache.keep("b", 1, view_of(text));
  cache.keep("c", 1, view_of(text));
  ASSERT_NE(cache.find("a", 1), nullptr);  // a is now the most recently used
  cache.keep("d", 1, view_of(text));       // b goes
  EXPECT_EQ(cache.find("b", 1), nullptr);
  EXPECT_NE(cache.find("a", 1), nullptr);
  EXPECT_NE(cache.find("c", 1), nullptr);
  EXPECT_NE(cache.find("d", 1), nullptr);
  EXPECT_LE(cache.bytes(), cache.capacity());
}

TEST(ViewCache, KeepsNothingWithoutCapacity) {
  ViewCache cache(0);
  cache.keep("a", 1, view_of("{}"));
  EXPECT_EQ(cache.find("a", 1), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

class ViewCacheRoutesTest : public ApiTest {
 protected:
  // Every read logged (no coalescing), to see that an answer from the cache is logged too.
  ViewCacheRoutesTest()
      : read_log_(*store_, std::chrono::milliseconds(200), std::chrono::milliseconds(0)),
        cache_(16 << 20) {
    api().read_log = &read_log_;
    api().view_cache = &cache_;
    use(worklist_routes(api()));
    use(patient_routes(api()));
    use(specimen_routes(api()));
  }

  std::size_t reads_logged() {
    must(read_log_.flush());
    return must(read([](store::Transaction& tx) { return tx.patient_data_reads("", "", 1000); }))
        .size();
  }

  PatientReadLog read_log_;
  ViewCache cache_;
};

TEST_F(ViewCacheRoutesTest, AnswersAgainFromTheCacheUntilTheRecordsChange) {
  const core::Specimen specimen = received_order("MRN-1", {"K", "NA"})[0];
  const std::string worklist = "/api/worklist?section=chemistry";

  const http::Response first = get(worklist, "tech");
  ASSERT_EQ(first.status, 200) << first.body;
  const http::Response again = get(worklist, "tech");
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(cache_.hits(), 1u);
  EXPECT_EQ(reads_logged(), 2u);  // the answer from the cache is a read of MRN-1 as well

  // A change through a use case appends to the audit trail: the next answer is read again.
  enter(specimen.accession_number, "K", "4.4");
  const http::Response changed = get(worklist, "tech");
  ASSERT_EQ(changed.status, 200) << changed.body;
  const nlohmann::json rows = body_of(changed)["rows"];
  bool entered = false;
  for (const nlohmann::json& row : rows) {
    if (row["result"]["test_code"] == "K") entered = row["result"]["value"]["reported"] == "4.4";
  }
  EXPECT_TRUE(entered) << changed.body;
  EXPECT_EQ(cache_.hits(), 1u);

  // The same for the specimen and the patient page.
  const std::string specimen_path = "/api/specimens/" + specimen.accession_number;
  EXPECT_EQ(get(specimen_path, "tech").body, get(specimen_path, "tech").body);
  EXPECT_EQ(get("/api/patients/MRN-1", "tech").body, get("/api/patients/MRN-1", "tech").body);
  EXPECT_EQ(cache_.hits(), 3u);
  release(specimen.accession_number, "K");
  EXPECT_NE(get(specimen_path, "tech").body.find("\"released_by\":\"tech\""), std::string::npos);
}

TEST_F(ViewCacheRoutesTest, ChecksTheUserOnEveryRequest) {
  received_order("MRN-1", {"K"});
  ASSERT_EQ(get("/api/worklist?section=chemistry", "tech").status, 200);
  // The answer is kept, but an inactive user (one of the fixture's users) is still refused.
  const http::Response refused = get("/api/worklist?section=chemistry", "gone");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(cache_.hits(), 0u);
  EXPECT_EQ(reads_logged(), 1u);
}

TEST_F(ViewCacheRoutesTest, KeepsNoErrors) {
  EXPECT_EQ(get("/api/patients/MRN-404", "tech").status, 404);
  EXPECT_EQ(get("/api/patients/MRN-404", "tech").status, 404);
  EXPECT_EQ(cache_.hits(), 0u);
  EXPECT_EQ(cache_.bytes(), 0u);
}

}  // namespace
}  // namespace aliquot::server::api
