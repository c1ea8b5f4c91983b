// Response half of v2_json_codec.h: JSON/binary output encoding and the
// classification extension.
#include <algorithm>
#include <numeric>
#include <string>

#include "json_tensor_data.h"
#include "json_util.h"
#include "v2_json_codec.h"

namespace strato::http {
namespace {

const RequestedOutput* FindRequested(const InferOutputOptions& options, std::string_view name) {
  for (const auto& o : options.outputs) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

// Triton's classification extension: the top `k` entries of each batch row
// as BYTES "value:index" strings, highest value first.
Tensor Classify(const Tensor& t, int64_t k, bool model_batches, std::vector<uint8_t>* storage) {
  const int64_t count = std::max<int64_t>(t.element_count(), 0);
  const bool batched = model_batches && !t.shape().empty();
  const int64_t rows = batched ? std::max<int64_t>(t.shape()[0], 1) : 1;
  const int64_t per_row = count / rows;
  k = std::min(k, per_row);
  std::vector<int64_t> order(static_cast<size_t>(per_row));
  for (int64_t r = 0; r < rows; ++r) {
    std::iota(order.begin(), order.end(), int64_t{0});
    const size_t base = static_cast<size_t>(r * per_row);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
      return ElementAsDouble(t, base + a) > ElementAsDouble(t, base + b);
    });
    for (int64_t i = 0; i < k; ++i) {
      const double v = ElementAsDouble(t, base + order[i]);
      AppendBytesElement(storage, std::to_string(v) + ":" + std::to_string(order[i]));
    }
  }
  std::vector<int64_t> shape = batched ? std::vector<int64_t>{rows, k} : std::vector<int64_t>{k};
  Tensor out(t.name(), DataType::kBytes, std::move(shape));
  out.SetView(storage->data(), storage->size(), nullptr);
  return out;
}

void WriteShape(JsonWriter& writer, const std::vector<int64_t>& shape) {
  writer.StartArray();
  for (int64_t d : shape) writer.Int64(d);
  writer.EndArray();
}

}  // namespace

StatusOr<EncodedInferResponse> EncodeInferResponse(const InferenceResponse& response,
                                                   const InferOutputOptions& options) {
  EncodedInferResponse encoded;
  JsonBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  if (!response.id.empty()) {
    writer.Key("id");
    WriteString(writer, response.id);
  }
  writer.Key("model_name");
  WriteString(writer, response.model_name);
  writer.Key("model_version");
  const std::string version = std::to_string(response.model_version);
  WriteString(writer, version);
  if (!response.parameters.empty()) {
    writer.Key("parameters");
    WriteParameters(writer, response.parameters);
  }
  writer.Key("outputs");
  writer.StartArray();
  for (const Tensor& produced : response.outputs) {
    const RequestedOutput* requested = FindRequested(options, produced.name());
    if (!options.outputs.empty() && requested == nullptr) continue;
    const bool binary = requested ? (requested->binary_data || (options.binary_default &&
                                     requested->parameters.find("binary_data") ==
                                         requested->parameters.end()))
                                  : options.binary_default;
    const Tensor* t = &produced;
    Tensor classified;
    if (requested && requested->class_count > 0) {
      encoded.owned.push_back(std::make_unique<std::vector<uint8_t>>());
      classified = Classify(produced, requested->class_count, options.model_batches,
                            encoded.owned.back().get());
      t = &classified;
    }
    RETURN_IF_ERROR(t->Validate().WithPrefix("output '" + t->name() + "'"));
    writer.StartObject();
    writer.Key("name");
    WriteString(writer, t->name());
    writer.Key("datatype");
    WriteString(writer, DataTypeName(t->datatype()));
    writer.Key("shape");
    WriteShape(writer, t->shape());
    if (binary) {
      writer.Key("parameters");
      writer.StartObject();
      writer.Key("binary_data_size");
      writer.Uint64(t->byte_size());
      writer.EndObject();
      // Classification bytes live in `owned`; other outputs in the response.
      encoded.binary.push_back(t->bytes());
      encoded.binary_bytes += t->byte_size();
    } else {
      writer.Key("data");
      RETURN_IF_ERROR(WriteTensorData(writer, *t));
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  encoded.json.assign(buffer.GetString(), buffer.GetSize());
  return encoded;
}

}  // namespace strato::http
