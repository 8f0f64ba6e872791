#pragma once

// Files a command writes (charts, inspection exports): written whole or not at all. The bytes go
// to a temporary file beside the target, which then replaces it, so that a reader never sees half
// a file and a failed write leaves an earlier file as it was.

#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::cli {

// Unavailable naming `what` and `path` when the file cannot be written.
Result<void> write_output_file(std::string_view what, const std::string& path,
                               std::string_view bytes);

}  // namespace aliquot::cli
