// benchmarks/hand_loops.h — the practical limit: workload A's eight rules
// (issue 3) written by hand as fused loops over the raw column arrays.
//
// Each loop produces the same result as docket — a bitmap with bit i set when
// the rule is TRUE for row i — and returns the number of TRUE rows.  They are
// what a careful C++ programmer would write for one rule knowing the data
// layout: 64 rows at a time, values compared into a byte mask, packed into a
// word with SSE2 movemask, combined with the validity words, no branches per
// row; dictionary strings are tested once per dictionary entry and rows then
// compare int32 codes; as_of-relative date math is folded into constants.
// They are compiled with the engine's flags (-O3, no -march).
#ifndef DOCKET_BENCHMARKS_HAND_LOOPS_H_
#define DOCKET_BENCHMARKS_HAND_LOOPS_H_

#include <emmintrin.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "docket/column.h"
#include "docket/table.h"
#include "re2/re2.h"

namespace docket::bench {

// Raw pointers to the columns workload A reads.  Validity is an all-ones
// buffer for a column without NULLs, so every loop has one shape.
struct AccountsView {
  int64_t n = 0;
  const int32_t* pulse = nullptr;
  const uint8_t* pulse_valid = nullptr;
  const int32_t* pulse_changed_at = nullptr;
  const uint8_t* pulse_changed_at_valid = nullptr;
  const int32_t* last_value_review = nullptr;
  const uint8_t* last_value_review_valid = nullptr;
  const int32_t* renewal_date = nullptr;
  const uint8_t* renewal_date_valid = nullptr;
  const int32_t* forecast = nullptr;
  const uint8_t* forecast_valid = nullptr;
  const double* usage_30d = nullptr;
  const uint8_t* usage_30d_valid = nullptr;
  const double* usage_prev_30d = nullptr;
  const uint8_t* usage_prev_30d_valid = nullptr;
  const double* arr = nullptr;
  const uint8_t* arr_valid = nullptr;
  const int32_t* segment = nullptr;
  const uint8_t* segment_valid = nullptr;
  const int32_t* forecast_sentiment = nullptr;
  const uint8_t* forecast_sentiment_valid = nullptr;
  const int32_t* subscription_start = nullptr;
  const uint8_t* subscription_start_valid = nullptr;
  const Column* pulse_column = nullptr;
  const Column* segment_column = nullptr;
  const Column* forecast_sentiment_column = nullptr;
  std::vector<uint64_t> all_valid;  // For columns without NULLs.
};

[[noreturn]] inline void HandLoopFail(const std::string& what) {
  std::fprintf(stderr, "hand_loops: %s\n", what.c_str());
  std::abort();
}

inline AccountsView ViewAccounts(const Table& t) {
  AccountsView v;
  v.n = t.num_rows();
  v.all_valid.assign(static_cast<size_t>(v.n / 64 + 2), ~uint64_t{0});
  auto col = [&](const char* name, TypeId type) -> const Column& {
    const Column* c = t.FindColumn(name);
    if (c == nullptr || c->type_id() != type)
      HandLoopFail(std::string("missing or mistyped column ") + name);
    return *c;
  };
  auto valid = [&](const Column& c) {
    return c.validity() ? c.validity() : reinterpret_cast<const uint8_t*>(v.all_valid.data());
  };
  auto dict = [&](const char* name, const int32_t** codes,
                  const uint8_t** validity) -> const Column* {
    const Column& c = col(name, TypeId::kString);
    if (!c.is_dictionary())
      HandLoopFail(std::string("column ") + name + " is not dictionary-encoded");
    *codes = c.codes();
    *validity = valid(c);
    return &c;
  };
  auto date = [&](const char* name, const int32_t** values, const uint8_t** validity) {
    const Column& c = col(name, TypeId::kDate);
    *values = c.Values<int32_t>();
    *validity = valid(c);
  };
  auto flt = [&](const char* name, const double** values, const uint8_t** validity) {
    const Column& c = col(name, TypeId::kFloat);
    *values = c.Values<double>();
    *validity = valid(c);
  };
  v.pulse_column = dict("pulse", &v.pulse, &v.pulse_valid);
  date("pulse_changed_at", &v.pulse_changed_at, &v.pulse_changed_at_valid);
  date("last_value_review", &v.last_value_review, &v.last_value_review_valid);
  date("renewal_date", &v.renewal_date, &v.renewal_date_valid);
  dict("forecast", &v.forecast, &v.forecast_valid);
  flt("usage_30d", &v.usage_30d, &v.usage_30d_valid);
  flt("usage_prev_30d", &v.usage_prev_30d, &v.usage_prev_30d_valid);
  flt("arr", &v.arr, &v.arr_valid);
  v.segment_column = dict("segment", &v.segment, &v.segment_valid);
  v.forecast_sentiment_column =
      dict("forecast_sentiment", &v.forecast_sentiment, &v.forecast_sentiment_valid);
  date("subscription_start", &v.subscription_start, &v.subscription_start_valid);
  return v;
}

// 64 bytes of 0x00 / 0xFF -> 64 bits.
inline uint64_t PackBytes(const uint8_t* b) {
  uint64_t m0 = static_cast<uint16_t>(
      _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b))));
  uint64_t m1 = static_cast<uint16_t>(
      _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16))));
  uint64_t m2 = static_cast<uint16_t>(
      _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 32))));
  uint64_t m3 = static_cast<uint16_t>(
      _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 48))));
  return m0 | (m1 << 16) | (m2 << 32) | (m3 << 48);
}

