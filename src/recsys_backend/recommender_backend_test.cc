// The recommender backend through its ModelInstance, as the server calls it.
#include "strato/recsys/recommender_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "../backends/backend_test_util.h"

namespace strato::recsys {
namespace {

namespace fs = std::filesystem;
using strato::testing::CollectingSink;
using strato::testing::MakeRequest;
using strato::testing::MakeTensor;
using strato::testing::Values;

class RecommenderBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_dir_ = fs::temp_directory_path() / ("strato_recommender_" + std::to_string(::getpid()));
    fs::remove_all(model_dir_);
    fs::create_directories(model_dir_ / "1");
    RegisterRecommenderBackend(&registry_);
    Load();
  }
  void TearDown() override {
    instance_.reset();
    model_.reset();
    fs::remove_all(model_dir_);
  }
  void Load() {
    instance_.reset();
    model_.reset();
    const Backend* backend = registry_.Find("recommender");
    ASSERT_NE(backend, nullptr);
    config_ = strato::testing::ParseConfig(
        "name: \"rec\" backend: \"recommender\" max_batch_size: 0 "
        "parameters { key: \"factors\" value { string_value: \"8\" } }");
    ASSERT_TRUE(backend->AutoCompleteConfig(model_dir_ / "1", &config_).ok());
    EXPECT_EQ(config_.input_size(), 7);
    EXPECT_EQ(config_.output_size(), 4);
    auto instance = strato::testing::LoadInstance(*backend, config_, model_dir_ / "1", &model_);
    ASSERT_TRUE(instance.ok()) << instance.status().ToString();
    instance_ = std::move(instance).value();
  }

  // Runs one request; returns its response.
  std::unique_ptr<InferenceResponse> Run(std::vector<Tensor> inputs) {
    auto sink = std::make_shared<CollectingSink>();
    std::vector<std::unique_ptr<InferenceRequest>> batch;
    batch.push_back(MakeRequest("r", std::move(inputs), sink));
    instance_->Execute(batch);
    EXPECT_EQ(sink->finals(), 1);
    auto out = std::make_unique<InferenceResponse>();
    out->status = sink->only().status;
    out->outputs = sink->only().outputs;
    return out;
  }

  static Tensor User(int64_t id) {
    return MakeTensor<int64_t>("USER_ID", DataType::kInt64, {1}, {id});
  }
  static Tensor K(int32_t k) { return MakeTensor<int32_t>("K", DataType::kInt32, {1}, {k}); }
  static const Tensor* Find(const InferenceResponse& r, const std::string& name) {
    for (const Tensor& t : r.outputs) {
      if (t.name() == name) return &t;
    }
    return nullptr;
  }
  static std::vector<std::string> Strings(const Tensor& t) {
    std::vector<std::string> out;
    EXPECT_TRUE(
        ForEachBytesElement(t.bytes(), [&](std::string_view s) { out.emplace_back(s); }).ok());
    return out;
  }

  fs::path model_dir_;
  BackendRegistry registry_;
  inference::ModelConfig config_;
  std::unique_ptr<strato::Model> model_;
  std::unique_ptr<ModelInstance> instance_;
};

TEST_F(RecommenderBackendTest, TopKWithTitlesScoresAndExclusions) {
  auto r = Run({User(4), K(5)});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  const auto ids = Values<int64_t>(*Find(*r, "ITEM_IDS"));
  const auto scores = Values<float>(*Find(*r, "SCORES"));
  const auto titles = Strings(*Find(*r, "TITLES"));
  ASSERT_EQ(ids.size(), 5u);
  ASSERT_EQ(scores.size(), 5u);
  ASSERT_EQ(titles.size(), 5u);
  EXPECT_EQ(Strings(*Find(*r, "SOURCE")), std::vector<std::string>{"personal"});
  for (size_t i = 1; i < scores.size(); ++i) EXPECT_GE(scores[i - 1], scores[i]);
  const std::vector<int64_t> exclude = {ids[0], ids[1]};
  auto r2 = Run({User(4), K(5), MakeTensor<int64_t>("EXCLUDE", DataType::kInt64, {2}, exclude)});
  ASSERT_TRUE(r2->status.ok());
  for (const int64_t id : Values<int64_t>(*Find(*r2, "ITEM_IDS"))) {
    EXPECT_NE(id, ids[0]);
    EXPECT_NE(id, ids[1]);
  }
}

TEST_F(RecommenderBackendTest, BadInputIsAnInvalidArgumentNamingTheProblem) {
  auto r = Run({User(4), K(-2)});
  EXPECT_EQ(r->status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r->status.ToString().find("k must be at least 1"), std::string::npos);
  r = Run({User(4), K(100000)});
  EXPECT_NE(r->status.ToString().find("exceeds the catalogue"), std::string::npos);
  std::vector<uint8_t> genre;
  AppendBytesElement(&genre, "Polka");
  Tensor g =
      strato::testing::MakeViewTensor("GENRES", DataType::kBytes, {1}, genre.data(), genre.size());
  r = Run({User(4), g});
  EXPECT_NE(r->status.ToString().find("unknown genre 'Polka'"), std::string::npos);
  r = Run({User(4), MakeTensor<int64_t>("ADD_ITEMS", DataType::kInt64, {1}, {-3})});
  EXPECT_NE(r->status.ToString().find("ADD_ITEMS"), std::string::npos);
}

TEST_F(RecommenderBackendTest, ColdStartSimilarItemsAndFoldInKeptAcrossReload) {
  auto r = Run({User(0), K(3)});
  ASSERT_TRUE(r->status.ok());
  EXPECT_EQ(Strings(*Find(*r, "SOURCE")), std::vector<std::string>{"popular"});
  r = Run({User(0), K(3), MakeTensor<int64_t>("SIMILAR_TO", DataType::kInt64, {1}, {2})});
  ASSERT_TRUE(r->status.ok());
  EXPECT_EQ(Strings(*Find(*r, "SOURCE")), std::vector<std::string>{"similar-items"});
  // A new user folds in three Comedy items (index % 6 == 1: ids 2, 8, 14).
  const std::vector<int64_t> add = {2, 8, 14};
  r = Run({User(777777), K(5), MakeTensor<int64_t>("ADD_ITEMS", DataType::kInt64, {3}, add)});
  ASSERT_TRUE(r->status.ok()) << r->status.ToString();
  EXPECT_EQ(Strings(*Find(*r, "SOURCE")), std::vector<std::string>{"personal"});
  int comedy = 0;
  for (const std::string& t : Strings(*Find(*r, "TITLES")))
    comedy += t.starts_with("Comedy") ? 1 : 0;
  EXPECT_GE(comedy, 3);
  EXPECT_TRUE(fs::exists(model_dir_ / "fold_in_journal.tsv"));
  // Reload (a restart): the user is still known and its items stay excluded.
  Load();
  r = Run({User(777777), K(5)});
  ASSERT_TRUE(r->status.ok());
  EXPECT_EQ(Strings(*Find(*r, "SOURCE")), std::vector<std::string>{"personal"});
  for (const int64_t id : Values<int64_t>(*Find(*r, "ITEM_IDS"))) {
    EXPECT_TRUE(id != 2 && id != 8 && id != 14) << id;
  }
}

}  // namespace
}  // namespace strato::recsys
