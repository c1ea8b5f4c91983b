#include "strato/forecast/forecast_backend.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "strato/forecast/inventory.h"
#include "strato/forecast/models.h"

namespace strato::forecast {
namespace {

struct ServingSettings {
  LocalModel model = LocalModel::kAutoEts;
  int season = 1;
  int horizon = 12;
  double coverage = 0.9;
};

struct Answer {
  std::vector<double> mean, lower, upper;
};

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

StatusOr<Answer> ForecastWithInterval(const ServingSettings& s, const std::vector<double>& y,
                                      int h) {
  StatusOr<LocalForecast> f = ForecastLocal(s.model, y, s.season, h);
  if (!f.ok()) return f.status().WithPrefix("HISTORY");
  Answer a;
  a.mean = f->mean;
  const double z = NormalQuantile(0.5 + s.coverage / 2);
  if (!f->sd.empty()) {
    for (size_t k = 0; k < a.mean.size(); ++k) {
      a.lower.push_back(a.mean[k] - z * f->sd[k]);
      a.upper.push_back(a.mean[k] + z * f->sd[k]);
    }
    return a;
  }
  // Conformal: errors of backtests at up to three origins before the end.
  const size_t hh = static_cast<size_t>(h);
  std::vector<std::vector<double>> errors(hh);
  for (size_t origin = 1; origin <= 3; ++origin) {
    if (y.size() < origin * hh + static_cast<size_t>(s.season) + 6) break;
    const size_t cut = y.size() - origin * hh;
    StatusOr<LocalForecast> b =
        ForecastLocal(s.model, std::span<const double>(y.data(), cut), s.season, h);
    if (!b.ok()) break;
    for (size_t k = 0; k < hh; ++k) errors[k].push_back(y[cut + k] - b->mean[k]);
  }
  for (size_t k = 0; k < hh; ++k) {
    if (errors[k].empty()) {
      a.lower.push_back(a.mean[k]);  // no backtest possible: a degenerate interval
      a.upper.push_back(a.mean[k]);
      continue;
    }
    const double alpha = (1 - s.coverage) / 2;
    a.lower.push_back(a.mean[k] + std::min(0.0, Quantile(errors[k], alpha)));
    a.upper.push_back(a.mean[k] + std::max(0.0, Quantile(errors[k], 1 - alpha)));
  }
  return a;
}

Tensor Fp32Output(const std::string& name, const std::vector<double>& v) {
  Tensor t(name, DataType::kFp32, {static_cast<int64_t>(v.size())});
  float* out = reinterpret_cast<float*>(t.AllocateOwned(v.size() * sizeof(float)));
  for (size_t i = 0; i < v.size(); ++i) out[i] = static_cast<float>(v[i]);
  return t;
}

class ForecastInstance final : public ModelInstance {
 public:
  ForecastInstance(ServingSettings s, int64_t version) : s_(s), version_(version) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (!request) continue;
      StatusOr<std::unique_ptr<InferenceResponse>> r = Run(*request);
      if (!r.ok()) {
        RespondWithError(*request, version_, r.status());
        continue;
      }
      if (request->sink) request->sink->Send(std::move(*r), /*final=*/true);
    }
  }

 private:
  StatusOr<std::unique_ptr<InferenceResponse>> Run(const InferenceRequest& request) const {
    const Tensor* history = request.FindInput("HISTORY");
    if (history == nullptr) return InvalidArgumentError("input HISTORY is required");
    if (history->datatype() != DataType::kFp32) {
      return InvalidArgumentError("input HISTORY must be FP32");
    }
    const int64_t count = history->element_count();
    if (count < 0) return InvalidArgumentError("input HISTORY has an unknown shape");
    std::vector<double> y(static_cast<size_t>(count));
    for (size_t i = 0; i < y.size(); ++i) y[i] = history->ReadElement<float>(i);
    int h = s_.horizon;
    if (const Tensor* horizon = request.FindInput("HORIZON")) {
      if (horizon->datatype() != DataType::kInt32 || horizon->element_count() != 1) {
        return InvalidArgumentError("input HORIZON must be one INT32");
      }
      h = horizon->ReadElement<int32_t>(0);
      if (h < 1 || h > kMaxHorizon) {
        return InvalidArgumentError("input HORIZON must be between 1 and " +
                                    std::to_string(kMaxHorizon) + ", got " + std::to_string(h));
      }
    }
    ASSIGN_OR_RETURN(Answer a, ForecastWithInterval(s_, y, h));
    auto response = MakeResponse(request, version_);
    for (auto [name, values] : {std::pair{"FORECAST", &a.mean}, std::pair{"LOWER", &a.lower},
                                std::pair{"UPPER", &a.upper}}) {
      if (request.WantsOutput(name)) response->outputs.push_back(Fp32Output(name, *values));
    }
    return response;
  }

  ServingSettings s_;
  int64_t version_;
};

class ForecastModel final : public Model {
 public:
  ForecastModel(ServingSettings s, int64_t version) : s_(s), version_(version) {}
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int /*index*/) override {
    return std::unique_ptr<ModelInstance>(std::make_unique<ForecastInstance>(s_, version_));
  }

 private:
  ServingSettings s_;
  int64_t version_;
};

class ForecastBackend final : public Backend {
 public:
  std::string_view name() const override { return "forecast"; }

  StatusOr<std::unique_ptr<Model>> LoadModel(const ModelLoadContext& context) const override {
    if (context.config == nullptr) return InvalidArgumentError("forecast: no model config");
    const inference::ModelConfig& config = *context.config;
    const std::string where = "forecast model '" + config.name() + "': parameter ";
    ServingSettings s;
    const std::string model = ConfigParameter(config, "model", "ets");
    if (!ParseLocalModel(model, &s.model)) {
      return InvalidArgumentError(
          where + "model '" + model +
          "' is not one of snaive, naive2, ses, holt, damped, theta, ets, comb");
    }
    auto integer = [&](const char* key, int fallback, int lo, int hi, int* out) -> Status {
      const std::string text = ConfigParameter(config, key, std::to_string(fallback));
      char* end = nullptr;
      const long v = std::strtol(text.c_str(), &end, 10);
      if (end == text.c_str() || *end != '\0' || v < lo || v > hi) {
        return InvalidArgumentError(where + key + " must be an integer in [" + std::to_string(lo) +
                                    ", " + std::to_string(hi) + "], got '" + text + "'");
      }
      *out = static_cast<int>(v);
      return Status::Ok();
    };
    RETURN_IF_ERROR(integer("season", 1, 1, kMaxSeason, &s.season));
    RETURN_IF_ERROR(integer("horizon", 12, 1, kMaxHorizon, &s.horizon));
    const std::string coverage = ConfigParameter(config, "coverage", "0.9");
    char* end = nullptr;
    s.coverage = std::strtod(coverage.c_str(), &end);
    if (end == coverage.c_str() || *end != '\0' || !(s.coverage > 0 && s.coverage < 1)) {
      return InvalidArgumentError(where + "coverage must be in (0, 1), got '" + coverage + "'");
    }
    return std::unique_ptr<Model>(std::make_unique<ForecastModel>(s, context.version));
  }
};

}  // namespace

void RegisterForecastBackend(BackendRegistry* registry) {
  registry->Register(std::make_shared<ForecastBackend>());
}

}  // namespace strato::forecast
