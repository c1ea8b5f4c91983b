// Helpers shared by the backend tests: build requests by hand, collect the
// responses a ModelInstance sends, parse configs from text.
//
// Thread-safety: CollectingSink is safe to call from any thread; the rest
// are plain functions.
#pragma once

#include <google/protobuf/text_format.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "strato/backend/backend.h"

namespace strato::testing {

class CollectingSink : public ResponseSink {
 public:
  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (final) ++finals_;
    responses_.push_back(std::move(response));
  }
  int finals() const {
    std::lock_guard<std::mutex> lock(mu_);
    return finals_;
  }
  // REQUIRES: exactly one response was sent.
  const InferenceResponse& only() const {
    std::lock_guard<std::mutex> lock(mu_);
    return *responses_.at(0);
  }
  size_t count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return responses_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<InferenceResponse>> responses_;
  int finals_ = 0;
};

// Tensors made here view shared storage instead of owning their bytes:
// braced lists of tensors (std::initializer_list) copy them, and a copied
// Tensor that owns its bytes would still point at the source's buffer.
inline Tensor MakeViewTensor(std::string name, DataType type, std::vector<int64_t> shape,
                             const void* data, size_t size) {
  auto storage = std::make_shared<std::vector<uint8_t>>(size);
  if (size > 0) std::memcpy(storage->data(), data, size);
  Tensor t(std::move(name), type, std::move(shape));
  t.SetView(storage->data(), size, storage);
  return t;
}

template <typename T>
Tensor MakeTensor(std::string name, DataType type, std::vector<int64_t> shape,
                  const std::vector<T>& values) {
  return MakeViewTensor(std::move(name), type, std::move(shape), values.data(),
                        values.size() * sizeof(T));
}

// A tensor viewing its bytes at an odd address, as a network buffer may.
inline Tensor MakeUnalignedTensor(std::string name, DataType type, std::vector<int64_t> shape,
                                  const void* data, size_t size) {
  auto storage = std::make_shared<std::vector<uint8_t>>(size + 1);
  std::memcpy(storage->data() + 1, data, size);
  Tensor t(std::move(name), type, std::move(shape));
  t.SetView(storage->data() + 1, size, storage);
  return t;
}

inline std::unique_ptr<InferenceRequest> MakeRequest(std::string id, std::vector<Tensor> inputs,
                                                     std::shared_ptr<ResponseSink> sink) {
  auto request = std::make_unique<InferenceRequest>();
  request->id = std::move(id);
  request->model_name = "test";
  request->inputs = std::move(inputs);
  request->sink = std::move(sink);
  request->times.compute_start_ns = NowNs();
  return request;
}

inline inference::ModelConfig ParseConfig(const std::string& text) {
  inference::ModelConfig config;
  if (!google::protobuf::TextFormat::ParseFromString(text, &config)) config.set_name("PARSE_ERROR");
  return config;
}

// Loads `config` with `backend` and creates instance 0.
inline StatusOr<std::unique_ptr<ModelInstance>> LoadInstance(
    const Backend& backend, const inference::ModelConfig& config,
    const std::filesystem::path& version_dir, std::unique_ptr<Model>* model) {
  ModelLoadContext context;
  context.config = &config;
  context.version_dir = version_dir;
  context.model_dir = version_dir.parent_path();
  context.version = 1;
  ASSIGN_OR_RETURN(*model, backend.LoadModel(context));
  return (*model)->CreateInstance(0);
}

template <typename T>
std::vector<T> Values(const Tensor& t) {
  std::vector<T> out(t.byte_size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), t.data(), t.byte_size());
  return out;
}

}  // namespace strato::testing
