// Picks the version that serves one request of a deployed model.
//
// With a sticky key, the choice is a pure function of the key's value (a
// stable hash compared with the canary weight), so one caller always lands
// on the same version while the weight stays the same, and a larger weight
// only moves callers from production to canary, never back. Without one,
// each request draws at random.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace strato::deploy {

// 64-bit FNV-1a hash (stable across processes and builds).
uint64_t StableHash(std::string_view text);

// Maps a hash or random draw to [0, 1).
double UnitInterval(uint64_t bits);

// Returns `canary` when `draw` (in [0, 1)) falls below `canary_weight` and a
// canary exists (canary > 0), else `production`.
int64_t PickVersion(int64_t production, int64_t canary, double canary_weight, double draw);

}  // namespace strato::deploy
