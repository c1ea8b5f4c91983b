// Fuzzes what `strato model pull` parses from outside: the source spec
// (ResolveSource, model names) and response header lines and checksum files
// from servers. Checks invariants, not just the absence of crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "response_headers.h"
#include "strato/fetch/sha256.h"
#include "strato/fetch/source.h"

namespace {

void Require(bool cond) {
  if (!cond) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace strato::fetch;

  auto source = ResolveSource(text, "http://127.0.0.1:1");
  if (source.ok()) {
    // The URL goes to libcurl as is: never whitespace or control characters.
    for (char c : source->url) Require(static_cast<unsigned char>(c) > 0x20 && c != 0x7f);
    Require(!source->file_name.empty());
    Require(source->file_name.find('/') == std::string::npos);
    Require(source->file_name != "." && source->file_name != "..");
    Require(CheckModelName(DefaultModelName(source->file_name)).ok());
  }
  Require(CheckModelName(DefaultModelName(text)).ok());

  // Header lines, one per input line, as libcurl hands them over.
  ResponseHeaders headers;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    headers.Observe(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start + 1));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (headers.source_sha256) Require(headers.source_sha256->size() == 64);
  (void)headers.Validator();

  if (auto sum = NormalizeSha256(text)) Require(sum->size() == 64);
  if (auto sum = ParseChecksumFile(text)) Require(sum->size() == 64);
  return 0;
}
