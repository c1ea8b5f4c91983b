// Test helpers for the in-process server tests: a tiny blocking HTTP/1.1
// client over loopback and an in-test ModelManager serving echo models.
//
// Thread-safety: HttpTestClient is single-threaded; FakeModelManager is
// safe to call from any thread.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "strato/server/model_manager.h"

namespace strato::http::httptest {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class HttpTestClient {
 public:
  explicit HttpTestClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~HttpTestClient() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return connected_; }

  bool SendRaw(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  static std::string Build(std::string_view method, std::string_view path, std::string_view body,
                           std::string_view extra_headers = "") {
    std::string r = std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n";
    r += extra_headers;
    if (!body.empty() || method == "POST") r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    r += "\r\n";
    r += body;
    return r;
  }

  HttpResponse Request(std::string_view method, std::string_view path, std::string_view body = "",
                       std::string_view extra_headers = "") {
    SendRaw(Build(method, path, body, extra_headers));
    return ReadResponse();
  }

  // Reads one response; status 0 when the connection closed first.
  HttpResponse ReadResponse() {
    HttpResponse r;
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return r;
    }
    const std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    r.status = std::atoi(status_line.substr(9, 3).c_str());
    while (line_end != std::string::npos && line_end < head.size()) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(c));
      r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    const size_t length = std::stoul(r.headers.count("content-length") ? r.headers["content-length"] : "0");
    while (buffer_.size() < length) {
      if (!Fill()) return r;
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return r;
  }

  // True when the server closed the connection (read returns 0).
  bool PeerClosed() {
    char c;
    return buffer_.empty() && ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  bool Fill() {
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

// An echo model: every input "INPUTn" comes back as output "OUTPUTn"
// (same datatype, shape, bytes), answered from a separate thread. The model
// named "slow" holds each request until it is cancelled.
class FakeVersion : public ModelVersion {
 public:
  FakeVersion(inference::ModelConfig config, int64_t version)
      : config_(std::move(config)), version_(version), stats_(nullptr, config_.name(), version) {
    worker_ = std::thread([this] { Loop(); });
  }
  ~FakeVersion() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  const std::string& name() const override { return config_.name(); }
  int64_t version() const override { return version_; }
  const inference::ModelConfig& config() const override { return config_; }
  ModelStats& stats() override { return stats_; }

  Status Infer(std::unique_ptr<InferenceRequest>& request) override {
    for (const auto& in : config_.input()) {
      if (request->FindInput(in.name()) == nullptr) {
        return InvalidArgumentError("input '" + in.name() + "' is missing");
      }
    }
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(request));
    }
    cv_.notify_all();
    return Status::Ok();
  }

  std::atomic<int> cancelled_seen{0};

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait_for(lock, std::chrono::milliseconds(2));
      if (stop_) break;
      for (auto it = queue_.begin(); it != queue_.end();) {
        auto& req = *it;
        if (config_.name() == "slow" && !req->IsCancelled()) {
          ++it;
          continue;
        }
        Answer(*req);
        it = queue_.erase(it);
      }
    }
    for (auto& req : queue_) RespondWithError(*req, version_, UnavailableError("stopping"));
  }

  void Answer(const InferenceRequest& req) {
    if (req.IsCancelled()) {
      ++cancelled_seen;
      RespondWithError(req, version_, CancelledError("request cancelled"));
      return;
    }
    auto response = MakeResponse(req, version_);
    for (const Tensor& in : req.inputs) {
      std::string name = in.name();
      if (name.rfind("INPUT", 0) == 0) name.replace(0, 5, "OUTPUT");
      Tensor out(name, in.datatype(), in.shape());
      out.SetOwned(std::vector<uint8_t>(in.bytes().begin(), in.bytes().end()));
      if (req.WantsOutput(name)) response->outputs.push_back(std::move(out));
    }
    RequestTimestamps times = req.times;
    stats_.RecordSuccess(times, NowNs(), static_cast<uint64_t>(req.BatchSize()));
    stats_.RecordExecution(static_cast<uint64_t>(req.BatchSize()), 1000, 2000, 3000);
    req.sink->Send(std::move(response), true);
  }

  const inference::ModelConfig config_;
  const int64_t version_;
  ModelStats stats_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<InferenceRequest>> queue_;
  bool stop_ = false;
  std::thread worker_;
};

