#include "add_sub_backend.h"

#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace strato {
namespace {

struct AddSubSpec {
  std::string input0, input1, sum_output, diff_output;
  DataType datatype = DataType::kInvalid;
};

// Signed overflow is undefined in C++, so integers are computed in the
// matching unsigned type, which wraps exactly like the hardware would.
template <typename T>
T Add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}
template <typename T>
T Sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return a - b;
  }
}

// Inputs may sit unaligned in a network buffer: read with memcpy
// (Tensor::ReadElement), write into the freshly allocated owned buffers
// with memcpy as well to stay clear of aliasing rules.
template <typename T>
void Compute(const Tensor& a, const Tensor& b, uint8_t* sum, uint8_t* diff, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    T x = a.ReadElement<T>(i), y = b.ReadElement<T>(i);
    T s = Add(x, y), d = Sub(x, y);
    if (sum) std::memcpy(sum + i * sizeof(T), &s, sizeof(T));
    if (diff) std::memcpy(diff + i * sizeof(T), &d, sizeof(T));
  }
}

template <float (*ToF)(uint16_t), uint16_t (*FromF)(float)>
void ComputeHalf(const Tensor& a, const Tensor& b, uint8_t* sum, uint8_t* diff, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    float x = ToF(a.ReadElement<uint16_t>(i)), y = ToF(b.ReadElement<uint16_t>(i));
    uint16_t s = FromF(x + y), d = FromF(x - y);
    if (sum) std::memcpy(sum + i * 2, &s, 2);
    if (diff) std::memcpy(diff + i * 2, &d, 2);
  }
}

// Returns false for datatypes add_sub does not support.
bool Dispatch(DataType t, const Tensor& a, const Tensor& b, uint8_t* sum, uint8_t* diff,
              size_t n) {
  switch (t) {
    case DataType::kInt8: Compute<int8_t>(a, b, sum, diff, n); return true;
    case DataType::kInt16: Compute<int16_t>(a, b, sum, diff, n); return true;
    case DataType::kInt32: Compute<int32_t>(a, b, sum, diff, n); return true;
    case DataType::kInt64: Compute<int64_t>(a, b, sum, diff, n); return true;
    case DataType::kUint8: Compute<uint8_t>(a, b, sum, diff, n); return true;
    case DataType::kUint16: Compute<uint16_t>(a, b, sum, diff, n); return true;
    case DataType::kUint32: Compute<uint32_t>(a, b, sum, diff, n); return true;
    case DataType::kUint64: Compute<uint64_t>(a, b, sum, diff, n); return true;
    case DataType::kFp32: Compute<float>(a, b, sum, diff, n); return true;
    case DataType::kFp64: Compute<double>(a, b, sum, diff, n); return true;
    case DataType::kFp16: ComputeHalf<HalfToFloat, FloatToHalf>(a, b, sum, diff, n); return true;
    case DataType::kBf16: ComputeHalf<Bf16ToFloat, FloatToBf16>(a, b, sum, diff, n); return true;
    default: return false;
  }
}

class AddSubInstance final : public ModelInstance {
 public:
  AddSubInstance(std::shared_ptr<const AddSubSpec> spec, int64_t version)
      : spec_(std::move(spec)), version_(version) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (!request) continue;
      auto response = MakeResponse(*request, version_);
      response->status = Run(*request, &response->outputs);
      if (!response->status.ok()) response->outputs.clear();
      if (request->sink) request->sink->Send(std::move(response), /*final=*/true);
    }
  }

 private:
  Status Run(const InferenceRequest& request, std::vector<Tensor>* outputs) const {
    const Tensor* a = request.FindInput(spec_->input0);
    const Tensor* b = request.FindInput(spec_->input1);
    if (a == nullptr || b == nullptr) {
      return InvalidArgumentError("add_sub: request needs inputs '" + spec_->input0 + "' and '" +
                                  spec_->input1 + "'");
    }
    if (a->datatype() != spec_->datatype || b->datatype() != spec_->datatype) {
      return InvalidArgumentError("add_sub: inputs must be " +
                                  std::string(DataTypeName(spec_->datatype)));
    }
    const size_t elem = DataTypeByteSize(spec_->datatype);
    if (a->byte_size() != b->byte_size() || a->byte_size() % elem != 0) {
      return InvalidArgumentError("add_sub: '" + spec_->input0 + "' and '" + spec_->input1 +
                                  "' must have the same number of elements");
    }
    const size_t n = a->byte_size() / elem;
    uint8_t* sum = nullptr;
    uint8_t* diff = nullptr;
    // Reserve first so that the pointers handed out stay valid.
    outputs->reserve(2);
    if (request.WantsOutput(spec_->sum_output)) {
      outputs->emplace_back(spec_->sum_output, spec_->datatype, a->shape());
      sum = outputs->back().AllocateOwned(a->byte_size());
    }
    if (request.WantsOutput(spec_->diff_output)) {
      outputs->emplace_back(spec_->diff_output, spec_->datatype, a->shape());
      diff = outputs->back().AllocateOwned(a->byte_size());
    }
    Dispatch(spec_->datatype, *a, *b, sum, diff, n);
    return Status::Ok();
  }

  std::shared_ptr<const AddSubSpec> spec_;
  int64_t version_;
};

class AddSubModel final : public Model {
 public:
  AddSubModel(std::shared_ptr<const AddSubSpec> spec, int64_t version)
      : spec_(std::move(spec)), version_(version) {}
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int /*index*/) override {
    return std::unique_ptr<ModelInstance>(std::make_unique<AddSubInstance>(spec_, version_));
  }

 private:
  std::shared_ptr<const AddSubSpec> spec_;
  int64_t version_;
};

}  // namespace

StatusOr<std::unique_ptr<Model>> AddSubBackend::LoadModel(const ModelLoadContext& context) const {
  if (context.config == nullptr) return InvalidArgumentError("add_sub: no model config");
  const inference::ModelConfig& config = *context.config;
  const std::string where = "add_sub model '" + config.name() + "': ";
  if (config.input_size() != 2) return InvalidArgumentError(where + "needs exactly 2 inputs");
  if (config.output_size() > 2) return InvalidArgumentError(where + "has at most 2 outputs");
  auto spec = std::make_shared<AddSubSpec>();
  spec->input0 = config.input(0).name();
  spec->input1 = config.input(1).name();
  spec->sum_output = config.output_size() > 0 ? config.output(0).name() : "OUTPUT0";
  spec->diff_output = config.output_size() > 1 ? config.output(1).name() : "OUTPUT1";
  const auto type_name = inference::DataType_Name(config.input(0).data_type());
  auto datatype = DataTypeFromConfigName(type_name);
  if (!datatype || DataTypeByteSize(*datatype) == 0 || *datatype == DataType::kBool) {
    return InvalidArgumentError(where + "unsupported datatype " + type_name);
  }
  spec->datatype = *datatype;
  if (config.input(1).data_type() != config.input(0).data_type()) {
    return InvalidArgumentError(where + "both inputs must have the same datatype");
  }
  for (const auto& out : config.output()) {
    if (out.data_type() != config.input(0).data_type()) {
      return InvalidArgumentError(where + "output '" + out.name() + "' must be " + type_name);
    }
  }
  return std::unique_ptr<Model>(std::make_unique<AddSubModel>(std::move(spec), context.version));
}

}  // namespace strato
