// The storage conformance suite for authentication (store.h, "authentication"): credentials and
// sessions. The fixture and kBackends are in store_conformance.h.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "core/credentials.h"
#include "core/user_session.h"
#include "store/store_conformance.h"

namespace aliquot::store::conformance {
namespace {

using conformance::expect_same;

void expect_same_credentials(const core::Credentials& a, const core::Credentials& b) {
  EXPECT_EQ(a.username, b.username);
  EXPECT_EQ(a.password_hash, b.password_hash);
  EXPECT_EQ(ms(a.password_set_at), ms(b.password_set_at));
  EXPECT_EQ(a.failed_logins, b.failed_logins);
  EXPECT_EQ(ms(a.locked_until), ms(b.locked_until));
}

void expect_same_credentials(const core::UserSession& a, const core::UserSession& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.username, b.username);
  EXPECT_EQ(a.csrf_token, b.csrf_token);
  EXPECT_EQ(ms(a.created_at), ms(b.created_at));
  EXPECT_EQ(ms(a.last_seen_at), ms(b.last_seen_at));
  EXPECT_EQ(ms(a.ends_at), ms(b.ends_at));
  EXPECT_EQ(ms(a.ended_at), ms(b.ended_at));
  EXPECT_EQ(a.end_reason, b.end_reason);
}

core::User person(const std::string& username) {
  core::User user;
  user.username = username;
  user.display_name = "Person " + username;
  user.role = core::Role::kTechnician;
  user.created_at = at_minute(0);
  return user;
}

core::Credentials credentials_of(const std::string& username) {
  core::Credentials credentials;
  credentials.username = username;
  credentials.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  credentials.password_set_at = at_minute(1);
  return credentials;
}

core::UserSession session_of(const std::string& username, const std::string& id, int minute) {
  core::UserSession session;
  session.id = id;
  session.username = username;
  session.csrf_token = "csrf-" + id;
  session.created_at = at_minute(minute);
  session.last_seen_at = at_minute(minute);
  session.ends_at = at_minute(minute + 720);
  return session;
}

class AuthStoreConformanceTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    in_write([](Transaction& tx) {
      ASSERT_TRUE(tx.insert_user(person("ann")).has_value());
      ASSERT_TRUE(tx.insert_user(person("bob")).has_value());
    });
  }
};

TEST_P(AuthStoreConformanceTest, CredentialsAreAbsentUntilSet) {
  const Result<std::optional<core::Credentials>> none = read()->get_credentials("ann");
  ASSERT_TRUE(none.has_value()) << none.error().message();
  EXPECT_FALSE(none->has_value());
}

TEST_P(AuthStoreConformanceTest, CredentialsRoundTripAndAreReplaced) {
  core::Credentials first = credentials_of("ann");
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.set_credentials(first).has_value()); });
  expect_same_credentials(**read()->get_credentials("ann"), first);

  core::Credentials locked = first;
  locked.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$b3RoZXI$b3RoZXI";
  locked.failed_logins = 5;
  locked.locked_until = at_minute(20);
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.set_credentials(locked).has_value()); });
  expect_same_credentials(**read()->get_credentials("ann"), locked);
  EXPECT_FALSE(read()->get_credentials("bob")->has_value());
}

TEST_P(AuthStoreConformanceTest, CredentialsOfAnUnknownUserAreRefused) {
  std::unique_ptr<Transaction> tx = write();
  const Result<void> refused = tx->set_credentials(credentials_of("nobody"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(refused.error().message(), "there is no user 'nobody'");
}

TEST_P(AuthStoreConformanceTest, SessionRoundTripsAndUpdates) {
  core::UserSession session = session_of("ann", "aa11", 2);
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.insert_session(session).has_value()); });
  expect_same_credentials(**read()->find_session("aa11"), session);
  EXPECT_FALSE(read()->find_session("bb22")->has_value());

  session.last_seen_at = at_minute(10);
  session.ended_at = at_minute(11);
  session.end_reason = "logout";
  in_write([&](Transaction& tx) { ASSERT_TRUE(tx.update_session(session).has_value()); });
  expect_same_credentials(**read()->find_session("aa11"), session);
}

