// strato model: the model registry and deployments from the command line.
// Registry commands (push, list, show, diff, archive, delete, audit) work on
// the registry folder directly (safe beside a running server: SQLite locks);
// deployment commands (canary, shadow, promote, rollback, status) ask the
// running server, which loads, routes and unloads versions.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "commands.h"
#include "deployment_table.h"
#include "management_client.h"
#include "strato/core/model_name.h"
#include "strato/registry/registry.h"

namespace strato::cli {
namespace {

using registry::VersionRecord;

struct ModelFlags {
  std::string registry_dir;
  std::string url = "http://127.0.0.1:8000";
  std::string model;
  int64_t version = 0;
  int64_t other_version = 0;
  std::string dir;
  std::vector<std::string> labels;
  std::vector<std::string> metrics;
  registry::Lineage lineage;
  std::string created_by;
  double weight = 0.1;
  std::string sticky_key;
  std::string reason;
  bool json = false;
};

int Fail(const std::string& what, const Status& status) {
  std::fprintf(stderr, "strato model %s: %s\n", what.c_str(), status.message().c_str());
  return 1;
}

StatusOr<std::unique_ptr<registry::Registry>> OpenRegistry(const ModelFlags& f) {
  std::string dir = f.registry_dir;
  if (dir.empty()) {
    const char* env = std::getenv("STRATO_REGISTRY");
    dir = env != nullptr ? env : "strato-registry";
  }
  return registry::Registry::Open(dir);
}

StatusOr<std::map<std::string, std::string>> ParsePairs(const std::vector<std::string>& items, const char* flag) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError(std::string(flag) + " '" + item + "' must look like key=value");
    }
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

std::string FormatBytes(uint64_t bytes) {
  char buffer[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buffer, sizeof(buffer), "%.1f MiB", bytes / 1048576.0);
  } else if (bytes >= 1024) {
    std::snprintf(buffer, sizeof(buffer), "%.1f KiB", bytes / 1024.0);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%llu B", static_cast<unsigned long long>(bytes));
  }
  return buffer;
}

int Push(const ModelFlags& f) {
  auto reg = OpenRegistry(f);
  if (!reg.ok()) return Fail("push", reg.status());
  registry::PushRequest request;
  request.model = f.model;
  request.source_dir = f.dir;
  auto labels = ParsePairs(f.labels, "--label");
  if (!labels.ok()) return Fail("push", labels.status());
  request.labels = *labels;
  auto metrics = ParsePairs(f.metrics, "--metric");
  if (!metrics.ok()) return Fail("push", metrics.status());
  for (const auto& [k, v] : *metrics) {
    char* end = nullptr;
    const double value = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0') return Fail("push", InvalidArgumentError("--metric " + k + "=" + v + ": not a number"));
    request.metrics[k] = value;
  }
  request.lineage = f.lineage;
  request.created_by = f.created_by.empty() ? CurrentUser() : f.created_by;
  const bool tty = isatty(fileno(stderr));
  request.progress = [tty](size_t done, size_t total, uint64_t bytes) {
    if (!tty) return;
    const int width = 30;
    const int filled = static_cast<int>(width * done / std::max<size_t>(total, 1));
    std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu files, %s", filled, "##############################", width - filled,
                 "", done, total, FormatBytes(bytes).c_str());
    if (done == total) std::fputc('\n', stderr);
  };
  auto pushed = (*reg)->Push(request);
  if (!pushed.ok()) return Fail("push", pushed.status());
  if (auto versions = (*reg)->List(f.model); versions.ok()) {
    for (const auto& v : *versions) {
      if (v.version == pushed->version || v.digest != pushed->digest) continue;
      std::fprintf(
          stderr,
          "warning: %s version %lld has the same content as version %lld (same sha256 digest); "
          "stored anyway as a new version\n",
          f.model.c_str(), static_cast<long long>(pushed->version),
          static_cast<long long>(v.version));
      break;
    }
  }
  std::printf("pushed %s version %lld (sha256 %s, %zu files, %s)\n", pushed->model.c_str(),
              static_cast<long long>(pushed->version), pushed->digest.c_str(), pushed->files.size(),
              FormatBytes(pushed->total_bytes()).c_str());
  return 0;
}

