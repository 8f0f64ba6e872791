#include "audit/chain.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"

namespace aliquot::audit {
namespace {

core::AuditEntry sample_entry() {
  core::AuditEntry entry;
  entry.sequence = 57;
  entry.at = core::from_unix_millis(1794947201000);
  entry.actor = "tech1";
  entry.action = "result.release";
  entry.entity_type = "result";
  entry.entity_key = "260000042H/K";
  entry.patient_mrn = "M1";
  entry.accession_number = "260000042H";
  entry.test_code = "K";
  entry.before = "{\"status\":\"preliminary\"}";
  entry.after = "{\"status\":\"final\"}";
  entry.reason = "";
  entry.previous_hash = std::string(64, 'a');
  return entry;
}

std::string sha256_hex(const std::string& bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return hex.data();
}

TEST(ComputeHash, IsSha256OfTheDocumentedCanonicalForm) {
  // Written out by hand from the description in chain.cc, as an auditor would.
  const std::string form =
      "16:aliquot.audit.v1,2:57,13:1794947201000,5:tech1,14:result.release,6:result,"
      "12:260000042H/K,2:M1,10:260000042H,1:K,24:{\"status\":\"preliminary\"},"
      "18:{\"status\":\"final\"},0:,64:" +
      std::string(64, 'a') + ",";
  EXPECT_EQ(compute_hash(sample_entry()), sha256_hex(form));
}

// The canonical form as documented in chain.cc, built independently of it.
std::string documented_form(const core::AuditEntry& e) {
  std::string form;
  for (const std::string& field : {std::string("aliquot.audit.v1"), std::to_string(e.sequence),
                                   std::to_string(core::to_unix_millis(e.at)), e.actor, e.action,
                                   e.entity_type, e.entity_key, e.patient_mrn, e.accession_number,
                                   e.test_code, e.before, e.after, e.reason, e.previous_hash}) {
    form += std::to_string(field.size()) + ":" + field + ",";
  }
  return form;
}

// SHA-256 pads the last block differently by the length of the input modulo 64, and the
// processor's SHA instructions are used where present: every length over several blocks, and
// some long ones, must give libsodium's digest.
TEST(ComputeHash, IsSha256OfTheCanonicalFormAtEveryLength) {
  core::AuditEntry entry = sample_entry();
  std::uint32_t state = 12345;
  auto next_byte = [&state] {
    state = state * 1103515245u + 12345u;
    return static_cast<char>(state >> 16);
  };
  std::vector<std::size_t> lengths;
  for (std::size_t length = 0; length <= 400; ++length) lengths.push_back(length);
  for (std::size_t length : {1000u, 4095u, 4096u, 4097u, 65536u}) lengths.push_back(length);
  for (std::size_t length : lengths) {
    entry.before.clear();
    for (std::size_t i = 0; i < length; ++i) entry.before += next_byte();
    ASSERT_EQ(compute_hash(entry), sha256_hex(documented_form(entry))) << "length " << length;
  }
}

TEST(ComputeHash, IsLowercaseHexOf64Characters) {
  const std::string hash = compute_hash(sample_entry());
  ASSERT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(ComputeHash, IgnoresTheStoredHash) {
  core::AuditEntry entry = sample_entry();
  const std::string before = compute_hash(entry);
  entry.hash = "anything";
  EXPECT_EQ(compute_hash(entry), before);
}

TEST(ComputeHash, ChangesWhenAnyOtherFieldChanges) {
  const std::string original = compute_hash(sample_entry());
  const std::vector<std::pair<std::string, std::function<void(core::AuditEntry&)>>> changes = {
      {"sequence", [](core::AuditEntry& e) { e.sequence = 58; }},
      {"at", [](core::AuditEntry& e) { e.at += std::chrono::milliseconds(1); }},
      {"actor", [](core::AuditEntry& e) { e.actor = "tech2"; }},
      {"action", [](core::AuditEntry& e) { e.action = "result.correct"; }},
      {"entity_type", [](core::AuditEntry& e) { e.entity_type = "specimen"; }},
      {"entity_key", [](core::AuditEntry& e) { e.entity_key = "260000042H/NA"; }},
      {"patient_mrn", [](core::AuditEntry& e) { e.patient_mrn = "M2"; }},
      {"accession_number", [](core::AuditEntry& e) { e.accession_number = "260000043K"; }},
      {"test_code", [](core::AuditEntry& e) { e.test_code = "NA"; }},
      {"before", [](core::AuditEntry& e) { e.before = ""; }},
      {"after", [](core::AuditEntry& e) { e.after += " "; }},
      {"reason", [](core::AuditEntry& e) { e.reason = "typo"; }},
      {"previous_hash", [](core::AuditEntry& e) { e.previous_hash[0] = 'b'; }},
  };
  for (const auto& [field, change] : changes) {
    core::AuditEntry entry = sample_entry();
    change(entry);
    EXPECT_NE(compute_hash(entry), original) << field;
  }
}

TEST(ComputeHash, MovingTextBetweenFieldsChangesTheHash) {
  // Without length prefixes "ab"+"c" and "a"+"bc" would serialize alike.
  core::AuditEntry first = sample_entry();
  first.actor = "ab";
  first.action = "c";
  core::AuditEntry second = sample_entry();
  second.actor = "a";
  second.action = "bc";
  EXPECT_NE(compute_hash(first), compute_hash(second));
}

class ChainTest : public testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<store::Store>> store = store::open_sqlite_store(":memory:");
    ASSERT_TRUE(store.has_value()) << store.error().message();
    store_ = std::move(store).value();
  }

