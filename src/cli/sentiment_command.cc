// `strato sentiment train|predict|eval`: sentiment models from labelled
// text (docs/usecases/sentiment.md). Training, the offline predictions of
// `predict` and the `sentiment` backend share src/text and src/sentiment,
// so a text gets the same tokens, features and score everywhere.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "commands.h"
#include "rapidjson/document.h"
#include "strato/sentiment/json_text.h"
#include "strato/sentiment/model.h"
#include "strato/sentiment/repository.h"
#include "strato/sentiment/train.h"
#include "strato/train/progress.h"

namespace strato::cli {
namespace {

namespace fs = std::filesystem;
using sentiment::Scores;

int Fail(std::string_view what, const Status& status) {
  std::fprintf(stderr, "strato sentiment %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               status.message().c_str());
  return 1;
}

// A model path may name the file or a folder holding sentiment.model.
fs::path ModelFile(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) ? path / sentiment::kModelFileName : path;
}

void PrintScores(std::string_view title, const std::vector<Scores>& scores) {
  std::printf("%.*s\n", static_cast<int>(title.size()), title.data());
  std::printf("  %-22s %8s %9s %8s %9s\n", "model", "rows", "accuracy", "ECE", "log-loss");
  for (const Scores& s : scores) {
    std::printf("  %-22s %8zu %8.2f%% %8.4f %9.4f\n", s.name.c_str(), s.rows, 100 * s.accuracy,
                s.ece, s.log_loss);
  }
}

std::string ScoresJson(const std::vector<Scores>& scores) {
  std::string out = "[";
  for (size_t i = 0; i < scores.size(); ++i) {
    const Scores& s = scores[i];
    if (i > 0) out += ",";
    out += "{\"name\":" + sentiment::JsonQuote(s.name) + ",\"rows\":" + std::to_string(s.rows) +
           ",\"accuracy\":" + sentiment::JsonNumber(s.accuracy) +
           ",\"ece\":" + sentiment::JsonNumber(s.ece) +
           ",\"log_loss\":" + sentiment::JsonNumber(s.log_loss) + ",\"reliability\":[";
    for (size_t b = 0; b < s.reliability.size(); ++b) {
      const auto& r = s.reliability[b];
      if (b > 0) out += ",";
      out += "{\"low\":" + sentiment::JsonNumber(r.confidence_low) +
             ",\"high\":" + sentiment::JsonNumber(r.confidence_high) +
             ",\"count\":" + std::to_string(r.count) +
             ",\"confidence\":" + sentiment::JsonNumber(r.mean_confidence) +
             ",\"accuracy\":" + sentiment::JsonNumber(r.accuracy) + "}";
    }
    out += "]}";
  }
  return out + "]";
}

struct TrainFlags {
  std::string data, eval, validation, output, repository, model_name = "sentiment", report;
  size_t max_rows = 0;
  bool quiet = false;
  bool search = false;
  std::string word_ngrams = "1-3", char_ngrams = "0";
  sentiment::TrainOptions options;
};

Status ParseRange(const std::string& text, int* lo, int* hi) {
  const size_t dash = text.find('-');
  try {
    *lo = std::stoi(text.substr(0, dash));
    *hi = dash == std::string::npos ? *lo : std::stoi(text.substr(dash + 1));
  } catch (const std::exception&) {
    return InvalidArgumentError("'" + text + "' is not N or N-M");
  }
  return Status::Ok();
}

int Train(TrainFlags& f) {
  if (f.output.empty() && f.repository.empty()) {
    std::fprintf(stderr,
                 "strato sentiment train: give --output FILE and/or --model-repository DIR\n");
    return 2;
  }
  if (Status s = ParseRange(f.word_ngrams, &f.options.ngrams.word_min, &f.options.ngrams.word_max);
      !s.ok()) {
    return Fail("train", s.WithPrefix("--word-ngrams"));
  }
  if (Status s = ParseRange(f.char_ngrams, &f.options.ngrams.char_min, &f.options.ngrams.char_max);
      !s.ok()) {
    return Fail("train", s.WithPrefix("--char-ngrams"));
  }
  if (Status s = f.options.Validate(); !s.ok()) return Fail("train", s);
  auto data = sentiment::ReadTsv(f.data, f.max_rows);
  if (!data.ok()) return Fail("train", data.status());
  std::vector<sentiment::LabeledText> eval;
  if (!f.eval.empty()) {
    auto rows = sentiment::ReadTsv(f.eval);
    if (!rows.ok()) return Fail("train", rows.status());
    eval = std::move(rows).value();
  }
  if (f.search) {
    // Candidates are scored on --validation, or on every 10th training text
    // (then trained on the other nine tenths).
    std::vector<sentiment::LabeledText> search_train, search_validation;
    if (!f.validation.empty()) {
      auto rows = sentiment::ReadTsv(f.validation);
      if (!rows.ok()) return Fail("train", rows.status());
      search_train = *data;
      search_validation = std::move(rows).value();
    } else {
      for (size_t i = 0; i < data->size(); ++i) {
        ((i % 10 == 9) ? search_validation : search_train).push_back((*data)[i]);
      }
    }
    std::printf("parameter search: %s, scored on %zu validation texts%s\n",
                f.options.family.c_str(), search_validation.size(),
                f.validation.empty() ? " (every 10th training text)" : "");
    std::printf("  %-9s %-28s %9s %9s\n", "family", "parameters", "accuracy", "log-loss");
    auto searched = sentiment::SearchParameters(
        search_train, search_validation, f.options, [](const sentiment::Trial& t) {
          std::printf("  %-9s %-28s %8.2f%% %9.4f\n", t.family.c_str(), t.parameters.c_str(),
                      100 * t.validation.accuracy, t.validation.log_loss);
          std::fflush(stdout);
        });
    if (!searched.ok()) return Fail("train", searched.status());
    f.options = searched->best;
    std::printf("chosen: nbsvm lr=%g epochs=%d; fasttext lr=%g dim=%d epochs=%d\n",
                f.options.nbsvm.learning_rate, f.options.nbsvm.epochs,
                f.options.fasttext.learning_rate, f.options.fasttext.dim,
                f.options.fasttext.epochs);
  }
  std::printf("training %s on %zu texts from %s\n", f.options.family.c_str(), data->size(),
              f.data.c_str());
  std::unique_ptr<train::ProgressBar> bar;
  std::string stage;
  f.options.progress = [&](std::string_view s, double fraction) {
    if (s != stage) {
      if (bar) bar->Done();
      stage = s;
      bar = std::make_unique<train::ProgressBar>(stage, 1.0, f.quiet);
    }
    bar->Update(fraction);
  };
  auto result = sentiment::Train(*data, f.options);
  if (bar) bar->Done();
  if (!result.ok()) return Fail("train", result.status());
  std::printf(
      "trained in %.1f s: %zu features, %zu training texts, %zu held back for calibration\n",
      result->seconds, result->model.featurizer().dimension(), result->train_rows,
      result->holdout_rows);
  for (const sentiment::LinearFamily& family : result->model.families()) {
    std::printf("  %-9s Platt calibration: p = sigmoid(%.4f * logit %+.4f)\n", family.name.c_str(),
                family.calibration_a, family.calibration_b);
  }
  if (!result->model.stack().empty()) {
    std::printf("  ensemble  stacked log-odds: %.4f", result->model.stack()[0]);
    for (size_t k = 0; k < result->model.families().size(); ++k) {
      std::printf(" %+.4f * %s", result->model.stack()[k + 1],
                  result->model.families()[k].name.c_str());
    }
    std::printf("\n");
  }
  PrintScores("held-back split (calibration fitted here):", result->holdout);
  std::vector<Scores> eval_scores;
  if (!eval.empty()) {
    auto scores = sentiment::Evaluate(result->model, eval);
    if (!scores.ok()) return Fail("train", scores.status().WithPrefix(f.eval));
    eval_scores = std::move(scores).value();
    PrintScores("evaluation on " + f.eval + ":", eval_scores);
  }
  if (!f.output.empty()) {
    if (Status s = sentiment::SaveModel(result->model, f.output); !s.ok()) return Fail("train", s);
    std::printf("model written to %s\n", f.output.c_str());
  }
  if (!f.repository.empty()) {
    auto registered = sentiment::RegisterInRepository(result->model, f.repository, f.model_name);
    if (!registered.ok()) return Fail("train", registered.status());
    std::printf("registered %s version %lld in %s%s\n", f.model_name.c_str(),
                static_cast<long long>(registered->version), f.repository.c_str(),
                registered->wrote_config ? " (config.pbtxt written, backend sentiment)" : "");
  }
  if (!f.report.empty()) {
    std::ofstream out(f.report, std::ios::trunc);
    out << "{\"family\":" << sentiment::JsonQuote(f.options.family)
        << ",\"train_file\":" << sentiment::JsonQuote(f.data)
        << ",\"train_rows\":" << result->train_rows << ",\"holdout_rows\":" << result->holdout_rows
        << ",\"features\":" << result->model.featurizer().dimension()
        << ",\"seconds\":" << sentiment::JsonNumber(result->seconds)
        << ",\"holdout\":" << ScoresJson(result->holdout)
        << ",\"eval_file\":" << sentiment::JsonQuote(f.eval)
        << ",\"eval\":" << ScoresJson(eval_scores) << "}\n";
    out.close();
    if (!out) return Fail("train", InternalError("cannot write " + f.report));
  }
  return 0;
}

struct PredictFlags {
  std::string model, data, output;
  std::vector<std::string> texts;
  size_t explain = 0;
  bool quiet = false;
};

// Texts of a batch file: .jsonl ({"text": ...} per line), .tsv (header,
// first column), anything else one text per line.
StatusOr<std::vector<std::string>> ReadTexts(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFoundError("cannot open " + file);
  const bool jsonl = file.ends_with(".jsonl");
  const bool tsv = file.ends_with(".tsv");
  std::vector<std::string> texts;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (tsv && number == 1) continue;
    if (jsonl) {
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      rapidjson::Document doc;
      doc.Parse(line.c_str(), line.size());
      if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("text") ||
          !doc["text"].IsString()) {
        return InvalidArgumentError(file + ":" + std::to_string(number) +
                                    ": expected {\"text\": \"...\"}");
      }
      texts.emplace_back(doc["text"].GetString(), doc["text"].GetStringLength());
    } else {
      texts.push_back(tsv ? line.substr(0, line.find('\t')) : line);
    }
  }
  return texts;
}

