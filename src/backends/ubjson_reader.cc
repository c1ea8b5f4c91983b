#include "ubjson_reader.h"

#include <cstring>
#include <string>

namespace strato {
namespace {

class UbjReader {
 public:
  UbjReader(std::span<const uint8_t> bytes, rapidjson::Document::AllocatorType* alloc)
      : begin_(bytes.data()), p_(bytes.data()), end_(bytes.data() + bytes.size()), alloc_(alloc) {}

  Status ReadDocument(rapidjson::Value* out) {
    uint8_t marker = 0;
    RETURN_IF_ERROR(ReadMarker(&marker));
    RETURN_IF_ERROR(ReadValue(marker, out, 0));
    if (p_ != end_) return Error("trailing bytes after the top-level value");
    return Status::Ok();
  }

 private:
  Status Error(const std::string& problem) const {
    return InvalidArgumentError("UBJSON byte " + std::to_string(p_ - begin_) + ": " + problem);
  }

  size_t Left() const { return static_cast<size_t>(end_ - p_); }

  Status ReadMarker(uint8_t* marker) {
    do {
      if (p_ == end_) return Error("unexpected end of data");
      *marker = *p_++;
    } while (*marker == 'N');  // no-op
    return Status::Ok();
  }

  // Big-endian fixed-size read.
  template <typename T>
  Status ReadBig(T* out) {
    if (Left() < sizeof(T)) return Error("unexpected end of data");
    uint8_t raw[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) raw[i] = p_[sizeof(T) - 1 - i];
    std::memcpy(out, raw, sizeof(T));
    p_ += sizeof(T);
    return Status::Ok();
  }

  static bool IsIntMarker(uint8_t m) {
    return m == 'i' || m == 'U' || m == 'I' || m == 'l' || m == 'L';
  }

  Status ReadInt(uint8_t marker, int64_t* out) {
    switch (marker) {
      case 'i': {
        int8_t v = 0;
        RETURN_IF_ERROR(ReadBig(&v));
        *out = v;
        return Status::Ok();
      }
      case 'U': {
        uint8_t v = 0;
        RETURN_IF_ERROR(ReadBig(&v));
        *out = v;
        return Status::Ok();
      }
      case 'I': {
        int16_t v = 0;
        RETURN_IF_ERROR(ReadBig(&v));
        *out = v;
        return Status::Ok();
      }
      case 'l': {
        int32_t v = 0;
        RETURN_IF_ERROR(ReadBig(&v));
        *out = v;
        return Status::Ok();
      }
      case 'L': {
        int64_t v = 0;
        RETURN_IF_ERROR(ReadBig(&v));
        *out = v;
        return Status::Ok();
      }
      default: return Error("expected an integer type marker");
    }
  }

  // A length or count: an integer value with its own marker, >= 0.
  Status ReadLength(int64_t* out) {
    uint8_t marker = 0;
    RETURN_IF_ERROR(ReadMarker(&marker));
    if (!IsIntMarker(marker)) return Error("a length must be an integer");
    RETURN_IF_ERROR(ReadInt(marker, out));
    if (*out < 0) return Error("negative length");
    return Status::Ok();
  }

  Status ReadString(rapidjson::Value* out) {
    int64_t length = 0;
    RETURN_IF_ERROR(ReadLength(&length));
    if (static_cast<uint64_t>(length) > Left()) return Error("string longer than the data left");
    out->SetString(reinterpret_cast<const char*>(p_), static_cast<rapidjson::SizeType>(length),
                   *alloc_);
    p_ += length;
    return Status::Ok();
  }

  // Bytes one element of a typed container takes (0 for types that are
  // refused there).
  static size_t FixedSize(uint8_t m) {
    switch (m) {
      case 'i':
      case 'U':
      case 'C': return 1;
      case 'I': return 2;
      case 'l':
      case 'd': return 4;
      case 'L':
      case 'D': return 8;
      case 'S':
      case 'H': return 1;  // at least the length's marker
      default: return 0;
    }
  }

