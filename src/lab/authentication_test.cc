#include "lab/authentication.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "lab/lab_test_fixture.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_directory.h"

namespace aliquot::lab {
namespace {

constexpr const char* kTechPassword = "correct horse battery";

class AuthenticationTest : public LabTest {
 protected:
  void SetUp() override { must(set("admin", "tech", kTechPassword)); }

  Result<void> set(const std::string& actor, const std::string& username,
                   const std::string& password) {
    return write(
        [&](store::Transaction& tx) { return set_password(tx, as(actor), username, password); });
  }

  // log_in and authenticate write what a refusal found: their transaction is committed whatever
  // the outcome, as lab/authentication.h asks of callers.
  template <typename Fn>
  auto always_commit(Fn&& fn) {
    std::unique_ptr<store::Transaction> tx = must(store_->begin(store::TransactionMode::kWrite));
    auto result = fn(*tx);
    must(tx->commit());
    return result;
  }
  Result<LoginGrant> login(const std::string& username, const std::string& password) {
    return always_commit([&](store::Transaction& tx) {
      return log_in(tx, clock_, username, password, "192.0.2.7");
    });
  }
  Result<Authenticated> check(const std::string& token) {
    return always_commit([&](store::Transaction& tx) { return authenticate(tx, clock_, token); });
  }
  std::optional<core::UserSession> session_of(const std::string& token) {
    return must(
        read([&](store::Transaction& tx) { return tx.find_session(session_id_of(token)); }));
  }
  std::optional<core::Credentials> credentials_of(const std::string& username) {
    return must(read([&](store::Transaction& tx) { return tx.get_credentials(username); }));
  }
  static void expect_refused(const Result<LoginGrant>& result) {
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kUnauthenticated);
    EXPECT_EQ(result.error().message(), "user name or password is wrong");
  }
};

// --- set_password --------------------------------------------------------------------------

TEST_F(AuthenticationTest, StoresAnArgon2idHashThatVerifiesTheSamePasswordOnly) {
  const core::Credentials credentials = *credentials_of("tech");
  EXPECT_EQ(credentials.password_hash.rfind("$argon2id$", 0), 0u) << credentials.password_hash;
  EXPECT_EQ(credentials.password_hash.find(kTechPassword), std::string::npos);
  EXPECT_EQ(credentials.password_set_at, clock_.now());
  EXPECT_TRUE(login("tech", kTechPassword).has_value());
  expect_refused(login("tech", "correct horse battery!"));
}

TEST_F(AuthenticationTest, HashesTheSamePasswordWithADifferentSaltEachTime) {
  const std::string first = credentials_of("tech")->password_hash;
  must(set("admin", "tech", kTechPassword));
  EXPECT_NE(credentials_of("tech")->password_hash, first);
}

TEST_F(AuthenticationTest, RefusesAShortPasswordWithoutRepeatingIt) {
  const Result<void> refused = set("admin", "mls", "elevenchars");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(),
            "the password is too short: 11 characters, at least 12 are needed");
  EXPECT_FALSE(credentials_of("mls").has_value());
  // Counted in characters, not bytes: 12 two-byte letters are enough.
  EXPECT_TRUE(set("admin", "mls", "ééééééééééé\xc3\xa9").has_value());
}

TEST_F(AuthenticationTest, RefusesThePasswordEqualToTheUserName) {
  must(write([&](store::Transaction& tx) {
    AddUser command;
    command.username = "technologist";
    command.role = core::Role::kTechnologist;
    return add_user(tx, as("admin"), command);
  }));
  const Result<void> refused = set("admin", "technologist", "Technologist");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "the password may not be the user name");
}

TEST_F(AuthenticationTest, AUserSetsTheirOwnPasswordButNotAnothers) {
  EXPECT_TRUE(set("mls", "mls", "my own long password").has_value());
  const Result<void> refused = set("mls", "tech", "someone else's password");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(refused.error().message(),
            "user 'mls' (technologist) may set only their own password, not that of 'tech'");
  const Result<void> unknown = set("admin", "nobody", "a long enough password");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message(), "user 'nobody' does not exist");
}