inline uint64_t Word(const uint8_t* bits, int64_t w) {
  uint64_t x;
  std::memcpy(&x, bits + 8 * w, 8);
  return x;
}

// Runs `block(base, count, bytes)` for every 64-row block: it fills bytes[j]
// with 0xFF where its predicate holds for row base + j (j < count; the rest
// of `bytes` is ignored) and returns the validity/combination word for the
// block, given the packed byte mask.  The driver writes the word and counts.
template <typename Block>
int64_t FusedLoop(int64_t n, uint64_t* out, Block block) {
  alignas(16) uint8_t bytes[64];
  int64_t count = 0;
  const int64_t full = n / 64;
  for (int64_t w = 0; w < full; ++w) {
    uint64_t word = block(w * 64, 64, bytes);
    out[w] = word;
    count += std::popcount(word);
  }
  if (n % 64) {
    std::memset(bytes, 0, sizeof(bytes));
    uint64_t word = block(full * 64, n % 64, bytes) & ((uint64_t{1} << (n % 64)) - 1);
    out[full] = word;
    count += std::popcount(word);
  }
  return count;
}

// Validity word of block w; for the tail block only the low bits matter
// (the caller masks), and reading the padded validity buffer is safe.
inline uint64_t Valid(const uint8_t* bits, int64_t base) { return Word(bits, base / 64); }

// Codes of `dict` whose entry satisfies `pred`.
template <typename Pred>
std::vector<int32_t> MatchingCodes(const Column& column, Pred pred) {
  std::vector<int32_t> codes;
  const Column& d = column.dictionary();
  for (int64_t i = 0; i < d.size(); ++i)
    if (pred(d.StringAt(i))) codes.push_back(static_cast<int32_t>(i));
  return codes;
}

// Byte mask of "code is one of `codes`" (at most two codes compare directly;
// more use a lookup table).
struct CodeSet {
  explicit CodeSet(std::vector<int32_t> c, int64_t dict_size) : codes(std::move(c)) {
    table.assign(static_cast<size_t>(dict_size) + 1, 0);
    for (int32_t x : codes) table[static_cast<size_t>(x)] = 0xFF;
  }
  void Fill(const int32_t* v, int64_t count, uint8_t* bytes) const {
    if (codes.empty()) {
      std::memset(bytes, 0, 64);
    } else if (codes.size() == 1) {
      const int32_t a = codes[0];
      for (int64_t j = 0; j < count; ++j) bytes[j] = v[j] == a ? 0xFF : 0;
    } else if (codes.size() == 2) {
      const int32_t a = codes[0], b = codes[1];
      for (int64_t j = 0; j < count; ++j) bytes[j] = (v[j] == a) | (v[j] == b) ? 0xFF : 0;
    } else {
      for (int64_t j = 0; j < count; ++j) bytes[j] = table[static_cast<size_t>(v[j])];
    }
  }
  std::vector<int32_t> codes;
  std::vector<uint8_t> table;
};

