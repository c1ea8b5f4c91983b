// libsndfile over memory: a read-only view of a file's bytes, or a growing
// buffer that an encoder writes into, both exposed through SF_VIRTUAL_IO.
//
// Thread-safety: one object per open SNDFILE; not shared.
#pragma once

#include <sndfile.h>

#include <memory>
#include <string>
#include <string_view>

namespace strato::speech {

// Bytes libsndfile reads or writes, with a file position.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view data) : view_(data) {}  // read-only
  MemoryFile() = default;                                      // write into buffer()

  static SF_VIRTUAL_IO* Io();
  const std::string& buffer() const { return buffer_; }

 private:
  std::string_view data() const { return writable() ? std::string_view(buffer_) : view_; }
  bool writable() const { return view_.data() == nullptr; }

  static sf_count_t Length(void* self);
  static sf_count_t Seek(sf_count_t offset, int whence, void* self);
  static sf_count_t Read(void* ptr, sf_count_t count, void* self);
  static sf_count_t Write(const void* ptr, sf_count_t count, void* self);
  static sf_count_t Tell(void* self);

  std::string_view view_;
  std::string buffer_;
  sf_count_t position_ = 0;
};

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

}  // namespace strato::speech
