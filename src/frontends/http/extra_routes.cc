#include "extra_routes.h"

namespace strato::http {
namespace {

const char* MethodText(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kDelete: return "DELETE";
    default: return "OTHER";
  }
}

// `target` starts with `prefix` followed by the end, '/' or '?'.
bool Matches(std::string_view target, std::string_view prefix) {
  if (target.substr(0, prefix.size()) != prefix) return false;
  return target.size() == prefix.size() || target[prefix.size()] == '/' || target[prefix.size()] == '?';
}

}  // namespace

RouteResult ExtraRoutesHandler::Handle(const RequestView& request) {
  for (const auto& route : routes_) {
    if (!Matches(request.target, route.prefix)) continue;
    // Off the io thread: a deployment change blocks while a version loads.
    PendingCall call;
    call.run = [handler = route.handler, method = std::string(MethodText(request.method)),
                target = std::string(request.target), body = request.body]() {
      HttpRouteResponse answer = handler(method, target, body ? *body : std::string());
      Reply reply;
      reply.status = answer.status;
      reply.body = std::move(answer.body);
      return reply;
    };
    return call;
  }
  return next_->Handle(request);
}

}  // namespace strato::http
