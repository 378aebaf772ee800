// gen/random.h — the generator's own pseudo-random streams and civil-date
// arithmetic.  Both are written out here (not taken from <random> or a
// library) because their output must be identical on every machine: the
// committed examples/data/ is compared byte for byte with a fresh run.
#ifndef DOCKET_GEN_RANDOM_H_
#define DOCKET_GEN_RANDOM_H_

#include <cstdint>

#include "base/calendar.h"

namespace docket::gen {

// splitmix64's finalizer: a bijective 64-bit mix.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A splitmix64 stream.  Streams are keyed by (seed, table tag, account) so
// that every account's rows in every table are independent of what else is
// generated.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t tag, uint64_t index)
      : state_(Mix64(Mix64(seed ^ 0x6a09e667f3bcc909ULL) + Mix64(tag * 0x9e3779b97f4a7c15ULL + 1) +
                     index * 0xd1b54a32d192ed03ULL)) {}

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Mix64(state_);
  }
  // Uniform in [0, n) for 0 < n < 2^32 (multiply-shift; the bias is < 2^-32).
  int64_t Below(int64_t n) {
    return static_cast<int64_t>(((Next() >> 32) * static_cast<uint64_t>(n)) >> 32);
  }
  // Uniform in [lo, hi] (inclusive).
  int64_t Between(int64_t lo, int64_t hi) { return lo + Below(hi - lo + 1); }
  // True with probability percent / 100.
  bool Percent(int64_t percent) { return Below(100) < percent; }
  // True with probability permille / 1000.
  bool Permille(int64_t permille) { return Below(1000) < permille; }
  // Uniform double in [0, 1) with 53 random bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// Civil days since 1970-01-01 <-> year, month, day (proleptic Gregorian;
// Howard Hinnant's algorithms).
struct Ymd {
  int32_t year;
  int32_t month;  // 1..12
  int32_t day;    // 1..31
};

inline int32_t DaysFromCivil(int32_t y, int32_t m, int32_t d) {
  return static_cast<int32_t>(base::DaysFromCivil(y, m, d));
}

inline Ymd CivilFromDays(int64_t z) {
  base::Ymd c = base::CivilFromDays(z);
  return Ymd{static_cast<int32_t>(c.year), c.month, c.day};
}

inline int32_t DaysInMonth(int32_t y, int32_t m) { return base::DaysInMonth(y, m); }

// d + n months, clamped to the month's end (Jan 31 + 1 month = Feb 28/29).
inline int32_t AddMonths(int32_t days, int32_t n) {
  Ymd c = CivilFromDays(days);
  int32_t months = c.year * 12 + (c.month - 1) + n;
  int32_t y = months >= 0 ? months / 12 : (months - 11) / 12;
  int32_t m = months - y * 12 + 1;
  int32_t d = c.day < DaysInMonth(y, m) ? c.day : DaysInMonth(y, m);
  return DaysFromCivil(y, m, d);
}

// The first date >= today that is `d` plus a positive multiple of `months`
// (SPEC's next_anniversary), each candidate computed from `d` itself.
inline int32_t NextAnniversary(int32_t d, int32_t months, int32_t today) {
  Ymd c = CivilFromDays(d);
  Ymd t = CivilFromDays(today);
  int32_t diff = (t.year - c.year) * 12 + (t.month - c.month);
  int32_t k = diff > 0 ? diff / months : 1;
  if (k < 1) k = 1;
  int32_t a = AddMonths(d, k * months);
  while (a < today) a = AddMonths(d, ++k * months);
  // Step back while the previous multiple is still >= today (k never below 1).
  while (k > 1 && AddMonths(d, (k - 1) * months) >= today) a = AddMonths(d, --k * months);
  return a;
}

}  // namespace docket::gen

#endif  // DOCKET_GEN_RANDOM_H_
