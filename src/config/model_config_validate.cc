// Semantic checks of a model configuration (ValidateModelConfig). Each check
// names the offending field with its index path, e.g. "input[1].dims", so a
// user can find it in a config.pbtxt without guessing.
#include <set>
#include <string>

#include "model_config_checks.h"
#include "strato/config/model_config.h"

namespace strato {
namespace {

// Builds the error every check returns.
class Checker {
 public:
  explicit Checker(std::string_view source) : source_(source) {}

  Status Fail(const std::string& field, const std::string& problem) const {
    return InvalidArgumentError(source_ + ": field " + field + ": " + problem);
  }

 private:
  std::string source_;
};

std::string Indexed(std::string_view field, int index) {
  return std::string(field) + "[" + std::to_string(index) + "]";
}

Status CheckDims(const Checker& c, const std::string& field,
                 const google::protobuf::RepeatedField<int64_t>& dims, int max_batch_size) {
  // A non-batching model needs at least one dimension: without the batch
  // dimension an empty shape would describe a scalar nobody can send.
  if (dims.empty() && max_batch_size == 0) {
    return c.Fail(field + ".dims", "must not be empty when max_batch_size is 0");
  }
  for (int i = 0; i < dims.size(); ++i) {
    if (dims[i] < -1) {
      return c.Fail(field + ".dims", "dimension " + std::to_string(i) + " is " +
                                         std::to_string(dims[i]) + "; must be -1 (any) or >= 0");
    }
  }
  return Status::Ok();
}

Status CheckTensors(const Checker& c, const inference::ModelConfig& config) {
  std::set<std::string> inputs;
  for (int i = 0; i < config.input_size(); ++i) {
    const auto& in = config.input(i);
    const std::string field = Indexed("input", i);
    if (in.name().empty()) return c.Fail(field + ".name", "must not be empty");
    if (!inputs.insert(in.name()).second) {
      return c.Fail(field + ".name", "duplicate input name '" + in.name() + "'");
    }
    if (in.data_type() == inference::TYPE_INVALID) {
      return c.Fail(field + ".data_type", "input '" + in.name() + "' needs a valid data_type");
    }
    RETURN_IF_ERROR(CheckDims(c, field, in.dims(), config.max_batch_size()));
  }
  std::set<std::string> outputs;
  for (int i = 0; i < config.output_size(); ++i) {
    const auto& out = config.output(i);
    const std::string field = Indexed("output", i);
    if (out.name().empty()) return c.Fail(field + ".name", "must not be empty");
    if (!outputs.insert(out.name()).second) {
      return c.Fail(field + ".name", "duplicate output name '" + out.name() + "'");
    }
    if (out.data_type() == inference::TYPE_INVALID) {
      return c.Fail(field + ".data_type", "output '" + out.name() + "' needs a valid data_type");
    }
    RETURN_IF_ERROR(CheckDims(c, field, out.dims(), config.max_batch_size()));
  }
  return Status::Ok();
}

Status CheckPriorities(const Checker& c, const inference::ModelDynamicBatching& db) {
  const uint64_t levels = db.priority_levels();
  if (levels == 0) {
    if (db.default_priority_level() != 0) {
      return c.Fail("dynamic_batching.default_priority_level",
                    "must be 0 when priority_levels is 0");
    }
    if (!db.priority_queue_policy().empty()) {
      return c.Fail("dynamic_batching.priority_queue_policy",
                    "needs priority_levels > 0");
    }
    return Status::Ok();
  }
  if (db.default_priority_level() < 1 || db.default_priority_level() > levels) {
    return c.Fail("dynamic_batching.default_priority_level",
                  std::to_string(db.default_priority_level()) + " is not in [1, " +
                      std::to_string(levels) + "]");
  }
  for (const auto& [level, policy] : db.priority_queue_policy()) {
    (void)policy;
    if (level < 1 || level > levels) {
      return c.Fail("dynamic_batching.priority_queue_policy",
                    "priority level " + std::to_string(level) + " is not in [1, " +
                        std::to_string(levels) + "]");
    }
  }
  return Status::Ok();
}

Status CheckBatching(const Checker& c, const inference::ModelConfig& config) {
  if (config.max_batch_size() < 0) {
    return c.Fail("max_batch_size", "is " + std::to_string(config.max_batch_size()) +
                                        "; must be >= 0");
  }
  if (!config.has_dynamic_batching()) return Status::Ok();
  if (config.max_batch_size() == 0) {
    return c.Fail("dynamic_batching", "needs max_batch_size > 0");
  }
  const auto& db = config.dynamic_batching();
  for (int i = 0; i < db.preferred_batch_size_size(); ++i) {
    const int32_t size = db.preferred_batch_size(i);
    if (size < 1 || size > config.max_batch_size()) {
      return c.Fail("dynamic_batching.preferred_batch_size",
                    std::to_string(size) + " is not in [1, max_batch_size " +
                        std::to_string(config.max_batch_size()) + "]");
    }
  }
  return CheckPriorities(c, db);
}

Status CheckInstancesAndPolicy(const Checker& c, const inference::ModelConfig& config) {
  for (int i = 0; i < config.instance_group_size(); ++i) {
    if (config.instance_group(i).count() < 0) {
      return c.Fail(Indexed("instance_group", i) + ".count",
                    "is " + std::to_string(config.instance_group(i).count()) + "; must be >= 0");
    }
  }
  if (!config.has_version_policy()) return Status::Ok();
  const auto& vp = config.version_policy();
  if (vp.has_latest() && vp.latest().num_versions() == 0) {
    return c.Fail("version_policy.latest.num_versions", "must be >= 1");
  }
  if (vp.has_specific()) {
    if (vp.specific().versions().empty()) {
      return c.Fail("version_policy.specific.versions", "must list at least one version");
    }
    for (int64_t v : vp.specific().versions()) {
      if (v < 1) {
        return c.Fail("version_policy.specific.versions",
                      "version " + std::to_string(v) + " must be >= 1");
      }
    }
  }
  return Status::Ok();
}

Status CheckWarmup(const Checker& c, const inference::ModelConfig& config) {
  for (int i = 0; i < config.model_warmup_size(); ++i) {
    const auto& w = config.model_warmup(i);
    const std::string field = Indexed("model_warmup", i);
    if (config.max_batch_size() > 0 &&
        w.batch_size() > static_cast<uint32_t>(config.max_batch_size())) {
      return c.Fail(field + ".batch_size", std::to_string(w.batch_size()) +
                                               " exceeds max_batch_size " +
                                               std::to_string(config.max_batch_size()));
    }
    for (const auto& [name, input] : w.inputs()) {
      if (input.data_type() == inference::TYPE_INVALID) {
        return c.Fail(field + ".inputs[" + name + "].data_type", "needs a valid data_type");
      }
      if (input.input_data_type_case() == inference::ModelWarmup::Input::INPUT_DATA_TYPE_NOT_SET) {
        return c.Fail(field + ".inputs[" + name + "]",
                      "needs one of zero_data, random_data, input_data_file");
      }
      for (int64_t d : input.dims()) {
        if (d < 0) return c.Fail(field + ".inputs[" + name + "].dims", "must be >= 0");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateModelConfig(const inference::ModelConfig& config, std::string_view source) {
  const Checker c(source);
  if (config.name().empty()) return c.Fail("name", "must not be empty");
  if (config.backend().empty() && config.platform().empty()) {
    return c.Fail("backend", "neither backend nor platform is set");
  }
  RETURN_IF_ERROR(CheckBatching(c, config));
  RETURN_IF_ERROR(CheckTensors(c, config));
  RETURN_IF_ERROR(CheckInstancesAndPolicy(c, config));
  RETURN_IF_ERROR(CheckWarmup(c, config));
  return CheckConfigLimits(config, source);
}

}  // namespace strato
