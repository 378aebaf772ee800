// Differential test of ComputeMetrics against SQLite GROUP BY: random data
// (NULL groups and values, timestamps near local midnight in several zones,
// dictionary and plain strings) and random metric definitions (every
// measure, interval and grain, filters, week starts, fiscal years, as_of on
// month ends and leap days).  SQLite gets each row's local day from
// absl::ToCivilDay (the per-row path), docket from its day-boundary table.
#include <sqlite3.h>

#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "docket/builder.h"
#include "docket/metrics.h"
#include "docket/rulebook.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

struct Row {
  std::optional<std::string> owner, team, kind;
  std::optional<int64_t> vi;
  std::optional<double> vf;
  std::optional<int32_t> day;  // Days since epoch.
  std::optional<int64_t> ts;   // Microseconds.
};

int64_t Epoch(absl::CivilDay d) { return d - absl::CivilDay(1970, 1, 1); }

class Sql {
 public:
  Sql() { sqlite3_open(":memory:", &db_); }
  ~Sql() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "") << "\n"
        << sql;
  }
  // Rows of (group text or NULL, value text or NULL).
  std::vector<std::pair<std::optional<std::string>, std::optional<double>>> Query(
      const std::string& sql) {
    std::vector<std::pair<std::optional<std::string>, std::optional<double>>> out;
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sql << sqlite3_errmsg(db_);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::optional<std::string> g;
      if (sqlite3_column_type(st, 0) != SQLITE_NULL)
        g = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      std::optional<double> v;
      if (sqlite3_column_type(st, 1) != SQLITE_NULL) v = sqlite3_column_double(st, 1);
      out.emplace_back(g, v);
    }
    sqlite3_finalize(st);
    return out;
  }
  sqlite3* db_ = nullptr;
};

std::string Quote(const std::optional<std::string>& s) {
  return s ? absl::StrCat("'", *s, "'") : "NULL";
}
template <typename T>
std::string Num(const std::optional<T>& v) {
  return v ? absl::StrCat(*v) : "NULL";
}

std::optional<double> AsDouble(const Value& v) {
  if (v.is_null()) return std::nullopt;
  switch (v.type().id) {
    case TypeId::kInt:
      return static_cast<double>(v.int_value());
    case TypeId::kFloat:
      return v.float_value();
    case TypeId::kDate:
      return static_cast<double>(v.int_value());
    default:
      return std::nullopt;
  }
}

void ExpectSame(std::optional<double> got, std::optional<double> want, const std::string& what) {
  ASSERT_EQ(got.has_value(), want.has_value())
      << what << " got " << (got ? absl::StrCat(*got) : "NULL") << " want "
      << (want ? absl::StrCat(*want) : "NULL");
  if (got) {
    EXPECT_NEAR(*got, *want, 1e-6 * std::max(1.0, std::fabs(*want))) << what;
  }
}

