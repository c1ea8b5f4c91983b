#include "http_types.h"

#include "json_util.h"

namespace strato::http {

Reply ErrorReply(int status, std::string_view message) {
  Reply reply;
  reply.status = status;
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("error");
  WriteString(writer, message);
  writer.EndObject();
  reply.body.assign(buffer.GetString(), buffer.GetSize());
  return reply;
}

Reply StatusReply(const Status& status) { return ErrorReply(HttpStatusFor(status), status.message()); }

Reply EmptyReply(int status) {
  Reply reply;
  reply.status = status;
  return reply;
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string PercentDecode(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '%' && i + 2 < segment.size()) {
      const int hi = HexValue(segment[i + 1]);
      const int lo = HexValue(segment[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(segment[i]);
  }
  return out;
}

}  // namespace strato::http
