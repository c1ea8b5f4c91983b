// Fuzzes what `strato train` reads from users: the pipeline file (YAML
// subset parser and config checks) and data files (CSV/TSV/whitespace
// reader), and transform.json as the serving backend reads it. The first
// byte picks the reader; none may crash or hang, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "strato/features/csv_reader.h"
#include "strato/features/transform.h"
#include "strato/train/pipeline_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      (void)strato::train::ParsePipelineConfig(text, "fuzz.yaml", "/tmp");
      break;
    case 1: {
      strato::features::ReadOptions options;
      auto table = strato::features::ParseTable(text, "fuzz.csv", options);
      options.skip_bad_rows = true;
      options.format = strato::features::TextFormat::kWhitespace;
      options.header = false;
      options.column_names = {"a", "b", "c"};
      (void)strato::features::ParseTable(text, "fuzz.txt", options);
      (void)table;
      break;
    }
    case 2: {
      auto t = strato::features::FeatureTransform::FromJson(text);
      (void)t;
      break;
    }
    default: {
      // A parsed table through every transform step.
      strato::features::ReadOptions options;
      auto table = strato::features::ParseTable(text, "fuzz.csv", options);
      if (!table.ok() || table->columns.size() < 2 || table->rows > 2000) break;
      strato::features::TransformSpec spec;
      const std::string a = table->columns[0].name, b = table->columns[1].name;
      spec.steps = {{.kind = "one_hot", .columns = {a}},
                    {.kind = "window", .columns = {b}, .entity = b, .time = b, .lags = {1},
                     .sizes = {3}, .stats = {"mean", "std", "slope"}}};
      auto t = strato::features::FeatureTransform::Fit(spec, *table, {});
      if (t.ok()) (void)t->Apply(*table);
      break;
    }
  }
  return 0;
}