TEST(MetricsDifferential, RandomMetricsMatchSqliteGroupBy) {
  std::mt19937_64 rng(20261122);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const std::vector<std::string> zones = {"UTC", "America/New_York", "Asia/Kolkata",
                                          "Pacific/Chatham", "Europe/London"};
  const std::vector<absl::CivilDay> as_ofs = {
      absl::CivilDay(2024, 2, 29),  absl::CivilDay(2026, 11, 22), absl::CivilDay(2025, 3, 31),
      absl::CivilDay(2025, 12, 31), absl::CivilDay(2026, 1, 1),   absl::CivilDay(2024, 3, 1)};
  const std::vector<std::string> intervals = {
      "this_week",        "last_week",        "this_month",        "last_month",
      "this_quarter",     "last_quarter",     "year_to_date",      "trailing 1 days",
      "trailing 30 days", "trailing 3 weeks", "trailing 2 months", "trailing 13 months"};
  const std::vector<std::string> measures = {"count",
                                             "count_distinct(kind)",
                                             "count_distinct(vi)",
                                             "count_distinct(vf)",
                                             "sum(vi)",
                                             "sum(vf)",
                                             "avg(vi)",
                                             "avg(vf)",
                                             "min(vi)",
                                             "max(vf)",
                                             "min(day)",
                                             "max(day)",
                                             "count_distinct(owner)"};
  const std::vector<std::string> wheres = {"", "vi > 3", "kind = 'b'", "vf IS NULL OR vf < 50"};
  const std::vector<std::string> grains = {"", "day", "week", "month", "quarter"};
  const std::vector<std::string> bys = {"owner", "team", "", "kind"};
  const std::vector<std::string> weekdays = {"monday", "sunday", "wednesday"};

  int checked = 0;
  for (int round = 0; round < 24; ++round) {
    const std::string zone_name = zones[round % zones.size()];
    absl::TimeZone zone;
    ASSERT_TRUE(absl::LoadTimeZone(zone_name, &zone));
    const absl::CivilDay as_of = as_ofs[round % as_ofs.size()];
    // Data: rows spread over ~15 months before as_of, timestamps near local
    // midnight half of the time.
    const int n = 300 + pick(400);
    std::vector<Row> rows(static_cast<size_t>(n));
    const std::vector<std::string> owners = {"Ann", "Bo", "Cy", "Dee"};
    for (Row& r : rows) {
      if (pick(10)) r.owner = owners[static_cast<size_t>(pick(4))];
      if (pick(5)) r.team = pick(2) ? "East" : "West";
      if (pick(8)) r.kind = std::string(1, static_cast<char>('a' + pick(3)));
      if (pick(6)) r.vi = pick(20) - 3;
      if (pick(6)) r.vf = (pick(20000) - 5000) / 100.0;
      absl::CivilDay d = as_of - pick(460);
      if (pick(10)) r.day = static_cast<int32_t>(Epoch(d));
      if (pick(10)) {
        absl::CivilSecond cs(d.year(), d.month(), d.day(), pick(2) ? (pick(2) ? 0 : 23) : pick(24),
                             pick(60), pick(60));
        absl::Time t = absl::FromCivil(cs, zone) + absl::Seconds(pick(3) - 1);
        r.ts = absl::ToUnixMicros(t);
      }
    }
    Sql sql;
    sql.Exec(
        "CREATE TABLE t(owner TEXT, team TEXT, kind TEXT, vi INTEGER, vf REAL, day INTEGER, tsday "
        "INTEGER)");
    std::string insert = "INSERT INTO t VALUES ";
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      std::optional<int64_t> tsday;
      if (r.ts) tsday = Epoch(absl::ToCivilDay(absl::FromUnixMicros(*r.ts), zone));
      absl::StrAppend(&insert, i ? "," : "", "(", Quote(r.owner), ",", Quote(r.team), ",",
                      Quote(r.kind), ",", Num(r.vi), ",",
                      r.vf ? absl::StrFormat("%.17g", *r.vf) : "NULL", ",", Num(r.day), ",",
                      Num(tsday), ")");
    }
    sql.Exec(insert);

    // Metrics: eight random definitions per round.
    CalendarSettings cal;
    cal.week_start = static_cast<absl::Weekday>(std::vector<int>{0, 6, 2}[round % 3]);
    cal.fiscal_year_start = 1 + pick(12);
    struct Def {
      std::string measure, where, time, by, interval, grain;
    };
    std::vector<Def> defs;
    std::string yaml =
        absl::StrCat("docket: 1\ntime_zone: ", zone_name, "\nweek_start: ", weekdays[round % 3],
                     "\nfiscal_year_start: ", cal.fiscal_year_start, "\nmetrics:\n");
    for (int m = 0; m < 8; ++m) {
      Def d{measures[static_cast<size_t>(pick(static_cast<int>(measures.size())))],
            wheres[static_cast<size_t>(pick(static_cast<int>(wheres.size())))],
            pick(2) ? "day" : "ts",
            bys[static_cast<size_t>(pick(static_cast<int>(bys.size())))],
            intervals[static_cast<size_t>(pick(static_cast<int>(intervals.size())))],
            grains[static_cast<size_t>(pick(static_cast<int>(grains.size())))]};
      if (d.grain == "day" && (d.interval == "trailing 13 months" || d.interval == "year_to_date"))
        d.grain = "week";
      defs.push_back(d);
      absl::StrAppend(&yaml, "  - id: m", m, "\n    table: t\n    measure: ", d.measure,
                      "\n    time: ", d.time, "\n    interval: ", d.interval, "\n");
      if (!d.where.empty()) absl::StrAppend(&yaml, "    where: \"", d.where, "\"\n");
      if (!d.by.empty()) absl::StrAppend(&yaml, "    by: ", d.by, "\n");
      if (!d.grain.empty()) absl::StrAppend(&yaml, "    grain: ", d.grain, "\n");
    }
    absl::StrAppend(&yaml,
                    "tables:\n  t:\n    owner: owner\n    columns: {owner: string, team: string, "
                    "kind: string, vi: int, "
                    "vf: float, day: date, ts: timestamp}\n");
    absl::StatusOr<Rulebook> book = Rulebook::FromYaml(yaml, "diff.yaml");
    ASSERT_TRUE(book.ok()) << book.status() << "\n" << yaml;
    absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book);
    ASSERT_TRUE(compiled.ok()) << compiled.status();

    // The snapshot: strings dictionary-encoded in even rounds, plain in odd.
    StringEncoding enc = round % 2 ? StringEncoding::kPlain : StringEncoding::kDictionary;
    ColumnBuilder owner(DataType::String(), enc), team(DataType::String(), enc),
        kind(DataType::String(), enc), vi(DataType::Int()), vf(DataType::Float()),
        day(DataType::Date()), ts(DataType::Timestamp());
    for (const Row& r : rows) {
      r.owner ? owner.AppendString(*r.owner) : owner.AppendNull();
      r.team ? team.AppendString(*r.team) : team.AppendNull();
      r.kind ? kind.AppendString(*r.kind) : kind.AppendNull();
      r.vi ? vi.AppendInt(*r.vi) : vi.AppendNull();
      r.vf ? vf.AppendFloat(*r.vf) : vf.AppendNull();
      r.day ? day.AppendDate(*r.day) : day.AppendNull();
      r.ts ? ts.AppendTimestamp(*r.ts) : ts.AppendNull();
    }
    std::vector<Column> cols;
    for (ColumnBuilder* b : {&owner, &team, &kind, &vi, &vf, &day, &ts})
      cols.push_back(std::move(*b).Finish());
    absl::StatusOr<Table> table = Table::Make(*book->schema.FindTable("t"), std::move(cols));
    ASSERT_TRUE(table.ok()) << table.status();
    Snapshot snap;
    snap.schema = book->schema;
    ASSERT_TRUE(snap.AddTable(*std::move(table)).ok());

    RunOptions run;
    run.as_of = as_of;
    run.threads = 1 + round % 3;
    absl::StatusOr<MetricsResult> res = ComputeMetrics(*compiled, snap, run);
    ASSERT_TRUE(res.ok()) << res.status();

    for (size_t m = 0; m < defs.size(); ++m) {
      const Def& d = defs[m];
      const MetricResult& got = res->metrics[m];
      const std::string what =
          absl::StrCat("round ", round, " m", m, " ", d.measure, " by ", d.by, " ", d.interval,
                       " grain ", d.grain, " where ", d.where, " time ", d.time, " zone ",
                       zone_name, " as_of ", absl::FormatCivilTime(as_of));
      IntervalSpec iv = book->metrics->metrics[m].interval;
      DayRange cur = IntervalRange(iv, as_of, cal), prev = PreviousRange(iv, as_of, cal);
      ASSERT_EQ(got.interval.start, cur.start) << what;
      std::string col = d.time == "day" ? "day" : "tsday";
      std::string agg = d.measure;
      bool zero_fill =
          agg == "count" || agg.rfind("count_distinct", 0) == 0 || agg.rfind("sum", 0) == 0;
      if (agg == "count") agg = "count(*)";
      if (agg.rfind("count_distinct", 0) == 0)
        agg = absl::StrCat("count(DISTINCT ", agg.substr(15));
      std::string filter = d.where.empty() ? "1" : absl::StrCat("(", d.where, ")");
      std::string group = d.by.empty() ? "NULL" : d.by;
      auto grouped = [&](absl::CivilDay lo, absl::CivilDay hi) {
        std::map<std::optional<std::string>, std::optional<double>> out;
        for (auto& [g, v] : sql.Query(absl::StrCat("SELECT ", group, ", ", agg, " FROM t WHERE ",
                                                   filter, " AND ", col, " BETWEEN ", Epoch(lo),
                                                   " AND ", Epoch(hi), " GROUP BY 1"))) {
          out[g] = v;
        }
        return out;
      };
      auto total = [&](absl::CivilDay lo, absl::CivilDay hi) {
        auto q = sql.Query(absl::StrCat("SELECT NULL, ", agg, " FROM t WHERE ", filter, " AND ",
                                        col, " BETWEEN ", Epoch(lo), " AND ", Epoch(hi)));
        std::optional<double> v = q.empty() ? std::nullopt : q[0].second;
        if (!v && zero_fill) v = 0;
        return v;
      };
      std::vector<std::optional<std::string>> groups;
      for (auto& [g, v] : sql.Query(absl::StrCat("SELECT DISTINCT ", group, ", 0 FROM t")))
        groups.push_back(g);
      ASSERT_EQ(got.values.size(), groups.size()) << what;
      auto cur_vals = grouped(cur.start, cur.end), prev_vals = grouped(prev.start, prev.end);
      auto expect = [&](const std::map<std::optional<std::string>, std::optional<double>>& vals,
                        const std::optional<std::string>& g) -> std::optional<double> {
        auto it = vals.find(g);
        if (it != vals.end() && it->second) return it->second;
        return zero_fill ? std::optional<double>(0) : std::nullopt;
      };
      for (const MetricValue& v : got.values) {
        ExpectSame(AsDouble(v.value), expect(cur_vals, v.by),
                   absl::StrCat(what, " value of ", v.by.value_or("NULL")));
        ExpectSame(AsDouble(v.previous), expect(prev_vals, v.by),
                   absl::StrCat(what, " previous of ", v.by.value_or("NULL")));
        ++checked;
      }
      ExpectSame(AsDouble(got.total), total(cur.start, cur.end), absl::StrCat(what, " total"));
      // Series: each period clipped to the interval.
      std::vector<absl::CivilDay> periods;
      Grain grain = book->metrics->metrics[m].grain;
      periods = GrainPeriods(grain, cur, cal);
      ASSERT_EQ(got.series.size(), periods.size()) << what;
      for (size_t k = 0; k < periods.size(); ++k) {
        ASSERT_EQ(got.series[k].start, periods[k]) << what;
        absl::CivilDay lo = std::max(periods[k], cur.start);
        absl::CivilDay hi = std::min(NextGrainStart(grain, periods[k], cal) - 1, cur.end);
        auto vals = grouped(lo, hi);
        for (const MetricValue& v : got.series[k].values) {
          ExpectSame(AsDouble(v.value), expect(vals, v.by),
                     absl::StrCat(what, " period ", absl::FormatCivilTime(periods[k]), " of ",
                                  v.by.value_or("NULL")));
        }
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_GT(checked, 300);
}

}  // namespace
}  // namespace docket
