// ReadTable: fast ingestion of delimited text (CSV, TSV, whitespace
// separated) into a typed Table.
//
// The whole file is read into memory once and split in place; numbers are
// parsed with std::from_chars. Column types are declared (`types`) or
// inferred: a column is numeric when every non-missing field parses as a
// number, else string. Missing fields: the empty field and the `missing`
// tokens (default "NA", "NaN", "nan", "?", "null").
//
// Bad rows (wrong field count, or a non-number in a column declared
// numeric) fail the read with INVALID_ARGUMENT "<file>:<line>: ..." naming
// the column, or, with skip_bad_rows, are skipped and counted.
//
// Errors: NOT_FOUND for a missing file; INVALID_ARGUMENT for an empty file,
// duplicate column names, declared types naming unknown columns, bad rows.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "strato/core/status.h"
#include "strato/features/table.h"

namespace strato::features {

enum class TextFormat { kAuto, kCsv, kTsv, kWhitespace };
// "auto", "csv", "tsv", "whitespace"; false when unknown.
bool ParseTextFormat(std::string_view text, TextFormat* format);

struct ReadOptions {
  TextFormat format = TextFormat::kAuto;  // auto: by extension, then by content
  bool header = true;                     // first line names the columns
  std::vector<std::string> column_names;  // required when !header (overrides a header)
  std::map<std::string, ColumnType> types;  // declared; the rest inferred
  std::vector<std::string> missing = {"NA", "NaN", "nan", "?", "null"};
  bool skip_bad_rows = false;
  // Called now and then with (bytes parsed, total bytes); may be empty.
  std::function<void(size_t, size_t)> progress;
};

struct ReadStats {
  size_t rows = 0;
  size_t bad_rows_skipped = 0;
  std::string first_bad_row;  // the error of the first skipped row
  size_t bytes = 0;
};

StatusOr<Table> ReadTable(const std::string& path, const ReadOptions& options,
                          ReadStats* stats = nullptr);
// Same on text already in memory; `source` names it in errors.
StatusOr<Table> ParseTable(std::string_view text, const std::string& source,
                           const ReadOptions& options, ReadStats* stats = nullptr);

}  // namespace strato::features
