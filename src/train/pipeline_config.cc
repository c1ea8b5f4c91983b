#include "strato/train/pipeline_config.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "strato/train/yaml.h"

namespace strato::train {
namespace {

namespace fs = std::filesystem;
using features::ColumnType;

// Reads typed values out of YAML nodes; every error names the file, line
// and key path.
class Reader {
 public:
  Reader(std::string source, std::string base_dir)
      : source_(std::move(source)), base_(std::move(base_dir)) {}

  Status Error(const YamlNode& node, const std::string& path, const std::string& problem) const {
    return InvalidArgumentError(source_ + ":" + std::to_string(node.line) + ": " + path + ": " +
                                problem);
  }

  // Rejects keys outside `known` (typos would otherwise be silently ignored).
  Status Keys(const YamlNode& node, const std::string& path,
              const std::vector<std::string>& known) const {
    if (!node.IsMapping()) return Error(node, path, "expected a mapping of 'key: value' lines");
    for (const auto& [k, v] : node.fields) {
      if (std::find(known.begin(), known.end(), k) == known.end()) {
        std::string list;
        for (const auto& s : known) list += (list.empty() ? "" : ", ") + s;
        return Error(v, path.empty() ? k : path + "." + k,
                     "unknown key '" + k + "' (known: " + list + ")");
      }
    }
    return Status::Ok();
  }

  StatusOr<std::string> String(const YamlNode& node, const std::string& path) const {
    if (!node.IsScalar()) return Error(node, path, "expected a single value");
    return node.scalar;
  }

  StatusOr<double> Number(const YamlNode& node, const std::string& path) const {
    if (!node.IsScalar()) return Error(node, path, "expected a number");
    double v = 0;
    const std::string& s = node.scalar;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) {
      return Error(node, path, "'" + s + "' is not a number");
    }
    return v;
  }

  StatusOr<int> Int(const YamlNode& node, const std::string& path, int min) const {
    ASSIGN_OR_RETURN(double v, Number(node, path));
    if (v != static_cast<double>(static_cast<long long>(v)) || v < min || v > 1e9) {
      return Error(node, path, "expected a whole number >= " + std::to_string(min));
    }
    return static_cast<int>(v);
  }

  StatusOr<bool> Bool(const YamlNode& node, const std::string& path) const {
    if (node.IsScalar()) {
      if (node.scalar == "true" || node.scalar == "yes") return true;
      if (node.scalar == "false" || node.scalar == "no") return false;
    }
    return Error(node, path, "expected true or false");
  }

  StatusOr<std::vector<std::string>> Strings(const YamlNode& node, const std::string& path) const {
    std::vector<std::string> out;
    if (node.IsScalar()) return std::vector<std::string>{node.scalar};
    if (!node.IsSequence()) return Error(node, path, "expected a list like [a, b]");
    for (size_t i = 0; i < node.items.size(); ++i) {
      ASSIGN_OR_RETURN(std::string s, String(node.items[i], path + "[" + std::to_string(i) + "]"));
      out.push_back(std::move(s));
    }
    return out;
  }

  StatusOr<std::vector<int>> Ints(const YamlNode& node, const std::string& path, int min) const {
    std::vector<int> out;
    if (node.IsScalar()) {
      ASSIGN_OR_RETURN(int v, Int(node, path, min));
      return std::vector<int>{v};
    }
    if (!node.IsSequence()) return Error(node, path, "expected a list of numbers");
    for (size_t i = 0; i < node.items.size(); ++i) {
      ASSIGN_OR_RETURN(int v, Int(node.items[i], path + "[" + std::to_string(i) + "]", min));
      out.push_back(v);
    }
    return out;
  }

  std::string Resolve(const std::string& p) const {
    if (p.empty() || fs::path(p).is_absolute()) return p;
    return (fs::path(base_) / p).lexically_normal().string();
  }