// The eight rules.  `today` is as_of in days since 1970-01-01;
// `today_minus_4_months` is today - INTERVAL 4 MONTH (month-end clamped).
// Each writes BitmapBytes(n) rounded up to 8-byte words into `out`.

// pulse IS NULL OR days_since(pulse_changed_at) > 90
inline int64_t HandRule1(const AccountsView& a, int32_t today, uint64_t* out) {
  const int32_t cut = today - 90;  // days_since(c) > 90  <=>  c < today - 90
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const int32_t* c = a.pulse_changed_at + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = c[j] < cut ? 0xFF : 0;
    return ~Valid(a.pulse_valid, base) | (Valid(a.pulse_changed_at_valid, base) & PackBytes(bytes));
  });
}

// last_value_review IS NULL OR last_value_review < today - INTERVAL 4 MONTH
inline int64_t HandRule2(const AccountsView& a, int32_t today_minus_4_months, uint64_t* out) {
  const int32_t cut = today_minus_4_months;
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const int32_t* c = a.last_value_review + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = c[j] < cut ? 0xFF : 0;
    uint64_t v = Valid(a.last_value_review_valid, base);
    return ~v | (v & PackBytes(bytes));
  });
}

// renewal_date BETWEEN today AND today + 120 AND forecast IS NULL
inline int64_t HandRule3(const AccountsView& a, int32_t today, uint64_t* out) {
  const uint32_t span = 120;  // today <= r <= today + 120  <=>  (uint32)(r - today) <= 120
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const int32_t* r = a.renewal_date + base;
    for (int64_t j = 0; j < count; ++j)
      bytes[j] = static_cast<uint32_t>(r[j]) - static_cast<uint32_t>(today) <= span ? 0xFF : 0;
    return Valid(a.renewal_date_valid, base) & ~Valid(a.forecast_valid, base) & PackBytes(bytes);
  });
}

// usage_30d < 0.7 * usage_prev_30d
inline int64_t HandRule4(const AccountsView& a, uint64_t* out) {
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const double* u = a.usage_30d + base;
    const double* p = a.usage_prev_30d + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = u[j] < 0.7 * p[j] ? 0xFF : 0;
    return Valid(a.usage_30d_valid, base) & Valid(a.usage_prev_30d_valid, base) & PackBytes(bytes);
  });
}

// arr > 100000 AND pulse IN ('red', 'yellow')
inline int64_t HandRule5(const AccountsView& a, uint64_t* out) {
  CodeSet red_yellow(MatchingCodes(*a.pulse_column,
                                   [](std::string_view s) { return s == "red" || s == "yellow"; }),
                     a.pulse_column->dictionary().size());
  alignas(16) uint8_t codes[64];
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const double* x = a.arr + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = x[j] > 100000 ? 0xFF : 0;
    red_yellow.Fill(a.pulse + base, count, codes);
    return Valid(a.arr_valid, base) & Valid(a.pulse_valid, base) & PackBytes(bytes) &
           PackBytes(codes);
  });
}

// segment MATCHES '(?i)^ent' AND arr > 50000
inline int64_t HandRule6(const AccountsView& a, uint64_t* out) {
  RE2 re("(?i)^ent");
  CodeSet ent(MatchingCodes(*a.segment_column,
                            [&](std::string_view s) { return RE2::PartialMatch(s, re); }),
              a.segment_column->dictionary().size());
  alignas(16) uint8_t codes[64];
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const double* x = a.arr + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = x[j] > 50000 ? 0xFF : 0;
    ent.Fill(a.segment + base, count, codes);
    return Valid(a.arr_valid, base) & Valid(a.segment_valid, base) & PackBytes(bytes) &
           PackBytes(codes);
  });
}

// forecast_sentiment IN ('at risk', 'likely churn') AND days_until(renewal_date) <= 180
inline int64_t HandRule7(const AccountsView& a, int32_t today, uint64_t* out) {
  CodeSet risky(
      MatchingCodes(*a.forecast_sentiment_column,
                    [](std::string_view s) { return s == "at risk" || s == "likely churn"; }),
      a.forecast_sentiment_column->dictionary().size());
  const int32_t cut = today + 180;  // days_until(r) <= 180  <=>  r <= today + 180
  alignas(16) uint8_t codes[64];
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const int32_t* r = a.renewal_date + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = r[j] <= cut ? 0xFF : 0;
    risky.Fill(a.forecast_sentiment + base, count, codes);
    return Valid(a.renewal_date_valid, base) & Valid(a.forecast_sentiment_valid, base) &
           PackBytes(bytes) & PackBytes(codes);
  });
}

