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

#include "strato/train/data_prep.h"
#include "strato/features/transform.h"
#include "strato/train/evaluation.h"
#include "strato/train/html_report.h"
#include "strato/train/progress.h"
#include "strato/train/registry.h"
#include "strato/train/search.h"
#include "strato/train/split.h"
#include "strato/train/xgb_trainer.h"
#include "strato/train/leakage.h"

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

namespace {

// Everything one run builds, stage after stage.
struct RunState {
  const PipelineConfig& c;
  const RunOptions& options;
  int threads = 1;
  std::string metric;
  PreparedData data;
  features::FeatureTransform transform;
  Matrix train, valid, holdout;
  TrainSettings settings;
  SearchResult search;
  TrainOutcome outcome;
  std::vector<Evaluation> evals;
  std::string test_sha;
};

// Split the raw rows (groups and time come from raw columns), fit the
// transform on the training rows only, and build the three matrices.
Status PrepareMatrices(RunState& st) {
  const PipelineConfig& c = st.c;
  ASSIGN_OR_RETURN(st.data, PrepareTrainingData(c, st.options.quiet));
  SplitOptions so{.method = c.split_method, .by = c.split_by, .valid_fraction = c.valid_fraction,
                  .holdout_fraction = c.holdout_fraction, .seed = c.split_seed};
  if (c.stratify && c.task != "regression") so.stratify_labels = &st.data.labels;
  ASSIGN_OR_RETURN(Split split, SplitRows(st.data.raw, so));
  st.data.report.train_rows = split.train.size();
  st.data.report.valid_rows = split.valid.size();
  st.data.report.holdout_rows = split.holdout.size();
  auto fitted = features::FeatureTransform::Fit(c.transform, st.data.raw, split.train);
  if (!fitted.ok()) return fitted.status().WithPrefix(c.file);
  st.transform = std::move(*fitted);
  ASSIGN_OR_RETURN(std::vector<float> x, st.transform.Apply(st.data.raw));
  const size_t f = st.transform.num_features();
  st.train = Rows(x, f, st.data.labels, split.train);
  st.valid = Rows(x, f, st.data.labels, split.valid);
  st.holdout = Rows(x, f, st.data.labels, split.holdout);
  st.settings = TrainSettings{.task = c.task, .num_class = st.data.num_class, .params = c.params,
                              .rounds = c.rounds, .early_stopping = c.early_stopping,
                              .seed = c.seed, .threads = st.threads};
  return Status::Ok();
}

// Rejects a selection metric that this task does not compute.
Status CheckMetric(const RunState& st) {
  const size_t width = st.c.task == "multiclass" ? static_cast<size_t>(st.data.num_class) : 1;
  const std::vector<float> probe(st.valid.rows * width, 0.5f);
  const Evaluation e = Evaluate("valid", st.c.task, st.data.num_class,
                                std::vector<double>(st.valid.y.begin(), st.valid.y.end()), probe, 0.5);
  if (e.metrics.count(st.metric)) return Status::Ok();
  std::string known;
  for (const auto& [k, v] : e.metrics) known += (known.empty() ? "" : ", ") + k;
  return InvalidArgumentError(st.c.file + ": evaluate.metric: '" + st.metric + "' is not a " +
                              st.c.task + " metric (known: " + known + ")");
}

// Runs the declared search and adopts the best trial's parameters.
Status SearchParams(RunState& st) {
  const PipelineConfig& c = st.c;
  ProgressBar bar("search", 1.0, st.options.quiet);
  const int per_trial = std::max(1, st.threads / std::max(1, c.search.parallel));
  const size_t f = st.transform.num_features();
  auto run_trial = [&](const Params& p, int rounds) -> StatusOr<TrialScore> {
    TrainSettings s = st.settings;
    for (const auto& [k, v] : p) s.params[k] = v;
    s.rounds = rounds;
    s.threads = per_trial;
    ASSIGN_OR_RETURN(TrainOutcome o, TrainXgboost(st.train, st.valid, s));
    ASSIGN_OR_RETURN(std::vector<float> pv, o.booster->Predict(st.valid.x.data(), st.valid.rows, f));
    return TrialScore{Score(c.task, st.data.num_class, st.metric, st.valid.y, pv),
                      o.best_iteration, o.seconds};
  };
  auto progress = [&](int done, int total) {
    bar.Update(static_cast<double>(done) / total,
               std::to_string(done) + "/" + std::to_string(total) + " trials");
  };
  ASSIGN_OR_RETURN(st.search, RunSearch(c.search, c.rounds, c.seed, HigherIsBetter(st.metric),
                                        run_trial, progress));
  const Trial& best = st.search.trials[static_cast<size_t>(st.search.best)];
  bar.Done(std::to_string(st.search.trials.size()) + " trials, best " + st.metric + " " +
           std::to_string(best.result.score));
  for (const auto& [k, v] : best.params) st.settings.params[k] = v;
  return Status::Ok();
}

Status TrainFinal(RunState& st) {
  ProgressBar bar("train", st.c.rounds, st.options.quiet);
  auto outcome = TrainXgboost(st.train, st.valid, st.settings, [&](int round, int total, double score) {
    bar.Update(round, "round " + std::to_string(round) + "/" + std::to_string(total) + " valid " +
                          EvalMetricFor(st.c.task) + " " + std::to_string(score));
  });
  if (!outcome.ok()) return outcome.status().WithPrefix(st.c.file);
  st.outcome = std::move(*outcome);
  bar.Done("best iteration " + std::to_string(st.outcome.best_iteration) + ", valid " +
           st.outcome.eval_metric + " " + std::to_string(st.outcome.best_score));
  return Status::Ok();
}

// Validation, holdout and test metrics. The binary threshold and the
// residual spread (failure risk) come from validation only.
Status EvaluateAll(RunState& st) {
  const PipelineConfig& c = st.c;
  TrainedBooster& booster = *st.outcome.booster;
  const size_t f = st.transform.num_features();
  ASSIGN_OR_RETURN(std::vector<float> pv, booster.Predict(st.valid.x.data(), st.valid.rows, f));
  const std::vector<double> yv(st.valid.y.begin(), st.valid.y.end());
  const double threshold = c.task == "binary" ? BestF1Threshold(yv, {pv.begin(), pv.end()}) : 0.5;
  st.evals.push_back(Evaluate("valid", c.task, st.data.num_class, yv, pv, threshold));
  if (st.holdout.rows > 0) {
    ASSIGN_OR_RETURN(std::vector<float> ph, booster.Predict(st.holdout.x.data(), st.holdout.rows, f));
    st.evals.push_back(Evaluate("holdout", c.task, st.data.num_class,
                                std::vector<double>(st.holdout.y.begin(), st.holdout.y.end()), ph,
                                threshold));
  }
  if (c.test) {
    ASSIGN_OR_RETURN(Evaluation e, EvaluateTest(c, st.transform, booster, st.data.num_class,
                                                threshold, st.options.quiet, &st.test_sha));
    st.evals.push_back(std::move(e));
  }
  features::ModelInfo& info = st.transform.model_info();
  info.task = c.task;
  info.label = c.label.column;
  info.num_class = st.data.num_class;
  info.class_names = st.data.class_names;
  info.label_cap = c.label.cap;
  if (c.task == "regression") {
    double sq = 0;
    for (size_t i = 0; i < yv.size(); ++i) sq += (pv[i] - yv[i]) * (pv[i] - yv[i]);
    info.residual_std = std::sqrt(sq / static_cast<double>(std::max<size_t>(1, yv.size())));
    info.risk_horizon = c.risk_horizon;
  }
  return Status::Ok();
}

StatusOr<ReportInput> BuildReport(const RunState& st) {
  ReportInput report;
  report.title = "strato train: " + st.c.name;
  report.task = st.c.task;
  report.selection_metric = st.metric;
  report.data = st.data.report;
  report.evaluations = st.evals;
  const size_t f = st.transform.num_features();
  ASSIGN_OR_RETURN(std::vector<double> gain, st.outcome.booster->FeatureGain(f));
  for (size_t j = 0; j < f; ++j) report.importance.emplace_back(st.transform.feature_names()[j], gain[j]);
  std::stable_sort(report.importance.begin(), report.importance.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  report.valid_curve = st.outcome.valid_curve;
  report.eval_metric = st.outcome.eval_metric;
  report.best_iteration = st.outcome.best_iteration;
  report.params = st.settings.params;
  report.searched = !st.c.search.method.empty();
  report.search = st.search;
  return report;
}

// Registers `files` as the next version unless only_if_better says no.
Status Register(const RunState& st, ReportInput* report, VersionFiles* files, RunSummary* summary) {
  const PipelineConfig& c = st.c;
  const int64_t current = LatestVersion(c.repository, c.model_name);
  std::optional<double> current_score;
  if (c.only_if_better && current > 0) {
    current_score = VersionMetric(c.repository, c.model_name, current, st.metric);
  }
  const double mine = st.evals.front().metrics.at(st.metric);
  const bool beats = !current_score ||
                     (HigherIsBetter(st.metric) ? mine > *current_score : mine < *current_score);
  if (!beats) {
    summary->register_note = "Not registered: valid " + st.metric + " " + std::to_string(mine) +
                             " does not beat version " + std::to_string(current) + " (" +
                             std::to_string(*current_score) + ").";
    report->registered = summary->register_note;
    return Status::Ok();
  }
  report->registered = "Registered as " + c.model_name + " version " +
                       std::to_string(current + 1) + " in " + c.repository + ".";
  files->files["report.html"] = RenderHtmlReport(*report);
  const bool risk = c.task == "regression" && c.risk_horizon > 0;
  const int width = c.task == "multiclass" ? st.data.num_class : 1;
  ASSIGN_OR_RETURN(summary->version,
                   RegisterVersion(c.repository, c.model_name, *files,
                                   ConfigPbtxt(c.model_name, st.transform, width, risk)));
  summary->register_note = report->registered;
  return Status::Ok();
}

Status WriteOutput(const std::string& dir, const VersionFiles& files) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InternalError("cannot create " + dir + ": " + ec.message());
  for (const auto& [name, content] : files.files) {
    std::ofstream out(fs::path(dir) / name, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return InternalError("cannot write " + (fs::path(dir) / name).string());
  }
  return Status::Ok();
}

}  // namespace

StatusOr<RunSummary> RunPipeline(const PipelineConfig& c, const RunOptions& options) {
  RunState st{c, options};
  st.threads = options.threads > 0 ? options.threads : c.threads;
  st.metric = c.metric.empty() ? DefaultMetric(c.task) : c.metric;
  RETURN_IF_ERROR(PrepareMatrices(st));
  RETURN_IF_ERROR(CheckMetric(st));
  std::vector<std::string> leak_warnings;
  if (c.task != "regression") {
    for (const LeakingFeature& f : FindLeakingFeatures(st.train, st.transform.feature_names())) {
      leak_warnings.push_back(LeakageWarning(f));
      st.data.report.warnings.push_back(leak_warnings.back());
    }
  }
  if (!c.search.method.empty()) RETURN_IF_ERROR(SearchParams(st));
  RETURN_IF_ERROR(TrainFinal(st));
  RETURN_IF_ERROR(EvaluateAll(st));
  RunSummary summary;
  summary.warnings = std::move(leak_warnings);
  summary.selection_metric = st.metric;
  summary.train_seconds = st.outcome.seconds;
  for (const auto& e : st.evals) summary.metrics[e.name] = e.metrics;
  ASSIGN_OR_RETURN(ReportInput report, BuildReport(st));
  VersionFiles files;
  ASSIGN_OR_RETURN(files.files["model.json"], st.outcome.booster->SaveJson());
  files.files["transform.json"] = st.transform.ToJson();
  files.files["metrics.json"] = MetricsJson(st.evals, st.metric, st.outcome.best_iteration);
  files.files["lineage.json"] = LineageJson(c, st.data.report, st.settings.params, st.test_sha,
                                            st.outcome.best_iteration + 1);
  if (options.register_model && !c.repository.empty()) {
    RETURN_IF_ERROR(Register(st, &report, &files, &summary));
  }
  files.files["report.html"] = RenderHtmlReport(report);
  RETURN_IF_ERROR(WriteOutput(c.output_dir, files));
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
