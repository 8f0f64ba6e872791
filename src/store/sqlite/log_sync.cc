#include "store/sqlite/log_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aliquot::store::sqlite {

Result<void> sync_write_ahead_log(const std::string& database_path) {
  if (database_path.empty() || database_path == ":memory:") return ok();
  // Opened afresh every time, so that it is the log in use now.
  const std::string log = database_path + "-wal";
  const int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return ok();  // nothing was committed through a log since it was removed
    return unavailable("cannot open the write-ahead log '" + log +
                       "' to sync it: " + std::strerror(errno));
  }
  const int synced = ::fdatasync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (synced != 0) {
    return unavailable("syncing the write-ahead log '" + log +
                       "' to disk failed: " + std::strerror(sync_errno));
  }
  return ok();
}

}  // namespace aliquot::store::sqlite
