// POST /v1/embeddings for llamacpp models: validates the body, asks the
// backend for task=embedding with the texts as text_input [N], and writes
// OpenAI's list of embeddings (floats, or base64 of little-endian float32
// when encoding_format is "base64", as the openai SDKs request by default).
#include <cstring>
#include <vector>

#include "handlers.h"
#include "openai.h"
#include "strato/core/base64.h"

namespace strato::http {
namespace {

namespace dom = simdjson::dom;

// OpenAI's own limit on inputs per request.
constexpr size_t kMaxInputs = 2048;

class EmbeddingFormatter final : public GenerationFormatter {
 public:
  EmbeddingFormatter(std::string model, bool base64) : model_(std::move(model)), base64_(base64) {}

  bool streaming() const override { return false; }

  std::string Chunk(const InferenceResponse& r, bool final) override {
    if (!final || !r.status.ok()) return {};
    prompt_tokens_ = 0;
    if (auto it = r.parameters.find("prompt_tokens"); it != r.parameters.end()) {
      if (const auto* v = std::get_if<int64_t>(&it->second)) prompt_tokens_ = *v;
    }
    for (const auto& t : r.outputs) {
      if (t.name() != "embedding" || t.datatype() != DataType::kFp32 || t.shape().size() != 2) continue;
      rows_ = t.shape()[0];
      dim_ = t.shape()[1];
      if (rows_ < 0 || dim_ < 0 || t.byte_size() != static_cast<size_t>(rows_ * dim_) * sizeof(float)) continue;
      values_.resize(static_cast<size_t>(rows_ * dim_));
      std::memcpy(values_.data(), t.data(), t.byte_size());
      found_ = true;
    }
    return {};
  }

  Reply Error(const Status& status) override { return OpenAIStatusError(status); }

  Reply Finish() override {
    if (!found_) return OpenAIError(500, "the model returned no 'embedding' output");
    JsonBuffer b;
    JsonWriter w(b);
    w.StartObject();
    w.Key("object");
    w.String("list");
    w.Key("data");
    w.StartArray();
    for (int64_t i = 0; i < rows_; ++i) {
      const float* row = values_.data() + i * dim_;
      w.StartObject();
      w.Key("object");
      w.String("embedding");
      w.Key("index");
      w.Int64(i);
      w.Key("embedding");
      if (base64_) {
        // x86-64 and aarch64 are little-endian: the bytes are already float32 LE.
        const std::string_view raw(reinterpret_cast<const char*>(row), static_cast<size_t>(dim_) * sizeof(float));
        WriteString(w, EncodeBase64(raw));
      } else {
        w.StartArray();
        for (int64_t j = 0; j < dim_; ++j) w.Double(static_cast<double>(row[j]));
        w.EndArray();
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("model");
    WriteString(w, model_);
    w.Key("usage");
    w.StartObject();
    w.Key("prompt_tokens");
    w.Int64(prompt_tokens_);
    w.Key("total_tokens");
    w.Int64(prompt_tokens_);
    w.EndObject();
    w.EndObject();
    return JsonReply(b);
  }

 private:
  const std::string model_;
  const bool base64_;
  bool found_ = false;
  int64_t rows_ = 0;
  int64_t dim_ = 0;
  int64_t prompt_tokens_ = 0;
  std::vector<float> values_;
};

}  // namespace

RouteResult OpenAIEmbeddings(const HandlerContext& ctx, const RequestView& r) {
  auto call_or = ParseOpenAIBody(ctx, r);
  if (auto* error = std::get_if<Reply>(&call_or)) return std::move(*error);
  OpenAIBody& call = std::get<OpenAIBody>(call_or);
  dom::object body = call.body;
  const std::string_view model_name = call.model_name;
  std::shared_ptr<ModelVersion> mv = std::move(call.model);

  std::vector<std::string_view> texts;
  dom::element input;
  if (body.at_key("input").get(input) != simdjson::SUCCESS || input.is_null()) {
    return OpenAIError(400, "'input' is required: a string or an array of strings", "input");
  }
  std::string_view s;
  dom::array list;
  if (input.get_string().get(s) == simdjson::SUCCESS) {
    texts.push_back(s);
  } else if (input.get_array().get(list) == simdjson::SUCCESS) {
    for (dom::element item : list) {
      if (item.get_string().get(s) != simdjson::SUCCESS) {
        return OpenAIError(400, "'input' must be a string or an array of strings (token-id arrays are not supported; send the text)", "input");
      }
      texts.push_back(s);
    }
  } else {
    return OpenAIError(400, "'input' must be a string or an array of strings", "input");
  }
  if (texts.empty()) return OpenAIError(400, "'input' must not be an empty array", "input");
  if (texts.size() > kMaxInputs) {
    return OpenAIError(400, "'input' has " + std::to_string(texts.size()) + " items; at most " + std::to_string(kMaxInputs) + " per request", "input");
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].empty()) return OpenAIError(400, "'input' item " + std::to_string(i) + " is an empty string", "input");
  }

  bool base64 = false;
  dom::element fmt;
  if (body.at_key("encoding_format").get(fmt) == simdjson::SUCCESS && !fmt.is_null()) {
    if (fmt.get_string().get(s) != simdjson::SUCCESS || (s != "float" && s != "base64")) {
      return OpenAIError(400, "'encoding_format' must be \"float\" or \"base64\"", "encoding_format");
    }
    base64 = s == "base64";
  }
  dom::element dims;
  if (body.at_key("dimensions").get(dims) == simdjson::SUCCESS && !dims.is_null()) {
    return OpenAIError(400, "'dimensions' is not supported: the vector length is the model's hidden size", "dimensions");
  }

  auto request = std::make_unique<InferenceRequest>();
  request->parameters["task"] = std::string("embedding");
  return MakeTextGeneration(std::move(mv), std::move(request), texts, r,
                            std::make_unique<EmbeddingFormatter>(std::string(model_name), base64));
}

}  // namespace strato::http
