#include "strato/core/safe_path.h"

#include <iterator>
#include <string>
#include <system_error>

namespace strato {
namespace fs = std::filesystem;

Status CheckRelativePath(std::string_view relative, std::string_view what) {
  const std::string shown(what.substr(0, 200));
  if (relative.empty()) return InvalidArgumentError(shown + ": the path is empty");
  if (relative.front() == '/') return InvalidArgumentError(shown + ": the path must be relative");
  for (char c : relative) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || u < 0x20 || u == 0x7f) {
      return InvalidArgumentError(shown + ": the path holds a backslash or a control character");
    }
  }
  size_t pos = 0;
  while (pos <= relative.size()) {
    size_t end = relative.find('/', pos);
    if (end == std::string_view::npos) end = relative.size();
    const std::string_view part = relative.substr(pos, end - pos);
    if (part.empty() || part == "." || part == "..") {
      return InvalidArgumentError(shown + ": empty, '.' or '..' path segments are not allowed");
    }
    pos = end + 1;
  }
  return Status::Ok();
}

bool IsInside(const fs::path& root, const fs::path& path) {
  std::error_code ec;
  const fs::path canonical_root = fs::weakly_canonical(root, ec);
  if (ec) return false;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  if (ec) return false;
  auto r = canonical_root.begin();
  auto p = canonical.begin();
  for (; r != canonical_root.end(); ++r, ++p) {
    if (r->empty() && std::next(r) == canonical_root.end()) break;  // trailing '/'
    if (p == canonical.end() || *p != *r) return false;
  }
  return true;
}

StatusOr<fs::path> ResolveInside(const fs::path& root, std::string_view relative,
                                 std::string_view what) {
  RETURN_IF_ERROR(CheckRelativePath(relative, what));
  fs::path joined = root / fs::path(relative);
  if (!IsInside(root, joined)) {
    return InvalidArgumentError(std::string(what.substr(0, 200)) +
                                ": the path leaves its folder (through a link)");
  }
  return joined;
}

}  // namespace strato
