#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>

#include "strato/features/csv_reader.h"
#include "strato/forecast/series.h"

namespace strato::forecast {
namespace {

using features::Column;
using features::ColumnType;
using features::Table;

std::string CellText(const Column& c, size_t row) {
  if (c.type == ColumnType::kString) return c.strings[row];
  if (std::isnan(c.numbers[row])) return "";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, c.numbers[row]);
  return std::string(buf, r.ptr);
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's well-known
// days_from_civil arithmetic, written out here).
long long DaysFromCivil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool ReadInt(std::string_view s, size_t pos, size_t len, int* out) {
  if (pos + len > s.size()) return false;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  auto r = std::from_chars(s.data() + pos, s.data() + pos + len, *out);
  return r.ec == std::errc();
}

}  // namespace

bool ParseTimestamp(std::string_view s, long long* seconds) {
  int y = 0, mo = 0, d = 0, hh = 0, mm = 0, ss = 0;
  if (!ReadInt(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !ReadInt(s, 5, 2, &mo) ||
      s[7] != '-' || !ReadInt(s, 8, 2, &d)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || !ReadInt(s, 11, 2, &hh) || s.size() < 16 ||
        s[13] != ':' || !ReadInt(s, 14, 2, &mm)) {
      return false;
    }
    if (s.size() > 16) {
      if (s.size() != 19 || s[16] != ':' || !ReadInt(s, 17, 2, &ss)) return false;
    }
    if (hh > 23 || mm > 59 || ss > 60) return false;
  }
  *seconds = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400LL +
             hh * 3600LL + mm * 60LL + ss;
  return true;
}

Status ValidateHistory(std::span<const double> y, size_t min_length, std::string_view what) {
  if (y.size() < min_length) {
    return InvalidArgumentError(std::string(what) + " has " + std::to_string(y.size()) +
                                " values; at least " + std::to_string(min_length) + " are needed");
  }
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) {
      return InvalidArgumentError(std::string(what) + ": value " + std::to_string(i) +
                                  " is not a finite number");
    }
  }
  return Status::Ok();
}

StatusOr<std::vector<Series>> ReadM4Wide(const std::string& path) {
  features::ReadOptions options;
  options.format = features::TextFormat::kCsv;
  ASSIGN_OR_RETURN(Table table, features::ReadTable(path, options));
  if (table.columns.size() < 2) {
    return InvalidArgumentError(path + ": an M4 file needs an id column and value columns");
  }
  const Column& ids = table.columns[0];
  std::vector<Series> out;
  out.reserve(table.rows);
  for (size_t r = 0; r < table.rows; ++r) {
    Series s;
    s.id = CellText(ids, r);
    if (s.id.empty())
      return InvalidArgumentError(path + ": row " + std::to_string(r + 2) + " has no id");
    bool ended = false;
    for (size_t c = 1; c < table.columns.size(); ++c) {
      const Column& col = table.columns[c];
      if (col.type != ColumnType::kNumber) {
        return InvalidArgumentError(path + ": column " + col.name + " is not numeric");
      }
      const double v = col.numbers[r];
      if (std::isnan(v)) {
        ended = true;
        continue;
      }
      if (ended) {
        return InvalidArgumentError(path + ": series " + s.id + " has a gap before column " +
                                    col.name);
      }
      if (!std::isfinite(v)) {
        return InvalidArgumentError(path + ": series " + s.id + " column " + col.name +
                                    " is not finite");
      }
      s.values.push_back(v);
    }
    if (s.values.empty()) return InvalidArgumentError(path + ": series " + s.id + " is empty");
    out.push_back(std::move(s));
  }
  return out;
}

StatusOr<std::vector<Series>> ReadLongCsv(const std::string& path,
                                          const LongFormatColumns& columns) {
  features::ReadOptions options;
  ASSIGN_OR_RETURN(Table table, features::ReadTable(path, options));
  const Column* id = table.Find(columns.id);
  const Column* time = table.Find(columns.time);
  const Column* value = table.Find(columns.value);
  for (const auto& [col, name] : {std::pair{id, columns.id}, std::pair{time, columns.time},
                                  std::pair{value, columns.value}}) {
    if (col == nullptr) {
      return InvalidArgumentError(path + ": no column '" + name +
                                  "' (columns: " + table.ColumnNames() + ")");
    }
  }
  if (value->type != ColumnType::kNumber) {
    return InvalidArgumentError(path + ": column '" + columns.value + "' is not numeric");
  }
  // Rows of each series, with their time as a number.
  std::map<std::string, size_t> index_of;
  std::vector<std::string> order;
  std::vector<std::vector<std::pair<long long, size_t>>> rows;
  for (size_t r = 0; r < table.rows; ++r) {
    const std::string key = CellText(*id, r);
    const std::string where = path + ": line " + std::to_string(r + 2);
    if (key.empty()) return InvalidArgumentError(where + ": empty series id");
    long long t = 0;
    if (time->type == ColumnType::kNumber) {
      const double v = time->numbers[r];
      if (!std::isfinite(v) || v != std::floor(v)) {
        return InvalidArgumentError(where + ": time index must be an integer");
      }
      t = static_cast<long long>(v);
    } else if (!ParseTimestamp(time->strings[r], &t)) {
      return InvalidArgumentError(where + ": time '" + time->strings[r] +
                                  "' is not YYYY-MM-DD[ HH:MM[:SS]]");
    }
    if (!std::isfinite(value->numbers[r])) {
      return InvalidArgumentError(where + ": series " + key + " has a missing or non-finite value");
    }
    auto [it, inserted] = index_of.emplace(key, rows.size());
    if (inserted) {
      rows.emplace_back();
      order.push_back(key);
    }
    rows[it->second].push_back({t, r});
  }
  std::vector<Series> out;
  for (size_t s = 0; s < rows.size(); ++s) {
    auto& rs = rows[s];
    std::sort(rs.begin(), rs.end());
    Series series{order[s], {}};
    long long step = 0;
    for (size_t i = 0; i < rs.size(); ++i) {
      if (i > 0) {
        const long long d = rs[i].first - rs[i - 1].first;
        if (d == 0) {
          return InvalidArgumentError(path + ": series " + order[s] +
                                      " has two values at the same time (line " +
                                      std::to_string(rs[i].second + 2) + ")");
        }
        if (step == 0) step = d;
        if (d != step) {
          return InvalidArgumentError(path + ": series " + order[s] +
                                      " is not evenly spaced (a gap before line " +
                                      std::to_string(rs[i].second + 2) + ")");
        }
      }
      series.values.push_back(value->numbers[rs[i].second]);
    }
    out.push_back(std::move(series));
  }
  if (out.empty()) return InvalidArgumentError(path + ": no rows");
  return out;
}

}  // namespace strato::forecast