// days_since(subscription_start) % 91 BETWEEN 77 AND 90
inline int64_t HandRule8(const AccountsView& a, int32_t today, uint64_t* out) {
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const int32_t* s = a.subscription_start + base;
    for (int64_t j = 0; j < count; ++j) {
      int32_t m = (today - s[j]) % 91;  // sign of the dividend, as in the language
      bytes[j] = static_cast<uint32_t>(m - 77) <= 13u ? 0xFF : 0;
    }
    return Valid(a.subscription_start_valid, base) & PackBytes(bytes);
  });
}

// Micro-benchmark loops (expression_bench.cc).

// arr > 100000
inline int64_t HandArrGreater(const AccountsView& a, double threshold, uint64_t* out) {
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const double* x = a.arr + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = x[j] > threshold ? 0xFF : 0;
    return Valid(a.arr_valid, base) & PackBytes(bytes);
  });
}

// pulse IN ('red', 'yellow')
inline int64_t HandPulseIn(const AccountsView& a, uint64_t* out) {
  CodeSet red_yellow(MatchingCodes(*a.pulse_column,
                                   [](std::string_view s) { return s == "red" || s == "yellow"; }),
                     a.pulse_column->dictionary().size());
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    red_yellow.Fill(a.pulse + base, count, bytes);
    return Valid(a.pulse_valid, base) & PackBytes(bytes);
  });
}

// segment MATCHES '(?i)^ent'
inline int64_t HandSegmentMatches(const AccountsView& a, uint64_t* out) {
  RE2 re("(?i)^ent");
  CodeSet ent(MatchingCodes(*a.segment_column,
                            [&](std::string_view s) { return RE2::PartialMatch(s, re); }),
              a.segment_column->dictionary().size());
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    ent.Fill(a.segment + base, count, bytes);
    return Valid(a.segment_valid, base) & PackBytes(bytes);
  });
}

// usage_30d < 1000 OR arr > 500000 (an OR of two comparisons)
inline int64_t HandUsageOrArr(const AccountsView& a, uint64_t* out) {
  alignas(16) uint8_t second[64];
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const double* u = a.usage_30d + base;
    const double* x = a.arr + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = u[j] < 1000 ? 0xFF : 0;
    for (int64_t j = 0; j < count; ++j) second[j] = x[j] > 500000 ? 0xFF : 0;
    return (Valid(a.usage_30d_valid, base) & PackBytes(bytes)) |
           (Valid(a.arr_valid, base) & PackBytes(second));
  });
}

// arr > 100000 AND usage_30d < 0.7 * usage_prev_30d (an AND of two comparisons)
inline int64_t HandArrAndUsage(const AccountsView& a, uint64_t* out) {
  alignas(16) uint8_t second[64];
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const double* x = a.arr + base;
    const double* u = a.usage_30d + base;
    const double* p = a.usage_prev_30d + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = x[j] > 100000 ? 0xFF : 0;
    for (int64_t j = 0; j < count; ++j) second[j] = u[j] < 0.7 * p[j] ? 0xFF : 0;
    return Valid(a.arr_valid, base) & Valid(a.usage_30d_valid, base) &
           Valid(a.usage_prev_30d_valid, base) & PackBytes(bytes) & PackBytes(second);
  });
}

// Civil-date arithmetic for the per-row date loop (Howard Hinnant's
// algorithms; the hand-written equivalent of the engine's calendar code).
inline int32_t HandDaysFromCivil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const int32_t yoe = y - era * 400;
  const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline int32_t HandAddMonths(int32_t days, int32_t n) {
  const int32_t z = days + 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  const int32_t d = doy - (153 * mp + 2) / 5 + 1;
  const int32_t m = mp < 10 ? mp + 3 : mp - 9;
  const int32_t y = yoe + era * 400 + (m <= 2);
  int32_t months = y * 12 + (m - 1) + n;
  int32_t ny = months >= 0 ? months / 12 : (months - 11) / 12;
  int32_t nm = months - ny * 12 + 1;
  static constexpr int8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int32_t dim = kDays[nm - 1] + (nm == 2 && (ny % 4 == 0 && (ny % 100 != 0 || ny % 400 == 0)));
  return HandDaysFromCivil(ny, nm, d < dim ? d : dim);
}

