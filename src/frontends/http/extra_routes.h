// ExtraRoutesHandler: answers the route groups registered in
// HttpServerOptions::extra_routes and hands every other request to the
// KServe router, so that layers above the frontends (the deployer's
// management API) can serve over the same port without the frontend
// depending on them.
//
// Thread-safety: Handle may be called concurrently from every io thread
// (the routes are immutable; handlers must be thread-safe).
#pragma once

#include <memory>
#include <vector>

#include "router.h"
#include "strato/frontends/http_server.h"

namespace strato::http {

class ExtraRoutesHandler : public RequestHandler {
 public:
  ExtraRoutesHandler(std::vector<HttpExtraRoute> routes, std::unique_ptr<RequestHandler> next)
      : routes_(std::move(routes)), next_(std::move(next)) {}
  RouteResult Handle(const RequestView& request) override;

 private:
  const std::vector<HttpExtraRoute> routes_;
  const std::unique_ptr<RequestHandler> next_;
};

}  // namespace strato::http
