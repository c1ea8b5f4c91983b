// Fuzzes the XGBoost model checker (JSON and UBJ readers and the structural
// checks): it must never crash, hang or allocate without bound. Models it
// accepts are not loaded here (libxgboost is the thing being protected).
#include <cstddef>
#include <cstdint>
#include <span>

#include "strato/backend/xgboost_model_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)strato::ValidateXgboostModel(std::span<const uint8_t>(data, size), "fuzz");
  return 0;
}
