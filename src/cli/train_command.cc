// `strato train PIPELINE.yaml`: runs a training pipeline (see
// docs/training.md); `strato train --predict VERSION_DIR --data FILE`
// predicts with a saved version in-process, exactly as the server does.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "commands.h"
#include "strato/features/csv_reader.h"
#include "strato/train/pipeline_config.h"
#include "strato/train/pipeline_runner.h"

namespace strato::cli {
namespace {

constexpr const char* kTrainUsage =
    "Usage: strato train PIPELINE.yaml [options]\n"
    "       strato train --predict VERSION_DIR --data FILE [--columns a,b,...]\n"
    "\n"
    "Runs a training pipeline: ingest and validate the data, split, fit the feature\n"
    "transform, search and train XGBoost with early stopping, evaluate, write an HTML\n"
    "report, and register the model as a new version in a model repository.\n"
    "The pipeline file format is described in docs/training.md; examples are in\n"
    "examples/maintenance/.\n"
    "\n"
    "Options:\n"
    "  --quiet            no progress bars\n"
    "  --no-register      do not register a model version (report and artefacts only)\n"
    "  --threads N        XGBoost threads (overrides train.threads)\n"
    "  --output DIR       where to write the report and artefacts (overrides output:)\n"
    "  --model-repository DIR  register into this model repository (overrides\n"
    "                     register.repository, so running an example never writes\n"
    "                     into the checkout)\n"
    "  --model NAME       model name to register as (overrides register.model)\n"
    "  --check            parse and check the pipeline file only\n"
    "  --predict DIR      predict with a saved version folder (transform.json + model.json)\n"
    "  --data FILE        rows to predict (CSV/TSV/whitespace with a header line, or\n"
    "                     headerless with --columns)\n"
    "  --columns a,b,...  column names for a headerless --data file\n"
    "  -h, --help         this help\n";

std::vector<std::string> SplitCommas(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = std::min(s.find(',', start), s.size());
    out.emplace_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int Predict(const std::string& dir, const std::string& data, const std::string& columns) {
  features::ReadOptions read;
  if (!columns.empty()) {
    read.header = false;
    read.column_names = SplitCommas(columns);
  }
  auto table = features::ReadTable(data, read);
  if (!table.ok()) {
    std::fprintf(stderr, "strato train --predict: %s\n", table.status().message().c_str());
    return 1;
  }
  size_t width = 1;
  auto p = train::PredictWithVersion(dir, *table, &width);
  if (!p.ok()) {
    std::fprintf(stderr, "strato train --predict: %s\n", p.status().message().c_str());
    return 1;
  }
  std::printf("{\"width\": %zu, \"predictions\": [", width);
  for (size_t i = 0; i < p->size(); ++i) std::printf("%s%.9g", i ? ", " : "", (*p)[i]);
  std::printf("]}\n");
  return 0;
}

}  // namespace

int TrainCommand(int argc, char** argv) {
  std::string pipeline, predict_dir, data, columns, output, repository, model_name;
  train::RunOptions options;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "strato train: %s needs a value\n\n%s", name, kTrainUsage);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      std::fputs(kTrainUsage, stdout);
      return 0;
    } else if (a == "--quiet") {
      options.quiet = true;
    } else if (a == "--no-register") {
      options.register_model = false;
    } else if (a == "--check") {
      check_only = true;
    } else if (a == "--threads") {
      options.threads = std::atoi(value("--threads"));
      if (options.threads < 1) {
        std::fprintf(stderr, "strato train: --threads must be a whole number >= 1\n");
        return 2;
      }
    } else if (a == "--output") {
      output = value("--output");
    } else if (a == "--model-repository") {
      repository = value("--model-repository");
    } else if (a == "--model") {
      model_name = value("--model");
    } else if (a == "--predict") {
      predict_dir = value("--predict");
    } else if (a == "--data") {
      data = value("--data");
    } else if (a == "--columns") {
      columns = value("--columns");
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "strato train: unknown option '%s'\n\n%s", argv[i], kTrainUsage);
      return 2;
    } else if (pipeline.empty()) {
      pipeline = argv[i];
    } else {
      std::fprintf(stderr, "strato train: one pipeline file at a time ('%s')\n", argv[i]);
      return 2;
    }
  }
  if (!predict_dir.empty()) {
    if (data.empty()) {
      std::fprintf(stderr, "strato train: --predict needs --data FILE\n");
      return 2;
    }
    return Predict(predict_dir, data, columns);
  }
  if (pipeline.empty()) {
    std::fprintf(stderr, "strato train: give a pipeline file\n\n%s", kTrainUsage);
    return 2;
  }
  auto config = train::LoadPipelineConfig(pipeline);
  if (!config.ok()) {
    std::fprintf(stderr, "strato train: %s\n", config.status().message().c_str());
    return 1;
  }
  if (!output.empty()) config->output_dir = output;
  if (!repository.empty()) config->repository = repository;
  if (!model_name.empty()) config->model_name = model_name;
  if (!config->repository.empty() && config->model_name.empty()) config->model_name = config->name;
  if (config->model_name.find('/') != std::string::npos) {
    std::fprintf(stderr, "strato train: --model '%s' is not a folder name\n",
                 config->model_name.c_str());
    return 2;
  }
  if (check_only) {
    std::printf("%s: OK\n", pipeline.c_str());
    return 0;
  }
  auto summary = train::RunPipeline(*config, options);
  if (!summary.ok()) {
    std::fprintf(stderr, "strato train: %s\n", summary.status().message().c_str());
    return 1;
  }
  for (const std::string& warning : summary->warnings)
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  std::printf("pipeline %s: selection metric %s\n", config->name.c_str(),
              summary->selection_metric.c_str());
  for (const auto& [set, metrics] : summary->metrics) {
    std::printf("  %-8s", set.c_str());
    for (const auto& [k, v] : metrics) std::printf(" %s=%.4g", k.c_str(), v);
    std::printf("\n");
  }
  std::printf("training time: %.2f s\nreport: %s/report.html\n", summary->train_seconds,
              summary->output_dir.c_str());
  if (!summary->register_note.empty()) std::printf("%s\n", summary->register_note.c_str());
  return 0;
}

}  // namespace strato::cli
