// gRPC implementation of Transport: the generated GRPCInferenceService stub,
// one channel (own TCP connection) per worker, requests built once with raw
// input contents and reused for every call.
#include <chrono>
#include <memory>
#include <mutex>

#include <grpcpp/grpcpp.h>

#include "grpc_service.grpc.pb.h"
#include "http_client.h"
#include "transport.h"

namespace strato::perf {
namespace {

using inference::GRPCInferenceService;

Status FromGrpc(const grpc::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  return Status(static_cast<StatusCode>(s.error_code()), std::string(what) + ": " + s.error_message());
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, bool own_connection) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  // Without a local pool, channels to one target share one connection.
  if (own_connection) args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

void SetDeadline(grpc::ClientContext* ctx, int seconds) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

class GrpcWorker : public WorkerClient {
 public:
  GrpcWorker(std::shared_ptr<grpc::Channel> channel, const std::vector<inference::ModelInferRequest>* requests)
      : stub_(GRPCInferenceService::NewStub(channel)), requests_(requests) {}

  Status Infer(size_t index) override {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, 60);
    grpc::Status s = stub_->ModelInfer(&ctx, (*requests_)[index % requests_->size()], &response_);
    return FromGrpc(s, "infer");
  }

 private:
  std::unique_ptr<GRPCInferenceService::Stub> stub_;
  const std::vector<inference::ModelInferRequest>* requests_;  // owned by the transport
  inference::ModelInferResponse response_;                     // reused across calls
};

class GrpcTransport : public Transport {
 public:
  GrpcTransport(PerfOptions options, std::string target)
      : options_(std::move(options)), target_(std::move(target)),
        control_(GRPCInferenceService::NewStub(MakeChannel(target_, false))) {}

  StatusOr<ModelInfo> FetchModelInfo() override {
    std::lock_guard<std::mutex> lock(mu_);
    inference::ModelMetadataRequest req;
    req.set_name(options_.model);
    req.set_version(options_.model_version);
    inference::ModelMetadataResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, 10);
    grpc::Status s = control_->ModelMetadata(&ctx, req, &resp);
    if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
      return UnavailableError("cannot reach " + target_ + ": " + s.error_message());
    }
    RETURN_IF_ERROR(FromGrpc(s, "model '" + options_.model + "' metadata"));
    ModelInfo info;
    info.name = resp.name().empty() ? options_.model : resp.name();
    info.versions.assign(resp.versions().begin(), resp.versions().end());
    auto convert = [](const auto& list, std::vector<TensorInfo>* out) -> Status {
      for (const auto& t : list) {
        auto dt = DataTypeFromName(t.datatype());
        if (!dt) return InvalidArgumentError("metadata: unknown datatype '" + t.datatype() + "'");
        out->push_back(TensorInfo{t.name(), *dt, {t.shape().begin(), t.shape().end()}});
      }
      return Status::Ok();
    };
    RETURN_IF_ERROR(convert(resp.inputs(), &info.inputs));
    RETURN_IF_ERROR(convert(resp.outputs(), &info.outputs));
    if (info.inputs.empty()) return InvalidArgumentError("metadata: model has no inputs");

    inference::ModelConfigRequest creq;
    creq.set_name(options_.model);
    creq.set_version(options_.model_version);
    inference::ModelConfigResponse cresp;
    grpc::ClientContext cctx;
    SetDeadline(&cctx, 10);
    if (control_->ModelConfig(&cctx, creq, &cresp).ok()) {
      info.max_batch_size = cresp.config().max_batch_size();
      info.config_known = true;
    } else {
      GuessBatching(&info);
    }
    return info;
  }

  StatusOr<ServerStats> FetchStats() override {
    std::lock_guard<std::mutex> lock(mu_);
    inference::ModelStatisticsRequest req;
    req.set_name(options_.model);
    req.set_version(options_.model_version);
    inference::ModelStatisticsResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, 10);
    RETURN_IF_ERROR(FromGrpc(control_->ModelStatistics(&ctx, req, &resp), "stats"));
    ServerStats out;
    bool found = false;
    for (const auto& m : resp.model_stats()) {
      if (m.name() != options_.model) continue;
      if (!options_.model_version.empty() && m.version() != options_.model_version) continue;
      found = true;
      out.inference_count += m.inference_count();
      out.execution_count += m.execution_count();
      const auto& st = m.inference_stats();
      auto add = [](const inference::StatisticDuration& d, StatDuration* to) {
        to->count += d.count();
        to->ns += d.ns();
      };
      add(st.success(), &out.success);
      add(st.fail(), &out.fail);
      add(st.queue(), &out.queue);
      add(st.compute_input(), &out.compute_input);
      add(st.compute_infer(), &out.compute_infer);
      add(st.compute_output(), &out.compute_output);
    }
    if (!found) return NotFoundError("stats: no entry for model '" + options_.model + "'");
    return out;
  }

  Status Prepare(const ModelInfo& info, const std::vector<InputSet>& inputs) override {
    (void)info;
    if (inputs.empty()) return InvalidArgumentError("no input data");
    for (const InputSet& set : inputs) {
      inference::ModelInferRequest req;
      req.set_model_name(options_.model);
      req.set_model_version(options_.model_version);
      for (const InputTensor& t : set) {
        auto* in = req.add_inputs();
        in->set_name(t.name);
        in->set_datatype(std::string(DataTypeName(t.datatype)));
        for (int64_t d : t.shape) in->add_shape(d);
        req.add_raw_input_contents(reinterpret_cast<const char*>(t.raw.data()), t.raw.size());
      }
      requests_.push_back(std::move(req));
    }
    return Status::Ok();
  }

  StatusOr<std::unique_ptr<WorkerClient>> NewWorker() override {
    auto channel = MakeChannel(target_, true);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      return UnavailableError("cannot connect to " + target_);
    }
    return std::unique_ptr<WorkerClient>(new GrpcWorker(std::move(channel), &requests_));
  }

 private:
  const PerfOptions options_;
  const std::string target_;
  std::vector<inference::ModelInferRequest> requests_;  // immutable after Prepare()
  std::mutex mu_;
  std::unique_ptr<GRPCInferenceService::Stub> control_;  // calls serialised by mu_
};

}  // namespace

StatusOr<std::unique_ptr<Transport>> MakeGrpcTransport(const PerfOptions& options) {
  ASSIGN_OR_RETURN(HostPort address, ParseHostPort(options.EffectiveUrl(), 8001));
  std::string target = address.host.find(':') != std::string::npos
                           ? "[" + address.host + "]:" + std::to_string(address.port)
                           : address.HostHeader();
  return std::unique_ptr<Transport>(new GrpcTransport(options, std::move(target)));
}

}  // namespace strato::perf
