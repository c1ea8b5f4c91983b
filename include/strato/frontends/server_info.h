// What every frontend says about the server (KServe v2 server metadata) and
// the shared flag that drains it.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace strato {

struct ServerInfo {
  std::string name = "strato";
  std::string version = "0.1.0";
  // KServe v2 / Triton extensions the server implements.
  std::vector<std::string> extensions = {"classification", "model_repository",
                                         "model_repository(unload_dependents)", "schedule_policy",
                                         "model_configuration", "statistics", "binary_tensor_data",
                                         "parameters"};
  // Set to true when the server starts draining (SIGTERM): readiness turns
  // false while live stays true and in-flight requests finish.
  std::shared_ptr<std::atomic<bool>> draining = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace strato
