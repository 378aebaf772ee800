// benchmarks/metrics_bench.cc — ComputeMetrics over the generator's data
// (default 1M accounts, 10M activities) against SQLite GROUP BY over the
// same rows in the same run, and against the bandwidth floor (the bytes of
// the columns the pass reads ÷ this machine's read bandwidth).
//
//   build/benchmarks/metrics_bench [accounts=1000000] [threads=2]
//
// Five metrics over activities, as in activity_metrics.yaml: meetings last
// week and minutes in meetings this month per rep, e-mails over 180 days by
// month, accounts touched over 30 days by week (count_distinct) and
// activities over 90 days by month per account segment (a parent field).
// Each has its previous interval.  SQLite gets the local day and the segment
// precomputed as columns (its load is not timed), and one query per metric
// for value+previous plus one for the series.
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "bandwidth.h"
#include "docket/metrics.h"
#include "docket/rulebook.h"
#include "gen/generator.h"
#include "rulebook/rows.h"
#include "timing.h"

namespace {

const char* kBook = R"(docket: 1
time_zone: America/New_York
metrics:
  - {id: meetings_last_week, table: activities, measure: count, where: "kind = 'meeting'", time: occurred_at,
     by: owner, interval: last_week}
  - {id: minutes_this_month, table: activities, measure: sum(duration_minutes), where: "kind = 'meeting'",
     time: occurred_at, by: owner, interval: this_month}
  - {id: emails_t180, table: activities, measure: count, where: "kind = 'email'", time: occurred_at, by: owner,
     interval: trailing 180 days, grain: month}
  - {id: accounts_touched_t30, table: activities, measure: count_distinct(account_id), time: occurred_at, by: owner,
     interval: trailing 30 days, grain: week}
  - {id: by_segment_t90, table: activities, measure: count, time: occurred_at, by: account.segment,
     interval: trailing 90 days, grain: month}
)";

void Check(int rc, sqlite3* db, const std::string& what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite: %s: %s\n", what.c_str(), sqlite3_errmsg(db));
    std::exit(1);
  }
}

