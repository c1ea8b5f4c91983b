// Table: an in-memory, column-oriented data set (what `strato train` ingests
// and what the feature transform reads and writes, at training and at
// serving time alike).
//
// A column is numeric (double, NaN = missing) or string (std::string, the
// empty string = missing). Every column of a table has `rows` values.
//
// Thread-safety: a value type; a const Table may be read from many threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strato::features {

enum class ColumnType { kNumber, kString };
std::string_view ColumnTypeName(ColumnType type);  // "number" / "string"

struct Column {
  std::string name;
  ColumnType type = ColumnType::kNumber;
  std::vector<double> numbers;       // when kNumber
  std::vector<std::string> strings;  // when kString

  size_t size() const { return type == ColumnType::kNumber ? numbers.size() : strings.size(); }
  bool IsMissing(size_t row) const;
};

struct Table {
  std::vector<Column> columns;
  size_t rows = 0;

  // Index of the column called `name`, or -1.
  int IndexOf(std::string_view name) const;
  const Column* Find(std::string_view name) const;
  Column* Find(std::string_view name);
  // Comma-separated column names, for error messages.
  std::string ColumnNames() const;
  // A new table holding `row_ids` (in that order) of every column.
  Table SelectRows(const std::vector<size_t>& row_ids) const;
};

}  // namespace strato::features
