// Series: the demand histories the forecasting models read, and the two file
// formats they come in.
//
// - M4 wide format (the M4 competition's release): a header row, then one row
//   per series: a quoted id, then the values in time order; rows are padded
//   with empty fields to the widest series.
// - Long format (what users have): one row per observation with a series id
//   column, a time column (an integer index or an ISO date/time
//   "YYYY-MM-DD[ HH:MM[:SS]]") and a value column. Rows may come in any
//   order; each series is sorted by time and must be evenly spaced.
//
// Errors: NOT_FOUND for a missing file; INVALID_ARGUMENT naming the series
// (and the row) for missing or non-finite values, gaps inside a series,
// duplicate time stamps, missing columns.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strato/core/status.h"

namespace strato::forecast {

struct Series {
  std::string id;
  std::vector<double> values;  // in time order, evenly spaced, all finite
};

// Reads an M4 wide-format file (e.g. Hourly-train.csv).
StatusOr<std::vector<Series>> ReadM4Wide(const std::string& path);

struct LongFormatColumns {
  std::string id = "series_id";
  std::string time = "timestamp";
  std::string value = "value";
};

// Reads a long-format CSV; series come back in order of first appearance.
StatusOr<std::vector<Series>> ReadLongCsv(const std::string& path,
                                          const LongFormatColumns& columns = {});

// Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DDTHH:MM:SS" into seconds
// since 1970-01-01 (UTC, proleptic Gregorian); false when malformed.
bool ParseTimestamp(std::string_view text, long long* seconds);

// Checks that a history can be forecast: at least `min_length` values, all
// finite. `what` names it in the error ("series H1").
Status ValidateHistory(std::span<const double> y, size_t min_length, std::string_view what);

}  // namespace strato::forecast
