#pragma once

// A file mapped read-only into memory, so that tools can scan files of gigabytes as one view
// without reading them into a buffer. Move-only; unmaps when destroyed. The bytes stay valid
// while the MappedFile lives (a file truncated meanwhile by someone else would fault: the tools
// read files at rest).

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace aliquot::hl7 {

class MappedFile {
 public:
  // Maps `path`. An empty file gives an empty view. Fails (NotFound, PermissionDenied,
  // InvalidArgument for a directory, Unavailable otherwise) with the path and the system's
  // reason.
  static Result<MappedFile> open(const std::string& path);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const {
    return std::string_view(static_cast<const char*>(data_), size_);
  }

 private:
  MappedFile(void* data, std::size_t size) : data_(data), size_(size) {}
  void release();

  void* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace aliquot::hl7
