// Fuzzes the config.pbtxt reader: parsing, validation and the JSON round
// trip must never crash, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "strato/config/model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = strato::ParseModelConfigText(text, "fuzz.pbtxt");
  if (config.ok()) {
    (void)strato::ValidateModelConfig(*config, "fuzz.pbtxt");
    const std::string json = strato::ModelConfigToJson(*config);
    auto back = strato::ParseModelConfigJson(json);
    (void)back;
  }
  (void)strato::ParseModelConfigJson(text);
  return 0;
}
