#include "strato/sentiment/repository.h"

#include <fstream>

namespace strato::sentiment {

std::string ModelConfigText(std::string_view name, std::string_view extra) {
  std::string config = "name: \"" + std::string(name) +
                       "\"\n"
                       "backend: \"sentiment\"\n"
                       "max_batch_size: 256\n"
                       "input [ { name: \"TEXT\" data_type: TYPE_STRING dims: [ 1 ] } ]\n"
                       "output [\n"
                       "  { name: \"LABEL\" data_type: TYPE_STRING dims: [ 1 ] },\n"
                       "  { name: \"SCORE\" data_type: TYPE_FP32 dims: [ 1 ] },\n"
                       "  { name: \"EXPLANATION\" data_type: TYPE_STRING dims: [ 1 ] }\n"
                       "]\n"
                       "dynamic_batching { max_queue_delay_microseconds: 200 }\n"
                       "instance_group [ { count: 2 kind: KIND_CPU } ]\n";
  config += extra;
  return config;
}

StatusOr<RegisteredVersion> RegisterInRepository(const SentimentModel& model,
                                                 const std::filesystem::path& repository,
                                                 std::string_view name) {
  namespace fs = std::filesystem;
  if (name.empty() || name.find('/') != std::string_view::npos || name == "." || name == "..") {
    return InvalidArgumentError("model name '" + std::string(name) + "' is not a folder name");
  }
  const fs::path model_dir = repository / name;
  std::error_code ec;
  fs::create_directories(model_dir, ec);
  if (ec) return InternalError("cannot create " + model_dir.string() + ": " + ec.message());
  RegisteredVersion out;
  int64_t latest = 0;
  for (const auto& entry : fs::directory_iterator(model_dir, ec)) {
    const std::string folder = entry.path().filename().string();
    if (!entry.is_directory() || folder.empty() ||
        folder.find_first_not_of("0123456789") != std::string::npos || folder.size() > 15) {
      continue;
    }
    latest = std::max<int64_t>(latest, std::stoll(folder));
  }
  out.version = latest + 1;
  out.version_dir = model_dir / std::to_string(out.version);
  fs::create_directories(out.version_dir, ec);
  if (ec) return InternalError("cannot create " + out.version_dir.string() + ": " + ec.message());
  RETURN_IF_ERROR(SaveModel(model, out.version_dir / kModelFileName));
  const fs::path config = model_dir / "config.pbtxt";
  if (!fs::exists(config, ec)) {
    std::ofstream file(config, std::ios::trunc);
    file << ModelConfigText(name);
    file.close();
    if (!file) return InternalError("cannot write " + config.string());
    out.wrote_config = true;
  }
  return out;
}

}  // namespace strato::sentiment
