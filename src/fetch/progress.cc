#include "strato/fetch/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace strato::fetch {
namespace {

constexpr auto kBarInterval = std::chrono::milliseconds(200);
constexpr auto kLineInterval = std::chrono::seconds(5);
constexpr int kBarWidth = 24;

std::string Printf(const char* format, double a) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, a);
  return buf;
}

}  // namespace

std::string FormatBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes) / 1024.0;
  int unit = 0;
  while (v >= 1024.0 && unit < 3) {
    v /= 1024.0;
    ++unit;
  }
  std::string out = Printf(v < 10.0 ? "%.2f " : (v < 100.0 ? "%.1f " : "%.0f "), v);
  out += kUnits[unit];
  return out;
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<uint64_t>(std::llround(seconds));
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof(buf), "%llus", static_cast<unsigned long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof(buf), "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>((s / 60) % 60));
  }
  return buf;
}

std::string FormatProgress(uint64_t done, std::optional<uint64_t> total, double bytes_per_second) {
  std::string line = FormatBytes(done);
  if (total && *total > 0) {
    const double share = std::min(1.0, static_cast<double>(done) / static_cast<double>(*total));
    line += " / ";
    line += FormatBytes(*total);
    line += " (";
    line += std::to_string(static_cast<int>(share * 100));
    line += "%)";
  }
  line += "  ";
  line += FormatBytes(static_cast<uint64_t>(std::max(0.0, bytes_per_second)));
  line += "/s";
  if (total && bytes_per_second > 0 && *total >= done) {
    line += "  ETA ";
    line += FormatDuration(static_cast<double>(*total - done) / bytes_per_second);
  }
  return line;
}

ProgressReporter::ProgressReporter(std::FILE* out, bool interactive)
    : out_(out), interactive_(interactive), start_(Clock::now()), last_print_(start_) {}

bool ProgressReporter::IsTerminal(std::FILE* out) { return isatty(fileno(out)) == 1; }

void ProgressReporter::Start(uint64_t already_done) {
  start_ = Clock::now();
  last_print_ = start_;
  start_bytes_ = already_done;
}

double ProgressReporter::RateNow(uint64_t done, Clock::time_point now) const {
  const double secs = std::chrono::duration<double>(now - start_).count();
  if (secs <= 0 || done < start_bytes_) return 0;
  return static_cast<double>(done - start_bytes_) / secs;
}

void ProgressReporter::Update(uint64_t done, std::optional<uint64_t> total) {
  const auto now = Clock::now();
  const Clock::duration interval = interactive_ ? Clock::duration(kBarInterval) : Clock::duration(kLineInterval);
  if (now - last_print_ < interval) return;
  last_print_ = now;
  const std::string text = FormatProgress(done, total, RateNow(done, now));
  if (!interactive_) {
    std::fprintf(out_, "  %s\n", text.c_str());
    std::fflush(out_);
    return;
  }
  std::string bar;
  if (total && *total > 0) {
    const auto filled = static_cast<int>(kBarWidth * std::min(1.0, static_cast<double>(done) / static_cast<double>(*total)));
    // Appended piecewise: GCC 12 misreports "[" + std::string as -Wrestrict.
    bar += '[';
    bar.append(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kBarWidth - filled), '.');
    bar += "] ";
  }
  // \r returns to the line start; ESC[K clears what a longer previous line left.
  std::fprintf(out_, "\r%s%s\x1b[K", bar.c_str(), text.c_str());
  std::fflush(out_);
  bar_on_screen_ = true;
}

void ProgressReporter::Note(const std::string& text) {
  if (bar_on_screen_) std::fputs("\r\x1b[K", out_);
  bar_on_screen_ = false;
  std::fprintf(out_, "  %s\n", text.c_str());
  std::fflush(out_);
}

void ProgressReporter::Finish(uint64_t done) {
  const auto now = Clock::now();
  const double secs = std::chrono::duration<double>(now - start_).count();
  std::string text = FormatBytes(done);
  text += " done in ";
  text += FormatDuration(secs);
  text += " (";
  text += FormatBytes(static_cast<uint64_t>(RateNow(done, now)));
  text += "/s)";
  if (bar_on_screen_) {
    std::fprintf(out_, "\r%s\x1b[K\n", text.c_str());
  } else {
    std::fprintf(out_, "  %s\n", text.c_str());
  }
  std::fflush(out_);
  bar_on_screen_ = false;
}

}  // namespace strato::fetch
