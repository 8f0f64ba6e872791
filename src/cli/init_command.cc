// `aliquot init`: a new lab database with its catalog and first (admin) user.

#include <filesystem>
#include <memory>
#include <system_error>

#include "cli/commands.h"
#include "lab/lab_setup.h"
#include "store/sqlite/sqlite_store.h"

namespace aliquot::cli {
namespace {

struct InitOptions {
  std::string lab_name = "aliquot laboratory";
  std::string catalog_file;
  std::string admin = "admin";
  bool force = false;
};

// SQLite keeps a database in up to four files; replacing one means removing them all, or the old
// write-ahead log would be replayed into the new database.
Result<void> remove_database_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string file = path + suffix;
    std::error_code error;
    std::filesystem::remove(file, error);
    if (error) {
      return unavailable("cannot remove '" + file + "': " + error.message());
    }
  }
  return ok();
}

Result<void> run_init(Session& session, const InitOptions& options) {
  const std::string& path = session.options().database_path;
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    if (!options.force) {
      return already_exists("a lab database already exists at '" + path +
                            "'; pass --force to replace it (everything in it is lost)");
    }
    ALIQUOT_RETURN_IF_ERROR(remove_database_files(path));
  }
  lab::InitializeLab command;
  command.lab_name = options.lab_name;
  command.admin_username = options.admin;
  if (!options.catalog_file.empty()) {
    ALIQUOT_ASSIGN_OR_RETURN(command.catalog_text,
                             read_input_file("catalog file", options.catalog_file));
    command.catalog_file_name = options.catalog_file;
  }

  const std::filesystem::path directory = std::filesystem::path(path).parent_path();
  if (!directory.empty()) {
    std::filesystem::create_directories(directory, error);
    if (error) {
      return unavailable("cannot create directory '" + directory.string() +
                         "': " + error.message());
    }
  }

  ALIQUOT_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> lab_store, store::open_sqlite_store(path));
  Result<void> initialized = lab::initialize_lab(*lab_store, session.clock(), command);
  Result<catalog::Catalog> lab_catalog = initialized
                                             ? lab::current_catalog(*lab_store)
                                             : Result<catalog::Catalog>(initialized.error());
  lab_store.reset();
  if (!lab_catalog) {
    // Leave no half-made database behind: the next `aliquot init` would refuse it.
    (void)remove_database_files(path);
    return lab_catalog.error();
  }

  if (session.json()) {
    session.set_json({{"database", path},
                      {"lab_name", options.lab_name},
                      {"catalog",
                       {{"name", lab_catalog->name()},
                        {"version", lab_catalog->version()},
                        {"tests", lab_catalog->tests().size()},
                        {"panels", lab_catalog->panels().size()}}},
                      {"admin", options.admin}});
  } else {
    session.out() << "initialized " << options.lab_name << " at " << path << "\n"
                  << "  catalog  " << lab_catalog->name() << " " << lab_catalog->version() << " ("
                  << lab_catalog->tests().size() << " tests, " << lab_catalog->panels().size()
                  << " panels)\n"
                  << "  admin    " << options.admin << "\n"
                  << "next: aliquot --user " << options.admin
                  << " user add NAME --role technician\n";
  }
  return ok();
}

}  // namespace

void add_init_command(CLI::App& app, CommandSelection& selection) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* command = app.add_subcommand(
      "init", "create the lab database (and its directory) with a catalog and an admin user");
  command->add_option("--lab-name", options->lab_name, "the lab's name, printed on reports")
      ->capture_default_str();
  command
      ->add_option("--catalog", options->catalog_file,
                   "catalog TOML file (default: the built-in core menu)")
      ->type_name("FILE");
  command->add_option("--admin", options->admin, "username of the first (admin) user")
      ->capture_default_str();
  command->add_flag("--force", options->force, "replace an existing database (its data is lost)");
  selection.bind(command, [options](Session& session) { return run_init(session, *options); });
}

}  // namespace aliquot::cli
