#include <cstdlib>
#include <fstream>

#include "strato/recsys/recommender_backend.h"

namespace strato::recsys {

Status WriteDemoRecommenderModel(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  fs::path data;
  if (const char* env = std::getenv("STRATO_DEMO_MOVIELENS")) data = env;
#ifdef STRATO_SOURCE_ROOT
  if (data.empty())
    data = fs::path(STRATO_SOURCE_ROOT) / ".." / "shared" / "datasets" / "recsys" / "ml-100k";
#endif
  std::error_code ec;
  const bool have_data = !data.empty() && fs::is_regular_file(data / "u.data", ec);
  const fs::path model = dir / "recommender";
  fs::create_directories(model / "1", ec);
  if (ec) return InternalError("cannot create " + (model / "1").string() + ": " + ec.message());
  std::ofstream out(model / "config.pbtxt", std::ios::trunc);
  // Inputs and outputs are completed by the backend (recommender_backend.h).
  out << "name: \"recommender\"\nbackend: \"recommender\"\nmax_batch_size: 0\n";
  if (have_data) {
    out << "parameters { key: \"data_dir\" value { string_value: \""
        << fs::weakly_canonical(data, ec).string() << "\" } }\n";
  }
  out.close();
  if (!out) return InternalError("cannot write the demo recommender's config in " + dir.string());
  return Status::Ok();
}

}  // namespace strato::recsys
