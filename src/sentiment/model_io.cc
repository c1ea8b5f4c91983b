// The model file: little-endian binary, every field in a fixed order after
// a magic line and a format version; a reader that finds the file short or
// inconsistent says which field.
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>

#include "strato/sentiment/model.h"

namespace strato::sentiment {
namespace {

constexpr std::string_view kMagic = "STRATO-SENTIMENT\n";
constexpr uint32_t kFormatVersion = 1;
constexpr uint64_t kMaxEntries = 1ull << 28;  // refuses absurd counts before allocating

static_assert(std::endian::native == std::endian::little, "model files are little-endian");

class Writer {
 public:
  void U32(uint32_t v) { Raw(&v, sizeof v); }
  void U64(uint64_t v) { Raw(&v, sizeof v); }
  void F64(double v) { Raw(&v, sizeof v); }
  void Bool(bool v) { U32(v ? 1 : 0); }
  void Str(std::string_view s) {
    U64(s.size());
    Raw(s.data(), s.size());
  }
  template <typename T>
  void Vec(const std::vector<T>& v) {
    U64(v.size());
    Raw(v.data(), v.size() * sizeof(T));
  }
  const std::string& bytes() const { return bytes_; }

 private:
  void Raw(const void* p, size_t n) { bytes_.append(static_cast<const char*>(p), n); }
  std::string bytes_;
};

class Reader {
 public:
  explicit Reader(std::string bytes) : bytes_(std::move(bytes)) {}