TEST_F(AuthenticationTest, SettingAPasswordIsAuditedWithoutPasswordOrHash) {
  const std::size_t before = audit_size();
  must(set("admin", "mls", "a secret long password"));
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "user.password_set");
  EXPECT_EQ(added[0].actor, "admin");
  EXPECT_EQ(added[0].entity_key, "mls");
  const std::string hash = credentials_of("mls")->password_hash;
  for (const std::string& text : {added[0].before, added[0].after, added[0].reason}) {
    EXPECT_EQ(text.find("a secret long password"), std::string::npos) << text;
    EXPECT_EQ(text.find(hash), std::string::npos) << text;
    EXPECT_EQ(text.find("argon2"), std::string::npos) << text;
  }
}

TEST_F(AuthenticationTest, ANewPasswordEndsTheUsersSessions) {
  const LoginGrant grant = must(login("tech", kTechPassword));
  must(set("admin", "tech", "a brand new password"));
  const Result<Authenticated> refused = check(grant.token);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(session_of(grant.token)->end_reason, "password");
}

// --- log_in --------------------------------------------------------------------------------

TEST_F(AuthenticationTest, LogInOpensASessionThatAuthenticates) {
  const LoginGrant grant = must(login("tech", kTechPassword));
  EXPECT_EQ(grant.user.username, "tech");
  EXPECT_EQ(grant.token.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_EQ(grant.token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(grant.csrf_token.size(), 43u);
  EXPECT_NE(grant.csrf_token, grant.token);
  EXPECT_EQ(grant.idle_expires_at, clock_.now() + std::chrono::minutes(30));
  EXPECT_EQ(grant.ends_at, clock_.now() + std::chrono::hours(12));

  const Authenticated who = must(check(grant.token));
  EXPECT_EQ(who.user.username, "tech");
  EXPECT_EQ(who.user.role, core::Role::kTechnician);
  EXPECT_EQ(who.session.csrf_token, grant.csrf_token);
}

TEST_F(AuthenticationTest, TokensAreRandom) {
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    const LoginGrant grant = must(login("tech", kTechPassword));
    EXPECT_TRUE(seen.insert(grant.token).second);
    EXPECT_TRUE(seen.insert(grant.csrf_token).second);
  }
}

TEST_F(AuthenticationTest, UnknownUserAndWrongPasswordGiveTheSameAnswer) {
  const Result<LoginGrant> unknown = login("nobody", kTechPassword);
  const Result<LoginGrant> wrong = login("tech", "not the password at all");
  const Result<LoginGrant> no_password = login("mls", kTechPassword);
  expect_refused(unknown);
  expect_refused(wrong);
  expect_refused(no_password);
}

TEST_F(AuthenticationTest, AnInactiveUserCannotLogIn) {
  must(set("admin", "gone", "a long enough password"));
  expect_refused(login("gone", "a long enough password"));
  EXPECT_EQ(audit_trail().back().reason, "inactive");
}

TEST_F(AuthenticationTest, FiveFailuresLockTheAccountForFifteenMinutes) {
  for (int i = 0; i < 4; ++i) expect_refused(login("tech", "wrong password " + std::to_string(i)));
  EXPECT_EQ(credentials_of("tech")->failed_logins, 4);
  EXPECT_FALSE(credentials_of("tech")->locked_until.has_value());
  expect_refused(login("tech", "wrong password 5"));
  const core::Credentials locked = *credentials_of("tech");
  ASSERT_TRUE(locked.locked_until.has_value());
  EXPECT_EQ(*locked.locked_until, clock_.now() + std::chrono::minutes(15));
  EXPECT_EQ(audit_trail().back().action, "user.locked");

  // Even the right password is refused while locked, with the same answer.
  clock_.advance(std::chrono::minutes(14));
  expect_refused(login("tech", kTechPassword));
  clock_.advance(std::chrono::minutes(1));
  EXPECT_TRUE(login("tech", kTechPassword).has_value());
  EXPECT_FALSE(credentials_of("tech")->locked_until.has_value());
}

TEST_F(AuthenticationTest, SuccessResetsTheFailureCount) {
  for (int i = 0; i < 4; ++i) expect_refused(login("tech", "wrong password " + std::to_string(i)));
  must(login("tech", kTechPassword));
  EXPECT_EQ(credentials_of("tech")->failed_logins, 0);
  for (int i = 0; i < 4; ++i) expect_refused(login("tech", "wrong password " + std::to_string(i)));
  EXPECT_TRUE(login("tech", kTechPassword).has_value());
}

TEST_F(AuthenticationTest, LogInsAreAuditedWithThePeerAndNeverThePassword) {
  const std::size_t before = audit_size();
  expect_refused(login("tech", "a wrong password"));
  for (int i = 0; i < 4; ++i) expect_refused(login("tech", "a wrong password"));
  expect_refused(login("nobody", "a wrong password"));
  expect_refused(login("Correct Horse", "a wrong password"));  // a password in the name field
  clock_.advance(std::chrono::minutes(15));
  must(login("tech", kTechPassword));
  std::vector<std::string> actions;
  for (const core::AuditEntry& entry : audit_since(before)) {
    actions.push_back(entry.action);
    EXPECT_NE(entry.after.find("\"peer\":\"192.0.2.7\""), std::string::npos) << entry.after;
    for (const std::string& text : {entry.entity_key, entry.after, entry.reason}) {
      EXPECT_EQ(text.find("a wrong password"), std::string::npos) << text;
      EXPECT_EQ(text.find(kTechPassword), std::string::npos) << text;
      EXPECT_EQ(text.find("Correct Horse"), std::string::npos) << text;
    }
  }
  const std::vector<std::string> expected = {
      "user.login_failed", "user.login_failed", "user.login_failed",
      "user.login_failed", "user.login_failed", "user.locked",
      "user.login_failed", "user.login_failed", "user.login"};
  EXPECT_EQ(actions, expected);
  const std::vector<core::AuditEntry> entries = audit_since(before);
  EXPECT_EQ(entries[6].entity_key, "nobody");
  EXPECT_EQ(entries[6].reason, "unknown user name");
  EXPECT_EQ(entries[7].entity_key, "(malformed)");
}

// --- authenticate and log_out --------------------------------------------------------------

TEST_F(AuthenticationTest, AnIdleSessionEnds) {
  const LoginGrant grant = must(login("tech", kTechPassword));
  clock_.advance(std::chrono::minutes(29));
  must(check(grant.token));  // activity restarts the idle clock
  clock_.advance(std::chrono::minutes(29));
  must(check(grant.token));
  clock_.advance(std::chrono::minutes(30));
  const Result<Authenticated> refused = check(grant.token);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused.error().message(),
            "the session ended after 30 minutes without activity; log in again");
  EXPECT_EQ(session_of(grant.token)->end_reason, "idle");
  EXPECT_EQ(session_of(grant.token)->ended_at, clock_.now());
}

