// The write-ahead log is checkpointed beside the writer, not inside its commits, and stays bounded
// under writing that never pauses.

#include "store/sqlite/log_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "store/sqlite/connection.h"
#include "support/eventually.h"
#include "support/temp_directory.h"

namespace aliquot::store::sqlite {
namespace {

class LogCheckpointerTest : public testing::Test {
 protected:
  void SetUp() override {
    writer_ = std::move(Connection::open(path_, Access::kReadWrite, Create::kIfMissing)).value();
    ASSERT_TRUE(writer_->execute_script("CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB)",
                                        "creating the table"));
  }

  // Commits about `pages` pages of new rows (a 4000-byte row fills most of a 4 KiB page).
  void commit_pages(int pages) {
    ASSERT_TRUE(writer_->execute_script("BEGIN", "begin"));
    for (int i = 0; i < pages; ++i) {
      ASSERT_TRUE(writer_->execute_script("INSERT INTO pages (body) VALUES (zeroblob(4000))",
                                          "inserting a row"));
    }
    ASSERT_TRUE(writer_->execute_script("COMMIT", "commit"));
  }

  // Pages in the log and pages of it copied into the database, as a checkpoint that copies
  // nothing reports them.
  std::pair<int, int> log_state() {
    int logged = -1;
    int copied = -1;
    const int rc = sqlite3_wal_checkpoint_v2(writer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             &logged, &copied);
    EXPECT_EQ(rc, SQLITE_OK);
    return {logged, copied};
  }

  test_support::TempDirectory temp_{"aliquot-checkpoint"};
  const std::string path_ = temp_.file("lab.db");
  std::unique_ptr<Connection> writer_;
};

TEST_F(LogCheckpointerTest, ASmallLogIsLeftAlone) {
  LogCheckpointer checkpointer(path_, std::chrono::milliseconds(1000), {100, 1000});
  checkpointer.attach(writer_->handle());
  commit_pages(20);
  commit_pages(20);
  const CheckpointCounts counts = checkpointer.counts();
  EXPECT_EQ(counts.background, 0u);
  EXPECT_EQ(counts.by_writer, 0u);
  sqlite3_wal_hook(writer_->handle(), nullptr, nullptr);
}

TEST_F(LogCheckpointerTest, TheBackgroundCopiesTheLogAndTheWriterDoesNot) {
  LogCheckpointer checkpointer(path_, std::chrono::milliseconds(1000), {100, 100000});
  checkpointer.attach(writer_->handle());
  const auto database_size = [&] { return std::filesystem::file_size(path_); };
  const auto before = database_size();
  commit_pages(150);  // past the background threshold
  ASSERT_TRUE(test_support::eventually([&] { return checkpointer.counts().background >= 1; }));
  EXPECT_EQ(checkpointer.counts().by_writer, 0u);
  EXPECT_EQ(checkpointer.counts().failed, 0u);
  // The rows are now in the database file itself, not only in the log.
  EXPECT_GT(database_size(), before + 100 * 4096);
  const auto [logged, copied] = log_state();
  EXPECT_EQ(copied, logged);
  sqlite3_wal_hook(writer_->handle(), nullptr, nullptr);
}

TEST_F(LogCheckpointerTest, TheWriterCheckpointsItselfAtTheCeilingAndTheLogStartsOver) {
  // A background threshold that is never reached, so that only the writer can checkpoint.
  LogCheckpointer checkpointer(path_, std::chrono::milliseconds(1000), {100000, 300});
  checkpointer.attach(writer_->handle());
  commit_pages(200);
  EXPECT_EQ(checkpointer.counts().by_writer, 0u);
  EXPECT_GE(std::filesystem::file_size(path_ + "-wal"), 200u * 4096);
  commit_pages(150);  // the log passes 300 pages
  EXPECT_EQ(checkpointer.counts().by_writer, 1u);
  EXPECT_EQ(checkpointer.counts().background, 0u);
  commit_pages(10);  // written at the start of the log again
  EXPECT_LT(log_state().first, 50);
  EXPECT_LT(std::filesystem::file_size(path_ + "-wal"), 400u * 4096);
  sqlite3_wal_hook(writer_->handle(), nullptr, nullptr);
}

TEST_F(LogCheckpointerTest, UnopenableDatabaseCountsAFailedCheckpointAndTheWriterGoesOn) {
  LogCheckpointer checkpointer(temp_.file("missing.db"), std::chrono::milliseconds(100),
                               {50, 100000});
  checkpointer.attach(writer_->handle());
  commit_pages(60);
  ASSERT_TRUE(test_support::eventually([&] { return checkpointer.counts().failed >= 1; }));
  commit_pages(5);
  EXPECT_EQ(checkpointer.counts().background, 0u);
  sqlite3_wal_hook(writer_->handle(), nullptr, nullptr);
}

}  // namespace
}  // namespace aliquot::store::sqlite
