#include "core/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <string>

namespace aliquot::core {

void name_this_thread(std::string_view name) {
  constexpr std::size_t kLinuxNameLimit = 15;  // TASK_COMM_LEN less its terminating NUL
  const std::string kept(name.substr(0, std::min(name.size(), kLinuxNameLimit)));
  static_cast<void>(pthread_setname_np(pthread_self(), kept.c_str()));
}

}  // namespace aliquot::core