  Status ReadData(const YamlNode& node, const std::string& path, DataSource* out,
                  bool path_required) const {
    RETURN_IF_ERROR(Keys(node, path, {"path", "train", "format", "header", "columns", "types",
                                      "missing", "on_bad_row"}));
    const YamlNode* p = node.Find("path");
    if (p == nullptr) p = node.Find("train");
    if (p != nullptr) {
      ASSIGN_OR_RETURN(std::string file, String(*p, path + ".path"));
      out->path = Resolve(file);
    } else if (path_required) {
      return Error(node, path, "'path' (the data file) is required");
    }
    if (const YamlNode* n = node.Find("format")) {
      ASSIGN_OR_RETURN(std::string f, String(*n, path + ".format"));
      if (!features::ParseTextFormat(f, &out->read.format)) {
        return Error(*n, path + ".format", "'" + f + "' is not one of auto, csv, tsv, whitespace");
      }
    }
    if (const YamlNode* n = node.Find("header")) {
      ASSIGN_OR_RETURN(out->read.header, Bool(*n, path + ".header"));
    }
    if (const YamlNode* n = node.Find("columns")) {
      ASSIGN_OR_RETURN(out->read.column_names, Strings(*n, path + ".columns"));
    }
    if (!out->read.header && out->read.column_names.empty()) {
      return Error(node, path, "header: false needs 'columns' (the column names)");
    }
    if (const YamlNode* n = node.Find("types")) {
      if (!n->IsMapping()) return Error(*n, path + ".types", "expected {column: number|string}");
      for (const auto& [k, v] : n->fields) {
        ASSIGN_OR_RETURN(std::string t, String(v, path + ".types." + k));
        if (t != "number" && t != "string") {
          return Error(v, path + ".types." + k, "type must be number or string, got '" + t + "'");
        }
        out->read.types[k] = t == "number" ? ColumnType::kNumber : ColumnType::kString;
      }
    }
    if (const YamlNode* n = node.Find("missing")) {
      ASSIGN_OR_RETURN(out->read.missing, Strings(*n, path + ".missing"));
    }
    if (const YamlNode* n = node.Find("on_bad_row")) {
      ASSIGN_OR_RETURN(std::string v, String(*n, path + ".on_bad_row"));
      if (v != "fail" && v != "skip") return Error(*n, path + ".on_bad_row", "use fail or skip");
      out->read.skip_bad_rows = v == "skip";
    }
    return Status::Ok();
  }