TEST_F(AuthenticationTest, ASessionEndsAfterTwelveHoursWhateverTheActivity) {
  const LoginGrant grant = must(login("tech", kTechPassword));
  for (int i = 0; i < 35; ++i) {
    clock_.advance(std::chrono::minutes(20));
    ASSERT_TRUE(check(grant.token).has_value()) << i;
  }
  clock_.advance(std::chrono::minutes(20));  // now exactly 12 h after the log-in
  const Result<Authenticated> refused = check(grant.token);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(),
            "the session expired at " + core::format_instant(grant.ends_at) + "; log in again");
  EXPECT_EQ(session_of(grant.token)->end_reason, "expired");
}

TEST_F(AuthenticationTest, LastSeenIsWrittenAtMostOncePerMinute) {
  const LoginGrant grant = must(login("tech", kTechPassword));
  const core::Instant opened = clock_.now();
  clock_.advance(std::chrono::seconds(59));
  must(check(grant.token));
  EXPECT_EQ(session_of(grant.token)->last_seen_at, opened);
  clock_.advance(std::chrono::seconds(1));
  must(check(grant.token));
  EXPECT_EQ(session_of(grant.token)->last_seen_at, clock_.now());
}

TEST_F(AuthenticationTest, ASessionOfAUserNoLongerActiveEnds) {
  must(set("admin", "gone", "a long enough password"));
  // "gone" is inactive and cannot log in; a session opened before the deactivation is stored
  // directly, as it would have been while the user was active.
  core::UserSession session;
  session.id = session_id_of("token-of-gone");
  session.username = "gone";
  session.created_at = clock_.now();
  session.last_seen_at = clock_.now();
  session.ends_at = clock_.now() + std::chrono::hours(12);
  must(write([&](store::Transaction& tx) { return tx.insert_session(session); }));
  const Result<Authenticated> refused = check("token-of-gone");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "user 'gone' is no longer active");
  EXPECT_EQ(session_of("token-of-gone")->end_reason, "inactive");
}

