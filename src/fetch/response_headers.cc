#include "response_headers.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "strato/fetch/sha256.h"

namespace strato::fetch {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> ParseUint(std::string_view s) {
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

void ResponseHeaders::Observe(std::string_view line) {
  line = Trim(line);
  if (line.starts_with("HTTP/")) {
    // A new response (a redirect hop, or 100 Continue): per-response fields restart.
    const size_t sp = line.find(' ');
    status = 0;
    if (sp != std::string_view::npos) {
      status = static_cast<long>(ParseUint(line.substr(sp + 1, 3)).value_or(0));
    }
    content_length.reset();
    range_first.reset();
    range_total.reset();
    etag.clear();
    last_modified.clear();
    return;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  const std::string_view name = Trim(line.substr(0, colon));
  const std::string_view value = Trim(line.substr(colon + 1));
  if (EqualsNoCase(name, "Content-Length")) {
    content_length = ParseUint(value);
  } else if (EqualsNoCase(name, "Content-Range")) {
    // "bytes 100-199/1000", "bytes 100-199/*" or "bytes */1000".
    std::string_view v = value;
    if (!v.starts_with("bytes ")) return;
    v.remove_prefix(6);
    const size_t slash = v.find('/');
    if (slash == std::string_view::npos) return;
    range_total = ParseUint(v.substr(slash + 1));
    const std::string_view span = v.substr(0, slash);
    range_first = ParseUint(span.substr(0, span.find('-')));
  } else if (EqualsNoCase(name, "ETag")) {
    etag = std::string(value);
    if (!source_sha256) {
      source_sha256 = NormalizeSha256(value);
      if (source_sha256) source_sha256_header = "ETag";
    }
  } else if (EqualsNoCase(name, "X-Linked-ETag")) {
    // Hugging Face sends the LFS object's sha256 here on the redirect to its CDN;
    // it wins over a plain ETag seen earlier.
    if (auto sum = NormalizeSha256(value)) {
      source_sha256 = std::move(sum);
      source_sha256_header = "X-Linked-ETag";
    }
  } else if (EqualsNoCase(name, "Last-Modified")) {
    last_modified = std::string(value);
  }
}

std::string ResponseHeaders::Validator() const {
  if (!etag.empty() && !etag.starts_with("W/")) return etag;
  return last_modified;
}

}  // namespace strato::fetch
