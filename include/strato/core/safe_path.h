// Paths built from user input: a relative path from a request is joined to
// a root folder only after checking that the result stays inside the root,
// also after resolving symbolic links that already exist on disk.
#pragma once

#include <filesystem>
#include <string_view>

#include "strato/core/status.h"

namespace strato {

// Checks `relative` lexically: non-empty, not absolute, no empty, "." or ".."
// segment, no backslash, NUL or control character. `what` names the field in
// the error ("file:1/model.json").
Status CheckRelativePath(std::string_view relative, std::string_view what);

// root / relative, after CheckRelativePath and after checking that the
// canonical form of the result (existing links resolved) is inside the
// canonical root. INVALID_ARGUMENT names `what` when it would escape.
StatusOr<std::filesystem::path> ResolveInside(const std::filesystem::path& root,
                                              std::string_view relative, std::string_view what);

// Whether `path` (resolved as far as it exists) lies inside `root`.
bool IsInside(const std::filesystem::path& root, const std::filesystem::path& path);

}  // namespace strato
