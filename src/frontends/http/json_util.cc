#include "json_util.h"

#include <type_traits>

namespace strato::http {

void WriteParameters(JsonWriter& writer, const Parameters& parameters) {
  writer.StartObject();
  for (const auto& [key, value] : parameters) {
    WriteString(writer, key);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, bool>) {
            writer.Bool(v);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            writer.Int64(v);
          } else if constexpr (std::is_same_v<T, double>) {
            writer.Double(v);
          } else {
            WriteString(writer, v);
          }
        },
        value);
  }
  writer.EndObject();
}

StatusOr<simdjson::dom::element> ParseJson(const char* data, size_t size, size_t capacity,
                                           std::string_view what) {
  // One parser per thread: its buffers grow to the largest document seen and
  // are then reused, so steady-state parsing allocates nothing.
  thread_local simdjson::dom::parser parser;
  const bool copy = capacity < size + simdjson::SIMDJSON_PADDING;
  simdjson::dom::element root;
  auto error = parser.parse(reinterpret_cast<const uint8_t*>(data), size, copy).get(root);
  if (error) {
    return InvalidArgumentError("malformed JSON in " + std::string(what) + ": " +
                                simdjson::error_message(error));
  }
  return root;
}

Status ReadParameters(simdjson::dom::element object, std::string_view where, Parameters* out) {
  simdjson::dom::object obj;
  if (object.get(obj)) {
    return InvalidArgumentError(std::string(where) + " must be a JSON object");
  }
  for (auto field : obj) {
    std::string key(field.key);
    switch (field.value.type()) {
      case simdjson::dom::element_type::BOOL:
        (*out)[key] = bool(field.value.get_bool().value_unsafe());
        break;
      case simdjson::dom::element_type::INT64:
        (*out)[key] = field.value.get_int64().value_unsafe();
        break;
      case simdjson::dom::element_type::UINT64:
        (*out)[key] = static_cast<double>(field.value.get_uint64().value_unsafe());
        break;
      case simdjson::dom::element_type::DOUBLE:
        (*out)[key] = field.value.get_double().value_unsafe();
        break;
      case simdjson::dom::element_type::STRING:
        (*out)[key] = std::string(field.value.get_string().value_unsafe());
        break;
      default:
        return InvalidArgumentError(std::string(where) + ": parameter '" + key +
                                    "' must be a bool, number or string");
    }
  }
  return Status::Ok();
}

}  // namespace strato::http