TEST_P(AuthStoreConformanceTest, DuplicateSessionIdIsRefused) {
  in_write([](Transaction& tx) {
    ASSERT_TRUE(tx.insert_session(session_of("ann", "aa11", 2)).has_value());
  });
  std::unique_ptr<Transaction> tx = write();
  const Result<void> refused = tx->insert_session(session_of("bob", "aa11", 3));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(refused.error().message(), "a session of user 'bob' with that id already exists");
}

TEST_P(AuthStoreConformanceTest, SessionOfAnUnknownUserIsRefused) {
  std::unique_ptr<Transaction> tx = write();
  const Result<void> refused = tx->insert_session(session_of("nobody", "cc33", 2));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
}

TEST_P(AuthStoreConformanceTest, UpdatingAnUnknownSessionIsNotFound) {
  std::unique_ptr<Transaction> tx = write();
  const Result<void> refused = tx->update_session(session_of("ann", "zz99", 2));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);
}

TEST_P(AuthStoreConformanceTest, EndingTheSessionsOfAUserEndsOnlyTheirOpenOnes) {
  core::UserSession ended = session_of("ann", "a1", 1);
  ended.ended_at = at_minute(5);
  ended.end_reason = "logout";
  in_write([&](Transaction& tx) {
    ASSERT_TRUE(tx.insert_session(ended).has_value());
    ASSERT_TRUE(tx.insert_session(session_of("ann", "a2", 2)).has_value());
    ASSERT_TRUE(tx.insert_session(session_of("ann", "a3", 3)).has_value());
    ASSERT_TRUE(tx.insert_session(session_of("bob", "b1", 4)).has_value());
  });
  in_write([](Transaction& tx) {
    const Result<std::int64_t> count = tx.end_sessions_of_user("ann", at_minute(30), "password");
    ASSERT_TRUE(count.has_value()) << count.error().message();
    EXPECT_EQ(*count, 2);
  });
  std::unique_ptr<Transaction> tx = read();
  expect_same_credentials(**tx->find_session("a1"), ended);
  for (const char* id : {"a2", "a3"}) {
    const core::UserSession session = **tx->find_session(id);
    EXPECT_EQ(ms(session.ended_at), ms(at_minute(30))) << id;
    EXPECT_EQ(session.end_reason, "password") << id;
  }
  EXPECT_FALSE((*tx->find_session("b1"))->ended_at.has_value());
}

TEST_P(AuthStoreConformanceTest, ReadTransactionRefusesAuthenticationWrites) {
  std::unique_ptr<Transaction> tx = read();
  EXPECT_EQ(tx->set_credentials(credentials_of("ann")).error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(tx->insert_session(session_of("ann", "x", 1)).error().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(status_of(tx->end_sessions_of_user("ann", at_minute(1), "logout")).error().code(),
            ErrorCode::kFailedPrecondition);
}

TEST_P(AuthStoreConformanceTest, CredentialsAndSessionsSurviveCloseAndReopen) {
  if (!GetParam().persists) GTEST_SKIP() << GetParam().name << " keeps nothing after close";
  const core::Credentials credentials = credentials_of("bob");
  const core::UserSession session = session_of("bob", "b7", 7);
  in_write([&](Transaction& tx) {
    ASSERT_TRUE(tx.set_credentials(credentials).has_value());
    ASSERT_TRUE(tx.insert_session(session).has_value());
  });
  store_.reset();
  open();
  expect_same_credentials(**read()->get_credentials("bob"), credentials);
  expect_same_credentials(**read()->find_session("b7"), session);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthStoreConformanceTest, testing::ValuesIn(kBackends),
                         backend_name);

}  // namespace
}  // namespace aliquot::store::conformance
