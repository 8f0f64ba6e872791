#include "cli/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace aliquot::cli {
namespace {

Error cannot_write(std::string_view what, const std::string& path, int error_number) {
  return unavailable("cannot write the " + std::string(what) + " to '" + path +
                     "': " + std::strerror(error_number));
}

}  // namespace

Result<void> write_output_file(std::string_view what, const std::string& path,
                               std::string_view bytes) {
  const std::filesystem::path target(path);
  std::string temporary =
      (target.parent_path() / ("." + target.filename().string() + ".partial-XXXXXX")).string();
  const int descriptor = mkstemp(temporary.data());
  if (descriptor < 0) return cannot_write(what, path, errno);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t count = ::write(descriptor, bytes.data() + written, bytes.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) {
      const int error_number = errno;
      ::close(descriptor);
      ::unlink(temporary.c_str());
      return cannot_write(what, path, error_number);
    }
    written += static_cast<std::size_t>(count);
  }
  // mkstemp makes the file private; an export is as readable as any file the user writes.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(descriptor, 0666 & ~mask) != 0 || ::fsync(descriptor) != 0) {
    const int error_number = errno;
    ::close(descriptor);
    ::unlink(temporary.c_str());
    return cannot_write(what, path, error_number);
  }
  ::close(descriptor);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error_number = errno;
    ::unlink(temporary.c_str());
    return cannot_write(what, path, error_number);
  }
  return ok();
}

}  // namespace aliquot::cli
