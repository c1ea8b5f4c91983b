// Fuzzes the v2 JSON inference request decoder, and re-encodes whatever it
// accepts as a response (JSON and binary, with classification) so both
// directions of the codec see arbitrary tensors.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "v2_json_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto body = std::make_shared<const std::string>(reinterpret_cast<const char*>(data), size);
  auto request = strato::http::DecodeInferRequest(body, "");
  if (!request.ok()) return 0;
  strato::InferenceResponse response;
  response.model_name = "fuzz";
  response.id = (*request)->id;
  for (const auto& in : (*request)->inputs) {
    strato::Tensor out(in.name(), in.datatype(), in.shape());
    out.SetView(in.data(), in.byte_size(), nullptr);
    response.outputs.push_back(std::move(out));
  }
  auto options = strato::http::OutputOptionsFor(**request, size % 2 == 0);
  auto encoded = strato::http::EncodeInferResponse(response, options);
  (void)encoded;
  return 0;
}
