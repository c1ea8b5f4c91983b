// The `recommender` backend: serves a RecommenderService over KServe v2.
//
// Wire contract (max_batch_size 0, one query per request):
//   inputs   USER_ID    INT64 [1]   user id (0 or unknown: cold start)
//            K          INT32 [1]   optional, default 10; 1..catalogue size
//            EXCLUDE    INT64 [-1]  optional, item ids never returned
//            GENRES     BYTES [-1]  optional, keep items with any of these genres
//            ITEMS      INT64 [-1]  optional, cold start: recommend like these items
//            ADD_ITEMS  INT64 [-1]  optional, new interactions of USER_ID, folded
//                                   in (and journaled) before answering
//            SIMILAR_TO INT64 [1]   optional, answer the items most like this one
//   outputs  ITEM_IDS   INT64 [-1], SCORES FP32 [-1], TITLES BYTES [-1],
//            SOURCE     BYTES [1]   personal | seed-items | popular | similar-items
//
// Config parameters: data_dir (a MovieLens 100K folder; empty or missing: a
// generated sample catalogue), journal (fold-in journal file, default
// <model>/fold_in_journal.tsv), factors, iterations, reg, alpha.
// The model trains when it loads (seconds on MovieLens 100K).
#pragma once

#include <filesystem>

#include "strato/backend/backend.h"

namespace strato::recsys {

void RegisterRecommenderBackend(BackendRegistry* registry);

// Writes the demo model `recommender` into a model repository folder,
// pointing at ../shared/datasets/recsys/ml-100k when it exists.
Status WriteDemoRecommenderModel(const std::filesystem::path& dir);

}  // namespace strato::recsys