  std::unique_ptr<store::Transaction> begin(store::TransactionMode mode) {
    return std::move(store_->begin(mode)).value();
  }

  static Change change(const std::string& key) {
    Change c;
    c.action = "patient.register";
    c.entity_type = "patient";
    c.entity_key = key;
    c.patient_mrn = key;
    c.after = "{\"mrn\":\"" + key + "\"}";
    return c;
  }

  std::unique_ptr<store::Store> store_;
};

TEST_F(ChainTest, RecordLinksEachEntryToThePreviousOne) {
  auto tx = begin(store::TransactionMode::kWrite);
  const core::Instant at = core::from_unix_millis(1794947201000);
  core::AuditEntry first = *record(*tx, "clerk1", at, change("M1"));
  core::AuditEntry second = *record(*tx, "clerk2", at + std::chrono::seconds(1), change("M2"));
  EXPECT_EQ(first.sequence, 1);
  EXPECT_EQ(first.previous_hash, "");
  EXPECT_EQ(first.hash, compute_hash(first));
  EXPECT_EQ(first.actor, "clerk1");
  EXPECT_EQ(first.entity_key, "M1");
  EXPECT_EQ(second.sequence, 2);
  EXPECT_EQ(second.previous_hash, first.hash);
  EXPECT_EQ(second.hash, compute_hash(second));
  ASSERT_TRUE(tx->commit());

  auto read = begin(store::TransactionMode::kRead);
  std::vector<core::AuditEntry> stored = *read->audit_entries(1, 10);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[1].hash, second.hash);
  EXPECT_EQ(stored[1].after, "{\"mrn\":\"M2\"}");
}

TEST_F(ChainTest, RecordCopiesEveryFieldOfTheChange) {
  auto tx = begin(store::TransactionMode::kWrite);
  Change c{"result.correct", "result",    "260000042H/K",  "M1", "260000042H", "K",
           "{\"v\":1}",      "{\"v\":2}", "wrong specimen"};
  core::AuditEntry entry = *record(*tx, "techno1", core::from_unix_millis(5), c);
  EXPECT_EQ(entry.action, c.action);
  EXPECT_EQ(entry.entity_type, c.entity_type);
  EXPECT_EQ(entry.entity_key, c.entity_key);
  EXPECT_EQ(entry.patient_mrn, c.patient_mrn);
  EXPECT_EQ(entry.accession_number, c.accession_number);
  EXPECT_EQ(entry.test_code, c.test_code);
  EXPECT_EQ(entry.before, c.before);
  EXPECT_EQ(entry.after, c.after);
  EXPECT_EQ(entry.reason, c.reason);
  EXPECT_EQ(core::to_unix_millis(entry.at), 5);
}

