// The binder (lib/plan/binder.h) on its own: the types it gives, the implicit
// conversions it inserts, how functions lower through the registry, and its
// errors with their positions.  Plans are read as Graph::Dump s-expressions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plan/plan_test_util.h"

namespace docket {
namespace {

using ::testing::HasSubstr;
using testing::PlanBinder;

TEST(Binder, ColumnsConstantsAndComparisons) {
  PlanBinder p;
  EXPECT_EQ(p.Dump("i > 3"), "(> i 3)");
  EXPECT_EQ(p.Dump("s = 'x'"), "(= s 'x')");
  EXPECT_EQ(p.Dump("b"), "b");
  // A constant on the left moves right (flipping the comparison).
  EXPECT_EQ(p.Dump("3 < i"), "(> i 3)");
  EXPECT_EQ(p.Dump("i BETWEEN 1 AND j"), "(between i 1 j)");
  EXPECT_EQ(p.Dump("i IN (3, 1, 3)"), "(in i {1, 3})");
  EXPECT_EQ(p.Dump("s IN ('b', 'a')"), "(in s {'a', 'b'})");
  // IN with a column among the items is a disjunction of equalities.
  EXPECT_EQ(p.Dump("i IN (j, 3)"), "(or (= i j) (= i 3))");
  EXPECT_EQ(p.Dump("s LIKE 'a%'"), "(like s 'a%')");
  EXPECT_EQ(p.Dump("s ILIKE 'a%'"), "(ilike s 'a%')");
  EXPECT_EQ(p.Dump("s MATCHES '^a'"), "(matches s /^a/)");
  EXPECT_EQ(p.Dump("CASE WHEN b THEN i ELSE j END > 0"), "(> (case b i j) 0)");
}

TEST(Binder, ImplicitConversions) {
  PlanBinder p;
  // int → float where a float meets an int.
  EXPECT_EQ(p.Dump("f > i"), "(> f (float i))");
  EXPECT_EQ(p.Dump("i + f > 0"), "(> (+ (float i) f) 0.0)");
  // `/` is float division.
  EXPECT_EQ(p.Dump("i / j > 1"), "(> (/ (float i) (float j)) 1.0)");
  // timestamp → its civil date where it meets a date.
  EXPECT_EQ(p.Dump("ts > d"), "(> (ts_to_date ts) d)");
  // A string literal becomes a date or timestamp constant.
  EXPECT_EQ(p.Dump("d < '2026-01-01'"), "(< d DATE '2026-01-01')");
  EXPECT_EQ(p.Dump("d IN ('2026-01-02', '2026-01-01')"), "(in d {20454, 20455})");
  // A timestamp literal with an offset is an instant; without one it is a
  // civil time, made an instant in the evaluation's zone.
  EXPECT_THAT(p.Dump("ts >= '2026-01-01 10:00:00Z'"), ::testing::StartsWith("(>= ts "));
  EXPECT_EQ(p.Dump("ts >= '2026-01-01 10:00:00'"), "(>= ts (civil_to_ts 1767261600000000))");
  // NULL takes the type its context needs.
  EXPECT_EQ(p.Dump("coalesce(NULL, i) > 1"), "(> i 1)");
  // A rule that is only NULL is a NULL condition.
  EXPECT_EQ(p.Dump("NULL"), "NULL");
}

TEST(Binder, DatesAndIntervals) {
  PlanBinder p;
  EXPECT_EQ(p.Dump("d + 30 > e"), "(> (date_add_days d 30) e)");
  EXPECT_EQ(p.Dump("30 + d > e"), "(> (date_add_days d 30) e)");
  EXPECT_EQ(p.Dump("d - e > 3"), "(> (date_diff d e) 3)");
  EXPECT_EQ(p.Dump("d + INTERVAL 2 WEEK > e"), "(> (date_add_days d 14) e)");
  EXPECT_EQ(p.Dump("d - INTERVAL 1 QUARTER > e"), "(> (add_months d -3) e)");
  EXPECT_EQ(p.Dump("d + INTERVAL i MONTH > e"), "(> (add_months d i) e)");
}

// Each function lowers as its registry entry says.
TEST(Binder, FunctionsLowerThroughTheRegistry) {
  PlanBinder p;
  EXPECT_EQ(p.Dump("year(d) = 2026"), "(= (year d) 2026)");
  EXPECT_EQ(p.Dump("YEAR(d) = 2026"), "(= (year d) 2026)");  // Names are case-insensitive.
  EXPECT_EQ(p.Dump("year(ts) = 2026"), "(= (year (ts_to_date ts)) 2026)");
  EXPECT_EQ(p.Dump("date_trunc('Quarter', d) = e"), "(= (date_trunc_quarter d) e)");
  EXPECT_EQ(p.Dump("months_since(d) > 3"), "(> (months_since d today) 3)");
  EXPECT_EQ(p.Dump("next_anniversary(d, 12) = e"), "(= (next_anniversary d 12 today) e)");
  EXPECT_EQ(p.Dump("add_days(d, i) = e"), "(= (date_add_days d i) e)");
  EXPECT_EQ(p.Dump("add_months(d, '2') = e"), "(= (add_months d 2) e)");
  EXPECT_EQ(p.Dump("date(ts) = e"), "(= (ts_to_date ts) e)");
  EXPECT_EQ(p.Dump("date(d) = e"), "(= d e)");
  EXPECT_EQ(p.Dump("length(s) > 3"), "(> (length s) 3)");
  EXPECT_EQ(p.Dump("contains(s, 'x')"), "(contains s 'x')");
  EXPECT_EQ(p.Dump("abs(i) > 3"), "(> (abs i) 3)");
  // floor / ceil / round of an int is the int.
  EXPECT_EQ(p.Dump("floor(i) > 3"), "(> i 3)");
  EXPECT_EQ(p.Dump("round(f) > 3"), "(> (round f) 3.0)");
  EXPECT_EQ(p.Dump("round(f, 2) > 3"), "(> (round f 2) 3.0)");
  EXPECT_EQ(p.Dump("least(i, f) > 3"), "(> (least (float i) f) 3.0)");
  EXPECT_EQ(p.Dump("nullif(i, 0) > 3"), "(> (nullif i 0) 3)");
  EXPECT_EQ(p.Dump("coalesce(i, j, 0) > 3"), "(> (coalesce i j 0) 3)");
  // A constant ends coalesce's list.
  EXPECT_EQ(p.Dump("coalesce(i, 0, j) > 3"), "(> (coalesce i 0) 3)");
}

// Errors point at the mistake: message, hint, line, column and length.
TEST(Binder, ErrorsWithPositions) {
  PlanBinder p;
  struct Case {
    const char* text;
    const char* message;
    const char* hint;
    int column;
    int span;
  };
  for (const Case& c : std::vector<Case>{
           {"i > 0 AND lower(i) = 'a'", "lower() expects a string, but this is int", "", 17, 1},
           {"days_since(s) > 3", "days_since() expects a date, but this is string", "", 12, 1},
           {"add_days(d, f) > e", "add_days() expects an int, but this is float",
            "round it with round(x)", 13, 1},
           {"date_trunc('fortnight', d) = d", "unknown date_trunc unit 'fortnight'",
            "use 'week', 'month', 'quarter' or 'year'", 12, 11},
           {"date_trunc(s, d) = d",
            "the unit of date_trunc must be 'week', 'month', 'quarter' or 'year'",
            "write date_trunc('month', d)", 12, 1},
           {"least(b, c)", "least() does not take bool arguments", "", 1, 11},
           {"abs(s) > 1", "abs() expects a number, but this is string", "", 5, 1},
           {"round(f, 1, 2) > 1", "round() takes 1 or 2 arguments, got 3",
            "round(x [, digits int]) -> type of x", 1, 14},
           {"nullif(i, s) > 1", "cannot compare int with string", "", 8, 4},
           {"upper(s, s) = s", "upper() takes 1 argument, got 2", "upper(string) -> string", 1, 11},
           // "argument" agrees with the last number: 1 argument, at least 1 argument, 1 or 2
           // arguments.
           {"least() > 1", "least() takes at least 1 argument, got 0",
            "least(a, b, …) -> common type (NULLs ignored)", 1, 7},
           {"coalesce() > 1", "coalesce() takes at least 1 argument, got 0",
            "coalesce(a, b, …) -> common type of its arguments", 1, 10},
           {"add_days(d) = e", "add_days() takes 2 arguments, got 1", "add_days(date, int) -> date",
            1, 11},
           {"lenght(s) > 1", "unknown function 'lenght'", "did you mean 'length'?", 1, 6},
           {"frobnicate(s)", "unknown function 'frobnicate'",
            "see docs/language.md for the functions", 1, 10},
           {"prev(i) > 1", "prev() needs a key on table t to find its rows in older snapshots",
            "declare the key in the schema: tables: {t: {key: <column>, …}}", 1, 4},
           {"lower(s WHERE b) = 'a'", "WHERE is only allowed inside related-record aggregates", "",
            15, 1},
           {"i + 'x' > 1", "cannot add int and string 'x'", "remove the quotes around the number",
            1, 7},
           {"d > 3", "cannot compare date with int",
            "for a number of days use days_since(d) or d - DATE 'YYYY-MM-DD'", 1, 5},
           {"d < '2026-02-30'", "cannot compare date with string '2026-02-30'",
            "the day 30 is out of range: 2026-02 has 28 days", 5, 12},
           {"s", "a rule must be a condition (bool), but this is string",
            "compare it, e.g. x = 'value'", 1, 1},
           {"pulse = 'red'", "unknown column 'pulse' in t", "", 1, 5},
       }) {
    testing::BindResult r = p.Bind(c.text);
    SCOPED_TRACE(c.text);
    ASSERT_FALSE(r.status.ok());
    ASSERT_TRUE(r.error.has_value()) << r.status;
    EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.error->message, c.message);
    EXPECT_EQ(r.error->hint, c.hint);
    EXPECT_EQ(r.error->location.line, 1);
    EXPECT_EQ(r.error->location.column, c.column);
    EXPECT_EQ(r.error->span, c.span);
  }
}

// A rule's text located in a file (a rulebook's `where:` at line 12): errors
// carry the file, the line within it and the column on that line.
TEST(Binder, ErrorsAreLocatedInTheirFile) {
  PlanBinder p;
  testing::BindResult r =
      p.Bind("i > 0 AND\n  upper(d) = 'X'", SourceLocation{"book.yaml", 12, 14});
  ASSERT_TRUE(r.error.has_value()) << r.status;
  EXPECT_EQ(r.error->message, "upper() expects a string, but this is date");
  EXPECT_EQ(r.error->location.file, "book.yaml");
  EXPECT_EQ(r.error->location.line, 13);
  EXPECT_EQ(r.error->location.column, 9);
  EXPECT_EQ(r.error->source_line, "  upper(d) = 'X'");
}

// A mistake inside a segment points into the segment's own text.
TEST(Binder, SegmentErrorsPointIntoTheSegment) {
  PlanBinder p;
  p.AddSegment("stale", "days_since(s) > 90", SourceLocation{"book.yaml", 4, 12});
  p.AddSegment("big", "i > 100");
  EXPECT_EQ(p.Dump("big AND b"), "(and (> i 100) b)");
  testing::BindResult r = p.Bind("b AND stale", SourceLocation{"book.yaml", 20, 12});
  ASSERT_TRUE(r.error.has_value()) << r.status;
  EXPECT_EQ(r.error->message, "days_since() expects a date, but this is string");
  EXPECT_EQ(r.error->location.line, 4);
  EXPECT_EQ(r.error->location.column, 23);
}

TEST(Binder, ParamsTakeTheTypeOfTheirValue) {
  CompileOptions o;
  o.params["stale_days"] = Value::Int(90);
  o.params["cutoff"] = Value::Float(0.5);
  PlanBinder p(testing::PlanSchema(), o);
  EXPECT_EQ(p.Dump("i > $stale_days"), "(> i $stale_days)");
  EXPECT_EQ(p.Dump("i > $cutoff"), "(> (float i) $cutoff)");
  testing::BindResult r = p.Bind("i > $stale_day");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.error->message, "unknown parameter $stale_day");
  EXPECT_EQ(r.error->hint, "did you mean $stale_days?");
  EXPECT_EQ(r.error->location.column, 5);
}

}  // namespace
}  // namespace docket
