// base/calendar.h — branch-light civil-calendar arithmetic on day numbers
// (days since 1970-01-01), used by the date kernels on every row.
//
// These are Howard Hinnant's algorithms (proleptic Gregorian calendar): no
// table, no time zone, no virtual call, valid for every int32 day number.
#ifndef DOCKET_BASE_CALENDAR_H_
#define DOCKET_BASE_CALENDAR_H_

#include <cstdint>

namespace docket::base {

struct Ymd {
  int64_t year;
  int32_t month;  // 1..12
  int32_t day;    // 1..31
};

inline int64_t DaysFromCivil(int64_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline Ymd CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int32_t d = static_cast<int32_t>(doy - (153 * mp + 2) / 5 + 1);
  const int32_t m = static_cast<int32_t>(mp < 10 ? mp + 3 : mp - 9);
  return Ymd{y + (m <= 2), m, d};
}

inline bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline int32_t DaysInMonth(int64_t y, int32_t m) {
  static constexpr int32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// The date `months` calendar months after `days`, clamped to the month's end
// (Jan 31 + 1 month = Feb 28 or 29).  `months` must be within ±2^40.
inline int64_t AddMonthsClamped(int64_t days, int64_t months) {
  Ymd c = CivilFromDays(days);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t y = total >= 0 ? total / 12 : -((-total + 11) / 12);
  int32_t m = static_cast<int32_t>(total - y * 12) + 1;
  int32_t dim = DaysInMonth(y, m);
  return DaysFromCivil(y, m, c.day < dim ? c.day : dim);
}

// Whole calendar months from `from` to `to` (negative when to < from):
// the largest m with AddMonthsClamped(from, m) <= to (for to >= from).
inline int64_t MonthsBetween(int64_t from, int64_t to) {
  Ymd a = CivilFromDays(from), b = CivilFromDays(to);
  int64_t m = (b.year - a.year) * 12 + (b.month - a.month);
  if (m > 0 && AddMonthsClamped(from, m) > to) --m;
  if (m < 0 && AddMonthsClamped(from, m) < to) ++m;
  return m;
}

// The calendar fold (plan/builder.cc): add_months(c, n) is monotone in c
// (non-decreasing: Jan 29, 30 and 31 + 1 month are all Feb 28), so
// add_months(c, n) >= t  ⇔  c >= MonthsBound(t, n), the least such c.
// With c0 = add_months(t, -n): add_months(c0, n) <= t, and every day before
// c0 maps before t; when add_months(c0, n) < t, c0 was clamped to its
// month's end and c0 + 1 maps into the month after t's.  |n| <= 2^34.
inline int64_t MonthsBound(int64_t t, int64_t months) {
  const int64_t c0 = AddMonthsClamped(t, -months);
  return AddMonthsClamped(c0, months) < t ? c0 + 1 : c0;
}

// ISO day of week, Monday = 1 … Sunday = 7 (1970-01-01 was a Thursday).
inline int32_t IsoDayOfWeek(int64_t days) {
  int64_t r = (days + 3) % 7;
  if (r < 0) r += 7;
  return static_cast<int32_t>(r) + 1;
}

inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
constexpr int64_t kMinDate = -2147483647 - 1;
constexpr int64_t kMaxDate = 2147483647;

}  // namespace docket::base

#endif  // DOCKET_BASE_CALENDAR_H_
