// Rulebook::FromYaml: the format of SPEC section 5 and every loader error at
// its file:line:column.
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "docket/error.h"
#include "docket/rulebook.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kFile[] = "book.yaml";

absl::StatusOr<Rulebook> Parse(const std::string& text, const Limits& limits = {}) {
  return Rulebook::FromYaml(text, kFile, limits);
}

// The first line of an error message ("book.yaml:3:5: … — hint").
std::string Headline(const absl::Status& s) {
  std::string m(s.message());
  return m.substr(0, m.find('\n'));
}

std::string ErrorOf(const std::string& text, const Limits& limits = {}) {
  absl::StatusOr<Rulebook> b = Parse(text, limits);
  if (b.ok()) return "OK";
  return Headline(b.status());
}

constexpr char kSpecExample[] = R"(docket: 1
name: CSM Hub
time_zone: America/New_York
params:
  pulse_stale_days: 90
  forecast_window_days: 120
  min_arr: 2500.5
  strict: true
  launch: 2026-02-29x
  fiscal_start: 2026-02-01
  label: "90"
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, name: string, csm: string, arr: float,
              pulse: string, pulse_changed_at: date, renewal_date: date,
              forecast: string, last_value_review: date}
  contacts:
    key: id
    parent: {table: accounts, via: account_id, as: account}
    columns: {id: string, account_id: string, persona: string, is_champion: bool}
segments:
  in_forecast_window: renewal_date BETWEEN today AND today + $forecast_window_days
lists:
  - id: outdated_pulse
    title: Outdated Pulse
    horizon: today
    table: accounts
    when: pulse IS NULL OR days_since(pulse_changed_at) > $pulse_stale_days
    show: [name, csm, pulse, pulse_changed_at]
    order_by: arr DESC, name NULLS FIRST
    limit: 10
    action: Update the pulse after your next conversation with the customer.
    resources:
      - {title: Pulse guide, url: "https://kb.example.com/pulse"}
  - id: empty_forecast
    horizon: Upcoming
    table: accounts
    when: in_forecast_window AND forecast IS NULL
kpis:
  - id: arr_missing_forecast
    list: empty_forecast
    measure: sum(arr)
    by: owner
  - id: stale
    title: Stale pulses
    list: outdated_pulse
)";

TEST(RulebookLoader, ParsesTheSpecExample) {
  absl::StatusOr<Rulebook> b = Parse(kSpecExample);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->file, kFile);
  EXPECT_EQ(b->name, "CSM Hub");
  EXPECT_EQ(b->time_zone_name, "America/New_York");
  ASSERT_EQ(b->params.size(), 7u);
  EXPECT_EQ(b->FindParam("pulse_stale_days")->value, Value::Int(90));
  EXPECT_EQ(b->FindParam("min_arr")->value, Value::Float(2500.5));
  EXPECT_EQ(b->FindParam("strict")->value, Value::Bool(true));
  EXPECT_EQ(b->FindParam("launch")->value, Value::String("2026-02-29x"));
  EXPECT_EQ(b->FindParam("fiscal_start")->value, Value::Date(absl::CivilDay(2026, 2, 1)));
  EXPECT_EQ(b->FindParam("label")->value, Value::String("90"));  // Quoted: a string.
  EXPECT_EQ(b->FindParam("pulse_stale_days")->location.line, 5);
  ASSERT_EQ(b->schema.tables.size(), 2u);
  ASSERT_EQ(b->segments.size(), 1u);
  EXPECT_EQ(b->segments[0].name, "in_forecast_window");
  EXPECT_EQ(b->segments[0].expression.origin.line, 24);
  EXPECT_EQ(b->segments[0].expression.origin.column, 23);

  ASSERT_EQ(b->lists.size(), 2u);
  const ListSpec& l = b->lists[0];
  EXPECT_EQ(l.id, "outdated_pulse");
  EXPECT_EQ(l.title, "Outdated Pulse");
  EXPECT_EQ(l.horizon, Horizon::kToday);
  EXPECT_EQ(l.table, "accounts");
  EXPECT_EQ(l.when.text, "pulse IS NULL OR days_since(pulse_changed_at) > $pulse_stale_days");
  EXPECT_EQ(l.when.origin.file, kFile);
  EXPECT_EQ(l.when.origin.line, 30);
  EXPECT_EQ(l.when.origin.column, 11);
  EXPECT_EQ(l.show, (std::vector<std::string>{"name", "csm", "pulse", "pulse_changed_at"}));
  ASSERT_EQ(l.order_by.size(), 2u);
  EXPECT_EQ(l.order_by[0].column, "arr");
  EXPECT_TRUE(l.order_by[0].descending);
  EXPECT_FALSE(l.order_by[0].nulls_first);
  EXPECT_EQ(l.order_by[1].column, "name");
  EXPECT_FALSE(l.order_by[1].descending);
  EXPECT_TRUE(l.order_by[1].nulls_first);
  EXPECT_EQ(l.order_by[1].location.column, 25);
  EXPECT_EQ(l.limit, 10);
  EXPECT_EQ(l.action, "Update the pulse after your next conversation with the customer.");
  ASSERT_EQ(l.resources.size(), 1u);
  EXPECT_EQ(l.resources[0].title, "Pulse guide");
  EXPECT_EQ(l.resources[0].url, "https://kb.example.com/pulse");

  const ListSpec& e = b->lists[1];
  EXPECT_EQ(e.title, "empty_forecast");  // Defaults to the id.
  EXPECT_EQ(e.horizon, Horizon::kUpcoming);
  EXPECT_FALSE(e.limit.has_value());

  ASSERT_EQ(b->kpis.size(), 2u);
  EXPECT_EQ(b->kpis[0].measure.kind, MeasureKind::kSum);
  EXPECT_EQ(b->kpis[0].measure.column, "arr");
  EXPECT_EQ(b->kpis[0].measure.ToString(), "sum(arr)");
  EXPECT_TRUE(b->kpis[0].by_owner);
  EXPECT_EQ(b->kpis[0].measure_location.line, 44);
  EXPECT_EQ(b->kpis[0].measure_location.column, 18);
  EXPECT_EQ(b->kpis[1].measure.kind, MeasureKind::kCount);  // The default.
  EXPECT_EQ(b->kpis[1].title, "Stale pulses");
  EXPECT_FALSE(b->kpis[1].by_owner);
}

