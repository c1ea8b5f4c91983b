#include "strato/features/csv_reader.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>

namespace strato::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Splits `text` into lines without copying; strips a trailing '\r'.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}
  bool Next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    *line = text_.substr(pos_, end - pos_);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos_ = end + 1;
    ++number_;
    return true;
  }
  size_t line_number() const { return number_; }
  size_t position() const { return pos_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  size_t number_ = 0;
};

// Splits one line into fields. CSV/TSV fields may be double-quoted ("" is an
// escaped quote; quoted fields cannot span lines). Quoted fields that need
// unescaping are stored in `scratch` (a deque: growing it never moves the
// strings), which must outlive the views.
void SplitLine(std::string_view line, TextFormat format, std::vector<std::string_view>* fields,
               std::deque<std::string>* scratch) {
  fields->clear();
  if (format == TextFormat::kWhitespace) {
    size_t i = 0;
    while (true) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i >= line.size()) break;
      const size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      fields->push_back(line.substr(start, i - start));
    }
    return;
  }
  const char sep = format == TextFormat::kTsv ? '\t' : ',';
  size_t i = 0;
  while (true) {
    if (i < line.size() && line[i] == '"') {
      std::string value;
      ++i;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            value += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        value += line[i++];
      }
      scratch->push_back(std::move(value));
      fields->push_back(scratch->back());
      while (i < line.size() && line[i] != sep) ++i;  // text after the closing quote is ignored
    } else {
      const size_t end = std::min(line.find(sep, i), line.size());
      fields->push_back(line.substr(i, end - i));
      i = end;
    }
    if (i >= line.size()) break;
    ++i;  // the separator
    if (i == line.size()) {  // a trailing separator means one more empty field
      fields->push_back(std::string_view());
      break;
    }
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses a whole field as a double; a leading '+' is allowed.
bool ParseNumber(std::string_view s, double* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

TextFormat Sniff(const std::string& source, std::string_view first_line) {
  auto ends_with = [&](std::string_view suffix) {
    return source.size() >= suffix.size() &&
           source.compare(source.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".tsv") || ends_with(".tab")) return TextFormat::kTsv;
  if (ends_with(".csv")) return TextFormat::kCsv;
  if (first_line.find('\t') != std::string_view::npos) return TextFormat::kTsv;
  if (first_line.find(',') != std::string_view::npos) return TextFormat::kCsv;
  return TextFormat::kWhitespace;
}

std::string Quote(std::string_view s) {
  std::string out = "'";
  out += s.size() > 40 ? std::string(s.substr(0, 40)) + "..." : std::string(s);
  return out + "'";
}

}  // namespace

bool ParseTextFormat(std::string_view text, TextFormat* format) {
  if (text == "auto") *format = TextFormat::kAuto;
  else if (text == "csv") *format = TextFormat::kCsv;
  else if (text == "tsv") *format = TextFormat::kTsv;
  else if (text == "whitespace") *format = TextFormat::kWhitespace;
  else return false;
  return true;
}

