// DownloadFile against a real HTTP server on loopback: tests/fetch/range_server.py
// (Range support, and paths that cut a transfer or ignore Range) serving a
// generated file. Skips when STRATO_SOURCE_DIR (set by ctest) is unknown.
#include "strato/fetch/downloader.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>

#include "strato/fetch/sha256.h"

extern char** environ;

namespace strato::fetch {
namespace {
namespace fs = std::filesystem;

class DownloaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* source_dir = std::getenv("STRATO_SOURCE_DIR");
    if (source_dir == nullptr) GTEST_SKIP() << "STRATO_SOURCE_DIR not set (run through ctest)";
    dir_ = fs::temp_directory_path() /
           ("strato_dl_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // 3 MiB of random bytes: several write callbacks, distinct at every offset.
    std::mt19937 rng(42);
    content_.resize(3u << 20);
    for (auto& c : content_) c = static_cast<char>(rng());
    std::ofstream(dir_ / "blob.bin", std::ios::binary) << content_;
    auto sum = Sha256OfFile(dir_ / "blob.bin");
    ASSERT_TRUE(sum.ok());
    sha_ = *sum;
    StartServer(fs::path(source_dir) / "tests" / "fetch" / "range_server.py");
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void StartServer(const fs::path& script) {
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    const std::string file = (dir_ / "blob.bin").string();
    const std::string log = (dir_ / "requests.jsonl").string();
    std::string args[] = {"/usr/bin/python3", script.string(), "--file", file, "--log", log};
    char* argv[] = {args[0].data(), args[1].data(), args[2].data(), args[3].data(),
                    args[4].data(), args[5].data(), nullptr};
    ASSERT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv, environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    std::FILE* from_server = ::fdopen(out[0], "r");
    char line[64] = {0};
    ASSERT_NE(std::fgets(line, sizeof(line), from_server), nullptr) << "range_server.py did not start";
    std::fclose(from_server);
    int port = 0;
    ASSERT_EQ(std::sscanf(line, "PORT %d", &port), 1) << line;
    base_ = "http://127.0.0.1:" + std::to_string(port);
  }

  DownloadRequest Request(const std::string& path) const {
    DownloadRequest r;
    r.url = base_ + path;
    r.partial_path = dir_ / "blob.bin.partial";
    r.timeout_seconds = 10;
    return r;
  }

  void WritePartial(std::string_view bytes) const {
    std::ofstream(dir_ / "blob.bin.partial", std::ios::binary) << bytes;
  }

  std::string ReadPartial() const {
    std::ifstream in(dir_ / "blob.bin.partial", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
  std::string content_;
  std::string sha_;
  std::string base_;
  pid_t pid_ = -1;
};

TEST_F(DownloaderTest, FullDownloadHasTheFilesSha256) {
  auto r = DownloadFile(Request("/files/blob.bin"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->bytes, content_.size());
  EXPECT_EQ(r->sha256, sha_);
  EXPECT_EQ(r->requests, 1);
  EXPECT_FALSE(r->verified_against);  // the server published no checksum
  EXPECT_EQ(ReadPartial(), content_);
}

TEST_F(DownloaderTest, CutTransferIsResumedInTheSameCall) {
  std::vector<std::string> notes;
  DownloadRequest request = Request("/cut/1000000/blob.bin");
  request.note = [&notes](const std::string& n) { notes.push_back(n); };
  request.expected_sha256 = sha_;
  auto r = DownloadFile(request);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->requests, 2);
  EXPECT_EQ(r->verified_against, "--sha256");
  EXPECT_EQ(ReadPartial(), content_);
  ASSERT_FALSE(notes.empty());
  EXPECT_NE(notes.back().find("retrying from byte 1000000"), std::string::npos) << notes.back();
}

TEST_F(DownloaderTest, ExistingPartialFileIsContinued) {
  WritePartial(std::string_view(content_).substr(0, 12345));
  auto r = DownloadFile(Request("/files/blob.bin"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->resumed_from, 12345u);
  EXPECT_EQ(r->sha256, sha_);  // the hash covers the bytes from the earlier run too
  EXPECT_EQ(ReadPartial(), content_);
}

TEST_F(DownloaderTest, CompletePartialFileNeedsNoBytes) {
  WritePartial(content_);  // an earlier run stopped between download and install
  auto r = DownloadFile(Request("/files/blob.bin"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sha256, sha_);
  EXPECT_EQ(r->bytes, content_.size());
}

TEST_F(DownloaderTest, ServerIgnoringRangeStartsOver) {
  WritePartial("stale bytes that a resume would keep");
  auto r = DownloadFile(Request("/norange/999999999/blob.bin"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sha256, sha_);
  EXPECT_EQ(ReadPartial(), content_);
}

TEST_F(DownloaderTest, CorruptPartialFailsTheChecksumAndIsDeleted) {
  std::string wrong = content_.substr(0, 5000);
  wrong[100] ^= 1;
  WritePartial(wrong);
  DownloadRequest request = Request("/files/blob.bin");
  request.expected_sha256 = sha_;
  auto r = DownloadFile(request);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("sha256 mismatch"), std::string::npos);
  EXPECT_FALSE(fs::exists(request.partial_path));
}

TEST_F(DownloaderTest, MissingFileIsNotFound) {
  auto r = DownloadFile(Request("/files/other.bin"));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("HTTP 404"), std::string::npos);
}

TEST_F(DownloaderTest, RefusedConnectionIsUnavailable) {
  DownloadRequest request = Request("/files/blob.bin");
  request.url = "http://127.0.0.1:1/blob.bin";
  auto r = DownloadFile(request);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

TEST_F(DownloaderTest, SmallTextFetchAndItsFailures) {
  auto sum = FetchSmallText(base_ + "/withsum/blob.bin.sha256", 10, {});
  ASSERT_TRUE(sum);
  EXPECT_EQ(ParseChecksumFile(*sum), sha_);
  EXPECT_FALSE(FetchSmallText(base_ + "/withsum/none.sha256", 10, {}));
  EXPECT_FALSE(FetchSmallText(base_ + "/files/blob.bin", 10, {}));  // over 64 KiB
}

}  // namespace
}  // namespace strato::fetch
