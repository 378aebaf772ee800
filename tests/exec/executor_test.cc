// The executor on many batches: selection-vector paths, dictionary versus
// plain strings, thread-count determinism, owner scope and NULL reporting,
// checked against straightforward per-row reference loops.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "base/calendar.h"
#include "docket/program.h"
#include "exec/morsel.h"
#include "exec/test_table.h"

namespace docket {
namespace {

using testing::D;

constexpr int64_t kRows = 20000;  // Ten batches and a partial one.

struct Data {
  std::vector<std::optional<double>> arr, usage, usage_prev;
  std::vector<std::optional<std::string>> pulse, segment, sentiment, csm;
  std::vector<std::optional<int64_t>> pulse_changed_at, renewal, review, start, seats;
};

Data Generate(uint32_t seed) {
  std::mt19937 rng(seed);
  auto u = [&](int n) { return static_cast<int>(rng() % n); };
  Data d;
  const char* pulses[] = {"red", "yellow", "green"};
  const char* segments[] = {"Enterprise", "enterprise plus", "SMB", "Mid-market", "ent"};
  const char* sentiments[] = {"at risk", "likely churn", "likely renew", "unsure"};
  const char* csms[] = {"alice", "bob", "carol", "dave"};
  const int32_t today = D(2026, 11, 22);
  for (int64_t i = 0; i < kRows; ++i) {
    auto maybe = [&](int null_pct) { return u(100) >= null_pct; };
    d.arr.push_back(maybe(5) ? std::optional<double>(u(300000)) : std::nullopt);
    d.usage.push_back(maybe(5) ? std::optional<double>(u(1000) / 10.0) : std::nullopt);
    d.usage_prev.push_back(maybe(5) ? std::optional<double>(u(1000) / 10.0) : std::nullopt);
    d.pulse.push_back(maybe(10) ? std::optional<std::string>(pulses[u(3)]) : std::nullopt);
    d.segment.push_back(maybe(5) ? std::optional<std::string>(segments[u(5)]) : std::nullopt);
    d.sentiment.push_back(maybe(20) ? std::optional<std::string>(sentiments[u(4)]) : std::nullopt);
    d.csm.push_back(maybe(3) ? std::optional<std::string>(csms[u(4)]) : std::nullopt);
    d.pulse_changed_at.push_back(maybe(5) ? std::optional<int64_t>(today - u(400)) : std::nullopt);
    d.renewal.push_back(maybe(5) ? std::optional<int64_t>(today - 100 + u(500)) : std::nullopt);
    d.review.push_back(maybe(30) ? std::optional<int64_t>(today - u(300)) : std::nullopt);
    d.start.push_back(maybe(2) ? std::optional<int64_t>(today - u(2000)) : std::nullopt);
    d.seats.push_back(maybe(5) ? std::optional<int64_t>(u(20) - 5) : std::nullopt);
  }
  return d;
}

Table MakeTable(const Data& d, StringEncoding enc) {
  using testing::Col;
  testing::TableBuilder tb("accounts");
  tb.schema.owner = "csm";
  tb.Add("arr", Col<double>(DataType::Float(), d.arr))
      .Add("usage_30d", Col<double>(DataType::Float(), d.usage))
      .Add("usage_prev_30d", Col<double>(DataType::Float(), d.usage_prev))
      .Add("pulse", Col<std::string>(DataType::String(), d.pulse, enc))
      .Add("segment", Col<std::string>(DataType::String(), d.segment, enc))
      .Add("forecast_sentiment", Col<std::string>(DataType::String(), d.sentiment, enc))
      .Add("csm", Col<std::string>(DataType::String(), d.csm, enc))
      .Add("pulse_changed_at", Col<int64_t>(DataType::Date(), d.pulse_changed_at))
      .Add("renewal_date", Col<int64_t>(DataType::Date(), d.renewal))
      .Add("last_value_review", Col<int64_t>(DataType::Date(), d.review))
      .Add("subscription_start", Col<int64_t>(DataType::Date(), d.start))
      .Add("seats", Col<int64_t>(DataType::Int(), d.seats));
  return tb.Build();
}

using Ref = std::function<std::optional<bool>(const Data&, int64_t)>;

// Kleene helpers for reference loops.
std::optional<bool> Or(std::optional<bool> a, std::optional<bool> b) {
  if (a == true || b == true) return true;
  if (!a || !b) return std::nullopt;
  return false;
}
std::optional<bool> And(std::optional<bool> a, std::optional<bool> b) {
  if (a == false || b == false) return false;
  if (!a || !b) return std::nullopt;
  return true;
}

const int64_t kToday = D(2026, 11, 22);

std::vector<std::pair<std::string, Ref>> Cases() {
  return {
      {"pulse IS NULL OR days_since(pulse_changed_at) > 90",
       [](const Data& d, int64_t i) {
         std::optional<bool> b;
         if (d.pulse_changed_at[i]) b = kToday - *d.pulse_changed_at[i] > 90;
         return Or(!d.pulse[i].has_value(), b);
       }},
      {"last_value_review IS NULL OR last_value_review < today - INTERVAL 4 MONTH",
       [](const Data& d, int64_t i) {
         std::optional<bool> b;
         if (d.review[i]) b = *d.review[i] < D(2026, 7, 22);
         return Or(!d.review[i].has_value(), b);
       }},
      {"renewal_date BETWEEN today AND today + 120 AND forecast_sentiment IS NULL",
       [](const Data& d, int64_t i) {
         std::optional<bool> a;
         if (d.renewal[i]) a = *d.renewal[i] >= kToday && *d.renewal[i] <= kToday + 120;
         return And(a, !d.sentiment[i].has_value());
       }},
      {"usage_30d < 0.7 * usage_prev_30d",
       [](const Data& d, int64_t i) -> std::optional<bool> {
         if (!d.usage[i] || !d.usage_prev[i]) return std::nullopt;
         return *d.usage[i] < 0.7 * *d.usage_prev[i];
       }},
      {"arr > 100000 AND pulse IN ('red', 'yellow')",
       [](const Data& d, int64_t i) {
         std::optional<bool> a, b;
         if (d.arr[i]) a = *d.arr[i] > 100000;
         if (d.pulse[i]) b = *d.pulse[i] == "red" || *d.pulse[i] == "yellow";
         return And(a, b);
       }},
      {"segment MATCHES '(?i)^ent' AND arr > 50000",
       [](const Data& d, int64_t i) {
         std::optional<bool> a, b;
         if (d.segment[i]) a = (*d.segment[i])[0] == 'e' || (*d.segment[i])[0] == 'E';
         if (d.arr[i]) b = *d.arr[i] > 50000;
         return And(a, b);
       }},
      {"forecast_sentiment IN ('at risk', 'likely churn') AND days_until(renewal_date) <= 180",
       [](const Data& d, int64_t i) {
         std::optional<bool> a, b;
         if (d.sentiment[i]) a = *d.sentiment[i] == "at risk" || *d.sentiment[i] == "likely churn";
         if (d.renewal[i]) b = *d.renewal[i] - kToday <= 180;
         return And(a, b);
       }},
      {"days_since(subscription_start) % 91 BETWEEN 77 AND 90",
       [](const Data& d, int64_t i) -> std::optional<bool> {
         if (!d.start[i]) return std::nullopt;
         int64_t m = (kToday - *d.start[i]) % 91;
         return m >= 77 && m <= 90;
       }},
      // A selective left side and an expensive right side: the right side runs on a selection
      // vector.
      {"arr > 290000 AND lower(segment) LIKE '%ent%' AND seats % 3 = 1",
       [](const Data& d, int64_t i) {
         std::optional<bool> a, b, c;
         if (d.arr[i]) a = *d.arr[i] > 290000;
         if (d.segment[i]) {
           std::string s = *d.segment[i];
           for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
           b = s.find("ent") != std::string::npos;
         }
         if (d.seats[i]) c = *d.seats[i] % 3 == 1;
         return And(And(a, b), c);
       }},
      {"arr < 1000 OR (pulse = 'green' AND NOT (seats BETWEEN 0 AND 3)) OR segment = 'SMB'",
       [](const Data& d, int64_t i) {
         std::optional<bool> a, b, c, e;
         if (d.arr[i]) a = *d.arr[i] < 1000;
         if (d.pulse[i]) b = *d.pulse[i] == "green";
         if (d.seats[i]) c = !(*d.seats[i] >= 0 && *d.seats[i] <= 3);
         if (d.segment[i]) e = *d.segment[i] == "SMB";
         return Or(Or(a, And(b, c)), e);
       }},
      {"CASE WHEN pulse = 'red' THEN arr > 1000 WHEN seats > 5 THEN usage_30d > 50 ELSE "
       "coalesce(seats, 0) = 0 END",
       [](const Data& d, int64_t i) -> std::optional<bool> {
         if (d.pulse[i] == std::optional<std::string>("red")) {
           if (!d.arr[i]) return std::nullopt;
           return *d.arr[i] > 1000;
         }
         if (d.seats[i] && *d.seats[i] > 5) {
           if (!d.usage[i]) return std::nullopt;
           return *d.usage[i] > 50;
         }
         return d.seats[i].value_or(0) == 0;
       }},
  };
}

class ExecutorTest : public ::testing::TestWithParam<StringEncoding> {};

TEST_P(ExecutorTest, MatchesReferenceOnEveryThreadCount) {
  Data data = Generate(42);
  Snapshot snap = testing::SnapshotOf(MakeTable(data, GetParam()));
  ProgramBuilder b(snap.schema);
  std::vector<std::pair<std::string, Ref>> cases = Cases();
  for (auto& [expr, ref] : cases) ASSERT_TRUE(b.AddPredicate("accounts", {expr, {}}).ok()) << expr;
  auto program = std::move(b).Build();
  ASSERT_TRUE(program.ok());
  EvalOptions opts;
  opts.as_of = absl::CivilDay(2026, 11, 22);
  opts.want_nulls = true;
  std::vector<ProgramResult> results;
  for (int threads : {1, 2, 3, 8}) {
    opts.threads = threads;
    auto r = program->Evaluate(snap, opts);
    ASSERT_TRUE(r.ok()) << r.status();
    results.push_back(*std::move(r));
  }
  for (size_t c = 0; c < cases.size(); ++c) {
    const PredicateResult& pr = results[0].predicates[c];
    int64_t want_count = 0;
    for (int64_t i = 0; i < kRows; ++i) {
      std::optional<bool> want = cases[c].second(data, i);
      ASSERT_EQ(pr.rows.Get(i), want == true) << cases[c].first << " row " << i;
      ASSERT_EQ(pr.nulls.Get(i), !want.has_value()) << cases[c].first << " row " << i;
      want_count += want == true;
    }
    EXPECT_EQ(pr.count, want_count);
    for (size_t t = 1; t < results.size(); ++t) {
      const PredicateResult& other = results[t].predicates[c];
      EXPECT_EQ(other.count, pr.count);
      EXPECT_EQ(0, std::memcmp(other.rows.data(), pr.rows.data(), BitmapBytes(kRows)))
          << cases[c].first;
      EXPECT_EQ(0, std::memcmp(other.nulls.data(), pr.nulls.data(), BitmapBytes(kRows)))
          << cases[c].first;
    }
  }
}

TEST_P(ExecutorTest, OwnerScope) {
  Data data = Generate(7);
  Snapshot snap = testing::SnapshotOf(MakeTable(data, GetParam()));
  auto pred = CompiledPredicate::Compile("arr > 100000 OR pulse IS NULL", snap.schema, "accounts");
  ASSERT_TRUE(pred.ok());
  EvalOptions opts;
  opts.as_of = absl::CivilDay(2026, 11, 22);
  opts.owner = "bob";
  auto r = pred->Evaluate(snap, opts);
  ASSERT_TRUE(r.ok());
  int64_t want = 0;
  for (int64_t i = 0; i < kRows; ++i) {
    bool in = data.csm[i] == std::optional<std::string>("bob") &&
              (!data.pulse[i] || (data.arr[i] && *data.arr[i] > 100000));
    ASSERT_EQ(r->rows.Get(i), in) << i;
    want += in;
  }
  EXPECT_EQ(r->count, want);
  opts.owner = "nobody";
  r = pred->Evaluate(snap, opts);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 0);
}

TEST_P(ExecutorTest, SharedSubexpressionsAcrossRules) {
  Data data = Generate(9);
  Snapshot snap = testing::SnapshotOf(MakeTable(data, GetParam()));
  ProgramBuilder b(snap.schema);
  ASSERT_TRUE(b.AddSegment("big", {"arr > 100000", {}}).ok());
  ASSERT_TRUE(b.AddPredicate("accounts", {"big AND seats / (seats - 3) > 1", {}}).ok());
  ASSERT_TRUE(b.AddPredicate("accounts", {"big OR pulse = 'red'", {}}).ok());
  ASSERT_TRUE(b.AddPredicate("accounts", {"NOT big", {}}).ok());
  auto program = std::move(b).Build();
  ASSERT_TRUE(program.ok());
  EXPECT_NE(program->DebugString().find("shared: (> arr 1e+05)"), std::string::npos)
      << program->DebugString();
  EvalOptions opts;
  opts.as_of = absl::CivilDay(2026, 11, 22);
  auto r = program->Evaluate(snap, opts);
  ASSERT_TRUE(r.ok());
  int64_t div0 = 0, c0 = 0, c1 = 0, c2 = 0;
  for (int64_t i = 0; i < kRows; ++i) {
    std::optional<bool> big;
    if (data.arr[i]) big = *data.arr[i] > 100000;
    std::optional<bool> q;
    if (big != false && data.seats[i]) {
      if (*data.seats[i] == 3) {
        ++div0;
      } else {
        q = static_cast<double>(*data.seats[i]) / static_cast<double>(*data.seats[i] - 3) > 1;
      }
    }
    std::optional<bool> red;
    if (data.pulse[i]) red = *data.pulse[i] == "red";
    c0 += And(big, q) == true;
    c1 += Or(big, red) == true;
    c2 += big == false;
  }
  EXPECT_EQ(r->predicates[0].count, c0);
  EXPECT_EQ(r->predicates[1].count, c1);
  EXPECT_EQ(r->predicates[2].count, c2);
  EXPECT_EQ(r->predicates[0].diagnostics.division_by_zero, div0);
  EXPECT_EQ(r->predicates[1].diagnostics.division_by_zero, 0);
}

// Program::Evaluate runs each worker's batches morsel by morsel and, in a
// morsel, one group of rules after another (exec/morsel.h).  Morsel edges of
// 1, 2 and 3 batches inside the table, on 1, 2, 3 and 8 threads, with rules
// that share computed nodes (one group) and rules that share only columns
// (separate groups): every bit, NULL, count and diagnostic is the same as
// the one-thread default run, and the default run matches the reference.
TEST_P(ExecutorTest, SameResultsForEveryMorselSizeAndThreadCount) {
  Data data = Generate(11);
  Snapshot snap = testing::SnapshotOf(MakeTable(data, GetParam()));
  ProgramBuilder b(snap.schema);
  std::vector<std::pair<std::string, Ref>> cases = Cases();
  for (auto& [expr, ref] : cases) ASSERT_TRUE(b.AddPredicate("accounts", {expr, {}}).ok()) << expr;
  ASSERT_TRUE(b.AddSegment("big", {"arr > 100000", {}}).ok());
  const std::vector<std::string> shared = {
      "big AND seats / (seats - 3) > 1",
      "big OR pulse = 'red'",
      "seats / (seats - 3) > 1 OR segment = 'SMB'",
      "NOT big AND usage_30d / seats > 2",
      "seats % (seats + 2) = 1",
  };
  for (const std::string& expr : shared) ASSERT_TRUE(b.AddPredicate("accounts", {expr, {}}).ok());
  auto program = std::move(b).Build();
  ASSERT_TRUE(program.ok());
  EvalOptions opts;
  opts.as_of = absl::CivilDay(2026, 11, 22);
  opts.want_nulls = true;
  opts.threads = 1;
  exec::SetMorselBatchesForTest(0);
  auto base = program->Evaluate(snap, opts);
  ASSERT_TRUE(base.ok()) << base.status();
  for (size_t c = 0; c < cases.size(); ++c) {
    for (int64_t i = 0; i < kRows; ++i) {
      std::optional<bool> want = cases[c].second(data, i);
      ASSERT_EQ(base->predicates[c].rows.Get(i), want == true) << cases[c].first << " row " << i;
      ASSERT_EQ(base->predicates[c].nulls.Get(i), !want.has_value()) << cases[c].first;
    }
  }
  int64_t div0 = 0;
  for (const PredicateResult& pr : base->predicates) div0 += pr.diagnostics.division_by_zero;
  EXPECT_GT(div0, 0);   // The shared divisions raise diagnostics: their counts are compared below.
  EvalContext context;  // A kept context, as the on-change path keeps one.
  for (int64_t morsel : {1, 2, 3, 0}) {
    exec::SetMorselBatchesForTest(morsel);
    for (int threads : {1, 2, 3, 8}) {
      opts.threads = threads;
      ProgramResult r;
      ASSERT_TRUE(program->Evaluate(snap, opts, &context, &r).ok());
      ASSERT_EQ(r.predicates.size(), base->predicates.size());
      for (size_t p = 0; p < r.predicates.size(); ++p) {
        const PredicateResult& want = base->predicates[p];
        const PredicateResult& got = r.predicates[p];
        SCOPED_TRACE(::testing::Message()
                     << "morsel " << morsel << ", threads " << threads << ", rule " << p);
        EXPECT_EQ(got.count, want.count);
        EXPECT_EQ(0, std::memcmp(got.rows.data(), want.rows.data(), BitmapBytes(kRows)));
        EXPECT_EQ(0, std::memcmp(got.nulls.data(), want.nulls.data(), BitmapBytes(kRows)));
        EXPECT_EQ(got.diagnostics.division_by_zero, want.diagnostics.division_by_zero);
        EXPECT_EQ(got.diagnostics.int_overflow, want.diagnostics.int_overflow);
      }
    }
  }
  exec::SetMorselBatchesForTest(0);
}

TEST_P(ExecutorTest, ConcurrentEvaluateFromManyThreads) {
  Data data = Generate(3);
  Snapshot snap = testing::SnapshotOf(MakeTable(data, GetParam()));
  auto pred = CompiledPredicate::Compile(
      "segment MATCHES '(?i)^ent' AND days_since(pulse_changed_at) > 30", snap.schema, "accounts");
  ASSERT_TRUE(pred.ok());
  EvalOptions opts;
  opts.as_of = absl::CivilDay(2026, 11, 22);
  opts.threads = 1;
  int64_t want = pred->Evaluate(snap, opts)->count;
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      EvalOptions o = opts;
      o.threads = 1 + t % 2;
      for (int k = 0; k < 5; ++k) {
        if (pred->Evaluate(snap, o)->count != want) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Encodings, ExecutorTest,
                         ::testing::Values(StringEncoding::kDictionary, StringEncoding::kPlain));

TEST(ExecutorEdge, EmptyAndSingleRowTables) {
  testing::TableBuilder tb("t");
  tb.Add("x", testing::Col<int64_t>(DataType::Int(), {}));
  Snapshot snap = testing::SnapshotOf(tb.Build());
  auto pred = CompiledPredicate::Compile("x > 1 OR x IS NULL", snap.schema, "t");
  ASSERT_TRUE(pred.ok());
  EvalOptions opts;
  opts.as_of = absl::CivilDay(2026, 1, 1);
  auto r = pred->Evaluate(snap, opts);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 0);
  EXPECT_EQ(r->rows.size(), 0);
  auto always = CompiledPredicate::Compile("TRUE", snap.schema, "t");
  ASSERT_TRUE(always.ok());
  testing::TableBuilder one("t");
  one.Add("x", testing::Col<int64_t>(DataType::Int(), {5}));
  Table t1 = one.Build();
  r = always->EvaluateTable(t1, opts);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->count, 1);
}

}  // namespace
}  // namespace docket

