// HTTP/1.1 implementation of Transport: JSON control endpoints, and
// pre-serialised infer requests sent over one keep-alive connection per
// worker.
#include <memory>
#include <mutex>

#include <rapidjson/document.h>

#include "http_client.h"
#include "request_builder.h"
#include "transport.h"

namespace strato::perf {
namespace {

// The "error" member of a KServe error body, or the body itself.
std::string ErrorText(const HttpResponse& r) {
  rapidjson::Document doc;
  doc.Parse(r.body.data(), r.body.size());
  if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("error") && doc["error"].IsString()) {
    return doc["error"].GetString();
  }
  return r.body.size() > 200 ? r.body.substr(0, 200) + "..." : r.body;
}

Status StatusFromHttp(const HttpResponse& r, std::string_view what) {
  std::string msg = std::string(what) + ": HTTP " + std::to_string(r.status) + ": " + ErrorText(r);
  switch (r.status) {
    case 400: return InvalidArgumentError(std::move(msg));
    case 404: return NotFoundError(std::move(msg));
    case 501: return UnimplementedError(std::move(msg));
    case 503: return UnavailableError(std::move(msg));
    default: return InternalError(std::move(msg));
  }
}

class HttpWorker : public WorkerClient {
 public:
  HttpWorker(std::unique_ptr<HttpConnection> conn, const std::vector<std::string>* requests)
      : conn_(std::move(conn)), requests_(requests) {}

  Status Infer(size_t index) override {
    RETURN_IF_ERROR(conn_->RoundTrip((*requests_)[index % requests_->size()], &response_));
    if (response_.status != 200) return StatusFromHttp(response_, "infer");
    return Status::Ok();
  }

 private:
  std::unique_ptr<HttpConnection> conn_;
  const std::vector<std::string>* requests_;  // owned by the transport
  HttpResponse response_;                     // reused to keep its buffer
};

class HttpTransport : public Transport {
 public:
  HttpTransport(PerfOptions options, HostPort address)
      : options_(std::move(options)), address_(std::move(address)) {}

  StatusOr<ModelInfo> FetchModelInfo() override {
    HttpResponse r;
    RETURN_IF_ERROR(Get(ModelPath(options_.model, options_.model_version, ""), &r));
    if (r.status != 200) return StatusFromHttp(r, "model '" + options_.model + "' metadata");
    ASSIGN_OR_RETURN(ModelInfo info, ParseModelMetadataJson(r.body));
    if (info.name.empty()) info.name = options_.model;
    Status config = Get(ModelPath(options_.model, options_.model_version, "/config"), &r);
    if (!config.ok() || r.status != 200 || !ApplyModelConfigJson(r.body, &info).ok()) GuessBatching(&info);
    return info;
  }

  StatusOr<ServerStats> FetchStats() override {
    HttpResponse r;
    RETURN_IF_ERROR(Get(ModelPath(options_.model, options_.model_version, "/stats"), &r));
    if (r.status != 200) return StatusFromHttp(r, "stats");
    return ParseStatsJson(r.body, options_.model, options_.model_version);
  }

  Status Prepare(const ModelInfo& info, const std::vector<InputSet>& inputs) override {
    if (inputs.empty()) return InvalidArgumentError("no input data");
    std::vector<std::string> outputs;
    if (options_.binary) {
      for (const TensorInfo& o : info.outputs) outputs.push_back(o.name);
    }
    const std::string path = ModelPath(options_.model, options_.model_version, "/infer");
    for (const InputSet& set : inputs) {
      HttpInferBody body = BuildHttpInferBody(set, outputs, options_.binary);
      requests_.push_back(BuildHttpRequest("POST", address_.HostHeader(), path, &body));
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<WorkerClient>> NewWorker() override {
    ASSIGN_OR_RETURN(auto conn, HttpConnection::Connect(address_));
    return std::unique_ptr<WorkerClient>(new HttpWorker(std::move(conn), &requests_));
  }

 private:
  Status Get(const std::string& path, HttpResponse* r) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!control_) {
      ASSIGN_OR_RETURN(control_, HttpConnection::Connect(address_, 10000));
    }
    const std::string request = BuildHttpRequest("GET", address_.HostHeader(), path, nullptr);
    Status s = control_->RoundTrip(request, r);
    // Control calls are idempotent GETs: one retry on a fresh connection
    // rides out a connection the server dropped (measurement never retries).
    if (s.code() == StatusCode::kUnavailable) s = control_->RoundTrip(request, r);
    return s;
  }

  const PerfOptions options_;
  const HostPort address_;
  std::vector<std::string> requests_;  // immutable after Prepare()
  std::mutex mu_;
  std::unique_ptr<HttpConnection> control_;  // guarded by mu_
};

}  // namespace

StatusOr<std::unique_ptr<Transport>> MakeHttpTransport(const PerfOptions& options) {
  ASSIGN_OR_RETURN(HostPort address, ParseHostPort(options.EffectiveUrl(), 8000));
  return std::unique_ptr<Transport>(new HttpTransport(options, std::move(address)));
}

}  // namespace strato::perf
