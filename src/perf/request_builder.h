// Pre-serialised HTTP requests of `strato perf`: the KServe v2 JSON infer
// body (optionally with Triton's binary tensor extension) and the full
// HTTP/1.1 request bytes, built once and sent many times.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "input_data.h"

namespace strato::perf {

struct HttpInferBody {
  std::string body;
  // Length of the JSON header; with the binary extension the raw tensors
  // follow it (sent as Inference-Header-Content-Length). Equals body.size()
  // otherwise.
  size_t json_size = 0;
  bool binary = false;
};

// Builds {"inputs":[{"name","datatype","shape","data"}...], "outputs":[...]}.
// With `binary`, input data is appended raw after the JSON (each input gets
// parameters.binary_data_size) and every output in `outputs` is requested
// with binary_data=true. Without it, `outputs` are requested as JSON (none
// listed: the server returns every output).
HttpInferBody BuildHttpInferBody(const InputSet& inputs, const std::vector<std::string>& outputs, bool binary);

// "/v2/models/{model}[/versions/{version}]" followed by `suffix`
// (e.g. "/infer", "/stats", "/config", or "" for metadata). The model name
// is percent-encoded where needed.
std::string ModelPath(std::string_view model, std::string_view version, std::string_view suffix);

// A complete HTTP/1.1 request with keep-alive. `body` may be null (GET).
std::string BuildHttpRequest(std::string_view method, std::string_view host, std::string_view path,
                             const HttpInferBody* body);

}  // namespace strato::perf
