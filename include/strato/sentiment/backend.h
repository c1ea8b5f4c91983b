// The `sentiment` backend: serves a model trained by `strato sentiment
// train` (or trained at load from a TSV file, then cached).
//
// Wire contract (config written by RegisterInRepository / ModelConfigText):
//   input  TEXT        BYTES [batch, 1]: UTF-8 texts
//   output LABEL       BYTES [batch, 1]: "negative" | "positive"
//          SCORE       FP32  [batch, 1]: calibrated probability of LABEL
//          EXPLANATION BYTES [batch, 1]: JSON [{"word","weight"}...], the
//                      words that moved the log-odds of "positive" most
// A request with an empty text, invalid UTF-8 or a text over max_text_bytes
// is refused as a whole with INVALID_ARGUMENT (HTTP 400) naming the element.
//
// Config parameters:
//   model_file      file in the version folder (default sentiment.model)
//   train_tsv       when the version folder holds no model file: train from
//                   this TSV at load (relative paths: to the model folder)
//                   and cache the result in the version folder
//   family          family trained at load (default ensemble)
//   max_rows        rows of train_tsv used at load (default all)
//   explain_top_k   words per explanation (default 5)
//   max_text_bytes  longest accepted text (default: the model's limit, 1 MiB)
#pragma once

#include <filesystem>

#include "strato/backend/backend.h"

namespace strato::sentiment {

void RegisterSentimentBackend(BackendRegistry* registry);

// Adds the demo model "sentiment" to the demo repository `dir`. It trains at
// load from $STRATO_DEMO_SST2, else ../shared/datasets/sentiment/sst2/
// train.tsv beside the source tree this binary was built from, else from a
// generated sample of review phrases written into the model folder.
Status WriteDemoSentimentModel(const std::filesystem::path& dir);

}  // namespace strato::sentiment
