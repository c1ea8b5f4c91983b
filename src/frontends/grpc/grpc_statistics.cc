#include "grpc_statistics.h"

#include <string>

#include "grpc_infer_codec.h"

namespace strato::grpcfe {
namespace {

void SetDuration(const DurationStat& in, inference::StatisticDuration* out) {
  out->set_count(in.count);
  out->set_ns(in.ns);
}

}  // namespace

void FillModelStatistics(ModelVersion& model, inference::ModelStatistics* out) {
  const ModelStatsSnapshot s = model.stats().Snapshot();
  out->set_name(model.name());
  out->set_version(std::to_string(model.version()));
  out->set_last_inference(s.last_inference_ms);
  out->set_inference_count(s.inference_count);
  out->set_execution_count(s.execution_count);
  inference::InferStatistics* is = out->mutable_inference_stats();
  SetDuration(s.success, is->mutable_success());
  SetDuration(s.fail, is->mutable_fail());
  SetDuration(s.queue, is->mutable_queue());
  SetDuration(s.compute_input, is->mutable_compute_input());
  SetDuration(s.compute_infer, is->mutable_compute_infer());
  SetDuration(s.compute_output, is->mutable_compute_output());
  SetDuration(s.cache_hit, is->mutable_cache_hit());
  SetDuration(s.cache_miss, is->mutable_cache_miss());
  for (const BatchStat& b : s.batch_stats) {
    inference::InferBatchStatistics* bs = out->add_batch_stats();
    bs->set_batch_size(b.batch_size);
    SetDuration(b.compute_input, bs->mutable_compute_input());
    SetDuration(b.compute_infer, bs->mutable_compute_infer());
    SetDuration(b.compute_output, bs->mutable_compute_output());
  }
}

Status CollectStatistics(ModelManager* manager, const inference::ModelStatisticsRequest& request,
                         inference::ModelStatisticsResponse* response) {
  std::vector<std::shared_ptr<ModelVersion>> versions;
  if (request.name().empty()) {
    versions = manager->AllReadyVersions();
  } else if (request.version().empty()) {
    versions = manager->ReadyVersions(request.name());
    // Get() explains why there is nothing (unknown vs. not ready).
    if (versions.empty()) RETURN_IF_ERROR(manager->Get(request.name(), -1).status());
  } else {
    ASSIGN_OR_RETURN(const int64_t v, ParseModelVersion(request.version()));
    ASSIGN_OR_RETURN(std::shared_ptr<ModelVersion> model, manager->Get(request.name(), v));
    versions.push_back(std::move(model));
  }
  for (const auto& v : versions) FillModelStatistics(*v, response->add_model_stats());
  return Status::Ok();
}

}  // namespace strato::grpcfe
