// Booleans as 64-row words (exec/bits.h): the word helpers on sizes that
// end inside a word, dictionary predicates on both of their per-row paths
// (code comparison for at most two TRUE entries, table lookup otherwise)
// with NULL entries, NULL rows, owner scope and partial words, and a
// shared boolean node read both as words and as bytes in one batch (its
// diagnostics count once).
#include "exec/bits.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "docket/program.h"
#include "exec/test_table.h"

namespace docket {
namespace {

TEST(Bits, WordHelpersOnPartialWords) {
  std::mt19937 rng(5);
  for (int n : {1, 7, 63, 64, 65, 127, 1000, 2047, 2048}) {
    std::vector<uint8_t> bytes(n + 64);
    for (int i = 0; i < n; ++i) bytes[i] = rng() % 3 == 0;
    uint64_t words[exec::kBatchWords] = {};
    exec::PackWords(bytes.data(), n, words);
    std::vector<uint8_t> back(n + 8);
    exec::UnpackWords(words, n, back.data());
    int ones = 0;
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(back[i], bytes[i]) << n << " row " << i;
      ones += bytes[i];
    }
    EXPECT_EQ(exec::CountWords(words, n), ones) << n;
    std::vector<uint16_t> sel(n);
    EXPECT_EQ(exec::SelectFromMask(bytes.data(), n, sel.data()), ones) << n;
    for (int k = 0, i = 0; i < n; ++i) {
      if (bytes[i]) {
        EXPECT_EQ(sel[k++], i);
      }
    }
    // Through an Arrow bitmap at row 2048 (a batch boundary): only the
    // bytes of the n rows are written, and read back the same.
    std::vector<uint8_t> bitmap(256 + BitmapBytes(n) + 1, 0xA5);
    exec::StoreBitmapWords(words, 2048, n, bitmap.data());
    for (int i = 0; i < n; ++i) ASSERT_EQ(GetBit(bitmap.data(), 2048 + i), bytes[i] != 0) << n;
    EXPECT_EQ(bitmap[255], 0xA5);
    EXPECT_EQ(bitmap[256 + BitmapBytes(n)], 0xA5) << "wrote past the rows";
    uint64_t loaded[exec::kBatchWords];
    exec::LoadBitmapWords(bitmap.data(), 2048, n, loaded);
    EXPECT_EQ(exec::CountWords(loaded, n), ones);
    uint64_t all[exec::kBatchWords];
    std::fill(all, all + exec::kBatchWords, 0);
    for (int w = 0; w < exec::WordsFor(n); ++w) all[w] = ~uint64_t{0};
    EXPECT_TRUE(exec::AllOnes(all, n));
    all[(n - 1) / 64] &= ~(uint64_t{1} << ((n - 1) % 64));
    EXPECT_FALSE(exec::AllOnes(all, n));
  }
}

// 2 batches and a partial word.
constexpr int64_t kRows = 2 * 2048 + 37;

struct Data {
  std::vector<std::optional<std::string>> s, owner;
  std::vector<std::optional<int64_t>> seats;
};

Data Generate(uint32_t seed, int null_pct) {
  std::mt19937 rng(seed);
  const char* values[] = {"a", "b", "c", "d", "none"};
  const char* owners[] = {"ann", "bo"};
  Data d;
  for (int64_t i = 0; i < kRows; ++i) {
    d.s.push_back(static_cast<int>(rng() % 100) < null_pct
                      ? std::nullopt
                      : std::optional<std::string>(values[rng() % 5]));
    d.owner.push_back(owners[rng() % 2]);
    d.seats.push_back(static_cast<int64_t>(rng() % 7));
  }
  return d;
}

Snapshot MakeSnapshot(const Data& d) {
  testing::TableBuilder tb("t");
  tb.schema.owner = "owner";
  tb.Add("s", testing::Col<std::string>(DataType::String(), d.s, StringEncoding::kDictionary))
      .Add("owner",
           testing::Col<std::string>(DataType::String(), d.owner, StringEncoding::kDictionary))
      .Add("seats", testing::Col<int64_t>(DataType::Int(), d.seats));
  return testing::SnapshotOf(tb.Build());
}

using Ref = std::optional<bool> (*)(const std::optional<std::string>&);

struct Case {
  const char* expr;
  Ref ref;
};

std::optional<bool> In(const std::optional<std::string>& s,
                       std::initializer_list<const char*> set) {
  if (!s) return std::nullopt;
  for (const char* x : set) {
    if (*s == x) return true;
  }
  return false;
}

const Case kCases[] = {
    {"s = 'a'", [](const std::optional<std::string>& s) { return In(s, {"a"}); }},
    {"s IN ('a', 'b')",
     [](const std::optional<std::string>& s) {
       return In(s, {"a", "b"});
     }},
    {"NOT (s IN ('a', 'b'))",
     [](const std::optional<std::string>& s) -> std::optional<bool> {
       auto x = In(s, {"a", "b"});
       if (!x) return x;
       return !*x;
     }},
    {"s IN ('a', 'b', 'c')",
     [](const std::optional<std::string>& s) {
       return In(s, {"a", "b", "c"});
     }},
    {"s IN ('zzz')", [](const std::optional<std::string>& s) { return In(s, {"zzz"}); }},
    // The NULL entry is TRUE: NULL rows take it on both paths.
    {"coalesce(s, 'none') = 'none'",
     [](const std::optional<std::string>& s) -> std::optional<bool> { return !s || *s == "none"; }},
    {"s IS NULL",
     [](const std::optional<std::string>& s) -> std::optional<bool> { return !s.has_value(); }},
    {"s IS NOT NULL",
     [](const std::optional<std::string>& s) -> std::optional<bool> { return s.has_value(); }},
    {"s IS NULL OR s = 'd'",
     [](const std::optional<std::string>& s) -> std::optional<bool> { return !s || *s == "d"; }},
    {"s LIKE '%o%' OR s = 'a'",
     [](const std::optional<std::string>& s) -> std::optional<bool> {
       if (!s) return std::nullopt;
       return *s == "none" || *s == "a";
     }},
};

class BitsDictionary : public ::testing::TestWithParam<int> {};

TEST_P(BitsDictionary, MatchesReferenceWithNullsAndScope) {
  Data data = Generate(11, GetParam());
  Snapshot snap = MakeSnapshot(data);
  ProgramBuilder b(snap.schema);
  for (const Case& c : kCases) ASSERT_TRUE(b.AddPredicate("t", {c.expr, {}}).ok()) << c.expr;
  auto program = std::move(b).Build();
  ASSERT_TRUE(program.ok()) << program.status();
  for (std::optional<std::string> owner :
       {std::optional<std::string>(), std::optional<std::string>("bo")}) {
    for (int threads : {1, 2}) {
      EvalOptions opts;
      opts.as_of = absl::CivilDay(2026, 11, 22);
      opts.want_nulls = true;
      opts.threads = threads;
      opts.owner = owner;
      auto r = program->Evaluate(snap, opts);
      ASSERT_TRUE(r.ok()) << r.status();
      for (size_t c = 0; c < std::size(kCases); ++c) {
        const PredicateResult& pr = r->predicates[c];
        int64_t want_count = 0;
        for (int64_t i = 0; i < kRows; ++i) {
          const bool in_scope = !owner || data.owner[i] == owner;
          std::optional<bool> want = kCases[c].ref(data.s[i]);
          ASSERT_EQ(pr.rows.Get(i), in_scope && want == true) << kCases[c].expr << " row " << i;
          ASSERT_EQ(pr.nulls.Get(i), in_scope && !want.has_value())
              << kCases[c].expr << " row " << i;
          want_count += in_scope && want == true;
        }
        EXPECT_EQ(pr.count, want_count) << kCases[c].expr;
        // Nothing past the last row.
        for (int64_t i = kRows; i < (kRows + 7) / 8 * 8; ++i) EXPECT_FALSE(pr.rows.Get(i));
      }
    }
  }
}

// No NULL rows (no validity bitmap), some, and many.
INSTANTIATE_TEST_SUITE_P(NullShare, BitsDictionary, ::testing::Values(0, 10, 60));

TEST(Bits, SharedNodeAsWordsAndBytesCountsItsDiagnosticsOnce) {
  Data data = Generate(3, 5);
  Snapshot snap = MakeSnapshot(data);
  ProgramBuilder b(snap.schema);
  ASSERT_TRUE(b.AddSegment("q", {"seats / (seats - 3) > 1", {}}).ok());
  // q is shared within the rule: AND reads it as words, coalesce as bytes.
  ASSERT_TRUE(b.AddPredicate("t", {"q OR coalesce(q, seats = 3)", {}}).ok());
  auto program = std::move(b).Build();
  ASSERT_TRUE(program.ok()) << program.status();
  EvalOptions opts;
  opts.as_of = absl::CivilDay(2026, 11, 22);
  auto r = program->Evaluate(snap, opts);
  ASSERT_TRUE(r.ok()) << r.status();
  int64_t zero = 0, want = 0;
  for (int64_t i = 0; i < kRows; ++i) {
    const int64_t s = *data.seats[i];
    zero += s == 3;
    const bool q = s != 3 && static_cast<double>(s) / static_cast<double>(s - 3) >
                                 1;  // `/` is float division.
    const bool row = q || s == 3;
    ASSERT_EQ(r->predicates[0].rows.Get(i), row) << i;
    want += row;
  }
  EXPECT_EQ(r->predicates[0].count, want);
  EXPECT_EQ(r->predicates[0].diagnostics.division_by_zero, zero);
}

}  // namespace
}  // namespace docket

