#include <charconv>
#include <fstream>

#include "strato/core/logging.h"
#include "strato/core/tensor.h"
#include "strato/sentiment/backend.h"
#include "strato/sentiment/json_text.h"
#include "strato/sentiment/model.h"
#include "strato/sentiment/train.h"

namespace strato::sentiment {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTextInput = "TEXT";
constexpr std::string_view kLabelOutput = "LABEL";
constexpr std::string_view kScoreOutput = "SCORE";
constexpr std::string_view kExplanationOutput = "EXPLANATION";
constexpr std::string_view kCacheKeyFile = "sentiment.model.source";

StatusOr<size_t> SizeParameter(const inference::ModelConfig& config, std::string_view key,
                               size_t fallback) {
  const std::string text = ConfigParameter(config, key);
  if (text.empty()) return fallback;
  size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError("parameter " + std::string(key) +
                                ": expected a whole number, got '" + text + "'");
  }
  return value;
}

struct ServingOptions {
  size_t explain_top_k = 5;
  size_t max_text_bytes = 0;
};

class SentimentInstance final : public ModelInstance {
 public:
  SentimentInstance(std::shared_ptr<const SentimentModel> model, ServingOptions options,
                    int64_t version)
      : model_(std::move(model)), options_(options), version_(version) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (request) Answer(*request);
    }
  }

 private:
  void Answer(const InferenceRequest& request) {
    const Tensor* input = request.FindInput(kTextInput);
    if (input == nullptr || input->datatype() != DataType::kBytes) {
      RespondWithError(request, version_,
                       InvalidArgumentError("input 'TEXT' must be a BYTES tensor of UTF-8 texts"));
      return;
    }
    std::vector<std::string_view> texts;
    Status parsed =
        ForEachBytesElement(input->bytes(), [&](std::string_view s) { texts.push_back(s); });
    if (!parsed.ok()) {
      RespondWithError(request, version_, parsed.WithPrefix("input 'TEXT'"));
      return;
    }
    const bool want_label = request.WantsOutput(kLabelOutput);
    const bool want_score = request.WantsOutput(kScoreOutput);
    const bool want_explanation = request.WantsOutput(kExplanationOutput);
    std::vector<uint8_t> labels, explanations;
    std::vector<float> scores;
    scores.reserve(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
      const std::string element = "input 'TEXT' element " + std::to_string(i);
      if (texts[i].empty()) {
        RespondWithError(request, version_, InvalidArgumentError(element + ": empty text"));
        return;
      }
      if (texts[i].size() > options_.max_text_bytes) {
        RespondWithError(
            request, version_,
            InvalidArgumentError(element + ": text is " + std::to_string(texts[i].size()) +
                                 " bytes, above the limit of " +
                                 std::to_string(options_.max_text_bytes) +
                                 " (config parameter max_text_bytes)"));
        return;
      }
      auto features = model_->featurizer().Featurize(texts[i]);
      if (!features.ok()) {
        RespondWithError(request, version_,
                         InvalidArgumentError(element + ": " + features.status().message()));
        return;
      }
      const Prediction p = model_->PredictFeatures(*features);
      if (want_label) AppendBytesElement(&labels, model_->labels()[p.label]);
      scores.push_back(p.score);
      if (want_explanation) {
        AppendBytesElement(&explanations,
                           ExplanationJson(model_->Explain(*features, options_.explain_top_k)));
      }
    }
    auto response = MakeResponse(request, version_);
    const std::vector<int64_t> shape = input->shape();
    if (want_label) {
      Tensor t(std::string(kLabelOutput), DataType::kBytes, shape);
      t.SetOwned(std::move(labels));
      response->outputs.push_back(std::move(t));
    }
    if (want_score) {
      Tensor t(std::string(kScoreOutput), DataType::kFp32, shape);
      const size_t bytes = scores.size() * sizeof(float);
      if (bytes > 0) std::memcpy(t.AllocateOwned(bytes), scores.data(), bytes);
      response->outputs.push_back(std::move(t));
    }
    if (want_explanation) {
      Tensor t(std::string(kExplanationOutput), DataType::kBytes, shape);
      t.SetOwned(std::move(explanations));
      response->outputs.push_back(std::move(t));
    }
    if (request.sink) request.sink->Send(std::move(response), /*final=*/true);
  }

  std::shared_ptr<const SentimentModel> model_;
  ServingOptions options_;
  int64_t version_;
};

class LoadedSentimentModel final : public Model {
 public:
  LoadedSentimentModel(std::shared_ptr<const SentimentModel> model, ServingOptions options,
                       int64_t version)
      : model_(std::move(model)), options_(options), version_(version) {}

  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int /*index*/) override {
    return std::unique_ptr<ModelInstance>(
        std::make_unique<SentimentInstance>(model_, options_, version_));
  }
  size_t memory_bytes() const override { return model_->memory_bytes(); }

 private:
  std::shared_ptr<const SentimentModel> model_;
  ServingOptions options_;
  int64_t version_;
};

