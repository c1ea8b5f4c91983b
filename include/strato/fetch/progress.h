// Download progress on a terminal: bytes, rate and ETA.
//
// On a TTY the reporter redraws one line (a bar) in place at most five times
// a second; otherwise (CI logs, pipes) it prints a plain line at most every
// five seconds, so logs stay readable. Either way Finish() prints a last line.
//
// Thread-safety: single-threaded; call from the thread that downloads.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

namespace strato::fetch {

// "0 B", "999 B", "1.5 KiB", "12.3 MiB", "1.21 GiB".
std::string FormatBytes(uint64_t bytes);
// "7s", "2m05s", "3h12m"; "?" for negative or non-finite.
std::string FormatDuration(double seconds);
// One progress line without bar: "12.3 MiB / 1.21 GiB (1%)  4.5 MiB/s  ETA 4m31s".
// `total` unknown (nullopt) leaves out the share and the ETA; a rate of 0
// leaves out the ETA.
std::string FormatProgress(uint64_t done, std::optional<uint64_t> total, double bytes_per_second);

class ProgressReporter {
 public:
  using Clock = std::chrono::steady_clock;

  // `out` is not owned and must outlive the reporter. `interactive` picks
  // the redrawn bar (true) or plain lines (false); see IsTerminal().
  ProgressReporter(std::FILE* out, bool interactive);

  // Bytes already on disk before this run (a resumed download): counted in
  // `done` but not in the rate.
  void Start(uint64_t already_done);
  // Called as bytes arrive; cheap when nothing is due to be printed.
  void Update(uint64_t done, std::optional<uint64_t> total);
  // Prints a message on its own line (clearing a bar being drawn; the next
  // Update redraws it).
  void Note(const std::string& text);
  // Prints the final line ("done" with the average rate) and ends the bar's line.
  void Finish(uint64_t done);

  // True when `out` is a terminal.
  static bool IsTerminal(std::FILE* out);

 private:
  double RateNow(uint64_t done, Clock::time_point now) const;

  std::FILE* out_;
  bool interactive_;
  Clock::time_point start_;
  Clock::time_point last_print_;
  uint64_t start_bytes_ = 0;
  bool bar_on_screen_ = false;  // interactive: the cursor sits at the end of a bar
};

}  // namespace strato::fetch
