#include "xgboost_instance.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <utility>

namespace strato {

size_t XgboostOutputWidth(size_t raw_width, const XgboostOptions& options) {
  if (options.predict_proba) return std::max<size_t>(2, raw_width);
  if (options.output_class) return 1;
  return raw_width;
}

void XgboostTransformRow(const float* raw, size_t raw_width, const XgboostOptions& options,
                         float* out) {
  if (options.predict_proba) {
    if (raw_width == 1) {  // binary: FIL reports both class columns
      out[0] = 1.0f - raw[0];
      out[1] = raw[0];
    } else {
      std::memcpy(out, raw, raw_width * sizeof(float));
    }
  } else if (options.output_class) {
    if (raw_width == 1) {
      out[0] = raw[0] >= options.threshold ? 1.0f : 0.0f;
    } else {
      out[0] = static_cast<float>(std::max_element(raw, raw + raw_width) - raw);
    }
  } else {
    std::memcpy(out, raw, raw_width * sizeof(float));
  }
}

namespace {

class XgboostInstance final : public ModelInstance {
 public:
  XgboostInstance(std::shared_ptr<const XgboostModelSpec> spec,
                  std::unique_ptr<XgbBooster> booster)
      : spec_(std::move(spec)), booster_(std::move(booster)) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    // Nothing below should throw except allocation failure; an exception
    // must not escape into the scheduler thread, so answer every request
    // still pending with the error instead.
    std::vector<Pending> pending;
    try {
      ExecuteImpl(batch, &pending);
    } catch (const std::exception& e) {
      for (const Pending& p : pending) {
        if (!p.answered) RespondWithError(*p.request, spec_->version, InternalError(e.what()));
      }
    }
  }

 private:
  struct Pending {
    InferenceRequest* request;
    const Tensor* input;
    size_t first_row;
    size_t rows;
    bool answered = false;
  };

  void ExecuteImpl(std::vector<std::unique_ptr<InferenceRequest>>& batch,
                   std::vector<Pending>* pending) {
    const size_t f = static_cast<size_t>(spec_->num_features);
    size_t total_rows = 0;
    pending->reserve(batch.size());
    for (auto& request : batch) {
      if (!request) continue;
      if (request->IsCancelled()) {
        RespondWithError(*request, spec_->version, CancelledError("request cancelled"));
        continue;
      }
      const Tensor* input = nullptr;
      size_t rows = 0;
      Status status = CheckInput(*request, &input, &rows);
      if (!status.ok()) {
        RespondWithError(*request, spec_->version, std::move(status));
        continue;
      }
      pending->push_back({request.get(), input, total_rows, rows});
      total_rows += rows;
    }
    if (pending->empty()) return;
    // One dense matrix for the whole batch; memcpy because network buffers
    // give no alignment guarantee for floats.
    features_.resize(total_rows * f);
    for (const Pending& p : *pending) {
      if (p.rows > 0) std::memcpy(features_.data() + p.first_row * f, p.input->data(), p.rows * f * 4);
    }
    const uint64_t input_end = NowNs();
    size_t raw_width = spec_->raw_width;
    if (total_rows > 0) {
      auto width = booster_->Predict(features_.data(), total_rows, &raw_);
      if (!width.ok() || *width != spec_->raw_width) {
        Status error = width.ok() ? InternalError("XGBoost output width changed") : width.status();
        for (Pending& p : *pending) {
          RespondWithError(*p.request, spec_->version, error);
          p.answered = true;
        }
        return;
      }
      raw_width = *width;
    }
    const uint64_t output_start = NowNs();
    for (Pending& p : *pending) {
      p.request->times.compute_input_end_ns = input_end;
      p.request->times.compute_output_start_ns = output_start;
      Respond(p, raw_width);
      p.answered = true;
    }
  }

  // Finds the request's feature tensor and checks datatype, width and size.
  Status CheckInput(const InferenceRequest& request, const Tensor** input, size_t* rows) const {
    const Tensor* in = spec_->input_name.empty() ? nullptr : request.FindInput(spec_->input_name);
    if (in == nullptr && request.inputs.size() == 1) in = &request.inputs.front();
    if (in == nullptr) {
      return InvalidArgumentError("xgboost: request has no input '" + spec_->input_name + "'");
    }
    if (in->datatype() != DataType::kFp32) {
      return InvalidArgumentError("xgboost: input '" + in->name() + "' must be FP32, got " +
                                  std::string(DataTypeName(in->datatype())));
    }
    const auto& shape = in->shape();
    const int64_t f = spec_->num_features;
    const int64_t elements = in->element_count();
    if (shape.empty() || shape.back() != f || elements < 0 ||
        in->byte_size() != static_cast<size_t>(elements) * sizeof(float)) {
      return InvalidArgumentError("xgboost: input '" + in->name() + "' must have shape [N, " +
                                  std::to_string(f) + "] and matching byte size");
    }
    *input = in;
    *rows = static_cast<size_t>(elements / f);
    return Status::Ok();
  }

  void Respond(const Pending& p, size_t raw_width) {
    InferenceRequest& request = *p.request;
    auto response = MakeResponse(request, spec_->version);
    if (request.WantsOutput(spec_->output_name)) {
      std::vector<int64_t> shape = p.input->shape();
      shape.back() = static_cast<int64_t>(spec_->out_width);
      Tensor out(spec_->output_name, DataType::kFp32, std::move(shape));
      // Owned bytes from AllocateOwned have operator new's alignment, so
      // writing floats through a cast pointer is fine here.
      auto* values = reinterpret_cast<float*>(
          out.AllocateOwned(p.rows * spec_->out_width * sizeof(float)));
      for (size_t r = 0; r < p.rows; ++r) {
        XgboostTransformRow(raw_.data() + (p.first_row + r) * raw_width, raw_width,
                            spec_->options, values + r * spec_->out_width);
      }
      response->outputs.push_back(std::move(out));
    }
    if (request.sink) request.sink->Send(std::move(response), /*final=*/true);
  }

  std::shared_ptr<const XgboostModelSpec> spec_;
  std::unique_ptr<XgbBooster> booster_;
  std::vector<float> features_;  // reused across batches to avoid reallocation
  std::vector<float> raw_;
};

}  // namespace

StatusOr<std::unique_ptr<ModelInstance>> XgboostModel::CreateInstance(int /*index*/) {
  ASSIGN_OR_RETURN(auto booster, XgbBooster::Load(spec_->bytes, spec_->options.nthread,
                                                  spec_->source));
  return std::unique_ptr<ModelInstance>(
      std::make_unique<XgboostInstance>(spec_, std::move(booster)));
}

}  // namespace strato
