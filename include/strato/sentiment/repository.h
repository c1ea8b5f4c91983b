// Placing sentiment models in a model repository (docs/backends.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "strato/sentiment/model.h"

namespace strato::sentiment {

// The config.pbtxt the `sentiment` backend serves a model with: TEXT BYTES
// in; LABEL BYTES, SCORE FP32 and EXPLANATION BYTES (JSON) out; dynamic
// batching. `extra` is appended verbatim (parameters).
std::string ModelConfigText(std::string_view name, std::string_view extra = {});

struct RegisteredVersion {
  std::filesystem::path version_dir;
  int64_t version = 0;
  bool wrote_config = false;
};

// Saves `model` as the next version of `name` in `repository`
// (REPOSITORY/NAME/N/sentiment.model) and writes config.pbtxt when the
// model has none.
StatusOr<RegisteredVersion> RegisterInRepository(const SentimentModel& model,
                                                 const std::filesystem::path& repository,
                                                 std::string_view name);

}  // namespace strato::sentiment
