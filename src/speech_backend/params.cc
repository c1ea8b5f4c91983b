#include "params.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace strato::speech {

StatusOr<std::optional<double>> RequestNumber(const Parameters& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return std::optional<double>();
  if (const auto* i = std::get_if<int64_t>(&it->second)) return std::optional<double>(*i);
  if (const auto* d = std::get_if<double>(&it->second)) return std::optional<double>(*d);
  return InvalidArgumentError("parameter '" + std::string(key) + "' must be a number");
}

StatusOr<std::optional<std::string>> RequestString(const Parameters& p, std::string_view key) {
  auto it = p.find(key);
  if (it == p.end()) return std::optional<std::string>();
  if (const auto* s = std::get_if<std::string>(&it->second)) return std::optional<std::string>(*s);
  return InvalidArgumentError("parameter '" + std::string(key) + "' must be a string");
}

StatusOr<double> ConfigNumber(const inference::ModelConfig& config, std::string_view key,
                              double fallback) {
  const std::string v = ConfigParameter(config, key);
  if (v.empty()) return fallback;
  double out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) {
    return InvalidArgumentError("config parameter " + std::string(key) +
                                ": expected a number, got '" + v + "'");
  }
  return out;
}

StatusOr<bool> ConfigBool(const inference::ModelConfig& config, std::string_view key,
                          bool fallback) {
  std::string v = ConfigParameter(config, key);
  if (v.empty()) return fallback;
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return InvalidArgumentError("config parameter " + std::string(key) +
                              ": expected true or false, got '" + v + "'");
}

StatusOr<std::string_view> SingleBytes(const Tensor& tensor) {
  std::string_view out;
  int count = 0;
  Status s = ForEachBytesElement(tensor.bytes(), [&](std::string_view e) {
    if (count++ == 0) out = e;
  });
  if (!s.ok()) return s.WithPrefix("input '" + tensor.name() + "'");
  if (count != 1) {
    return InvalidArgumentError("input '" + tensor.name() +
                                "' must hold exactly one element (got " + std::to_string(count) +
                                ")");
  }
  return out;
}

Tensor BytesTensor(std::string_view name, std::string_view value) {
  Tensor t(std::string(name), DataType::kBytes, {1});
  std::vector<uint8_t> bytes;
  AppendBytesElement(&bytes, value);
  t.SetOwned(std::move(bytes));
  return t;
}

}  // namespace strato::speech
