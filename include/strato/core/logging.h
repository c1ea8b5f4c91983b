// Structured logging: one line per event, as text or JSON.
//
//   LogInfo("model loaded", {{"model", name}, {"version", std::to_string(v)}});
//
// text:  2026-11-28T03:00:00.123Z INFO model loaded model=m version=1
// json:  {"ts":"2026-11-28T03:00:00.123Z","level":"info","msg":"model loaded","model":"m","version":"1"}
//
// Thread-safety: all functions may be called from any thread; lines are
// written whole (never interleaved).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace strato {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2, kVerbose = 3 };
enum class LogFormat { kText, kJson };

using LogField = std::pair<std::string_view, std::string>;

// Process-wide settings; call before starting threads.
void SetLogLevel(LogLevel level);
void SetLogFormat(LogFormat format);
// Verbosity as Triton's --log-verbose: 0 = info, >= 1 = verbose (per request).
void SetLogVerbose(int verbose);
bool LogEnabled(LogLevel level);

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
inline void LogError(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kError, m, f); }
inline void LogWarning(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kWarning, m, f); }
inline void LogInfo(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogVerbose(std::string_view m, std::initializer_list<LogField> f = {}) {
  if (LogEnabled(LogLevel::kVerbose)) Log(LogLevel::kVerbose, m, f);
}

// Escapes a string for inclusion inside JSON double quotes.
std::string JsonEscape(std::string_view s);

}  // namespace strato
