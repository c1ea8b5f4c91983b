#include "deployment_table.h"

#include <pwd.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace strato::cli {
namespace {

double Number(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : 0.0;
}

std::string Text(const rapidjson::Value& object, const char* key) {
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// One row of the versions table.
std::string Row(int64_t version, const char* role, const std::string& share,
                const rapidjson::Value& doc, const char* window_key) {
  auto it = doc.FindMember(window_key);
  if (it == doc.MemberEnd() || !it->value.IsObject()) return "";
  const rapidjson::Value& w = it->value;
  std::string quality = "-";
  if (auto q = w.FindMember("quality"); q != w.MemberEnd() && q->value.IsNumber()) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.3f", q->value.GetDouble());
    quality = buffer;
  }
  char line[256];
  std::snprintf(line, sizeof(line), "%-8lld %-11s %-7s %9.0f %7.0f %10.4f %9.2f  %s\n",
                static_cast<long long>(version), role, share.c_str(), Number(w, "requests"),
                Number(w, "errors"), Number(w, "error_rate"), Number(w, "p99_us") / 1000.0,
                quality.c_str());
  return line;
}

std::string Percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.0f%%", fraction * 100);
  return buffer;
}

}  // namespace

std::string FormatUnixTime(int64_t unix_seconds) {
  if (unix_seconds <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buffer;
}

StatusOr<std::string> FormatDeploymentStatus(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject())
    return InvalidArgumentError("the server's answer is not a deployment");
  const rapidjson::Value& d = doc;
  const auto production = static_cast<int64_t>(Number(d, "production"));
  const auto canary = static_cast<int64_t>(Number(d, "canary"));
  const auto shadow = static_cast<int64_t>(Number(d, "shadow"));
  const double weight = canary > 0 ? Number(d, "canary_weight") : 0.0;
  std::string out = "model " + Text(d, "model") + " (generation " +
                    std::to_string(static_cast<int64_t>(Number(d, "generation"))) + ")";
  if (!Text(d, "sticky_key").empty()) out += ", sticky key '" + Text(d, "sticky_key") + "'";
  out += "\n\nVERSION  ROLE        TRAFFIC  REQUESTS  ERRORS  ERROR RATE  P99 (ms)  QUALITY\n";
  if (production > 0)
    out += Row(production, "production", Percent(1 - weight), d, "production_window");
  if (canary > 0) out += Row(canary, "canary", Percent(weight), d, "canary_window");
  if (shadow > 0) out += Row(shadow, "shadow", "copy", d, "shadow_window");
  out += "\n";
  char line[256];
  if (canary > 0) {
    std::snprintf(line, sizeof(line), "canary served:  %.0f s with traffic\n",
                  Number(d, "canary_age_secs"));
    out += line;
  }
  if (shadow > 0) {
    std::snprintf(line, sizeof(line),
                  "shadow:         %.0f compared, %.0f mismatched, %.0f failed, %.0f dropped\n",
                  Number(d, "shadow_compared"), Number(d, "shadow_mismatched"),
                  Number(d, "shadow_failed"), Number(d, "shadow_dropped"));
    out += line;
  }
  out += "next decision:  " + Text(d, "next_decision") + " (" + Text(d, "next_reason") + ")\n";
  out +=
      "windows cover the last --deploy-window-secs; counters restart when a version unloads or the "
      "server restarts\n";
  return out;
}

std::string ErrorMessage(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    const std::string message = Text(doc, "error");
    if (!message.empty()) return message;
  }
  return body;
}

std::string CurrentUser() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr)
    return pw->pw_name;
  return "unknown";
}

}  // namespace strato::cli
