// sha256 through OpenSSL's EVP interface (the one that is not deprecated).
// The EVP calls can only fail on allocation failure, which we do not survive anyway.
#include "sha256.h"

#include <array>
#include <fstream>

#include "strato/registry/registry.h"

namespace strato::registry {

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
}

void Sha256Hasher::Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }

std::string Sha256Hasher::FinalHex() {
  static constexpr char kDigits[] = "0123456789abcdef";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  EVP_DigestFinal_ex(ctx_.get(), digest, &size);
  std::string out;
  out.reserve(size * 2);
  for (unsigned i = 0; i < size; ++i) {
    out.push_back(kDigits[digest[i] >> 4]);
    out.push_back(kDigits[digest[i] & 0xf]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  Sha256Hasher hasher;
  hasher.Update(data.data(), data.size());
  return hasher.FinalHex();
}

StatusOr<std::string> Sha256File(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InternalError("cannot read '" + path.string() + "'");
  Sha256Hasher hasher;
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    if (in.gcount() > 0) hasher.Update(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return InternalError("error reading '" + path.string() + "'");
  return hasher.FinalHex();
}

}  // namespace strato::registry