TEST_F(ChainTest, RecordInARolledBackTransactionLeavesNoEntry) {
  {
    auto tx = begin(store::TransactionMode::kWrite);
    ASSERT_TRUE(record(*tx, "clerk1", core::from_unix_millis(0), change("M1")));
  }
  auto tx = begin(store::TransactionMode::kWrite);
  EXPECT_EQ(record(*tx, "clerk1", core::from_unix_millis(0), change("M1"))->sequence, 1);
}

// A group commit undoes a refused message by rolling back its savepoint: the next entry must
// follow the last entry that is still there, not the one that was undone.
TEST_F(ChainTest, RecordAfterASavepointRollbackLinksToTheEntryBeforeIt) {
  auto tx = begin(store::TransactionMode::kWrite);
  const core::Instant at = core::from_unix_millis(1794947201000);
  const core::AuditEntry first = *record(*tx, "clerk1", at, change("M1"));
  ASSERT_TRUE(tx->savepoint("job"));
  ASSERT_TRUE(record(*tx, "clerk1", at, change("M2")));
  ASSERT_TRUE(record(*tx, "clerk1", at, change("M3")));
  ASSERT_TRUE(tx->rollback_to_savepoint("job"));
  ASSERT_TRUE(tx->release_savepoint("job"));
  EXPECT_EQ((*tx->audit_head())->sequence, 1);
  EXPECT_EQ((*tx->last_audit_link())->hash, first.hash);
  const core::AuditEntry next = *record(*tx, "clerk1", at, change("M4"));
  EXPECT_EQ(next.sequence, 2);
  EXPECT_EQ(next.previous_hash, first.hash);
  ASSERT_TRUE(tx->commit());

  auto read = begin(store::TransactionMode::kRead);
  VerifyReport report = *verify(*read);
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.entries_checked, 2);
}

TEST_F(ChainTest, LastLinkIsTheLastEntrysSequenceAndHash) {
  auto tx = begin(store::TransactionMode::kWrite);
  EXPECT_FALSE(tx->last_audit_link()->has_value());
  const core::Instant at = core::from_unix_millis(0);
  ASSERT_TRUE(record(*tx, "clerk1", at, change("M1")));
  const core::AuditEntry second = *record(*tx, "clerk1", at, change("M2"));
  const std::optional<store::AuditHead> link = *tx->last_audit_link();
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->sequence, second.sequence);
  EXPECT_EQ(link->hash, second.hash);
  EXPECT_EQ((*tx->last_audit_entry())->hash, second.hash);
  ASSERT_TRUE(tx->commit());
  auto read = begin(store::TransactionMode::kRead);
  EXPECT_EQ((*read->last_audit_link())->hash, second.hash);
}

TEST_F(ChainTest, EmptyTrailIsIntact) {
  auto tx = begin(store::TransactionMode::kRead);
  VerifyReport report = *verify(*tx);
  EXPECT_TRUE(report.intact);
  EXPECT_EQ(report.entries_checked, 0);
}

TEST_F(ChainTest, RecordedTrailIsIntactAcrossPages) {
  // More than one page of verify() (10,000 entries).
  constexpr int kEntries = 10'050;
  {
    auto tx = begin(store::TransactionMode::kWrite);
    for (int i = 0; i < kEntries; ++i) {
      ASSERT_TRUE(
          record(*tx, "clerk1", core::from_unix_millis(i), change("M" + std::to_string(i))));
    }
    ASSERT_TRUE(tx->commit());
  }
  auto tx = begin(store::TransactionMode::kRead);
  VerifyReport report = *verify(*tx);
  EXPECT_TRUE(report.intact) << report.problem;
  EXPECT_EQ(report.entries_checked, kEntries);
}

TEST_F(ChainTest, RecordRefusedByTheStoreIsReported) {
  auto tx = begin(store::TransactionMode::kRead);
  Result<core::AuditEntry> recorded =
      record(*tx, "clerk1", core::from_unix_millis(0), change("M1"));
  ASSERT_FALSE(recorded.has_value());
  EXPECT_EQ(recorded.error().code(), ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace aliquot::audit
