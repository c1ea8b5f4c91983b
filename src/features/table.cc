#include "strato/features/table.h"

#include <cmath>

namespace strato::features {

std::string_view ColumnTypeName(ColumnType type) {
  return type == ColumnType::kNumber ? "number" : "string";
}

bool Column::IsMissing(size_t row) const {
  return type == ColumnType::kNumber ? std::isnan(numbers[row]) : strings[row].empty();
}

int Table::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const Column* Table::Find(std::string_view name) const {
  const int i = IndexOf(name);
  return i < 0 ? nullptr : &columns[static_cast<size_t>(i)];
}

Column* Table::Find(std::string_view name) {
  const int i = IndexOf(name);
  return i < 0 ? nullptr : &columns[static_cast<size_t>(i)];
}

std::string Table::ColumnNames() const {
  std::string out;
  for (const Column& c : columns) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

Table Table::SelectRows(const std::vector<size_t>& row_ids) const {
  Table out;
  out.rows = row_ids.size();
  out.columns.reserve(columns.size());
  for (const Column& c : columns) {
    Column copy;
    copy.name = c.name;
    copy.type = c.type;
    if (c.type == ColumnType::kNumber) {
      copy.numbers.reserve(row_ids.size());
      for (size_t r : row_ids) copy.numbers.push_back(c.numbers[r]);
    } else {
      copy.strings.reserve(row_ids.size());
      for (size_t r : row_ids) copy.strings.push_back(c.strings[r]);
    }
    out.columns.push_back(std::move(copy));
  }
  return out;
}

}  // namespace strato::features
