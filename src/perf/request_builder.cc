#include "request_builder.h"

#include <cctype>
#include <cstring>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "strato/core/tensor.h"

namespace strato::perf {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Writes the elements of `t` as a flat JSON array.
void WriteData(const InputTensor& t, JsonWriter* w) {
  w->StartArray();
  const uint8_t* p = t.raw.data();
  if (t.datatype == DataType::kBytes) {
    (void)ForEachBytesElement(t.raw, [w](std::string_view s) {
      w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    });
    w->EndArray();
    return;
  }
  const size_t size = DataTypeByteSize(t.datatype);
  for (size_t off = 0; size > 0 && off + size <= t.raw.size(); off += size) {
    const uint8_t* e = p + off;
    switch (t.datatype) {
      case DataType::kBool: w->Bool(*e != 0); break;
      case DataType::kUint8: w->Uint(*e); break;
      case DataType::kUint16: w->Uint(Load<uint16_t>(e)); break;
      case DataType::kUint32: w->Uint(Load<uint32_t>(e)); break;
      case DataType::kUint64: w->Uint64(Load<uint64_t>(e)); break;
      case DataType::kInt8: w->Int(Load<int8_t>(e)); break;
      case DataType::kInt16: w->Int(Load<int16_t>(e)); break;
      case DataType::kInt32: w->Int(Load<int32_t>(e)); break;
      case DataType::kInt64: w->Int64(Load<int64_t>(e)); break;
      case DataType::kFp16: w->Double(HalfToFloat(Load<uint16_t>(e))); break;
      case DataType::kBf16: w->Double(Bf16ToFloat(Load<uint16_t>(e))); break;
      case DataType::kFp32: w->Double(Load<float>(e)); break;
      case DataType::kFp64: w->Double(Load<double>(e)); break;
      default: break;
    }
  }
  w->EndArray();
}

void Key(JsonWriter* w, std::string_view k) { w->Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void Str(JsonWriter* w, std::string_view v) { w->String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }

}  // namespace

HttpInferBody BuildHttpInferBody(const InputSet& inputs, const std::vector<std::string>& outputs, bool binary) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartObject();
  Key(&w, "inputs");
  w.StartArray();
  for (const InputTensor& t : inputs) {
    w.StartObject();
    Key(&w, "name");
    Str(&w, t.name);
    Key(&w, "datatype");
    Str(&w, DataTypeName(t.datatype));
    Key(&w, "shape");
    w.StartArray();
    for (int64_t d : t.shape) w.Int64(d);
    w.EndArray();
    if (binary) {
      Key(&w, "parameters");
      w.StartObject();
      Key(&w, "binary_data_size");
      w.Uint64(t.raw.size());
      w.EndObject();
    } else {
      Key(&w, "data");
      WriteData(t, &w);
    }
    w.EndObject();
  }
  w.EndArray();
  if (!outputs.empty()) {
    Key(&w, "outputs");
    w.StartArray();
    for (const std::string& name : outputs) {
      w.StartObject();
      Key(&w, "name");
      Str(&w, name);
      if (binary) {
        Key(&w, "parameters");
        w.StartObject();
        Key(&w, "binary_data");
        w.Bool(true);
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  HttpInferBody out;
  out.body.assign(sb.GetString(), sb.GetSize());
  out.json_size = out.body.size();
  out.binary = binary;
  if (binary) {
    for (const InputTensor& t : inputs) out.body.append(reinterpret_cast<const char*>(t.raw.data()), t.raw.size());
  }
  return out;
}

std::string ModelPath(std::string_view model, std::string_view version, std::string_view suffix) {
  std::string path = "/v2/models/";
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : model) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      path.push_back(static_cast<char>(c));
    } else {
      path.push_back('%');
      path.push_back(kHex[c >> 4]);
      path.push_back(kHex[c & 15]);
    }
  }
  if (!version.empty()) {
    path += "/versions/";
    path += version;
  }
  path += suffix;
  return path;
}

std::string BuildHttpRequest(std::string_view method, std::string_view host, std::string_view path,
                             const HttpInferBody* body) {
  std::string req;
  req.reserve(256 + (body ? body->body.size() : 0));
  req.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ").append(host);
  req.append("\r\nConnection: keep-alive\r\n");
  if (body) {
    req.append("Content-Type: ").append(body->binary ? "application/octet-stream" : "application/json");
    req.append("\r\nContent-Length: ").append(std::to_string(body->body.size())).append("\r\n");
    if (body->binary) {
      req.append("Inference-Header-Content-Length: ").append(std::to_string(body->json_size)).append("\r\n");
    }
  }
  req.append("\r\n");
  if (body) req.append(body->body);
  return req;
}

}  // namespace strato::perf
