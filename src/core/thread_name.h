#pragma once

#include <string_view>

namespace aliquot::core {

// Names the calling thread for the operating system, so that `top -H`, `ps -L`, perf and gdb
// tell the server's threads apart (the ingest writer from an I/O thread, say). Linux keeps 15
// bytes of a name; a longer one is cut there. A name the system refuses is ignored: the thread
// works the same without it.
void name_this_thread(std::string_view name);

}  // namespace aliquot::core
