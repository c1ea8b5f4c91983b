#include "traffic_router.h"

namespace strato::deploy {

uint64_t StableHash(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  // FNV's low bits mix poorly for short keys; finish with a murmur-style mix.
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdull;
  hash ^= hash >> 33;
  return hash;
}

double UnitInterval(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

int64_t PickVersion(int64_t production, int64_t canary, double canary_weight, double draw) {
  if (canary > 0 && draw < canary_weight) return canary;
  return production;
}

}  // namespace strato::deploy
