#include "strato_pipeline_backend.h"

#include <cmath>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "strato/features/transform.h"
#include "xgboost_booster.h"

namespace strato {
namespace {

namespace fs = std::filesystem;
using features::FeatureTransform;

struct PipelineSpec {
  FeatureTransform transform;
  std::vector<uint8_t> model_bytes;
  std::string source;
  bool risk_output = false;
  int64_t version = 0;
};

StatusOr<FeatureTransform> LoadTransform(const fs::path& version_dir) {
  const fs::path path = version_dir / "transform.json";
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadFileBytes(path.string()));
  auto t = FeatureTransform::FromJson(std::string_view(reinterpret_cast<const char*>(bytes.data()),
                                                       bytes.size()));
  if (!t.ok()) return t.status().WithPrefix(path.string());
  for (const auto& in : t->inputs()) {
    if (in.type != features::ColumnType::kNumber) {
      return InvalidArgumentError(path.string() + ": input column '" + in.name +
                                  "' holds text, which an FP32 RAW tensor cannot carry");
    }
  }
  return t;
}

int OutputWidth(const FeatureTransform& t) {
  return t.model_info().task == "multiclass" ? t.model_info().num_class : 1;
}

class PipelineInstance final : public ModelInstance {
 public:
  PipelineInstance(std::shared_ptr<const PipelineSpec> spec, std::unique_ptr<XgbBooster> booster)
      : spec_(std::move(spec)), booster_(std::move(booster)) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (!request) continue;
      try {
        Status status = Run(*request);
        if (!status.ok()) RespondWithError(*request, spec_->version, std::move(status));
      } catch (const std::exception& e) {  // allocation failure: answer, never throw
        RespondWithError(*request, spec_->version, InternalError(e.what()));
      }
    }
  }

 private:
  Status Run(InferenceRequest& request) {
    if (request.IsCancelled()) return CancelledError("request cancelled");
    const Tensor* in = request.FindInput("RAW");
    if (in == nullptr && request.inputs.size() == 1) in = &request.inputs.front();
    const auto& inputs = spec_->transform.inputs();
    const int64_t c = static_cast<int64_t>(inputs.size());
    if (in == nullptr) return InvalidArgumentError("strato_pipeline: request has no input 'RAW'");
    if (in->datatype() != DataType::kFp32 || in->shape().empty() || in->shape().back() != c ||
        in->byte_size() != static_cast<size_t>(in->element_count()) * sizeof(float)) {
      return InvalidArgumentError("strato_pipeline: input 'RAW' must be FP32 [N, " +
                                  std::to_string(c) + "] (columns: " + ColumnList() + ")");
    }
    const size_t rows = static_cast<size_t>(in->element_count() / c);
    if (rows == 0) return InvalidArgumentError("strato_pipeline: input 'RAW' has no rows");
    // The raw rows as a table: the transform's input columns, by name.
    features::Table table;
    table.rows = rows;
    for (size_t j = 0; j < inputs.size(); ++j) {
      features::Column col{inputs[j].name, features::ColumnType::kNumber, {}, {}};
      col.numbers.resize(rows);
      for (size_t r = 0; r < rows; ++r) {
        col.numbers[r] = static_cast<double>(in->ReadElement<float>(r * inputs.size() + j));
      }
      table.columns.push_back(std::move(col));
    }
    ASSIGN_OR_RETURN(std::vector<float> x, spec_->transform.Apply(table));
    request.times.compute_input_end_ns = NowNs();
    std::vector<float> raw;
    ASSIGN_OR_RETURN(size_t width, booster_->Predict(x.data(), rows, &raw));
    request.times.compute_output_start_ns = NowNs();
    auto response = MakeResponse(request, spec_->version);
    if (request.WantsOutput("PREDICTION")) {
      Tensor out("PREDICTION", DataType::kFp32,
                 {static_cast<int64_t>(rows), static_cast<int64_t>(width)});
      auto* v = reinterpret_cast<float*>(out.AllocateOwned(raw.size() * sizeof(float)));
      std::copy(raw.begin(), raw.end(), v);
      response->outputs.push_back(std::move(out));
    }
    if (spec_->risk_output && request.WantsOutput("FAILURE_RISK")) {
      Tensor out("FAILURE_RISK", DataType::kFp32, {static_cast<int64_t>(rows), 1});
      auto* v = reinterpret_cast<float*>(out.AllocateOwned(rows * sizeof(float)));
      const auto& info = spec_->transform.model_info();
      for (size_t r = 0; r < rows; ++r) v[r] = Risk(info, raw[r * width]);
      response->outputs.push_back(std::move(out));
    }
    request.sink->Send(std::move(response), /*final=*/true);
    return Status::Ok();
  }

  static float Risk(const features::ModelInfo& info, float prediction) {
    if (info.task != "regression") return prediction;
    const double sigma = info.residual_std > 0 ? info.residual_std : 1.0;
    // P(true <= horizon) with true ~ N(prediction, sigma^2).
    return static_cast<float>(0.5 * std::erfc((prediction - info.risk_horizon) /
                                              (sigma * std::sqrt(2.0))));
  }

  std::string ColumnList() const {
    std::string out;
    for (const auto& in : spec_->transform.inputs()) out += (out.empty() ? "" : ", ") + in.name;
    return out;
  }

  std::shared_ptr<const PipelineSpec> spec_;
  std::unique_ptr<XgbBooster> booster_;
};

