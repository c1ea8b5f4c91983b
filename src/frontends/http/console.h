// The web console: a single page (HTML, CSS and vanilla JS embedded at build
// time from src/frontends/http/console/) served on the HTTP port. The page
// itself talks only to the server's existing same-origin APIs; these handlers
// just hand out its files.
//
// Thread-safety: stateless; callable from any thread.
#pragma once

#include <string_view>

#include "http_types.h"

namespace strato::http {

// GET /console (the page), /console/console.css, /console/console.js.
// `file` is the path segment after /console ("" for the page itself).
Reply HandleConsole(const RequestView& request, std::string_view file);

// GET /: 302 to /console, so a browser pointed at the port lands on the page.
Reply HandleRootRedirect(const RequestView& request);

}  // namespace strato::http
