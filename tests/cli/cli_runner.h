#pragma once

// Runs the built `aliquot` executable (env ALIQUOT_BINARY) as a user would, in a private
// temporary directory with its own lab database, and captures what it prints and its exit
// status.

#include <string>
#include <vector>

#include "support/temp_directory.h"

namespace aliquot::cli_test {

struct CommandOutput {
  int exit_code = -1;  // 128 + signal number when the process was killed by a signal
  std::string out;
  std::string err;
};

// Owns a temporary directory (removed on destruction) holding the lab database. Not thread-safe.
class CliRunner {
 public:
  CliRunner();
  ~CliRunner();
  CliRunner(const CliRunner&) = delete;
  CliRunner& operator=(const CliRunner&) = delete;

  // Runs `aliquot --db DB [--user USER] ARGS...`; an empty `user` leaves --user out.
  CommandOutput run(const std::vector<std::string>& args, const std::string& user = "") const;
  // Runs `aliquot ARGS...` exactly as given.
  CommandOutput run_raw(const std::vector<std::string>& args) const;

  const std::string& directory() const { return directory_; }
  const std::string& database_path() const { return database_path_; }
  // A file in the temporary directory with `text` in it; returns its path.
  std::string write_file(const std::string& name, const std::string& text) const;

 private:
  std::string binary_;
  test_support::TempDirectory temp_{"aliquot-cli"};
  std::string directory_;
  std::string database_path_;
};

// What a command did, for a failed assertion's message: its exit status, stdout and stderr.
std::string shown(const CommandOutput& output);

// The repository root (env ALIQUOT_SOURCE_DIR).
std::string source_directory();

}  // namespace aliquot::cli_test
