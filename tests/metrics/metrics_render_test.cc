// The text output of `docket metrics` (RenderMetricsText): group names are
// aligned by terminal columns (io::DisplayWidth), not bytes, so accented,
// CJK and emoji names line up with ASCII ones.
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "docket/metrics.h"
#include "gtest/gtest.h"
#include "io/format.h"

namespace docket {
namespace {

MetricsResult OneMetric(const std::vector<std::string>& groups) {
  MetricsResult r;
  r.as_of = absl::CivilDay(2026, 11, 22);
  r.time_zone = "UTC";
  MetricResult m;
  m.id = "arr";
  m.title = "ARR";
  m.interval = {absl::CivilDay(2026, 11, 1), absl::CivilDay(2026, 11, 22)};
  m.total = Value::Int(0);
  m.previous_total = Value::Int(0);
  int64_t n = 0;
  for (const std::string& g : groups)
    m.values.push_back({g, Value::Int(++n * 1000), Value::Int(n)});
  r.metrics.push_back(m);
  return r;
}

// The display column where each group's value starts.
std::vector<int64_t> ValueColumns(const std::string& text, const std::vector<std::string>& groups) {
  std::vector<int64_t> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    for (const std::string& g : groups) {
      if (line.substr(0, 2 + g.size()) != "  " + g) continue;
      size_t value = line.find_first_not_of(' ', 2 + g.size());
      out.push_back(io::DisplayWidth(std::string(line.substr(0, value))));
    }
  }
  return out;
}

TEST(MetricsText, GroupsAlignByDisplayWidthNotBytes) {
  const std::vector<std::string> groups = {"Alice Chen", "Bruno Díaz", "Zoë Ångström", "東京チーム",
                                           "Team 🚀 Rocket"};
  std::string text = RenderMetricsText(OneMetric(groups));
  std::vector<int64_t> columns = ValueColumns(text, groups);
  ASSERT_EQ(columns.size(), groups.size()) << text;
  for (size_t i = 1; i < columns.size(); ++i)
    EXPECT_EQ(columns[i], columns[0]) << groups[i] << "\n" << text;
  // Two spaces, the widest name (Team 🚀 Rocket: 14 columns, 16 bytes), two spaces.
  int64_t widest = 0;
  for (const std::string& g : groups) widest = std::max(widest, io::DisplayWidth(g));
  EXPECT_EQ(columns[0], 2 + widest + 2) << text;
}

TEST(MetricsText, ShortNamesPadToEightColumns) {
  std::string text = RenderMetricsText(OneMetric({"Ana", "Bö"}));
  // Eight columns for the name, two spaces, the value ("Bö" is 2 columns, 3 bytes).
  EXPECT_NE(text.find("\n  Ana       1000  (previous 1)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n  Bö        2000  (previous 2)\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace docket
