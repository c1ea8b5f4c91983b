// What a download needs from HTTP response headers, gathered across the
// responses of a redirect chain as libcurl reports them line by line.
//
// Thread-safety: a value; single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strato::fetch {

struct ResponseHeaders {
  // Of the latest response (reset by each status line).
  long status = 0;
  std::optional<uint64_t> content_length;
  std::optional<uint64_t> range_first;  // Content-Range: bytes FIRST-LAST/TOTAL
  std::optional<uint64_t> range_total;  // also from "bytes */TOTAL" (416)
  std::string etag;
  std::string last_modified;
  // From any response of the chain: a sha256 published by the source, and
  // which header carried it ("X-Linked-ETag" or "ETag").
  std::optional<std::string> source_sha256;
  std::string source_sha256_header;

  // Feeds one raw header line ("HTTP/1.1 206 Partial Content\r\n",
  // "Content-Range: bytes 10-99/100\r\n", ...). Unknown lines are ignored.
  void Observe(std::string_view line);

  // If-Range value for a later resume: a strong ETag, else Last-Modified;
  // empty when the server gave neither.
  std::string Validator() const;
};

}  // namespace strato::fetch
