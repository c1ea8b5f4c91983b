#include "curl_easy.h"

#include <cstdlib>
#include <mutex>

namespace strato::fetch {

CurlEasy NewEasyHandle(const std::string& url, int timeout_seconds) {
  static std::once_flag init_once;
  std::call_once(init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CurlEasy handle(curl_easy_init());
  if (!handle) return handle;
  CURL* h = handle.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "strato/0.1.0");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_seconds));
  // A stall (under 1 byte/s for timeout_seconds) fails the attempt; a slow
  // but moving multi-gigabyte download never does.
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(timeout_seconds));
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  // The curl tool's variables for a private CA (a company proxy, a local mirror);
  // without them libcurl uses the system store. Proxies come from https_proxy etc.
  for (const char* var : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
    const char* path = std::getenv(var);
    if (path != nullptr && path[0] != '\0') {
      curl_easy_setopt(h, CURLOPT_CAINFO, path);
      break;
    }
  }
  return handle;
}

CurlList MakeHeaderList(const std::vector<std::string>& headers) {
  curl_slist* list = nullptr;
  for (const auto& header : headers) {
    curl_slist* grown = curl_slist_append(list, header.c_str());
    if (grown == nullptr) break;  // out of memory: send what we have
    list = grown;
  }
  return CurlList(list);
}

}  // namespace strato::fetch
