// grpc_echo_server: the gRPC library's ceiling for strato's serving path.
//
// A grpc++ synchronous server implementing GRPCInferenceService::ModelInfer
// with a fixed, pre-built response the size of what strato's identity model
// returns for an FP32 [1, N] input (one output OUTPUT0, raw contents). No
// decoding, no scheduling, no model: whatever strato adds on top of this is
// strato's own cost. ModelMetadata and ModelConfig are answered too (off the
// measured path) so that `strato perf -i grpc` can drive it unchanged.
//
//   grpc_echo_server [--port 8101] [--elements 16]
//
// Thread-safety: the service holds only immutable responses; grpc++ calls it
// from its own thread pool.
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "grpc_service.grpc.pb.h"

namespace {

class EchoService final : public inference::GRPCInferenceService::Service {
 public:
  explicit EchoService(int64_t elements) : elements_(elements) {
    response_.set_model_name("identity_fp32");
    response_.set_model_version("1");
    auto* out = response_.add_outputs();
    out->set_name("OUTPUT0");
    out->set_datatype("FP32");
    out->add_shape(1);
    out->add_shape(elements);
    response_.add_raw_output_contents(std::string(static_cast<size_t>(elements) * 4, '\0'));
  }

  grpc::Status ModelInfer(grpc::ServerContext*, const inference::ModelInferRequest*,
                          inference::ModelInferResponse* response) override {
    *response = response_;
    return grpc::Status::OK;
  }

  grpc::Status ModelMetadata(grpc::ServerContext*, const inference::ModelMetadataRequest* request,
                             inference::ModelMetadataResponse* response) override {
    response->set_name(request->name());
    *response->add_versions() = std::string("1");
    response->set_platform("echo");
    for (const char* name : {"INPUT0", "OUTPUT0"}) {
      auto* t = std::strcmp(name, "INPUT0") == 0 ? response->add_inputs() : response->add_outputs();
      t->set_name(name);
      t->set_datatype("FP32");
      t->add_shape(-1);
      t->add_shape(elements_);
    }
    return grpc::Status::OK;
  }

  grpc::Status ModelConfig(grpc::ServerContext*, const inference::ModelConfigRequest* request,
                           inference::ModelConfigResponse* response) override {
    response->mutable_config()->set_name(request->name());
    response->mutable_config()->set_max_batch_size(64);
    return grpc::Status::OK;
  }

 private:
  const int64_t elements_;
  inference::ModelInferResponse response_;
};

std::unique_ptr<grpc::Server> g_server;

void OnSignal(int) {
  // Shutdown from a signal handler is not async-signal-safe; exiting is
  // enough for a benchmark helper.
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  int port = 8101;
  int64_t elements = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--elements") == 0) elements = std::atoll(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: grpc_echo_server [--port N] [--elements N]\n");
      return 2;
    }
  }
  if (port <= 0 || port > 65535 || elements <= 0) {
    std::fprintf(stderr, "grpc_echo_server: bad --port or --elements\n");
    return 2;
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  EchoService service(elements);
  grpc::ServerBuilder builder;
  int bound = 0;
  std::string address = "127.0.0.1:";
  address.append(std::to_string(port));
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound);
  builder.RegisterService(&service);
  g_server = builder.BuildAndStart();
  if (!g_server || bound == 0) {
    std::fprintf(stderr, "grpc_echo_server: cannot listen on port %d\n", port);
    return 1;
  }
  std::fprintf(stderr, "grpc_echo_server: listening on 127.0.0.1:%d (%lld FP32 elements)\n", bound,
               static_cast<long long>(elements));
  g_server->Wait();
  return 0;
}