int Predict(const PredictFlags& f) {
  auto model = sentiment::LoadModel(ModelFile(f.model));
  if (!model.ok()) return Fail("predict", model.status());
  std::vector<std::string> texts = f.texts;
  if (!f.data.empty()) {
    auto more = ReadTexts(f.data);
    if (!more.ok()) return Fail("predict", more.status());
    texts.insert(texts.end(), more->begin(), more->end());
  }
  if (texts.empty()) {
    std::fprintf(stderr, "strato sentiment predict: give texts as arguments or --data FILE\n");
    return 2;
  }
  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (!f.output.empty()) {
    file.reset(std::fopen(f.output.c_str(), "w"));
    if (!file) return Fail("predict", InternalError("cannot write " + f.output));
    out = file.get();
  }
  train::ProgressBar bar("predict", static_cast<double>(texts.size()), f.quiet || f.output.empty());
  int failures = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto features = model->featurizer().Featurize(texts[i]);
    if (!features.ok()) {
      std::fprintf(out, "{\"index\":%zu,\"error\":%s}\n", i,
                   sentiment::JsonQuote(features.status().message()).c_str());
      ++failures;
      continue;
    }
    const sentiment::Prediction p = model->PredictFeatures(*features);
    std::string line = "{\"index\":" + std::to_string(i) +
                       ",\"label\":" + sentiment::JsonQuote(model->labels()[p.label]) +
                       ",\"score\":" + sentiment::JsonNumber(p.score) +
                       ",\"positive_probability\":" + sentiment::JsonNumber(p.positive_probability);
    if (f.explain > 0)
      line +=
          ",\"explanation\":" + sentiment::ExplanationJson(model->Explain(*features, f.explain));
    line += "}\n";
    std::fputs(line.c_str(), out);
    if (i % 1024 == 0) bar.Update(static_cast<double>(i));
  }
  bar.Done(std::to_string(texts.size()) + " texts");
  return failures == 0 ? 0 : 1;
}