int List(const ModelFlags& f) {
  auto reg = OpenRegistry(f);
  if (!reg.ok()) return Fail("list", reg.status());
  auto versions = (*reg)->List(f.model);
  if (!versions.ok()) return Fail("list", versions.status());
  if (!f.model.empty() && versions->empty()) {
    return Fail("list", NotFoundError("unknown model '" + f.model + "' in the registry"));
  }
  std::printf("%-24s %7s  %-10s  %-12s  %10s  %-23s  %s\n", "MODEL", "VERSION", "STAGE", "DIGEST",
              "SIZE", "PUSHED", "BY");
  for (const auto& v : *versions) {
    std::printf("%-24s %7lld  %-10s  %-12s  %10s  %-23s  %s\n", v.model.c_str(),
                static_cast<long long>(v.version),
                std::string(registry::StageName(v.stage)).c_str(), v.digest.substr(0, 12).c_str(),
                FormatBytes(v.total_bytes()).c_str(), FormatUnixTime(v.created_at).c_str(),
                v.created_by.c_str());
  }
  return 0;
}

void PrintRecord(const VersionRecord& v) {
  std::printf("model:      %s\nversion:    %lld\nstage:      %s\ndigest:     sha256:%s\n", v.model.c_str(),
              static_cast<long long>(v.version), std::string(registry::StageName(v.stage)).c_str(), v.digest.c_str());
  std::printf("pushed:     %s by %s\n", FormatUnixTime(v.created_at).c_str(), v.created_by.c_str());
  std::printf("lineage:    data_hash=%s pipeline=%s parent=%s\n            parameters=%s\n",
              v.lineage.data_hash.c_str(), v.lineage.pipeline.c_str(), v.lineage.parent.c_str(),
              v.lineage.parameters.c_str());
  for (const auto& [k, m] : v.metrics) std::printf("metric:     %s = %g\n", k.c_str(), m);
  for (const auto& [k, l] : v.labels) std::printf("label:      %s = %s\n", k.c_str(), l.c_str());
  for (const auto& file : v.files) {
    std::printf("file:       %s  %s  sha256:%s\n", file.path.c_str(), FormatBytes(file.size).c_str(), file.sha256.c_str());
  }
}

