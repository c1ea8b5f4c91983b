// OutputCheck: validates a backend's answer against the outputs its config
// declares (datatype and shape, -1 matching any size, the batch dimension
// first when the model batches). A version that answers what its config
// does not promise is broken: the answer becomes an error of that version,
// so that it counts against it (a canary's error rate) instead of reaching
// clients as a success.
//
// Outputs the config does not declare are left alone (backends may add
// outputs the config omits); so are models whose config declares none.
//
// Thread-safety: immutable after construction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model_config.pb.h"
#include "strato/core/datatype.h"
#include "strato/core/inference.h"
#include "strato/core/status.h"

namespace strato {

class OutputCheck {
 public:
  OutputCheck(const inference::ModelConfig& config, int64_t version);

  // INTERNAL naming the model, version, output and the mismatch.
  Status Check(const std::vector<Tensor>& outputs) const;

 private:
  struct Declared {
    std::optional<DataType> datatype;  // unset: a type strato cannot compare
    std::vector<int64_t> dims;         // without the batch dimension
  };
  std::string who_;
  bool batched_ = false;
  std::map<std::string, Declared, std::less<>> outputs_;
};

}  // namespace strato
