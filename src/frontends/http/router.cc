#include "router.h"

#include <array>
#include <charconv>

#include "console.h"
#include "handlers.h"
#include "openai.h"
#include "strato/core/model_name.h"

namespace strato::http {
namespace {

// At most this many path segments are meaningful (/v2/models/m/versions/1/infer
// has six); longer paths are unknown routes.
constexpr size_t kMaxSegments = 8;

struct Path {
  std::array<std::string_view, kMaxSegments> seg;
  size_t size = 0;
  bool too_long = false;
};

Path SplitPath(std::string_view target) {
  Path path;
  if (auto q = target.find_first_of("?#"); q != std::string_view::npos) target = target.substr(0, q);
  size_t pos = 0;
  while (pos < target.size()) {
    if (target[pos] == '/') {
      ++pos;
      continue;
    }
    size_t end = target.find('/', pos);
    if (end == std::string_view::npos) end = target.size();
    if (path.size == kMaxSegments) {
      path.too_long = true;
      break;
    }
    path.seg[path.size++] = target.substr(pos, end - pos);
    pos = end;
  }
  return path;
}

std::string_view MethodName(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kDelete: return "DELETE";
    default: return "this method";
  }
}

Reply NotFound(std::string_view target) {
  return ErrorReply(404, "no route for '" + std::string(target.substr(0, 200)) + "'");
}

Reply WrongMethod(const RequestView& r, std::string_view allowed) {
  return ErrorReply(405, std::string(MethodName(r.method)) + " is not allowed on '" +
                             std::string(r.target.substr(0, 200)) + "'; use " +
                             std::string(allowed));
}

// Routes /v2/models/{m}[/versions/{v}][/action].
RouteResult RouteModel(const HandlerContext& ctx, const RequestView& r, const Path& p) {
  const std::string model = PercentDecode(p.seg[2]);
  if (Status valid = ValidateModelName(model); !valid.ok()) return StatusReply(valid);
  size_t next = 3;
  int64_t version = -1;
  if (p.size > 3 && p.seg[3] == "versions") {
    if (p.size < 5) return NotFound(r.target);
    const std::string_view v = p.seg[4];
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (ec != std::errc() || ptr != v.data() + v.size() || version < 0) {
      return ErrorReply(400, "model version '" + std::string(v.substr(0, 64)) +
                                 "' is not a non-negative integer");
    }
    next = 5;
  }
  const std::string_view action = next < p.size ? p.seg[next] : std::string_view();
  if (next + 1 < p.size) return NotFound(r.target);
  const bool get = r.method == Method::kGet;
  if (action.empty()) return get ? HandleModelMetadata(ctx, model, version) : WrongMethod(r, "GET");
  if (action == "ready") return get ? HandleModelReady(ctx, model, version) : WrongMethod(r, "GET");
  if (action == "config") return get ? HandleModelConfig(ctx, model, version) : WrongMethod(r, "GET");
  if (action == "stats") return get ? HandleModelStats(ctx, model, version) : WrongMethod(r, "GET");
  if (action == "generate" || action == "generate_stream") {
    if (r.method != Method::kPost) return WrongMethod(r, "POST");
    return HandleGenerate(ctx, model, version, r, action == "generate_stream");
  }
  if (action == "infer") {
    if (r.method != Method::kPost) return WrongMethod(r, "POST");
    return HandleInfer(ctx, model, version, r);
  }
  return NotFound(r.target);
}

RouteResult RouteRepository(const HandlerContext& ctx, const RequestView& r, const Path& p) {
  if (p.size == 3 && p.seg[2] == "index") {
    return r.method == Method::kPost ? HandleRepositoryIndex(ctx, r) : WrongMethod(r, "POST");
  }
  if (p.size == 5 && p.seg[2] == "models" && (p.seg[4] == "load" || p.seg[4] == "unload")) {
    if (r.method != Method::kPost) return WrongMethod(r, "POST");
    const std::string model = PercentDecode(p.seg[3]);
    if (Status valid = ValidateModelName(model); !valid.ok()) return StatusReply(valid);
    return p.seg[4] == "load" ? HandleRepositoryLoad(ctx, model, r)
                              : HandleRepositoryUnload(ctx, model);
  }
  return NotFound(r.target);
}

}  // namespace

RouteResult Router::Handle(const RequestView& r) {
  const HandlerContext ctx{manager_, metrics_, &info_};
  const Path p = SplitPath(r.target);
  if (p.size > 0 && p.seg[0] == "v1") return HandleOpenAI(ctx, r);
  if (p.size == 0 && !p.too_long) return HandleRootRedirect(r);
  if (p.size > 0 && p.seg[0] == "console") {
    return p.size <= 2 ? HandleConsole(r, p.size == 2 ? p.seg[1] : "") : NotFound(r.target);
  }
  if (p.too_long || p.size == 0 || p.seg[0] != "v2") return NotFound(r.target);
  const bool get = r.method == Method::kGet;
  if (p.size == 1) return get ? HandleServerMetadata(ctx) : WrongMethod(r, "GET");
  const std::string_view area = p.seg[1];
  if (area == "health" && p.size == 3) {
    if (p.seg[2] == "live") return get ? HandleHealthLive(ctx) : WrongMethod(r, "GET");
    if (p.seg[2] == "ready") return get ? HandleHealthReady(ctx) : WrongMethod(r, "GET");
    return NotFound(r.target);
  }
  if (area == "models" && p.size >= 3) {
    if (p.size == 3 && p.seg[2] == "stats") {
      return get ? HandleModelStats(ctx, "", -1) : WrongMethod(r, "GET");
    }
    return RouteModel(ctx, r, p);
  }
  if (area == "repository") return RouteRepository(ctx, r, p);
  return NotFound(r.target);
}

RouteResult MetricsHandler::Handle(const RequestView& r) {
  const Path p = SplitPath(r.target);
  if (p.size != 1 || p.seg[0] != "metrics") return NotFound(r.target);
  if (r.method != Method::kGet) return WrongMethod(r, "GET");
  Reply reply;
  reply.content_type = "text/plain; version=0.0.4";
  if (metrics_ != nullptr) reply.body = metrics_->RenderPrometheus();
  return reply;
}

}  // namespace strato::http
