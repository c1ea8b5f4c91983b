// The protocol seam of `strato perf`: a Transport talks to the server's
// control endpoints (metadata, configuration, statistics) and makes one
// WorkerClient per load worker; the load runner never sees the wire format.
//
// Thread-safety: a Transport may be called from several threads (its control
// calls are serialised internally; NewWorker may run concurrently with them).
// A WorkerClient belongs to one worker thread. Prepare() must finish before
// the first NewWorker(), and the Transport must outlive its workers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "input_data.h"
#include "model_info.h"
#include "perf_options.h"
#include "server_stats.h"
#include "strato/core/status.h"

namespace strato::perf {

class WorkerClient {
 public:
  virtual ~WorkerClient() = default;
  // Sends prepared request number `index % count` and waits for its
  // response. Non-OK when the request failed: UNAVAILABLE for transport
  // errors, otherwise the server's error (message from its response).
  virtual Status Infer(size_t index) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Model metadata plus max_batch_size from the configuration endpoint (when
  // that endpoint fails, batching is guessed from the shapes). UNAVAILABLE
  // when the server cannot be reached, NOT_FOUND for an unknown model.
  virtual StatusOr<ModelInfo> FetchModelInfo() = 0;
  // Cumulative statistics of the model (version as in the options).
  virtual StatusOr<ServerStats> FetchStats() = 0;
  // Pre-serialises one request per input set. INVALID_ARGUMENT when empty.
  virtual Status Prepare(const ModelInfo& info, const std::vector<InputSet>& inputs) = 0;
  // A client with its own connection. UNAVAILABLE when it cannot connect.
  virtual StatusOr<std::unique_ptr<WorkerClient>> NewWorker() = 0;
};

StatusOr<std::unique_ptr<Transport>> MakeHttpTransport(const PerfOptions& options);
StatusOr<std::unique_ptr<Transport>> MakeGrpcTransport(const PerfOptions& options);

}  // namespace strato::perf
