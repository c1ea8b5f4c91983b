#include "strato/train/yaml.h"

#include <cctype>

namespace strato::train {
namespace {

struct Line {
  int number = 0;
  int indent = 0;
  std::string text;  // without indentation and comment
};

// Calls `visit(i)` for each character of `s` outside single or double
// quotes (a backslash escapes inside double quotes) until it returns false.
template <typename Visit>
void ForEachUnquoted(std::string_view s, Visit visit) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (!visit(i)) {
      return;
    }
  }
}

// Removes a `#` comment that starts the line or follows whitespace, outside
// quotes, and trailing whitespace.
std::string StripComment(std::string_view s) {
  ForEachUnquoted(s, [&](size_t i) {
    if (s[i] != '#' || (i != 0 && s[i - 1] != ' ' && s[i - 1] != '\t')) return true;
    s = s.substr(0, i);
    return false;
  });
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// Bracket depth of a line, outside quotes: > 0 when a flow collection
// continues on the next line.
int OpenBrackets(std::string_view s) {
  int depth = 0;
  ForEachUnquoted(s, [&](size_t i) {
    if (s[i] == '[' || s[i] == '{') ++depth;
    else if (s[i] == ']' || s[i] == '}') --depth;
    return true;
  });
  return depth;
}

class Parser {
 public:
  Parser(std::vector<Line> lines, std::string source)
      : lines_(std::move(lines)), source_(std::move(source)) {}

  StatusOr<YamlNode> ParseDocument() {
    if (lines_.empty()) return YamlNode{};
    ASSIGN_OR_RETURN(YamlNode root, ParseBlock(lines_[0].indent));
    if (pos_ < lines_.size()) {
      return Error(lines_[pos_].number, "unexpected indentation (this line is not part of the " +
                                            std::string("block above it)"));
    }
    return root;
  }

 private:
  Status Error(int line, const std::string& message) const {
    return InvalidArgumentError(source_ + ":" + std::to_string(line) + ": " + message);
  }

  static bool IsSequenceItem(const std::string& t) {
    return t == "-" || (t.size() >= 2 && t[0] == '-' && t[1] == ' ');
  }

  // A block (mapping or sequence) whose lines start at exactly `indent`.
  StatusOr<YamlNode> ParseBlock(int indent) {
    if (IsSequenceItem(lines_[pos_].text)) return ParseSequence(indent);
    return ParseMapping(indent);
  }

  StatusOr<YamlNode> ParseSequence(int indent) {
    YamlNode node;
    node.kind = YamlNode::Kind::kSequence;
    node.line = lines_[pos_].number;
    while (pos_ < lines_.size() && lines_[pos_].indent == indent &&
           IsSequenceItem(lines_[pos_].text)) {
      Line& line = lines_[pos_];
      std::string rest = line.text.size() > 1 ? line.text.substr(2) : "";
      size_t skip = 0;
      while (skip < rest.size() && rest[skip] == ' ') ++skip;
      rest = rest.substr(skip);
      if (rest.empty()) {  // "-" alone: the item is the indented block below
        ++pos_;
        if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
          ASSIGN_OR_RETURN(YamlNode item, ParseBlock(lines_[pos_].indent));
          node.items.push_back(std::move(item));
        } else {
          node.items.push_back(YamlNode{YamlNode::Kind::kNull, "", false, {}, {}, line.number});
        }
        continue;
      }
      // "- something": reparse the rest as if it were a line of its own at
      // the column where it starts (so "- key: v" opens a mapping whose
      // further keys sit at that column).
      const int item_indent = indent + 2 + static_cast<int>(skip);
      if (IsSequenceItem(rest) || FindMappingColon(rest) != std::string::npos) {
        line.indent = item_indent;
        line.text = rest;
        ASSIGN_OR_RETURN(YamlNode item, ParseBlock(item_indent));
        node.items.push_back(std::move(item));
      } else {
        ASSIGN_OR_RETURN(YamlNode item, ParseInline(rest, line.number));
        node.items.push_back(std::move(item));
        ++pos_;
      }
    }
    if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
      return Error(lines_[pos_].number, "unexpected indentation inside a list");
    }
    return node;
  }

  StatusOr<YamlNode> ParseMapping(int indent) {
    YamlNode node;
    node.kind = YamlNode::Kind::kMapping;
    node.line = lines_[pos_].number;
    while (pos_ < lines_.size() && lines_[pos_].indent == indent) {
      const Line& line = lines_[pos_];
      if (IsSequenceItem(line.text)) {
        return Error(line.number, "a list item where a 'key: value' was expected");
      }
      const size_t colon = FindMappingColon(line.text);
      if (colon == std::string::npos) {
        return Error(line.number, "expected 'key: value', got '" + line.text + "'");
      }
      ASSIGN_OR_RETURN(YamlNode key_node,
                       ParseScalar(Trim(line.text.substr(0, colon)), line.number));
      const std::string key = key_node.scalar;
      if (key.empty()) return Error(line.number, "empty key");
      if (node.Find(key) != nullptr) return Error(line.number, "key '" + key + "' appears twice");
      const std::string value = Trim(line.text.substr(colon + 1));
      ++pos_;
      if (!value.empty()) {
        if (value[0] == '|' || value[0] == '>' || value[0] == '&' || value[0] == '*') {
          return Error(line.number, "multi-line scalars, anchors and aliases are not supported");
        }
        ASSIGN_OR_RETURN(YamlNode v, ParseInline(value, line.number));
        node.fields.push_back({key, std::move(v)});
      } else if (pos_ < lines_.size() && (lines_[pos_].indent > indent ||
                                          (lines_[pos_].indent == indent &&
                                           IsSequenceItem(lines_[pos_].text)))) {
        // A block value; a list may sit at the key's own indentation.
        ASSIGN_OR_RETURN(YamlNode v, ParseBlock(lines_[pos_].indent));
        node.fields.push_back({key, std::move(v)});
      } else {
        node.fields.push_back({key, YamlNode{YamlNode::Kind::kNull, "", false, {}, {}, line.number}});
      }
    }
    if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
      return Error(lines_[pos_].number, "unexpected indentation");
    }
    return node;
  }

  // Position of the ':' that ends a mapping key (followed by space or end
  // of line, outside quotes and brackets), or npos.
  static size_t FindMappingColon(const std::string& t) {
    char quote = 0;
    int depth = 0;
    for (size_t i = 0; i < t.size(); ++i) {
      const char c = t[i];
      if (quote) {
        if (c == '\\' && quote == '"') ++i;
        else if (c == quote) quote = 0;
        continue;
      }
      if ((c == '"' || c == '\'') && (i == 0 || t[i - 1] == ' ' || depth > 0)) quote = c;
      else if ((c == '[' || c == '{') && i == 0) return std::string::npos;  // a flow value
      else if (c == '[' || c == '{') ++depth;
      else if (c == ']' || c == '}') --depth;
      else if (c == ':' && depth == 0 && (i + 1 == t.size() || t[i + 1] == ' ')) return i;
    }
    return std::string::npos;
  }

  static std::string Trim(std::string s) {
    size_t a = 0, b = s.size();
    while (a < b && s[a] == ' ') ++a;
    while (b > a && s[b - 1] == ' ') --b;
    return s.substr(a, b - a);
  }

  StatusOr<YamlNode> ParseInline(const std::string& text, int line) {
    if (!text.empty() && (text[0] == '[' || text[0] == '{')) {
      size_t i = 0;
      ASSIGN_OR_RETURN(YamlNode node, ParseFlow(text, &i, line));
      while (i < text.size() && text[i] == ' ') ++i;
      if (i != text.size()) return Error(line, "unexpected text after the closing bracket");
      return node;
    }
    return ParseScalar(text, line);
  }

  StatusOr<YamlNode> ParseScalar(const std::string& text, int line) {
    YamlNode node;
    node.line = line;
    node.kind = YamlNode::Kind::kScalar;
    if (text.empty()) {
      node.kind = YamlNode::Kind::kNull;
      return node;
    }
    if (text[0] == '"' || text[0] == '\'') {
      const char q = text[0];
      std::string out;
      size_t i = 1;
      for (; i < text.size(); ++i) {
        char c = text[i];
        if (q == '"' && c == '\\' && i + 1 < text.size()) {
          const char e = text[++i];
          out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          continue;
        }
        if (q == '\'' && c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          out += '\'';
          ++i;
          continue;
        }
        if (c == q) break;
        out += c;
      }
      if (i >= text.size()) return Error(line, "unterminated quoted string");
      if (Trim(text.substr(i + 1)) != "") return Error(line, "text after a quoted string");
      node.scalar = out;
      node.quoted = true;
      return node;
    }
    if (text == "~" || text == "null") {
      node.kind = YamlNode::Kind::kNull;
      return node;
    }
    node.scalar = text;
    return node;
  }

  // A flow collection or scalar starting at text[*i].
  StatusOr<YamlNode> ParseFlow(const std::string& text, size_t* i, int line) {
    auto skip = [&] {
      while (*i < text.size() && text[*i] == ' ') ++*i;
    };
    skip();
    if (*i >= text.size()) return Error(line, "unexpected end of line in a [ ] or { } value");
    const char open = text[*i];
    if (open == '[' || open == '{') {
      const char close = open == '[' ? ']' : '}';
      YamlNode node;
      node.line = line;
      node.kind = open == '[' ? YamlNode::Kind::kSequence : YamlNode::Kind::kMapping;
      ++*i;
      skip();
      if (*i < text.size() && text[*i] == close) {
        ++*i;
        return node;
      }
      while (true) {
        if (open == '{') {
          const size_t colon = text.find(':', *i);
          if (colon == std::string::npos) return Error(line, "expected 'key: value' inside { }");
          ASSIGN_OR_RETURN(YamlNode key, ParseScalar(Trim(text.substr(*i, colon - *i)), line));
          *i = colon + 1;
          ASSIGN_OR_RETURN(YamlNode value, ParseFlow(text, i, line));
          node.fields.push_back({key.scalar, std::move(value)});
        } else {
          ASSIGN_OR_RETURN(YamlNode value, ParseFlow(text, i, line));
          node.items.push_back(std::move(value));
        }
        skip();
        if (*i >= text.size()) return Error(line, std::string("missing '") + close + "'");
        if (text[*i] == ',') {
          ++*i;
          continue;
        }
        if (text[*i] == close) {
          ++*i;
          return node;
        }
        return Error(line, std::string("expected ',' or '") + close + "', got '" + text[*i] + "'");
      }
    }
    // A scalar ends at ',', ']' or '}' outside quotes.
    size_t start = *i;
    char quote = 0;
    for (; *i < text.size(); ++*i) {
      const char c = text[*i];
      if (quote) {
        if (c == '\\' && quote == '"') ++*i;
        else if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ',' || c == ']' || c == '}') {
        break;
      }
    }
    return ParseScalar(Trim(text.substr(start, *i - start)), line);
  }

  std::vector<Line> lines_;
  std::string source_;
  size_t pos_ = 0;
};

}  // namespace

