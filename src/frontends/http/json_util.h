// JSON helpers for the HTTP frontend: a rapidjson writer alias, parameter
// maps in both directions, and simdjson parsing with a per-thread parser.
//
// Thread-safety: ParseJson uses a thread_local parser; the returned element
// is valid until the next ParseJson call on the same thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include "strato/core/inference.h"
#include "strato/core/status.h"

namespace strato::http {

using JsonBuffer = rapidjson::StringBuffer;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void WriteString(JsonWriter& writer, std::string_view s) {
  writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Writes {"key": value, ...} for `parameters`.
void WriteParameters(JsonWriter& writer, const Parameters& parameters);

// Parses `size` bytes at `data`. `capacity` is how many bytes are readable
// from `data` (>= size); when it leaves simdjson's padding the text is parsed
// in place, otherwise copied. `what` names the document in errors
// ("request body"): INVALID_ARGUMENT "malformed JSON in <what>: <reason>".
StatusOr<simdjson::dom::element> ParseJson(const char* data, size_t size, size_t capacity,
                                           std::string_view what);

// Converts a JSON object of parameters (bool, integer, float or string
// values) to Parameters. `where` names the object in errors.
Status ReadParameters(simdjson::dom::element object, std::string_view where, Parameters* out);

// Copies a simdjson string view into a std::string.
inline std::string ToString(std::string_view s) { return std::string(s); }

}  // namespace strato::http
