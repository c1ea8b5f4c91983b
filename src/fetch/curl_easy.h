// RAII for libcurl easy handles and header lists, and the options every
// strato download uses (redirects, http/https only, timeouts, user agent).
//
// Thread-safety: a handle is single-threaded; NewEasyHandle may be called
// from any thread (global init happens once).
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

namespace strato::fetch {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// A handle for a GET of `url` with strato's defaults: follows up to 10
// redirects over http/https only, connect timeout and stall timeout of
// `timeout_seconds`, no signals. Null when libcurl cannot allocate one.
CurlEasy NewEasyHandle(const std::string& url, int timeout_seconds);

// Builds a header list ("Name: value" each); null for an empty list.
CurlList MakeHeaderList(const std::vector<std::string>& headers);

}  // namespace strato::fetch
