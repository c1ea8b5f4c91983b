// Fuzzes the model-name and relative-path checks: whatever they accept must
// be a single safe path segment (or a path that stays under its root).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "strato/core/model_name.h"
#include "strato/core/safe_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (strato::ValidateModelName(text).ok()) {
    const std::filesystem::path p(text);
    // One relative segment that is neither "." nor "..".
    if (p.is_absolute() || std::distance(p.begin(), p.end()) != 1 || text == "." || text == ".." ||
        text.find_first_of("/\\") != std::string_view::npos ||
        text.find('\0') != std::string_view::npos) {
      std::abort();
    }
  }
  if (strato::CheckRelativePath(text, "fuzz").ok()) {
    const std::filesystem::path root("/nonexistent-fuzz-root");
    const std::filesystem::path joined = (root / text).lexically_normal();
    auto rel = joined.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") std::abort();
  }
  return 0;
}