class PipelineModel final : public Model {
 public:
  explicit PipelineModel(std::shared_ptr<const PipelineSpec> spec) : spec_(std::move(spec)) {}
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int) override {
    ASSIGN_OR_RETURN(auto booster, XgbBooster::Load(spec_->model_bytes, 1, spec_->source));
    if (booster->num_features() != static_cast<int64_t>(spec_->transform.num_features())) {
      return InvalidArgumentError(spec_->source + ": the model has " +
                                  std::to_string(booster->num_features()) +
                                  " features but transform.json makes " +
                                  std::to_string(spec_->transform.num_features()));
    }
    return std::unique_ptr<ModelInstance>(
        std::make_unique<PipelineInstance>(spec_, std::move(booster)));
  }
  size_t memory_bytes() const override { return spec_->model_bytes.size(); }

 private:
  std::shared_ptr<const PipelineSpec> spec_;
};

}  // namespace

Status StratoPipelineBackend::AutoCompleteConfig(const fs::path& version_dir,
                                                 inference::ModelConfig* config) const {
  ASSIGN_OR_RETURN(FeatureTransform t, LoadTransform(version_dir));
  if (config->input_size() == 0) {
    auto* in = config->add_input();
    in->set_name("RAW");
    in->set_data_type(inference::TYPE_FP32);
    in->add_dims(-1);
    in->add_dims(static_cast<int64_t>(t.inputs().size()));
  }
  if (config->output_size() == 0) {
    auto* out = config->add_output();
    out->set_name("PREDICTION");
    out->set_data_type(inference::TYPE_FP32);
    out->add_dims(-1);
    out->add_dims(OutputWidth(t));
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Model>> StratoPipelineBackend::LoadModel(
    const ModelLoadContext& context) const {
  if (context.config == nullptr) return InvalidArgumentError("strato_pipeline: no model config");
  auto spec = std::make_shared<PipelineSpec>();
  ASSIGN_OR_RETURN(spec->transform, LoadTransform(context.version_dir));
  spec->source = (context.version_dir / "model.json").string();
  ASSIGN_OR_RETURN(spec->model_bytes, ReadFileBytes(spec->source));
  spec->version = context.version;
  const auto& config = *context.config;
  for (const auto& in : config.input()) {
    if (in.dims_size() > 0 && in.dims(in.dims_size() - 1) != -1 &&
        in.dims(in.dims_size() - 1) != static_cast<int64_t>(spec->transform.inputs().size())) {
      return InvalidArgumentError(context.version_dir.string() + ": config input '" + in.name() +
                                  "' has " + std::to_string(in.dims(in.dims_size() - 1)) +
                                  " columns but transform.json expects " +
                                  std::to_string(spec->transform.inputs().size()));
    }
  }
  for (const auto& out : config.output()) {
    if (out.name() == "FAILURE_RISK") spec->risk_output = true;
  }
  // Fail at load, not at the first request, when the model file is bad.
  PipelineModel probe(spec);
  ASSIGN_OR_RETURN(auto instance, probe.CreateInstance(0));
  (void)instance;
  return std::unique_ptr<Model>(std::make_unique<PipelineModel>(std::move(spec)));
}

}  // namespace strato
