#include "grpc_unary_infer.h"

#include <atomic>

#include "grpc_infer_codec.h"
#include "grpc_infer_submit.h"

namespace strato::grpcfe {
namespace {

using inference::ModelInferRequest;
using inference::ModelInferResponse;

// Owns one call's messages. The request is shared: tensors that view it hold
// a reference, so Release() (gRPC is done) only drops the holder's share.
class InferHolder : public grpc::MessageHolder<ModelInferRequest, ModelInferResponse> {
 public:
  InferHolder() : request_(std::make_shared<ModelInferRequest>()) {
    set_request(request_.get());
    set_response(&response_);
  }
  void Release() override { delete this; }
  const std::shared_ptr<ModelInferRequest>& shared_request() const { return request_; }

 private:
  std::shared_ptr<ModelInferRequest> request_;
  ModelInferResponse response_;
};

class UnaryInferCall : public grpc::ServerUnaryReactor {
 public:
  explicit UnaryInferCall(ModelInferResponse* response) : response_(response) {}

  // Writes the first successful response (or the error) and, on the final
  // one, finishes the call. A decoupled model answering a unary call with
  // several responses has only its first data response returned.
  void Deliver(std::unique_ptr<InferenceResponse> response, bool final) {
    if (!response->status.ok()) {
      if (error_.ok()) error_ = response->status;
    } else if (!has_data_ && error_.ok()) {
      EncodeInferResponse(*response, response_);
      has_data_ = true;
    }
    if (final) Finish(ToGrpcStatus(error_));  // `this` may be gone after this line
  }

  void OnCancel() override { cancelled_->store(true, std::memory_order_relaxed); }
  void OnDone() override { delete this; }

  const std::shared_ptr<std::atomic<bool>>& cancelled() const { return cancelled_; }

 private:
  ModelInferResponse* const response_;
  std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
  Status error_;
  bool has_data_ = false;
};

// Sends never overlap for one request (ResponseSink contract), so the call
// needs no lock; the sink outlives the call harmlessly (it only holds a
// pointer it never uses after the final Send).
class UnarySink : public ResponseSink {
 public:
  explicit UnarySink(UnaryInferCall* call) : call_(call) {}
  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    UnaryInferCall* call = call_;
    if (call == nullptr) return;  // defensive: a second final response
    if (final) call_ = nullptr;
    call->Deliver(std::move(response), final);
  }

 private:
  UnaryInferCall* call_;
};

}  // namespace

grpc::MessageHolder<ModelInferRequest, ModelInferResponse>* InferMessageAllocator::AllocateMessages() {
  return new InferHolder();
}

grpc::ServerUnaryReactor* StartUnaryInfer(grpc::CallbackServerContext* context,
                                          const ModelInferRequest* request, ModelInferResponse* response,
                                          ModelManager* manager) {
  auto* call = new UnaryInferCall(response);
  std::shared_ptr<const ModelInferRequest> shared;
  if (auto* holder = dynamic_cast<InferHolder*>(context->GetRpcAllocatorState())) {
    shared = holder->shared_request();
  } else {
    // Without our allocator the message dies with the call: copy it so that
    // tensors may outlive the call safely.
    shared = std::make_shared<ModelInferRequest>(*request);
  }
  const Status status =
      SubmitInfer(manager, std::move(shared), std::make_shared<UnarySink>(call), call->cancelled());
  // On success the sink finishes the call (maybe already, from this thread):
  // `call` must not be touched any more.
  if (!status.ok()) call->Finish(ToGrpcStatus(status));
  return call;
}

}  // namespace strato::grpcfe
