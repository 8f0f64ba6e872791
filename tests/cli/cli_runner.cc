#include "cli_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/test_files.h"

extern char** environ;

#ifndef ALIQUOT_BUILT_BINARY
#define ALIQUOT_BUILT_BINARY ""
#endif
#ifndef ALIQUOT_BUILT_SOURCE_DIR
#define ALIQUOT_BUILT_SOURCE_DIR ""
#endif

namespace aliquot::cli_test {
namespace {

// The environment's value, else the one this build compiled in.
std::string setting(const char* name, const char* built_in) {
  const char* value = std::getenv(name);
  if (value != nullptr && *value != '\0') return value;
  if (*built_in != '\0') return built_in;
  throw std::runtime_error(std::string("environment variable ") + name + " is not set");
}

}  // namespace

std::string shown(const CommandOutput& output) {
  return "exit " + std::to_string(output.exit_code) + "\n--- stdout ---\n" + output.out +
         "--- stderr ---\n" + output.err;
}

std::string source_directory() { return setting("ALIQUOT_SOURCE_DIR", ALIQUOT_BUILT_SOURCE_DIR); }

// The database is in a directory that does not exist yet: `aliquot init` must create it.
CliRunner::CliRunner()
    : binary_(setting("ALIQUOT_BINARY", ALIQUOT_BUILT_BINARY)),
      directory_(temp_.path()),
      database_path_(directory_ + "/lab/aliquot.db") {}

CliRunner::~CliRunner() = default;

std::string CliRunner::write_file(const std::string& name, const std::string& text) const {
  const std::string path = directory_ + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

CommandOutput CliRunner::run(const std::vector<std::string>& args, const std::string& user) const {
  std::vector<std::string> full = {"--db", database_path_};
  if (!user.empty()) {
    full.push_back("--user");
    full.push_back(user);
  }
  full.insert(full.end(), args.begin(), args.end());
  return run_raw(full);
}

CommandOutput CliRunner::run_raw(const std::vector<std::string>& args) const {
  const std::string out_path = directory_ + "/stdout.txt";
  const std::string err_path = directory_ + "/stderr.txt";

  std::vector<std::string> argument_strings = {binary_};
  argument_strings.insert(argument_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& argument : argument_strings) argv.push_back(argument.data());
  argv.push_back(nullptr);

  // The child sees this process's environment without the variables that would change which
  // lab and which user it acts on: every test says so on the command line.
  std::vector<std::string> environment_strings;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string variable = *entry;
    if (variable.rfind("ALIQUOT_DB=", 0) == 0 || variable.rfind("ALIQUOT_USER=", 0) == 0) continue;
    environment_strings.push_back(variable);
  }
  std::vector<char*> envp;
  for (std::string& variable : environment_strings) envp.push_back(variable.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, binary_.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    throw std::runtime_error("cannot run " + binary_ + ": " + std::strerror(spawned));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  CommandOutput output;
  if (WIFEXITED(status)) {
    output.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    output.exit_code = 128 + WTERMSIG(status);
  }
  output.out = test_support::read_file(out_path);
  output.err = test_support::read_file(err_path);
  return output;
}

}  // namespace aliquot::cli_test
