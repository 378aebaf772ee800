// Every documented limit (docket/options.h Limits) is enforced and its error
// names the limit and its value; the parser and every recursive pass survive
// hostile nesting and size (an error is fine, a crash is not); YAML bombs
// are rejected quickly.  docs/security.md lists these tests.
#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "docket/csv.h"
#include "docket/error.h"
#include "docket/options.h"
#include "docket/program.h"
#include "docket/rulebook.h"
#include "docket/schema_yaml.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

// GCC 12 reports a false -Wrestrict inside std::string operator+ here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace docket {
namespace {

using ::testing::HasSubstr;

TableSchema Accounts() {
  TableSchema t;
  t.name = "accounts";
  t.key = "id";
  t.owner = "csm";
  t.columns = {{"id", DataType::String(), {}}, {"csm", DataType::String(), {}},
               {"arr", DataType::Float(), {}}, {"n", DataType::Int(), {}},
               {"ok", DataType::Bool(), {}},   {"s", DataType::String(), {}},
               {"d", DataType::Date(), {}}};
  return t;
}

absl::Status CompileWith(const std::string& text, const Limits& limits) {
  CompileOptions o;
  o.limits = limits;
  return CompiledPredicate::Compile(text, Accounts(), o).status();
}

// The error is ResourceExhausted and names the limit and its value.
void ExpectLimit(const absl::Status& s, const std::string& name, int64_t value) {
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(name)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(std::to_string(value))) << s;
  std::optional<ErrorDetail> d = GetErrorDetail(s);
  ASSERT_TRUE(d.has_value()) << s;
  EXPECT_EQ(d->kind, ErrorKind::kLimit) << s;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(LimitsTest, DefaultsAreTheDocumentedOnes) {
  Limits l;
  EXPECT_EQ(l.max_expression_bytes, 1 << 20);
  EXPECT_EQ(l.max_expression_depth, 256);
  EXPECT_EQ(l.max_expression_nodes, 250000);
  EXPECT_EQ(l.max_rules, 10000);
  EXPECT_EQ(l.max_rulebook_bytes, 16 << 20);
  EXPECT_EQ(l.max_yaml_depth, 64);
  EXPECT_EQ(l.regex_max_program_size, 10000);
  EXPECT_EQ(l.max_in_list, 100000);
  EXPECT_EQ(l.max_csv_field_bytes, 1 << 20);
  EXPECT_EQ(l.max_csv_line_bytes, 16 << 20);
  EXPECT_EQ(l.max_string_bytes, 1 << 20);
}

TEST(LimitsTest, ExpressionBytes) {
  Limits l;
  l.max_expression_bytes = 100;
  EXPECT_TRUE(CompileWith("n > 1", l).ok());
  ExpectLimit(CompileWith("n > 1 AND " + Repeat("n > 1 AND ", 10) + "ok", l),
              "max_expression_bytes", 100);
}

TEST(LimitsTest, ExpressionDepth) {
  Limits l;
  l.max_expression_depth = 10;
  EXPECT_TRUE(CompileWith(Repeat("(", 5) + "n" + Repeat(")", 5) + " > 1", l).ok());
  ExpectLimit(CompileWith(Repeat("(", 20) + "n" + Repeat(")", 20) + " > 1", l),
              "max_expression_depth", 10);
  ExpectLimit(CompileWith(Repeat("NOT ", 20) + "ok", l), "max_expression_depth", 10);
  ExpectLimit(CompileWith(Repeat("- ", 20) + "n > 1", l), "max_expression_depth", 10);
  ExpectLimit(CompileWith(Repeat("abs(", 20) + "n" + Repeat(")", 20) + " > 1", l),
              "max_expression_depth", 10);
  ExpectLimit(CompileWith("n" + Repeat(" + n", 20) + " > 1", l), "max_expression_depth", 10);
}

TEST(LimitsTest, ExpressionNodes) {
  Limits l;
  l.max_expression_nodes = 50;
  EXPECT_TRUE(CompileWith("n > 1 OR n < 0", l).ok());
  ExpectLimit(CompileWith("n = 0" + Repeat(" OR n = 1", 30), l), "max_expression_nodes", 50);
}

TEST(LimitsTest, ExpressionNodesAfterSegmentExpansion) {
  // Segments are inlined at each use: a small text can expand a lot.
  Limits limits;
  limits.max_expression_nodes = 200;
  CompileOptions o;
  o.limits = limits;
  Schema schema;
  schema.tables = {Accounts()};
  ProgramBuilder b(schema, o);
  ASSERT_TRUE(b.AddSegment("s0", {"n > 1 AND n < 5 AND arr > 0", {}}).ok());
  for (int i = 1; i < 8; ++i) {
    std::string prev = "s" + std::to_string(i - 1);
    ASSERT_TRUE(b.AddSegment("s" + std::to_string(i), {prev + " OR NOT " + prev, {}}).ok());
  }
  absl::StatusOr<int> id = b.AddPredicate("accounts", {"s7", {}});
  ASSERT_FALSE(id.ok());
  ExpectLimit(id.status(), "max_expression_nodes", 200);
}

TEST(LimitsTest, InList) {
  Limits l;
  l.max_in_list = 10;
  EXPECT_TRUE(CompileWith("n IN (1, 2, 3)", l).ok());
  std::string items = "0";
  for (int i = 1; i <= 10; ++i) items += ", " + std::to_string(i);
  ExpectLimit(CompileWith("n IN (" + items + ")", l), "max_in_list", 10);
}

// With the default limits, a max_in_list-long IN list must be reachable:
// each item is a node, so max_expression_nodes must not bite first.
TEST(LimitsTest, DefaultInListIsReachable) {
  Limits l;
  std::string items = "0";
  for (int i = 1; i < l.max_in_list; ++i) items += "," + std::to_string(i);
  absl::Status s = CompileWith("n IN (" + items + ")", l);
  EXPECT_TRUE(s.ok()) << s.message().substr(0, 300);
  ExpectLimit(CompileWith("n IN (" + items + ",-1)", l), "max_in_list", l.max_in_list);
}

TEST(LimitsTest, StringLiteralBytes) {
  Limits l;
  l.max_string_bytes = 100;
  EXPECT_TRUE(CompileWith("s = '" + std::string(100, 'x') + "'", l).ok());
  ExpectLimit(CompileWith("s = '" + std::string(101, 'x') + "'", l), "max_string_bytes", 100);
}

TEST(LimitsTest, RegexProgramSize) {
  Limits l;
  l.regex_max_program_size = 100;
  EXPECT_TRUE(CompileWith("s MATCHES '^ent'", l).ok());
  ExpectLimit(CompileWith("s MATCHES '(abc|def){50}'", l), "regex_max_program_size", 100);
  // With the default limit a regex that would need a huge program is refused, not built.
  absl::Status big = CompileWith("s MATCHES '((((a{100}){100}){100}){100})'", Limits{});
  EXPECT_FALSE(big.ok());
}

std::string RulebookWithLists(int lists, const std::string& when = "n > 1") {
  std::string y =
      "docket: 1\ntables:\n  accounts:\n    key: id\n    owner: csm\n"
      "    columns: {id: string, csm: string, n: int, ok: bool}\nlists:\n";
  for (int i = 0; i < lists; ++i) {
    y += "  - id: l" + std::to_string(i) + "\n    table: accounts\n    when: \"" + when + "\"\n";
  }
  return y;
}

TEST(LimitsTest, Rules) {
  Limits l;
  l.max_rules = 3;
  EXPECT_TRUE(Rulebook::FromYaml(RulebookWithLists(3), "book.yaml", l).ok());
  absl::StatusOr<Rulebook> b = Rulebook::FromYaml(RulebookWithLists(4), "book.yaml", l);
  ASSERT_FALSE(b.ok());
  ExpectLimit(b.status(), "max_rules", 3);
  EXPECT_THAT(std::string(b.status().message()), HasSubstr("book.yaml"));
}

TEST(LimitsTest, RulebookBytes) {
  Limits l;
  l.max_rulebook_bytes = 200;
  std::string text = RulebookWithLists(5);
  ASSERT_GT(text.size(), 200u);
  absl::StatusOr<Rulebook> b = Rulebook::FromYaml(text, "book.yaml", l);
  ASSERT_FALSE(b.ok());
  ExpectLimit(b.status(), "max_rulebook_bytes", 200);
  absl::StatusOr<Schema> s = ParseSchemaYaml(text, "schema.yaml", l);
  ASSERT_FALSE(s.ok());
  ExpectLimit(s.status(), "max_rulebook_bytes", 200);
}

TEST(LimitsTest, YamlDepth) {
  Limits l;
  l.max_yaml_depth = 8;
  std::string nested =
      "docket: 1\nname: x\ndescription: ok\nparams: {p: 1}\nlists: []\nextra: " + Repeat("[", 12) +
      Repeat("]", 12) + "\n";
  absl::StatusOr<Rulebook> b = Rulebook::FromYaml(nested, "deep.yaml", l);
  ASSERT_FALSE(b.ok());
  ExpectLimit(b.status(), "max_yaml_depth", 8);
}

TEST(LimitsTest, CsvFieldBytes) {
  CsvOptions o;
  o.threads = 1;
  o.limits.max_csv_field_bytes = 100;
  EXPECT_TRUE(
      ReadCsvString("id,s\na," + std::string(100, 'x') + "\n", "a.csv", "a", nullptr, o).ok());
  absl::StatusOr<Table> t =
      ReadCsvString("id,s\na,b\nc," + std::string(101, 'x') + "\n", "a.csv", "a", nullptr, o);
  ASSERT_FALSE(t.ok());
  ExpectLimit(t.status(), "max_csv_field_bytes", 100);
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("a.csv:3"));
}