namespace docket {
namespace {

// Regressions found by the differential test (docs/testing.md, D1–D5).
TEST(ExecutorRegressions, DifferentialFindings) {
  const int64_t n = 2049;
  std::vector<std::optional<bool>> b(n, false);
  std::vector<std::optional<int64_t>> d(n, std::nullopt);
  std::vector<std::optional<std::string>> s(n, std::nullopt), a(n, std::nullopt),
      p(n, std::string("yellow"));
  d[2] = testing::D(2027, 3, 26);
  b[5] = true;
  s[7] = "abc";
  testing::TableBuilder tb("t");
  tb.Add("b", testing::Col<bool>(DataType::Bool(), b))
      .Add("d", testing::Col<int64_t>(DataType::Date(), d))
      .Add("s", testing::Col<std::string>(DataType::String(), s, StringEncoding::kPlain))
      .Add("a", testing::Col<std::string>(DataType::String(), a, StringEncoding::kDictionary))
      .Add("p", testing::Col<std::string>(DataType::String(), p, StringEncoding::kPlain));
  Snapshot snap = testing::SnapshotOf(tb.Build());
  EvalOptions o;
  o.as_of = absl::CivilDay(2026, 11, 22);
  o.want_nulls = true;
  auto run = [&](const std::string& expr) {
    auto pred = CompiledPredicate::Compile(expr, snap.schema, "t");
    EXPECT_TRUE(pred.ok()) << expr << pred.status();
    auto r = pred->Evaluate(snap, o);
    EXPECT_TRUE(r.ok()) << expr;
    return *std::move(r);
  };
  // D1 / D3: all-NULL string intermediates must be safe to read.
  EXPECT_EQ(run("CASE WHEN b THEN 'x' END < 'a'").nulls.CountSet(), n - 1);
  EXPECT_EQ(run("contains(nullif(NULL, coalesce(s, 'b')), 'a')").nulls.CountSet(), n);
  EXPECT_EQ(run("nullif(nullif('red', 'red'), s) < 'x' OR b").count, 1);
  EXPECT_EQ(run("lower(s) < 'b' AND b").count, 0);
  // D4: evaluation constants as AND / OR operands.
  PredicateResult r = run("today < DATE '1970-01-01' OR d > DATE '2000-01-01'");
  EXPECT_EQ(testing::Rows(r.rows), (std::vector<int64_t>{2}));
  EXPECT_EQ(r.nulls.CountSet(), n - 1);
  EXPECT_EQ(run("1000 / 0.0 IS NOT NULL AND b").count, 0);
  EXPECT_EQ(run("today IN (today, d)").count, n);
  // D5: a predicate over two string columns is not evaluated per dictionary entry.
  EXPECT_EQ(run("p = 'yellow' OR a = 'yellow' OR trim(a) = 'yellow'").count, n);
}

}  // namespace
}  // namespace docket
