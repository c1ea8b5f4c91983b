#include "partial_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace strato::fetch {

StatusOr<PartialFile> PartialFile::Open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return InternalError("cannot open '" + path.string() + "' for writing: " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return InternalError("cannot stat '" + path.string() + "': " + std::strerror(err));
  }
  return PartialFile(fd, path, static_cast<uint64_t>(st.st_size));
}

PartialFile::PartialFile(PartialFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), size_(other.size_) {}

PartialFile::~PartialFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status PartialFile::ErrnoStatus(const char* what, int err) const {
  std::string message = std::string(what) + " '" + path_.string() + "': " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) {
    return ResourceExhaustedError(message +
                                  " (disk full: free space and run the same command again; "
                                  "the download resumes where it stopped)");
  }
  return InternalError(message);
}

Status PartialFile::Append(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot write", errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
    size_ += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status PartialFile::Truncate() {
  if (::ftruncate(fd_, 0) != 0) return ErrnoStatus("cannot truncate", errno);
  size_ = 0;
  return Status::Ok();
}

Status PartialFile::Sync() {
  if (::fsync(fd_) != 0) return ErrnoStatus("cannot fsync", errno);
  return Status::Ok();
}

}  // namespace strato::fetch
