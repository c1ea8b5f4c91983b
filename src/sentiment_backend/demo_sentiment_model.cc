// The demo model "sentiment": trained at load (and cached) from SST-2 when
// the shared data sets are beside the source tree, else from a generated
// sample of short review phrases so that `strato serve --demo` always has a
// working text model.
#include <cstdlib>
#include <fstream>
#include <random>

#include "strato/core/logging.h"
#include "strato/sentiment/backend.h"
#include "strato/sentiment/repository.h"

namespace strato::sentiment {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPositive[] = {
    "great", "wonderful", "charming",  "moving",   "superb", "delightful",
    "funny", "brilliant", "beautiful", "touching", "smart",  "gripping",
    "fresh", "enjoyable", "excellent", "engaging", "lovely", "powerful",
    "witty", "masterful", "good",      "best",     "love",   "\xF0\x9F\x98\x8D"};
constexpr const char* kNegative[] = {
    "boring",   "awful",       "dull",     "tedious",   "mess",          "bad",
    "terrible", "stupid",      "lifeless", "pointless", "predictable",   "clumsy",
    "worst",    "annoying",    "flat",     "waste",     "disappointing", "painful",
    "bland",    "forgettable", "poor",     "hate",      "ugly",          "\xF0\x9F\x98\xA1"};
constexpr const char* kSubjects[] = {
    "the movie",  "this film",      "the plot",   "the acting",     "the story",
    "the ending", "the cast",       "the script", "the soundtrack", "the director 's work",
    "it",         "the whole thing"};
constexpr const char* kVerbs[] = {"is", "was", "feels", "seems", "turns out"};
constexpr const char* kIntensifiers[] = {"", "", "really ", "very ", "so ", "truly ", "quite "};

// Deterministic phrases: "<subject> <verb> [not] <intensifier><word>",
// negation flipping the label.
std::string GeneratedSample() {
  std::mt19937_64 rng(20131018);
  auto pick = [&](const auto& list) { return std::string(list[rng() % std::size(list)]); };
  std::string tsv = "sentence\tlabel\n";
  for (int i = 0; i < 3000; ++i) {
    const bool positive_word = rng() % 2 == 0;
    const bool negated = rng() % 5 == 0;
    std::string text = pick(kSubjects) + " " + pick(kVerbs) + " " + (negated ? "not " : "") +
                       pick(kIntensifiers) + (positive_word ? pick(kPositive) : pick(kNegative));
    if (rng() % 3 == 0) text += rng() % 2 == 0 ? " !" : " .";
    tsv += text + "\t" + ((positive_word != negated) ? "1" : "0") + "\n";
  }
  return tsv;
}

fs::path SharedTrainTsv() {
  if (const char* env = std::getenv("STRATO_DEMO_SST2")) return env;
#ifdef STRATO_SOURCE_ROOT
  return fs::path(STRATO_SOURCE_ROOT) / ".." / "shared" / "datasets" / "sentiment" / "sst2" /
         "train.tsv";
#else
  return {};
#endif
}

}  // namespace

Status WriteDemoSentimentModel(const fs::path& dir) {
  const fs::path model_dir = dir / "sentiment";
  std::error_code ec;
  fs::create_directories(model_dir / "1", ec);
  if (ec) return InternalError("cannot create " + (model_dir / "1").string() + ": " + ec.message());
  fs::path data = SharedTrainTsv();
  std::string source = "SST-2";
  if (data.empty() || !fs::is_regular_file(data, ec)) {
    data = model_dir / "generated_sample.tsv";
    source = "generated sample";
    std::ofstream out(data, std::ios::trunc);
    out << GeneratedSample();
    out.close();
    if (!out) return InternalError("cannot write " + data.string());
  } else {
    data = fs::absolute(data).lexically_normal();
  }
  std::ofstream config(model_dir / "config.pbtxt", std::ios::trunc);
  // NB-SVM alone trains in a few seconds on SST-2 (the ensemble, one point
  // more accurate on its dev split, takes several times longer), which keeps
  // `serve --demo` ready quickly even on a first start without a cache.
  config << ModelConfigText(
      "sentiment", "parameters { key: \"train_tsv\" value { string_value: \"" + data.string() +
                       "\" } }\n"
                       "parameters { key: \"family\" value { string_value: \"nbsvm\" } }\n");
  config.close();
  if (!config)
    return InternalError("cannot write the demo sentiment model's config in " + dir.string());
  LogInfo("demo sentiment model trains at load", {{"data", source}, {"file", data.string()}});
  return Status::Ok();
}

}  // namespace strato::sentiment
