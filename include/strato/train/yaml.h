// A parser for the subset of YAML that pipeline files use, with the line
// number of every node so that errors can point at the file and line.
//
// Supported: block mappings (`key: value`, `key:` + indented block), block
// sequences (`- item`, `- key: value` + continuation lines), flow
// sequences `[a, b]` and flow mappings `{a: 1, b: [2, 3]}` (nested, may span
// lines), plain,
// 'single' and "double" quoted scalars (with \" \\ \n \t escapes), `#`
// comments, blank lines, a leading `---`. Not supported (rejected with an
// error): tabs for indentation, anchors/aliases, multi-line scalars (`|`,
// `>`), multiple documents. Scalars stay text; the caller converts them.
//
// Thread-safety: values; the parser keeps no global state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strato/core/status.h"

namespace strato::train {

struct YamlField;

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMapping };
  Kind kind = Kind::kNull;
  std::string scalar;
  bool quoted = false;  // the scalar was quoted (so "null" stays a string)
  std::vector<YamlNode> items;                           // kSequence
  std::vector<YamlField> fields;  // kMapping, in file order
  int line = 0;                                          // 1-based

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMapping() const { return kind == Kind::kMapping; }
  // The value of `key` in a mapping, or null.
  const YamlNode* Find(std::string_view key) const;
};

// One `key: value` of a mapping (a struct, not std::pair, so that YamlNode
// may hold a vector of them while still incomplete).
struct YamlField {
  std::string key;
  YamlNode value;
};

// Parses `text`. INVALID_ARGUMENT "<source>:<line>: <problem>" on errors.
StatusOr<YamlNode> ParseYaml(std::string_view text, const std::string& source);

}  // namespace strato::train
