// Tests of the output formats (ids, csv, jsonl, table) and value text.
#include "io/format.h"

#include <string>

#include "base/calendar.h"
#include "base/text_values.h"
#include "docket/csv.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace docket::io {
namespace {

using ::testing::HasSubstr;

Table Sample() {
  TableSchema s;
  s.name = "accounts";
  s.key = "id";
  s.columns = {{"id", DataType::String(), {}},
               {"name", DataType::String(), {}},
               {"arr", DataType::Float(), {}},
               {"n", DataType::Int(), {}},
               {"ok", DataType::Bool(), {}},
               {"day", DataType::Date(), {}},
               {"at", DataType::Timestamp(TimeUnit::kMilli), {}}};
  absl::StatusOr<Table> t = ReadCsvString(
      "id,name,arr,n,ok,day,at\n"
      "a1,\"Acme, Inc\",1200.5,7,true,2026-11-22,2026-11-22T13:05:00.250Z\n"
      "a2,,0.1,-3,false,,\n"
      "a3,\"\",1e20,,,2024-02-29,1969-12-31T23:59:59Z\n"
      "a4,\"say \"\"hi\"\"\nbye\tnow\",,0,1,,\n"
      "a5,Zoë 日本,3,1,0,,\n",
      "accounts.csv", "accounts", &s);
  EXPECT_TRUE(t.ok()) << t.status();
  return *std::move(t);
}

std::string Collect(const std::function<void(const OutputSink&)>& write) {
  std::string out;
  write([&](std::string_view piece) { out.append(piece); });
  return out;
}

TEST(Format, CellText) {
  Table t = Sample();
  EXPECT_EQ(CellText(t.column(2), 0), "1200.5");
  EXPECT_EQ(CellText(t.column(2), 1), "0.1");
  EXPECT_EQ(CellText(t.column(2), 2), "1e+20");
  EXPECT_EQ(CellText(t.column(6), 0), "2026-11-22T13:05:00.250Z");
  EXPECT_EQ(CellText(t.column(6), 2), "1969-12-31T23:59:59Z");
  EXPECT_EQ(CellText(t.column(5), 2), "2024-02-29");
  EXPECT_EQ(CellText(t.column(1), 1), "");  // NULL
}

TEST(Format, IdsAndCsvRoundTrip) {
  Table t = Sample();
  std::vector<int64_t> rows = {0, 1, 2, 3, 4};
  EXPECT_EQ(Collect([&](const OutputSink& s) { WriteLines(t, {4, 0}, 0, s); }), "a5\na1\n");
  std::string csv =
      Collect([&](const OutputSink& s) { WriteCsv(t, rows, *ResolveColumns(t, {}), s); });
  EXPECT_EQ(csv,
            "id,name,arr,n,ok,day,at\n"
            "a1,\"Acme, Inc\",1200.5,7,true,2026-11-22,2026-11-22T13:05:00.250Z\n"
            "a2,,0.1,-3,false,,\n"
            "a3,\"\",1e+20,,,2024-02-29,1969-12-31T23:59:59Z\n"
            "a4,\"say \"\"hi\"\"\nbye\tnow\",,0,true,,\n"
            "a5,Zoë 日本,3,1,false,,\n");
  // What we write, we read back the same.
  absl::StatusOr<Table> back = ReadCsvString(csv, "out.csv", "accounts", &t.schema());
  ASSERT_TRUE(back.ok()) << back.status();
  for (int c = 0; c < t.num_columns(); ++c) {
    for (int64_t r = 0; r < t.num_rows(); ++r) {
      EXPECT_EQ(back->column(c).IsNull(r), t.column(c).IsNull(r));
      EXPECT_EQ(CellText(back->column(c), r), CellText(t.column(c), r));
    }
  }
}

TEST(Format, Jsonl) {
  Table t = Sample();
  std::string out = Collect([&](const OutputSink& s) {
    WriteJsonl(t, {0, 3}, *ResolveColumns(t, {"id", "name", "n", "ok", "day", "at", "arr"}), s);
  });
  EXPECT_EQ(
      out,
      "{\"id\":\"a1\",\"name\":\"Acme, Inc\",\"n\":7,\"ok\":true,\"day\":\"2026-11-22\","
      "\"at\":\"2026-11-22T13:05:00.250Z\",\"arr\":1200.5}\n"
      "{\"id\":\"a4\",\"name\":\"say \\\"hi\\\"\\nbye\\tnow\",\"n\":0,\"ok\":true,\"day\":null,"
      "\"at\":null,\"arr\":null}\n");
  std::string s;
  AppendJsonString(&s, std::string("a\x01\\\xff") + "é");
  EXPECT_EQ(s, "\"a\\u0001\\\\\\ufffdé\"");
}

TEST(Format, ResolveColumnsSuggests) {
  Table t = Sample();
  absl::StatusOr<std::vector<int>> c = ResolveColumns(t, {"nmae"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "table 'accounts' has no column 'nmae' — did you mean 'name'?");
}

TEST(Format, RenderTable) {
  Table t = Sample();
  std::string out = RenderTable(t, {0, 1, 4}, *ResolveColumns(t, {"id", "name", "arr", "ok"}));
  EXPECT_EQ(out,
            "id  name          arr  ok\n"
            "──  ─────────  ──────  ─────\n"
            "a1  Acme, Inc  1200.5  true\n"
            "a2  NULL          0.1  false\n"
            "a5  Zoë 日本        3  false\n"
            "(3 rows)\n");
  out = RenderTable(t, {0, 1, 2, 3, 4}, *ResolveColumns(t, {"id", "name"}), 2, 8);
  EXPECT_EQ(out,
            "id  name\n"
            "──  ────────\n"
            "a1  Acme, I…\n"
            "a2  NULL\n"
            "… 3 more rows\n"
            "(5 rows)\n");
}

TEST(Format, SelectedRows) {
  Bitmap b(20);
  b.Set(0);
  b.Set(9);
  b.Set(19);
  EXPECT_EQ(SelectedRows(b), (std::vector<int64_t>{0, 9, 19}));
}

TEST(TextValues, ParsersAndPrinters) {
  int64_t i;
  EXPECT_EQ(base::ParseIntText("", &i), base::TextParse::kSyntax);
  EXPECT_EQ(base::ParseIntText("-", &i), base::TextParse::kSyntax);
  EXPECT_EQ(base::ParseIntText(" 1", &i), base::TextParse::kSyntax);
  EXPECT_EQ(base::ParseIntText("99999999999999999999999", &i), base::TextParse::kRange);
  double d;
  EXPECT_EQ(base::ParseFloatText(".5", &d), base::TextParse::kOk);
  EXPECT_EQ(d, 0.5);
  EXPECT_EQ(base::ParseFloatText("+2.5e-3", &d), base::TextParse::kOk);
  EXPECT_EQ(d, 0.0025);
  EXPECT_EQ(base::ParseFloatText("inf", &d), base::TextParse::kSyntax);
  EXPECT_EQ(base::ParseFloatText("-nan", &d), base::TextParse::kSyntax);
  EXPECT_EQ(base::ParseFloatText("0x10", &d), base::TextParse::kSyntax);
  bool b;
  EXPECT_EQ(base::ParseBoolText("TrUe", &b), base::TextParse::kOk);
  EXPECT_TRUE(b);
  EXPECT_EQ(base::ParseBoolText("yes", &b), base::TextParse::kSyntax);
  int32_t day;
  EXPECT_EQ(base::ParseDateText("1970-01-01", &day), base::TextParse::kOk);
  EXPECT_EQ(day, 0);
  EXPECT_EQ(base::ParseDateText("1900-02-29", &day), base::TextParse::kRange);
  EXPECT_EQ(base::ParseDateText("0001-01-01", &day), base::TextParse::kOk);
  EXPECT_EQ(base::ParseDateText("2000-02-29", &day), base::TextParse::kOk);
  std::string s;
  base::AppendDateText(&s, day);
  EXPECT_EQ(s, "2000-02-29");
  for (int64_t days : {-719162, -1, 0, 1, 20779, 2932896}) {
    const base::Ymd c = base::CivilFromDays(days);
    EXPECT_EQ(base::DaysFromCivil(c.year, c.month, c.day), days);
  }
  int64_t ts;
  EXPECT_EQ(base::ParseTimestampText("2026-11-22T13:05:00+14:00", TimeUnit::kSecond, &ts),
            base::TextParse::kOk);
  EXPECT_EQ(base::ParseTimestampText("2026-11-22T13:05:00+24:00", TimeUnit::kSecond, &ts),
            base::TextParse::kRange);
  EXPECT_EQ(base::ParseTimestampText("2026-11-22T13:05:60", TimeUnit::kSecond, &ts),
            base::TextParse::kRange);
  EXPECT_EQ(base::ParseTimestampText("2026-11-22T13:5", TimeUnit::kSecond, &ts),
            base::TextParse::kSyntax);
  EXPECT_EQ(base::ParseTimestampText("2026-11-22T13:05:00.1234567891", TimeUnit::kNano, &ts),
            base::TextParse::kSyntax);
  EXPECT_EQ(base::ParseTimestampText("2026-11-22T13:05:00.", TimeUnit::kNano, &ts),
            base::TextParse::kSyntax);
  s.clear();
  base::AppendTimestampText(&s, -1, TimeUnit::kMicro);
  EXPECT_EQ(s, "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace docket::io