// add_months(pulse_changed_at, 3) < today: per-row calendar arithmetic, as
// written (an optimizer could fold it into a comparison with a constant, as
// add_months is monotone; this loop shows the cost when it is not folded).
inline int64_t HandAddMonthsLess(const AccountsView& a, int32_t today, uint64_t* out) {
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const int32_t* r = a.pulse_changed_at + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = HandAddMonths(r[j], 3) < today ? 0xFF : 0;
    return Valid(a.pulse_changed_at_valid, base) & PackBytes(bytes);
  });
}

// days_since(pulse_changed_at) > 90: the folded form c < today - 90.
inline int64_t HandDaysSince(const AccountsView& a, int32_t today, uint64_t* out) {
  const int32_t cut = today - 90;
  return FusedLoop(a.n, out, [&](int64_t base, int64_t count, uint8_t* bytes) {
    const int32_t* c = a.pulse_changed_at + base;
    for (int64_t j = 0; j < count; ++j) bytes[j] = c[j] < cut ? 0xFF : 0;
    return Valid(a.pulse_changed_at_valid, base) & PackBytes(bytes);
  });
}

// Workload A of issue 3: the rules as docket text, the columns each reads,
// and its hand loop.
struct WorkloadRule {
  const char* name;
  const char* text;
  std::vector<const char*> columns;
  int64_t (*hand)(const AccountsView&, int32_t today, int32_t today_minus_4_months, uint64_t* out);
};

inline const std::vector<WorkloadRule>& WorkloadA() {
  static const std::vector<WorkloadRule>* rules = new std::vector<WorkloadRule>{
      {"outdated_pulse",
       "pulse IS NULL OR days_since(pulse_changed_at) > 90",
       {"pulse", "pulse_changed_at"},
       [](const AccountsView& a, int32_t t, int32_t, uint64_t* o) { return HandRule1(a, t, o); }},
      {"value_review_due",
       "last_value_review IS NULL OR last_value_review < today - INTERVAL 4 MONTH",
       {"last_value_review"},
       [](const AccountsView& a, int32_t, int32_t t4, uint64_t* o) { return HandRule2(a, t4, o); }},
      {"empty_forecast",
       "renewal_date BETWEEN today AND today + 120 AND forecast IS NULL",
       {"renewal_date", "forecast"},
       [](const AccountsView& a, int32_t t, int32_t, uint64_t* o) { return HandRule3(a, t, o); }},
      {"usage_drop",
       "usage_30d < 0.7 * usage_prev_30d",
       {"usage_30d", "usage_prev_30d"},
       [](const AccountsView& a, int32_t, int32_t, uint64_t* o) { return HandRule4(a, o); }},
      {"big_red_yellow",
       "arr > 100000 AND pulse IN ('red', 'yellow')",
       {"arr", "pulse"},
       [](const AccountsView& a, int32_t, int32_t, uint64_t* o) { return HandRule5(a, o); }},
      {"enterprise_50k",
       "segment MATCHES '(?i)^ent' AND arr > 50000",
       {"segment", "arr"},
       [](const AccountsView& a, int32_t, int32_t, uint64_t* o) { return HandRule6(a, o); }},
      {"renewal_risk",
       "forecast_sentiment IN ('at risk', 'likely churn') AND days_until(renewal_date) <= 180",
       {"forecast_sentiment", "renewal_date"},
       [](const AccountsView& a, int32_t t, int32_t, uint64_t* o) { return HandRule7(a, t, o); }},
      {"quarterly_checkin",
       "days_since(subscription_start) % 91 BETWEEN 77 AND 90",
       {"subscription_start"},
       [](const AccountsView& a, int32_t t, int32_t, uint64_t* o) { return HandRule8(a, t, o); }},
  };
  return *rules;
}

}  // namespace docket::bench

#endif  // DOCKET_BENCHMARKS_HAND_LOOPS_H_
