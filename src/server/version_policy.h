// Version policy: which of a model's version folders to serve (Triton's
// version_policy): latest { num_versions: N } (the default, N = 1), all,
// or specific { versions: [...] }.
//
// Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <vector>

#include "model_config.pb.h"

namespace strato {

struct VersionSelection {
  std::vector<int64_t> versions;  // to load, ascending
  std::vector<int64_t> missing;   // asked for by a specific policy but absent on disk
};

// `available` lists the version folders found (any order).
VersionSelection SelectVersions(const inference::ModelVersionPolicy& policy,
                                std::vector<int64_t> available);

}  // namespace strato
