// Compile errors: position, source line, caret and hint for each kind of
// mistake; limits.
#include <gtest/gtest.h>

#include "docket/error.h"
#include "docket/program.h"
#include "exec/test_table.h"

namespace docket {
namespace {

using testing::Col;

Schema AccountsSchema() {
  TableSchema t;
  t.name = "accounts";
  t.owner = "csm";
  for (auto [name, type] :
       std::vector<std::pair<const char*, DataType>>{{"id", DataType::String()},
                                                     {"csm", DataType::String()},
                                                     {"arr", DataType::Float()},
                                                     {"pulse", DataType::String()},
                                                     {"pulse_changed_at", DataType::Date()},
                                                     {"renewal_date", DataType::Date()},
                                                     {"seats", DataType::Int()},
                                                     {"segment", DataType::String()},
                                                     {"active", DataType::Bool()},
                                                     {"created_at", DataType::Timestamp()}}) {
    t.columns.push_back(ColumnSchema{name, type, {}});
  }
  Schema s;
  s.tables.push_back(t);
  TableSchema c;
  c.name = "contacts";
  c.columns.push_back(ColumnSchema{"id", DataType::String(), {}});
  c.columns.push_back(ColumnSchema{"account_id", DataType::String(), {}});
  c.parent = ParentRelation{"accounts", "account_id", "account", {}};
  s.tables.push_back(c);
  return s;
}

struct Err {
  absl::StatusCode code;
  ErrorDetail detail;
  std::string text;
};

Err CompileErrIn(const Schema& schema, const std::string& table, const std::string& expr,
                 SourceLocation origin = {}, CompileOptions co = {}) {
  ProgramBuilder b(schema, co);
  auto r = b.AddPredicate(table, ExpressionSource{expr, origin});
  EXPECT_FALSE(r.ok()) << expr;
  Err e;
  e.code = r.status().code();
  e.text = std::string(r.status().message());
  auto d = GetErrorDetail(r.status());
  EXPECT_TRUE(d.has_value()) << e.text;
  if (d) e.detail = *d;
  return e;
}

Err CompileErr(const std::string& expr, SourceLocation origin = {}, CompileOptions co = {}) {
  return CompileErrIn(AccountsSchema(), "accounts", expr, origin, co);
}

TEST(Errors, UnknownColumnWithHintAndCaret) {
  Err e = CompileErr("pluse IS NULL OR arr > 5");
  EXPECT_EQ(e.code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e.detail.location.line, 1);
  EXPECT_EQ(e.detail.location.column, 1);
  EXPECT_EQ(e.detail.span, 5);
  EXPECT_EQ(e.detail.message, "unknown column 'pluse' in accounts");
  EXPECT_EQ(e.detail.hint, "did you mean 'pulse'?");
  EXPECT_NE(e.text.find("1:1: unknown column 'pluse' in accounts — did you mean 'pulse'?\n"
                        "  pluse IS NULL OR arr > 5\n"
                        "  ^~~~~"),
            std::string::npos)
      << e.text;
}

TEST(Errors, PositionsMapIntoTheFile) {
  Err e = CompileErr("pulse IS NULL\n  OR arr > 'x'", SourceLocation{"rules.yaml", 14, 11});
  EXPECT_EQ(e.detail.location.file, "rules.yaml");
  EXPECT_EQ(e.detail.location.line, 15);
  EXPECT_EQ(e.detail.location.column, 6);
  EXPECT_EQ(e.detail.source_line, "  OR arr > 'x'");
  Err first = CompileErr("pluse IS NULL", SourceLocation{"rules.yaml", 14, 11});
  EXPECT_EQ(first.detail.location.line, 14);
  EXPECT_EQ(first.detail.location.column, 11);
  // The first line is padded so the caret sits under the file's column.
  EXPECT_NE(first.text.find("rules.yaml:14:11: unknown column 'pluse'"), std::string::npos)
      << first.text;
  EXPECT_NE(first.text.find("\n            pluse IS NULL\n            ^~~~~"), std::string::npos)
      << first.text;
}

TEST(Errors, TypeErrors) {
  Err e = CompileErr("renewal_date < 'soon'");
  EXPECT_EQ(e.detail.message, "cannot compare date with string 'soon'");
  EXPECT_EQ(e.detail.location.column, 16);
  EXPECT_EQ(e.detail.span, 6);
  EXPECT_FALSE(e.detail.hint.empty());
  EXPECT_EQ(CompileErr("arr > '100'").detail.hint, "remove the quotes around the number");
  EXPECT_EQ(CompileErr("pulse + 1 > 2").detail.message, "cannot add string and int");
  EXPECT_EQ(CompileErr("arr").detail.message,
            "a rule must be a condition (bool), but this is float");
  EXPECT_EQ(CompileErr("arr AND active").detail.message,
            "AND needs a condition (bool), but this is float");
  EXPECT_EQ(CompileErr("renewal_date > 5").detail.message, "cannot compare date with int");
  EXPECT_EQ(CompileErr("pulse IN ('a', 3)").detail.message, "cannot compare string with int");
  EXPECT_EQ(CompileErr("renewal_date + INTERVAL 1 MONTH * 2 > today").detail.message,
            "an INTERVAL can only be added to or subtracted from a date");
  EXPECT_EQ(CompileErr("DATE '2026-02-30' < today").detail.message, "invalid date '2026-02-30'");
  EXPECT_EQ(CompileErr("lower(arr) = 'x'").detail.message,
            "lower() expects a string, but this is float");
  EXPECT_EQ(CompileErr("days_since(arr) > 3").detail.message,
            "days_since() expects a date, but this is float");
}

TEST(Errors, Functions) {
  Err e = CompileErr("days_sinse(pulse_changed_at) > 90");
  EXPECT_EQ(e.detail.message, "unknown function 'days_sinse'");
  EXPECT_EQ(e.detail.hint, "did you mean 'days_since'?");
  EXPECT_EQ(e.detail.span, 10);
  EXPECT_EQ(CompileErr("days_since() > 1").detail.message, "days_since() takes 1 argument, got 0");
  // History functions need the table's key (this schema declares none).
  EXPECT_EQ(CompileErr("changed(pulse)").detail.message,
            "changed() needs a key on table accounts to find its rows in older snapshots");
  EXPECT_EQ(CompileErr("date_trunc('fortnight', renewal_date) = today").detail.message,
            "unknown date_trunc unit 'fortnight'");
}

// accounts ← contacts, accounts ← success_plans ← objectives.
Schema RelatedSchema() {
  Schema s = AccountsSchema();
  s.tables[1].columns.push_back(ColumnSchema{"persona", DataType::String(), {}});
  TableSchema plans;
  plans.name = "success_plans";
  plans.columns = {{"id", DataType::String(), {}},
                   {"account_id", DataType::String(), {}},
                   {"status", DataType::String(), {}}};
  plans.key = "id";
  plans.parent = ParentRelation{"accounts", "account_id", "account", {}};
  TableSchema objectives;
  objectives.name = "objectives";
  objectives.columns = {{"id", DataType::String(), {}},
                        {"plan_id", DataType::String(), {}},
                        {"priority", DataType::String(), {}},
                        {"due", DataType::Date(), {}}};
  objectives.parent = ParentRelation{"success_plans", "plan_id", "success_plan", {}};
  s.tables.push_back(plans);
  s.tables.push_back(objectives);
  s.tables[0].key = "id";
  s.tables[1].key = "id";
  return s;
}

Err RelatedErr(const std::string& table, const std::string& expr) {
  return CompileErrIn(RelatedSchema(), table, expr);
}

bool RelatedCompiles(const std::string& table, const std::string& expr) {
  ProgramBuilder b(RelatedSchema());
  auto r = b.AddPredicate(table, ExpressionSource{expr, {}});
  EXPECT_TRUE(r.ok()) << expr << ": " << r.status();
  return r.ok();
}

TEST(Errors, RelatedRecords) {
  EXPECT_TRUE(RelatedCompiles("accounts", "exists(contacts WHERE persona = 'champion')"));
  EXPECT_TRUE(RelatedCompiles("accounts", "count(objectives WHERE priority = 'High') > 2"));
  EXPECT_TRUE(RelatedCompiles("accounts",
                              "exists(success_plans WHERE exists(objectives WHERE due < today))"));
  EXPECT_TRUE(RelatedCompiles("objectives",
                              "success_plan.account.arr > 1 AND success_plan.status = 'Active'"));
  EXPECT_TRUE(RelatedCompiles("contacts", "account.arr > 1 AND account.\"pulse\" = 'red'"));

  Err e = RelatedErr("accounts", "exists(contactz WHERE persona = 'x')");
  EXPECT_EQ(e.detail.message, "unknown table 'contactz'");
  EXPECT_EQ(e.detail.hint, "did you mean 'contacts'?");
  EXPECT_EQ(e.detail.location.column, 8);
  EXPECT_EQ(e.detail.span, 8);
  e = RelatedErr("contacts", "count(objectives) > 1");
  EXPECT_EQ(e.detail.message, "'objectives' is not a child table of contacts");
  EXPECT_EQ(
      e.detail.hint,
      "contacts has no child tables (a table with 'parent: {table: contacts, …}' in the schema)");
  e = RelatedErr("success_plans", "count(contacts) > 1");
  EXPECT_EQ(e.detail.message, "'contacts' is not a child table of success_plans");
  EXPECT_EQ(e.detail.hint, "the tables below success_plans are objectives");
  EXPECT_EQ(RelatedErr("accounts", "sum(contacts) > 1").detail.message,
            "sum() needs a column of contacts");
  EXPECT_EQ(RelatedErr("accounts", "sum(contacts.persona) > 1").detail.message,
            "sum() needs a number, but contacts.persona is string");
  EXPECT_EQ(RelatedErr("accounts", "max(contacts.persona) > 'a'").detail.message,
            "max() needs a number, date or timestamp, but contacts.persona is string");
  EXPECT_EQ(RelatedErr("accounts", "exists(contacts.persona)").detail.message,
            "exists() takes a table, not a column");
  EXPECT_EQ(RelatedErr("accounts", "count(contacts, contacts) > 1").detail.message,
            "count() takes one related table, got 2 arguments");
  EXPECT_EQ(RelatedErr("accounts", "count(arr) > 1").detail.hint,
            "'arr' is a column of accounts; count() ranges over a child table: count(tasks WHERE "
            "status = 'open')");
  e = RelatedErr("accounts", "exists(contacts WHERE arr > 1)");
  EXPECT_EQ(e.detail.message, "unknown column 'arr' in contacts");
  EXPECT_EQ(e.detail.hint, "'arr' is a column of accounts: write account.arr");
  EXPECT_EQ(e.detail.location.column, 23);
  e = RelatedErr("accounts", "exists(contacts WHERE persona)");
  EXPECT_EQ(e.detail.message, "WHERE needs a condition (bool), but this is string");
  e = RelatedErr("accounts", "account.arr > 1");
  EXPECT_EQ(e.detail.message, "unknown parent 'account' of accounts");
  EXPECT_EQ(e.detail.hint, "accounts has no parent table (declare 'parent:' in the schema)");
  e = RelatedErr("contacts", "accounts.arr > 1");
  EXPECT_EQ(e.detail.message, "unknown parent 'accounts' of contacts");
  EXPECT_EQ(e.detail.hint, "write account.arr: 'account' is the name contacts gives its parent");
  e = RelatedErr("contacts", "account.arrr > 1");
  EXPECT_EQ(e.detail.message, "unknown column 'arrr' in accounts");
  EXPECT_EQ(e.detail.hint, "did you mean 'arr'?");
  e = RelatedErr("objectives", "arr > 1");
  EXPECT_EQ(e.detail.hint, "'arr' is a column of accounts: write success_plan.account.arr");
  e = RelatedErr("objectives", "success_plan.acount.arr > 1");
  EXPECT_EQ(e.detail.message,
            "unknown parent 'acount' of success_plans (after 'success_plan.', in success_plans)");
  EXPECT_EQ(e.detail.hint, "success_plans's parent is 'account' (table accounts)");
  e = RelatedErr("accounts", "contacts.persona = 'x'");
  EXPECT_EQ(e.detail.hint,
            "'contacts' is a child table of accounts: use an aggregate, e.g. count(contacts) or "
            "sum(contacts.persona)");
  EXPECT_EQ(RelatedErr("accounts", "contacts > 1").detail.hint,
            "'contacts' is a table: use exists(contacts WHERE …) or count(contacts)");
  EXPECT_EQ(RelatedErr("accounts", "lower(pulse WHERE arr > 1) = 'x'").detail.message,
            "WHERE is only allowed inside related-record aggregates");
}

TEST(Errors, Regex) {
  Err e = CompileErr("segment MATCHES '(unclosed' AND arr > 1");
  EXPECT_EQ(e.detail.location.column, 17);
  EXPECT_EQ(e.detail.message.rfind("invalid regular expression: ", 0), 0u) << e.detail.message;
  EXPECT_EQ(CompileErr("segment MATCHES pulse").detail.message,
            "the pattern of MATCHES must be a constant string");
  CompileOptions co;
  co.limits.regex_max_program_size = 20;
  Err big = CompileErr("segment MATCHES 'a{1,50}b{1,50}'", {}, co);
  EXPECT_EQ(big.code, absl::StatusCode::kResourceExhausted);
  EXPECT_NE(big.detail.message.find("regex_max_program_size"), std::string::npos);
}

TEST(Errors, Syntax) {
  EXPECT_EQ(CompileErr("arr > ").detail.message,
            "expected a value, column or '(', found end of expression");
  EXPECT_EQ(CompileErr("arr > 1 2").detail.message, "expected end of expression, found '2'");
  EXPECT_EQ(CompileErr("(arr > 1").detail.message, "expected ')', found end of expression");
  EXPECT_EQ(CompileErr("pulse = 'red").detail.message, "unterminated string");
  EXPECT_EQ(CompileErr("arr > 1 && arr < 5").detail.hint, "write AND");
  EXPECT_EQ(CompileErr("1 < arr < 5").detail.message, "comparisons do not chain");
  EXPECT_EQ(CompileErr("arr IS 5").detail.message, "expected NULL after IS, found '5'");
  EXPECT_EQ(CompileErr("").detail.message, "empty expression");
  EXPECT_EQ(CompileErr("pulse IN ()").detail.message, "empty IN list");
  EXPECT_EQ(CompileErr("CASE WHEN arr > 1 THEN 1").detail.message,
            "expected END to close CASE, found end of expression");
  EXPECT_EQ(CompileErr("$missing > 1").detail.message, "unknown parameter $missing");
  EXPECT_EQ(CompileErr("arr > 1 /* open").detail.message, "unterminated comment");
  EXPECT_EQ(CompileErr("Pulse IS NULL").detail.hint, "did you mean 'pulse'?");
}

TEST(Errors, CommentsAndCaseInsensitiveKeywords) {
  ProgramBuilder b(AccountsSchema());
  EXPECT_TRUE(b.AddPredicate("accounts",
                             {"pulse is null -- stale\n or arr > 5 /* big */ AND \"arr\" < 10", {}})
                  .ok());
  EXPECT_TRUE(b.AddPredicate("accounts", {"Pulse_Changed_At IS NULL", {}}).status().code() ==
              absl::StatusCode::kInvalidArgument);
}

TEST(Errors, DeepNestingIsALimitNotACrash) {
  for (std::string prefix : {std::string("("), std::string("NOT "), std::string("- ")}) {
    std::string expr;
    for (int i = 0; i < 100000; ++i) expr += prefix;
    expr += "arr > 1";
    if (prefix == "(") expr += std::string(100000, ')');
    Err e = CompileErr(expr);
    EXPECT_EQ(e.code, absl::StatusCode::kResourceExhausted) << prefix << e.text.substr(0, 200);
    EXPECT_NE(e.detail.message.find("max_expression_depth"), std::string::npos);
  }
  std::string chain = "arr";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  EXPECT_EQ(CompileErr(chain + " > 1").code, absl::StatusCode::kResourceExhausted);
  std::string ors = "arr = 0";
  for (int i = 1; i < 5000; ++i) ors += " OR arr = " + std::to_string(i);
  ProgramBuilder b(AccountsSchema());
  EXPECT_TRUE(b.AddPredicate("accounts", {ors, {}}).ok());  // Flat chains are not deep.
  CompileOptions tiny;
  tiny.limits.max_expression_bytes = 10;
  EXPECT_EQ(CompileErr("arr > 100000000", {}, tiny).code, absl::StatusCode::kResourceExhausted);
  tiny = {};
  tiny.limits.max_expression_nodes = 5;
  EXPECT_EQ(CompileErr("arr > 1 AND arr < 5 AND seats = 3", {}, tiny).code,
            absl::StatusCode::kResourceExhausted);
}

TEST(Segments, InlinedCheckedAndCycles) {
  ProgramBuilder b(AccountsSchema());
  ASSERT_TRUE(b.AddSegment("big", {"arr > 100000", {"book.yaml", 3, 8}}).ok());
  ASSERT_TRUE(b.AddSegment("red_big", {"big AND pulse = 'red'", {"book.yaml", 4, 12}}).ok());
  ASSERT_TRUE(b.AddSegment("loop_a", {"loop_b OR arr > 1", {"book.yaml", 5, 10}}).ok());
  ASSERT_TRUE(b.AddSegment("loop_b", {"NOT loop_a", {"book.yaml", 6, 10}}).ok());
  ASSERT_TRUE(b.AddSegment("broken", {"arr > 1 AND pluse = 'x'", {"book.yaml", 7, 10}}).ok());
  EXPECT_FALSE(b.AddSegment("big", {"arr > 1", {}}).ok());
  auto ok = b.AddPredicate("accounts", {"red_big OR seats > 3", {}});
  EXPECT_TRUE(ok.ok()) << ok.status();
  ASSERT_TRUE(b.AddSegment("pulse", {"arr > 1", {"book.yaml", 8, 10}}).ok());
  auto cyc = b.AddPredicate("accounts", {"loop_a", {"book.yaml", 20, 9}});
  ASSERT_FALSE(cyc.ok());
  auto d = GetErrorDetail(cyc.status());
  EXPECT_EQ(d->message, "segment cycle: loop_a -> loop_b -> loop_a");
  EXPECT_EQ(d->location.line, 6);
  auto inner = b.AddPredicate("accounts", {"broken", {"book.yaml", 21, 9}});
  ASSERT_FALSE(inner.ok());
  d = GetErrorDetail(inner.status());
  EXPECT_EQ(d->location.line, 7);
  EXPECT_EQ(d->location.column, 22);
  auto both = b.AddPredicate("accounts", {"pulse IS NULL", {}});
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(GetErrorDetail(both.status())->message,
            "'pulse' is both a column of accounts and a segment");
}

TEST(Segments, BuildChecksUnusedSegments) {
  ProgramBuilder b(AccountsSchema());
  ASSERT_TRUE(b.AddSegment("fine", {"arr > 1", {}}).ok());
  ASSERT_TRUE(b.AddSegment("bad", {"nope > 1", {"x.yaml", 2, 3}}).ok());
  auto p = std::move(b).Build();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(GetErrorDetail(p.status())->location.line, 2);
}

TEST(Program, MissingColumnsAndTablesAtEvaluation) {
  auto pred = CompiledPredicate::Compile("arr > 1 AND seats > 1", AccountsSchema(), "accounts");
  ASSERT_TRUE(pred.ok());
  testing::TableBuilder tb("accounts");
  tb.Add("arr", Col<double>(DataType::Float(), {1.0}));
  Snapshot snap = testing::SnapshotOf(tb.Build());
  EvalOptions o;
  o.as_of = absl::CivilDay(2026, 1, 1);
  auto r = pred->Evaluate(snap, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("seats"), std::string::npos);
  testing::TableBuilder wrong("accounts");
  wrong.Add("arr", Col<int64_t>(DataType::Int(), {1}))
      .Add("seats", Col<int64_t>(DataType::Int(), {1}));
  r = pred->Evaluate(testing::SnapshotOf(wrong.Build()), o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("arr"), std::string::npos);
  r = pred->Evaluate(Snapshot{}, o);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  ProgramBuilder b(AccountsSchema());
  auto bad_table = b.AddPredicate("acounts", {"TRUE", {}});
  EXPECT_EQ(GetErrorDetail(bad_table.status())->hint, "did you mean 'accounts'?");
}

}  // namespace
}  // namespace docket
