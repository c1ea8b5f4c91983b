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
    const std::string body = request.body ? *request.body : std::string();
    HttpRouteResponse answer = route.handler(MethodText(request.method), std::string(request.target), body);
    Reply reply;
    reply.status = answer.status;
    reply.body = std::move(answer.body);
    return reply;
  }
  return next_->Handle(request);
}

}  // namespace strato::http
