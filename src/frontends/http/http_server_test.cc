// In-process server tests: a real HttpServer on a loopback port, real HTTP
// over sockets, and an in-test ModelManager (http_test_util.h).
#include "strato/frontends/http_server.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "http_test_util.h"

namespace strato::http {
namespace {

using httptest::FakeModelManager;
using httptest::HttpResponse;
using httptest::HttpTestClient;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(64 * 1024 * 1024); }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }
  void StartServer(size_t max_body) {
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.max_body_bytes = max_body;
    auto server = StartHttpServer(options, &manager_, &metrics_, info_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  HttpTestClient Client() { return HttpTestClient(server_->port()); }

  static rapidjson::Document Json(const std::string& body) {
    rapidjson::Document d;
    d.Parse(body.c_str());
    EXPECT_FALSE(d.HasParseError()) << body;
    return d;
  }
  // Asserts an error reply with `status` whose message contains `needle`.
  static void ExpectError(const HttpResponse& r, int status, std::string_view needle) {
    EXPECT_EQ(r.status, status) << r.body;
    auto d = Json(r.body);
    ASSERT_TRUE(d.IsObject() && d.HasMember("error")) << r.body;
    EXPECT_NE(std::string(d["error"].GetString()).find(needle), std::string::npos) << r.body;
  }

  FakeModelManager manager_;
  MetricsRegistry metrics_;
  ServerInfo info_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, HealthAndReadiness) {
  auto c = Client();
  EXPECT_EQ(c.Request("GET", "/v2/health/live").status, 200);
  EXPECT_EQ(c.Request("GET", "/v2/health/ready").status, 200);
  info_.draining->store(true);
  EXPECT_EQ(c.Request("GET", "/v2/health/ready").status, 503);
  info_.draining->store(false);
  manager_.ready = false;
  EXPECT_EQ(c.Request("GET", "/v2/health/ready").status, 503);
  EXPECT_EQ(c.Request("GET", "/v2/health/live").status, 200);
}

TEST_F(HttpServerTest, ServerAndModelMetadata) {
  auto c = Client();
  auto r = c.Request("GET", "/v2");
  ASSERT_EQ(r.status, 200);
  auto d = Json(r.body);
  EXPECT_STREQ(d["name"].GetString(), "strato");
  EXPECT_TRUE(d["extensions"].IsArray());
  r = c.Request("GET", "/v2/models/echo");
  ASSERT_EQ(r.status, 200) << r.body;
  d = Json(r.body);
  EXPECT_STREQ(d["name"].GetString(), "echo");
  EXPECT_STREQ(d["versions"][0].GetString(), "1");
  EXPECT_STREQ(d["platform"].GetString(), "identity");
  EXPECT_STREQ(d["inputs"][0]["datatype"].GetString(), "INT32");
  EXPECT_EQ(d["inputs"][0]["shape"][0].GetInt(), -1);
  EXPECT_EQ(d["inputs"][0]["shape"][1].GetInt(), 4);
  EXPECT_STREQ(Json(c.Request("GET", "/v2/models/echo_bytes").body)["inputs"][0]["datatype"].GetString(), "BYTES");
  EXPECT_EQ(c.Request("GET", "/v2/models/echo/versions/1").status, 200);
  ExpectError(c.Request("GET", "/v2/models/nope"), 404, "nope");
  ExpectError(c.Request("GET", "/v2/models/echo/versions/7"), 404, "version 7");
  ExpectError(c.Request("GET", "/v2/models/echo/versions/x"), 400, "'x'");
  EXPECT_EQ(c.Request("GET", "/v2/models/echo/ready").status, 200);
  EXPECT_EQ(c.Request("GET", "/v2/models/nope/ready").status, 404);
}

TEST_F(HttpServerTest, InferJson) {
  auto c = Client();
  auto r = c.Request("POST", "/v2/models/echo/infer",
                     R"({"id":"r1","inputs":[{"name":"INPUT0","datatype":"INT32","shape":[1,4],"data":[[1,2,3,4]]}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/json");
  auto d = Json(r.body);
  EXPECT_STREQ(d["id"].GetString(), "r1");
  EXPECT_STREQ(d["model_name"].GetString(), "echo");
  EXPECT_STREQ(d["model_version"].GetString(), "1");
  const auto& out = d["outputs"][0];
  EXPECT_STREQ(out["name"].GetString(), "OUTPUT0");
  EXPECT_EQ(out["data"][3].GetInt(), 4);
  r = c.Request("POST", "/v2/models/echo_bytes/versions/1/infer",
                R"({"inputs":[{"name":"INPUT0","datatype":"BYTES","shape":[2],"data":["ab","c"]}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(Json(r.body)["outputs"][0]["data"][1].GetString(), "c");
}

TEST_F(HttpServerTest, InferBinary) {
  auto c = Client();
  const std::string json =
      R"({"inputs":[{"name":"INPUT0","datatype":"FP32","shape":[3],"parameters":{"binary_data_size":12}}],)"
      R"("outputs":[{"name":"OUTPUT0","parameters":{"binary_data":true}}]})";
  const float v[3] = {1.5f, -2.0f, 3.25f};
  std::string body = json + std::string(reinterpret_cast<const char*>(v), 12);
  auto r = c.Request("POST", "/v2/models/echo_fp32/infer", body,
                     "Inference-Header-Content-Length: " + std::to_string(json.size()) + "\r\n");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.headers.count("inference-header-content-length"));
  const size_t header = std::stoul(r.headers["inference-header-content-length"]);
  ASSERT_EQ(r.body.size(), header + 12);
  auto d = Json(r.body.substr(0, header));
  EXPECT_EQ(d["outputs"][0]["parameters"]["binary_data_size"].GetInt(), 12);
  EXPECT_EQ(0, std::memcmp(r.body.data() + header, v, 12));
}

TEST_F(HttpServerTest, BadInferRequests) {
  auto c = Client();
  const std::string path = "/v2/models/echo_fp32/infer";
  ExpectError(c.Request("POST", path, "{\"inputs\":[{"), 400, "malformed JSON");
  ExpectError(c.Request("POST", path, R"({"inputs":[{"name":"INPUT0","datatype":"FP99","shape":[1],"data":[1]}]})"),
              400, "unknown datatype 'FP99'");
  ExpectError(c.Request("POST", path, R"({"inputs":[{"name":"INPUT0","datatype":"FP32","shape":[3],"data":[1,2]}]})"),
              400, "input 'INPUT0': data has 2 elements but shape needs 3");
  ExpectError(c.Request("POST", path, R"({"inputs":[{"name":"OTHER","datatype":"FP32","shape":[1],"data":[1]}]})"),
              400, "input 'INPUT0' is missing");
  const std::string bj =
      R"({"inputs":[{"name":"INPUT0","datatype":"BYTES","shape":[1],"parameters":{"binary_data_size":5}}]})";
  ExpectError(c.Request("POST", "/v2/models/echo_bytes/infer", bj + std::string("\x10\0\0\0x", 5),
                        "Inference-Header-Content-Length: " + std::to_string(bj.size()) + "\r\n"),
              400, "claims 16 bytes");
  ExpectError(c.Request("POST", "/v2/models/echo_bytes/infer", bj + "12345",
                        "Inference-Header-Content-Length: 9999\r\n"),
              400, "Inference-Header-Content-Length is 9999");
  ExpectError(c.Request("POST", "/v2/models/echo_bytes/infer", bj + std::string("\x01\0\0\0xy", 6),
                        "Inference-Header-Content-Length: " + std::to_string(bj.size()) + "\r\n"),
              400, "add up to 5 bytes but 6");
  ExpectError(c.Request("POST", "/v2/models/nope/infer", "{}"), 404, "unknown model 'nope'");
  ExpectError(c.Request("POST", "/v2/models/echo/versions/9/infer", "{}"), 404, "version 9");
  ExpectError(c.Request("GET", "/v2/nothing/here"), 404, "no route");
  ExpectError(c.Request("GET", path), 405, "use POST");
  ExpectError(c.Request("POST", "/v2/health/live", ""), 405, "use GET");
  // The connection survives every error above.
  EXPECT_EQ(c.Request("GET", "/v2/health/live").status, 200);
}

TEST_F(HttpServerTest, OversizedBodyGets413) {
  server_->Shutdown();
  StartServer(1024);
  auto c = Client();
  c.SendRaw("POST /v2/models/echo/infer HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
  auto r = c.ReadResponse();
  ExpectError(r, 413, "exceeds the limit of 1024 bytes");
  // Chunked bodies are limited while they stream in.
  auto c2 = Client();
  std::string chunk(2000, 'x');
  char size_line[32];
  std::snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
  c2.SendRaw(std::string("POST /v2/models/echo/infer HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n") +
             size_line + chunk + "\r\n0\r\n\r\n");
  ExpectError(c2.ReadResponse(), 413, "exceeds the limit");
}

TEST_F(HttpServerTest, PipelinedRequestsAnswerInOrder) {
  auto c = Client();
  const std::string infer = HttpTestClient::Build(
      "POST", "/v2/models/echo_fp32/infer",
      R"({"id":"a","inputs":[{"name":"INPUT0","datatype":"FP32","shape":[1],"data":[1]}]})");
  const std::string infer2 = HttpTestClient::Build(
      "POST", "/v2/models/echo_fp32/infer",
      R"({"id":"b","inputs":[{"name":"INPUT0","datatype":"FP32","shape":[1],"data":[2]}]})");
  c.SendRaw(infer + HttpTestClient::Build("GET", "/v2/health/live", "") + infer2);
  auto r1 = c.ReadResponse();
  auto r2 = c.ReadResponse();
  auto r3 = c.ReadResponse();
  ASSERT_EQ(r1.status, 200);
  EXPECT_STREQ(Json(r1.body)["id"].GetString(), "a");
  EXPECT_EQ(r2.status, 200);
  EXPECT_TRUE(r2.body.empty());
  ASSERT_EQ(r3.status, 200);
  EXPECT_STREQ(Json(r3.body)["id"].GetString(), "b");
}

TEST_F(HttpServerTest, ClientDisconnectCancelsAndDoesNotCrash) {
  {
    auto c = Client();
    c.SendRaw("POST /v2/models/echo/infer HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"inp");
  }  // closed mid-body
  {
    auto c = Client();
    c.SendRaw(HttpTestClient::Build("POST", "/v2/models/slow/infer",
                                    R"({"inputs":[{"name":"INPUT0","datatype":"FP32","shape":[1],"data":[1]}]})"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }  // closed while the model holds the request
  auto slow = manager_.Find("slow");
  for (int i = 0; i < 500 && slow->cancelled_seen.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(slow->cancelled_seen.load(), 1);
  auto c = Client();
  EXPECT_EQ(c.Request("GET", "/v2/health/live").status, 200);
}

TEST_F(HttpServerTest, MalformedHttpGets400) {
  auto c = Client();
  c.SendRaw("THIS IS NOT HTTP\r\n\r\n");
  auto r = c.ReadResponse();
  EXPECT_EQ(r.status, 400);
}

TEST_F(HttpServerTest, StatsConfigAndRepository) {
  auto c = Client();
  ASSERT_EQ(c.Request("POST", "/v2/models/echo/infer",
                      R"({"inputs":[{"name":"INPUT0","datatype":"INT32","shape":[2,4],"data":[1,2,3,4,5,6,7,8]}]})")
                .status,
            200);
  auto r = c.Request("GET", "/v2/models/echo/stats");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = Json(r.body);
  const auto& s = d["model_stats"][0];
  EXPECT_STREQ(s["name"].GetString(), "echo");
  EXPECT_STREQ(s["version"].GetString(), "1");
  EXPECT_EQ(s["inference_count"].GetUint64(), 2u);
  EXPECT_EQ(s["inference_stats"]["success"]["count"].GetUint64(), 1u);
  EXPECT_EQ(s["batch_stats"][0]["batch_size"].GetUint64(), 2u);
  EXPECT_EQ(Json(c.Request("GET", "/v2/models/stats").body)["model_stats"].Size(), 4u);
  ExpectError(c.Request("GET", "/v2/models/nope/stats"), 404, "nope");

  r = c.Request("GET", "/v2/models/echo/config");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(Json(r.body)["name"].GetString(), "echo");

  r = c.Request("POST", "/v2/repository/index", "");
  ASSERT_EQ(r.status, 200);
  d = Json(r.body);
  ASSERT_TRUE(d.IsArray());
  EXPECT_STREQ(d[0]["state"].GetString(), "READY");
  EXPECT_EQ(c.Request("POST", "/v2/repository/index", R"({"ready":true})").status, 200);
  ExpectError(c.Request("POST", "/v2/repository/index", R"({"ready":3})"), 400, "'ready'");

  EXPECT_EQ(c.Request("POST", "/v2/repository/models/echo/unload", "").status, 200);
  EXPECT_EQ(c.Request("GET", "/v2/models/echo/ready").status, 404);
  ExpectError(c.Request("POST", "/v2/repository/models/echo/unload", ""), 404, "not loaded");
  r = c.Request("POST", "/v2/repository/models/echo/load",
                R"({"parameters":{"config":"{\"max_batch_size\":8}","file:1/model.json":"aGk="}})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(manager_.last_config, R"({"max_batch_size":8})");
  EXPECT_EQ(manager_.last_files["file:1/model.json"], "hi");
  EXPECT_EQ(c.Request("GET", "/v2/models/echo/ready").status, 200);
  ExpectError(c.Request("POST", "/v2/repository/models/missing/load", ""), 404, "missing");
  ExpectError(c.Request("POST", "/v2/repository/models/echo/load", R"({"parameters":{"file:1/x":"@@"}})"),
              400, "file:1/x");
}

TEST_F(HttpServerTest, ShutdownClosesIdleConnections) {
  auto c = Client();
  ASSERT_EQ(c.Request("GET", "/v2/health/live").status, 200);
  server_->Shutdown();
  EXPECT_TRUE(c.PeerClosed());
  server_->Shutdown();  // idempotent
}

TEST(MetricsServerTest, ServesPrometheusText) {
  MetricsRegistry metrics;
  metrics.GetCounter("strato_test_total", "A test counter.")->Increment(3);
  HttpServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 1;
  auto server = StartMetricsServer(options, &metrics);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  HttpTestClient c((*server)->port());
  auto r = c.Request("GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4");
  EXPECT_NE(r.body.find("strato_test_total 3"), std::string::npos) << r.body;
  EXPECT_EQ(c.Request("GET", "/other").status, 404);
}

TEST(HttpServerStartTest, ReportsBadAddress) {
  FakeModelManager manager;
  HttpServerOptions options;
  options.address = "not-an-ip";
  auto server = StartHttpServer(options, &manager, nullptr, ServerInfo{});
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("not-an-ip"), std::string::npos);
}

}  // namespace
}  // namespace strato::http