TEST(RulebookLoader, NameDefaultsToTheFileStem) {
  absl::StatusOr<Rulebook> b = Rulebook::FromYaml("docket: 1\n", "dir/my_hub.yaml");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->name, "my_hub");
  EXPECT_EQ(b->time_zone_name, "UTC");
}

TEST(RulebookLoader, ExpressionOriginsPointIntoTheFile) {
  absl::StatusOr<Rulebook> b = Parse(R"(docket: 1
segments:
  quoted: "arr > 1"
  single: 'arr > 2'
  block: |
    arr > 3
      AND pulse IS NULL
  folded: >-

      arr > 4
      OR arr < 0
  plain: arr > 5
    AND arr < 9
lists:
  - {id: a, table: accounts, when: arr > 6}
)");
  ASSERT_TRUE(b.ok()) << b.status();
  auto seg = [&](int i) { return b->segments[i].expression; };
  EXPECT_EQ(seg(0).text, "arr > 1");
  EXPECT_EQ(seg(0).origin.line, 3);
  EXPECT_EQ(seg(0).origin.column, 12);  // After the quote.
  EXPECT_EQ(seg(1).origin.column, 12);
  // Block scalars: the first content line, at its indentation; later lines
  // keep the file's indentation so their columns are exact.
  EXPECT_EQ(seg(2).origin.line, 6);
  EXPECT_EQ(seg(2).origin.column, 5);
  EXPECT_EQ(seg(2).text, "arr > 3\n      AND pulse IS NULL");
  EXPECT_EQ(seg(3).origin.line, 10);
  EXPECT_EQ(seg(3).origin.column, 7);
  EXPECT_EQ(seg(3).text, "arr > 4\n      OR arr < 0");
  // A plain scalar folded over two lines.
  EXPECT_EQ(seg(4).origin.line, 12);
  EXPECT_EQ(seg(4).origin.column, 10);
  EXPECT_EQ(seg(4).text, "arr > 5\n    AND arr < 9");
  EXPECT_EQ(b->lists[0].when.origin.line, 15);
  EXPECT_EQ(b->lists[0].when.origin.column, 36);
}

TEST(RulebookLoader, YamlSyntaxError) {
  EXPECT_EQ(ErrorOf("docket: 1\nlists: [a, b\nkpis: 1\n"),
            "book.yaml:3:5: YAML syntax error: end of sequence flow not found");
  EXPECT_THAT(ErrorOf("docket: 1\nname: x\n  bad: indent\n"),
              StartsWith("book.yaml:3:6: YAML syntax error"));
}

