#include "strato/fetch/downloader.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include "curl_easy.h"
#include "partial_file.h"
#include "response_headers.h"
#include "strato/fetch/sha256.h"
#include "strato/fetch/source.h"

namespace strato::fetch {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxErrorBody = 512;

// State shared with libcurl's callbacks during one GET.
struct Attempt {
  const DownloadRequest* request = nullptr;
  PartialFile* file = nullptr;
  Sha256* hasher = nullptr;
  ResponseHeaders headers;
  bool body_started = false;
  uint64_t written = 0;  // bytes appended by this GET
  std::optional<uint64_t> total;
  std::string error_body;
  Status write_error;
  // Stall detection: libcurl's own low-speed check averages over ~5 s, so a
  // stall would be noticed only after timeout + 5 s; this one is exact.
  std::chrono::steady_clock::time_point last_byte = std::chrono::steady_clock::now();
  bool stalled = false;
};

bool IsSuccess(long status) { return status >= 200 && status < 300; }

void Note(const DownloadRequest& request, const std::string& text) {
  if (request.note) request.note(text);
}

fs::path ValidatorPath(const fs::path& partial) { return fs::path(partial.string() + ".validator"); }

std::string ReadValidator(const fs::path& partial) {
  std::ifstream in(ValidatorPath(partial));
  std::string line;
  std::getline(in, line);
  return line;
}

void WriteValidator(const fs::path& partial, const std::string& validator) {
  std::error_code ec;
  if (validator.empty() || validator.find_first_of("\r\n") != std::string::npos) {
    fs::remove(ValidatorPath(partial), ec);
    return;
  }
  std::ofstream(ValidatorPath(partial), std::ios::trunc) << validator << "\n";
}

// First body byte of a response: decide whether it continues the partial file.
Status StartBody(Attempt& a) {
  a.body_started = true;
  const auto& h = a.headers;
  if (!IsSuccess(h.status)) return Status::Ok();  // an error page: kept for the message only
  const uint64_t have = a.file->size();
  if (h.status == 206) {
    if (h.range_first.value_or(have) != have) {
      return UnavailableError("server answered a request for byte " + std::to_string(have) +
                              " with bytes from " + std::to_string(*h.range_first));
    }
    a.total = h.range_total;
  } else {
    if (have > 0) {
      // The server ignored Range, or If-Range saw a changed file: it sends
      // everything, so the partial file starts over.
      Note(*a.request, "server sent the whole file (no Range support, or the file changed); "
                       "starting again from byte 0");
      if (auto st = a.file->Truncate(); !st.ok()) return st;
      a.hasher->Reset();
    }
    a.total = h.content_length;
  }
  // Fail before filling the disk rather than after.
  std::error_code ec;
  const auto space = fs::space(a.request->partial_path.parent_path(), ec);
  const uint64_t needed = a.total.value_or(0) > a.file->size() ? *a.total - a.file->size() : 0;
  if (!ec && needed > space.available) {
    return ResourceExhaustedError("disk full: " + FormatBytes(needed) + " more needed but " +
                                  FormatBytes(space.available) + " free on the filesystem of '" +
                                  a.request->partial_path.parent_path().string() +
                                  "'; free space and run the same command again");
  }
  WriteValidator(a.request->partial_path, h.Validator());
  return Status::Ok();
}

bool Cancelled(const Attempt& a) {
  return a.request->cancel != nullptr && a.request->cancel->load(std::memory_order_relaxed);
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto& a = *static_cast<Attempt*>(user);
  const size_t n = size * count;
  if (Cancelled(a)) return 0;
  if (!a.body_started) {
    a.write_error = StartBody(a);
    if (!a.write_error.ok()) return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  if (!IsSuccess(a.headers.status)) {
    a.error_body.append(data, std::min(n, kMaxErrorBody - std::min(kMaxErrorBody, a.error_body.size())));
    return n;
  }
  a.last_byte = std::chrono::steady_clock::now();
  a.write_error = a.file->Append(data, n);
  if (!a.write_error.ok()) return 0;
  a.hasher->Update(data, n);
  a.written += n;
  if (a.request->progress) a.request->progress->Update(a.file->size(), a.total);
  return n;
}

// Called by libcurl about once a second even while no data flows.
int OnTick(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& a = *static_cast<Attempt*>(user);
  const auto idle = std::chrono::steady_clock::now() - a.last_byte;
  if (Cancelled(a)) return 1;
  a.stalled = idle > std::chrono::seconds(a.request->timeout_seconds);
  // Keeps the rate and ETA moving (down) while no data arrives.
  if (a.request->progress && a.body_started && IsSuccess(a.headers.status)) {
    a.request->progress->Update(a.file->size(), a.total);
  }
  return a.stalled ? 1 : 0;  // non-zero aborts the transfer
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto& a = *static_cast<Attempt*>(user);
  a.last_byte = std::chrono::steady_clock::now();
  a.headers.Observe(std::string_view(data, size * count));
  return size * count;
}

// How one GET ended.
struct Outcome {
  bool complete = false;
  bool retryable = false;
  Status status;
  std::optional<std::string> source_sha256;  // published by the server, if it did
  std::string source_header;
  bool got_response = false;     // the server answered with a status line
  bool retry_if_reached = false;  // transient only if the server answered earlier in this pull
};

std::string HttpError(const Attempt& a, const std::string& url) {
  std::string message = "HTTP " + std::to_string(a.headers.status) + " for " + url;
  std::string body = a.error_body.substr(0, a.error_body.find('\n'));
  if (!body.empty() && body.find('<') == std::string::npos) message += " (" + body + ")";
  return message;
}

Outcome ClassifyHttp(const Attempt& a, const DownloadRequest& request) {
  const long code = a.headers.status;
  const std::string message = HttpError(a, RedactUrl(request.url));
  if (code == 404 || code == 410) {
    return {false, false,
            NotFoundError(message + ": the file does not exist there; check the "
                                    "OWNER/REPO/FILE (and @REVISION) or the URL")};
  }
  if (code == 401 || code == 403) {
    return {false, false,
            Status(StatusCode::kPermissionDenied,
                   message + ": the file is private or gated; for Hugging Face accept its "
                             "terms and set HF_TOKEN")};
  }
  if (code == 429 || code >= 500) return {false, true, UnavailableError(message + ": server busy or failing")};
  if (code >= 400) return {false, false, InvalidArgumentError(message)};
  return {false, true, UnavailableError(message + ": unexpected answer")};
}

Outcome ClassifyCurl(CURLcode res, const char* detail, const DownloadRequest& request) {
  // libcurl's error buffer is the more specific text ("Failed to connect to h port p ...").
  std::string message = detail[0] != '\0' ? std::string(detail) : std::string(curl_easy_strerror(res));
  message += " (";
  message += RedactUrl(request.url);
  message += ")";
  switch (res) {
    case CURLE_OPERATION_TIMEDOUT:
      return {false, true,
              DeadlineExceededError(message + "; no data for " + std::to_string(request.timeout_seconds) +
                                    "s (raise --timeout on slow links)")};
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return {false, true, UnavailableError("transfer interrupted: " + message)};
    case CURLE_COULDNT_CONNECT: {
      // A network blip mid-pull is retried; a wrong host:port fails at once.
      Outcome out{false, false, UnavailableError(message + "; is the server up and the host:port right?")};
      out.retry_if_reached = true;
      return out;
    }
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: {
      Outcome out{false, false, UnavailableError(message + "; check the host name and the network")};
      out.retry_if_reached = true;
      return out;
    }
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
      return {false, false,
              UnavailableError(message + "; TLS failed: is ca-certificates installed and the "
                                         "clock right? For a private CA set CURL_CA_BUNDLE")};
    default:
      return {false, false, UnavailableError(message)};
  }
}

Outcome RunAttempt(const DownloadRequest& request, PartialFile& file, Sha256& hasher) {
  Attempt a;
  a.request = &request;
  a.file = &file;
  a.hasher = &hasher;
  CurlEasy curl = NewEasyHandle(request.url, request.timeout_seconds);
  if (!curl) return {false, false, InternalError("libcurl could not create a handle")};
  std::vector<std::string> headers = request.headers;
  const uint64_t have = file.size();
  std::string range;
  if (have > 0) {
    range = std::to_string(have) + "-";
    curl_easy_setopt(curl.get(), CURLOPT_RANGE, range.c_str());
    if (const std::string validator = ReadValidator(request.partial_path); !validator.empty()) {
      headers.push_back("If-Range: " + validator);
    }
  }
  CurlList header_list = MakeHeaderList(headers);
  char detail[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &a);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &a);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, &OnTick);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &a);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  const CURLcode res = curl_easy_perform(curl.get());

  Outcome out;
  if (!a.write_error.ok()) return {false, false, a.write_error};
  if (Cancelled(a)) return {false, false, CancelledError("interrupted")};
  if (a.stalled) {
    out = {false, true,
           DeadlineExceededError("no data for " + std::to_string(request.timeout_seconds) + "s from " +
                                 RedactUrl(request.url) + " (raise --timeout on slow links)")};
  } else if (res != CURLE_OK) {
    out = ClassifyCurl(res, detail, request);
  } else if (IsSuccess(a.headers.status)) {
    out.complete = true;
  } else if (a.headers.status == 416 && have > 0) {
    // Nothing left after byte `have`: either the partial file is already whole
    // (an earlier run stopped between download and install) or it is longer
    // than the file now is, and must start over.
    if (a.headers.range_total == have) {
      out.complete = true;
    } else {
      Note(request, "server has a different file than the partial download; starting again");
      if (auto st = file.Truncate(); !st.ok()) return {false, false, st};
      hasher.Reset();
      out = {false, true, UnavailableError("partial file did not match the server's file")};
    }
  } else {
    out = ClassifyHttp(a, request);
  }
  out.source_sha256 = a.headers.source_sha256;
  out.source_header = a.headers.source_sha256_header;
  out.got_response = a.headers.status != 0;
  if (out.complete) return out;
  if (a.written > 0) out.status = out.status.WithPrefix("after " + std::to_string(a.written) + " more bytes");
  return out;
}

