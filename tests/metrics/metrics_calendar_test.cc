// Calendar math of metrics: week starts, fiscal years, months of different
// lengths, leap days, trailing windows and previous periods.
#include <string>

#include "docket/metrics.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

using absl::CivilDay;

std::string Str(const DayRange& r) {
  return absl::FormatCivilTime(r.start) + ".." + absl::FormatCivilTime(r.end);
}

IntervalSpec Iv(IntervalKind k, int64_t n = 0) { return IntervalSpec{k, n}; }

TEST(MetricsCalendar, IsoWeeksStartOnMonday) {
  CalendarSettings cal;
  CivilDay sun(2026, 11, 22);  // A Sunday.
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kThisWeek), sun, cal)), "2026-11-16..2026-11-22");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kLastWeek), sun, cal)), "2026-11-09..2026-11-15");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kLastWeek), sun, cal)), "2026-11-02..2026-11-08");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kThisWeek), sun, cal)), "2026-11-09..2026-11-15");
  CivilDay mon(2026, 11, 23);
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kThisWeek), mon, cal)), "2026-11-23..2026-11-23");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kThisWeek), mon, cal)), "2026-11-16..2026-11-16");
}

TEST(MetricsCalendar, WeekStartSunday) {
  CalendarSettings cal;
  cal.week_start = absl::Weekday::sunday;
  CivilDay sun(2026, 11, 22);
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kThisWeek), sun, cal)), "2026-11-22..2026-11-22");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kLastWeek), sun, cal)), "2026-11-15..2026-11-21");
  EXPECT_EQ(GrainStart(Grain::kWeek, CivilDay(2026, 11, 21), cal), CivilDay(2026, 11, 15));
}

TEST(MetricsCalendar, TrailingWindowsEndOnAsOfInclusive) {
  CalendarSettings cal;
  CivilDay d(2026, 11, 22);
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kTrailingDays, 30), d, cal)),
            "2026-10-24..2026-11-22");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kTrailingDays, 30), d, cal)),
            "2026-09-24..2026-10-23");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kTrailingDays, 1), d, cal)),
            "2026-11-22..2026-11-22");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kTrailingWeeks, 2), d, cal)),
            "2026-11-09..2026-11-22");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kTrailingMonths, 3), d, cal)),
            "2026-08-23..2026-11-22");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kTrailingMonths, 3), d, cal)),
            "2026-05-23..2026-08-22");
  // Month ends clamp: 3 months before May 31 is Feb 28 (29 in a leap year).
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kTrailingMonths, 3), CivilDay(2026, 5, 31), cal)),
            "2026-03-01..2026-05-31");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kTrailingMonths, 3), CivilDay(2024, 5, 31), cal)),
            "2024-03-01..2024-05-31");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kTrailingMonths, 1), CivilDay(2024, 3, 30), cal)),
            "2024-03-01..2024-03-30");
}

TEST(MetricsCalendar, MonthsOfDifferentLengthsAndLeapDays) {
  CalendarSettings cal;
  // this_month on the 31st: the previous month has 30 days, so it is clamped.
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kThisMonth), CivilDay(2026, 10, 31), cal)),
            "2026-09-01..2026-09-30");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kThisMonth), CivilDay(2024, 3, 30), cal)),
            "2024-02-01..2024-02-29");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kThisMonth), CivilDay(2023, 3, 30), cal)),
            "2023-02-01..2023-02-28");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kThisMonth), CivilDay(2026, 3, 15), cal)),
            "2026-02-01..2026-02-15");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kLastMonth), CivilDay(2024, 3, 1), cal)),
            "2024-02-01..2024-02-29");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kLastMonth), CivilDay(2024, 3, 1), cal)),
            "2024-01-01..2024-01-31");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kLastMonth), CivilDay(2026, 1, 15), cal)),
            "2025-12-01..2025-12-31");
  // Year to date: the same number of days (not the same date) into the
  // previous year.  On a leap day that is day 60, March 1 of 2023; on day
  // 365 of 2025 it is December 30 of leap year 2024.
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kYearToDate), CivilDay(2024, 2, 29), cal)),
            "2024-01-01..2024-02-29");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kYearToDate), CivilDay(2024, 2, 29), cal)),
            "2023-01-01..2023-03-01");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kYearToDate), CivilDay(2025, 12, 31), cal)),
            "2024-01-01..2024-12-30");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kYearToDate), CivilDay(2024, 12, 31), cal)),
            "2023-01-01..2023-12-31");
}

TEST(MetricsCalendar, QuartersAndFiscalYears) {
  CalendarSettings cal;
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kThisQuarter), CivilDay(2026, 11, 22), cal)),
            "2026-10-01..2026-11-22");
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kThisQuarter), CivilDay(2026, 11, 22), cal)),
            "2026-07-01..2026-08-22");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kLastQuarter), CivilDay(2026, 1, 5), cal)),
            "2025-10-01..2025-12-31");
  // Day 92 of a quarter: the previous quarter (Jul-Sep) has 92 days too; Q1 has 90.
  EXPECT_EQ(Str(PreviousRange(Iv(IntervalKind::kThisQuarter), CivilDay(2026, 6, 30), cal)),
            "2026-01-01..2026-03-31");
  cal.fiscal_year_start = 2;  // February: quarters Feb-Apr, May-Jul, Aug-Oct, Nov-Jan.
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kThisQuarter), CivilDay(2026, 11, 22), cal)),
            "2026-11-01..2026-11-22");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kLastQuarter), CivilDay(2026, 11, 22), cal)),
            "2026-08-01..2026-10-31");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kThisQuarter), CivilDay(2027, 1, 10), cal)),
            "2026-11-01..2027-01-10");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kYearToDate), CivilDay(2027, 1, 10), cal)),
            "2026-02-01..2027-01-10");
  EXPECT_EQ(Str(IntervalRange(Iv(IntervalKind::kYearToDate), CivilDay(2026, 2, 1), cal)),
            "2026-02-01..2026-02-01");
  EXPECT_EQ(GrainStart(Grain::kQuarter, CivilDay(2026, 1, 31), cal), CivilDay(2025, 11, 1));
}

TEST(MetricsCalendar, GrainPeriodsMeetTheIntervalAndStartOnTheirOwnFirstDay) {
  CalendarSettings cal;
  DayRange t30{CivilDay(2026, 10, 24), CivilDay(2026, 11, 22)};
  std::vector<CivilDay> weeks = GrainPeriods(Grain::kWeek, t30, cal);
  ASSERT_EQ(weeks.size(), 5u);
  EXPECT_EQ(weeks.front(), CivilDay(2026, 10, 19));  // Clipped by the interval, starts before it.
  EXPECT_EQ(weeks.back(), CivilDay(2026, 11, 16));
  std::vector<CivilDay> months =
      GrainPeriods(Grain::kMonth, DayRange{CivilDay(2024, 1, 31), CivilDay(2024, 3, 1)}, cal);
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months[1], CivilDay(2024, 2, 1));
  EXPECT_EQ(
      GrainPeriods(Grain::kDay, DayRange{CivilDay(2024, 2, 28), CivilDay(2024, 3, 1)}, cal).size(),
      3u);
  EXPECT_TRUE(GrainPeriods(Grain::kNone, t30, cal).empty());
}

}  // namespace
}  // namespace docket
