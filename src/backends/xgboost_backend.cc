#include "xgboost_backend.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <system_error>
#include <utility>
#include <vector>

#include "xgboost_booster.h"
#include "xgboost_instance.h"

namespace strato {
namespace {

namespace fs = std::filesystem;

StatusOr<bool> ParseBool(const inference::ModelConfig& config, std::string_view key,
                         bool fallback) {
  std::string value = ConfigParameter(config, key);
  if (value.empty()) return fallback;
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value == "false" || value == "0" || value == "no") return false;
  return InvalidArgumentError("parameter " + std::string(key) + ": expected true or false, got '" +
                              value + "'");
}

// The candidate names per model_type, FIL's own name first.
std::vector<std::string> CandidateNames(std::string_view model_type) {
  if (model_type == "xgboost") return {"xgboost.model", "model.bin", "model.xgb"};
  if (model_type == "xgboost_json") return {"xgboost.json", "model.json"};
  if (model_type == "xgboost_ubj") return {"xgboost.ubj", "model.ubj"};
  return {"xgboost.json", "model.json",  "xgboost.ubj", "model.ubj",
          "xgboost.model", "model.bin", "model.xgb"};
}

std::string ExpectedFormat(std::string_view model_type) {
  if (model_type == "xgboost") return "binary";
  if (model_type == "xgboost_json") return "json";
  if (model_type == "xgboost_ubj") return "ubj";
  return "";
}

// A model file read, checked and loaded once, with what its booster tells.
struct ProbedModel {
  std::string source;
  std::vector<uint8_t> bytes;
  XgboostOptions options;
  int64_t num_features = 0;
  size_t raw_width = 1;
};

// Shared by AutoCompleteConfig and LoadModel so that both see the same file
// and report the same errors.
StatusOr<ProbedModel> Probe(const fs::path& version_dir, const inference::ModelConfig& config) {
  ProbedModel probed;
  ASSIGN_OR_RETURN(probed.options, ParseXgboostOptions(config));
  ASSIGN_OR_RETURN(fs::path file, ResolveXgboostModelFile(version_dir, config, probed.options));
  probed.source = file.string();
  ASSIGN_OR_RETURN(probed.bytes, ReadFileBytes(probed.source));
  const std::string expected = ExpectedFormat(probed.options.model_type);
  const std::string_view found = XgbFormatName(DetectXgbFormat(probed.bytes));
  if (!expected.empty() && !probed.bytes.empty() && found != expected) {
    return InvalidArgumentError(probed.source + ": file holds a " + std::string(found) +
                                " model but model_type is " + probed.options.model_type);
  }
  ASSIGN_OR_RETURN(auto booster, XgbBooster::Load(probed.bytes, 1, probed.source));
  probed.num_features = booster->num_features();
  if (probed.num_features <= 0) {
    return InvalidArgumentError(probed.source + ": model reports no features");
  }
  // One all-zero row reveals the output width (1, or num_class for
  // multi:softprob) without parsing the model's JSON config.
  std::vector<float> row(static_cast<size_t>(probed.num_features), 0.0f);
  std::vector<float> out;
  auto width = booster->Predict(row.data(), 1, &out);
  if (!width.ok()) return width.status().WithPrefix(probed.source);
  probed.raw_width = *width;
  return probed;
}

}  // namespace

StatusOr<XgboostOptions> ParseXgboostOptions(const inference::ModelConfig& config) {
  XgboostOptions options;
  ASSIGN_OR_RETURN(options.output_class, ParseBool(config, "output_class", false));
  ASSIGN_OR_RETURN(options.predict_proba, ParseBool(config, "predict_proba", false));
  if (std::string t = ConfigParameter(config, "threshold"); !t.empty()) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), options.threshold);
    if (ec != std::errc() || end != t.data() + t.size()) {
      return InvalidArgumentError("parameter threshold: expected a number, got '" + t + "'");
    }
  }
  if (std::string n = ConfigParameter(config, "nthread"); !n.empty()) {
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), options.nthread);
    if (ec != std::errc() || end != n.data() + n.size() || options.nthread < 0) {
      return InvalidArgumentError("parameter nthread: expected an integer >= 0, got '" + n + "'");
    }
  }
  options.model_type = ConfigParameter(config, "model_type");
  if (!options.model_type.empty() && ExpectedFormat(options.model_type).empty()) {
    return InvalidArgumentError("parameter model_type: '" + options.model_type +
                                "' is not supported (use xgboost, xgboost_json or xgboost_ubj)");
  }
  return options;
}

