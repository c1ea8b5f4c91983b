// The file a download appends to: an fd with append, truncate and fsync, and
// errno turned into Status (ENOSPC -> RESOURCE_EXHAUSTED, so "disk full" is
// reported as such).
//
// Thread-safety: single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "strato/core/status.h"

namespace strato::fetch {

class PartialFile {
 public:
  // Opens (creating if missing) for appending. INTERNAL naming the path on failure.
  static StatusOr<PartialFile> Open(const std::filesystem::path& path);

  PartialFile(PartialFile&& other) noexcept;
  PartialFile& operator=(PartialFile&&) = delete;
  PartialFile(const PartialFile&) = delete;
  ~PartialFile();

  uint64_t size() const { return size_; }
  // Writes all of `data` at the end; RESOURCE_EXHAUSTED when the disk is full.
  Status Append(const void* data, size_t size);
  // Empties the file (a server sent the whole file again).
  Status Truncate();
  // Flushes data to stable storage.
  Status Sync();

 private:
  PartialFile(int fd, std::filesystem::path path, uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  Status ErrnoStatus(const char* what, int err) const;

  int fd_ = -1;
  std::filesystem::path path_;
  uint64_t size_ = 0;
};

}  // namespace strato::fetch
