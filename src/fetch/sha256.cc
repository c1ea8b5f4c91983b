#include "strato/fetch/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <vector>

namespace strato::fetch {

void Sha256::ContextDeleter::operator()(void* ctx) const {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx));
}

StatusOr<Sha256> Sha256::Create() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return InternalError("OpenSSL could not allocate a SHA-256 context");
  Sha256 hasher(ctx);
  if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
    return InternalError("OpenSSL could not initialise SHA-256");
  }
  return hasher;
}

void Sha256::Update(const void* data, size_t size) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_.get()), data, size);
}

std::string Sha256::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_.get()), digest, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

void Sha256::Reset() { EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_.get()), EVP_sha256(), nullptr); }

Status HashFileInto(const std::filesystem::path& path, Sha256& hasher) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open '" + path.string() + "' to hash it");
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) hasher.Update(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return InternalError("error reading '" + path.string() + "' to hash it");
  return Status::Ok();
}

StatusOr<std::string> Sha256OfFile(const std::filesystem::path& path) {
  auto hasher = Sha256::Create();
  if (!hasher.ok()) return hasher.status();
  if (auto st = HashFileInto(path, *hasher); !st.ok()) return st;
  return hasher->FinishHex();
}

std::optional<std::string> NormalizeSha256(std::string_view text) {
  auto trim = [&text] {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  };
  trim();
  if (text.starts_with("W/")) text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.starts_with("sha256:")) text.remove_prefix(7);
  trim();
  if (text.size() != 64 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return out;
}

std::optional<std::string> ParseChecksumFile(std::string_view body) {
  body = body.substr(0, body.find('\n'));
  const size_t start = body.find_first_not_of(" \t");
  if (start == std::string_view::npos) return std::nullopt;
  body = body.substr(start);
  return NormalizeSha256(body.substr(0, body.find_first_of(" \t\r")));
}

}  // namespace strato::fetch
