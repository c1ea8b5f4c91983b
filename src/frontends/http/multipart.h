// multipart/form-data bodies (RFC 7578 over RFC 2046's multipart syntax), as
// OpenAI's /v1/audio/transcriptions receives them.
//
// The parser is strict where a sloppy reading could confuse parts (every
// part needs a Content-Disposition: form-data with a name; the body must
// end with the closing delimiter) and bounded (part count, header size), so
// that hostile bodies cost linear time and no surprises. Part data views the
// body: no copies.
//
// Thread-safety: free functions over values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato::http {

struct MultipartPart {
  std::string name;      // Content-Disposition name=
  std::string filename;  // Content-Disposition filename= (empty: a plain field)
  bool has_filename = false;
  std::string content_type;  // the part's Content-Type, if any
  std::string_view data;     // views the body
};

inline constexpr size_t kMaxMultipartParts = 64;
inline constexpr size_t kMaxMultipartHeaderBytes = 8192;

// The boundary of a "multipart/form-data; boundary=..." Content-Type
// (quoted or not). INVALID_ARGUMENT when the type is something else or the
// boundary is missing or longer than RFC 2046's 70 characters.
StatusOr<std::string> MultipartBoundary(std::string_view content_type);

// Splits `body` into its parts. INVALID_ARGUMENT names what is wrong.
StatusOr<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                    std::string_view boundary);

// The first part named `name`, or null.
const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name);

}  // namespace strato::http
