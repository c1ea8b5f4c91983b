#include "grpc_stream_infer.h"

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>

#include "grpc_infer_codec.h"
#include "grpc_infer_submit.h"

namespace strato::grpcfe {
namespace {

using inference::ModelInferRequest;
using inference::ModelStreamInferResponse;

// One submitted request: its responses not yet written, in order.
struct Slot {
  std::deque<std::unique_ptr<ModelStreamInferResponse>> ready;
  bool final_received = false;
  std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
};

// The reactor is owned by shared_ptr: by itself until OnDone, and by every
// response sink of its requests, so a sink racing with the end of the
// stream never touches freed memory.
class StreamCall : public StreamInferReactor, public std::enable_shared_from_this<StreamCall> {
 public:
  explicit StreamCall(ModelManager* manager) : manager_(manager) {}

  void Begin(std::shared_ptr<StreamCall> self) {
    self_ = std::move(self);
    ReadNext();
  }

  // Queues one message for `slot` (from a sink or a failed submission).
  void Push(Slot* slot, std::unique_ptr<ModelStreamInferResponse> message, bool final) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (message != nullptr && !broken_) slot->ready.push_back(std::move(message));
      if (final) slot->final_received = true;
    }
    Pump();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        reads_done_ = true;
      }
      Pump();
      return;
    }
    std::shared_ptr<const ModelInferRequest> message = std::move(next_);
    auto slot = std::make_shared<Slot>();
    {
      std::lock_guard<std::mutex> lock(mu_);
      slots_.push_back(slot);
    }
    Submit(std::move(message), slot);
    ReadNext();
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = false;
      in_write_.reset();
      if (!ok) broken_ = true;
    }
    Pump();
  }

  void OnCancel() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      broken_ = true;
      for (const auto& slot : slots_) slot->cancelled->store(true, std::memory_order_relaxed);
    }
    Pump();
  }

  void OnDone() override {
    // May destroy `this` (when no sink holds it): nothing may follow.
    std::shared_ptr<StreamCall> self = std::move(self_);
  }

 private:
  void ReadNext() {
    next_ = std::make_shared<ModelInferRequest>();
    StartRead(next_.get());
  }

  void Submit(std::shared_ptr<const ModelInferRequest> message, const std::shared_ptr<Slot>& slot);

  // Starts the next write, or finishes the stream when everything is done.
  // Only one write is in flight at a time (gRPC's rule); `writing_` hands
  // the right to write to exactly one thread.
  void Pump() {
    std::unique_lock<std::mutex> lock(mu_);
    if (writing_ || finished_) return;
    while (!slots_.empty()) {
      Slot& front = *slots_.front();
      if (broken_) front.ready.clear();
      if (!front.ready.empty()) {
        in_write_ = std::move(front.ready.front());
        front.ready.pop_front();
        writing_ = true;
        ModelStreamInferResponse* message = in_write_.get();
        lock.unlock();
        StartWrite(message);
        return;
      }
      if (!front.final_received) return;
      slots_.pop_front();
    }
    if (!reads_done_) return;
    finished_ = true;
    const bool broken = broken_;
    lock.unlock();
    Finish(broken ? grpc::Status::CANCELLED : grpc::Status::OK);
  }

  ModelManager* const manager_;
  std::shared_ptr<StreamCall> self_;        // until OnDone
  std::shared_ptr<ModelInferRequest> next_;  // the read in flight (only one)

  std::mutex mu_;
  std::deque<std::shared_ptr<Slot>> slots_;                // guarded by mu_
  std::unique_ptr<ModelStreamInferResponse> in_write_;     // guarded by mu_
  bool writing_ = false;                                   // guarded by mu_
  bool reads_done_ = false;                                // guarded by mu_
  bool broken_ = false;    // cancelled or a write failed; guarded by mu_
  bool finished_ = false;  // guarded by mu_
};

// Turns a request's responses into stream messages. A decoupled model ends
// with an empty final response; like Triton, it is not sent unless the
// request set "triton_enable_empty_final_response", in which case every
// message carries "triton_final_response".
class StreamSink : public ResponseSink {
 public:
  StreamSink(std::shared_ptr<StreamCall> call, std::shared_ptr<Slot> slot, bool flag_final)
      : call_(std::move(call)), slot_(std::move(slot)), flag_final_(flag_final) {}

  void Send(std::unique_ptr<InferenceResponse> response, bool final) override {
    const bool empty_final = final && response->status.ok() && response->outputs.empty() && sent_ > 0;
    if (empty_final && !flag_final_) {
      call_->Push(slot_.get(), nullptr, final);
      return;
    }
    ++sent_;
    auto message = std::make_unique<ModelStreamInferResponse>();
    inference::ModelInferResponse* out = message->mutable_infer_response();
    if (response->status.ok()) {
      EncodeInferResponse(*response, out);
    } else {
      message->set_error_message(response->status.message());
      out->set_id(response->id);
      out->set_model_name(response->model_name);
    }
    if (flag_final_) (*out->mutable_parameters())["triton_final_response"].set_bool_param(final);
    call_->Push(slot_.get(), std::move(message), final);
  }

 private:
  std::shared_ptr<StreamCall> call_;
  std::shared_ptr<Slot> slot_;
  const bool flag_final_;
  int sent_ = 0;  // Send calls never overlap (ResponseSink contract)
};

void StreamCall::Submit(std::shared_ptr<const ModelInferRequest> message, const std::shared_ptr<Slot>& slot) {
  const std::string id = message->id();
  const std::string model = message->model_name();
  auto flag = message->parameters().find("triton_enable_empty_final_response");
  const bool flag_final = flag != message->parameters().end() && flag->second.bool_param();
  const Status status =
      SubmitInfer(manager_, std::move(message), std::make_shared<StreamSink>(shared_from_this(), slot, flag_final),
                  slot->cancelled);
  if (status.ok()) return;
  auto error = std::make_unique<ModelStreamInferResponse>();
  error->set_error_message(status.message());
  error->mutable_infer_response()->set_id(id);
  error->mutable_infer_response()->set_model_name(model);
  Push(slot.get(), std::move(error), /*final=*/true);
}

}  // namespace

StreamInferReactor* StartStreamInfer(ModelManager* manager) {
  auto call = std::make_shared<StreamCall>(manager);
  call->Begin(call);
  return call.get();
}

}  // namespace strato::grpcfe
