// XgbBooster: an owning, Status-returning wrapper over one XGBoost 1.7
// booster handle (C API, <xgboost/c_api.h>).
//
// All XGBoost failures come back as Status values carrying the first line of
// XGBGetLastError() (XGBoost appends a stack trace that is noise to a user).
// The C API itself never throws (it converts its internal exceptions to
// return codes).
//
// Thread-safety: XGBoost does not document concurrent prediction on one
// booster as safe, so a booster must be used by one thread at a time; the
// xgboost backend gives each ModelInstance its own. Distinct boosters may be
// used concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato {

// Serialised model formats XGBoost 1.7 reads.
enum class XgbFormat { kBinary, kJson, kUbj };
std::string_view XgbFormatName(XgbFormat format);  // "binary", "json", "ubj"
// Sniffs the format of a model file's bytes: JSON starts with `{"`, UBJSON
// with `{` then a type marker, anything else is taken as the legacy binary.
XgbFormat DetectXgbFormat(std::span<const uint8_t> bytes);

// First line of XGBoost's last error on this thread.
std::string XgbLastError();

class XgbBooster {
 public:
  // Loads a model (any format, detected from its content). `nthread` is the
  // OpenMP thread count XGBoost uses for each prediction (>= 1; 0 means all
  // cores). `source` names the model in error messages. INVALID_ARGUMENT
  // "<source>: cannot load XGBoost model: <xgboost message>" when the bytes
  // are not a model.
  static StatusOr<std::unique_ptr<XgbBooster>> Load(std::span<const uint8_t> bytes, int nthread,
                                                    std::string_view source);
  ~XgbBooster();
  XgbBooster(const XgbBooster&) = delete;
  XgbBooster& operator=(const XgbBooster&) = delete;

  int64_t num_features() const { return num_features_; }

  // Predicts `rows` rows of num_features() floats, row-major and contiguous
  // at `data` (NaN = missing). On success `out` holds rows * width values
  // and the width is returned: 1 for regression and binary objectives,
  // num_class for multi:softprob. INTERNAL with XGBoost's message otherwise.
  // REQUIRES: rows > 0.
  StatusOr<size_t> Predict(const float* data, size_t rows, std::vector<float>* out);

 private:
  explicit XgbBooster(void* handle) : handle_(handle) {}
  void* handle_;  // BoosterHandle, owned
  int64_t num_features_ = 0;
};

// Reads a whole file. NOT_FOUND / INTERNAL naming the path.
StatusOr<std::vector<uint8_t>> ReadFileBytes(const std::string& path);

}  // namespace strato
