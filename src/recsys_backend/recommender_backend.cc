#include "strato/recsys/recommender_backend.h"

#include <charconv>
#include <chrono>
#include <cstring>

#include "strato/core/logging.h"
#include "strato/recsys/movielens.h"
#include "strato/recsys/service.h"

namespace strato::recsys {
namespace {

namespace fs = std::filesystem;

std::vector<int64_t> ReadInt64s(const Tensor* t) {
  std::vector<int64_t> out;
  if (t == nullptr) return out;
  const size_t n = t->byte_size() / sizeof(int64_t);
  for (size_t i = 0; i < n; ++i) out.push_back(t->ReadElement<int64_t>(i));
  return out;
}

Tensor Int64Tensor(const std::string& name, const std::vector<int64_t>& v) {
  Tensor t(name, DataType::kInt64, {static_cast<int64_t>(v.size())});
  if (!v.empty())
    std::memcpy(t.AllocateOwned(v.size() * sizeof(int64_t)), v.data(), v.size() * sizeof(int64_t));
  return t;
}

Tensor BytesTensor(const std::string& name, const std::vector<std::string>& v) {
  std::vector<uint8_t> buffer;
  for (const std::string& s : v) AppendBytesElement(&buffer, s);
  Tensor t(name, DataType::kBytes, {static_cast<int64_t>(v.size())});
  t.SetOwned(std::move(buffer));
  return t;
}

class RecommenderInstance final : public ModelInstance {
 public:
  RecommenderInstance(std::shared_ptr<RecommenderService> service, int64_t version)
      : service_(std::move(service)), version_(version) {}

  void Execute(std::vector<std::unique_ptr<InferenceRequest>>& batch) override {
    for (auto& request : batch) {
      if (!request) continue;
      auto result = Answer(*request);
      if (!result.ok()) {
        RespondWithError(*request, version_, result.status());
        continue;
      }
      auto response = MakeResponse(*request, version_);
      std::vector<int64_t> ids;
      std::vector<std::string> titles;
      Tensor scores("SCORES", DataType::kFp32, {static_cast<int64_t>(result->items.size())});
      float* s = result->items.empty() ? nullptr
                                       : reinterpret_cast<float*>(scores.AllocateOwned(
                                             result->items.size() * sizeof(float)));
      for (size_t i = 0; i < result->items.size(); ++i) {
        ids.push_back(result->items[i].item);
        titles.push_back(result->items[i].title);
        s[i] = result->items[i].score;
      }
      if (request->WantsOutput("ITEM_IDS"))
        response->outputs.push_back(Int64Tensor("ITEM_IDS", ids));
      if (request->WantsOutput("SCORES")) response->outputs.push_back(std::move(scores));
      if (request->WantsOutput("TITLES"))
        response->outputs.push_back(BytesTensor("TITLES", titles));
      if (request->WantsOutput("SOURCE"))
        response->outputs.push_back(BytesTensor("SOURCE", {result->source}));
      if (request->sink) request->sink->Send(std::move(response), /*final=*/true);
    }
  }

 private:
  StatusOr<RecommendResult> Answer(const InferenceRequest& request) {
    const std::vector<int64_t> user = ReadInt64s(request.FindInput("USER_ID"));
    if (user.size() != 1)
      return InvalidArgumentError("input 'USER_ID' must hold exactly one user id");
    RecommendQuery query;
    query.user = user[0];
    if (const Tensor* k = request.FindInput("K")) {
      if (k->byte_size() != sizeof(int32_t))
        return InvalidArgumentError("input 'K' must hold one INT32");
      query.k = k->ReadElement<int32_t>(0);
    }
    query.exclude = ReadInt64s(request.FindInput("EXCLUDE"));
    query.seed_items = ReadInt64s(request.FindInput("ITEMS"));
    if (const Tensor* g = request.FindInput("GENRES")) {
      RETURN_IF_ERROR(ForEachBytesElement(
          g->bytes(), [&](std::string_view name) { query.genres.emplace_back(name); }));
    }
    const std::vector<int64_t> similar = ReadInt64s(request.FindInput("SIMILAR_TO"));
    if (!similar.empty()) {
      if (similar.size() != 1)
        return InvalidArgumentError("input 'SIMILAR_TO' must hold one item id");
      return service_->SimilarItems(similar[0], query.k, query.genres, query.exclude);
    }
    const std::vector<int64_t> add = ReadInt64s(request.FindInput("ADD_ITEMS"));
    if (!add.empty()) {
      // Validate the query before changing state, so a bad K adds nothing.
      if (query.k < 1 || query.k > service_->n_items()) {
        return InvalidArgumentError("k must be 1.." + std::to_string(service_->n_items()) +
                                    ", got " + std::to_string(query.k));
      }
      RETURN_IF_ERROR(service_->AddInteractions(query.user, add).WithPrefix("input 'ADD_ITEMS'"));
    }
    return service_->Recommend(query);
  }

