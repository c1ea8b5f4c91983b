// Fuzzes the binary tensor data extension: the first two bytes choose the
// Inference-Header-Content-Length value (sometimes absent or not a number),
// the rest is the body (JSON header then binary input data).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "binary_extension.h"
#include "v2_json_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const unsigned selector = static_cast<unsigned>(data[0]) << 8 | data[1];
  auto body = std::make_shared<const std::string>(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string header;
  if (selector == 0xffff) {
    header = "";  // no header: the whole body is JSON
  } else if (selector == 0xfffe) {
    header = "12x";  // not a number
  } else {
    header = std::to_string(selector);
  }
  auto parts = strato::http::SplitInferenceBody(*body, header);
  if (parts.ok()) {
    strato::http::BinaryInputSlicer slicer(parts->binary);
    (void)slicer.Take("x", selector % 64);
    (void)slicer.Finish();
  }
  auto request = strato::http::DecodeInferRequest(body, header);
  if (request.ok()) {
    for (const auto& t : (*request)->inputs) (void)t.Validate();
  }
  return 0;
}
