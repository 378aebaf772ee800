// Calendar math of metrics: intervals, their previous intervals and grain
// periods on absl::CivilDay (proleptic Gregorian, no time zone: a timestamp
// becomes a day in the rulebook's zone before it meets these ranges).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "docket/metrics.h"

namespace docket {
namespace {

absl::CivilDay WeekStart(absl::CivilDay d, const CalendarSettings& cal) {
  int wd = static_cast<int>(absl::GetWeekday(d));
  int ws = static_cast<int>(cal.week_start);
  return d - ((wd - ws + 7) % 7);
}

absl::CivilDay MonthStart(absl::CivilDay d) { return absl::CivilDay(absl::CivilMonth(d)); }

// The first day of the `months`-month period (3: fiscal quarter, 12: fiscal
// year) holding `d`.
absl::CivilDay PeriodStart(absl::CivilDay d, int months, const CalendarSettings& cal) {
  absl::CivilMonth m(d);
  int k = ((m.month() - cal.fiscal_year_start) % months + months) % months;
  return absl::CivilDay(m - k);
}

absl::CivilDay AddMonths(absl::CivilDay first_of_month, int months) {
  return absl::CivilDay(absl::CivilMonth(first_of_month) + months);
}

// [start of the period `months` before, + the same number of days as
// as_of is into its period], clamped to that period's last day.
DayRange SameDaysInto(absl::CivilDay period_start, absl::CivilDay as_of, int months) {
  absl::CivilDay prev_start = AddMonths(period_start, -months);
  absl::CivilDay prev_end = period_start - 1;
  absl::CivilDay end = prev_start + (as_of - period_start);
  if (end > prev_end) end = prev_end;
  return DayRange{prev_start, end};
}

// `n` calendar months before `d`, clamped to the month's end.
absl::CivilDay MonthsBefore(absl::CivilDay d, int64_t n) {
  absl::CivilMonth m = absl::CivilMonth(d) - n;
  absl::CivilDay first(m);
  absl::CivilDay last = absl::CivilDay(m + 1) - 1;
  absl::CivilDay want = first + (d.day() - 1);
  return want > last ? last : want;
}

}  // namespace

std::string IntervalSpec::ToString() const {
  switch (kind) {
    case IntervalKind::kThisWeek:
      return "this_week";
    case IntervalKind::kLastWeek:
      return "last_week";
    case IntervalKind::kThisMonth:
      return "this_month";
    case IntervalKind::kLastMonth:
      return "last_month";
    case IntervalKind::kThisQuarter:
      return "this_quarter";
    case IntervalKind::kLastQuarter:
      return "last_quarter";
    case IntervalKind::kYearToDate:
      return "year_to_date";
    case IntervalKind::kTrailingDays:
      return absl::StrCat("trailing ", n, n == 1 ? " day" : " days");
    case IntervalKind::kTrailingWeeks:
      return absl::StrCat("trailing ", n, n == 1 ? " week" : " weeks");
    case IntervalKind::kTrailingMonths:
      return absl::StrCat("trailing ", n, n == 1 ? " month" : " months");
  }
  return "";
}

DayRange IntervalRange(const IntervalSpec& iv, absl::CivilDay as_of, const CalendarSettings& cal) {
  switch (iv.kind) {
    case IntervalKind::kThisWeek:
      return {WeekStart(as_of, cal), as_of};
    case IntervalKind::kLastWeek: {
      absl::CivilDay ws = WeekStart(as_of, cal);
      return {ws - 7, ws - 1};
    }
    case IntervalKind::kThisMonth:
      return {MonthStart(as_of), as_of};
    case IntervalKind::kLastMonth: {
      absl::CivilDay ms = MonthStart(as_of);
      return {AddMonths(ms, -1), ms - 1};
    }
    case IntervalKind::kThisQuarter:
      return {PeriodStart(as_of, 3, cal), as_of};
    case IntervalKind::kLastQuarter: {
      absl::CivilDay qs = PeriodStart(as_of, 3, cal);
      return {AddMonths(qs, -3), qs - 1};
    }
    case IntervalKind::kYearToDate:
      return {PeriodStart(as_of, 12, cal), as_of};
    case IntervalKind::kTrailingDays:
      return {as_of - (iv.n - 1), as_of};
    case IntervalKind::kTrailingWeeks:
      return {as_of - (7 * iv.n - 1), as_of};
    case IntervalKind::kTrailingMonths:
      return {MonthsBefore(as_of, iv.n) + 1, as_of};
  }
  return {as_of, as_of};
}

DayRange PreviousRange(const IntervalSpec& iv, absl::CivilDay as_of, const CalendarSettings& cal) {
  DayRange cur = IntervalRange(iv, as_of, cal);
  switch (iv.kind) {
    case IntervalKind::kThisWeek:
      return {cur.start - 7, as_of - 7};
    case IntervalKind::kLastWeek:
      return {cur.start - 7, cur.end - 7};
    case IntervalKind::kThisMonth:
      return SameDaysInto(cur.start, as_of, 1);
    case IntervalKind::kLastMonth:
      return {AddMonths(cur.start, -1), cur.start - 1};
    case IntervalKind::kThisQuarter:
      return SameDaysInto(cur.start, as_of, 3);
    case IntervalKind::kLastQuarter:
      return {AddMonths(cur.start, -3), cur.start - 1};
    case IntervalKind::kYearToDate:
      return SameDaysInto(cur.start, as_of, 12);
    case IntervalKind::kTrailingDays:
    case IntervalKind::kTrailingWeeks:
      return {cur.start - cur.days(), cur.start - 1};
    case IntervalKind::kTrailingMonths:
      return {MonthsBefore(as_of, 2 * iv.n) + 1, cur.start - 1};
  }
  return cur;
}

absl::CivilDay GrainStart(Grain grain, absl::CivilDay day, const CalendarSettings& cal) {
  switch (grain) {
    case Grain::kNone:
    case Grain::kDay:
      return day;
    case Grain::kWeek:
      return WeekStart(day, cal);
    case Grain::kMonth:
      return MonthStart(day);
    case Grain::kQuarter:
      return PeriodStart(day, 3, cal);
  }
  return day;
}

absl::CivilDay NextGrainStart(Grain grain, absl::CivilDay start, const CalendarSettings& cal) {
  switch (grain) {
    case Grain::kNone:
    case Grain::kDay:
      return start + 1;
    case Grain::kWeek:
      return WeekStart(start, cal) + 7;
    case Grain::kMonth:
      return AddMonths(MonthStart(start), 1);
    case Grain::kQuarter:
      return AddMonths(PeriodStart(start, 3, cal), 3);
  }
  return start + 1;
}

std::vector<absl::CivilDay> GrainPeriods(Grain grain, const DayRange& range,
                                         const CalendarSettings& cal) {
  std::vector<absl::CivilDay> out;
  if (grain == Grain::kNone || range.end < range.start) return out;
  for (absl::CivilDay s = GrainStart(grain, range.start, cal); s <= range.end;
       s = NextGrainStart(grain, s, cal)) {
    out.push_back(s);
  }
  return out;
}

}  // namespace docket