inline inference::ModelConfig EchoConfig(const std::string& name, inference::DataType type,
                                         std::vector<int64_t> dims, int max_batch) {
  inference::ModelConfig c;
  c.set_name(name);
  c.set_backend("identity");
  c.set_max_batch_size(max_batch);
  auto* in = c.add_input();
  in->set_name("INPUT0");
  in->set_data_type(type);
  for (auto d : dims) in->add_dims(d);
  auto* out = c.add_output();
  out->set_name("OUTPUT0");
  out->set_data_type(type);
  for (auto d : dims) out->add_dims(d);
  return c;
}

class FakeModelManager : public ModelManager {
 public:
  FakeModelManager() {
    Add(EchoConfig("echo", inference::TYPE_INT32, {4}, 8));
    Add(EchoConfig("echo_fp32", inference::TYPE_FP32, {-1}, 0));
    Add(EchoConfig("echo_bytes", inference::TYPE_STRING, {-1}, 0));
    Add(EchoConfig("slow", inference::TYPE_FP32, {-1}, 0));
  }
  void Add(inference::ModelConfig config) {
    std::lock_guard lock(mu_);
    const std::string name = config.name();
    models_[name] = std::make_shared<FakeVersion>(std::move(config), 1);
  }
  std::shared_ptr<FakeVersion> Find(const std::string& name) {
    std::lock_guard lock(mu_);
    auto it = models_.find(name);
    return it == models_.end() ? nullptr : it->second;
  }

  Status Start() override { return Status::Ok(); }
  void Stop() override {}
  bool Ready() const override { return ready.load(); }
  StatusOr<std::shared_ptr<ModelVersion>> Get(std::string_view name, int64_t version) const override {
    std::lock_guard lock(mu_);
    auto it = models_.find(std::string(name));
    if (it == models_.end()) return NotFoundError("unknown model '" + std::string(name) + "'");
    if (version > 0 && version != 1) {
      return NotFoundError("model '" + std::string(name) + "' has no version " + std::to_string(version));
    }
    return std::shared_ptr<ModelVersion>(it->second);
  }
  std::vector<std::shared_ptr<ModelVersion>> ReadyVersions(std::string_view name) const override {
    auto got = Get(name, -1);
    if (!got.ok()) return {};
    return {*got};
  }
  std::vector<std::shared_ptr<ModelVersion>> AllReadyVersions() const override {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<ModelVersion>> all;
    for (auto& [n, v] : models_) all.push_back(v);
    return all;
  }
  std::vector<ModelIndexEntry> Index(bool) const override {
    std::lock_guard lock(mu_);
    std::vector<ModelIndexEntry> out;
    for (auto& [n, v] : models_) out.push_back({n, "1", "READY", ""});
    return out;
  }
  Status Load(std::string_view name, const std::optional<std::string>& config_json,
              const std::map<std::string, std::string>& files) override {
    last_config = config_json.value_or("");
    last_files = files;
    if (name == "missing") return NotFoundError("no model 'missing' in the repository");
    if (!Find(std::string(name))) Add(EchoConfig(std::string(name), inference::TYPE_INT32, {4}, 8));
    return Status::Ok();
  }
  Status Unload(std::string_view name) override {
    std::lock_guard lock(mu_);
    if (models_.erase(std::string(name)) == 0) {
      return NotFoundError("model '" + std::string(name) + "' is not loaded");
    }
    return Status::Ok();
  }

  std::atomic<bool> ready{true};
  std::string last_config;
  std::map<std::string, std::string> last_files;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<FakeVersion>> models_;
};

}  // namespace strato::http::httptest