namespace docket::exec {
namespace {

// MatchCodeWord (AVX2 or SSE2, as built, for whole words, a loop otherwise) against the plain
// definition, for codes near every edge: negative, 0, entries - 1, entries,
// INT32_MIN/MAX, with 0, 1 and 2 TRUE codes and every partial word length.
TEST(Bits, MatchCodeWordMatchesItsDefinition) {
  std::mt19937 rng(11);
  for (uint32_t entries : {0u, 1u, 2u, 7u, 1000u, 0x7fffffffu, 0x80000000u}) {
    const int32_t specials[] = {0,
                                1,
                                -1,
                                static_cast<int32_t>(entries - 1),  // Wrapping, as unsigned.
                                static_cast<int32_t>(entries),
                                static_cast<int32_t>(entries + 1),
                                INT32_MIN,
                                INT32_MAX};
    for (int round = 0; round < 200; ++round) {
      int32_t codes[64];
      for (int32_t& c : codes) {
        c = (rng() % 2) ? specials[rng() % 8] : static_cast<int32_t>(rng() % 12) - 2;
      }
      const int num_true = static_cast<int>(rng() % 3);
      const int32_t c0 = specials[rng() % 8], c1 = static_cast<int32_t>(rng() % 5);
      const int cnt = (round % 4 == 0) ? 1 + static_cast<int>(rng() % 64) : 64;
      uint64_t hit = 0, oob = 0;
      MatchCodeWord(codes, cnt, num_true, c0, c1, entries, &hit, &oob);
      for (int j = 0; j < 64; ++j) {
        const bool want_hit =
            j < cnt && ((num_true >= 1 && codes[j] == c0) || (num_true == 2 && codes[j] == c1));
        const bool want_oob = j < cnt && static_cast<uint32_t>(codes[j]) >= entries;
        ASSERT_EQ(((hit >> j) & 1) != 0, want_hit)
            << "entries " << entries << " round " << round << " row " << j << " code " << codes[j];
        ASSERT_EQ(((oob >> j) & 1) != 0, want_oob)
            << "entries " << entries << " round " << round << " row " << j << " code " << codes[j];
      }
    }
  }
}

}  // namespace
}  // namespace docket::exec