int Show(const ModelFlags& f) {
  auto reg = OpenRegistry(f);
  if (!reg.ok()) return Fail("show", reg.status());
  auto v = (*reg)->Get(f.model, f.version);
  if (!v.ok()) return Fail("show", v.status());
  PrintRecord(*v);
  const Status verified = (*reg)->Verify(*v);
  std::printf("integrity:  %s\n", verified.ok() ? "ok (every file matches its sha256)" : verified.message().c_str());
  return verified.ok() ? 0 : 1;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

int Diff(const ModelFlags& f) {
  auto reg = OpenRegistry(f);
  if (!reg.ok()) return Fail("diff", reg.status());
  auto a = (*reg)->Get(f.model, f.version);
  if (!a.ok()) return Fail("diff", a.status());
  auto b = (*reg)->Get(f.model, f.other_version);
  if (!b.ok()) return Fail("diff", b.status());
  std::printf("--- %s:%lld\n+++ %s:%lld\n", f.model.c_str(), static_cast<long long>(f.version), f.model.c_str(),
              static_cast<long long>(f.other_version));
  std::map<std::string, registry::ArtifactFile> fa, fb;
  for (const auto& x : a->files) fa[x.path] = x;
  for (const auto& x : b->files) fb[x.path] = x;
  for (const auto& [path, x] : fa) {
    auto it = fb.find(path);
    if (it == fb.end()) std::printf("file removed:  %s\n", path.c_str());
    else if (it->second.sha256 != x.sha256) std::printf("file changed:  %s (%s -> %s)\n", path.c_str(), FormatBytes(x.size).c_str(), FormatBytes(it->second.size).c_str());
  }
  for (const auto& [path, x] : fb) {
    if (!fa.contains(path)) std::printf("file added:    %s\n", path.c_str());
  }
  if (a->config != b->config) std::printf("config changed\n");
  std::set<std::string> keys;
  for (const auto& [k, v] : a->metrics) keys.insert(k);
  for (const auto& [k, v] : b->metrics) keys.insert(k);
  for (const auto& k : keys) {
    const bool ha = a->metrics.contains(k), hb = b->metrics.contains(k);
    if (ha && hb) std::printf("metric %s: %g -> %g (%+g)\n", k.c_str(), a->metrics[k], b->metrics[k], b->metrics[k] - a->metrics[k]);
    else std::printf("metric %s: %s -> %s\n", k.c_str(), ha ? std::to_string(a->metrics[k]).c_str() : "-", hb ? std::to_string(b->metrics[k]).c_str() : "-");
  }
  if (a->lineage.data_hash != b->lineage.data_hash) std::printf("data_hash: %s -> %s\n", a->lineage.data_hash.c_str(), b->lineage.data_hash.c_str());
  if (a->lineage.parameters != b->lineage.parameters) std::printf("parameters: %s -> %s\n", a->lineage.parameters.c_str(), b->lineage.parameters.c_str());
  if (a->lineage.pipeline != b->lineage.pipeline)
    std::printf("pipeline: %s -> %s\n", OrDash(a->lineage.pipeline).c_str(),
                OrDash(b->lineage.pipeline).c_str());
  if (a->lineage.parent != b->lineage.parent)
    std::printf("parent: %s -> %s\n", OrDash(a->lineage.parent).c_str(),
                OrDash(b->lineage.parent).c_str());
  std::set<std::string> label_keys;
  for (const auto& [k, v] : a->labels) label_keys.insert(k);
  for (const auto& [k, v] : b->labels) label_keys.insert(k);
  for (const auto& k : label_keys) {
    const auto ia = a->labels.find(k), ib = b->labels.find(k);
    const std::string va = ia == a->labels.end() ? "-" : ia->second,
                      vb = ib == b->labels.end() ? "-" : ib->second;
    if (va != vb || (ia == a->labels.end()) != (ib == b->labels.end())) {
      std::printf("label %s: %s -> %s\n", k.c_str(), va.c_str(), vb.c_str());
    }
  }
  if (a->digest == b->digest) std::printf("identical content (same digest)\n");
  return 0;
}

int Local(const ModelFlags& f, const std::string& what) {
  auto reg = OpenRegistry(f);
  if (!reg.ok()) return Fail(what, reg.status());
  auto deployment = (*reg)->GetDeployment(f.model);
  if (!deployment.ok()) return Fail(what, deployment.status());
  if (what == "archive") {
    if (auto d = *deployment; d && (d->production == f.version || d->canary == f.version || d->shadow == f.version)) {
      return Fail(what, AbortedError("cannot archive " + f.model + ":" + std::to_string(f.version) +
                                     ": it serves traffic; promote or roll back another version first"));
    }
    const Status s = (*reg)->SetStage(f.model, f.version, registry::Stage::kArchived);
    if (!s.ok()) return Fail(what, s);
  } else {
    const Status s = (*reg)->Delete(f.model, f.version);
    if (!s.ok()) return Fail(what, s);
    (void)(*reg)->CollectGarbage();
  }
  (void)(*reg)->AppendAudit({0, 0, f.model, what,
                             f.created_by.empty() ? CurrentUser() : f.created_by,
                             "{\"version\":" + std::to_string(f.version) + "}"});
  std::printf("%sd %s version %lld\n", what == "archive" ? "archive" : "delete", f.model.c_str(),
              static_cast<long long>(f.version));
  return 0;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) out.push_back(c);
  }
  return out + "\"";
}

