// `aliquot user password NAME`: the new password comes from standard input, one line.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "cli_fixture.h"
#include "support/test_files.h"

namespace aliquot::cli_test {
namespace {

#ifndef ALIQUOT_BUILT_BINARY
#define ALIQUOT_BUILT_BINARY ""
#endif

std::string quoted(const std::string& text) { return "'" + text + "'"; }

class CliPasswordTest : public CliTest {
 protected:
  // Runs `aliquot user password NAME` as `user` with `input` on its standard input (the runner
  // gives commands /dev/null, so this goes through the shell's redirection).
  CommandOutput set_password(const std::string& name, const std::string& input,
                             const std::string& user) {
    const char* from_environment = std::getenv("ALIQUOT_BINARY");
    const std::string binary = from_environment != nullptr && *from_environment != '\0'
                                   ? from_environment
                                   : ALIQUOT_BUILT_BINARY;
    const std::string input_path = lab_.write_file("password.txt", input);
    const std::string out_path = lab_.directory() + "/password.out";
    const std::string err_path = lab_.directory() + "/password.err";
    const std::string command = "env -u ALIQUOT_DB -u ALIQUOT_USER " + quoted(binary) + " --db " +
                                quoted(lab_.database_path()) + " --user " + user +
                                " user password " + name + " < " + quoted(input_path) + " > " +
                                quoted(out_path) + " 2> " + quoted(err_path);
    const int status = std::system(command.c_str());
    CommandOutput output;
    output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    output.out = test_support::read_file(out_path);
    output.err = test_support::read_file(err_path);
    return output;
  }

  // The stored password hash of `username`, "" when none.
  std::string stored_hash(const std::string& username) {
    sqlite3* db = nullptr;
    std::string hash;
    if (sqlite3_open_v2(lab_.database_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
        SQLITE_OK) {
      sqlite3_stmt* statement = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT password_hash FROM user_credentials WHERE username = ?",
                             -1, &statement, nullptr) == SQLITE_OK) {
        sqlite3_bind_text(statement, 1, username.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(statement) == SQLITE_ROW) {
          hash = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        }
      }
      sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return hash;
  }
};

TEST_F(CliPasswordTest, AnAdminSetsAPasswordReadFromStandardInput) {
  const CommandOutput output = set_password(kTechnician, "a long tech password\n", kAdmin);
  EXPECT_EQ(output.exit_code, 0) << ::testing::PrintToString(output);
  EXPECT_EQ(output.err, "");
  EXPECT_EQ(output.out, "password set for user tech1\n");
  const std::string hash = stored_hash(kTechnician);
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("a long tech password"), std::string::npos);
}

TEST_F(CliPasswordTest, RefusesAShortPassword) {
  const CommandOutput output = set_password(kTechnician, "short\n", kAdmin);
  EXPECT_EQ(output.exit_code, 2) << ::testing::PrintToString(output);
  EXPECT_EQ(output.err,
            "aliquot: the password is too short: 5 characters, at least 12 are needed\n");
  EXPECT_EQ(stored_hash(kTechnician), "");
}

TEST_F(CliPasswordTest, AUserMayNotSetAnotherUsersPassword) {
  const CommandOutput output = set_password(kClerk, "a long clerk password\n", kTechnician);
  EXPECT_EQ(output.exit_code, 1) << ::testing::PrintToString(output);
  EXPECT_EQ(stored_hash(kClerk), "");
}

TEST_F(CliPasswordTest, RefusesAnEmptyStandardInput) {
  const CommandOutput output = lab_.run({"user", "password", kTechnician}, kAdmin);
  EXPECT_EQ(output.exit_code, 2) << ::testing::PrintToString(output);
  EXPECT_EQ(output.err,
            "aliquot: no password on standard input: give the new password as one line\n");
}

}  // namespace
}  // namespace aliquot::cli_test
