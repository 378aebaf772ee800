// Arithmetic under a comparison, evaluated with validity words
// (BatchEvaluator::KeepWords, execute_bits.cc) and compared straight into
// words (exec/compare_words.h: floats, int64 ranges), against the plain
// definitions row by row: % by constants (±, powers of two, with the
// dividend's sign), date differences over the whole int32 day range, float
// + - * and negation with NaN, ±inf and -0.0, int to float; NULL rows, no
// NULL at all, a partial last word, two batches, a sparse row set below a
// fallible AND, and % by zero (NULL, counted per valid row).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "docket/program.h"
#include "exec/test_table.h"

namespace docket {
namespace {

constexpr int64_t kRows = 2 * 2048 + 37;

struct Data {
  std::vector<std::optional<int64_t>> i, d;
  std::vector<std::optional<double>> u, p;
};

Data Generate(uint32_t seed, int null_pct) {
  std::mt19937_64 rng(seed);
  auto null = [&] { return static_cast<int>(rng() % 100) < null_pct; };
  const int64_t ints[] = {std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max(),
                          0,
                          -1,
                          1,
                          91,
                          -91,
                          77,
                          -77,
                          90};
  const double floats[] = {std::nan(""), INFINITY, -INFINITY, -0.0, 0.0, 1.0, 0.7, 1e308, -1e-308};
  Data d;
  for (int64_t r = 0; r < kRows; ++r) {
    std::optional<int64_t> i;
    if (!null()) {
      switch (rng() % 4) {
        case 0:
          i = ints[rng() % std::size(ints)];
          break;
        case 1:
          i = static_cast<int64_t>(rng());
          break;
        default:
          i = static_cast<int64_t>(rng() % 20001) - 10000;
      }
    }
    d.i.push_back(i);
    std::optional<int64_t> day;
    if (!null()) {
      day = rng() % 8 == 0 ? static_cast<int32_t>(rng())  // anywhere in the date range
                           : testing::D(2026, 11, 22) - static_cast<int64_t>(rng() % 3000);
    }
    d.d.push_back(day);
    auto f = [&]() -> std::optional<double> {
      if (null()) return std::nullopt;
      if (rng() % 5 == 0) return floats[rng() % std::size(floats)];
      return static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) / 1000.0;
    };
    d.u.push_back(f());
    d.p.push_back(f());
  }
  return d;
}

Snapshot MakeSnapshot(const Data& d) {
  testing::TableBuilder tb("t");
  tb.Add("i", testing::Col<int64_t>(DataType::Int(), d.i))
      .Add("d", testing::Col<int64_t>(DataType::Date(), d.d))
      .Add("u", testing::Col<double>(DataType::Float(), d.u))
      .Add("p", testing::Col<double>(DataType::Float(), d.p));
  return testing::SnapshotOf(tb.Build());
}

using Opt = std::optional<bool>;
using Ref = std::function<Opt(const Data&, int64_t)>;

int64_t Mod(int64_t x, int64_t k) { return k == -1 ? 0 : x % k; }

const int64_t kToday = testing::D(2026, 11, 22);

std::vector<std::pair<std::string, Ref>> Cases() {
  std::vector<std::pair<std::string, Ref>> c;
  for (int64_t k : {91, -91, 2, -2, 3, 7, 64, -1024, 1000000007}) {
    const std::string ks = std::to_string(k);
    c.emplace_back("i % " + ks + " BETWEEN -5 AND 20", [k](const Data& d, int64_t r) -> Opt {
      if (!d.i[r]) return std::nullopt;
      const int64_t m = Mod(*d.i[r], k);
      return m >= -5 && m <= 20;
    });
    c.emplace_back("i % " + ks + " < 0", [k](const Data& d, int64_t r) -> Opt {
      if (!d.i[r]) return std::nullopt;
      return Mod(*d.i[r], k) < 0;
    });
    c.emplace_back("days_since(d) % " + ks + " BETWEEN 1 AND 40",
                   [k](const Data& d, int64_t r) -> Opt {
                     if (!d.d[r]) return std::nullopt;
                     const int64_t m = Mod(kToday - *d.d[r], k);
                     return m >= 1 && m <= 40;
                   });
  }
  c.emplace_back("days_since(d) % 91 BETWEEN 77 AND 90", [](const Data& d, int64_t r) -> Opt {
    if (!d.d[r]) return std::nullopt;
    const int64_t m = (kToday - *d.d[r]) % 91;
    return m >= 77 && m <= 90;
  });
  c.emplace_back("(today - d) % 7 = -3", [](const Data& d, int64_t r) -> Opt {
    if (!d.d[r]) return std::nullopt;
    return (kToday - *d.d[r]) % 7 == -3;
  });
  c.emplace_back("i % 0 = 1", [](const Data&, int64_t) -> Opt { return std::nullopt; });
  // Floats: C++'s operators (NaN compares unequal, neither less nor greater).
  auto f2 = [](std::function<bool(double, double)> f) -> Ref {
    return [f](const Data& d, int64_t r) -> Opt {
      if (!d.u[r] || !d.p[r]) return std::nullopt;
      return f(*d.u[r], *d.p[r]);
    };
  };
  c.emplace_back("u < 0.7 * p", f2([](double u, double p) { return u < 0.7 * p; }));
  c.emplace_back("0.7 * p > u", f2([](double u, double p) { return 0.7 * p > u; }));
  c.emplace_back("u <= p + 1.5", f2([](double u, double p) { return u <= p + 1.5; }));
  c.emplace_back("u - p >= 0.25", f2([](double u, double p) { return u - p >= 0.25; }));
  c.emplace_back("u * p = p * u", f2([](double u, double p) { return u * p == p * u; }));
  c.emplace_back("u <> p", f2([](double u, double p) { return u != p; }));
  c.emplace_back("-u > p - u * 2.0", f2([](double u, double p) { return -u > p - u * 2.0; }));
  c.emplace_back("u = 0.0", [](const Data& d, int64_t r) -> Opt {
    if (!d.u[r]) return std::nullopt;
    return *d.u[r] == 0.0;
  });
  c.emplace_back("u >= 1.5 * i", [](const Data& d, int64_t r) -> Opt {
    if (!d.u[r] || !d.i[r]) return std::nullopt;
    return *d.u[r] >= 1.5 * static_cast<double>(*d.i[r]);
  });
  // A fallible operand below AND runs on the undecided rows only (a mask or a selection).
  c.emplace_back("u > 900.0 AND (i % 0 = 1 OR i % 91 > 45)", [](const Data& d, int64_t r) -> Opt {
    Opt a = d.u[r] ? Opt(*d.u[r] > 900.0) : std::nullopt;
    Opt b = d.i[r] ? Opt(Mod(*d.i[r], 91) > 45) : std::nullopt;  // i % 0 = 1 is NULL
    Opt orv = b == true ? Opt(true) : std::nullopt;              // NULL OR b
    if (a == false || orv == false) return false;
    if (a == true && orv == true) return true;
    return std::nullopt;
  });
  return c;
}

class ArithWords : public ::testing::TestWithParam<int> {};

TEST_P(ArithWords, MatchesDefinitionsRowByRow) {
  const Data data = Generate(17 + GetParam(), GetParam());
  Snapshot snap = MakeSnapshot(data);
  const auto cases = Cases();
  ProgramBuilder b(snap.schema);
  for (const auto& c : cases) ASSERT_TRUE(b.AddPredicate("t", {c.first, {}}).ok()) << c.first;
  auto program = std::move(b).Build();
  ASSERT_TRUE(program.ok()) << program.status();
  EvalOptions opts;
  opts.as_of = absl::CivilDay(2026, 11, 22);
  opts.want_nulls = true;
  auto r = program->Evaluate(snap, opts);
  ASSERT_TRUE(r.ok()) << r.status();
  for (size_t c = 0; c < cases.size(); ++c) {
    const PredicateResult& pr = r->predicates[c];
    int64_t want_count = 0, valid_i = 0;
    for (int64_t i = 0; i < kRows; ++i) {
      const Opt want = cases[c].second(data, i);
      ASSERT_EQ(pr.rows.Get(i), want == true) << cases[c].first << " row " << i;
      ASSERT_EQ(pr.nulls.Get(i), !want.has_value()) << cases[c].first << " row " << i;
      want_count += want == true;
      valid_i += data.i[i].has_value();
    }
    EXPECT_EQ(pr.count, want_count) << cases[c].first;
    if (cases[c].first == "i % 0 = 1") {
      EXPECT_EQ(pr.diagnostics.division_by_zero, valid_i);
    } else if (cases[c].first.find("% 0") == std::string::npos) {
      EXPECT_TRUE(pr.diagnostics.empty()) << cases[c].first;
    }
  }
}

// No NULL (no validity bitmap), some, many.
INSTANTIATE_TEST_SUITE_P(NullShare, ArithWords, ::testing::Values(0, 12, 70));

}  // namespace
}  // namespace docket
