// Resumable HTTP(S) download of one file, with SHA-256 verification.
//
// Bytes land in a ".partial" file that survives failures: a later call with
// the same partial path continues where the last one stopped, with a Range
// request (and If-Range with the server's validator, so that a file that
// changed upstream is fetched from the start rather than spliced). A server
// that ignores Range (answers 200) is handled by starting over. Transfers cut
// mid-way are retried in the same call, from where they stopped.
//
// Expected checksum, first found wins: DownloadRequest::expected_sha256 (the
// caller's --sha256 or a URL.sha256 file), else one the server sends:
// X-Linked-ETag (Hugging Face, for files in LFS) or an ETag that is a 64-hex
// sha256, on any response of the redirect chain. A mismatch deletes the
// partial file and fails with DATA_LOSS.
//
// Thread-safety: DownloadFile may run on several threads at once for
// different partial paths; callers must not share one partial path (the
// model installer holds a lock file for that).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"
#include "strato/fetch/progress.h"

namespace strato::fetch {

struct DownloadRequest {
  std::string url;
  std::filesystem::path partial_path;  // created or continued; "<partial>.validator" beside it
  std::optional<std::string> expected_sha256;  // lower-case hex
  std::string expected_sha256_origin = "--sha256";  // for messages
  int timeout_seconds = 60;  // connecting, and the longest stall without a byte
  int max_retries = 5;       // failed attempts that made no progress, before giving up
  std::vector<std::string> headers;  // extra request headers ("Authorization: Bearer ...")
  ProgressReporter* progress = nullptr;        // not owned; may be null
  std::function<void(const std::string&)> note;  // human-readable events; may be empty
  // Set (e.g. from a SIGINT handler) to stop within about a second, keeping the
  // partial file. Not owned; may be null.
  const std::atomic<bool>* cancel = nullptr;
};

struct DownloadResult {
  uint64_t bytes = 0;          // size of the complete file
  uint64_t resumed_from = 0;   // bytes that were already on disk at the start
  int requests = 0;            // GETs sent for the file (1 unless resumed or retried)
  std::string sha256;          // of the complete file
  std::optional<std::string> verified_against;  // origin of the expected sum, if any
};

// Downloads `request.url` into `request.partial_path`. Errors, each naming
// the URL and what to do:
//   NOT_FOUND          HTTP 404/410
//   PERMISSION_DENIED  HTTP 401/403 (private or gated; set HF_TOKEN)
//   UNAVAILABLE        connection refused, DNS, TLS, 5xx, or retries used up
//   DEADLINE_EXCEEDED  no byte for timeout_seconds
//   RESOURCE_EXHAUSTED disk full (the partial file is kept for a later resume)
//   DATA_LOSS          checksum mismatch (the partial file is deleted)
//   CANCELLED          `cancel` was set (the partial file is kept for a later resume)
//   INVALID_ARGUMENT   other HTTP 4xx
StatusOr<DownloadResult> DownloadFile(const DownloadRequest& request);

// GETs a small text resource (at most 64 KiB), e.g. "<url>.sha256". nullopt
// when the server answers anything but 2xx or cannot be reached; never fails
// the pull by itself.
std::optional<std::string> FetchSmallText(const std::string& url, int timeout_seconds,
                                          const std::vector<std::string>& headers);

}  // namespace strato::fetch