TEST(LimitsTest, CsvLineBytes) {
  CsvOptions o;
  o.threads = 1;
  o.limits.max_csv_line_bytes = 200;
  std::string row = "a";
  for (int i = 0; i < 40; ++i) row += ",xxxxx";
  std::string header = "c0";
  for (int i = 1; i <= 40; ++i) header += ",c" + std::to_string(i);
  absl::StatusOr<Table> t = ReadCsvString(header + "\n" + row + "\n", "wide.csv", "w", nullptr, o);
  ASSERT_FALSE(t.ok());
  ExpectLimit(t.status(), "max_csv_line_bytes", 200);
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("wide.csv:2"));
}

// ---------------------------------------------------------------------------
// Survival: hostile nesting and size never overflow the stack.

TEST(SurvivalTest, HundredThousandNestedParentheses) {
  for (int64_t depth_limit : {int64_t{256}, int64_t{1} << 30}) {
    Limits l;
    l.max_expression_depth = static_cast<int>(std::min<int64_t>(depth_limit, 1 << 30));
    absl::Status s = CompileWith(Repeat("(", 100000) + "n" + Repeat(")", 100000) + " > 1", l);
    EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s.message().substr(0, 200);
    // Unbalanced: no closing parentheses at all.
    s = CompileWith(Repeat("(", 100000), l);
    EXPECT_FALSE(s.ok());
  }
}

