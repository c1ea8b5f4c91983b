// ValidateXgboostModel: the checks are listed in the header; the layout is
// XGBoost 1.7's JSON model schema (doc/model.schema in XGBoost's sources):
// learner.learner_model_param, learner.gradient_booster (gbtree, dart or
// gblinear), and per tree the struct-of-arrays node table.
#include "strato/backend/xgboost_model_check.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "ubjson_reader.h"
#include "xgboost_booster.h"

namespace strato {
namespace {

using Json = rapidjson::Value;

std::atomic<bool> binary_allowed{false};

Status Bad(const std::string& where, const std::string& problem) {
  return InvalidArgumentError(where + ": " + problem);
}

StatusOr<const Json*> Member(const Json& object, const char* key, const std::string& where) {
  if (!object.IsObject()) return Bad(where, "must be an object");
  auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return Bad(where + "." + key, "is missing");
  return &it->value;
}

// XGBoost writes parameters as strings ("7") and node fields as numbers.
StatusOr<int64_t> IntOf(const Json& v, const std::string& where) {
  if (v.IsInt64()) return v.GetInt64();
  if (v.IsString()) {
    const char* begin = v.GetString();
    const char* end = begin + v.GetStringLength();
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(begin, end, out);
    if (ec == std::errc() && ptr == end) return out;
  }
  return Bad(where, "must be an integer");
}

StatusOr<double> NumberOf(const Json& v, const std::string& where) {
  if (v.IsNumber()) return v.GetDouble();
  if (v.IsString()) {
    // strtod needs a terminated string; model parameters are short.
    const std::string text(v.GetString(), v.GetStringLength());
    char* end = nullptr;
    const double out = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) return out;
  }
  return Bad(where, "must be a number");
}

StatusOr<int64_t> IntMember(const Json& object, const char* key, const std::string& where,
                            int64_t min, int64_t max) {
  ASSIGN_OR_RETURN(const Json* v, Member(object, key, where));
  const std::string at = where + "." + key;
  ASSIGN_OR_RETURN(int64_t n, IntOf(*v, at));
  if (n < min || n > max) {
    return Bad(at, std::to_string(n) + " is outside [" + std::to_string(min) + ", " +
                       std::to_string(max) + "]");
  }
  return n;
}

// An array member of exactly `size` elements (size < 0: any).
StatusOr<const Json*> ArrayMember(const Json& object, const char* key, const std::string& where,
                                  int64_t size) {
  ASSIGN_OR_RETURN(const Json* v, Member(object, key, where));
  const std::string at = where + "." + key;
  if (!v->IsArray()) return Bad(at, "must be an array");
  if (size >= 0 && static_cast<int64_t>(v->Size()) != size) {
    return Bad(at,
               "has " + std::to_string(v->Size()) + " elements, expected " + std::to_string(size));
  }
  return v;
}

StatusOr<std::vector<int64_t>> IntArray(const Json& object, const char* key,
                                        const std::string& where, int64_t size) {
  ASSIGN_OR_RETURN(const Json* a, ArrayMember(object, key, where, size));
  std::vector<int64_t> out;
  out.reserve(a->Size());
  for (rapidjson::SizeType i = 0; i < a->Size(); ++i) {
    const Json& e = (*a)[i];
    if (!e.IsInt64())
      return Bad(where + "." + key + "[" + std::to_string(i) + "]", "must be an integer");
    out.push_back(e.GetInt64());
  }
  return out;
}

StatusOr<std::vector<double>> FiniteArray(const Json& object, const char* key,
                                          const std::string& where, int64_t size) {
  ASSIGN_OR_RETURN(const Json* a, ArrayMember(object, key, where, size));
  std::vector<double> out;
  out.reserve(a->Size());
  for (rapidjson::SizeType i = 0; i < a->Size(); ++i) {
    const Json& e = (*a)[i];
    const std::string at = where + "." + key + "[" + std::to_string(i) + "]";
    if (!e.IsNumber()) return Bad(at, "must be a number");
    if (!std::isfinite(e.GetDouble())) return Bad(at, "is not finite");
    out.push_back(e.GetDouble());
  }
  return out;
}

// The categorical split tables: every categorical node has one segment
// inside `categories`, and category values stay small (XGBoost sizes a
// bit field by the largest one).
Status CheckCategories(const Json& tree, const std::string& where, int64_t n,
                       const std::vector<int64_t>& split_type) {
  bool any = false;
  for (int64_t t : split_type) any = any || t == 1;
  if (!any) return Status::Ok();
  ASSIGN_OR_RETURN(std::vector<int64_t> categories, IntArray(tree, "categories", where, -1));
  ASSIGN_OR_RETURN(std::vector<int64_t> nodes, IntArray(tree, "categories_nodes", where, -1));
  const auto count = static_cast<int64_t>(nodes.size());
  ASSIGN_OR_RETURN(std::vector<int64_t> segments,
                   IntArray(tree, "categories_segments", where, count));
  ASSIGN_OR_RETURN(std::vector<int64_t> sizes, IntArray(tree, "categories_sizes", where, count));
  for (size_t i = 0; i < categories.size(); ++i) {
    if (categories[i] < 0 || categories[i] >= kMaxXgbFeatures) {
      return Bad(where + ".categories[" + std::to_string(i) + "]",
                 std::to_string(categories[i]) + " is not a category id below " +
                     std::to_string(kMaxXgbFeatures));
    }
  }
  std::vector<bool> has_table(static_cast<size_t>(n), false);
  for (int64_t i = 0; i < count; ++i) {
    const std::string at = where + ".categories_nodes[" + std::to_string(i) + "]";
    if (nodes[i] < 0 || nodes[i] >= n) return Bad(at, std::to_string(nodes[i]) + " is not a node");
    has_table[static_cast<size_t>(nodes[i])] = true;
    if (segments[i] < 0 || sizes[i] < 0 ||
        segments[i] > static_cast<int64_t>(categories.size()) - sizes[i]) {
      return Bad(where + ".categories_segments[" + std::to_string(i) + "]",
                 "segment [" + std::to_string(segments[i]) + ", +" + std::to_string(sizes[i]) +
                     ") lies outside categories (" + std::to_string(categories.size()) + ")");
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    if (split_type[static_cast<size_t>(i)] == 1 && !has_table[static_cast<size_t>(i)]) {
      return Bad(where + ".split_type[" + std::to_string(i) + "]",
                 "categorical split without a categories_nodes entry");
    }
  }
  return Status::Ok();
}

Status CheckTree(const Json& tree, const std::string& where, int64_t num_feature) {
  if (!tree.IsObject()) return Bad(where, "must be an object");
  ASSIGN_OR_RETURN(const Json* param, Member(tree, "tree_param", where));
  const std::string pwhere = where + ".tree_param";
  ASSIGN_OR_RETURN(const int64_t n, IntMember(*param, "num_nodes", pwhere, 1, kMaxXgbTreeNodes));
  ASSIGN_OR_RETURN(const int64_t deleted, IntMember(*param, "num_deleted", pwhere, 0, n - 1));
  (void)deleted;
  if (param->HasMember("size_leaf_vector")) {
    RETURN_IF_ERROR(IntMember(*param, "size_leaf_vector", pwhere, 0, 0).status());
  }
  if (param->HasMember("num_feature")) {
    RETURN_IF_ERROR(IntMember(*param, "num_feature", pwhere, 0, num_feature).status());
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> left, IntArray(tree, "left_children", where, n));
  ASSIGN_OR_RETURN(std::vector<int64_t> right, IntArray(tree, "right_children", where, n));
  ASSIGN_OR_RETURN(std::vector<int64_t> parents, IntArray(tree, "parents", where, n));
  ASSIGN_OR_RETURN(std::vector<int64_t> split_index, IntArray(tree, "split_indices", where, n));
  ASSIGN_OR_RETURN(std::vector<int64_t> default_left, IntArray(tree, "default_left", where, n));
  ASSIGN_OR_RETURN(std::vector<double> conditions, FiniteArray(tree, "split_conditions", where, n));
  for (const char* key : {"base_weights", "loss_changes", "sum_hessian"}) {
    RETURN_IF_ERROR(FiniteArray(tree, key, where, n).status());
  }
  std::vector<int64_t> split_type(static_cast<size_t>(n), 0);
  if (tree.HasMember("split_type")) {
    ASSIGN_OR_RETURN(split_type, IntArray(tree, "split_type", where, n));
  }
  auto at = [&where](const char* key, int64_t i) {
    return where + "." + key + "[" + std::to_string(i) + "]";
  };
  for (int64_t i = 0; i < n; ++i) {
    const auto u = static_cast<size_t>(i);
    for (const auto* side : {&left, &right}) {
      const int64_t c = (*side)[u];
      if (c != -1 && (c < 1 || c >= n)) {
        return Bad(
            at(side == &left ? "left_children" : "right_children", i),
            std::to_string(c) + " is not a node of the tree (num_nodes " + std::to_string(n) + ")");
      }
    }
    if ((left[u] == -1) != (right[u] == -1)) {
      return Bad(at("left_children", i), "a node needs both children or none");
    }
    if (split_index[u] < 0 || split_index[u] > 0x7fffffff) {
      return Bad(at("split_indices", i), std::to_string(split_index[u]) + " is out of range");
    }
    if (default_left[u] != 0 && default_left[u] != 1) {
      return Bad(at("default_left", i), "must be 0 or 1");
    }
    if (split_type[u] != 0 && split_type[u] != 1) {
      return Bad(at("split_type", i), "must be 0 (numerical) or 1 (categorical)");
    }
  }
  // Walk from the root: each node is reached at most once (no cycles, no
  // shared children), and every split a prediction can take names a real
  // feature. Unreached nodes are the ones pruning deleted.
  std::vector<bool> seen(static_cast<size_t>(n), false);
  std::vector<int64_t> stack = {0};
  seen[0] = true;
  while (!stack.empty()) {
    const int64_t i = stack.back();
    stack.pop_back();
    const auto u = static_cast<size_t>(i);
    if (left[u] == -1) continue;  // leaf
    if (split_index[u] >= num_feature) {
      return Bad(at("split_indices", i), "feature " + std::to_string(split_index[u]) +
                                             " is not below num_feature " +
                                             std::to_string(num_feature));
    }
    for (int64_t c : {left[u], right[u]}) {
      const auto cu = static_cast<size_t>(c);
      if (seen[cu])
        return Bad(at("left_children", i), "node " + std::to_string(c) + " is reached twice");
      seen[cu] = true;
      if (parents[cu] != i) {
        return Bad(at("parents", c),
                   std::to_string(parents[cu]) + " is not its parent " + std::to_string(i));
      }
      stack.push_back(c);
    }
  }
  (void)conditions;
  return CheckCategories(tree, where, n, split_type);
}

Status CheckGbtree(const Json& model, const std::string& where, int64_t num_feature, int64_t groups,
                   int64_t* num_trees_out) {
  ASSIGN_OR_RETURN(const Json* param, Member(model, "gbtree_model_param", where));
  const std::string pwhere = where + ".gbtree_model_param";
  ASSIGN_OR_RETURN(const int64_t num_trees, IntMember(*param, "num_trees", pwhere, 0, 1 << 22));
  if (param->HasMember("size_leaf_vector")) {
    RETURN_IF_ERROR(IntMember(*param, "size_leaf_vector", pwhere, 0, 0).status());
  }
  ASSIGN_OR_RETURN(const Json* trees, ArrayMember(model, "trees", where, num_trees));
  ASSIGN_OR_RETURN(std::vector<int64_t> tree_info, IntArray(model, "tree_info", where, num_trees));
  std::vector<bool> ids(static_cast<size_t>(num_trees), false);
  for (int64_t t = 0; t < num_trees; ++t) {
    const std::string twhere = where + ".trees[" + std::to_string(t) + "]";
    if (tree_info[static_cast<size_t>(t)] < 0 || tree_info[static_cast<size_t>(t)] >= groups) {
      return Bad(where + ".tree_info[" + std::to_string(t) + "]",
                 "output group " + std::to_string(tree_info[static_cast<size_t>(t)]) +
                     " is not below " + std::to_string(groups));
    }
    const Json& tree = (*trees)[static_cast<rapidjson::SizeType>(t)];
    if (tree.IsObject() && tree.HasMember("id")) {
      ASSIGN_OR_RETURN(const int64_t id, IntMember(tree, "id", twhere, 0, num_trees - 1));
      if (ids[static_cast<size_t>(id)])
        return Bad(twhere + ".id", "tree id " + std::to_string(id) + " repeats");
      ids[static_cast<size_t>(id)] = true;
    }
    RETURN_IF_ERROR(CheckTree(tree, twhere, num_feature));
  }
  *num_trees_out = num_trees;
  return Status::Ok();
}

Status CheckLearner(const Json& root) {
  ASSIGN_OR_RETURN(const Json* learner, Member(root, "learner", "model"));
  const std::string where = "learner";
  ASSIGN_OR_RETURN(const Json* param, Member(*learner, "learner_model_param", where));
  const std::string pwhere = where + ".learner_model_param";
  ASSIGN_OR_RETURN(const int64_t num_feature,
                   IntMember(*param, "num_feature", pwhere, 0, kMaxXgbFeatures));
  ASSIGN_OR_RETURN(const int64_t num_class,
                   IntMember(*param, "num_class", pwhere, 0, kMaxXgbClasses));
  int64_t num_target = 1;
  if (param->HasMember("num_target")) {
    ASSIGN_OR_RETURN(num_target, IntMember(*param, "num_target", pwhere, 1, kMaxXgbClasses));
  }
  if (param->HasMember("base_score")) {
    ASSIGN_OR_RETURN(const double base, NumberOf((*param)["base_score"], pwhere + ".base_score"));
    if (!std::isfinite(base)) return Bad(pwhere + ".base_score", "is not finite");
  }
  const int64_t groups = std::max<int64_t>({num_class, num_target, 1});
  for (const char* key : {"feature_names", "feature_types"}) {
    if (!learner->HasMember(key)) continue;
    ASSIGN_OR_RETURN(const Json* names, ArrayMember(*learner, key, where, -1));
    if (names->Size() != 0 && static_cast<int64_t>(names->Size()) != num_feature) {
      return Bad(where + "." + key, "has " + std::to_string(names->Size()) +
                                        " entries but num_feature is " +
                                        std::to_string(num_feature));
    }
  }
  ASSIGN_OR_RETURN(const Json* booster, Member(*learner, "gradient_booster", where));
  const std::string bwhere = where + ".gradient_booster";
  ASSIGN_OR_RETURN(const Json* name, Member(*booster, "name", bwhere));
  const std::string kind = name->IsString() ? name->GetString() : "";
  int64_t num_trees = 0;
  if (kind == "gbtree") {
    ASSIGN_OR_RETURN(const Json* model, Member(*booster, "model", bwhere));
    return CheckGbtree(*model, bwhere + ".model", num_feature, groups, &num_trees);
  }
  if (kind == "dart") {
    ASSIGN_OR_RETURN(const Json* gbtree, Member(*booster, "gbtree", bwhere));
    ASSIGN_OR_RETURN(const Json* model, Member(*gbtree, "model", bwhere + ".gbtree"));
    RETURN_IF_ERROR(CheckGbtree(*model, bwhere + ".gbtree.model", num_feature, groups, &num_trees));
    return FiniteArray(*booster, "weight_drop", bwhere, num_trees).status();
  }
  if (kind == "gblinear") {
    ASSIGN_OR_RETURN(const Json* model, Member(*booster, "model", bwhere));
    return FiniteArray(*model, "weights", bwhere + ".model", (num_feature + 1) * groups).status();
  }
  return Bad(bwhere + ".name", "'" + kind.substr(0, 40) + "' is not gbtree, dart or gblinear");
}

}  // namespace

void SetXgboostBinaryAllowed(bool allowed) { binary_allowed.store(allowed); }
bool XgboostBinaryAllowed() { return binary_allowed.load(); }

Status ValidateXgboostModel(std::span<const uint8_t> bytes, std::string_view source) {
  const std::string shown(source);
  rapidjson::Document doc;
  switch (DetectXgbFormat(bytes)) {
    case XgbFormat::kBinary:
      if (XgboostBinaryAllowed()) return Status::Ok();
      return InvalidArgumentError(
          shown +
          ": the legacy binary XGBoost format cannot be checked before loading and is "
          "refused; save the model as JSON or UBJ (booster.save_model('model.json')), or "
          "start the server with --allow-xgboost-binary for trusted models");
    case XgbFormat::kJson:
      doc.Parse<rapidjson::kParseNanAndInfFlag>(reinterpret_cast<const char*>(bytes.data()),
                                                bytes.size());
      if (doc.HasParseError()) {
        return InvalidArgumentError(shown + ": not valid JSON (at byte " +
                                    std::to_string(doc.GetErrorOffset()) + ")");
      }
      break;
    case XgbFormat::kUbj:
      if (Status s = ParseUbjson(bytes, &doc); !s.ok()) return s.WithPrefix(shown);
      break;
  }
  Status checked = CheckLearner(doc);
  if (!checked.ok()) {
    return InvalidArgumentError(shown + ": unsafe XGBoost model, refused: " + checked.message());
  }
  return Status::Ok();
}

}  // namespace strato