  std::shared_ptr<RecommenderService> service_;
  int64_t version_;
};

// strato::Model (the served model), not recsys::Model (a trained recommender).
class RecommenderModel final : public strato::Model {
 public:
  RecommenderModel(std::shared_ptr<RecommenderService> service, int64_t version)
      : service_(std::move(service)), version_(version) {}
  StatusOr<std::unique_ptr<ModelInstance>> CreateInstance(int /*index*/) override {
    return std::unique_ptr<ModelInstance>(
        std::make_unique<RecommenderInstance>(service_, version_));
  }
  size_t memory_bytes() const override {
    const auto& m = service_->model();
    return (m.user_factors().size() + m.item_factors().size()) * sizeof(float);
  }

 private:
  std::shared_ptr<RecommenderService> service_;
  int64_t version_;
};

template <typename T>
Status ParseParameter(const inference::ModelConfig& config, const char* key, T* out) {
  const std::string v = ConfigParameter(config, key);
  if (v.empty()) return Status::Ok();
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  if (ec != std::errc() || ptr != v.data() + v.size()) {
    return InvalidArgumentError(std::string("recommender parameter '") + key +
                                "': not a number: '" + v + "'");
  }
  return Status::Ok();
}

void AddTensor(google::protobuf::RepeatedPtrField<inference::ModelInput>* list, const char* name,
               inference::DataType type, int64_t dim, bool optional) {
  auto* t = list->Add();
  t->set_name(name);
  t->set_data_type(type);
  t->add_dims(dim);
  t->set_optional(optional);
}

class RecommenderBackend final : public Backend {
 public:
  std::string_view name() const override { return "recommender"; }

  Status AutoCompleteConfig(const fs::path& /*version_dir*/,
                            inference::ModelConfig* config) const override {
    if (config->input_size() == 0) {
      AddTensor(config->mutable_input(), "USER_ID", inference::TYPE_INT64, 1, false);
      AddTensor(config->mutable_input(), "K", inference::TYPE_INT32, 1, true);
      AddTensor(config->mutable_input(), "EXCLUDE", inference::TYPE_INT64, -1, true);
      AddTensor(config->mutable_input(), "GENRES", inference::TYPE_STRING, -1, true);
      AddTensor(config->mutable_input(), "ITEMS", inference::TYPE_INT64, -1, true);
      AddTensor(config->mutable_input(), "ADD_ITEMS", inference::TYPE_INT64, -1, true);
      AddTensor(config->mutable_input(), "SIMILAR_TO", inference::TYPE_INT64, 1, true);
    }
    if (config->output_size() == 0) {
      auto add = [&](const char* name, inference::DataType type, int64_t dim) {
        auto* o = config->add_output();
        o->set_name(name);
        o->set_data_type(type);
        o->add_dims(dim);
      };
      add("ITEM_IDS", inference::TYPE_INT64, -1);
      add("SCORES", inference::TYPE_FP32, -1);
      add("TITLES", inference::TYPE_STRING, -1);
      add("SOURCE", inference::TYPE_STRING, 1);
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<strato::Model>> LoadModel(const ModelLoadContext& context) const override {
    if (context.config == nullptr) return InvalidArgumentError("recommender: no model config");
    const inference::ModelConfig& config = *context.config;
    ServiceOptions options;
    RETURN_IF_ERROR(ParseParameter(config, "factors", &options.wals.factors));
    RETURN_IF_ERROR(ParseParameter(config, "iterations", &options.wals.iterations));
    RETURN_IF_ERROR(ParseParameter(config, "reg", &options.wals.reg));
    RETURN_IF_ERROR(ParseParameter(config, "alpha", &options.wals.alpha));
    const std::string journal = ConfigParameter(config, "journal");
    options.journal = journal.empty()                   ? context.model_dir / "fold_in_journal.tsv"
                      : fs::path(journal).is_absolute() ? fs::path(journal)
                                                        : context.model_dir / journal;
    Catalogue catalogue;
    RatingSet ratings;
    const std::string data_dir = ConfigParameter(config, "data_dir");
    std::error_code ec;
    const auto start = std::chrono::steady_clock::now();
    if (!data_dir.empty() && fs::exists(fs::path(data_dir) / "u.data", ec)) {
      auto ml = ReadMovieLens(data_dir);
      if (!ml.ok()) return ml.status().WithPrefix("recommender model '" + config.name() + "'");
      catalogue = std::move(ml->catalogue);
      ratings = std::move(ml->all);
    } else {
      if (!data_dir.empty()) {
        LogInfo("recommender: data_dir has no u.data; using the generated sample catalogue",
                {{"model", config.name()}, {"data_dir", data_dir}});
      }
      SyntheticCatalogue sample = MakeSyntheticCatalogue(300, 240, 17);
      catalogue = std::move(sample.catalogue);
      ratings = std::move(sample.ratings);
    }
    auto service = RecommenderService::Create(std::move(catalogue), std::move(ratings), options);
    if (!service.ok())
      return service.status().WithPrefix("recommender model '" + config.name() + "'");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    LogInfo("recommender trained", {{"model", config.name()},
                                    {"items", std::to_string((*service)->n_items())},
                                    {"seconds", std::to_string(seconds)},
                                    {"journal", options.journal.string()}});
    return std::unique_ptr<strato::Model>(std::make_unique<RecommenderModel>(
        std::shared_ptr<RecommenderService>(std::move(service).value()), context.version));
  }
};

}  // namespace

void RegisterRecommenderBackend(BackendRegistry* registry) {
  registry->Register(std::make_shared<RecommenderBackend>());
}

}  // namespace strato::recsys