TEST_F(AuthenticationTest, WithoutWritingAcceptsARecentSessionAndDefersTheRest) {
  const LoginGrant grant = must(login("tech", kTechPassword));
  const auto quick = [&] {
    return read([&](store::Transaction& tx) {
      return authenticate_without_writing(tx, clock_, grant.token);
    });
  };
  clock_.advance(std::chrono::seconds(59));
  const std::optional<Authenticated> recent = must(quick());
  ASSERT_TRUE(recent.has_value());
  EXPECT_EQ(recent->user.username, "tech");
  EXPECT_EQ(recent->session.csrf_token, grant.csrf_token);
  // A minute on, last_seen_at must be written: the caller needs authenticate().
  clock_.advance(std::chrono::seconds(1));
  EXPECT_FALSE(must(quick()).has_value());
  must(check(grant.token));
  EXPECT_TRUE(must(quick()).has_value());
  // Idle: authenticate() ends it; without writing only defers.
  clock_.advance(std::chrono::minutes(31));
  EXPECT_FALSE(must(quick()).has_value());
  EXPECT_FALSE(check(grant.token).has_value());
  const Result<std::optional<Authenticated>> ended = quick();
  ASSERT_FALSE(ended.has_value());
  EXPECT_EQ(ended.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(read([&](store::Transaction& tx) {
              return authenticate_without_writing(tx, clock_, "made-up");
            })
                .error()
                .message(),
            "the session token is not valid; log in again");
}

TEST_F(AuthenticationTest, UnknownAndEmptyTokensAreRefused) {
  EXPECT_EQ(check("").error().message(), "no session token; log in");
  EXPECT_EQ(check("made-up").error().message(), "the session token is not valid; log in again");
}

TEST_F(AuthenticationTest, LogOutEndsTheSessionWithAnAuditEntry) {
  const LoginGrant grant = must(login("tech", kTechPassword));
  const std::size_t before = audit_size();
  must(write([&](store::Transaction& tx) { return log_out(tx, clock_, grant.token); }));
  const std::vector<core::AuditEntry> added = audit_since(before);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].action, "user.logout");
  EXPECT_EQ(added[0].actor, "tech");
  EXPECT_EQ(session_of(grant.token)->end_reason, "logout");
  const Result<Authenticated> refused = check(grant.token);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(
      refused.error().message(),
      "the session ended at " + core::format_instant(clock_.now()) + " (logout); log in again");
  // Logging out again does nothing more.
  must(write([&](store::Transaction& tx) { return log_out(tx, clock_, grant.token); }));
  EXPECT_EQ(audit_size(), before + 1);
}

// The database holds neither the token nor the password: every column of every row of sessions
// and user_credentials is read back from the file.
// A LabTest for its catalog and clock; the store is a file of its own.
class AuthenticationStorageTest : public LabTest {};

TEST_F(AuthenticationStorageTest, NeitherTokensNorPasswordsAreStoredInClear) {
  const test_support::TempDirectory directory("aliquot-auth");
  const std::string path = directory.file("lab.db");
  std::unique_ptr<store::Store> store = must(store::open_sqlite_store(path));
  core::User admin;
  admin.username = "ann";
  admin.display_name = "Ann";
  admin.role = core::Role::kAdmin;
  const std::string password = "ann's long password";
  std::unique_ptr<store::Transaction> tx = must(store->begin(store::TransactionMode::kWrite));
  must(tx->insert_user(admin));
  must(set_password(*tx, Context{.catalog = *catalog_, .clock = clock_, .actor = admin}, "ann",
                    password));
  const LoginGrant grant = must(log_in(*tx, clock_, "ann", password, "127.0.0.1"));
  must(tx->commit());
  tx.reset();
  store.reset();

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  int rows = 0;
  for (const char* sql : {"SELECT * FROM sessions", "SELECT * FROM user_credentials"}) {
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr), SQLITE_OK);
    while (sqlite3_step(statement) == SQLITE_ROW) {
      ++rows;
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        const unsigned char* text = sqlite3_column_text(statement, column);
        const std::string value = text ? reinterpret_cast<const char*>(text) : "";
        EXPECT_EQ(value.find(grant.token), std::string::npos) << sql << " column " << column;
        EXPECT_EQ(value.find(password), std::string::npos) << sql << " column " << column;
      }
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  EXPECT_EQ(rows, 2);
}

}  // namespace
}  // namespace aliquot::lab