TEST(RulebookLoader, ErrorsShowTheSourceLineAndACaret) {
  absl::StatusOr<Rulebook> b = Parse("docket: 1\nlits: []\n");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(std::string(b.status().message()),
            "book.yaml:2:1: unknown key 'lits' at the top of a rulebook — did you mean 'lists'?\n"
            "  lits: []\n"
            "  ^~~~");
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  std::optional<ErrorDetail> d = GetErrorDetail(b.status());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->location.line, 2);
  EXPECT_EQ(d->location.column, 1);
  EXPECT_EQ(d->hint, "did you mean 'lists'?");
}

TEST(RulebookLoader, UnknownKeys) {
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - id: a\n    table: accounts\n    wen: x > 1\n"),
            "book.yaml:5:5: unknown key 'wen' in list 'a' — did you mean 'when'?");
  EXPECT_EQ(ErrorOf("docket: 1\nkpis:\n  - id: k\n    list: a\n    mesure: count\n"),
            "book.yaml:5:5: unknown key 'mesure' in KPI 'k' — did you mean 'measure'?");
  EXPECT_THAT(ErrorOf("docket: 1\nzzzzzz: 1\n"),
              StartsWith("book.yaml:2:1: unknown key 'zzzzzz' at the top of a rulebook — expected "
                         "one of: docket"));
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - id: a\n    table: t\n    when: x\n    resources: "
                    "[{titl: A, url: u}]\n"),
            "book.yaml:6:18: unknown key 'titl' in a resource — did you mean 'title'?");
}

TEST(RulebookLoader, DuplicateKeysAndIds) {
  EXPECT_EQ(
      ErrorOf("docket: 1\nname: a\nname: b\n"),
      "book.yaml:3:1: duplicate key 'name' at the top of a rulebook — it is already set on line 2");
  EXPECT_EQ(
      ErrorOf(
          "docket: 1\nlists:\n  - {id: a, table: t, when: x}\n  - {id: a, table: t, when: y}\n"),
      "book.yaml:4:10: duplicate list id 'a' — a list with this id is defined on line 3");
  EXPECT_EQ(
      ErrorOf("docket: 1\nlists:\n  - {id: a, table: t, when: x}\nkpis:\n  - {id: k, list: a}\n"
              "  - {id: k, list: a}\n"),
      "book.yaml:6:10: duplicate KPI id 'k' — a KPI with this id is defined on line 5");
  EXPECT_EQ(ErrorOf("docket: 1\nparams:\n  a: 1\n  a: 2\n"),
            "book.yaml:4:3: duplicate param 'a' — it is already set on line 3");
  EXPECT_EQ(ErrorOf("docket: 1\nsegments:\n  s: x\n  s: y\n"),
            "book.yaml:4:3: duplicate segment 's' — it is already defined on line 3");
}

TEST(RulebookLoader, UnknownListInKpi) {
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - {id: outdated_pulse, table: t, when: x}\nkpis:\n"
                    "  - id: k\n    list: outdated_pulses\n"),
            "book.yaml:6:11: KPI 'k' measures unknown list 'outdated_pulses' — did you mean "
            "'outdated_pulse'?");
}

TEST(RulebookLoader, TimeZone) {
  EXPECT_EQ(
      ErrorOf("docket: 1\ntime_zone: America/New_Yrok\n"),
      "book.yaml:2:12: unknown time zone 'America/New_Yrok' — use an IANA time zone name such as "
      "'America/New_York' or 'UTC'");
  // Names never reach the file system as paths.
  EXPECT_THAT(ErrorOf("docket: 1\ntime_zone: ../../../etc/passwd\n"),
              HasSubstr("unknown time zone"));
  EXPECT_THAT(ErrorOf("docket: 1\ntime_zone: /etc/localtime\n"), HasSubstr("unknown time zone"));
  absl::StatusOr<Rulebook> b = Parse("docket: 1\ntime_zone: Europe/Paris\n");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->time_zone.name(), "Europe/Paris");
}

TEST(RulebookLoader, RequiredKeysAndVersion) {
  EXPECT_EQ(ErrorOf("name: x\n"),
            "book.yaml:1:1: missing required key 'docket' (the format version) — add 'docket: 1' "
            "as the first line");
  EXPECT_EQ(ErrorOf("docket: 2\n"),
            "book.yaml:1:9: unsupported rulebook version '2' — this docket reads 'docket: 1'");
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - id: a\n    table: t\n"),
            "book.yaml:3:5: missing required key 'when' in list 'a' — the condition a row must "
            "meet to be in the list");
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - id: a\n    when: x\n"),
            "book.yaml:3:5: missing required key 'table' in list 'a' — name the table the list "
            "ranges over, e.g. "
            "'table: accounts'");
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - table: t\n    when: x\n"),
            "book.yaml:3:5: missing required key 'id' in a list — every list needs a unique id");
  EXPECT_EQ(ErrorOf("docket: 1\nkpis:\n  - id: k\n"),
            "book.yaml:3:5: missing required key 'list' in KPI 'k' — name the list whose rows the "
            "KPI measures");
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - id: a\n    table: t\n    when:\n"),
            "book.yaml:5:5: 'when' (the list's condition) must be a single value, not nothing");
  EXPECT_EQ(ErrorOf("[1, 2]\n"),
            "book.yaml:1:1: a rulebook must be a YAML mapping, not a list — start the file "
            "with 'docket: 1'");
  EXPECT_EQ(ErrorOf(""),
            "book.yaml:1:1: a rulebook must be a YAML mapping, not nothing — start the file with "
            "'docket: 1'");
}

