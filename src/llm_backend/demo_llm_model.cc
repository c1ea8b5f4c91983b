#include <cstdlib>
#include <fstream>

#include "strato/core/logging.h"
#include "strato/llm/llamacpp_backend.h"

namespace strato::llm {

Status WriteDemoLlmModel(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  fs::path gguf;
  if (const char* env = std::getenv("STRATO_DEMO_GGUF")) gguf = env;
#ifdef STRATO_SOURCE_ROOT
  if (gguf.empty()) gguf = fs::path(STRATO_SOURCE_ROOT) / ".." / "shared" / "datasets" / "llm" / "stories260K.gguf";
#endif
  std::error_code ec;
  if (gguf.empty() || !fs::is_regular_file(gguf, ec)) {
    LogInfo("demo language model left out: no GGUF (set STRATO_DEMO_GGUF)", {{"looked_at", gguf.string()}});
    return Status::Ok();
  }
  const fs::path version = dir / "stories" / "1";
  fs::create_directories(version, ec);
  if (ec) return InternalError("cannot create " + version.string() + ": " + ec.message());
  const fs::path link = version / "model.gguf";
  fs::remove(link, ec);
  fs::create_symlink(fs::absolute(gguf), link, ec);
  if (ec) return InternalError("cannot link " + link.string() + ": " + ec.message());
  std::ofstream out(dir / "stories" / "config.pbtxt", std::ios::trunc);
  out << "name: \"stories\"\nbackend: \"llamacpp\"\n"
         "parameters { key: \"parallel\" value { string_value: \"8\" } }\n"
         "parameters { key: \"context_length\" value { string_value: \"1024\" } }\n"
         "parameters { key: \"threads\" value { string_value: \"1\" } }\n";
  out.close();
  if (!out) return InternalError("cannot write the demo language model's config in " + dir.string());
  return Status::Ok();
}

}  // namespace strato::llm
