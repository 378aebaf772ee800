// Lexer and parser: tokens, precedence, spans, literals.
#include "lang/parser.h"

// GCC 12 reports a false -Wrestrict on std::string concatenation.
#pragma GCC diagnostic ignored "-Wrestrict"

#include <gtest/gtest.h>

#include "lang/lexer.h"
#include "lang/literals.h"
#include "lang/param_names.h"

namespace docket::lang {
namespace {

std::string Show(const SyntaxTree& t, int32_t id) {
  const SyntaxNode& n = t.node(id);
  std::string head;
  switch (n.kind) {
    case SyntaxKind::kAnd:
      head = "AND";
      break;
    case SyntaxKind::kOr:
      head = "OR";
      break;
    case SyntaxKind::kNot:
      head = "NOT";
      break;
    case SyntaxKind::kNegate:
      head = "NEG";
      break;
    case SyntaxKind::kCompare:
      head = "CMP";
      break;
    case SyntaxKind::kArithmetic:
      head = n.op == TokenKind::kPlus    ? "+"
             : n.op == TokenKind::kMinus ? "-"
             : n.op == TokenKind::kStar  ? "*"
             : n.op == TokenKind::kSlash ? "/"
                                         : "%";
      break;
    case SyntaxKind::kIsNull:
      head = n.negated ? "NOTNULL" : "ISNULL";
      break;
    case SyntaxKind::kIn:
      head = n.negated ? "NOTIN" : "IN";
      break;
    case SyntaxKind::kBetween:
      head = "BETWEEN";
      break;
    case SyntaxKind::kCall:
      head = "CALL:" + n.text;
      break;
    case SyntaxKind::kCase:
      head = "CASE";
      break;
    case SyntaxKind::kInteger:
      return std::to_string(n.int_value);
    case SyntaxKind::kString:
      return "'" + n.text + "'";
    case SyntaxKind::kInterval:
      head = "INTERVAL:" + n.text;
      break;
    default:
      return n.text.empty() ? "?" : n.text;
  }
  std::string out = "(" + head;
  for (int32_t c : n.children) out += " " + Show(t, c);
  return out + ")";
}

std::string P(const std::string& text) {
  SourceText src(ExpressionSource{text, {}});
  auto t = Parse(src, Limits{});
  if (!t.ok()) return "ERROR " + std::string(t.status().message());
  return Show(*t, t->root);
}

TEST(Parser, Precedence) {
  EXPECT_EQ(P("a OR b AND c"), "(OR a (AND b c))");
  EXPECT_EQ(P("NOT a = 1 AND b"), "(AND (NOT (CMP a 1)) b)");
  EXPECT_EQ(P("a + b * c - d"), "(- (+ a (* b c)) d)");
  EXPECT_EQ(P("-a * b"), "(* (NEG a) b)");
  EXPECT_EQ(P("x % 91 BETWEEN 77 AND 90"), "(BETWEEN (% x 91) 77 90)");
  EXPECT_EQ(P("a IS NOT NULL OR b NOT IN (1, 2)"), "(OR (NOTNULL a) (NOTIN b 1 2))");
  EXPECT_EQ(P("a or b or c"), "(OR a b c)");
  EXPECT_EQ(P("(a OR b) AND c"), "(AND (OR a b) c)");
  EXPECT_EQ(P("d - INTERVAL 4 months"), "(- d (INTERVAL:MONTH 4))");
  EXPECT_EQ(P("f(x, 'it''s')"), "(CALL:f x 'it's')");
  EXPECT_EQ(P("-5 > x"), "(CMP -5 x)");
  EXPECT_EQ(P("CASE WHEN a THEN 1 ELSE 2 END"), "(CASE a 1 2)");
}

TEST(Parser, SpansAndQuotedNames) {
  SourceText src(ExpressionSource{"\"Renewal Date\" <= today", {}});
  auto t = Parse(src, Limits{});
  ASSERT_TRUE(t.ok());
  const SyntaxNode& cmp = t->node(t->root);
  const SyntaxNode& name = t->node(cmp.children[0]);
  EXPECT_TRUE(name.quoted);
  EXPECT_EQ(name.text, "Renewal Date");
  EXPECT_EQ(name.span.offset, 0);
  EXPECT_EQ(name.span.length, 14);
  EXPECT_EQ(cmp.span.length, 23);
}

TEST(Lexer, KeywordsAndComments) {
  SourceText src(ExpressionSource{"a aNd /* x */ b -- tail\n", {}});
  auto toks = Tokenize(src, Limits{});
  ASSERT_TRUE(toks.ok());
  ASSERT_EQ(toks->size(), 4u);
  EXPECT_TRUE((*toks)[1].Is("AND"));
  EXPECT_EQ((*toks)[2].text, "b");
  EXPECT_FALSE(Tokenize(SourceText(ExpressionSource{"99999999999999999999", {}}), Limits{}).ok());
}

TEST(Literals, DatesAndTimestamps) {
  EXPECT_EQ(ParseDateText("1970-01-02"), 1);
  EXPECT_EQ(ParseDateText("2024-02-29"), 19782);
  EXPECT_FALSE(ParseDateText("2023-02-29"));
  EXPECT_FALSE(ParseDateText("2026-1-1"));
  auto t = ParseTimestampText("1970-01-01T00:00:01.5Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->micros, 1500000);
  EXPECT_TRUE(t->has_zone);
  t = ParseTimestampText("1970-01-01 01:00:00+01:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->micros, 0);
  EXPECT_FALSE(ParseTimestampText("1970-01-01 25:00"));
}

TEST(ParamNames, DistinctInOrderOfUse) {
  EXPECT_EQ(ParamNames("a > $min AND b < $max OR a = $min"),
            (std::vector<std::string>{"min", "max"}));
  EXPECT_TRUE(ParamNames("a > 0 AND s = '$not_a_param' -- $nor_this").empty());
  EXPECT_TRUE(ParamNames("a > 'unterminated").empty());
}

TEST(ParamNames, AParamTheExpressionNeverReadsIsAnError) {
  EXPECT_TRUE(CheckParamsUsed("zip = $zip", {"zip"}).ok());
  EXPECT_TRUE(CheckParamsUsed("a > 'unterminated", {"x"}).ok());  // The compiler says why.
  absl::Status s = CheckParamsUsed("zip = $zip AND arr > $min", {"zip", "mn"}, "--param ");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "--param 'mn' is not used by the expression (it has no $mn) — did you mean 'min'?");
  s = CheckParamsUsed("arr > 0", {"typo"});
  EXPECT_EQ(s.message(),
            "param 'typo' is not used by the expression (it has no $typo) — the expression reads "
            "no params: leave it out");
  s = CheckParamsUsed("arr > $min", {"zzz"});
  EXPECT_EQ(
      s.message(),
      "param 'zzz' is not used by the expression (it has no $zzz) — the expression reads $min");
}

}  // namespace
}  // namespace docket::lang
