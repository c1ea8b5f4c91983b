// VRPLIB, Solomon and .sol readers/writers (see io.h).
#include "strato/routing/io.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "strato/routing/json.h"

namespace strato::routing {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(Trim(text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool ParseNumber(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// All words of `line` as numbers, or false if any is not a number.
bool ParseNumbers(std::string_view line, std::vector<double>* out) {
  out->clear();
  for (auto w : Words(line)) {
    double v;
    if (!ParseNumber(w, &v)) return false;
    out->push_back(v);
  }
  return true;
}

Status LineError(size_t line, const std::string& what) {
  return InvalidArgumentError("line " + std::to_string(line + 1) + ": " + what);
}

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

StatusOr<Problem> ParseVrplib(std::string_view text) {
  Problem p;
  p.rounding = Rounding::kNearestInt;
  long dimension = -1;
  std::string edge_type = "EUC_2D", edge_format;
  std::string section;
  std::vector<double> nums;
  std::vector<double> matrix;
  bool have_coords = false, have_tw = false, have_service = false;
  const auto lines = Lines(text);
  auto node_index = [&](double id, size_t line, long* out) -> Status {
    if (dimension <= 0) return LineError(line, "a section comes before DIMENSION");
    if (id != std::floor(id) || id < 1 || id > dimension) {
      return LineError(line, "node id " + std::to_string(id) + " is outside 1..DIMENSION");
    }
    *out = static_cast<long>(id) - 1;
    return Status::Ok();
  };
  for (size_t ln = 0; ln < lines.size(); ++ln) {
    const std::string_view line = lines[ln];
    if (line.empty()) continue;
    if (line == "EOF") break;
    const auto words = Words(line);
    std::string_view first = words[0];
    const bool starts_alpha = std::isalpha(static_cast<unsigned char>(first[0]));
    if (starts_alpha) {
      const size_t colon = line.find(':');
      std::string key(Trim(line.substr(0, colon)));
      if (key.ends_with("_SECTION")) {
        section = key;
        if (dimension <= 0) return LineError(ln, key + " comes before DIMENSION");
        const size_t n = static_cast<size_t>(dimension);
        if (section == "NODE_COORD_SECTION") {
          p.x.assign(n, NAN);
          p.y.assign(n, NAN);
          have_coords = true;
        } else if (section == "TIME_WINDOW_SECTION") {
          p.ready.assign(n, NAN);
          p.due.assign(n, NAN);
          have_tw = true;
        } else if (section == "SERVICE_TIME_SECTION") {
          p.service.assign(n, NAN);
          have_service = true;
        }
        continue;
      }
      if (colon == std::string_view::npos) return LineError(ln, "expected KEY : VALUE");
      const std::string value(Trim(line.substr(colon + 1)));
      section.clear();
      double v = 0;
      if (key == "NAME") {
        p.name = value;
      } else if (key == "TYPE") {
        if (value != "CVRP" && value != "VRPTW" && value != "CVRPTW") {
          return LineError(ln, "TYPE " + value + " is not supported (CVRP or VRPTW)");
        }
      } else if (key == "DIMENSION") {
        if (!ParseNumber(value, &v) || v < 2 || v != std::floor(v) || v > kMaxNodes) {
          return LineError(ln, "DIMENSION must be an integer in 2.." + std::to_string(kMaxNodes));
        }
        dimension = static_cast<long>(v);
        p.demand.assign(dimension, NAN);
      } else if (key == "CAPACITY") {
        if (!ParseNumber(value, &v)) return LineError(ln, "CAPACITY is not a number");
        p.capacity = v;
      } else if (key == "VEHICLES") {
        if (!ParseNumber(value, &v) || v < 0 || v != std::floor(v)) {
          return LineError(ln, "VEHICLES must be an integer >= 0");
        }
        p.max_vehicles = static_cast<int>(v);
      } else if (key == "EDGE_WEIGHT_TYPE") {
        edge_type = value;
        if (value == "EUC_2D") {
          p.rounding = Rounding::kNearestInt;
        } else if (value == "EXACT_2D" || value == "FLOAT_2D") {
          p.rounding = Rounding::kNone;
        } else if (value != "EXPLICIT") {
          return LineError(
              ln, "EDGE_WEIGHT_TYPE " + value + " is not supported (EUC_2D, EXACT_2D or EXPLICIT)");
        }
      } else if (key == "EDGE_WEIGHT_FORMAT") {
        edge_format = value;
        if (value != "FULL_MATRIX") {
          return LineError(ln, "EDGE_WEIGHT_FORMAT " + value + " is not supported (FULL_MATRIX)");
        }
      }
      // Other keys (COMMENT, NODE_COORD_TYPE, ...) carry no data we need.
      continue;
    }
    if (!ParseNumbers(line, &nums)) return LineError(ln, "expected numbers");
    for (double v : nums) {
      if (!std::isfinite(v)) return LineError(ln, "a value is not a finite number");
    }
    long idx = 0;
    if (section == "NODE_COORD_SECTION") {
      if (nums.size() != 3) return LineError(ln, "NODE_COORD_SECTION rows are: id x y");
      RETURN_IF_ERROR(node_index(nums[0], ln, &idx));
      p.x[idx] = nums[1];
      p.y[idx] = nums[2];
    } else if (section == "DEMAND_SECTION") {
      if (nums.size() != 2) return LineError(ln, "DEMAND_SECTION rows are: id demand");
      RETURN_IF_ERROR(node_index(nums[0], ln, &idx));
      p.demand[idx] = nums[1];
    } else if (section == "SERVICE_TIME_SECTION") {
      if (nums.size() != 2) return LineError(ln, "SERVICE_TIME_SECTION rows are: id time");
      RETURN_IF_ERROR(node_index(nums[0], ln, &idx));
      p.service[idx] = nums[1];
    } else if (section == "TIME_WINDOW_SECTION") {
      if (nums.size() != 3) return LineError(ln, "TIME_WINDOW_SECTION rows are: id ready due");
      RETURN_IF_ERROR(node_index(nums[0], ln, &idx));
      p.ready[idx] = nums[1];
      p.due[idx] = nums[2];
    } else if (section == "DEPOT_SECTION") {
      for (double d : nums) {
        if (d == -1) {
          section.clear();
          break;
        }
        if (d != 1) return LineError(ln, "only node 1 may be the depot");
      }
    } else if (section == "EDGE_WEIGHT_SECTION") {
      matrix.insert(matrix.end(), nums.begin(), nums.end());
    } else {
      return LineError(ln, "numbers outside of a section");
    }
  }
  if (dimension <= 0) return InvalidArgumentError("DIMENSION: missing");
  for (long i = 0; i < dimension; ++i) {
    if (std::isnan(p.demand[i])) {
      return InvalidArgumentError("DEMAND_SECTION: no demand for node " + std::to_string(i + 1));
    }
    if (have_coords && (std::isnan(p.x[i]) || std::isnan(p.y[i]))) {
      return InvalidArgumentError("NODE_COORD_SECTION: no coordinates for node " +
                                  std::to_string(i + 1));
    }
    if (have_tw && std::isnan(p.ready[i])) {
      return InvalidArgumentError("TIME_WINDOW_SECTION: no window for node " +
                                  std::to_string(i + 1));
    }
    if (have_service && std::isnan(p.service[i])) {
      return InvalidArgumentError("SERVICE_TIME_SECTION: no time for node " +
                                  std::to_string(i + 1));
    }
  }
  if (edge_type == "EXPLICIT") {
    p.distance = std::move(matrix);
    if (p.distance.empty()) return InvalidArgumentError("EDGE_WEIGHT_SECTION: missing");
  } else if (!have_coords) {
    return InvalidArgumentError("NODE_COORD_SECTION: missing");
  }
  RETURN_IF_ERROR(Finalize(&p));
  return p;
}

StatusOr<Problem> ParseSolomon(std::string_view text) {
  Problem p;
  p.rounding = Rounding::kTruncateOneDecimal;
  p.max_vehicles = 25;  // the standard Solomon fleet
  const auto lines = Lines(text);
  std::vector<double> nums;
  bool after_capacity_header = false, have_header_numbers = false;
  double declared_customers = -1;
  for (size_t ln = 0; ln < lines.size(); ++ln) {
    const std::string_view line = lines[ln];
    if (line.empty()) continue;
    if (!ParseNumbers(line, &nums)) {
      if (line.find("CAPACITY") != std::string_view::npos) after_capacity_header = true;
      if (p.name.empty() && p.demand.empty() && !have_header_numbers) p.name = std::string(line);
      continue;
    }
    if (nums.size() == 2 && p.demand.empty() && !have_header_numbers) {
      have_header_numbers = true;
      if (after_capacity_header) {
        p.max_vehicles = static_cast<int>(nums[0]);
      } else {
        declared_customers = nums[0];
      }
      p.capacity = nums[1];
      continue;
    }
    if (nums.size() != 7) {
      return LineError(ln, "expected 7 numbers: id x y demand ready due service");
    }
    for (double v : nums) {
      if (!std::isfinite(v)) return LineError(ln, "a value is not a finite number");
    }
    if (p.demand.size() >= static_cast<size_t>(kMaxNodes)) {
      return LineError(ln, "more than " + std::to_string(kMaxNodes) + " nodes");
    }
    if (nums[0] != static_cast<double>(p.demand.size())) {
      return LineError(ln, "node rows must be numbered 0, 1, 2, ... in order");
    }
    p.x.push_back(nums[1]);
    p.y.push_back(nums[2]);
    p.demand.push_back(nums[3]);
    p.ready.push_back(nums[4]);
    p.due.push_back(nums[5]);
    p.service.push_back(nums[6]);
  }
  if (!have_header_numbers) return InvalidArgumentError("capacity: no capacity line found");
  if (declared_customers >= 0 && declared_customers + 1 != static_cast<double>(p.demand.size())) {
    return InvalidArgumentError(
        "header declares " + std::to_string(static_cast<long>(declared_customers)) +
        " customers but the file has " + std::to_string(p.demand.size() ? p.demand.size() - 1 : 0));
  }
  RETURN_IF_ERROR(Finalize(&p));
  return p;
}

StatusOr<Problem> ReadProblemFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  StatusOr<Problem> p = InvalidArgumentError("empty");
  if (path.ends_with(".json")) {
    auto j = ParseProblemJson(text);
    if (!j.ok()) return j.status().WithPrefix(path);
    p = std::move(j->problem);
  } else if (text.find("DIMENSION") != std::string::npos) {
    p = ParseVrplib(text);
  } else {
    p = ParseSolomon(text);
  }
  if (!p.ok()) return p.status().WithPrefix(path);
  if (p->name.empty()) {
    std::string base = path.substr(path.find_last_of('/') + 1);
    p->name = base.substr(0, base.find_last_of('.'));
  }
  return p;
}

StatusOr<SolutionFile> ParseSolution(std::string_view text) {
  SolutionFile out;
  const auto lines = Lines(text);
  for (size_t ln = 0; ln < lines.size(); ++ln) {
    const std::string_view line = lines[ln];
    if (line.empty()) continue;
    if (line.starts_with("Route")) {
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) return LineError(ln, "expected 'Route #k: ...'");
      std::vector<double> nums;
      if (!ParseNumbers(line.substr(colon + 1), &nums)) {
        return LineError(ln, "route lists must hold customer numbers");
      }
      std::vector<int> route;
      for (double v : nums) {
        if (v != std::floor(v) || v < 1 || v > 1e9) return LineError(ln, "bad customer number");
        route.push_back(static_cast<int>(v));
      }
      out.solution.routes.push_back(std::move(route));
    } else if (line.starts_with("Cost")) {
      const auto words = Words(line);
      if (words.size() != 2 || !ParseNumber(words[1], &out.cost)) {
        return LineError(ln, "expected 'Cost <number>'");
      }
    }
  }
  if (out.solution.routes.empty()) return InvalidArgumentError("solution: no 'Route' lines");
  return out;
}

StatusOr<SolutionFile> ReadSolutionFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  auto s = ParseSolution(text);
  if (!s.ok()) return s.status().WithPrefix(path);
  return s;
}

std::string FormatSolution(const Solution& solution, double cost) {
  std::string out;
  int k = 0;
  for (const auto& route : solution.routes) {
    if (route.empty()) continue;
    out.append("Route #").append(std::to_string(++k)).append(":");
    for (int c : route) out.append(" ").append(std::to_string(c));
    out.push_back('\n');
  }
  char buf[64];
  if (cost == std::floor(cost)) {
    std::snprintf(buf, sizeof buf, "Cost %.0f\n", cost);
  } else {
    std::snprintf(buf, sizeof buf, "Cost %.2f\n", cost);
  }
  out.append(buf);
  return out;
}

}  // namespace strato::routing