StatusOr<fs::path> ResolveXgboostModelFile(const fs::path& version_dir,
                                           const inference::ModelConfig& config,
                                           const XgboostOptions& options) {
  std::vector<std::string> names;
  if (!config.default_model_filename().empty()) {
    names.push_back(config.default_model_filename());
  } else {
    names = CandidateNames(options.model_type);
  }
  std::string tried;
  for (const std::string& name : names) {
    fs::path candidate = version_dir / name;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return candidate;
    tried += (tried.empty() ? "" : ", ") + name;
  }
  return NotFoundError("no XGBoost model file in " + version_dir.string() + " (looked for " +
                       tried + ")");
}

Status XgboostBackend::AutoCompleteConfig(const fs::path& version_dir,
                                          inference::ModelConfig* config) const {
  ASSIGN_OR_RETURN(ProbedModel probed, Probe(version_dir, *config));
  const bool had_input_dims = config->input_size() > 0 && config->input(0).dims_size() > 0;
  if (config->input_size() == 0) config->add_input();
  auto* input = config->mutable_input(0);
  if (input->name().empty()) input->set_name("input__0");
  if (input->data_type() == inference::TYPE_INVALID) input->set_data_type(inference::TYPE_FP32);
  if (input->dims_size() == 0) input->add_dims(probed.num_features);
  if (config->output_size() == 0) config->add_output();
  auto* output = config->mutable_output(0);
  if (output->name().empty()) output->set_name("output__0");
  if (output->data_type() == inference::TYPE_INVALID) output->set_data_type(inference::TYPE_FP32);
  if (output->dims_size() == 0) {
    output->add_dims(static_cast<int64_t>(XgboostOutputWidth(probed.raw_width, probed.options)));
  }
  // Without user dims the filled-in dims assume a batch dimension in front.
  if (config->max_batch_size() == 0 && !had_input_dims) config->set_max_batch_size(8192);
  return Status::Ok();
}

StatusOr<std::unique_ptr<Model>> XgboostBackend::LoadModel(const ModelLoadContext& context) const {
  if (context.config == nullptr) return InvalidArgumentError("xgboost: no model config");
  const inference::ModelConfig& config = *context.config;
  ASSIGN_OR_RETURN(ProbedModel probed, Probe(context.version_dir, config));
  const std::string where = probed.source + ": ";
  if (config.input_size() > 1 || config.output_size() > 1) {
    return InvalidArgumentError(where + "an XGBoost model has one input and one output");
  }
  auto spec = std::make_shared<XgboostModelSpec>();
  if (config.input_size() == 1) {
    const auto& in = config.input(0);
    if (in.data_type() != inference::TYPE_FP32) {
      return InvalidArgumentError(where + "input '" + in.name() + "' must be TYPE_FP32");
    }
    if (in.dims_size() > 0 && in.dims(in.dims_size() - 1) != -1 &&
        in.dims(in.dims_size() - 1) != probed.num_features) {
      return InvalidArgumentError(where + "input '" + in.name() + "' has " +
                                  std::to_string(in.dims(in.dims_size() - 1)) +
                                  " features but the model expects " +
                                  std::to_string(probed.num_features));
    }
    spec->input_name = in.name();
  }
  if (config.output_size() == 1 && config.output(0).data_type() != inference::TYPE_FP32) {
    return InvalidArgumentError(where + "output '" + config.output(0).name() +
                                "' must be TYPE_FP32");
  }
  spec->output_name = config.output_size() == 1 ? config.output(0).name() : "output__0";
  spec->source = std::move(probed.source);
  spec->bytes = std::move(probed.bytes);
  spec->options = probed.options;
  spec->num_features = probed.num_features;
  spec->raw_width = probed.raw_width;
  spec->out_width = XgboostOutputWidth(probed.raw_width, probed.options);
  spec->version = context.version;
  return std::unique_ptr<Model>(std::make_unique<XgboostModel>(std::move(spec)));
}

}  // namespace strato
