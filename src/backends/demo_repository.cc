#include "strato/backend/demo_repository.h"

#include <fstream>
#include <string>
#include <system_error>

#include "strato/backend/xgboost_model_maker.h"

namespace strato {
namespace {

namespace fs = std::filesystem;

// Configs are written as text (not generated from the proto) so that the
// demo doubles as a readable example of Triton-style config.pbtxt files.
constexpr char kSimpleConfig[] = R"(name: "simple"
backend: "add_sub"
max_batch_size: 8
input [
  {
    name: "INPUT0"
    data_type: TYPE_INT32
    dims: [ 16 ]
  },
  {
    name: "INPUT1"
    data_type: TYPE_INT32
    dims: [ 16 ]
  }
]
output [
  {
    name: "OUTPUT0"
    data_type: TYPE_INT32
    dims: [ 16 ]
  },
  {
    name: "OUTPUT1"
    data_type: TYPE_INT32
    dims: [ 16 ]
  }
]
)";

constexpr char kIdentityFp32Config[] = R"(name: "identity_fp32"
backend: "identity"
max_batch_size: 64
input [
  {
    name: "INPUT0"
    data_type: TYPE_FP32
    dims: [ -1 ]
  }
]
output [
  {
    name: "OUTPUT0"
    data_type: TYPE_FP32
    dims: [ -1 ]
  }
]
# No queue delay: a lone request runs at once; under load, whatever queued
# while the instance was busy runs as one batch.
dynamic_batching {
  max_queue_delay_microseconds: 0
}
)";

constexpr char kIdentityBytesConfig[] = R"(name: "identity_bytes"
backend: "identity"
max_batch_size: 0
input [
  {
    name: "INPUT0"
    data_type: TYPE_STRING
    dims: [ -1 ]
  }
]
output [
  {
    name: "OUTPUT0"
    data_type: TYPE_STRING
    dims: [ -1 ]
  }
]
)";

// Shaped like a Triton FIL config so that it also documents that FIL
// configs work unchanged.
constexpr char kXgbFraudConfig[] = R"(name: "xgb_fraud"
backend: "fil"
max_batch_size: 8192
input [
  {
    name: "input__0"
    data_type: TYPE_FP32
    dims: [ 30 ]
  }
]
output [
  {
    name: "output__0"
    data_type: TYPE_FP32
    dims: [ 1 ]
  }
]
instance_group [
  {
    count: 2
    kind: KIND_CPU
  }
]
parameters [
  {
    key: "model_type"
    value: { string_value: "xgboost_json" }
  },
  {
    key: "output_class"
    value: { string_value: "false" }
  },
  {
    key: "storage_type"
    value: { string_value: "AUTO" }
  },
  {
    key: "nthread"
    value: { string_value: "1" }
  }
]
dynamic_batching {
  preferred_batch_size: [ 64, 256, 1024 ]
  max_queue_delay_microseconds: 200
}
)";

Status WriteModel(const fs::path& dir, const char* name, const char* config) {
  const fs::path model_dir = dir / name;
  std::error_code ec;
  fs::create_directories(model_dir / "1", ec);
  if (ec) return InternalError("cannot create " + (model_dir / "1").string() + ": " + ec.message());
  const fs::path config_path = model_dir / "config.pbtxt";
  std::ofstream out(config_path, std::ios::binary | std::ios::trunc);
  out << config;
  out.close();
  if (!out) return InternalError("cannot write " + config_path.string());
  return Status::Ok();
}

}  // namespace

Status WriteDemoModelRepository(const fs::path& dir) {
  RETURN_IF_ERROR(WriteModel(dir, "simple", kSimpleConfig));
  RETURN_IF_ERROR(WriteModel(dir, "identity_fp32", kIdentityFp32Config));
  RETURN_IF_ERROR(WriteModel(dir, "identity_bytes", kIdentityBytesConfig));
  RETURN_IF_ERROR(WriteModel(dir, "xgb_fraud", kXgbFraudConfig));
  SyntheticModelOptions options;  // 30 features, 300 trees, binary:logistic
  options.n_features = 30;
  options.n_trees = 300;
  options.max_depth = 6;
  options.objective = "binary:logistic";
  options.n_rows = 5000;
  options.seed = 42;
  options.n_threads = 2;
  return TrainSyntheticXgboostModel(options, dir / "xgb_fraud" / "1" / "xgboost.json");
}

}  // namespace strato
