// Fuzzes the request path below the socket: bytes go through Beast's
// request parser (as a connection would read them), then the router and
// every handler, including inference against an in-fuzzer echo model whose
// answer is encoded with FinishInfer. A second model, "llm", claims the
// llamacpp backend so that OpenAI /v1 and /generate bodies are parsed and
// validated too (its requests are built but not run).
#include <utility>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/beast/http.hpp>

#include "router.h"

namespace {

using namespace strato;

class CaptureSink : public ResponseSink {
 public:
  void Send(std::unique_ptr<InferenceResponse> r, bool final) override {
    if (final) response = std::move(r);
  }
  std::unique_ptr<InferenceResponse> response;
};

class EchoVersion : public ModelVersion {
 public:
  EchoVersion(const std::string& name, const std::string& backend) : stats_(nullptr, name, 1) {
    config_.set_name(name);
    config_.set_backend(backend);
    config_.set_max_batch_size(4);
    auto* in = config_.add_input();
    in->set_name("INPUT0");
    in->set_data_type(inference::TYPE_INT32);
    in->add_dims(-1);
    auto* out = config_.add_output();
    out->set_name("OUTPUT0");
    out->set_data_type(inference::TYPE_INT32);
    out->add_dims(-1);
  }
  const std::string& name() const override { return config_.name(); }
  int64_t version() const override { return 1; }
  const inference::ModelConfig& config() const override { return config_; }
  ModelStats& stats() override { return stats_; }
  Status Infer(std::unique_ptr<InferenceRequest>& request) override {
    if (request->inputs.empty()) return InvalidArgumentError("no inputs");
    auto response = MakeResponse(*request, 1);
    for (const auto& in : request->inputs) {
      // Copy: the request (and the tensors its inputs view) dies below.
      Tensor out(in.name(), in.datatype(), in.shape());
      out.SetOwned(std::vector<uint8_t>(in.bytes().begin(), in.bytes().end()));
      response->outputs.push_back(std::move(out));
    }
    request->sink->Send(std::move(response), true);
    request.reset();
    return Status::Ok();
  }

 private:
  inference::ModelConfig config_;
  ModelStats stats_;
};

class OneModelManager : public ModelManager {
 public:
  Status Start() override { return Status::Ok(); }
  void Stop() override {}
  bool Ready() const override { return true; }
  StatusOr<std::shared_ptr<ModelVersion>> Get(std::string_view name, int64_t version) const override {
    if (name != "m" && name != "llm") return NotFoundError("unknown model");
    if (version > 1) return NotFoundError("unknown version");
    return name == "m" ? model_ : llm_;
  }
  std::vector<std::shared_ptr<ModelVersion>> ReadyVersions(std::string_view name) const override {
    if (name == "m") return {model_};
    if (name == "llm") return {llm_};
    return {};
  }
  std::vector<std::shared_ptr<ModelVersion>> AllReadyVersions() const override { return {model_, llm_}; }
  std::vector<ModelIndexEntry> Index(bool) const override { return {{"m", "1", "READY", ""}}; }
  Status Load(std::string_view name, const std::optional<std::string>&,
              const std::map<std::string, std::string>&) override {
    return name == "m" ? Status::Ok() : NotFoundError("unknown model");
  }
  Status Unload(std::string_view name) override {
    return name == "m" ? Status::Ok() : NotFoundError("unknown model");
  }

 private:
  std::shared_ptr<ModelVersion> model_ = std::make_shared<EchoVersion>("m", "identity");
  std::shared_ptr<ModelVersion> llm_ = std::make_shared<EchoVersion>("llm", "llamacpp");
};

http::Method ToMethod(boost::beast::http::verb v) {
  switch (v) {
    case boost::beast::http::verb::get: return http::Method::kGet;
    case boost::beast::http::verb::post: return http::Method::kPost;
    default: return http::Method::kOther;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static OneModelManager manager;
  static http::Router router(&manager, nullptr, ServerInfo{});
  namespace bhttp = boost::beast::http;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(true);
  parser.body_limit(1 << 20);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
  auto& req = parser.get();
  auto body = std::make_shared<std::string>(std::move(req.body()));
  http::RequestView view;
  view.method = ToMethod(req.method());
  view.target = std::string_view(req.target().data(), req.target().size());
  view.header_length = std::string_view(req["Inference-Header-Content-Length"].data(),
                                        req["Inference-Header-Content-Length"].size());
  view.body = body;
  http::RouteResult result = router.Handle(view);
  if (auto* pending = std::get_if<http::PendingInfer>(&result)) {
    auto sink = std::make_shared<CaptureSink>();
    pending->request->sink = sink;
    Status s = pending->version->Infer(pending->request);
    if (s.ok()) (void)http::FinishInfer(std::move(sink->response), pending->options);
  }
  return 0;
}
