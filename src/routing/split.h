// Optimal split of a giant tour into routes (Prins 2004; Vidal 2016), under
// the penalised cost so that loads up to 1.5 x capacity remain reachable.
#pragma once

#include <vector>

#include "segment.h"

namespace strato::routing::internal {

// Cuts `tour` (all customers, in order) into consecutive routes minimising
// the penalised cost. With `max_routes` > 0 at most that many routes are used
// (the fleet limit); a first pass without the limit is kept when it fits.
std::vector<std::vector<int>> Split(const Problem& p, const Penalties& w,
                                    const std::vector<int>& tour, int max_routes);

}  // namespace strato::routing::internal