TEST(SurvivalTest, HundredThousandNots) {
  Limits l;
  l.max_expression_depth = 1 << 30;  // A user who raised the limit is still protected.
  absl::Status s = CompileWith(Repeat("NOT ", 100000) + "ok", l);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s.message().substr(0, 200);
  s = CompileWith(Repeat("NOT (", 100000) + "ok" + Repeat(")", 100000), l);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s.message().substr(0, 200);
}

TEST(SurvivalTest, OtherDeepShapes) {
  Limits l;
  l.max_expression_depth = 1 << 30;
  l.max_expression_nodes = 1 << 30;
  l.max_expression_bytes = 64 << 20;
  const std::vector<std::string> shapes = {
      Repeat("- ", 100000) + "n > 1",
      Repeat("abs(", 100000) + "n" + Repeat(")", 100000) + " > 1",
      Repeat("CASE WHEN ok THEN ", 50000) + "ok" + Repeat(" END", 50000),
      Repeat("coalesce(", 100000) + "n" + Repeat(", 1)", 100000) + " > 1",
      "n" + Repeat(" + n", 100000) + " > 1",
      "n IN (" + Repeat("(", 100000) + "1" + Repeat(")", 100000) + ")",
      Repeat("n > 1 AND (", 100000) + "ok" + Repeat(")", 100000),
      "s = " + Repeat("lower(", 100000) + "s" + Repeat(")", 100000),
  };
  for (const std::string& text : shapes) {
    absl::Status s = CompileWith(text, l);
    EXPECT_FALSE(s.ok()) << text.substr(0, 40);
  }
}

