// ProgressBar: a one-line progress bar on stderr for ingest, training
// rounds and search trials. On a terminal it redraws in place (at most ~10
// times a second); otherwise (logs, CI) it prints only the final line, so
// logs stay readable.
//
// Thread-safety: Update may be called from several threads (trials).
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace strato::train {

class ProgressBar {
 public:
  ProgressBar(std::string label, double total, bool quiet = false);
  ~ProgressBar();  // finishes the line if Done was not called
  void Update(double done, const std::string& detail = {});
  void Done(const std::string& detail = {});

 private:
  void Draw(double done, const std::string& detail, bool final);

  std::mutex mu_;
  std::string label_;
  double total_;
  bool quiet_, tty_, finished_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
  std::chrono::steady_clock::time_point start_;
};

}  // namespace strato::train