StatusOr<Table> ParseTable(std::string_view text, const std::string& source,
                           const ReadOptions& options, ReadStats* stats) {
  // A UTF-8 byte order mark is not part of the first column's name.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  LineCursor cursor(text);
  std::string_view line;
  // The first non-blank line: the header or the first row.
  bool have_line = false;
  while (cursor.Next(&line)) {
    if (!Trim(line).empty()) {
      have_line = true;
      break;
    }
  }
  if (!have_line) {
    return InvalidArgumentError(source + ": the file is empty (no header and no rows)");
  }
  const TextFormat format =
      options.format == TextFormat::kAuto ? Sniff(source, line) : options.format;
  std::vector<std::string_view> fields;
  std::deque<std::string> scratch;
  Table table;
  std::vector<std::string> names = options.column_names;
  bool first_is_data = !options.header;
  if (options.header) {
    SplitLine(line, format, &fields, &scratch);
    if (names.empty()) {
      for (std::string_view f : fields) names.emplace_back(Trim(f));
    }
  }
  if (names.empty()) {
    return InvalidArgumentError(source + ": the file has no header, so the pipeline must name " +
                                "its columns (data.columns)");
  }
  std::set<std::string> seen;
  for (const std::string& n : names) {
    if (n.empty()) return InvalidArgumentError(source + ": a column has an empty name");
    if (!seen.insert(n).second) {
      return InvalidArgumentError(source + ": column '" + n + "' appears twice");
    }
  }
  for (const auto& [name, type] : options.types) {
    if (!seen.count(name)) {
      return InvalidArgumentError(source + ": data.types names column '" + name +
                                  "', which the file does not have (columns: " +
                                  [&] {
                                    std::string all;
                                    for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
                                    return all;
                                  }() + ")");
    }
  }
  const size_t ncols = names.size();
  // One pass: split each row into fields (views into `text`) and parse
  // numbers on the fly. A column stays numeric while its fields parse; text
  // is kept only for string columns. When an inferred column meets its
  // first non-number, the earlier rows' text is recovered by re-splitting
  // their lines (we keep each row's line), which happens once per column.
  std::vector<std::vector<double>> numbers(ncols);
  std::vector<std::vector<std::string_view>> texts(ncols);
  std::vector<bool> numeric(ncols, true), declared(ncols, false);
  for (size_t c = 0; c < ncols; ++c) {
    auto it = options.types.find(names[c]);
    if (it != options.types.end()) {
      declared[c] = true;
      numeric[c] = it->second == ColumnType::kNumber;
    }
  }
  auto is_missing = [&](std::string_view f) {
    if (f.empty()) return true;
    for (const std::string& m : options.missing) {
      if (f == m) return true;
    }
    return false;
  };
  const bool trim = format != TextFormat::kWhitespace;  // whitespace fields have no padding
  std::vector<std::string_view> row_lines;
  std::vector<std::string_view> old_fields;
  std::deque<std::string> row_scratch;  // quoted fields; a deque keeps views valid
  std::vector<double> values(ncols);
  ReadStats local;
  local.bytes = text.size();
  size_t last_report = 0;
  // Turns numeric column `c` into a string column after `rows` rows.
  auto to_text = [&](size_t c) {
    numeric[c] = false;
    texts[c].clear();
    for (std::string_view old_line : row_lines) {
      SplitLine(old_line, format, &old_fields, &row_scratch);
      const std::string_view f = trim ? Trim(old_fields[c]) : old_fields[c];
      texts[c].push_back(is_missing(f) ? std::string_view() : f);
    }
    numbers[c].clear();
  };
  auto handle_row = [&](std::string_view row_line, size_t line_no) -> Status {
    SplitLine(row_line, format, &fields, &row_scratch);
    auto bad = [&](std::string message) -> Status {
      if (!options.skip_bad_rows) return InvalidArgumentError(std::move(message));
      if (local.bad_rows_skipped++ == 0) local.first_bad_row = std::move(message);
      return Status::Ok();
    };
    if (fields.size() != ncols) {
      return bad(source + ":" + std::to_string(line_no) + ": expected " + std::to_string(ncols) +
                 " fields, found " + std::to_string(fields.size()) +
                 (fields.size() < ncols ? " (column '" + names[fields.size()] + "' is missing)"
                                        : ""));
    }
    // Parse the whole row first, so that a skipped row leaves nothing behind.
    bool flips = false;
    for (size_t c = 0; c < ncols; ++c) {
      if (trim) fields[c] = Trim(fields[c]);
      if (!numeric[c]) continue;
      if (ParseNumber(fields[c], &values[c])) continue;
      values[c] = kNaN;
      if (is_missing(fields[c])) continue;
      if (declared[c]) {
        return bad(source + ":" + std::to_string(line_no) + ": column '" + names[c] + "' (field " +
                   std::to_string(c + 1) + "): " + Quote(fields[c]) + " is not a number");
      }
      flips = true;
    }
    if (flips) {
      for (size_t c = 0; c < ncols; ++c) {
        if (numeric[c] && std::isnan(values[c]) && !is_missing(fields[c])) to_text(c);
      }
    }
    for (size_t c = 0; c < ncols; ++c) {
      if (numeric[c]) numbers[c].push_back(values[c]);
      else texts[c].push_back(is_missing(fields[c]) ? std::string_view() : fields[c]);
    }
    row_lines.push_back(row_line);
    ++local.rows;
    if (options.progress && cursor.position() - last_report > (1u << 20)) {
      last_report = cursor.position();
      options.progress(cursor.position(), text.size());
    }
    return Status::Ok();
  };
  if (first_is_data) RETURN_IF_ERROR(handle_row(line, cursor.line_number()));
  while (cursor.Next(&line)) {
    if (Trim(line).empty()) continue;
    RETURN_IF_ERROR(handle_row(line, cursor.line_number()));
  }
  if (options.progress) options.progress(text.size(), text.size());
  table.rows = local.rows;
  table.columns.resize(ncols);
  for (size_t c = 0; c < ncols; ++c) {
    Column& col = table.columns[c];
    col.name = names[c];
    if (numeric[c]) {
      col.type = ColumnType::kNumber;
      col.numbers = std::move(numbers[c]);
    } else {
      col.type = ColumnType::kString;
      col.strings.reserve(texts[c].size());
      for (std::string_view t : texts[c]) col.strings.emplace_back(t);
    }
  }
  if (stats != nullptr) *stats = local;
  return table;
}

StatusOr<Table> ReadTable(const std::string& path, const ReadOptions& options, ReadStats* stats) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open the file (does it exist?)");
  std::string text;
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    text.resize(static_cast<size_t>(size));
    in.read(text.data(), size);
  }
  if (!in && size > 0) return InternalError(path + ": read failed");
  return ParseTable(text, path, options, stats);
}

}  // namespace strato::features