int Audit(const ModelFlags& f) {
  auto reg = OpenRegistry(f);
  if (!reg.ok()) return Fail("audit", reg.status());
  auto entries = (*reg)->ListAudit(f.model, 50);
  if (!entries.ok()) return Fail("audit", entries.status());
  if (f.json) {
    std::printf("[");
    for (size_t i = 0; i < entries->size(); ++i) {
      const auto& e = (*entries)[i];
      std::printf("%s{\"time_ms\":%lld,\"model\":%s,\"action\":%s,\"actor\":%s,\"detail\":%s}",
                  i ? "," : "", static_cast<long long>(e.time_ms), JsonString(e.model).c_str(),
                  JsonString(e.action).c_str(), JsonString(e.actor).c_str(),
                  e.detail.empty() ? "{}" : e.detail.c_str());
    }
    std::printf("]\n");
    return 0;
  }
  for (const auto& e : *entries) {
    std::printf("%s  %-8s %-10s by %-8s %s\n", FormatUnixTime(e.time_ms / 1000).c_str(),
                e.model.c_str(), e.action.c_str(), e.actor.c_str(), e.detail.c_str());
  }
  return 0;
}

int Remote(const ModelFlags& f, const std::string& what) {
  std::string method = "POST", path = "/v1/deployments/" + f.model, body;
  const std::string actor =
      "\"actor\":" + JsonString(f.created_by.empty() ? CurrentUser() : f.created_by);
  if (what == "status") {
    method = "GET";
  } else if (what == "canary") {
    path += "/canary";
    body = "{\"version\":" + std::to_string(f.version) + ",\"weight\":" + std::to_string(f.weight) +
           ",\"sticky_key\":" + JsonString(f.sticky_key) + "," + actor + "}";
  } else if (what == "shadow") {
    path += "/shadow";
    body = "{\"version\":" + std::to_string(f.version) + "," + actor + "}";
  } else {
    path += "/" + what;
    body = "{" + (f.version > 0 ? "\"version\":" + std::to_string(f.version) + "," : std::string()) +
           "\"reason\":" + JsonString(f.reason) + "," + actor + "}";
  }
  auto answer = HttpCall(f.url, method, path, body);
  if (!answer.ok()) return Fail(what, answer.status());
  if (answer->status != 200) {
    std::fprintf(stderr, "strato model %s: %s (HTTP %d): %s\n", what.c_str(),
                 answer->status == 409 ? "conflict" : "failed", answer->status,
                 ErrorMessage(answer->body).c_str());
    return answer->status == 409 ? 3 : 1;
  }
  if (what != "status") {
    if (!f.json) std::printf("%s %s: done\n", what.c_str(), f.model.c_str());
    // Show where the deployment stands now.
    answer = HttpCall(f.url, "GET", "/v1/deployments/" + f.model, "");
    if (!answer.ok() || answer->status != 200) return 0;
  }
  if (f.json) {
    std::printf("%s\n", answer->body.c_str());
    return 0;
  }
  auto table = FormatDeploymentStatus(answer->body);
  std::printf("%s", table.ok() ? table->c_str() : (answer->body + "\n").c_str());
  return 0;
}

}  // namespace

