// strato demo-repo DIR: writes the demo model repository.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "commands.h"
#include "strato/backend/demo_repository.h"

namespace strato::cli {

int DemoRepoCommand(int argc, char** argv) {
  CLI::App app{"Write the demo model repository (simple, identity_fp32, identity_bytes, xgb_fraud)",
               "strato demo-repo"};
  std::string dir;
  app.add_option("dir", dir, "Folder to write the models into (created if missing)")->required();
  CLI11_PARSE(app, argc, argv);
  const Status status = WriteDemoModelRepository(dir);
  if (!status.ok()) {
    std::fprintf(stderr, "strato demo-repo: %s\n", status.ToString().c_str());
    return 1;
  }
  std::printf("demo model repository written to %s\n", dir.c_str());
  return 0;
}

}  // namespace strato::cli
