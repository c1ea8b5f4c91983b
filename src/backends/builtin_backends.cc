// Registration of the backends compiled into strato.
#include <memory>

#include "add_sub_backend.h"
#include "identity_backend.h"
#include "strato_pipeline_backend.h"
#include "strato/backend/backend.h"
#include "xgboost_backend.h"

namespace strato {

void RegisterBuiltinBackends(BackendRegistry* registry) {
  registry->Register(std::make_shared<IdentityBackend>());
  registry->Register(std::make_shared<AddSubBackend>());
  // "fil" lets Triton FIL configs for XGBoost models load unchanged.
  registry->Register(std::make_shared<XgboostBackend>(), {"fil"});
  // Models trained by `strato train` (transform.json + model.json).
  registry->Register(std::make_shared<StratoPipelineBackend>());
}

}  // namespace strato