TEST(SurvivalTest, TenMegabytesOfRuleText) {
  const std::string text = "n = 1" + Repeat(" OR n = 1", 10 * 1024 * 1024 / 9);
  ASSERT_GE(text.size(), 10u << 20);
  // Default limits: refused by size.
  ExpectLimit(CompileWith(text, Limits{}), "max_expression_bytes", Limits{}.max_expression_bytes);
  // Raised limits: refused by node count, or compiled — never a crash.
  Limits l;
  l.max_expression_bytes = 64 << 20;
  auto t0 = std::chrono::steady_clock::now();
  absl::Status s = CompileWith(text, l);
  EXPECT_TRUE(s.ok() || s.code() == absl::StatusCode::kResourceExhausted)
      << s.message().substr(0, 200);
  EXPECT_LT(SecondsSince(t0), 60.0);
  // 10 MB of one string literal and of one comment.
  std::string lit = "s = '" + std::string(10 << 20, 'x') + "'";
  ExpectLimit(CompileWith(lit, l), "max_string_bytes", l.max_string_bytes);
  EXPECT_TRUE(CompileWith("ok /*" + std::string(10 << 20, '*') + "*/", l).ok() ||
              true);  // A long comment is text like any other: no crash is the point.
}

TEST(SurvivalTest, TenMegabytesInARulebook) {
  std::string when = Repeat("(", 100000) + "n" + Repeat(")", 100000) + " > 1";
  std::string y = RulebookWithLists(1, when);
  absl::StatusOr<Rulebook> b = Rulebook::FromYaml(y, "deep.yaml");
  if (b.ok()) {
    absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(*b);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted)
        << c.status().message().substr(0, 200);
    EXPECT_THAT(std::string(c.status().message()), HasSubstr("deep.yaml"));
  }
  // 10 MB of rule text in one list.
  std::string big = RulebookWithLists(1, "n = 1" + Repeat(" OR n = 1", 10 * 1024 * 1024 / 9));
  b = Rulebook::FromYaml(big, "big.yaml");
  if (b.ok()) {
    absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(*b);
    ASSERT_FALSE(c.ok());
    ExpectLimit(c.status(), "max_expression_bytes", Limits{}.max_expression_bytes);
  }
}

TEST(SurvivalTest, DeepYamlIsRejectedQuickly) {
  const std::vector<std::string> docs = {
      "docket: 1\nlists: " + Repeat("[", 100000) + Repeat("]", 100000) + "\n",
      "docket: 1\nlists: " + Repeat("{a: ", 100000) + "1" + Repeat("}", 100000) + "\n",
      "docket: 1\nlists: " + Repeat("[", 100000) + "\n",
      [] {
        std::string s = "docket: 1\nparams:\n";
        for (int i = 0; i < 5000; ++i)
          s += std::string(2 * (i + 1), ' ') + "k" + std::to_string(i) + ":\n";
        return s;
      }(),
      [] {
        std::string s = "docket: 1\nlists:\n";
        for (int i = 0; i < 5000; ++i) s += std::string(i, ' ') + "- \n";
        return s;
      }(),
  };
  for (const std::string& d : docs) {
    auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<Rulebook> b = Rulebook::FromYaml(d, "deep.yaml");
    EXPECT_FALSE(b.ok()) << d.substr(0, 40);
    EXPECT_LT(SecondsSince(t0), 10.0) << d.substr(0, 40);
    absl::StatusOr<Schema> s = ParseSchemaYaml(d, "deep.yaml");
    EXPECT_FALSE(s.ok()) << d.substr(0, 40);
  }
}

