// The console routes on a real HttpServer over loopback: the page and its
// files with their content types, the redirect from /, and wrong methods or
// unknown files answered with clear errors.
#include <gtest/gtest.h>

#include <string>

#include "http_test_util.h"
#include "strato/frontends/http_server.h"

namespace strato::http {
namespace {

using httptest::FakeModelManager;
using httptest::HttpResponse;
using httptest::HttpTestClient;

class ConsoleRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 1;
    auto server = StartHttpServer(options, &manager_, &metrics_, info_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }
  HttpResponse Get(const std::string& path, const char* method = "GET") {
    HttpTestClient client(server_->port());
    return client.Request(method, path);
  }

  FakeModelManager manager_;
  MetricsRegistry metrics_;
  ServerInfo info_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ConsoleRouteTest, ServesThePageAndItsFiles) {
  const HttpResponse page = Get("/console");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<title>strato console</title>"), std::string::npos);
  EXPECT_NE(page.body.find("/console/console.js"), std::string::npos);

  const HttpResponse js = Get("/console/console.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.headers.at("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(js.body.find("/v2/models/stats"), std::string::npos);

  const HttpResponse css = Get("/console/console.css?v=1");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.headers.at("content-type"), "text/css; charset=utf-8");
}

TEST_F(ConsoleRouteTest, RootRedirectsToTheConsole) {
  const HttpResponse r = Get("/");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(r.headers.at("location"), "/console");
  EXPECT_TRUE(r.body.empty());
}

TEST_F(ConsoleRouteTest, WrongMethodsAndUnknownFilesAreClearErrors) {
  HttpResponse r = Get("/console", "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(r.body.find("use GET"), std::string::npos) << r.body;
  EXPECT_EQ(Get("/", "DELETE").status, 405);

  r = Get("/console/secret.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("no file 'secret.txt'"), std::string::npos) << r.body;
  EXPECT_EQ(Get("/console/a/b").status, 404);
  // Other routes are untouched.
  EXPECT_EQ(Get("/v2/health/live").status, 200);
}

}  // namespace
}  // namespace strato::http