  // After '[' or '{': an optional "$type" and "#count". count < 0: none.
  Status ReadContainerHeader(uint8_t* type, int64_t* count) {
    *type = 0;
    *count = -1;
    if (p_ != end_ && *p_ == '$') {
      ++p_;
      if (p_ == end_) return Error("unexpected end of data");
      *type = *p_++;
      if (FixedSize(*type) == 0) return Error("unsupported element type in a typed container");
      if (p_ == end_ || *p_ != '#') return Error("a typed container needs a count ('#')");
    }
    if (p_ != end_ && *p_ == '#') {
      ++p_;
      RETURN_IF_ERROR(ReadLength(count));
      const size_t least = *type != 0 ? FixedSize(*type) : 1;
      if (static_cast<uint64_t>(*count) > Left() / least) {
        return Error("container count " + std::to_string(*count) + " exceeds the data left");
      }
    }
    return Status::Ok();
  }

  Status ReadArray(rapidjson::Value* out, int depth) {
    uint8_t type = 0;
    int64_t count = -1;
    RETURN_IF_ERROR(ReadContainerHeader(&type, &count));
    out->SetArray();
    if (count >= 0) {
      out->Reserve(static_cast<rapidjson::SizeType>(count), *alloc_);
      for (int64_t i = 0; i < count; ++i) {
        uint8_t marker = type;
        if (marker == 0) RETURN_IF_ERROR(ReadMarker(&marker));
        rapidjson::Value item;
        RETURN_IF_ERROR(ReadValue(marker, &item, depth + 1));
        out->PushBack(item, *alloc_);
      }
      return Status::Ok();
    }
    while (true) {
      uint8_t marker = 0;
      RETURN_IF_ERROR(ReadMarker(&marker));
      if (marker == ']') return Status::Ok();
      rapidjson::Value item;
      RETURN_IF_ERROR(ReadValue(marker, &item, depth + 1));
      out->PushBack(item, *alloc_);
    }
  }

  Status ReadObject(rapidjson::Value* out, int depth) {
    uint8_t type = 0;
    int64_t count = -1;
    RETURN_IF_ERROR(ReadContainerHeader(&type, &count));
    out->SetObject();
    for (int64_t i = 0; count < 0 || i < count; ++i) {
      if (count < 0) {
        if (p_ != end_ && *p_ == '}') {
          ++p_;
          return Status::Ok();
        }
      }
      rapidjson::Value key;
      RETURN_IF_ERROR(ReadString(&key));
      uint8_t marker = type;
      if (marker == 0) RETURN_IF_ERROR(ReadMarker(&marker));
      rapidjson::Value value;
      RETURN_IF_ERROR(ReadValue(marker, &value, depth + 1));
      out->AddMember(key, value, *alloc_);
    }
    return Status::Ok();
  }

  Status ReadValue(uint8_t marker, rapidjson::Value* out, int depth) {
    if (depth > kMaxUbjsonDepth)
      return Error("nesting deeper than " + std::to_string(kMaxUbjsonDepth));
    switch (marker) {
      case 'Z': out->SetNull(); return Status::Ok();
      case 'T': out->SetBool(true); return Status::Ok();
      case 'F': out->SetBool(false); return Status::Ok();
      case 'i':
      case 'U':
      case 'I':
      case 'l':
      case 'L': {
        int64_t v = 0;
        RETURN_IF_ERROR(ReadInt(marker, &v));
        out->SetInt64(v);
        return Status::Ok();
      }
      case 'd': {
        float v = 0;
        RETURN_IF_ERROR(ReadBig(&v));
        out->SetDouble(v);
        return Status::Ok();
      }
      case 'D': {
        double v = 0;
        RETURN_IF_ERROR(ReadBig(&v));
        out->SetDouble(v);
        return Status::Ok();
      }
      case 'C': {
        if (p_ == end_) return Error("unexpected end of data");
        out->SetString(reinterpret_cast<const char*>(p_), 1, *alloc_);
        ++p_;
        return Status::Ok();
      }
      case 'S':
      case 'H': return ReadString(out);  // high-precision numbers kept as text
      case '[': return ReadArray(out, depth);
      case '{': return ReadObject(out, depth);
      default: return Error("unknown type marker (byte " + std::to_string(marker) + ")");
    }
  }

  const uint8_t* const begin_;
  const uint8_t* p_;
  const uint8_t* const end_;
  rapidjson::Document::AllocatorType* alloc_;
};

}  // namespace

Status ParseUbjson(std::span<const uint8_t> bytes, rapidjson::Document* out) {
  UbjReader reader(bytes, &out->GetAllocator());
  rapidjson::Value root;
  RETURN_IF_ERROR(reader.ReadDocument(&root));
  static_cast<rapidjson::Value&>(*out) = root;  // moves
  return Status::Ok();
}

}  // namespace strato
