// The `forecast` backend: serves a local forecasting model (models.h) over
// KServe v2. One request carries one series' recent history; the answer is
// the point forecast and a central prediction interval.
//
// Config (max_batch_size 0):
//   input  HISTORY  TYPE_FP32  [ -1 ]   recent values, oldest first, evenly spaced
//   input  HORIZON  TYPE_INT32 [ 1 ]    optional; steps ahead (default: parameter "horizon")
//   output FORECAST TYPE_FP32  [ -1 ]   point forecast, one value per step
//   output LOWER    TYPE_FP32  [ -1 ]   lower end of the interval (e.g. the 5% quantile)
//   output UPPER    TYPE_FP32  [ -1 ]   upper end (e.g. the 95% quantile)
// parameters: "model" (snaive, naive2, ses, holt, damped, theta, ets, comb;
// default ets), "season" (default 1), "horizon" (default 12), "coverage"
// (interval coverage in (0, 1), default 0.9).
//
// Intervals are the model's own (normal, from its h-step sd) when it has a
// distribution, else conformal: the errors of the same model forecasting
// the last h values from the history before them (up to three origins).
//
// Bad input (history shorter than the season needs, NaN, horizon out of
// range) is answered INVALID_ARGUMENT naming the field.
#pragma once

#include <filesystem>

#include "strato/backend/backend.h"

namespace strato::forecast {

void RegisterForecastBackend(BackendRegistry* registry);

// Writes the demo model `forecast` (hourly series, season 24, horizon 24)
// into the demo repository `dir`, with an example request next to it
// (dir/forecast/example_request.json) built from M4 Hourly series H1 when
// ../shared/datasets is present, else from a generated daily-cycle series.
Status WriteDemoForecastModel(const std::filesystem::path& dir);

}  // namespace strato::forecast