int Eval(const std::string& model_path, const std::string& data, const std::string& report) {
  auto model = sentiment::LoadModel(ModelFile(model_path));
  if (!model.ok()) return Fail("eval", model.status());
  auto rows = sentiment::ReadTsv(data);
  if (!rows.ok()) return Fail("eval", rows.status());
  auto scores = sentiment::Evaluate(*model, *rows);
  if (!scores.ok()) return Fail("eval", scores.status());
  PrintScores("evaluation on " + data + ":", *scores);
  if (!report.empty()) {
    std::ofstream out(report, std::ios::trunc);
    out << "{\"eval_file\":" << sentiment::JsonQuote(data) << ",\"eval\":" << ScoresJson(*scores)
        << "}\n";
    if (!out) return Fail("eval", InternalError("cannot write " + report));
  }
  return 0;
}

}  // namespace

int SentimentCommand(int argc, char** argv) {
  CLI::App app{"Sentiment models from labelled text: train, predict offline, evaluate",
               "strato sentiment"};
  app.require_subcommand(1);
  app.footer(
      "Data: TSV with a header line, the text first and a 0/1 (or negative/positive) label last.\n"
      "Docs: docs/usecases/sentiment.md");

  TrainFlags tf;
  CLI::App* train_cmd =
      app.add_subcommand("train", "Train a model (nbsvm, fasttext or their stacked ensemble)");
  train_cmd->add_option("--data", tf.data, "Training TSV (text, label)")->required();
  train_cmd->add_option("--eval", tf.eval, "TSV to report accuracy and calibration on");
  train_cmd->add_option("--family", tf.options.family, "nbsvm | fasttext | ensemble")
      ->check(CLI::IsMember({"nbsvm", "fasttext", "ensemble"}));
  train_cmd->add_flag(
      "--search", tf.search,
      "Search the families' parameters first (scored on --validation, or on every 10th text)");
  train_cmd->add_option("--validation", tf.validation, "TSV that --search scores candidates on");
  train_cmd->add_option("--output", tf.output, "Write the model file here");
  train_cmd->add_option("--model-repository", tf.repository,
                        "Register the model as the next version in this repository");
  train_cmd->add_option("--model", tf.model_name,
                        "Model name in the repository (default: sentiment)");
  train_cmd->add_option("--report", tf.report, "Write scores (JSON, with reliability bins) here");
  train_cmd->add_option("--max-rows", tf.max_rows, "Use only the first N training rows");
  train_cmd->add_option("--word-ngrams", tf.word_ngrams,
                        "Word n-gram orders, N or N-M (default 1-3)");
  train_cmd->add_option("--char-ngrams", tf.char_ngrams,
                        "Character n-gram lengths inside words, 0 = off, or N-M");
  train_cmd->add_option("--min-count", tf.options.min_count,
                        "Keep n-grams seen in at least N texts");
  train_cmd->add_option("--max-features", tf.options.max_features,
                        "Keep at most N n-grams (0 = all)");
  train_cmd->add_option("--hash-buckets", tf.options.hash_buckets,
                        "Hash n-grams into N buckets instead of building a vocabulary");
  train_cmd->add_flag("--negation", tf.options.tokenizer.mark_negation,
                      "Mark negation scopes (word_NEG)");
  train_cmd->add_flag("!--keep-case", tf.options.tokenizer.lowercase, "Do not lower-case");
  train_cmd->add_option("--holdout", tf.options.holdout_fraction,
                        "Fraction held back for calibration");
  train_cmd->add_option("--seed", tf.options.seed, "Random seed (shuffles, initial embeddings)");
  train_cmd->add_option("--nbsvm-epochs", tf.options.nbsvm.epochs, "NB-SVM epochs");
  train_cmd->add_option("--nbsvm-lr", tf.options.nbsvm.learning_rate,
                        "NB-SVM AdaGrad learning rate");
  train_cmd->add_option("--nbsvm-l2", tf.options.nbsvm.l2, "NB-SVM L2 regularisation");
  train_cmd->add_option("--nbsvm-alpha", tf.options.nbsvm.alpha,
                        "NB-SVM smoothing of the log-count ratios");
  train_cmd->add_option("--fasttext-dim", tf.options.fasttext.dim, "fastText embedding size");
  train_cmd->add_option("--fasttext-epochs", tf.options.fasttext.epochs, "fastText epochs");
  train_cmd->add_option("--fasttext-lr", tf.options.fasttext.learning_rate,
                        "fastText learning rate");
  train_cmd->add_flag("--quiet", tf.quiet, "No progress bars");

  PredictFlags pf;
  CLI::App* predict_cmd =
      app.add_subcommand("predict", "Score texts offline (JSON lines on stdout or --output)");
  predict_cmd
      ->add_option("--model", pf.model, "Model file, or a version folder holding sentiment.model")
      ->required();
  predict_cmd->add_option("texts", pf.texts, "Texts to score");
  predict_cmd->add_option(
      "--data", pf.data,
      "File of texts: .jsonl ({\"text\":...}), .tsv (first column) or one per line");
  predict_cmd->add_option("--output", pf.output, "Write JSON lines here (with a progress bar)");
  predict_cmd->add_option("--explain", pf.explain, "Add the N words that moved each score most");
  predict_cmd->add_flag("--quiet", pf.quiet, "No progress bar");

  std::string eval_model, eval_data, eval_report;
  CLI::App* eval_cmd =
      app.add_subcommand("eval", "Accuracy and calibration of a model on a labelled TSV");
  eval_cmd->add_option("--model", eval_model, "Model file or version folder")->required();
  eval_cmd->add_option("--data", eval_data, "Labelled TSV")->required();
  eval_cmd->add_option("--report", eval_report, "Write scores (JSON) here");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (train_cmd->parsed()) return Train(tf);
  if (predict_cmd->parsed()) return Predict(pf);
  return Eval(eval_model, eval_data, eval_report);
}

}  // namespace strato::cli
