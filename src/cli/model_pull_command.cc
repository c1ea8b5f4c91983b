// strato model pull SOURCE --model-repository DIR: downloads a model file
// (hf://, http://, https://) into the repository as a new version.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "commands.h"
#include "strato/fetch/downloader.h"
#include "strato/fetch/model_installer.h"
#include "strato/fetch/progress.h"
#include "strato/fetch/sha256.h"
#include "strato/fetch/source.h"

namespace strato::cli {
namespace {

constexpr const char* kFooter = R"(Sources:
  hf://OWNER/REPO/FILE.gguf[@REVISION]   a file on the Hugging Face Hub
        (https://huggingface.co/OWNER/REPO/resolve/REVISION/FILE; REVISION defaults
        to main; HF_TOKEN is sent for private or gated repos; HF_ENDPOINT moves the Hub)
  http://... or https://...              any URL (redirects are followed; TLS uses the
        system CA store, or CURL_CA_BUNDLE; https_proxy/no_proxy are honoured)

The file lands in DIR/MODEL/N+1/ (N = the highest version there; 1 for a new model),
atomically: it is downloaded into DIR/.strato-pull/, checked, then renamed into place.
A new .gguf model also gets a config.pbtxt (backend "llamacpp").

Resume: an interrupted pull keeps its bytes; running the same command again continues
with a Range request. Cut connections are retried within one run as well.

Checksum (sha256), first found wins: --sha256; a URL.sha256 file next to an http(s)
URL; the X-Linked-ETag (Hugging Face) or a sha256 ETag the server sends. A mismatch
discards the download and leaves the repository unchanged.

Example:
  strato model pull hf://ggml-org/models-moved/tinyllamas/stories260K.gguf --model-repository /models
)";

struct PullFlags {
  std::string source;
  std::string repository;
  std::string model;
  std::string sha256;
  int timeout_seconds = 60;
  int retries = 5;
};

// Set by SIGINT/SIGTERM: the download stops cleanly and keeps its bytes.
std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

std::optional<std::string> EnvVar(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || value[0] == '\0') return std::nullopt;
  return std::string(value);
}

int Fail(const Status& status) {
  std::fprintf(stderr, "strato model pull: %s\n", status.ToString().c_str());
  return 1;
}

// The expected checksum from --sha256 or a sibling "<url>.sha256" file.
void FindExpectedSha256(const PullFlags& flags, const fetch::ResolvedSource& source,
                        fetch::DownloadRequest& request) {
  if (!flags.sha256.empty()) {
    request.expected_sha256 = fetch::NormalizeSha256(flags.sha256);
    request.expected_sha256_origin = "--sha256";
    return;
  }
  if (source.hugging_face || source.url.find('?') != std::string::npos) return;
  const std::string sibling = source.url + ".sha256";
  if (auto body = fetch::FetchSmallText(sibling, flags.timeout_seconds, request.headers)) {
    if (auto sum = fetch::ParseChecksumFile(*body)) {
      request.expected_sha256 = sum;
      request.expected_sha256_origin = sibling;
    }
  }
}

int Pull(const PullFlags& flags) {
  if (!flags.sha256.empty() && !fetch::NormalizeSha256(flags.sha256)) {
    return Fail(InvalidArgumentError("--sha256 '" + flags.sha256 + "' is not 64 hex digits"));
  }
  const std::string endpoint = EnvVar("HF_ENDPOINT").value_or(std::string(fetch::kHuggingFaceEndpoint));
  auto source = fetch::ResolveSource(flags.source, endpoint);
  if (!source.ok()) return Fail(source.status());
  const std::string model = flags.model.empty() ? fetch::DefaultModelName(source->file_name) : flags.model;
  auto target = fetch::PreparePull(flags.repository, model, source->url, source->file_name);
  if (!target.ok()) return Fail(target.status());
  auto lock = fetch::LockPull(*target);
  if (!lock.ok()) return Fail(lock.status());

  fetch::DownloadRequest request;
  request.url = source->url;
  request.partial_path = target->partial_path;
  request.timeout_seconds = flags.timeout_seconds;
  request.max_retries = flags.retries;
  if (auto token = EnvVar("HF_TOKEN"); token && source->hugging_face) {
    // libcurl drops a custom Authorization header when a redirect leaves the host.
    request.headers.push_back("Authorization: Bearer " + *token);
  }
  FindExpectedSha256(flags, *source, request);
  fetch::ProgressReporter progress(stderr, fetch::ProgressReporter::IsTerminal(stderr));
  request.progress = &progress;
  request.note = [&progress](const std::string& text) { progress.Note(text); };

  std::fprintf(stderr, "pulling %s into model '%s'\n", fetch::RedactUrl(source->url).c_str(), model.c_str());
  request.cancel = &g_interrupted;
  signal(SIGINT, OnInterrupt);
  signal(SIGTERM, OnInterrupt);
  auto downloaded = fetch::DownloadFile(request);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  if (!downloaded.ok()) {
    fetch::ForgetPullIfEmpty(*target);
    Fail(downloaded.status());
    return downloaded.status().code() == StatusCode::kCancelled ? 130 : 1;  // 130: the shell's Ctrl-C status
  }
  auto installed = fetch::InstallVersion(*target);
  if (!installed.ok()) return Fail(installed.status());

  std::printf("pulled %s\n  model:   %s, version %lld%s\n  file:    %s (%llu bytes)\n  sha256:  %s (%s)\n",
              fetch::RedactUrl(source->url).c_str(), model.c_str(), static_cast<long long>(installed->version),
              installed->wrote_config ? " (config.pbtxt written, backend llamacpp)" : "",
              (installed->version_dir / target->file_name).c_str(),
              static_cast<unsigned long long>(downloaded->bytes), downloaded->sha256.c_str(),
              downloaded->verified_against
                  ? ("verified against " + *downloaded->verified_against).c_str()
                  : "not verified: the source published no checksum; pass --sha256 to check one");
  return 0;
}

}  // namespace

int ModelPullCommand(int argc, char** argv) {
  CLI::App app{"Download a model file into a model repository as a new version",
               "strato model pull"};
  app.footer(kFooter);
  PullFlags flags;
  app.add_option("source", flags.source, "hf://OWNER/REPO/FILE[@REVISION], http://... or https://...")
      ->required();
  app.add_option("--model-repository,--model-store", flags.repository, "Model repository folder")
      ->required();
  app.add_option("--model", flags.model, "Model name (default: the file name without extension)");
  app.add_option("--sha256", flags.sha256, "Expected sha256 of the file (64 hex digits)");
  app.add_option("--timeout", flags.timeout_seconds,
                 "Seconds to wait for a connection, and longest stall without data")
      ->check(CLI::Range(1, 86400));
  app.add_option("--retries", flags.retries,
                 "Retries in a row of a transfer that fails without moving a byte "
                 "(one that moved bytes is always resumed)")
      ->check(CLI::Range(0, 100));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2, as documented.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return Pull(flags);
}

}  // namespace strato::cli