TEST(RulebookLoader, ValuesOfListKeys) {
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - {id: a, table: t, when: x, horizon: tomorow}\n"),
            "book.yaml:3:41: unknown horizon 'tomorow' — expected today, upcoming or past");
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - {id: a, table: t, when: x, limit: -3}\n"),
            "book.yaml:3:39: 'limit' must be a whole number ≥ 0, not '-3'");
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - id: a\n    table: t\n    when: x\n    order_by: arr "
                    "DESCENDING\n"),
            "book.yaml:6:19: unexpected 'DESCENDING' in order_by: expected ASC, DESC, NULLS "
            "FIRST/LAST or ',' — "
            "order_by: arr DESC, renewal_date ASC NULLS FIRST");
  EXPECT_EQ(
      ErrorOf("docket: 1\nlists:\n  - id: a\n    table: t\n    when: x\n    order_by: arr NULLS\n"),
      "book.yaml:6:24: expected FIRST or LAST after NULLS in order_by — order_by: arr DESC, "
      "renewal_date ASC "
      "NULLS FIRST");
  EXPECT_EQ(
      ErrorOf("docket: 1\nlists:\n  - id: a\n    table: t\n    when: x\n    show: [a, b, a]\n"),
      "book.yaml:6:18: column 'a' is shown twice");
  absl::StatusOr<Rulebook> b = Parse(
      "docket: 1\nlists:\n  - id: a\n    table: t\n    when: x\n    show: name, csm\n"
      "    order_by: ['arr desc', '\"the name\" asc nulls last']\n");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->lists[0].show, (std::vector<std::string>{"name", "csm"}));
  EXPECT_EQ(b->lists[0].show_locations[1].column, 17);
  ASSERT_EQ(b->lists[0].order_by.size(), 2u);
  EXPECT_EQ(b->lists[0].order_by[1].column, "the name");
  EXPECT_EQ(b->lists[0].order_by[1].location.line, 7);
  EXPECT_EQ(b->lists[0].order_by[1].location.column, 29);
}

TEST(RulebookLoader, Measures) {
  auto measure = [](const std::string& m) {
    return ErrorOf(absl::StrCat(
        "docket: 1\nlists:\n  - {id: a, table: t, when: x}\nkpis:\n  - id: k\n    list: a\n"
        "    measure: ",
        m, "\n"));
  };
  EXPECT_EQ(measure("summ(arr)"), "book.yaml:7:14: unknown measure 'summ' — did you mean 'sum'?");
  EXPECT_EQ(measure("sum"),
            "book.yaml:7:17: 'sum' needs a column: sum(column) — count, count(*), sum(col), "
            "avg(col), min(col), max(col) or count_distinct(col)");
  EXPECT_EQ(measure("avg(*)"),
            "book.yaml:7:18: 'avg(*)' is not a measure; use avg(column) — count, count(*), "
            "sum(col), avg(col), min(col), max(col) or count_distinct(col)");
  EXPECT_EQ(measure("count(*)"), "OK");
  EXPECT_EQ(measure("COUNT_DISTINCT( csm )"), "OK");
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  - {id: a, table: t, when: x}\nkpis:\n  - {id: k, list: "
                    "a, by: csm}\n"),
            "book.yaml:5:26: unknown grouping 'by: csm' — the only grouping is 'by: owner'");
}

