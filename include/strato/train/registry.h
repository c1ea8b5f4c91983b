// Registration of a trained pipeline as a new numbered version of a model
// in a Triton-style model repository:
//   <repo>/<model>/config.pbtxt          written when absent (backend
//                                        "strato_pipeline")
//   <repo>/<model>/<N>/model.json        XGBoost model
//   <repo>/<model>/<N>/transform.json    the fitted feature transform
//   <repo>/<model>/<N>/metrics.json      validation (and test) metrics
//   <repo>/<model>/<N>/lineage.json      data sha256, parameters, version
//   <repo>/<model>/<N>/report.html       the evaluation report
// N is one more than the highest numbered version. The folder is written
// under a hidden name and renamed into place, so a server polling the
// repository never sees a half-written version.
//
// Thread-safety: not safe against concurrent registrations of one model.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "strato/core/status.h"

namespace strato::train {

struct VersionFiles {
  std::map<std::string, std::string> files;  // file name -> content
};

// Highest numbered version folder of <repo>/<model>, or 0.
int64_t LatestVersion(const std::string& repository, const std::string& model);
// The value of `metric` in that version's metrics.json ("valid" object), if any.
std::optional<double> VersionMetric(const std::string& repository, const std::string& model,
                                    int64_t version, const std::string& metric);

// Writes the files as version LatestVersion()+1, and config.pbtxt from
// `config_pbtxt` when the model has none. Returns the version number.
// INTERNAL naming the path on filesystem errors.
StatusOr<int64_t> RegisterVersion(const std::string& repository, const std::string& model,
                                  const VersionFiles& files, const std::string& config_pbtxt);

// Hex SHA-256 of a file's bytes. NOT_FOUND naming the path.
StatusOr<std::string> Sha256File(const std::string& path);

}  // namespace strato::train
