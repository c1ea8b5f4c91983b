#include "model_version_impl.h"

#include <exception>

#include "model_warmup.h"

namespace strato {

int InstanceCount(const inference::ModelConfig& config) {
  if (config.instance_group().empty()) return 1;
  int total = 0;
  for (const auto& group : config.instance_group()) total += group.count() <= 0 ? 1 : group.count();
  return total;
}

ModelVersionImpl::ModelVersionImpl(VersionLoadArgs args)
    : config_(std::move(args.config)),
      version_(args.version),
      identity_(std::move(args.identity)),
      stats_(std::move(args.stats)),
      keepalive_(std::move(args.keepalive)),
      validator_(*config_) {}

ModelVersionImpl::~ModelVersionImpl() {
  // Normally already retired by the reaper; a failed load lands here directly.
  if (scheduler_) scheduler_->Stop();
  scheduler_.reset();
  model_.reset();
}

StatusOr<std::shared_ptr<ModelVersionImpl>> ModelVersionImpl::Load(VersionLoadArgs args) {
  const Backend* backend = args.backend;
  ModelLoadContext context;
  context.model_dir = args.model_dir;
  context.version_dir = args.model_dir / std::to_string(args.version);
  context.version = args.version;
  context.metrics = args.metrics;
  std::shared_ptr<ModelVersionImpl> self(new ModelVersionImpl(std::move(args)));
  context.config = self->config_.get();
  const std::string who =
      "model '" + self->name() + "' version " + std::to_string(self->version_);

  std::vector<std::unique_ptr<ModelInstance>> instances;
  try {
    // Backends must not throw, but one that does must not take the loader down.
    auto model = backend->LoadModel(context);
    if (!model.ok()) return InternalError(who + ": backend load failed: " + model.status().message());
    self->model_ = std::move(model).value();
    if (!self->model_) return InternalError(who + ": backend returned no model");
    const int count = InstanceCount(*self->config_);
    for (int i = 0; i < count; ++i) {
      auto instance = self->model_->CreateInstance(i);
      if (!instance.ok()) {
        return InternalError(who + ": creating instance " + std::to_string(i) +
                             " failed: " + instance.status().message());
      }
      instances.push_back(std::move(instance).value());
    }
  } catch (const std::exception& e) {
    return InternalError(who + ": backend threw: " + e.what());
  }

  SchedulerOptions options;
  options.config = self->config_.get();
  options.version = self->version_;
  options.stats = self->stats_.get();
  auto scheduler = CreateScheduler(options, self->model_->scheduling(), std::move(instances));
  if (!scheduler.ok()) return scheduler.status().WithPrefix(who);
  self->scheduler_ = std::move(scheduler).value();

  Status warm = RunWarmup(*self->config_, context.model_dir, self->version_, self->scheduler_.get());
  if (!warm.ok()) return warm.WithPrefix(who);
  return self;
}

Status ModelVersionImpl::Infer(std::unique_ptr<InferenceRequest>& request) {
  if (!request) return InvalidArgumentError("null request");
  RETURN_IF_ERROR(validator_.Validate(*request));
  request->model_version = version_;
  last_used_ns_.store(NowNs(), std::memory_order_relaxed);
  return scheduler_->Enqueue(request);
}

void ModelVersionImpl::Retire() { scheduler_->Stop(); }

}  // namespace strato
