#include "strato/fetch/source.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "strato/core/model_name.h"

namespace strato::fetch {
namespace {

bool IsUnreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

std::string PercentEncode(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : segment) {
    if (IsUnreserved(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = HexValue(in[i + 1]);
    const int lo = HexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// A file name must be usable as one path component on any filesystem we write to.
Status CheckFileName(std::string_view name, std::string_view spec) {
  if (name.empty() || name == "." || name == ".." ||
      name.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos) {
    return InvalidArgumentError("source '" + std::string(spec) +
                                "' does not end in a file name (expected .../FILE.gguf)");
  }
  return Status::Ok();
}

StatusOr<ResolvedSource> ResolveHuggingFace(std::string_view spec, std::string_view endpoint) {
  constexpr std::string_view kUsage = " (expected hf://OWNER/REPO/FILE[@REVISION])";
  std::string_view rest = spec.substr(5);  // after "hf://"
  std::string revision = "main";
  const size_t last_slash = rest.rfind('/');
  const size_t at = rest.rfind('@');
  if (at != std::string_view::npos && (last_slash == std::string_view::npos || at > last_slash)) {
    revision = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    // Branch names with '/' (refs/pr/1) must be written as refs%2Fpr%2F1, as on the Hub.
    const bool ok = !revision.empty() && std::all_of(revision.begin(), revision.end(), [](char c) {
      return IsNameChar(c) || c == '%';
    });
    if (!ok) {
      return InvalidArgumentError("revision '" + revision + "' in '" + std::string(spec) +
                                  "' may only hold [A-Za-z0-9._-] (write '/' as %2F)");
    }
  }
  const auto parts = Split(rest, '/');
  if (parts.size() < 3) {
    return InvalidArgumentError("source '" + std::string(spec) + "' names no file" +
                                std::string(kUsage));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto p = parts[i];
    const bool id_part = i < 2;  // OWNER and REPO
    if (p.empty() || p == "." || p == ".." ||
        (id_part && !std::all_of(p.begin(), p.end(), IsNameChar))) {
      return InvalidArgumentError("source '" + std::string(spec) + "' has an invalid part '" +
                                  std::string(p) + "'" + std::string(kUsage));
    }
  }
  ResolvedSource out;
  out.hugging_face = true;
  out.file_name = std::string(parts.back());
  // Appended piecewise: GCC 12 misreports "/" + std::string as -Wrestrict.
  out.url.append(endpoint).append("/").append(parts[0]).append("/").append(parts[1]);
  out.url.append("/resolve/").append(revision);
  for (size_t i = 2; i < parts.size(); ++i) out.url.append("/").append(PercentEncode(parts[i]));
  return out;
}

StatusOr<ResolvedSource> ResolveHttp(std::string_view spec, size_t scheme_len) {
  for (char c : spec) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return InvalidArgumentError("URL '" + std::string(spec) +
                                  "' contains spaces or control characters (percent-encode them)");
    }
  }
  std::string_view rest = spec.substr(scheme_len);
  rest = rest.substr(0, rest.find('#'));
  const size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view host = authority.substr(authority.rfind('@') + 1);
  if (host.empty() || host.front() == ':') {
    return InvalidArgumentError("URL '" + std::string(spec) + "' has no host");
  }
  std::string_view path =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  path = path.substr(0, path.find('?'));
  const std::string_view last = path.substr(path.rfind('/') + 1);
  const auto decoded = PercentDecode(last);
  if (!decoded) {
    return InvalidArgumentError("URL '" + std::string(spec) + "' has a bad %-escape in its path");
  }
  if (auto st = CheckFileName(*decoded, spec); !st.ok()) return st;
  ResolvedSource out;
  out.url = std::string(spec.substr(0, spec.find('#')));
  out.file_name = *decoded;
  return out;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

StatusOr<ResolvedSource> ResolveSource(std::string_view spec, std::string_view hf_endpoint) {
  if (StartsWithNoCase(spec, "hf://")) {
    while (!hf_endpoint.empty() && hf_endpoint.back() == '/') hf_endpoint.remove_suffix(1);
    return ResolveHuggingFace(spec, hf_endpoint);
  }
  if (StartsWithNoCase(spec, "http://")) return ResolveHttp(spec, 7);
  if (StartsWithNoCase(spec, "https://")) return ResolveHttp(spec, 8);
  return InvalidArgumentError("unsupported source '" + std::string(spec) +
                              "': use hf://OWNER/REPO/FILE.gguf, http://... or https://...");
}

std::string DefaultModelName(std::string_view file_name) {
  const size_t dot = file_name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) file_name = file_name.substr(0, dot);
  std::string name;
  for (char c : file_name) name += IsNameChar(c) ? c : '_';
  while (!name.empty() && name.front() == '.') name.erase(0, 1);
  if (name.size() > 128) name.resize(128);
  return name.empty() ? "model" : name;
}

// One rule for every entry point: strato/core/model_name.h.
Status CheckModelName(std::string_view name) { return ValidateModelName(name); }

std::string RedactUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t host = scheme + 3;
  const size_t end = url.find_first_of("/?#", host);
  const std::string_view authority = url.substr(host, end == std::string_view::npos ? url.npos : end - host);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, host)) + "***@" + std::string(url.substr(host + at + 1));
}

}  // namespace strato::fetch
