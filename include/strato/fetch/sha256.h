// SHA-256 of downloaded model files (OpenSSL EVP), and recognising the
// checksums that download sources publish.
//
// Thread-safety: a Sha256 object is single-threaded; the free functions have
// no shared state.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "strato/core/status.h"

namespace strato::fetch {

// Incremental SHA-256. Movable, not copyable.
class Sha256 {
 public:
  // INTERNAL when OpenSSL cannot allocate or initialise a digest context.
  static StatusOr<Sha256> Create();

  void Update(const void* data, size_t size);
  // Lower-case hex of the digest of everything passed to Update since the
  // last Reset. The object must be Reset before further use.
  std::string FinishHex();
  // Starts over, as if freshly created.
  void Reset();

 private:
  struct ContextDeleter {
    void operator()(void* ctx) const;
  };
  explicit Sha256(void* ctx) : ctx_(ctx) {}
  std::unique_ptr<void, ContextDeleter> ctx_;  // EVP_MD_CTX
};

// Digest of a whole file. NOT_FOUND / INTERNAL naming the file on failure.
StatusOr<std::string> Sha256OfFile(const std::filesystem::path& path);

// Hashes the file's bytes into `hasher` (used to continue a resumed download).
Status HashFileInto(const std::filesystem::path& path, Sha256& hasher);

// `text` as a lower-case 64-hex digest, accepting what sources put around it:
// surrounding quotes and a weak-ETag prefix (`W/"..."`, as in HTTP ETags)
// and a "sha256:" prefix. nullopt when it is not a sha256.
std::optional<std::string> NormalizeSha256(std::string_view text);

// The digest in a checksum file as sha256sum writes it ("<hex>  <name>" or
// just "<hex>"): the first word of the first line. nullopt when absent.
std::optional<std::string> ParseChecksumFile(std::string_view body);

}  // namespace strato::fetch