std::string CacheKey(const fs::path& tsv, const TrainOptions& options, size_t max_rows) {
  std::error_code ec;
  const auto size = fs::file_size(tsv, ec);
  const auto mtime = fs::last_write_time(tsv, ec).time_since_epoch().count();
  return fs::absolute(tsv).string() + "\n" + std::to_string(size) + "\n" + std::to_string(mtime) +
         "\n" + options.family + "\n" + std::to_string(max_rows) + "\n";
}

std::string ReadSmallFile(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Trains from `train_tsv` unless the version folder caches a model trained
// from the same file with the same options.
StatusOr<SentimentModel> TrainAtLoad(const ModelLoadContext& context, const fs::path& model_file) {
  const inference::ModelConfig& config = *context.config;
  fs::path tsv = ConfigParameter(config, "train_tsv");
  if (tsv.is_relative()) tsv = context.model_dir / tsv;
  TrainOptions options;
  options.family = ConfigParameter(config, "family", "ensemble");
  ASSIGN_OR_RETURN(const size_t max_rows, SizeParameter(config, "max_rows", 0));
  const std::string key = CacheKey(tsv, options, max_rows);
  std::error_code ec;
  if (fs::exists(model_file, ec) && ReadSmallFile(context.version_dir / kCacheKeyFile) == key) {
    return LoadModel(model_file);
  }
  LogInfo("training sentiment model at load",
          {{"model", config.name()}, {"data", tsv.string()}, {"family", options.family}});
  ASSIGN_OR_RETURN(std::vector<LabeledText> rows, ReadTsv(tsv, max_rows));
  ASSIGN_OR_RETURN(TrainResult result, Train(rows, options));
  LogInfo("trained sentiment model",
          {{"model", config.name()},
           {"rows", std::to_string(rows.size())},
           {"seconds", std::to_string(result.seconds)},
           {"holdout_accuracy", std::to_string(result.holdout.back().accuracy)}});
  // Caching is best effort: a read-only repository still serves the model.
  if (Status s = SaveModel(result.model, model_file); s.ok()) {
    std::ofstream(context.version_dir / kCacheKeyFile, std::ios::trunc) << key;
  } else {
    LogInfo("sentiment model not cached", {{"reason", s.message()}});
  }
  return std::move(result.model);
}

class SentimentBackend final : public Backend {
 public:
  std::string_view name() const override { return "sentiment"; }

  Status AutoCompleteConfig(const fs::path& /*version_dir*/,
                            inference::ModelConfig* config) const override {
    if (config->input_size() == 0) {
      auto* in = config->add_input();
      in->set_name(std::string(kTextInput));
      in->set_data_type(inference::TYPE_STRING);
      in->add_dims(1);
      if (config->max_batch_size() == 0) config->set_max_batch_size(256);
    }
    if (config->output_size() == 0) {
      for (const auto& [name, type] : {std::pair{kLabelOutput, inference::TYPE_STRING},
                                       std::pair{kScoreOutput, inference::TYPE_FP32},
                                       std::pair{kExplanationOutput, inference::TYPE_STRING}}) {
        auto* out = config->add_output();
        out->set_name(std::string(name));
        out->set_data_type(type);
        out->add_dims(1);
      }
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override {
    if (context.config == nullptr) return InvalidArgumentError("sentiment: no model config");
    const inference::ModelConfig& config = *context.config;
    bool has_text = false;
    for (const auto& in : config.input()) {
      if (in.name() == kTextInput) has_text = in.data_type() == inference::TYPE_STRING;
    }
    if (!has_text) {
      return InvalidArgumentError("sentiment model '" + config.name() +
                                  "': needs input TEXT of TYPE_STRING");
    }
    const fs::path model_file =
        context.version_dir / ConfigParameter(config, "model_file", std::string(kModelFileName));
    StatusOr<SentimentModel> model = InvalidArgumentError("unset");
    std::error_code ec;
    if (!ConfigParameter(config, "train_tsv").empty()) {
      model = TrainAtLoad(context, model_file);
    } else if (fs::exists(model_file, ec)) {
      model = sentiment::LoadModel(model_file);
    } else {
      return NotFoundError(
          "sentiment model '" + config.name() + "': no " + model_file.string() +
          " (train one with `strato sentiment train`, or set parameter train_tsv)");
    }
    if (!model.ok()) return model.status().WithPrefix("sentiment model '" + config.name() + "'");
    ServingOptions options;
    ASSIGN_OR_RETURN(options.explain_top_k, SizeParameter(config, "explain_top_k", 5));
    ASSIGN_OR_RETURN(options.max_text_bytes,
                     SizeParameter(config, "max_text_bytes",
                                   model->featurizer().tokenizer().options().max_input_bytes));
    if (options.max_text_bytes == 0) options.max_text_bytes = SIZE_MAX;
    auto shared = std::make_shared<const SentimentModel>(std::move(model).value());
    return std::unique_ptr<Model>(
        std::make_unique<LoadedSentimentModel>(std::move(shared), options, context.version));
  }
};

}  // namespace

void RegisterSentimentBackend(BackendRegistry* registry) {
  registry->Register(std::make_shared<SentimentBackend>());
}

}  // namespace strato::sentiment
