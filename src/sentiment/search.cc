#include <cstdio>
#include <optional>

#include "strato/sentiment/train.h"

namespace strato::sentiment {
namespace {

std::string Format(const char* format, double a, double b, double c = 0) {
  char buf[96];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

// Trains `options` (one family) and scores it on `validation`.
StatusOr<Trial> RunTrial(const std::vector<LabeledText>& data,
                         const std::vector<LabeledText>& validation, const TrainOptions& options,
                         std::string parameters) {
  ASSIGN_OR_RETURN(TrainResult result, Train(data, options));
  ASSIGN_OR_RETURN(std::vector<Scores> scores, Evaluate(result.model, validation));
  return Trial{options.family, std::move(parameters), scores.back()};
}

bool Better(const Trial& a, const Trial& b) {
  return a.validation.log_loss < b.validation.log_loss;
}

}  // namespace

StatusOr<SearchResult> SearchParameters(const std::vector<LabeledText>& data,
                                        const std::vector<LabeledText>& validation,
                                        const TrainOptions& base,
                                        const std::function<void(const Trial&)>& on_trial) {
  RETURN_IF_ERROR(base.Validate());
  if (validation.empty()) return InvalidArgumentError("parameter search needs validation texts");
  SearchResult result;
  result.best = base;
  TrainOptions quiet = base;
  quiet.progress = nullptr;

  if (base.family == "nbsvm" || base.family == "ensemble") {
    std::optional<Trial> best;
    for (const double lr : {0.02, 0.05, 0.1, 0.2}) {
      for (const int epochs : {1, 3}) {
        TrainOptions o = quiet;
        o.family = "nbsvm";
        o.nbsvm.learning_rate = lr;
        o.nbsvm.epochs = epochs;
        ASSIGN_OR_RETURN(Trial t,
                         RunTrial(data, validation, o, Format("lr=%g epochs=%g", lr, epochs)));
        if (on_trial) on_trial(t);
        if (!best || Better(t, *best)) {
          best = t;
          result.best.nbsvm = o.nbsvm;
        }
        result.trials.push_back(std::move(t));
      }
    }
  }
  if (base.family == "fasttext" || base.family == "ensemble") {
    std::optional<Trial> best;
    for (const double lr : {0.1, 0.25}) {
      for (const int dim : {16, 32}) {
        for (const int epochs : {5, 10}) {
          TrainOptions o = quiet;
          o.family = "fasttext";
          o.fasttext.learning_rate = lr;
          o.fasttext.dim = dim;
          o.fasttext.epochs = epochs;
          ASSIGN_OR_RETURN(Trial t, RunTrial(data, validation, o,
                                             Format("lr=%g dim=%g epochs=%g", lr, dim, epochs)));
          if (on_trial) on_trial(t);
          if (!best || Better(t, *best)) {
            best = t;
            result.best.fasttext = o.fasttext;
          }
          result.trials.push_back(std::move(t));
        }
      }
    }
  }
  return result;
}

}  // namespace strato::sentiment
