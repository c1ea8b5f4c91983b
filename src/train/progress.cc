#include "strato/train/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace strato::train {

ProgressBar::ProgressBar(std::string label, double total, bool quiet)
    : label_(std::move(label)), total_(total > 0 ? total : 1), quiet_(quiet),
      tty_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  if (!finished_) Done();
}

void ProgressBar::Update(double done, const std::string& detail) {
  std::lock_guard<std::mutex> lock(mu_);
  if (quiet_ || !tty_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(done, detail, false);
}

void ProgressBar::Done(const std::string& detail) {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  finished_ = true;
  if (!quiet_) Draw(total_, detail, true);
}

void ProgressBar::Draw(double done, const std::string& detail, bool final) {
  constexpr int kWidth = 30;
  const double frac = std::clamp(done / total_, 0.0, 1.0);
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '.');
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "%s%-10s [%s] %3d%% %6.1fs %s%s", tty_ ? "\r\033[K" : "", label_.c_str(),
               bar.c_str(), static_cast<int>(frac * 100), secs, detail.c_str(),
               final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace strato::train
