#include "durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>

#include "crash_point.h"
#include "sha256.h"

namespace strato::registry {
namespace {

namespace fs = std::filesystem;

// Closes a descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

Status Errno(std::string_view what, const fs::path& path) {
  return InternalError(std::string(what) + " '" + path.string() + "': " + std::strerror(errno));
}

fs::path UniqueTempPath(const fs::path& dir) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return dir / ("incoming." + std::to_string(getpid()) + "." + std::to_string(rng()) +
                std::string(kTempSuffix));
}

Status WriteAll(int fd, const char* data, size_t size, const fs::path& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Copies in -> out, hashing; returns the byte count.
StatusOr<uint64_t> CopyHashing(int in, int out, const fs::path& source, const fs::path& temp,
                               Sha256Hasher* hasher) {
  std::array<char, 1 << 16> buffer;
  uint64_t total = 0;
  while (true) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot read", source);
    }
    if (n == 0) return total;
    RETURN_IF_ERROR(WriteAll(out, buffer.data(), static_cast<size_t>(n), temp));
    hasher->Update(buffer.data(), static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
    CrashPoint("blob_partial");
  }
}

}  // namespace

bool IsTempName(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.size() >= kTempSuffix.size() &&
         name.compare(name.size() - kTempSuffix.size(), kTempSuffix.size(), kTempSuffix) == 0;
}

Status FsyncDir(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot open folder", dir);
  if (::fsync(fd.get()) != 0) return Errno("cannot fsync folder", dir);
  return Status::Ok();
}

StatusOr<TempCopy> CopyToTemp(const fs::path& source, const fs::path& dir) {
  Fd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return Errno("cannot open", source);
  TempCopy copy;
  copy.temp = UniqueTempPath(dir);
  Fd out(::open(copy.temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (out.get() < 0) return Errno("cannot create", copy.temp);
  Sha256Hasher hasher;
  auto size = CopyHashing(in.get(), out.get(), source, copy.temp, &hasher);
  Status status = size.ok() ? Status::Ok() : size.status();
  if (status.ok() && ::fsync(out.get()) != 0) status = Errno("cannot fsync", copy.temp);
  if (status.ok() && ::close(out.Release()) != 0) status = Errno("cannot close", copy.temp);
  if (!status.ok()) {
    ::unlink(copy.temp.c_str());
    return status;
  }
  CrashPoint("blob_synced");
  copy.size = *size;
  copy.sha256 = hasher.FinalHex();
  return copy;
}

Status CommitTemp(const fs::path& temp, const fs::path& target) {
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    Status error = Errno("cannot rename into", target);
    ::unlink(temp.c_str());
    return error;
  }
  CrashPoint("blob_renamed");
  return FsyncDir(target.parent_path());
}

}  // namespace strato::registry
