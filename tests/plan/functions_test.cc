// The function registry (lib/plan/functions.h): its entries are consistent,
// every example compiles, the arity errors quote the signature, and
// docs/language.md's function table is the registry's, rendered.
//
// The table in docs/language.md between the "functions table" markers is
// generated: after changing an entry, run
//   DOCKET_UPDATE_DOCS=1 build/tests/functions_test --gtest_filter='*DocTable*'
// to rewrite it.
#include "plan/functions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "absl/strings/str_join.h"
#include "docket/error.h"
#include "docket/program.h"

namespace docket {
namespace {

using plan::Fn;
using plan::FunctionEntry;
using plan::FunctionKind;
using plan::Functions;
using ::testing::HasSubstr;

constexpr std::string_view kBegin =
    "<!-- functions table: generated from lib/plan/functions.cc; tests/plan/functions_test.cc "
    "checks it -->";
constexpr std::string_view kEnd = "<!-- end of functions table -->";

std::string LanguageDocPath() { return std::string(DOCKET_SOURCE_DIR) + "/docs/language.md"; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A table cell: pipes inside code spans must be escaped in GitHub markdown.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

// Concatenates string views (this platform's absl::string_view is not std's).
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  ((out += args), ...);
  return out;
}

// The scalar functions' table, as docs/language.md shows it.
std::string RenderTable() {
  std::string out;
  out += "| function | types | result | NULLs | example |\n|---|---|---|---|---|\n";
  for (const FunctionEntry& f : Functions()) {
    if (f.kind != FunctionKind::kScalar) continue;
    std::string_view types = f.signature.substr(f.name.size());
    out += Cat("| `", Cell(f.usage), "` | `", Cell(types), "` | ", Cell(f.doc), " | ",
               plan::NullRuleText(f.nulls), " | `", Cell(f.example), "` |\n");
  }
  return out;
}

TEST(FunctionRegistry, EntriesAreConsistent) {
  std::set<std::string_view> names;
  for (const FunctionEntry& f : Functions()) {
    SCOPED_TRACE(std::string(f.name));
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate entry";
    EXPECT_EQ(plan::FindFunction(f.name), &f);
    EXPECT_TRUE(std::all_of(f.name.begin(), f.name.end(),
                            [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }));
    EXPECT_GE(f.min_args, 0);
    EXPECT_TRUE(f.max_args < 0 || f.max_args >= f.min_args);
    EXPECT_EQ(f.usage.substr(0, f.name.size() + 1), Cat(f.name, "("));
    EXPECT_EQ(f.signature.substr(0, f.name.size() + 1), Cat(f.name, "("));
    EXPECT_FALSE(f.doc.empty());
    EXPECT_FALSE(f.example.empty());
    // A typing rule exactly for the scalar functions; related records and
    // history have their own binding path.
    EXPECT_EQ(f.bind != nullptr, f.kind == FunctionKind::kScalar);
    if (f.kind == FunctionKind::kRelated) {
      EXPECT_EQ(f.nulls, plan::NullRule::kAggregate);
    }
    if (f.kind == FunctionKind::kHistory) {
      EXPECT_EQ(f.nulls, plan::NullRule::kHistory);
    }
    if (f.kind != FunctionKind::kScalar) {
      EXPECT_TRUE(f.lowers_to.empty());
    }
  }
  EXPECT_EQ(plan::FindFunction("no_such_function"), nullptr);
  EXPECT_EQ(plan::FunctionNames().size(), Functions().size());
}

// Every plan::Fn is the lowering of exactly one entry, and knows it.
TEST(FunctionRegistry, EveryFnBelongsToOneEntry) {
  std::vector<int> owners(plan::kFnCount, 0);
  for (const FunctionEntry& f : Functions()) {
    for (const plan::Lowering& l : f.lowers_to) {
      int i = static_cast<int>(l.fn);
      ASSERT_LT(i, plan::kFnCount) << f.name << ": plan::kFnCount does not cover " << l.plan_name;
      ++owners[i];
      const plan::FnInfo& info = plan::FnInfoOf(l.fn);
      EXPECT_EQ(info.entry, &f);
      EXPECT_EQ(info.lowering, &l);
      EXPECT_EQ(plan::FnName(l.fn), l.plan_name);
      EXPECT_EQ(plan::NullsOf(l.fn), f.nulls);
      EXPECT_EQ(plan::IsFallibleFn(l.fn), l.fallible);
    }
  }
  for (int i = 0; i < plan::kFnCount; ++i) EXPECT_EQ(owners[i], 1) << "plan::Fn #" << i;
}

Schema ExampleSchema() {
  Schema s;
  auto table = [&](std::string name, std::optional<ParentRelation> parent,
                   std::vector<std::pair<const char*, DataType>> columns) {
    TableSchema t;
    t.name = std::move(name);
    t.parent = std::move(parent);
    for (auto& [n, type] : columns) t.columns.push_back(ColumnSchema{n, type, {}});
    s.tables.push_back(std::move(t));
  };
  const DataType str = DataType::String(), date = DataType::Date(), f64 = DataType::Float(),
                 i64 = DataType::Int();
  table("accounts", std::nullopt,
        {{"id", str},
         {"csm", str},
         {"arr", f64},
         {"seats", i64},
         {"pulse", str},
         {"forecast", str},
         {"pulse_changed_at", date},
         {"renewal_date", date},
         {"subscription_start", date},
         {"created_at", date},
         {"last_login_at", DataType::Timestamp()},
         {"closed_at", date},
         {"segment", str},
         {"region", str},
         {"name", str},
         {"notes", str},
         {"email", str},
         {"delta", i64},
         {"score", f64},
         {"nps", i64},
         {"usage_30d", f64},
         {"contract_end", date},
         {"last_call", date},
         {"last_email", date}});
  ParentRelation up{"accounts", "account_id", "account", {}};
  table("contacts", up, {{"id", str}, {"account_id", str}, {"persona", str}});
  table("tasks", up, {{"id", str}, {"account_id", str}, {"status", str}, {"due_date", date}});
  table("opportunities", up, {{"id", str}, {"account_id", str}, {"stage", str}, {"amount", f64}});
  table("surveys", up, {{"id", str}, {"account_id", str}, {"score", i64}});
  table("meetings", up, {{"id", str}, {"account_id", str}, {"held_at", DataType::Timestamp()}});
  return s;
}

// The examples of the docs are rules that compile.
TEST(FunctionRegistry, ExamplesCompile) {
  for (const FunctionEntry& f : Functions()) {
    SCOPED_TRACE(std::string(f.example));
    ProgramBuilder b(ExampleSchema());
    absl::StatusOr<int> r =
        b.AddPredicate("accounts", ExpressionSource{std::string(f.example), {}});
    if (f.kind == FunctionKind::kHistory) {
      // Reserved: compiles once history lands, and until then fails at the function.
      if (!r.ok()) {
        EXPECT_THAT(std::string(r.status().message()), HasSubstr(std::string(f.name)));
      }
      continue;
    }
    EXPECT_TRUE(r.ok()) << r.status();
    // The example uses its function.
    EXPECT_THAT(std::string(f.example), HasSubstr(Cat(f.name, "(")));
  }
}

// The arity check is the registry's: the message counts, the hint is the signature.
TEST(FunctionRegistry, ArityErrorsQuoteTheSignature) {
  auto call = [](std::string_view name, int argc) {
    std::vector<std::string> args(argc, "1");
    return Cat(name, "(", absl::StrJoin(args, ", "), ") IS NULL");
  };
  for (const FunctionEntry& f : Functions()) {
    if (f.kind != FunctionKind::kScalar) continue;
    std::vector<int> wrong;
    if (f.min_args > 0) wrong.push_back(f.min_args - 1);
    if (f.max_args >= 0) wrong.push_back(f.max_args + 1);
    for (int argc : wrong) {
      std::string text = call(f.name, argc);
      SCOPED_TRACE(text);
      ProgramBuilder b(ExampleSchema());
      absl::StatusOr<int> r = b.AddPredicate("accounts", ExpressionSource{text, {}});
      ASSERT_FALSE(r.ok());
      std::optional<ErrorDetail> d = GetErrorDetail(r.status());
      ASSERT_TRUE(d.has_value());
      EXPECT_THAT(d->message, HasSubstr(Cat(f.name, "() takes ")));
      EXPECT_THAT(d->message, HasSubstr(", got " + std::to_string(argc)));
      EXPECT_EQ(d->hint, f.signature);
      EXPECT_EQ(d->location.column, 1);
    }
  }
}

// Unknown names get the did-you-mean over the registry's names.
TEST(FunctionRegistry, UnknownFunctionSuggestsARegisteredName) {
  ProgramBuilder b(ExampleSchema());
  absl::StatusOr<int> r =
      b.AddPredicate("accounts", ExpressionSource{"arr > 0 AND day_since(renewal_date) > 3", {}});
  ASSERT_FALSE(r.ok());
  std::optional<ErrorDetail> d = GetErrorDetail(r.status());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->message, "unknown function 'day_since'");
  EXPECT_EQ(d->hint, "did you mean 'days_since'?");
  EXPECT_EQ(d->location.column, 13);
}

TEST(FunctionRegistry, DocTableIsTheRegistry) {
  const std::string path = LanguageDocPath();
  std::string doc = ReadFile(path);
  size_t begin = doc.find(kBegin);
  size_t end = doc.find(kEnd);
  ASSERT_NE(begin, std::string::npos) << path << " lacks the marker " << kBegin;
  ASSERT_NE(end, std::string::npos) << path << " lacks the marker " << kEnd;
  ASSERT_LT(begin, end);
  begin += kBegin.size() + 1;
  const std::string want = RenderTable();
  const std::string have = doc.substr(begin, end - begin);
  if (have != want && std::getenv("DOCKET_UPDATE_DOCS") != nullptr) {
    doc.replace(begin, end - begin, want);
    std::ofstream(path, std::ios::binary) << doc;
    GTEST_SKIP() << "rewrote the functions table of " << path;
  }
  EXPECT_EQ(have, want) << path
                        << "'s function table differs from the registry (lib/plan/functions.cc); "
                        << "rerun with DOCKET_UPDATE_DOCS=1 to rewrite it";
}

// The aggregates table and the history paragraph name exactly the registry's
// related-record and history functions.
TEST(FunctionRegistry, DocNamesTheAggregatesAndHistory) {
  const std::string doc = ReadFile(LanguageDocPath());
  size_t at = doc.find("| aggregate | result | over no rows |");
  ASSERT_NE(at, std::string::npos);
  size_t stop = doc.find("\n\n", at);
  const std::string table = doc.substr(at, stop - at);
  std::set<std::string> in_doc, in_registry;
  std::regex name(R"(`(\w+)\()");
  std::istringstream rows(table);
  for (std::string row; std::getline(rows, row);) {
    if (row.rfind("| `", 0) != 0) continue;
    std::string first = row.substr(0, row.find(" | ", 2));  // The first cell.
    for (std::sregex_iterator it(first.begin(), first.end(), name), e; it != e; ++it)
      in_doc.insert((*it)[1]);
  }
  for (const FunctionEntry& f : Functions()) {
    if (f.kind == FunctionKind::kRelated) in_registry.insert(std::string(f.name));
    if (f.kind == FunctionKind::kHistory) {
      EXPECT_THAT(doc, HasSubstr(Cat("`", f.name, "(")));
    }
  }
  EXPECT_EQ(in_doc, in_registry);
}

}  // namespace
}  // namespace docket
