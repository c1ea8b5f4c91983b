#include "strato/train/pipeline_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "data_prep.h"
#include "strato/features/transform.h"
#include "strato/train/evaluation.h"
#include "strato/train/html_report.h"
#include "strato/train/progress.h"
#include "strato/train/registry.h"
#include "strato/train/search.h"
#include "strato/train/split.h"
#include "strato/train/xgb_trainer.h"

namespace strato::train {
namespace {

namespace fs = std::filesystem;
using features::Table;

Matrix Rows(const std::vector<float>& x, size_t cols, const std::vector<double>& y,
            const std::vector<size_t>& ids) {
  Matrix m;
  m.cols = cols;
  m.rows = ids.size();
  m.x.resize(ids.size() * cols);
  m.y.resize(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    std::copy_n(x.begin() + static_cast<long>(ids[i] * cols), cols, m.x.begin() + static_cast<long>(i * cols));
    m.y[i] = static_cast<float>(y[ids[i]]);
  }
  return m;
}

std::string DefaultMetric(const std::string& task) {
  if (task == "binary") return "auc";
  if (task == "multiclass") return "mlogloss";
  return "rmse";
}

// The selection metric of predictions `p` for labels `y`.
double Score(const std::string& task, int num_class, const std::string& metric,
             const std::vector<float>& y, const std::vector<float>& p) {
  const std::vector<double> yd(y.begin(), y.end());
  const Evaluation e = Evaluate("valid", task, num_class, yd, p,
                                task == "binary" ? BestF1Threshold(yd, {p.begin(), p.end()}) : 0.5);
  auto it = e.metrics.find(metric);
  return it == e.metrics.end() ? std::nan("") : it->second;
}

std::string MetricsJson(const std::vector<Evaluation>& evals, const std::string& metric,
                        int best_iteration) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("selection_metric");
  w.String(metric.c_str());
  w.Key("best_iteration");
  w.Int(best_iteration);
  for (const auto& e : evals) {
    w.Key(e.name.c_str());
    w.StartObject();
    w.Key("rows");
    w.Uint64(e.rows);
    for (const auto& [k, v] : e.metrics) {
      w.Key(k.c_str());
      if (std::isfinite(v)) w.Double(v);
      else w.Null();
    }
    if (!e.confusion.empty()) {
      w.Key("confusion");
      w.StartArray();
      for (const auto& row : e.confusion) {
        w.StartArray();
        for (long v : row) w.Int64(v);
        w.EndArray();
      }
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string LineageJson(const PipelineConfig& c, const DataReport& data, const Params& params,
                        const std::string& test_sha, int rounds) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  const std::time_t now = std::time(nullptr);
  char when[32];
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  w.StartObject();
  w.Key("strato_version"); w.String(kStratoVersion);
  w.Key("created"); w.String(when);
  w.Key("pipeline"); w.String(fs::weakly_canonical(c.file).string().c_str());
  w.Key("pipeline_sha256");
  auto pipeline_sha = Sha256File(c.file);
  w.String(pipeline_sha.ok() ? pipeline_sha->c_str() : "");
  w.Key("data"); w.String(fs::weakly_canonical(data.file).string().c_str());
  w.Key("data_sha256"); w.String(data.sha256.c_str());
  if (!test_sha.empty()) {
    w.Key("test_sha256"); w.String(test_sha.c_str());
  }
  w.Key("rows"); w.Uint64(data.rows);
  w.Key("split"); w.String(c.split_method.c_str());
  w.Key("split_seed"); w.Uint64(c.split_seed);
  w.Key("seed"); w.Uint64(c.seed);
  w.Key("rounds"); w.Int(rounds);
  w.Key("params");
  w.StartObject();
  for (const auto& [k, v] : params) {
    w.Key(k.c_str());
    w.String(v.c_str());
  }
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

std::string ConfigPbtxt(const std::string& model, const features::FeatureTransform& t, int width,
                        bool risk) {
  std::ostringstream o;
  o << "# Written by `strato train` for the first version of this model.\n"
    << "name: \"" << model << "\"\nbackend: \"strato_pipeline\"\nmax_batch_size: 0\n"
    << "input [ { name: \"RAW\" data_type: TYPE_FP32 dims: [ -1, " << t.inputs().size()
    << " ] } ]\noutput [\n  { name: \"PREDICTION\" data_type: TYPE_FP32 dims: [ -1, " << width
    << " ] }";
  if (risk) o << ",\n  { name: \"FAILURE_RISK\" data_type: TYPE_FP32 dims: [ -1, 1 ] }";
  o << "\n]\n";
  return o.str();
}

// Evaluates on the test file: the transform over every test row (windows
// need the history), then the last row per entity when asked.
StatusOr<Evaluation> EvaluateTest(const PipelineConfig& c, const features::FeatureTransform& t,
                                  TrainedBooster& booster, int num_class, double threshold,
                                  bool quiet, std::string* sha) {
  const TestConfig& test = *c.test;
  features::ReadStats stats;
  ASSIGN_OR_RETURN(Table table, ReadSource(test.data, quiet, &stats));
  ASSIGN_OR_RETURN(*sha, Sha256File(test.data.path));
  std::vector<double> y;
  std::vector<size_t> rows;
  if (test.last_per_entity) {
    const features::Column* entity = table.Find(test.entity);
    const features::Column* time = table.Find(c.label.time.empty() ? test.entity : c.label.time);
    if (entity == nullptr || time == nullptr) {
      return InvalidArgumentError("test: entity/time column missing in " + test.data.path);
    }
    // Last row per entity, entities in ascending order (numeric when numeric).
    std::map<double, size_t> last_num;
    std::map<std::string, size_t> last_text;
    for (size_t r = 0; r < table.rows; ++r) {
      auto better = [&](size_t old) { return time->numbers[r] >= time->numbers[old]; };
      if (entity->type == features::ColumnType::kNumber) {
        auto it = last_num.find(entity->numbers[r]);
        if (it == last_num.end() || better(it->second)) last_num[entity->numbers[r]] = r;
      } else {
        auto it = last_text.find(entity->strings[r]);
        if (it == last_text.end() || better(it->second)) last_text[entity->strings[r]] = r;
      }
    }
    for (const auto& [k, r] : last_num) rows.push_back(r);
    for (const auto& [k, r] : last_text) rows.push_back(r);
  } else {
    for (size_t r = 0; r < table.rows; ++r) rows.push_back(r);
  }
  if (!test.labels_file.empty()) {
    std::ifstream in(test.labels_file);
    if (!in) return NotFoundError(test.labels_file + ": cannot open the test labels");
    double v;
    while (in >> v) y.push_back(v);
    if (y.size() != rows.size()) {
      return InvalidArgumentError(test.labels_file + ": " + std::to_string(y.size()) +
                                  " labels for " + std::to_string(rows.size()) + " test rows");
    }
  } else {
    ASSIGN_OR_RETURN(std::vector<double> all, DeriveLabel(c.label, table, test.data.path));
    for (size_t r : rows) y.push_back(all[r]);
  }
  const std::vector<double> y_uncapped = y;
  if (c.label.cap > 0) {
    for (double& v : y) v = std::min(v, c.label.cap);
  }
  ASSIGN_OR_RETURN(std::vector<float> x, t.Apply(table));
  std::vector<float> xs;
  for (size_t r : rows) {
    xs.insert(xs.end(), x.begin() + static_cast<long>(r * t.num_features()),
              x.begin() + static_cast<long>((r + 1) * t.num_features()));
  }
  ASSIGN_OR_RETURN(std::vector<float> p, booster.Predict(xs.data(), rows.size(), t.num_features()));
  Evaluation e = Evaluate("test", c.task, num_class, y, p, threshold);
  if (c.task == "regression" && c.label.cap > 0) {
    // Papers differ on whether the truth is clipped too; report both.
    e.metrics["rmse_truth_uncapped"] = Rmse(y_uncapped, std::vector<double>(p.begin(), p.end()));
  }
  return e;
}

}  // namespace

StatusOr<RunSummary> RunPipeline(const PipelineConfig& c, const RunOptions& options) {
  RunSummary summary;
  const int threads = options.threads > 0 ? options.threads : c.threads;
  ASSIGN_OR_RETURN(PreparedData data, PrepareTrainingData(c, options.quiet));
  // Split on the raw rows (groups and time come from raw columns).
  SplitOptions so;
  so.method = c.split_method;
  so.by = c.split_by;
  so.valid_fraction = c.valid_fraction;
  so.holdout_fraction = c.holdout_fraction;
  so.seed = c.split_seed;
  if (c.stratify && c.task != "regression") so.stratify_labels = &data.labels;
  ASSIGN_OR_RETURN(Split split, SplitRows(data.raw, so));
  data.report.train_rows = split.train.size();
  data.report.valid_rows = split.valid.size();
  data.report.holdout_rows = split.holdout.size();
  // Fit the transform on the training rows only, then apply it to all.
  auto fitted = features::FeatureTransform::Fit(c.transform, data.raw, split.train);
  if (!fitted.ok()) return fitted.status().WithPrefix(c.file);
  features::FeatureTransform transform = std::move(*fitted);
  ASSIGN_OR_RETURN(std::vector<float> x, transform.Apply(data.raw));
  const size_t f = transform.num_features();
  const Matrix train = Rows(x, f, data.labels, split.train);
  const Matrix valid = Rows(x, f, data.labels, split.valid);
  const Matrix holdout = Rows(x, f, data.labels, split.holdout);
  summary.selection_metric = c.metric.empty() ? DefaultMetric(c.task) : c.metric;
  const std::string& metric = summary.selection_metric;
  TrainSettings settings;
  settings.task = c.task;
  settings.num_class = data.num_class;
  settings.params = c.params;
  settings.rounds = c.rounds;
  settings.early_stopping = c.early_stopping;
  settings.seed = c.seed;
  settings.threads = threads;
  {  // Reject a selection metric that this task does not compute.
    std::vector<float> probe(valid.rows * static_cast<size_t>(c.task == "multiclass" ? data.num_class : 1), 0.5f);
    const Evaluation e = Evaluate("valid", c.task, data.num_class,
                                  std::vector<double>(valid.y.begin(), valid.y.end()), probe, 0.5);
    if (!e.metrics.count(metric)) {
      std::string known;
      for (const auto& [k, v] : e.metrics) known += (known.empty() ? "" : ", ") + k;
      return InvalidArgumentError(c.file + ": evaluate.metric: '" + metric + "' is not a " + c.task +
                                  " metric (known: " + known + ")");
    }
  }
  SearchResult search;
  if (!c.search.method.empty()) {
    ProgressBar bar("search", 1.0, options.quiet);
    const int per_trial = std::max(1, threads / std::max(1, c.search.parallel));
    auto run_trial = [&](const Params& p, int rounds) -> StatusOr<TrialScore> {
      TrainSettings s = settings;
      for (const auto& [k, v] : p) s.params[k] = v;
      s.rounds = rounds;
      s.threads = per_trial;
      ASSIGN_OR_RETURN(TrainOutcome o, TrainXgboost(train, valid, s));
      ASSIGN_OR_RETURN(std::vector<float> pv, o.booster->Predict(valid.x.data(), valid.rows, f));
      return TrialScore{Score(c.task, data.num_class, metric, valid.y, pv), o.best_iteration,
                        o.seconds};
    };
    ASSIGN_OR_RETURN(search, RunSearch(c.search, c.rounds, c.seed, HigherIsBetter(metric), run_trial,
                                       [&](int done, int total) {
                                         bar.Update(static_cast<double>(done) / total,
                                                    std::to_string(done) + "/" +
                                                        std::to_string(total) + " trials");
                                       }));
    const Trial& best = search.trials[static_cast<size_t>(search.best)];
    bar.Done(std::to_string(search.trials.size()) + " trials, best " + metric + " " +
             std::to_string(best.result.score));
    for (const auto& [k, v] : best.params) settings.params[k] = v;
  }
  ProgressBar bar("train", c.rounds, options.quiet);
  auto outcome = TrainXgboost(train, valid, settings, [&](int round, int total, double score) {
    bar.Update(round, "round " + std::to_string(round) + "/" + std::to_string(total) + " valid " +
                          EvalMetricFor(c.task) + " " + std::to_string(score));
  });
  if (!outcome.ok()) return outcome.status().WithPrefix(c.file);
  bar.Done("best iteration " + std::to_string(outcome->best_iteration) + ", valid " +
           outcome->eval_metric + " " + std::to_string(outcome->best_score));
  summary.train_seconds = outcome->seconds;
  TrainedBooster& booster = *outcome->booster;
  // Evaluate: the binary threshold and the residual spread come from validation.
  ASSIGN_OR_RETURN(std::vector<float> pv, booster.Predict(valid.x.data(), valid.rows, f));
  const std::vector<double> yv(valid.y.begin(), valid.y.end());
  const double threshold = c.task == "binary" ? BestF1Threshold(yv, {pv.begin(), pv.end()}) : 0.5;
  std::vector<Evaluation> evals{Evaluate("valid", c.task, data.num_class, yv, pv, threshold)};
  if (holdout.rows > 0) {
    ASSIGN_OR_RETURN(std::vector<float> ph, booster.Predict(holdout.x.data(), holdout.rows, f));
    evals.push_back(Evaluate("holdout", c.task, data.num_class,
                             std::vector<double>(holdout.y.begin(), holdout.y.end()), ph, threshold));
  }
  std::string test_sha;
  if (c.test) {
    ASSIGN_OR_RETURN(Evaluation e, EvaluateTest(c, transform, booster, data.num_class, threshold,
                                                options.quiet, &test_sha));
    evals.push_back(std::move(e));
  }
  for (const auto& e : evals) summary.metrics[e.name] = e.metrics;
  // What the server needs besides the features.
  features::ModelInfo& info = transform.model_info();
  info.task = c.task;
  info.label = c.label.column;
  info.num_class = data.num_class;
  info.class_names = data.class_names;
  info.label_cap = c.label.cap;
  if (c.task == "regression") {
    double sq = 0;
    for (size_t i = 0; i < yv.size(); ++i) sq += (pv[i] - yv[i]) * (pv[i] - yv[i]);
    info.residual_std = std::sqrt(sq / static_cast<double>(std::max<size_t>(1, yv.size())));
    info.risk_horizon = c.risk_horizon;
  }
  // Artefacts.
  ASSIGN_OR_RETURN(std::string model_json, booster.SaveJson());
  ASSIGN_OR_RETURN(std::vector<double> gain, booster.FeatureGain(f));
  ReportInput report;
  report.title = "strato train: " + c.name;
  report.task = c.task;
  report.selection_metric = metric;
  report.data = data.report;
  report.evaluations = evals;
  for (size_t j = 0; j < f; ++j) report.importance.emplace_back(transform.feature_names()[j], gain[j]);
  std::stable_sort(report.importance.begin(), report.importance.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  report.valid_curve = outcome->valid_curve;
  report.eval_metric = outcome->eval_metric;
  report.best_iteration = outcome->best_iteration;
  report.params = settings.params;
  report.searched = !c.search.method.empty();
  report.search = search;
  VersionFiles files;
  files.files["model.json"] = model_json;
  files.files["transform.json"] = transform.ToJson();
  files.files["metrics.json"] = MetricsJson(evals, metric, outcome->best_iteration);
  files.files["lineage.json"] = LineageJson(c, data.report, settings.params, test_sha,
                                            outcome->best_iteration + 1);
  // Register.
  if (options.register_model && !c.repository.empty()) {
    const int64_t current = LatestVersion(c.repository, c.model_name);
    std::optional<double> current_score;
    if (c.only_if_better && current > 0) {
      current_score = VersionMetric(c.repository, c.model_name, current, metric);
    }
    const double mine = evals.front().metrics.at(metric);
    const bool beats = !current_score ||
                       (HigherIsBetter(metric) ? mine > *current_score : mine < *current_score);
    if (beats) {
      report.registered = "Registered as " + c.model_name + " version " + std::to_string(current + 1) +
                          " in " + c.repository + ".";
      files.files["report.html"] = RenderHtmlReport(report);
      const bool risk = c.task == "regression" && c.risk_horizon > 0;
      const int width = c.task == "multiclass" ? data.num_class : 1;
      ASSIGN_OR_RETURN(summary.version,
                       RegisterVersion(c.repository, c.model_name, files,
                                       ConfigPbtxt(c.model_name, transform, width, risk)));
      summary.register_note = report.registered;
    } else {
      summary.register_note = "Not registered: valid " + metric + " " + std::to_string(mine) +
                              " does not beat version " + std::to_string(current) + " (" +
                              std::to_string(*current_score) + ").";
      report.registered = summary.register_note;
    }
  }
  files.files["report.html"] = RenderHtmlReport(report);
  std::error_code ec;
  fs::create_directories(c.output_dir, ec);
  if (ec) return InternalError("cannot create " + c.output_dir + ": " + ec.message());
  for (const auto& [name, content] : files.files) {
    std::ofstream out(fs::path(c.output_dir) / name, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return InternalError("cannot write " + (fs::path(c.output_dir) / name).string());
  }
  summary.output_dir = c.output_dir;
  return summary;
}

StatusOr<std::vector<float>> PredictWithVersion(const std::string& version_dir,
                                                const features::Table& raw_in, size_t* width) {
  auto read = [](const fs::path& p) -> StatusOr<std::string> {
    std::ifstream in(p, std::ios::binary);
    if (!in) return NotFoundError(p.string() + ": cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  ASSIGN_OR_RETURN(std::string tj, read(fs::path(version_dir) / "transform.json"));
  ASSIGN_OR_RETURN(std::string mj, read(fs::path(version_dir) / "model.json"));
  ASSIGN_OR_RETURN(features::FeatureTransform t, features::FeatureTransform::FromJson(tj));
  ASSIGN_OR_RETURN(auto booster, TrainedBooster::FromJson(mj, 1));
  Table raw = raw_in;
  for (auto& col : raw.columns) {
    for (double& v : col.numbers) v = static_cast<double>(static_cast<float>(v));
  }
  ASSIGN_OR_RETURN(std::vector<float> x, t.Apply(raw));
  if (raw.rows == 0) return std::vector<float>{};
  ASSIGN_OR_RETURN(std::vector<float> p, booster->Predict(x.data(), raw.rows, t.num_features()));
  *width = p.size() / raw.rows;
  return p;
}

}  // namespace strato::train
