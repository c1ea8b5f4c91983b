#include "console.h"

#include <string>

#include "console_assets.h"

namespace strato::http {
namespace {

Reply GetOnly(const RequestView& request) {
  return ErrorReply(405, "this method is not allowed on '" +
                             std::string(request.target.substr(0, 200)) + "'; use GET");
}

Reply Asset(std::string_view content_type, std::string_view body) {
  Reply reply;
  reply.content_type = content_type;
  reply.body.assign(body);
  return reply;
}

}  // namespace

Reply HandleConsole(const RequestView& request, std::string_view file) {
  if (request.method != Method::kGet) return GetOnly(request);
  if (file.empty()) return Asset("text/html; charset=utf-8", ConsoleHtml());
  if (file == "console.css") return Asset("text/css; charset=utf-8", ConsoleCss());
  if (file == "console.js") return Asset("text/javascript; charset=utf-8", ConsoleJs());
  return ErrorReply(
      404, "the console has no file '" + std::string(file.substr(0, 200)) + "'; open /console");
}

Reply HandleRootRedirect(const RequestView& request) {
  if (request.method != Method::kGet) return GetOnly(request);
  Reply reply = EmptyReply(302);
  reply.location = "/console";
  return reply;
}

}  // namespace strato::http