const YamlNode* YamlNode::Find(std::string_view key) const {
  for (const auto& field : fields) {
    if (field.key == key) return &field.value;
  }
  return nullptr;
}

StatusOr<YamlNode> ParseYaml(std::string_view text, const std::string& source) {
  std::vector<Line> lines;
  int number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    int indent = 0;
    while (static_cast<size_t>(indent) < raw.size() && raw[indent] == ' ') ++indent;
    if (static_cast<size_t>(indent) < raw.size() && raw[indent] == '\t') {
      return InvalidArgumentError(source + ":" + std::to_string(number) +
                                  ": a tab in the indentation (YAML indents with spaces)");
    }
    std::string stripped = StripComment(raw.substr(static_cast<size_t>(indent)));
    if (stripped.empty()) continue;
    if (stripped == "---" && lines.empty()) continue;
    if (stripped == "---" || stripped == "...") {
      return InvalidArgumentError(source + ":" + std::to_string(number) +
                                  ": only one YAML document per pipeline file");
    }
    // A [ ] or { } value may span lines: join them into one.
    if (!lines.empty() && OpenBrackets(lines.back().text) > 0) {
      lines.back().text += " " + stripped;
    } else {
      lines.push_back({number, indent, std::move(stripped)});
    }
    if (end == text.size()) break;
  }
  Parser parser(std::move(lines), source);
  return parser.ParseDocument();
}

}  // namespace strato::train