std::string BillionLaughs(const std::string& where) {
  std::string y = "docket: 1\n";
  y += "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    y += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 9; ++k) y += ", " + prev;
    y += "]\n";
  }
  y += where;
  return y;
}

TEST(SurvivalTest, BillionLaughsIsRejectedQuickly) {
  // Aliases at the top level, under lists, params, tables and a schema file.
  const std::vector<std::string> tails = {
      "",
      "lists: *a9\n",
      "params: {p: *a9}\n",
      "tables: {t: {columns: *a9}}\n",
      "segments: {s: *a9}\n",
      "kpis: *a9\n",
  };
  for (const std::string& tail : tails) {
    auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<Rulebook> b = Rulebook::FromYaml(BillionLaughs(tail), "lol.yaml");
    EXPECT_FALSE(b.ok()) << tail;
    EXPECT_LT(SecondsSince(t0), 5.0) << tail;
    t0 = std::chrono::steady_clock::now();
    absl::StatusOr<Schema> s = ParseSchemaYaml(BillionLaughs(tail), "lol.yaml");
    EXPECT_LT(SecondsSince(t0), 5.0) << tail;
  }
  // A schema whose tables are aliases of one huge table map.
  std::string schema = "cols: &c {";
  for (int i = 0; i < 500; ++i) schema += (i ? ", c" : "c") + std::to_string(i) + ": int";
  schema += "}\ntables:\n";
  for (int i = 0; i < 2000; ++i) schema += "  t" + std::to_string(i) + ": {columns: *c}\n";
  auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<Schema> s = ParseSchemaYaml(schema, "alias_schema.yaml");
  EXPECT_LT(SecondsSince(t0), 10.0);
  if (!s.ok()) {
    EXPECT_THAT(std::string(s.status().message()), HasSubstr("alias_schema.yaml"));
  }
}

}  // namespace
}  // namespace docket

namespace docket {
namespace {

// The limits that were hidden constants until issue 12: each is an option,
// hit exactly at its value.
TEST(LimitsTest, CsvColumns) {
  CsvOptions o;
  o.threads = 1;
  o.limits.max_csv_columns = 5;
  EXPECT_TRUE(ReadCsvString("a,b,c,d,e\n1,2,3,4,5\n", "w.csv", "w", nullptr, o).ok());
  absl::StatusOr<Table> t = ReadCsvString("a,b,c,d,e,f\n1,2,3,4,5,6\n", "w.csv", "w", nullptr, o);
  ASSERT_FALSE(t.ok());
  ExpectLimit(t.status(), "max_csv_columns", 5);
}

TEST(LimitsTest, NameParts) {
  Limits l;
  l.max_name_parts = 2;
  // A two-part name binds as far as the parser is concerned (it is not a parent here).
  absl::Status two = CompileWith("a.b > 1", l);
  EXPECT_NE(two.code(), absl::StatusCode::kResourceExhausted) << two;
  ExpectLimit(CompileWith("a.b.c > 1", l), "max_name_parts", 2);
}

TEST(LimitsTest, SegmentDepth) {
  Limits l;
  l.max_segment_depth = 3;
  auto build = [&](int depth) {
    CompileOptions o;
    o.limits = l;
    Schema schema;
    schema.tables.push_back(Accounts());
    ProgramBuilder b(schema, o);
    EXPECT_TRUE(b.AddSegment("s0", {"n > 1", {}}).ok());
    for (int i = 1; i < depth; ++i) {
      EXPECT_TRUE(b.AddSegment("s" + std::to_string(i), {"s" + std::to_string(i - 1), {}}).ok());
    }
    return b.AddPredicate("accounts", {"s" + std::to_string(depth - 1), {}}).status();
  };
  EXPECT_TRUE(build(3).ok()) << build(3);
  ExpectLimit(build(4), "max_segment_depth", 3);
}

}  // namespace
}  // namespace docket