 private:
  std::string source_;
  std::string base_;
};

Status ReadLabel(const Reader& r, const YamlNode& node, LabelConfig* label) {
  if (node.IsScalar()) {
    label->column = node.scalar;
    return Status::Ok();
  }
  RETURN_IF_ERROR(r.Keys(node, "label", {"column", "derive", "entity", "time", "flags", "cap"}));
  const YamlNode* column = node.Find("column");
  if (column == nullptr) return r.Error(node, "label", "'column' is required");
  ASSIGN_OR_RETURN(label->column, r.String(*column, "label.column"));
  if (const YamlNode* n = node.Find("derive")) {
    ASSIGN_OR_RETURN(label->derive, r.String(*n, "label.derive"));
    if (label->derive != "remaining_life" && label->derive != "first_flag") {
      return r.Error(*n, "label.derive",
                     "unknown derivation '" + label->derive + "' (known: remaining_life, first_flag)");
    }
  }
  if (const YamlNode* n = node.Find("entity")) {
    ASSIGN_OR_RETURN(label->entity, r.String(*n, "label.entity"));
  }
  if (const YamlNode* n = node.Find("time")) {
    ASSIGN_OR_RETURN(label->time, r.String(*n, "label.time"));
  }
  if (const YamlNode* n = node.Find("flags")) {
    ASSIGN_OR_RETURN(label->flags, r.Strings(*n, "label.flags"));
  }
  if (const YamlNode* n = node.Find("cap")) {
    ASSIGN_OR_RETURN(label->cap, r.Number(*n, "label.cap"));
    if (label->cap <= 0) return r.Error(*n, "label.cap", "must be > 0");
  }
  if (label->derive == "remaining_life" && (label->entity.empty() || label->time.empty())) {
    return r.Error(node, "label", "derive: remaining_life needs 'entity' and 'time'");
  }
  if (label->derive == "first_flag" && label->flags.empty()) {
    return r.Error(node, "label", "derive: first_flag needs 'flags'");
  }
  return Status::Ok();
}

Status ReadTransforms(const Reader& r, const YamlNode& node, features::TransformSpec* spec) {
  if (!node.IsSequence()) return r.Error(node, "transforms", "expected a list of '- kind: ...'");
  for (size_t i = 0; i < node.items.size(); ++i) {
    const YamlNode& t = node.items[i];
    const std::string path = "transforms[" + std::to_string(i) + "]";
    if (!t.IsMapping()) return r.Error(t, path, "expected 'kind: ...' and its settings");
    features::StepSpec step;
    const YamlNode* kind = t.Find("kind");
    if (kind == nullptr) return r.Error(t, path, "'kind' is required");
    ASSIGN_OR_RETURN(step.kind, r.String(*kind, path + ".kind"));
    const auto& known = features::KnownStepKinds();
    if (std::find(known.begin(), known.end(), step.kind) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return r.Error(*kind, path + ".kind",
                     "unknown transform '" + step.kind + "' (known: " + list + ")");
    }
    RETURN_IF_ERROR(r.Keys(t, path, {"kind", "columns", "max_categories", "buckets", "entity",
                                     "time", "lags", "sizes", "size", "stats"}));
    const YamlNode* cols = t.Find("columns");
    if (cols == nullptr) return r.Error(t, path, "'columns' is required");
    ASSIGN_OR_RETURN(step.columns, r.Strings(*cols, path + ".columns"));
    if (step.columns.empty()) return r.Error(*cols, path + ".columns", "the list is empty");
    if (const YamlNode* n = t.Find("max_categories")) {
      ASSIGN_OR_RETURN(step.max_categories, r.Int(*n, path + ".max_categories", 1));
    }
    if (const YamlNode* n = t.Find("buckets")) {
      ASSIGN_OR_RETURN(step.buckets, r.Int(*n, path + ".buckets", 1));
    }
    if (const YamlNode* n = t.Find("entity")) {
      ASSIGN_OR_RETURN(step.entity, r.String(*n, path + ".entity"));
    }
    if (const YamlNode* n = t.Find("time")) {
      ASSIGN_OR_RETURN(step.time, r.String(*n, path + ".time"));
    }
    if (const YamlNode* n = t.Find("lags")) {
      ASSIGN_OR_RETURN(step.lags, r.Ints(*n, path + ".lags", 1));
    }
    if (const YamlNode* n = t.Find("sizes")) {
      ASSIGN_OR_RETURN(step.sizes, r.Ints(*n, path + ".sizes", 2));
    }
    if (const YamlNode* n = t.Find("size")) {
      ASSIGN_OR_RETURN(step.sizes, r.Ints(*n, path + ".size", 2));
    }
    if (const YamlNode* n = t.Find("stats")) {
      ASSIGN_OR_RETURN(step.stats, r.Strings(*n, path + ".stats"));
    }
    if (step.kind == "window") {
      if (step.entity.empty() || step.time.empty()) {
        return r.Error(t, path, "a window needs 'entity' and 'time'");
      }
      if (step.lags.empty() && step.sizes.empty()) {
        return r.Error(t, path, "a window needs 'lags' or 'sizes'");
      }
      if (!step.sizes.empty() && step.stats.empty()) step.stats = features::KnownWindowStats();
      for (const auto& s : step.stats) {
        const auto& ks = features::KnownWindowStats();
        if (std::find(ks.begin(), ks.end(), s) == ks.end()) {
          return r.Error(*t.Find("stats"), path + ".stats",
                         "unknown statistic '" + s + "' (known: mean, std, min, max, slope)");
        }
      }
    }
    spec->steps.push_back(std::move(step));
  }
  return Status::Ok();
}

Status ReadSearch(const Reader& r, const YamlNode& node, SearchConfig* search) {
  RETURN_IF_ERROR(r.Keys(node, "search", {"method", "trials", "parallel", "min_rounds", "eta", "space"}));
  const YamlNode* method = node.Find("method");
  if (method == nullptr) return r.Error(node, "search", "'method' is required (random or halving)");
  ASSIGN_OR_RETURN(search->method, r.String(*method, "search.method"));
  if (search->method != "random" && search->method != "halving") {
    return r.Error(*method, "search.method", "'" + search->method + "' is not random or halving");
  }
  if (const YamlNode* n = node.Find("trials")) {
    ASSIGN_OR_RETURN(search->trials, r.Int(*n, "search.trials", 1));
  }
  if (const YamlNode* n = node.Find("parallel")) {
    ASSIGN_OR_RETURN(search->parallel, r.Int(*n, "search.parallel", 1));
  }
  if (const YamlNode* n = node.Find("min_rounds")) {
    ASSIGN_OR_RETURN(search->min_rounds, r.Int(*n, "search.min_rounds", 1));
  }
  if (const YamlNode* n = node.Find("eta")) {
    ASSIGN_OR_RETURN(search->eta, r.Int(*n, "search.eta", 2));
  }
  const YamlNode* space = node.Find("space");
  if (space == nullptr || !space->IsMapping() || space->fields.empty()) {
    return r.Error(space ? *space : node, "search.space",
                   "declare at least one range, e.g. max_depth: {int: [3, 8]}");
  }
  for (const auto& [name, spec] : space->fields) {
    const std::string path = "search.space." + name;
    if (!spec.IsMapping() || spec.fields.size() != 1) {
      return r.Error(spec, path, "expected one of {int: [lo, hi]}, {uniform: [lo, hi]}, "
                                 "{log: [lo, hi]}, {choice: [a, b, ...]}");
    }
    SearchRange range;
    range.name = name;
    range.kind = spec.fields[0].key;
    const YamlNode& values = spec.fields[0].value;
    if (range.kind == "choice") {
      ASSIGN_OR_RETURN(range.choices, r.Strings(values, path + ".choice"));
      if (range.choices.empty()) return r.Error(values, path, "the range is empty: no choices");
    } else if (range.kind == "int" || range.kind == "uniform" || range.kind == "log") {
      if (!values.IsSequence() || values.items.size() != 2) {
        return r.Error(values, path, "expected [low, high]");
      }
      ASSIGN_OR_RETURN(range.low, r.Number(values.items[0], path + ".low"));
      ASSIGN_OR_RETURN(range.high, r.Number(values.items[1], path + ".high"));
      if (range.low > range.high) {
        return r.Error(values, path, "the range is empty: low " + values.items[0].scalar +
                                         " is above high " + values.items[1].scalar);
      }
      if (range.kind == "log" && range.low <= 0) {
        return r.Error(values, path, "a log range needs low > 0");
      }
      if (range.kind == "int" && std::ceil(range.low) > std::floor(range.high)) {
        return r.Error(values, path, "the range is empty: no whole number in it");
      }
    } else {
      return r.Error(spec, path, "unknown range kind '" + range.kind +
                                     "' (known: int, uniform, log, choice)");
    }
    search->space.push_back(std::move(range));
  }
  return Status::Ok();
}

Status ReadTrain(const Reader& r, const YamlNode& node, PipelineConfig* c) {
  RETURN_IF_ERROR(r.Keys(node, "train", {"params", "rounds", "early_stopping", "seed", "threads"}));
  if (const YamlNode* n = node.Find("params")) {
    if (!n->IsMapping()) return r.Error(*n, "train.params", "expected {name: value, ...}");
    for (const auto& [k, v] : n->fields) {
      ASSIGN_OR_RETURN(c->params[k], r.String(v, "train.params." + k));
    }
  }
  if (const YamlNode* n = node.Find("rounds")) {
    ASSIGN_OR_RETURN(c->rounds, r.Int(*n, "train.rounds", 1));
  }
  if (const YamlNode* n = node.Find("early_stopping")) {
    ASSIGN_OR_RETURN(c->early_stopping, r.Int(*n, "train.early_stopping", 0));
  }
  if (const YamlNode* n = node.Find("seed")) {
    ASSIGN_OR_RETURN(c->seed, r.Int(*n, "train.seed", 0));
  }
  if (const YamlNode* n = node.Find("threads")) {
    ASSIGN_OR_RETURN(c->threads, r.Int(*n, "train.threads", 1));
  }
  return Status::Ok();
}

Status ReadSplit(const Reader& r, const YamlNode& node, PipelineConfig* c) {
  RETURN_IF_ERROR(r.Keys(node, "split", {"method", "by", "valid_fraction", "holdout_fraction",
                                         "stratify", "seed"}));
  if (const YamlNode* n = node.Find("method")) {
    ASSIGN_OR_RETURN(c->split_method, r.String(*n, "split.method"));
    if (c->split_method != "random" && c->split_method != "grouped" && c->split_method != "time") {
      return r.Error(*n, "split.method", "'" + c->split_method + "' is not random, grouped or time");
    }
  }
  if (const YamlNode* n = node.Find("by")) {
    ASSIGN_OR_RETURN(c->split_by, r.String(*n, "split.by"));
  }
  if (c->split_method != "random" && c->split_by.empty()) {
    return r.Error(node, "split", "method " + c->split_method + " needs 'by' (a column)");
  }
  if (const YamlNode* n = node.Find("valid_fraction")) {
    ASSIGN_OR_RETURN(c->valid_fraction, r.Number(*n, "split.valid_fraction"));
  }
  if (const YamlNode* n = node.Find("holdout_fraction")) {
    ASSIGN_OR_RETURN(c->holdout_fraction, r.Number(*n, "split.holdout_fraction"));
  }
  if (const YamlNode* n = node.Find("stratify")) {
    ASSIGN_OR_RETURN(c->stratify, r.Bool(*n, "split.stratify"));
  }
  if (const YamlNode* n = node.Find("seed")) {
    ASSIGN_OR_RETURN(int seed, r.Int(*n, "split.seed", 0));
    c->split_seed = static_cast<uint64_t>(seed);
  }
  if (c->valid_fraction <= 0 || c->holdout_fraction < 0 ||
      c->valid_fraction + c->holdout_fraction >= 1) {
    return r.Error(node, "split", "need valid_fraction > 0, holdout_fraction >= 0 and their sum < 1");
  }
  return Status::Ok();
}

Status ReadRoot(const Reader& r, const YamlNode& root, PipelineConfig* c) {
  RETURN_IF_ERROR(r.Keys(root, "", {"name", "data", "label", "task", "features", "transforms",
                                    "validate", "split", "train", "search", "evaluate", "test",
                                    "output", "register"}));
  if (const YamlNode* n = root.Find("name")) {
    ASSIGN_OR_RETURN(c->name, r.String(*n, "name"));
  }
  const YamlNode* data = root.Find("data");
  if (data == nullptr) return r.Error(root, "data", "the 'data' section is required");
  RETURN_IF_ERROR(r.ReadData(*data, "data", &c->data, true));
  const YamlNode* label = root.Find("label");
  if (label == nullptr) return r.Error(root, "label", "the 'label' section is required");
  RETURN_IF_ERROR(ReadLabel(r, *label, &c->label));
  const YamlNode* task = root.Find("task");
  if (task == nullptr) return r.Error(root, "task", "'task' is required (regression, binary or multiclass)");
  ASSIGN_OR_RETURN(c->task, r.String(*task, "task"));
  if (c->task != "regression" && c->task != "binary" && c->task != "multiclass") {
    return r.Error(*task, "task", "'" + c->task + "' is not regression, binary or multiclass");
  }
  if (const YamlNode* n = root.Find("features")) {
    RETURN_IF_ERROR(r.Keys(*n, "features", {"drop", "exclude"}));
    if (const YamlNode* d = n->Find("drop")) {
      ASSIGN_OR_RETURN(c->drop, r.Strings(*d, "features.drop"));
    }
    if (const YamlNode* e = n->Find("exclude")) {
      ASSIGN_OR_RETURN(c->transform.exclude, r.Strings(*e, "features.exclude"));
    }
  }
  if (const YamlNode* n = root.Find("transforms")) RETURN_IF_ERROR(ReadTransforms(r, *n, &c->transform));
  if (const YamlNode* n = root.Find("validate")) {
    RETURN_IF_ERROR(r.Keys(*n, "validate", {"ranges"}));
    if (const YamlNode* ranges = n->Find("ranges")) {
      if (!ranges->IsMapping()) return r.Error(*ranges, "validate.ranges", "expected {column: [lo, hi]}");
      for (const auto& [k, v] : ranges->fields) {
        if (!v.IsSequence() || v.items.size() != 2) return r.Error(v, "validate.ranges." + k, "expected [lo, hi]");
        ASSIGN_OR_RETURN(double lo, r.Number(v.items[0], "validate.ranges." + k));
        ASSIGN_OR_RETURN(double hi, r.Number(v.items[1], "validate.ranges." + k));
        if (lo > hi) return r.Error(v, "validate.ranges." + k, "the range is empty (low > high)");
        c->ranges[k] = {lo, hi};
      }
    }
  }
  if (const YamlNode* n = root.Find("split")) RETURN_IF_ERROR(ReadSplit(r, *n, c));
  if (const YamlNode* n = root.Find("train")) RETURN_IF_ERROR(ReadTrain(r, *n, c));
  if (const YamlNode* n = root.Find("search")) RETURN_IF_ERROR(ReadSearch(r, *n, &c->search));
  if (const YamlNode* n = root.Find("evaluate")) {
    RETURN_IF_ERROR(r.Keys(*n, "evaluate", {"metric", "risk_horizon"}));
    if (const YamlNode* m = n->Find("metric")) {
      ASSIGN_OR_RETURN(c->metric, r.String(*m, "evaluate.metric"));
    }
    if (const YamlNode* m = n->Find("risk_horizon")) {
      ASSIGN_OR_RETURN(c->risk_horizon, r.Number(*m, "evaluate.risk_horizon"));
    }
  }
  if (const YamlNode* n = root.Find("test")) {
    TestConfig test;
    test.data = c->data;  // format, header and columns default to the training data's
    test.data.path.clear();
    std::vector<std::string> data_keys;
    YamlNode data_part = *n;
    data_part.fields.clear();
    for (const auto& [k, v] : n->fields) {
      if (k == "last_per_entity" || k == "entity" || k == "labels_file") continue;
      data_part.fields.push_back({k, v});
    }
    RETURN_IF_ERROR(r.ReadData(data_part, "test", &test.data, true));
    if (const YamlNode* m = n->Find("last_per_entity")) {
      ASSIGN_OR_RETURN(test.last_per_entity, r.Bool(*m, "test.last_per_entity"));
    }
    test.entity = c->label.entity;
    if (const YamlNode* m = n->Find("entity")) {
      ASSIGN_OR_RETURN(test.entity, r.String(*m, "test.entity"));
    }
    if (const YamlNode* m = n->Find("labels_file")) {
      ASSIGN_OR_RETURN(std::string f, r.String(*m, "test.labels_file"));
      test.labels_file = r.Resolve(f);
    }
    if (test.last_per_entity && test.entity.empty()) {
      return r.Error(*n, "test", "last_per_entity needs 'entity'");
    }
    c->test = std::move(test);
  }
  if (const YamlNode* n = root.Find("output")) {
    ASSIGN_OR_RETURN(std::string out, r.String(*n, "output"));
    c->output_dir = r.Resolve(out);
  }
  if (const YamlNode* n = root.Find("register")) {
    RETURN_IF_ERROR(r.Keys(*n, "register", {"repository", "model", "only_if_better"}));
    const YamlNode* repo = n->Find("repository");
    const YamlNode* model = n->Find("model");
    if (repo == nullptr || model == nullptr) {
      return r.Error(*n, "register", "'repository' and 'model' are required");
    }
    ASSIGN_OR_RETURN(std::string rp, r.String(*repo, "register.repository"));
    c->repository = r.Resolve(rp);
    ASSIGN_OR_RETURN(c->model_name, r.String(*model, "register.model"));
    if (c->model_name.empty() || c->model_name.find('/') != std::string::npos) {
      return r.Error(*model, "register.model", "must be a plain folder name");
    }
    if (const YamlNode* b = n->Find("only_if_better")) {
      ASSIGN_OR_RETURN(c->only_if_better, r.Bool(*b, "register.only_if_better"));
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<PipelineConfig> ParsePipelineConfig(std::string_view text, const std::string& source,
                                             const std::string& base_dir) {
  ASSIGN_OR_RETURN(YamlNode root, ParseYaml(text, source));
  if (!root.IsMapping()) {
    return InvalidArgumentError(source + ": a pipeline file is a mapping (data:, label:, task:, ...)");
  }
  PipelineConfig config;
  config.file = source;
  Reader reader(source, base_dir);
  RETURN_IF_ERROR(ReadRoot(reader, root, &config));
  if (config.name.empty()) config.name = fs::path(source).stem().string();
  if (config.output_dir.empty()) {
    config.output_dir = (fs::path(base_dir) / (config.name + ".out")).string();
  }
  return config;
}

StatusOr<PipelineConfig> LoadPipelineConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError(path + ": cannot open the pipeline file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string base = fs::path(path).parent_path().string();
  if (base.empty()) base = ".";
  return ParsePipelineConfig(ss.str(), path, base);
}

}  // namespace strato::train
