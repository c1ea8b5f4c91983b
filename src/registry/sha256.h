// Incremental sha256 (OpenSSL EVP), for hashing data while it is copied.
//
// Thread-safety: one hasher per thread.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>

namespace strato::registry {

class Sha256Hasher {
 public:
  Sha256Hasher();
  void Update(const void* data, size_t size);
  // Lowercase hex digest; the hasher must not be updated afterwards.
  std::string FinalHex();

 private:
  struct CtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx_;
};

}  // namespace strato::registry