int64_t RunQuery(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  Check(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), db, sql);
  int64_t rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) ++rows;
  sqlite3_finalize(st);
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace docket;
  const int64_t accounts = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  gen::GenOptions g;
  g.num_accounts = accounts;
  g.tables = {"accounts", "activities"};
  absl::StatusOr<Snapshot> snap = gen::GenerateSnapshot(g);
  if (!snap.ok())
    return std::fprintf(stderr, "%s\n", std::string(snap.status().message()).c_str()), 1;
  const Table& acts = *snap->FindTable("activities");
  std::printf("data: %lld accounts, %lld activities\n", static_cast<long long>(accounts),
              static_cast<long long>(acts.num_rows()));

  absl::StatusOr<Rulebook> book = Rulebook::FromYaml(kBook, "bench.yaml");
  if (!book.ok())
    return std::fprintf(stderr, "%s\n", std::string(book.status().message()).c_str()), 1;
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, snap->schema);
  if (!compiled.ok())
    return std::fprintf(stderr, "%s\n", std::string(compiled.status().message()).c_str()), 1;
  RunOptions run;
  run.as_of = g.as_of;
  run.threads = threads;
  absl::StatusOr<MetricsResult> first = ComputeMetrics(*compiled, *snap, run);
  if (!first.ok())
    return std::fprintf(stderr, "%s\n", std::string(first.status().message()).c_str()), 1;
  double docket_s = bench::MedianSeconds([&] { (void)ComputeMetrics(*compiled, *snap, run); }, 5);

  // The floor: every column the pass reads, once.
  int64_t bytes = 0;
  for (const char* c : {"owner", "kind", "occurred_at", "duration_minutes", "account_id"}) {
    bytes += acts.FindColumn(c)->ByteSize();
  }
  bytes += snap->FindTable("accounts")->FindColumn("segment")->ByteSize();
  bench::BandwidthProbe probe;
  double bw = probe.Measure(threads);
  double floor_s = static_cast<double>(bytes) / bw;

  // SQLite: the same rows with the local day and the segment as columns.
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  Check(sqlite3_exec(
            db,
            "CREATE TABLE a(owner TEXT, kind TEXT, day INTEGER, minutes INTEGER, account_id TEXT, "
            "segment TEXT)",
            nullptr, nullptr, nullptr),
        db, "create");
  Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
  sqlite3_stmt* ins = nullptr;
  Check(sqlite3_prepare_v2(db, "INSERT INTO a VALUES (?,?,?,?,?,?)", -1, &ins, nullptr), db,
        "insert");
  absl::TimeZone ny;
  absl::LoadTimeZone("America/New_York", &ny);
  const Column* owner = acts.FindColumn("owner");
  const Column* kind = acts.FindColumn("kind");
  const Column* at = acts.FindColumn("occurred_at");
  const Column* minutes = acts.FindColumn("duration_minutes");
  const Column* account = acts.FindColumn("account_id");
  std::vector<int64_t> all(static_cast<size_t>(acts.num_rows()));
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  const TableSchema* ts = snap->schema.FindTable("activities");
  absl::StatusOr<rulebook::ParentPath> path =
      rulebook::ResolveParentPath(snap->schema, *ts, "account.segment");
  absl::StatusOr<Column> segment =
      rulebook::ParentFieldColumn(snap->schema, *snap, acts, *path, all);
  const absl::CivilDay epoch(1970, 1, 1);
  for (int64_t r = 0; r < acts.num_rows(); ++r) {
    auto text = [&](int i, const Column* c) {
      if (c->IsNull(r)) {
        sqlite3_bind_null(ins, i);
      } else {
        std::string_view s = c->StringAt(r);
        sqlite3_bind_text(ins, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
    };
    text(1, owner);
    text(2, kind);
    if (at->IsNull(r)) {
      sqlite3_bind_null(ins, 3);
    } else {
      sqlite3_bind_int64(
          ins, 3, absl::ToCivilDay(absl::FromUnixMicros(at->Values<int64_t>()[r]), ny) - epoch);
    }
    if (minutes->IsNull(r)) {
      sqlite3_bind_null(ins, 4);
    } else {
      sqlite3_bind_int64(ins, 4, minutes->Values<int64_t>()[r]);
    }
    text(5, account);
    text(6, &*segment);
    Check(sqlite3_step(ins), db, "step");
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");

  CalendarSettings cal;
  std::vector<std::string> queries;
  for (const MetricSpec& m : book->metrics->metrics) {
    DayRange cur = IntervalRange(m.interval, g.as_of, cal),
             prev = PreviousRange(m.interval, g.as_of, cal);
    int64_t c0 = cur.start - epoch, c1 = cur.end - epoch, p0 = prev.start - epoch,
            p1 = prev.end - epoch;
    std::string where = m.where ? absl::StrCat(m.where->text, " AND ") : "";
    std::string by = m.by == "owner" ? "owner" : "segment";
    std::string measure_cur, measure_prev, series;
    if (m.measure.kind == MeasureKind::kCount) {
      measure_cur = absl::StrCat("SUM(day BETWEEN ", c0, " AND ", c1, ")");
      measure_prev = absl::StrCat("SUM(day BETWEEN ", p0, " AND ", p1, ")");
      series = "COUNT(*)";
    } else if (m.measure.kind == MeasureKind::kSum) {
      measure_cur =
          absl::StrCat("SUM(CASE WHEN day BETWEEN ", c0, " AND ", c1, " THEN minutes END)");
      measure_prev =
          absl::StrCat("SUM(CASE WHEN day BETWEEN ", p0, " AND ", p1, " THEN minutes END)");
      series = "SUM(minutes)";
    } else {
      measure_cur = absl::StrCat("COUNT(DISTINCT CASE WHEN day BETWEEN ", c0, " AND ", c1,
                                 " THEN account_id END)");
      measure_prev = absl::StrCat("COUNT(DISTINCT CASE WHEN day BETWEEN ", p0, " AND ", p1,
                                  " THEN account_id END)");
      series = "COUNT(DISTINCT account_id)";
    }
    queries.push_back(absl::StrCat("SELECT ", by, ", ", measure_cur, ", ", measure_prev,
                                   " FROM a WHERE ", where, "day BETWEEN ", p0, " AND ", c1,
                                   " GROUP BY 1"));
    if (m.grain != Grain::kNone) {
      std::string period = m.grain == Grain::kWeek ? "(day + 3) / 7"  // Monday weeks.
                                                   : "strftime('%Y-%m', day * 86400, 'unixepoch')";
      queries.push_back(absl::StrCat("SELECT ", by, ", ", period, ", ", series, " FROM a WHERE ",
                                     where, "day BETWEEN ", c0, " AND ", c1, " GROUP BY 1, 2"));
    }
  }
  int64_t sql_rows = 0;
  double sqlite_s = bench::MedianSeconds(
      [&] {
        sql_rows = 0;
        for (const std::string& q : queries) sql_rows += RunQuery(db, q);
      },
      3);
  sqlite3_close(db);

  std::printf("docket ComputeMetrics (5 metrics, one pass, %d threads): %.3f s  (%.1f M rows/s)\n",
              threads, docket_s, static_cast<double>(acts.num_rows()) / docket_s / 1e6);
  std::printf(
      "SQLite GROUP BY (%zu queries, %lld result rows):       %.3f s  → docket is %.1fx faster\n",
      queries.size(), static_cast<long long>(sql_rows), sqlite_s, sqlite_s / docket_s);
  std::printf("floor: %.1f MB read at %.1f GB/s = %.3f s  → docket is %.1fx the floor\n",
              bytes / 1e6, bw / 1e9, floor_s, docket_s / floor_s);
  std::printf("(probe %llu)\n", static_cast<unsigned long long>(probe.sink() & 1));
  return 0;
}
