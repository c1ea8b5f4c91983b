// JSON problem reader and solution writer (see json.h).
#include "strato/routing/json.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <limits>

namespace strato::routing {
namespace {

using rapidjson::Value;

constexpr double kUnbounded = 1e15;

Status FieldError(const std::string& field, const std::string& what) {
  return InvalidArgumentError(field + ": " + what);
}

// Reads an optional number; `*present` says whether it was there.
Status OptionalNumber(const Value& obj, const char* key, const std::string& where, double* out,
                      bool* present = nullptr) {
  if (present) *present = false;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return Status::Ok();
  if (!it->value.IsNumber()) return FieldError(where + "." + key, "must be a number");
  *out = it->value.GetDouble();
  if (!std::isfinite(*out)) return FieldError(where + "." + key, "must be a finite number");
  if (present) *present = true;
  return Status::Ok();
}

Status Matrix(const Value& v, const std::string& field, size_t n, std::vector<double>* out) {
  if (!v.IsArray()) return FieldError(field, "must be an array of rows");
  if (v.Size() != n) {
    return FieldError(field, "has " + std::to_string(v.Size()) + " rows, expected " +
                                 std::to_string(n) + " (the depot and each customer)");
  }
  out->reserve(n * n);
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    const Value& row = v[i];
    const std::string where = field + "[" + std::to_string(i) + "]";
    if (!row.IsArray() || row.Size() != n) {
      return FieldError(where, "must be a row of " + std::to_string(n) + " numbers");
    }
    for (rapidjson::SizeType j = 0; j < n; ++j) {
      if (!row[j].IsNumber() || !std::isfinite(row[j].GetDouble())) {
        return FieldError(where + "[" + std::to_string(j) + "]", "must be a finite number");
      }
      out->push_back(row[j].GetDouble());
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<JsonProblem> ParseProblemJson(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseNanAndInfFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return InvalidArgumentError(std::string("problem: invalid JSON at offset ") +
                                std::to_string(doc.GetErrorOffset()) + ": " +
                                rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return InvalidArgumentError("problem: must be a JSON object");
  JsonProblem out;
  Problem& p = out.problem;
  if (auto it = doc.FindMember("name"); it != doc.MemberEnd() && it->value.IsString()) {
    p.name = it->value.GetString();
  }
  bool have = false;
  RETURN_IF_ERROR(OptionalNumber(doc, "capacity", "problem", &p.capacity, &have));
  if (!have) return FieldError("capacity", "is required (the vehicle capacity)");
  double vehicles = 0;
  RETURN_IF_ERROR(OptionalNumber(doc, "vehicles", "problem", &vehicles));
  if (vehicles < 0 || vehicles != std::floor(vehicles) || vehicles > 1e6) {
    return FieldError("vehicles", "must be an integer >= 0 (0 = unlimited)");
  }
  p.max_vehicles = static_cast<int>(vehicles);
  if (auto it = doc.FindMember("rounding"); it != doc.MemberEnd()) {
    const std::string r = it->value.IsString() ? it->value.GetString() : "";
    if (r == "none")
      p.rounding = Rounding::kNone;
    else if (r == "nearest")
      p.rounding = Rounding::kNearestInt;
    else if (r == "truncate1")
      p.rounding = Rounding::kTruncateOneDecimal;
    else
      return FieldError("rounding", "must be \"none\", \"nearest\" or \"truncate1\"");
  }
  auto cit = doc.FindMember("customers");
  if (cit == doc.MemberEnd() || !cit->value.IsArray()) {
    return FieldError("customers", "is required: an array of customers");
  }
  const Value& customers = cit->value;
  if (customers.Size() == 0) return FieldError("customers", "is empty: nothing to route");
  if (customers.Size() >= static_cast<size_t>(kMaxNodes)) {
    return FieldError("customers", "has " + std::to_string(customers.Size()) +
                                       " entries, at most " + std::to_string(kMaxNodes - 1) +
                                       " are supported");
  }
  const size_t n = customers.Size() + 1;
  const bool has_matrix = doc.HasMember("distance");
  // Depot first, then customers: collect each node's fields.
  std::vector<double> x(n, 0), y(n, 0), demand(n, 0), service(n, 0), ready(n, 0), due(n, NAN);
  bool any_tw = false, any_service = false, any_xy = false, all_xy = true;
  auto read_node = [&](const Value& v, size_t i, const std::string& where) -> Status {
    if (!v.IsObject()) return FieldError(where, "must be an object");
    bool hx = false, hy = false, hr = false, hd = false, hs = false;
    RETURN_IF_ERROR(OptionalNumber(v, "x", where, &x[i], &hx));
    RETURN_IF_ERROR(OptionalNumber(v, "y", where, &y[i], &hy));
    if (hx != hy) return FieldError(where, "give both x and y, or neither");
    any_xy |= hx;
    all_xy &= hx;
    if (i > 0) {
      bool hq = false;
      RETURN_IF_ERROR(OptionalNumber(v, "demand", where, &demand[i], &hq));
      if (!hq) return FieldError(where + ".demand", "is required");
    }
    RETURN_IF_ERROR(OptionalNumber(v, "service", where, &service[i], &hs));
    RETURN_IF_ERROR(OptionalNumber(v, "ready", where, &ready[i], &hr));
    RETURN_IF_ERROR(OptionalNumber(v, "due", where, &due[i], &hd));
    any_tw |= hr || hd;
    any_service |= hs;
    std::string id = i == 0 ? "depot" : std::to_string(i);
    if (auto it = v.FindMember("id"); it != v.MemberEnd()) {
      if (it->value.IsString())
        id = it->value.GetString();
      else if (it->value.IsNumber())
        id = std::to_string(it->value.GetInt64());
      else
        return FieldError(where + ".id", "must be a string or a number");
    }
    out.ids.push_back(std::move(id));
    return Status::Ok();
  };
  auto dit = doc.FindMember("depot");
  if (dit != doc.MemberEnd()) {
    RETURN_IF_ERROR(read_node(dit->value, 0, "depot"));
  } else {
    if (!has_matrix)
      return FieldError("depot", "is required (its x and y) without a distance matrix");
    out.ids.push_back("depot");
    all_xy = false;
  }
  for (rapidjson::SizeType k = 0; k < customers.Size(); ++k) {
    RETURN_IF_ERROR(read_node(customers[k], k + 1, "customers[" + std::to_string(k) + "]"));
  }
  p.demand = std::move(demand);
  if (any_service) p.service = std::move(service);
  if (any_xy) {
    if (!all_xy && !has_matrix) {
      return FieldError("customers", "every node needs x and y when no distance matrix is given");
    }
    if (all_xy) {
      p.x = std::move(x);
      p.y = std::move(y);
    }
  }
  if (any_tw) {
    const double horizon = std::isnan(due[0]) ? kUnbounded : due[0];
    for (size_t i = 0; i < n; ++i) {
      if (std::isnan(due[i])) due[i] = horizon;
    }
    p.ready = std::move(ready);
    p.due = std::move(due);
  }
  if (has_matrix) RETURN_IF_ERROR(Matrix(doc["distance"], "distance", n, &p.distance));
  if (auto it = doc.FindMember("duration"); it != doc.MemberEnd()) {
    RETURN_IF_ERROR(Matrix(it->value, "duration", n, &p.duration));
  }
  RETURN_IF_ERROR(Finalize(&p));

  SolverOptions& o = out.options;
  double t = o.time_limit_s, iters = 0, seed = 1, threads = 1;
  RETURN_IF_ERROR(OptionalNumber(doc, "time_limit_s", "problem", &t));
  RETURN_IF_ERROR(OptionalNumber(doc, "max_iterations", "problem", &iters));
  RETURN_IF_ERROR(OptionalNumber(doc, "seed", "problem", &seed));
  RETURN_IF_ERROR(OptionalNumber(doc, "threads", "problem", &threads));
  if (!(t > 0) || t > 86400) return FieldError("time_limit_s", "must be in (0, 86400]");
  if (iters < 0 || iters != std::floor(iters))
    return FieldError("max_iterations", "must be an integer >= 0");
  if (seed < 0 || seed != std::floor(seed) || seed > 9e15)
    return FieldError("seed", "must be an integer >= 0");
  if (threads < 1 || threads > 64 || threads != std::floor(threads)) {
    return FieldError("threads", "must be an integer in 1..64");
  }
  o.time_limit_s = t;
  o.max_iterations = static_cast<int64_t>(iters);
  o.seed = static_cast<uint64_t>(seed);
  o.threads = static_cast<int>(threads);
  return out;
}

std::string SolutionToJson(const JsonProblem& in, const SolveResult& result,
                           const CheckReport* report) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("feasible");
  w.Bool(result.feasible);
  w.Key("cost");
  w.Double(result.cost);
  w.Key("vehicles");
  w.Int(result.vehicles);
  w.Key("routes");
  w.StartArray();
  for (size_t r = 0; r < result.best.routes.size(); ++r) {
    const auto& route = result.best.routes[r];
    w.StartObject();
    w.Key("vehicle");
    w.Uint(static_cast<unsigned>(r + 1));
    w.Key("stops");
    w.StartArray();
    for (int c : route) w.String(in.ids[c].c_str());
    w.EndArray();
    w.Key("customers");
    w.StartArray();
    for (int c : route) w.Int(c);
    w.EndArray();
    if (report != nullptr && r < report->routes.size()) {
      const RouteReport& rr = report->routes[r];
      w.Key("distance");
      w.Double(rr.distance);
      w.Key("load");
      w.Double(rr.load);
      w.Key("start");
      w.Double(rr.start);
      w.Key("end");
      w.Double(rr.end);
      w.Key("arrivals");
      w.StartArray();
      for (double a : rr.arrival) w.Double(a);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("iterations");
  w.Int64(result.iterations);
  w.Key("seconds");
  w.Double(result.seconds);
  w.Key("cancelled");
  w.Bool(result.cancelled);
  w.Key("history");
  w.StartArray();
  for (const auto& imp : result.history) {
    w.StartArray();
    w.Double(imp.seconds);
    w.Double(imp.cost);
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

}  // namespace strato::routing