  Status Raw(void* p, size_t n, std::string_view field) {
    if (n > bytes_.size() - pos_) {
      return InvalidArgumentError("sentiment model file is truncated at '" + std::string(field) +
                                  "'");
    }
    std::memcpy(p, bytes_.data() + pos_, n);
    pos_ += n;
    return Status::Ok();
  }
  template <typename T>
  StatusOr<T> Pod(std::string_view field) {
    T v{};
    RETURN_IF_ERROR(Raw(&v, sizeof v, field));
    return v;
  }
  StatusOr<bool> Bool(std::string_view field) {
    ASSIGN_OR_RETURN(const uint32_t v, Pod<uint32_t>(field));
    if (v > 1)
      return InvalidArgumentError("sentiment model file: '" + std::string(field) +
                                  "' is not a flag");
    return v == 1;
  }
  StatusOr<uint64_t> Count(std::string_view field) {
    ASSIGN_OR_RETURN(const uint64_t n, Pod<uint64_t>(field));
    if (n > kMaxEntries) {
      return InvalidArgumentError("sentiment model file: '" + std::string(field) + "' count " +
                                  std::to_string(n) + " is implausible");
    }
    return n;
  }
  StatusOr<std::string> Str(std::string_view field) {
    ASSIGN_OR_RETURN(const uint64_t n, Count(field));
    std::string s(n, '\0');
    RETURN_IF_ERROR(Raw(s.data(), n, field));
    return s;
  }
  template <typename T>
  StatusOr<std::vector<T>> Vec(std::string_view field) {
    ASSIGN_OR_RETURN(const uint64_t n, Count(field));
    std::vector<T> v(n);
    RETURN_IF_ERROR(Raw(v.data(), n * sizeof(T), field));
    return v;
  }
  bool AtEnd() const { return pos_ == bytes_.size(); }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

}  // namespace

Status SaveModel(const SentimentModel& model, const std::filesystem::path& file) {
  Writer w;
  w.U32(kFormatVersion);
  const text::TokenizerOptions& t = model.featurizer().tokenizer().options();
  w.Bool(t.lowercase);
  w.Bool(t.decode_html_entities);
  w.Bool(t.mark_negation);
  w.U64(t.max_input_bytes);
  w.U64(t.max_tokens);
  const text::NgramOptions& n = model.featurizer().ngrams();
  w.U32(static_cast<uint32_t>(n.word_min));
  w.U32(static_cast<uint32_t>(n.word_max));
  w.U32(static_cast<uint32_t>(n.char_min));
  w.U32(static_cast<uint32_t>(n.char_max));
  w.U32(model.featurizer().buckets());
  w.Vec(model.featurizer().vocabulary().hashes());
  w.U64(model.labels().size());
  for (const std::string& label : model.labels()) w.Str(label);
  w.U64(model.families().size());
  for (const LinearFamily& f : model.families()) {
    w.Str(f.name);
    w.U32(f.pooling == Pooling::kMean ? 1 : 0);
    w.Vec(f.weights);
    w.F64(f.bias);
    w.F64(f.calibration_a);
    w.F64(f.calibration_b);
  }
  w.Vec(model.stack());
  w.Str(model.output());

  // Write beside the target and rename, so a reader never sees half a file.
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(kMagic.data(), static_cast<std::streamsize>(kMagic.size()));
    out.write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
    out.close();
    if (!out) return InternalError("cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) return InternalError("cannot rename " + tmp.string() + ": " + ec.message());
  return Status::Ok();
}

StatusOr<SentimentModel> LoadModel(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFoundError("cannot open sentiment model " + file.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!bytes.starts_with(kMagic)) {
    return InvalidArgumentError(file.string() + " is not a strato sentiment model");
  }
  Reader r(bytes.substr(kMagic.size()));
  ASSIGN_OR_RETURN(const uint32_t version, r.Pod<uint32_t>("format version"));
  if (version != kFormatVersion) {
    return InvalidArgumentError(file.string() + ": sentiment model format " +
                                std::to_string(version) + " is not supported (expected " +
                                std::to_string(kFormatVersion) + ")");
  }
  text::TokenizerOptions t;
  ASSIGN_OR_RETURN(t.lowercase, r.Bool("lowercase"));
  ASSIGN_OR_RETURN(t.decode_html_entities, r.Bool("decode_html_entities"));
  ASSIGN_OR_RETURN(t.mark_negation, r.Bool("mark_negation"));
  ASSIGN_OR_RETURN(t.max_input_bytes, r.Pod<uint64_t>("max_input_bytes"));
  ASSIGN_OR_RETURN(t.max_tokens, r.Pod<uint64_t>("max_tokens"));
  text::NgramOptions n;
  ASSIGN_OR_RETURN(const uint32_t word_min, r.Pod<uint32_t>("word_min"));
  ASSIGN_OR_RETURN(const uint32_t word_max, r.Pod<uint32_t>("word_max"));
  ASSIGN_OR_RETURN(const uint32_t char_min, r.Pod<uint32_t>("char_min"));
  ASSIGN_OR_RETURN(const uint32_t char_max, r.Pod<uint32_t>("char_max"));
  n.word_min = static_cast<int>(std::min<uint32_t>(word_min, 64));
  n.word_max = static_cast<int>(std::min<uint32_t>(word_max, 64));
  n.char_min = static_cast<int>(std::min<uint32_t>(char_min, 64));
  n.char_max = static_cast<int>(std::min<uint32_t>(char_max, 64));
  RETURN_IF_ERROR(n.Validate().WithPrefix(file.string()));
  ASSIGN_OR_RETURN(const uint32_t buckets, r.Pod<uint32_t>("buckets"));
  ASSIGN_OR_RETURN(std::vector<uint64_t> hashes, r.Vec<uint64_t>("vocabulary"));
  ASSIGN_OR_RETURN(const uint64_t label_count, r.Count("labels"));
  std::vector<std::string> labels;
  for (uint64_t i = 0; i < label_count; ++i) {
    ASSIGN_OR_RETURN(std::string label, r.Str("label"));
    labels.push_back(std::move(label));
  }
  ASSIGN_OR_RETURN(const uint64_t family_count, r.Count("families"));
  std::vector<LinearFamily> families;
  for (uint64_t i = 0; i < family_count; ++i) {
    LinearFamily f;
    ASSIGN_OR_RETURN(f.name, r.Str("family name"));
    ASSIGN_OR_RETURN(const uint32_t pooling, r.Pod<uint32_t>("pooling"));
    if (pooling > 1)
      return InvalidArgumentError(file.string() + ": unknown pooling " + std::to_string(pooling));
    f.pooling = pooling == 1 ? Pooling::kMean : Pooling::kSumDistinct;
    ASSIGN_OR_RETURN(f.weights, r.Vec<float>("weights"));
    ASSIGN_OR_RETURN(f.bias, r.Pod<double>("bias"));
    ASSIGN_OR_RETURN(f.calibration_a, r.Pod<double>("calibration_a"));
    ASSIGN_OR_RETURN(f.calibration_b, r.Pod<double>("calibration_b"));
    families.push_back(std::move(f));
  }
  ASSIGN_OR_RETURN(std::vector<double> stack, r.Vec<double>("stack"));
  ASSIGN_OR_RETURN(std::string output, r.Str("output"));
  if (!r.AtEnd()) return InvalidArgumentError(file.string() + ": trailing bytes after the model");

  text::Featurizer featurizer = [&]() -> text::Featurizer {
    if (buckets != 0) return text::Featurizer(t, n, buckets);
    return text::Featurizer(t, n, text::Vocabulary());
  }();
  if (buckets == 0) {
    ASSIGN_OR_RETURN(text::Vocabulary vocabulary, text::Vocabulary::FromHashes(std::move(hashes)));
    featurizer = text::Featurizer(t, n, std::move(vocabulary));
  }
  SentimentModel model(std::move(featurizer), std::move(families), std::move(stack),
                       std::move(output), std::move(labels));
  RETURN_IF_ERROR(model.Validate().WithPrefix(file.string()));
  return model;
}

}  // namespace strato::sentiment