// The checksum the file must have, and where it came from.
Status Verify(const DownloadRequest& request, const std::optional<std::string>& source_sha,
              const std::string& source_header, DownloadResult& result) {
  std::optional<std::string> expected = request.expected_sha256;
  std::string origin = request.expected_sha256_origin;
  if (!expected && source_sha) {
    expected = source_sha;
    origin = source_header + " header";
  } else if (expected && source_sha && *expected != *source_sha) {
    Note(request, "note: the server's " + source_header + " (" + *source_sha + ") differs from " +
                      origin + "; checking against " + origin);
  }
  if (!expected) return Status::Ok();
  if (*expected != result.sha256) {
    std::error_code ec;
    fs::remove(request.partial_path, ec);
    fs::remove(ValidatorPath(request.partial_path), ec);
    return Status(StatusCode::kDataLoss,
                  "sha256 mismatch for " + RedactUrl(request.url) + ": expected " + *expected + " (from " +
                      origin + "), got " + result.sha256 +
                      "; the download was discarded and the model repository is unchanged");
  }
  result.verified_against = origin;
  return Status::Ok();
}

}  // namespace

StatusOr<DownloadResult> DownloadFile(const DownloadRequest& request) {
  auto file = PartialFile::Open(request.partial_path);
  if (!file.ok()) return file.status();
  auto hasher = Sha256::Create();
  if (!hasher.ok()) return hasher.status();
  DownloadResult result;
  result.resumed_from = file->size();
  if (result.resumed_from > 0) {
    Note(request, "resuming at byte " + std::to_string(result.resumed_from));
    if (auto st = HashFileInto(request.partial_path, *hasher); !st.ok()) return st;
  }
  if (request.progress) request.progress->Start(result.resumed_from);

  std::optional<std::string> source_sha;
  std::string source_header;
  int stuck = 0;         // consecutive failed GETs that added no byte
  bool reached = false;  // some GET of this call got an answer
  while (true) {
    const uint64_t before = file->size();
    ++result.requests;
    Outcome outcome = RunAttempt(request, *file, *hasher);
    if (outcome.source_sha256) {
      source_sha = outcome.source_sha256;
      source_header = outcome.source_header;
    }
    if (outcome.complete) break;
    reached = reached || outcome.got_response;
    const bool progressed = file->size() > before;
    stuck = progressed ? 0 : stuck + 1;
    const bool retryable = outcome.retryable || (outcome.retry_if_reached && reached);
    if (!retryable || stuck > request.max_retries) {
      std::string message = outcome.status.message();
      if (result.requests > 1) message += "; gave up after " + std::to_string(result.requests) + " requests";
      if (file->size() > 0) {
        message += "; " + std::to_string(file->size()) + " bytes kept: run the same command again to resume";
      }
      return Status(outcome.status.code(), message);
    }
    Note(request, outcome.status.message() + "; retrying from byte " + std::to_string(file->size()));
    // Back off only when the server made no progress; a cut connection that
    // moved data is resumed at once.
    const auto pause = progressed ? std::chrono::milliseconds(100)
                                  : std::chrono::milliseconds(500L << std::min(stuck, 5));
    std::this_thread::sleep_for(pause);
  }
  if (auto st = file->Sync(); !st.ok()) return st;
  result.bytes = file->size();
  result.sha256 = hasher->FinishHex();
  if (request.progress) request.progress->Finish(result.bytes);
  if (auto st = Verify(request, source_sha, source_header, result); !st.ok()) return st;
  return result;
}

std::optional<std::string> FetchSmallText(const std::string& url, int timeout_seconds,
                                          const std::vector<std::string>& headers) {
  CurlEasy curl = NewEasyHandle(url, timeout_seconds);
  if (!curl) return std::nullopt;
  struct Sink {
    std::string body;
    bool too_big = false;
  } sink;
  auto on_body = +[](char* data, size_t size, size_t count, void* user) -> size_t {
    auto& s = *static_cast<Sink*>(user);
    if (s.body.size() + size * count > (64u << 10)) {
      s.too_big = true;
      return 0;
    }
    s.body.append(data, size * count);
    return size * count;
  };
  CurlList header_list = MakeHeaderList(headers);
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
  if (curl_easy_perform(curl.get()) != CURLE_OK || sink.too_big) return std::nullopt;
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (!IsSuccess(status)) return std::nullopt;
  return sink.body;
}

}  // namespace strato::fetch
