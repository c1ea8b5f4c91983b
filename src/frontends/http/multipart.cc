#include "multipart.h"

#include <algorithm>
#include <cctype>
#include <functional>

namespace strato::http {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "a; b=c; d=\"e;f\"" at semicolons outside quotes.
std::vector<std::string_view> SplitParams(std::string_view s) {
  std::vector<std::string_view> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && quoted) {
      ++i;
    } else if (s[i] == '"') {
      quoted = !quoted;
    } else if (s[i] == ';' && !quoted) {
      out.push_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(Trim(s.substr(start)));
  return out;
}

// A parameter value: a token, or a quoted string with \-escapes removed.
std::string Unquote(std::string_view v) {
  v = Trim(v);
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  v = v.substr(1, v.size() - 2);
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

// Reads the name=value parameters after the first element of a header value.
void ForEachParam(std::string_view value,
                  const std::function<void(std::string_view, std::string)>& fn) {
  const auto params = SplitParams(value);
  for (size_t i = 1; i < params.size(); ++i) {
    const auto eq = params[i].find('=');
    if (eq == std::string_view::npos) continue;
    fn(Trim(params[i].substr(0, eq)), Unquote(params[i].substr(eq + 1)));
  }
}

Status ParseHeaders(std::string_view headers, size_t index, MultipartPart* part) {
  const std::string where = "multipart part " + std::to_string(index);
  bool disposition = false;
  while (!headers.empty()) {
    const size_t end = headers.find(kCrlf);
    std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view() : headers.substr(end + 2);
    if (line.empty()) continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return InvalidArgumentError(where + ": header line without a name and colon");
    }
    const std::string_view name = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (IEquals(name, "Content-Disposition")) {
      const std::string_view kind = Trim(value.substr(0, value.find(';')));
      if (!IEquals(kind, "form-data")) {
        return InvalidArgumentError(where + ": Content-Disposition is '" +
                                    std::string(kind.substr(0, 40)) + "', not form-data");
      }
      disposition = true;
      bool named = false;
      ForEachParam(value, [&](std::string_view key, std::string v) {
        if (IEquals(key, "name")) {
          part->name = std::move(v);
          named = true;
        } else if (IEquals(key, "filename")) {
          part->filename = std::move(v);
          part->has_filename = true;
        }
      });
      if (!named) return InvalidArgumentError(where + ": Content-Disposition has no name");
    } else if (IEquals(name, "Content-Type")) {
      part->content_type = std::string(value);
    }
  }
  if (!disposition) return InvalidArgumentError(where + ": no Content-Disposition header");
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> MultipartBoundary(std::string_view content_type) {
  const auto params = SplitParams(content_type);
  if (!IEquals(params[0], "multipart/form-data")) {
    return InvalidArgumentError("the request must be multipart/form-data (Content-Type is '" +
                                std::string(Trim(params[0]).substr(0, 60)) + "')");
  }
  std::string boundary;
  bool found = false;
  ForEachParam(content_type, [&](std::string_view key, std::string v) {
    if (IEquals(key, "boundary") && !found) {
      boundary = std::move(v);
      found = true;
    }
  });
  if (!found || boundary.empty()) {
    return InvalidArgumentError("the multipart/form-data Content-Type has no boundary");
  }
  if (boundary.size() > 70) {
    return InvalidArgumentError("the multipart boundary is longer than 70 characters");
  }
  return boundary;
}

StatusOr<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                    std::string_view boundary) {
  if (boundary.empty()) return InvalidArgumentError("the multipart boundary is empty");
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next_delimiter = "\r\n" + delimiter;
  // The first delimiter opens the body or follows a preamble line.
  size_t pos = 0;
  if (body.substr(0, delimiter.size()) != delimiter) {
    pos = body.find(next_delimiter);
    if (pos == std::string_view::npos) {
      return InvalidArgumentError("the multipart body has no part (boundary not found)");
    }
    pos += 2;
  }
  std::vector<MultipartPart> parts;
  for (;;) {
    pos += delimiter.size();                        // at the end of a delimiter
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    // Transport padding, then CRLF.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != kCrlf) {
      return InvalidArgumentError("multipart boundary line " + std::to_string(parts.size()) +
                                  " is not followed by CRLF");
    }
    pos += 2;
    if (parts.size() == kMaxMultipartParts) {
      return InvalidArgumentError("the multipart body has more than " +
                                  std::to_string(kMaxMultipartParts) + " parts");
    }
    const size_t headers_end = body.find("\r\n\r\n", pos);
    // A part may have no headers at all: CRLF right after the boundary line.
    size_t data_start = 0;
    std::string_view headers;
    if (body.substr(pos, 2) == kCrlf) {
      data_start = pos + 2;
    } else {
      if (headers_end == std::string_view::npos) {
        return InvalidArgumentError("multipart part " + std::to_string(parts.size()) +
                                    ": headers do not end (no blank line)");
      }
      headers = body.substr(pos, headers_end - pos);
      data_start = headers_end + 4;
    }
    if (headers.size() > kMaxMultipartHeaderBytes) {
      return InvalidArgumentError("multipart part " + std::to_string(parts.size()) +
                                  ": headers exceed " + std::to_string(kMaxMultipartHeaderBytes) +
                                  " bytes");
    }
    MultipartPart part;
    if (Status s = ParseHeaders(headers, parts.size(), &part); !s.ok()) return s;
    const size_t data_end = body.find(next_delimiter, data_start);
    if (data_end == std::string_view::npos) {
      return InvalidArgumentError("multipart part " + std::to_string(parts.size()) + " ('" +
                                  part.name.substr(0, 40) +
                                  "') is truncated: the closing boundary is missing");
    }
    part.data = body.substr(data_start, data_end - data_start);
    parts.push_back(std::move(part));
    pos = data_end + 2;
  }
}

const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name) {
  for (const MultipartPart& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace strato::http
