#include <fstream>

#include "strato/sentiment/train.h"

namespace strato::sentiment {

StatusOr<std::vector<LabeledText>> ReadTsv(const std::filesystem::path& file, size_t max_rows) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFoundError("cannot open " + file.string());
  std::vector<LabeledText> rows;
  std::string line;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_number == 1) continue;  // header
    if (line.empty()) continue;
    const size_t first_tab = line.find('\t');
    const size_t last_tab = line.rfind('\t');
    if (first_tab == std::string::npos) {
      return InvalidArgumentError(file.string() + ":" + std::to_string(line_number) +
                                  ": expected TEXT<TAB>LABEL");
    }
    const std::string_view label(line.data() + last_tab + 1, line.size() - last_tab - 1);
    LabeledText row;
    if (label == "1" || label == "positive" || label == "pos") {
      row.label = 1;
    } else if (label == "0" || label == "negative" || label == "neg") {
      row.label = 0;
    } else {
      return InvalidArgumentError(file.string() + ":" + std::to_string(line_number) + ": label '" +
                                  std::string(label) + "' is not 0/1 or negative/positive");
    }
    row.text = line.substr(0, first_tab);
    rows.push_back(std::move(row));
    if (max_rows != 0 && rows.size() >= max_rows) break;
  }
  if (rows.empty()) return InvalidArgumentError(file.string() + " has no data rows");
  return rows;
}

}  // namespace strato::sentiment
