#include "memory_sndfile.h"

#include <algorithm>
#include <cstring>

namespace strato::speech {

SF_VIRTUAL_IO* MemoryFile::Io() {
  static SF_VIRTUAL_IO io = {&MemoryFile::Length, &MemoryFile::Seek, &MemoryFile::Read,
                             &MemoryFile::Write, &MemoryFile::Tell};
  return &io;
}

sf_count_t MemoryFile::Length(void* self) {
  return static_cast<sf_count_t>(static_cast<MemoryFile*>(self)->data().size());
}

sf_count_t MemoryFile::Seek(sf_count_t offset, int whence, void* self) {
  auto* f = static_cast<MemoryFile*>(self);
  sf_count_t base = 0;
  switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = f->position_; break;
    case SEEK_END: base = static_cast<sf_count_t>(f->data().size()); break;
    default: return -1;
  }
  const sf_count_t target = base + offset;
  if (target < 0) return -1;
  // Readers may not seek past the end; writers may (the gap reads as zeros).
  if (!f->writable() && target > static_cast<sf_count_t>(f->view_.size())) return -1;
  f->position_ = target;
  return target;
}

sf_count_t MemoryFile::Read(void* ptr, sf_count_t count, void* self) {
  auto* f = static_cast<MemoryFile*>(self);
  const std::string_view d = f->data();
  if (count <= 0 || f->position_ >= static_cast<sf_count_t>(d.size())) return 0;
  const sf_count_t n =
      std::min<sf_count_t>(count, static_cast<sf_count_t>(d.size()) - f->position_);
  std::memcpy(ptr, d.data() + f->position_, static_cast<size_t>(n));
  f->position_ += n;
  return n;
}

sf_count_t MemoryFile::Write(const void* ptr, sf_count_t count, void* self) {
  auto* f = static_cast<MemoryFile*>(self);
  if (!f->writable() || count < 0) return 0;
  const size_t end = static_cast<size_t>(f->position_ + count);
  if (f->buffer_.size() < end) f->buffer_.resize(end, '\0');
  std::memcpy(f->buffer_.data() + f->position_, ptr, static_cast<size_t>(count));
  f->position_ += count;
  return count;
}

sf_count_t MemoryFile::Tell(void* self) { return static_cast<MemoryFile*>(self)->position_; }

}  // namespace strato::speech
