// Crash points for crash-consistency tests: when the environment variable
// STRATO_CRASH_AT names a point ("blob_renamed") or a point and an
// occurrence ("blob_renamed:3", the third time it is reached), the process
// kills itself with SIGKILL there, exactly like `kill -9` would.
//
// Thread-safety: callable from any thread.
#pragma once

#include <string_view>

namespace strato::registry {

void CrashPoint(std::string_view name);

}  // namespace strato::registry
