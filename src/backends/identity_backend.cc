#include "identity_backend.h"

#include <string>
#include <utility>
#include <vector>

namespace strato {
namespace {

struct IdentityPair {
  std::string input;
  std::string output;
};

// Outputs missing from the config still get a stable, predictable name so
// that a config listing only inputs works like Triton's identity example.
std::string DeriveOutputName(const std::string& input) {
  constexpr std::string_view kIn = "INPUT";
  if (input.starts_with(kIn)) return "OUTPUT" + input.substr(kIn.size());
  return input + "_OUT";
}

class IdentityInstance final : public ModelInstance {
 public:
  IdentityInstance(std::shared_ptr<const std::vector<IdentityPair>> pairs, int64_t version)
      : pairs_(std::move(pairs)), version_(version) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (!request) continue;
      auto response = MakeResponse(*request, version_);
      for (const IdentityPair& pair : *pairs_) {
        if (!request->WantsOutput(pair.output)) continue;
        const Tensor* in = request->FindInput(pair.input);
        if (in == nullptr) continue;  // optional input left out
        Tensor out(pair.output, in->datatype(), in->shape());
        if (in->byte_size() > 0) {
          std::memcpy(out.AllocateOwned(in->byte_size()), in->data(), in->byte_size());
        }
        response->outputs.push_back(std::move(out));
      }
      if (request->sink) request->sink->Send(std::move(response), /*final=*/true);
    }
  }

 private:
  std::shared_ptr<const std::vector<IdentityPair>> pairs_;
  int64_t version_;
};

class IdentityModel final : public Model {
 public:
  IdentityModel(std::shared_ptr<const std::vector<IdentityPair>> pairs, int64_t version)
      : pairs_(std::move(pairs)), version_(version) {}

  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int /*index*/) override {
    return std::unique_ptr<ModelInstance>(std::make_unique<IdentityInstance>(pairs_, version_));
  }

 private:
  std::shared_ptr<const std::vector<IdentityPair>> pairs_;
  int64_t version_;
};

}  // namespace

StatusOr<std::unique_ptr<Model>> IdentityBackend::LoadModel(
    const ModelLoadContext& context) const {
  if (context.config == nullptr) return InvalidArgumentError("identity: no model config");
  const inference::ModelConfig& config = *context.config;
  if (config.input_size() == 0) {
    return InvalidArgumentError("identity model '" + config.name() + "': config has no input");
  }
  auto pairs = std::make_shared<std::vector<IdentityPair>>();
  for (int i = 0; i < config.input_size(); ++i) {
    const auto& in = config.input(i);
    if (i < config.output_size()) {
      const auto& out = config.output(i);
      if (out.data_type() != in.data_type()) {
        return InvalidArgumentError("identity model '" + config.name() + "': output '" +
                                    out.name() + "' datatype differs from input '" + in.name() +
                                    "'");
      }
      pairs->push_back({in.name(), out.name()});
    } else {
      pairs->push_back({in.name(), DeriveOutputName(in.name())});
    }
  }
  return std::unique_ptr<Model>(std::make_unique<IdentityModel>(std::move(pairs), context.version));
}

}  // namespace strato
