// CreateScheduler: picks the scheduler a model version needs. Kept apart from
// the schedulers so that each policy stays in its own file pair.
#include <memory>
#include <utility>
#include <vector>

#include "direct_scheduler.h"
#include "dynamic_batch_scheduler.h"
#include "strato/scheduler/scheduler.h"

namespace strato {

StatusOr<std::unique_ptr<Scheduler>> CreateScheduler(
    const SchedulerOptions& options, SchedulingMode mode,
    std::vector<std::unique_ptr<ModelInstance>> instances) {
  if (options.config == nullptr) return InvalidArgumentError("scheduler needs a model config");
  if (options.stats == nullptr) return InvalidArgumentError("scheduler needs model stats");
  if (instances.empty()) {
    return InvalidArgumentError("model '" + options.config->name() + "' has no instances");
  }
  for (const auto& instance : instances) {
    if (!instance) return InvalidArgumentError("model '" + options.config->name() + "': null instance");
  }
  if (mode == SchedulingMode::kDirect) {
    return std::unique_ptr<Scheduler>(std::make_unique<DirectScheduler>(options, std::move(instances)));
  }
  return DynamicBatchScheduler::Create(options, std::move(instances));
}

}  // namespace strato
