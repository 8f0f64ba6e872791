// The authentication functions of SqliteTransaction (store.h, "authentication"): credentials and
// sessions. The statements follow the portability rules written at the top of
// sqlite_transaction.cc.

#include <sqlite3.h>

#include <string>

#include "core/credentials.h"
#include "core/patient_data_read.h"
#include "core/user_session.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_transaction.h"

namespace aliquot::store::sqlite {
namespace {

#define ALIQUOT_CREDENTIALS_COLUMNS \
  "c.username, c.password_hash, c.password_set_at, c.failed_logins, c.locked_until"
#define ALIQUOT_SESSION_COLUMNS                                                           \
  "s.id, s.username, s.csrf_token, s.created_at, s.last_seen_at, s.ends_at, s.ended_at, " \
  "s.end_reason"

core::Credentials read_credentials(RowReader& row) {
  core::Credentials credentials;
  credentials.username = row.text();
  credentials.password_hash = row.text();
  credentials.password_set_at = row.instant();
  credentials.failed_logins = row.int32();
  credentials.locked_until = row.optional_instant();
  return credentials;
}

core::UserSession read_session(RowReader& row) {
  core::UserSession session;
  session.id = row.text();
  session.username = row.text();
  session.csrf_token = row.text();
  session.created_at = row.instant();
  session.last_seen_at = row.instant();
  session.ends_at = row.instant();
  session.ended_at = row.optional_instant();
  session.end_reason = row.text();
  return session;
}

// The foreign key to users refuses a username the lab does not have (FailedPrecondition from
// sqlite_error()); the contract names that NotFound.
template <typename T>
Result<T> restate_unknown_user(Result<T> result, std::string_view username) {
  if (!result.has_value() && result.error().code() == ErrorCode::kFailedPrecondition) {
    return not_found("there is no user '" + std::string(username) + "'");
  }
  return result;
}

}  // namespace

Result<std::optional<core::Credentials>> SqliteTransaction::get_credentials(
    std::string_view username) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("SELECT " ALIQUOT_CREDENTIALS_COLUMNS
                                   " FROM user_credentials c WHERE c.username = ?"));
  statement.bind_text(username);
  return read_one<core::Credentials>(
      statement, "reading the credentials of user '" + std::string(username) + "'",
      read_credentials);
}

Result<void> SqliteTransaction::set_credentials(const core::Credentials& credentials) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("set_credentials"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO user_credentials (username, password_hash, password_set_at,"
              " failed_logins, locked_until) VALUES (?, ?, ?, ?, ?)"
              " ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash,"
              " password_set_at = excluded.password_set_at,"
              " failed_logins = excluded.failed_logins, locked_until = excluded.locked_until"));
  statement.bind_text(credentials.username)
      .bind_text(credentials.password_hash)
      .bind_instant(credentials.password_set_at)
      .bind_int64(credentials.failed_logins)
      .bind_optional_instant(credentials.locked_until);
  return restate_unknown_user(
      statement.run("setting the credentials of user '" + credentials.username + "'"),
      credentials.username);
}

Result<void> SqliteTransaction::insert_session(const core::UserSession& session) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_session"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("INSERT INTO sessions (id, username, csrf_token, created_at, last_seen_at, ends_at,"
              " ended_at, end_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  statement.bind_text(session.id)
      .bind_text(session.username)
      .bind_text(session.csrf_token)
      .bind_instant(session.created_at)
      .bind_instant(session.last_seen_at)
      .bind_instant(session.ends_at)
      .bind_optional_instant(session.ended_at)
      .bind_text(session.end_reason);
  // The id is a token's digest: naming it in a message would not help anyone, so it is not.
  return restate_conflict(
      restate_unknown_user(statement.run("inserting a session of user '" + session.username + "'"),
                           session.username),
      [&] { return "a session of user '" + session.username + "' with that id already exists"; });
}

Result<std::optional<core::UserSession>> SqliteTransaction::find_session(std::string_view id) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement, prepare("SELECT " ALIQUOT_SESSION_COLUMNS
                                                        " FROM sessions s WHERE s.id = ?"));
  statement.bind_text(id);
  return read_one<core::UserSession>(statement, "finding a session", read_session);
}

Result<void> SqliteTransaction::update_session(const core::UserSession& session) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("update_session"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("UPDATE sessions SET csrf_token = ?, last_seen_at = ?, ends_at = ?, ended_at = ?,"
              " end_reason = ? WHERE id = ?"));
  statement.bind_text(session.csrf_token)
      .bind_instant(session.last_seen_at)
      .bind_instant(session.ends_at)
      .bind_optional_instant(session.ended_at)
      .bind_text(session.end_reason)
      .bind_text(session.id);
  ALIQUOT_RETURN_IF_ERROR(statement.run("updating a session of user '" + session.username + "'"));
  if (sqlite3_changes(sqlite3_db_handle(statement.handle())) == 0) {
    return not_found("cannot update a session of user '" + session.username +
                     "': there is no session with that id");
  }
  return ok();
}

Result<std::int64_t> SqliteTransaction::end_sessions_of_user(std::string_view username,
                                                             core::Instant at,
                                                             std::string_view reason) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("end_sessions_of_user"));
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("UPDATE sessions SET ended_at = ?, end_reason = ?"
                                   " WHERE username = ? AND ended_at IS NULL"));
  statement.bind_instant(at).bind_text(reason).bind_text(username);
  ALIQUOT_RETURN_IF_ERROR(
      statement.run("ending the sessions of user '" + std::string(username) + "'"));
  return static_cast<std::int64_t>(sqlite3_changes(sqlite3_db_handle(statement.handle())));
}

Result<void> SqliteTransaction::insert_patient_data_read(const core::PatientDataRead& read) {
  ALIQUOT_RETURN_IF_ERROR(check_writable("insert_patient_data_read"));
  ALIQUOT_ASSIGN_OR_RETURN(Statement statement,
                           prepare("INSERT INTO patient_data_reads (at, username, mrn, what, peer)"
                                   " VALUES (?, ?, ?, ?, ?)"));
  statement.bind_instant(read.at)
      .bind_text(read.username)
      .bind_text(read.mrn)
      .bind_text(read.what)
      .bind_text(read.peer);
  return statement.run("recording that user '" + read.username + "' read patient " + read.mrn);
}

Result<std::vector<core::PatientDataRead>> SqliteTransaction::patient_data_reads(
    std::string_view mrn, std::string_view username, std::int64_t limit) {
  ALIQUOT_RETURN_IF_ERROR(check_open());
  ALIQUOT_RETURN_IF_ERROR(check_limit(limit, "patient data reads"));
  ALIQUOT_ASSIGN_OR_RETURN(
      Statement statement,
      prepare("SELECT r.id, r.at, r.username, r.mrn, r.what, r.peer FROM patient_data_reads r"
              " WHERE (? = '' OR r.mrn = ?) AND (? = '' OR r.username = ?)"
              " ORDER BY r.at DESC, r.id DESC LIMIT ?"));
  statement.bind_text(mrn).bind_text(mrn).bind_text(username).bind_text(username).bind_int64(limit);
  return read_all<core::PatientDataRead>(statement, "listing patient data reads",
                                         [](RowReader& row) {
                                           core::PatientDataRead read;
                                           read.id = row.int64();
                                           read.at = row.instant();
                                           read.username = row.text();
                                           read.mrn = row.text();
                                           read.what = row.text();
                                           read.peer = row.text();
                                           return read;
                                         });
}

}  // namespace aliquot::store::sqlite