int ModelCommand(int argc, char** argv) {
  CLI::App app{"Manage model versions (registry) and their deployments", "strato model"};
  app.require_subcommand(1);
  app.fallthrough();  // --registry/--url/--actor also accepted after the subcommand
  app.footer("Also: strato model pull SOURCE ... downloads a model into a repository (strato model pull --help).");
  ModelFlags f;
  app.add_option("--registry", f.registry_dir, "Registry folder (default: $STRATO_REGISTRY or ./strato-registry)");
  app.add_option("--url", f.url, "Server for deployment commands (or $STRATO_URL)")
      ->envname("STRATO_URL")
      ->capture_default_str();
  app.add_option("--actor", f.created_by,
                 "Who makes the change, recorded in the audit log (default: the OS user)");
  app.add_flag("--json", f.json,
               "Machine-readable output: the server's JSON (status, canary, shadow, promote, "
               "rollback) or a JSON array (audit)");

  auto* push = app.add_subcommand("push", "Store a new immutable version from a folder (config.pbtxt + files)");
  push->add_option("model", f.model, "Model name")->required();
  push->add_option("dir", f.dir, "Folder with the version's files; a top-level config.pbtxt is its config")->required();
  push->add_option("--label", f.labels, "key=value label (repeat)");
  push->add_option("--metric", f.metrics, "key=number training metric (repeat)");
  push->add_option("--data-hash", f.lineage.data_hash, "Hash of the training data");
  push->add_option("--parameters", f.lineage.parameters, "Training parameters");
  push->add_option("--pipeline", f.lineage.pipeline, "Pipeline or job that produced the version");
  push->add_option("--parent", f.lineage.parent, "Version it derives from (model:version)");

  auto* list = app.add_subcommand("list", "List versions (of one model or all)");
  list->add_option("model", f.model, "Model name");
  auto* show = app.add_subcommand("show", "Show a version's metadata and verify its files");
  show->add_option("model", f.model)->required();
  show->add_option("version", f.version)->required()->check(CLI::PositiveNumber);
  auto* diff = app.add_subcommand("diff", "Compare two versions (files, config, metrics, lineage)");
  diff->add_option("model", f.model)->required();
  diff->add_option("version", f.version)->required()->check(CLI::PositiveNumber);
  diff->add_option("other", f.other_version)->required()->check(CLI::PositiveNumber);
  auto* archive = app.add_subcommand("archive", "Mark a version archived (refused while it serves traffic)");
  archive->add_option("model", f.model)->required();
  archive->add_option("version", f.version)->required()->check(CLI::PositiveNumber);
  auto* del = app.add_subcommand("delete", "Delete a version (refused while it serves traffic)");
  del->add_option("model", f.model)->required();
  del->add_option("version", f.version)->required()->check(CLI::PositiveNumber);
  auto* audit = app.add_subcommand("audit", "Show the audit log (newest first)");
  audit->add_option("model", f.model);

  auto* canary = app.add_subcommand("canary", "Send a share of a model's traffic to a version (server)");
  canary->add_option("model", f.model)->required();
  canary->add_option("version", f.version)->required()->check(CLI::PositiveNumber);
  canary->add_option("--weight", f.weight, "Fraction of traffic, 0..1")->check(CLI::Range(0.0, 1.0));
  canary->add_option("--sticky-key", f.sticky_key, "Request parameter that pins a caller to a version");
  auto* shadow = app.add_subcommand("shadow", "Mirror traffic to a version, compare, never answer (0 removes)");
  shadow->add_option("model", f.model)->required();
  shadow->add_option("version", f.version)->required();
  auto* promote = app.add_subcommand("promote", "Make the canary (or VERSION) production (server)");
  promote->add_option("model", f.model)->required();
  promote->add_option("version", f.version, "Version (default: the canary)");
  promote->add_option("--reason", f.reason, "Why (audit log)");
  auto* rollback = app.add_subcommand("rollback", "Drop the canary, or make VERSION production again (server)");
  rollback->add_option("model", f.model)->required();
  rollback->add_option("version", f.version, "Version to restore (default: drop the canary)");
  rollback->add_option("--reason", f.reason, "Why (audit log)");
  auto* status = app.add_subcommand("status", "Show a deployment: versions, weights, windows, next decision");
  status->add_option("model", f.model)->required();

  CLI11_PARSE(app, argc, argv);
  if (!f.model.empty()) {
    if (Status valid = ValidateModelName(f.model); !valid.ok()) return Fail("", valid);
  }
  if (push->parsed()) return Push(f);
  if (list->parsed()) return List(f);
  if (show->parsed()) return Show(f);
  if (diff->parsed()) return Diff(f);
  if (archive->parsed()) return Local(f, "archive");
  if (del->parsed()) return Local(f, "delete");
  if (audit->parsed()) return Audit(f);
  if (canary->parsed()) return Remote(f, "canary");
  if (shadow->parsed()) return Remote(f, "shadow");
  if (promote->parsed()) return Remote(f, "promote");
  if (rollback->parsed()) return Remote(f, "rollback");
  if (status->parsed()) return Remote(f, "status");
  return 2;
}

}  // namespace strato::cli
