// Fuzzes the multipart/form-data parser: the first line of the input is the
// Content-Type header, the rest the body. Any input must give parts or a
// clear error; parts must view the body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view header = input.substr(0, nl);
  const std::string_view body =
      nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  auto boundary = strato::http::MultipartBoundary(header);
  if (!boundary.ok()) return 0;
  auto parts = strato::http::ParseMultipart(body, *boundary);
  if (!parts.ok()) return 0;
  if (parts->size() > strato::http::kMaxMultipartParts) std::abort();
  for (const auto& p : *parts) {
    if (p.data.data() < body.data() || p.data.data() + p.data.size() > body.data() + body.size()) {
      std::abort();
    }
  }
  (void)strato::http::FindPart(*parts, "file");
  return 0;
}
