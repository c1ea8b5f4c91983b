// `strato forecast ...`: the command-line face of the forecasting and
// inventory library (eval on M4, forecast a CSV, simulate inventory).
#pragma once

namespace strato::forecast {

// argv[0] is "forecast". Returns the process exit code.
int RunForecastCommand(int argc, char** argv);

}  // namespace strato::forecast
