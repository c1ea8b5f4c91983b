#include "crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace strato::registry {

void CrashPoint(std::string_view name) {
  static const char* const target = std::getenv("STRATO_CRASH_AT");
  if (target == nullptr) return;
  const std::string_view spec(target);
  const auto colon = spec.find(':');
  if (spec.substr(0, colon) != name) return;
  static std::atomic<int> hits{0};
  const int wanted = colon == std::string_view::npos ? 1 : std::atoi(std::string(spec.substr(colon + 1)).c_str());
  if (++hits >= wanted) kill(getpid(), SIGKILL);
}

}  // namespace strato::registry
