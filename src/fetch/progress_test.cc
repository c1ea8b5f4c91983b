#include "strato/fetch/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace strato::fetch {
namespace {

TEST(FormatBytesTest, PicksBinaryUnits) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(1536), "1.50 KiB");
  EXPECT_EQ(FormatBytes(12u << 20), "12.0 MiB");
  EXPECT_EQ(FormatBytes(1300ull << 30), "1.27 TiB");
}

TEST(FormatDurationTest, SecondsMinutesHours) {
  EXPECT_EQ(FormatDuration(7.4), "7s");
  EXPECT_EQ(FormatDuration(125), "2m05s");
  EXPECT_EQ(FormatDuration(3 * 3600 + 12 * 60), "3h12m");
  EXPECT_EQ(FormatDuration(-1), "?");
}

TEST(FormatProgressTest, ShowsShareRateAndEta) {
  EXPECT_EQ(FormatProgress(1u << 20, 4u << 20, 1u << 20), "1.00 MiB / 4.00 MiB (25%)  1.00 MiB/s  ETA 3s");
  // Unknown total: no share, no ETA.
  EXPECT_EQ(FormatProgress(2048, std::nullopt, 1024), "2.00 KiB  1.00 KiB/s");
  // No rate yet: no ETA.
  EXPECT_EQ(FormatProgress(0, 100, 0), "0 B / 100 B (0%)  0 B/s");
}

TEST(ProgressReporterTest, PlainModeWritesOneFinalLineWithoutEscapes) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ProgressReporter progress(out, /*interactive=*/false);
  progress.Start(100);
  progress.Update(200, 1000);  // too soon after Start: nothing printed
  progress.Finish(1000);
  std::rewind(out);
  char buf[256] = {0};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, out);
  std::fclose(out);
  const std::string text(buf, n);
  EXPECT_NE(text.find("1000 B done in"), std::string::npos) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

}  // namespace
}  // namespace strato::fetch
