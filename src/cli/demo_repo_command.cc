// strato demo-repo DIR: writes the demo model repository.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "strato/backend/demo_repository.h"
#include "strato/backend/xgboost_model_maker.h"

namespace strato::cli {

namespace {

// xgb_fraud's config beside a two-class model: every answer has shape
// [rows, 2] where the config declares [rows, 1], so the server counts each
// one as an error of that version.
Status WriteWrongShapeVersion(const std::filesystem::path& repo, const std::filesystem::path& out) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  std::filesystem::copy_file(repo / "xgb_fraud" / "config.pbtxt", out / "config.pbtxt",
                             std::filesystem::copy_options::overwrite_existing, ec);
  if (ec)
    return InternalError("cannot write " + (out / "config.pbtxt").string() + ": " + ec.message());
  SyntheticModelOptions options;
  options.n_features = 30;
  options.n_trees = 20;
  options.objective = "multi:softprob";
  options.num_class = 2;
  options.n_rows = 2000;
  return TrainSyntheticXgboostModel(options, out / "xgboost.json");
}

}  // namespace

int DemoRepoCommand(int argc, char** argv) {
  CLI::App app{"Write the demo model repository (simple, identity_fp32, identity_bytes, xgb_fraud)",
               "strato demo-repo"};
  std::string dir;
  app.add_option("dir", dir, "Folder to write the models into (created if missing)")->required();
  std::string wrong_shape;
  app.add_option(
      "--wrong-shape-version", wrong_shape,
      "Also write to this folder a version of xgb_fraud (same config) that answers 2 values per "
      "row instead of 1: a broken canary for trying the error-rate rollback (docs/lifecycle.md)");
  CLI11_PARSE(app, argc, argv);
  Status status = WriteDemoModelRepository(dir);
  if (status.ok() && !wrong_shape.empty()) status = WriteWrongShapeVersion(dir, wrong_shape);
  if (!status.ok()) {
    std::fprintf(stderr, "strato demo-repo: %s\n", status.ToString().c_str());
    return 1;
  }
  std::printf("demo model repository written to %s\n", dir.c_str());
  if (!wrong_shape.empty())
    std::printf("wrong-shape xgb_fraud version written to %s\n", wrong_shape.c_str());
  return 0;
}

}  // namespace strato::cli