TEST(RulebookLoader, ParamsAndSegmentsShapes) {
  EXPECT_EQ(ErrorOf("docket: 1\nparams:\n  days: [1, 2]\n"),
            "book.yaml:3:9: param 'days' needs a single value, not a list — the value's type is "
            "the param's type: 90 "
            "(int), 0.8 (float), true (bool), 2026-01-31 (date), 'text' (string)");
  EXPECT_EQ(ErrorOf("docket: 1\nparams:\n  bad-name: 1\n"),
            "book.yaml:3:3: a param name must be an identifier (letters, digits, '_')");
  EXPECT_EQ(
      ErrorOf("docket: 1\nsegments: [a]\n"),
      "book.yaml:2:11: 'segments' must be a mapping of name to expression, not a list — segments: "
      "{in_forecast_window: renewal_date BETWEEN today AND today + 120}");
  EXPECT_EQ(ErrorOf("docket: 1\nlists:\n  id: a\n"),
            "book.yaml:3:3: 'lists' must be a YAML list of lists (each starting with '- id:'), not "
            "a mapping");
}

TEST(RulebookLoader, TablesErrorsComeFromTheSchemaParser) {
  std::string e = ErrorOf(
      "docket: 1\ntables:\n  accounts:\n    key: id\n    onwer: csm\n    columns: {id: string}\n");
  EXPECT_THAT(e, StartsWith("book.yaml:5:5: "));
  EXPECT_THAT(e, HasSubstr("owner"));
}

TEST(RulebookLoader, Limits) {
  Limits small;
  small.max_yaml_depth = 4;
  EXPECT_EQ(ErrorOf("docket: 1\nname: x\n", small), "OK");
  EXPECT_THAT(
      ErrorOf("docket: 1\nparams: {a: [[[[1]]]]}\n", small),
      StartsWith(
          "book.yaml:2:15: YAML collections nested too deeply: limit max_yaml_depth = 4 exceeded"));

  Limits bytes;
  bytes.max_rulebook_bytes = 16;
  absl::StatusOr<Rulebook> big = Parse("docket: 1\nname: a long name\n", bytes);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(big.status().message()), HasSubstr("max_rulebook_bytes = 16"));

  Limits rules;
  rules.max_rules = 2;
  absl::StatusOr<Rulebook> many =
      Parse("docket: 1\nsegments: {a: x, b: y}\nlists:\n  - {id: l, table: t, when: a}\n", rules);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(many.status().message()), HasSubstr("max_rules = 2"));
}

TEST(RulebookLoader, AliasBombIsRejected) {
  std::string text = "docket: 1\nparams:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    absl::StrAppend(&text, "  ", std::string(1, c), ": &", std::string(1, c), " [");
    for (int i = 0; i < 10; ++i) absl::StrAppend(&text, i ? ", " : "", "*", std::string(1, prev));
    absl::StrAppend(&text, "]\n");
    prev = c;
  }
  absl::StatusOr<Rulebook> b = Parse(text);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(b.status().message()), HasSubstr("billion laughs"));
}

TEST(RulebookLoader, GarbageNeverCrashes) {
  const char* inputs[] = {"\t",
                          "{",
                          "docket: 1\nlists: [[[",
                          ": :",
                          "docket: 1\nlists:\n  - - - -\n",
                          "docket: 1\nkpis: [{id: [1], list: a}]\n",
                          "docket: {a: 1}\n",
                          "docket: 1\n? [a]\n: b\n",
                          "docket: 1\nlists: [{id: a, table: t, when: x, show: {a: 1}}]\n",
                          "\xff\xfe"};
  for (const char* in : inputs) {
    absl::StatusOr<Rulebook> b = Parse(in);
    if (!b.ok()) {
      EXPECT_THAT(std::string(b.status().message()), StartsWith("book.yaml")) << in;
    }
  }
}

// Random damage to a valid rulebook: every result is a rulebook or an error
// naming the file — never a crash, a hang or an exception.
TEST(RulebookLoader, RandomDamageNeverCrashes) {
  std::mt19937_64 rng(11);
  const std::string base = kSpecExample;
  const char alphabet[] = " \n\t:-[]{},'\"|>&*!#?%@`aZ09";
  for (int round = 0; round < 3000; ++round) {
    std::string text = base;
    for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0 && !text.empty(); --edits) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % (sizeof(alphabet) - 1)];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.insert(at, 1, alphabet[rng() % (sizeof(alphabet) - 1)]);
          break;
      }
    }
    absl::StatusOr<Rulebook> b = Parse(text);
    if (!b.ok()) {
      ASSERT_THAT(std::string(b.status().message()), StartsWith("book.yaml")) << text;
      ASSERT_NE(b.status().code(), absl::StatusCode::kInternal) << text;
    } else if (!b->schema.tables.empty()) {
      absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(*b);
      if (!c.ok()) {
        ASSERT_NE(c.status().code(), absl::StatusCode::kInternal) << c.status() << "\n" << text;
      }
    }
  }
}

}  // namespace
}  // namespace docket
