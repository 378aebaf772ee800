#include "lang/parser.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "lang/lexer.h"
#include "lang/stack_caps.h"

namespace docket::lang {
namespace {

class Parser {
 public:
  Parser(const SourceText& source, const Limits& limits, std::vector<Token> tokens)
      : source_(source), limits_(limits), tokens_(std::move(tokens)) {
    max_depth_ = std::min(limits.max_expression_depth, kHardDepthCap);
  }

  absl::StatusOr<SyntaxTree> Run() {
    if (Peek().kind == TokenKind::kEnd) {
      return source_.Error(Peek().span, "empty expression",
                           "write a condition such as arr > 100000");
    }
    absl::StatusOr<int32_t> root = ParseExpr();
    if (!root.ok()) return root.status();
    if (Peek().kind != TokenKind::kEnd) return Unexpected("end of expression");
    tree_.root = *root;
    return std::move(tree_);
  }

 private:
  using Result = absl::StatusOr<int32_t>;

  const Token& Peek(int ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool AcceptKeyword(std::string_view k) {
    if (Peek().Is(k)) {
      Next();
      return true;
    }
    return false;
  }
  bool Accept(TokenKind kind) {
    if (Peek().kind == kind) {
      Next();
      return true;
    }
    return false;
  }

  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEnd:
        return "end of expression";
      case TokenKind::kKeyword:
        return t.text;
      case TokenKind::kString:
        return "string '" + t.text + "'";
      case TokenKind::kParam:
        return "$" + t.text;
      case TokenKind::kQuotedIdentifier:
        return "\"" + t.text + "\"";
      default:
        return "'" + t.text + "'";
    }
  }

  absl::Status Unexpected(const std::string& expected, std::string hint = "") {
    const Token& t = Peek();
    std::string found = t.kind == TokenKind::kEnd ? "end of expression" : Describe(t);
    if (t.kind != TokenKind::kEnd && t.kind != TokenKind::kKeyword &&
        t.kind != TokenKind::kString && t.kind != TokenKind::kParam &&
        t.kind != TokenKind::kQuotedIdentifier) {
      found.assign(1, '\'');
      found.append(source_.text(), t.span.offset, t.span.length);
      found.push_back('\'');
    }
    if (hint.empty() && t.kind == TokenKind::kKeyword && t.text == "THEN")
      hint = "THEN belongs after CASE WHEN …";
    return source_.Error(t.kind == TokenKind::kEnd ? Span{t.span.offset, 1} : t.span,
                         "expected " + expected + ", found " + found, hint);
  }

  // Adds a node; checks the node count and the depth of the tree.
  Result Add(SyntaxNode node) {
    int32_t depth = 1;
    for (int32_t c : node.children) depth = std::max(depth, depths_[c] + 1);
    if (node.filter >= 0) depth = std::max(depth, depths_[node.filter] + 1);
    if (depth > max_depth_) {
      return source_.Limit(node.span, "max_expression_depth", max_depth_,
                           "expression nested too deeply");
    }
    if (static_cast<int64_t>(tree_.nodes.size()) >= limits_.max_expression_nodes) {
      return source_.Limit(node.span, "max_expression_nodes", limits_.max_expression_nodes,
                           "expression has too many nodes");
    }
    tree_.nodes.push_back(std::move(node));
    depths_.push_back(depth);
    return static_cast<int32_t>(tree_.nodes.size() - 1);
  }

  Span SpanOf(int32_t node) const { return tree_.nodes[node].span; }

  // Guards one level of recursion.
  struct Nest {
    explicit Nest(Parser* p) : p(p) { ++p->nesting_; }
    ~Nest() { --p->nesting_; }
    Parser* p;
  };
  absl::Status CheckNesting(Span at) {
    if (nesting_ > max_depth_) {
      return source_.Limit(at, "max_expression_depth", max_depth_, "expression nested too deeply");
    }
    return absl::OkStatus();
  }

  Result ParseExpr() {
    Nest nest(this);
    if (absl::Status s = CheckNesting(Peek().span); !s.ok()) return s;
    return ParseLogical(/*is_or=*/true);
  }

  // or := and {OR and};  and := not {AND not}.  Chains become one n-ary node.
  Result ParseLogical(bool is_or) {
    Result first = is_or ? ParseLogical(false) : ParseNot();
    if (!first.ok()) return first;
    const char* kw = is_or ? "OR" : "AND";
    if (!Peek().Is(kw)) return first;
    SyntaxNode node;
    node.kind = is_or ? SyntaxKind::kOr : SyntaxKind::kAnd;
    node.children.push_back(*first);
    while (AcceptKeyword(kw)) {
      Result next = is_or ? ParseLogical(false) : ParseNot();
      if (!next.ok()) return next;
      node.children.push_back(*next);
    }
    node.span = Span::Cover(SpanOf(node.children.front()), SpanOf(node.children.back()));
    return Add(std::move(node));
  }

  // NOT chains are read iteratively, then wrapped from the inside out.
  Result ParseNot() {
    std::vector<Span> nots;
    while (Peek().Is("NOT")) {
      nots.push_back(Next().span);
      if (static_cast<int>(nots.size()) + nesting_ > max_depth_) {
        return source_.Limit(nots.back(), "max_expression_depth", max_depth_,
                             "expression nested too deeply");
      }
    }
    Result inner = ParseComparison();
    if (!inner.ok()) return inner;
    int32_t cur = *inner;
    for (size_t k = nots.size(); k-- > 0;) {
      SyntaxNode node;
      node.kind = SyntaxKind::kNot;
      node.children = {cur};
      node.span = Span::Cover(nots[k], SpanOf(cur));
      Result r = Add(std::move(node));
      if (!r.ok()) return r;
      cur = *r;
    }
    return cur;
  }

  static bool IsCompareOp(TokenKind k) { return k >= TokenKind::kEq && k <= TokenKind::kGe; }

  Result ParseComparison() {
    Result left = ParseSum();
    if (!left.ok()) return left;
    const Token& t = Peek();
    SyntaxNode node;
    node.children.push_back(*left);
    if (IsCompareOp(t.kind)) {
      node.kind = SyntaxKind::kCompare;
      node.op = Next().kind;
      Result right = ParseSum();
      if (!right.ok()) return right;
      node.children.push_back(*right);
    } else if (t.Is("IS")) {
      Next();
      node.kind = SyntaxKind::kIsNull;
      node.negated = AcceptKeyword("NOT");
      if (!Peek().Is("NULL")) return Unexpected("NULL after IS", "write IS NULL or IS NOT NULL");
      Span end = Next().span;
      node.span = Span::Cover(SpanOf(*left), end);
      return FinishComparison(std::move(node));
    } else {
      bool negated = false;
      if (t.Is("NOT") && (Peek(1).Is("IN") || Peek(1).Is("BETWEEN") || Peek(1).Is("LIKE") ||
                          Peek(1).Is("ILIKE") || Peek(1).Is("MATCHES"))) {
        Next();
        negated = true;
      }
      node.negated = negated;
      const Token& op = Peek();
      if (op.Is("IN")) {
        Next();
        node.kind = SyntaxKind::kIn;
        if (!Accept(TokenKind::kLParen)) return Unexpected("( after IN", "write x IN ('a', 'b')");
        if (Peek().kind == TokenKind::kRParen) {
          return source_.Error(Peek().span, "empty IN list", "list at least one value");
        }
        while (true) {
          Result item = ParseExpr();
          if (!item.ok()) return item;
          node.children.push_back(*item);
          if (static_cast<int64_t>(node.children.size()) - 1 > limits_.max_in_list) {
            return source_.Limit(SpanOf(*item), "max_in_list", limits_.max_in_list,
                                 "IN list too long");
          }
          if (Accept(TokenKind::kComma)) continue;
          if (Peek().kind == TokenKind::kRParen) break;
          return Unexpected("',' or ')' in the IN list");
        }
        Span end = Next().span;
        node.span = Span::Cover(SpanOf(*left), end);
        return FinishComparison(std::move(node));
      } else if (op.Is("BETWEEN")) {
        Next();
        node.kind = SyntaxKind::kBetween;
        Result lo = ParseSum();
        if (!lo.ok()) return lo;
        if (!AcceptKeyword("AND"))
          return Unexpected("AND in BETWEEN", "write x BETWEEN low AND high");
        Result hi = ParseSum();
        if (!hi.ok()) return hi;
        node.children.push_back(*lo);
        node.children.push_back(*hi);
      } else if (op.Is("LIKE") || op.Is("ILIKE") || op.Is("MATCHES")) {
        node.kind = op.Is("LIKE")    ? SyntaxKind::kLike
                    : op.Is("ILIKE") ? SyntaxKind::kILike
                                     : SyntaxKind::kMatches;
        Next();
        Result pattern = ParseSum();
        if (!pattern.ok()) return pattern;
        node.children.push_back(*pattern);
      } else {
        if (negated) return Unexpected("IN, BETWEEN, LIKE, ILIKE or MATCHES after NOT");
        return left;
      }
    }
    node.span = Span::Cover(SpanOf(node.children.front()), SpanOf(node.children.back()));
    return FinishComparison(std::move(node));
  }

  Result FinishComparison(SyntaxNode node) {
    const Token& t = Peek();
    if (IsCompareOp(t.kind) || t.Is("IS") || t.Is("IN") || t.Is("BETWEEN") || t.Is("LIKE") ||
        t.Is("ILIKE") || t.Is("MATCHES")) {
      return source_.Error(t.span, "comparisons do not chain",
                           "combine them with AND, e.g. a < b AND b < c");
    }
    return Add(std::move(node));
  }

  Result ParseSum() { return ParseBinaryChain(/*sum=*/true); }

  Result ParseBinaryChain(bool sum) {
    Result left = sum ? ParseBinaryChain(false) : ParseUnary();
    if (!left.ok()) return left;
    int32_t cur = *left;
    while (true) {
      TokenKind k = Peek().kind;
      bool match =
          sum ? (k == TokenKind::kPlus || k == TokenKind::kMinus)
              : (k == TokenKind::kStar || k == TokenKind::kSlash || k == TokenKind::kPercent);
      if (!match) return cur;
      Next();
      Result right = sum ? ParseBinaryChain(false) : ParseUnary();
      if (!right.ok()) return right;
      SyntaxNode node;
      node.kind = SyntaxKind::kArithmetic;
      node.op = k;
      node.children = {cur, *right};
      node.span = Span::Cover(SpanOf(cur), SpanOf(*right));
      Result r = Add(std::move(node));
      if (!r.ok()) return r;
      cur = *r;
    }
  }

  Result ParseUnary() {
    std::vector<Span> minus;
    while (Peek().kind == TokenKind::kMinus || Peek().kind == TokenKind::kPlus) {
      const Token& t = Next();
      if (t.kind == TokenKind::kPlus) continue;  // Unary plus does nothing.
      minus.push_back(t.span);
      if (static_cast<int>(minus.size()) + nesting_ > max_depth_) {
        return source_.Limit(t.span, "max_expression_depth", max_depth_,
                             "expression nested too deeply");
      }
    }
    Result inner = ParsePrimary();
    if (!inner.ok()) return inner;
    int32_t cur = *inner;
    const int32_t literal = cur;
    for (size_t k = minus.size(); k-- > 0;) {
      SyntaxNode& in = tree_.nodes[cur];
      // Fold -literal so that -9223372036854775808 and -4 stay literals.
      if (k + 1 == minus.size() &&
          (in.kind == SyntaxKind::kInteger || in.kind == SyntaxKind::kFloat) &&
          in.span.offset == minus[k].offset + minus[k].length) {
        in.span = Span::Cover(minus[k], in.span);
        if (in.kind == SyntaxKind::kFloat) {
          in.float_value = -in.float_value;
        } else if (in.negated) {
          in.negated = false;  // 9223372036854775808 negated: INT64_MIN, already stored.
        } else {
          in.int_value = -in.int_value;
        }
        continue;
      }
      SyntaxNode node;
      node.kind = SyntaxKind::kNegate;
      node.children = {cur};
      node.span = Span::Cover(minus[k], SpanOf(cur));
      Result r = Add(std::move(node));
      if (!r.ok()) return r;
      cur = *r;
    }
    const SyntaxNode& lit = tree_.nodes[literal];
    if (lit.kind == SyntaxKind::kInteger && lit.negated) {
      return source_.Error(lit.span, "integer literal " + lit.text + " is out of range",
                           "integers are 64-bit; write it as a float (" + lit.text + ".0)");
    }
    return cur;
  }

  Result Literal(SyntaxKind kind, const Token& t) {
    SyntaxNode node;
    node.kind = kind;
    node.span = t.span;
    node.text = t.text;
    return Add(std::move(node));
  }

  Result ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kInteger: {
        Next();
        SyntaxNode node;
        node.kind = SyntaxKind::kInteger;
        node.span = t.span;
        node.text = t.text;
        // 9223372036854775808 only fits negated: it becomes INT64_MIN and is
        // marked (negated = true) until the unary minus before it clears the mark.
        if (!absl::SimpleAtoi(t.text, &node.int_value)) {
          node.int_value = INT64_MIN;
          node.negated = true;
        }
        return Add(std::move(node));
      }
      case TokenKind::kFloat: {
        Next();
        SyntaxNode node;
        node.kind = SyntaxKind::kFloat;
        node.span = t.span;
        node.text = t.text;
        if (!absl::SimpleAtod(t.text, &node.float_value)) {
          return source_.Error(t.span, "malformed number '" + t.text + "'");
        }
        return Add(std::move(node));
      }
      case TokenKind::kString:
        Next();
        return Literal(SyntaxKind::kString, t);
      case TokenKind::kParam:
        Next();
        return Literal(SyntaxKind::kParam, t);
      case TokenKind::kQuotedIdentifier: {
        Next();
        SyntaxNode node;
        node.kind = SyntaxKind::kName;
        node.span = t.span;
        node.text = t.text;
        node.quoted = true;
        return Add(std::move(node));
      }
      case TokenKind::kIdentifier:
        return ParseName();
      case TokenKind::kLParen: {
        Next();
        Result inner = ParseExpr();
        if (!inner.ok()) return inner;
        if (!Accept(TokenKind::kRParen)) return Unexpected("')'");
        return inner;
      }
      case TokenKind::kKeyword:
        break;
      default:
        return Unexpected("a value, column or '('");
    }
    if (t.Is("NULL") || t.Is("TRUE") || t.Is("FALSE")) {
      Next();
      SyntaxNode node;
      node.kind = t.Is("NULL") ? SyntaxKind::kNull : SyntaxKind::kBool;
      node.bool_value = t.Is("TRUE");
      node.span = t.span;
      return Add(std::move(node));
    }
    if (t.Is("DATE") || t.Is("TIMESTAMP")) {
      bool is_date = t.Is("DATE");
      Span kw = Next().span;
      if (Peek().kind == TokenKind::kLParen && is_date) {
        // date(ts) is the function.
        return ParseCall("date", kw);
      }
      if (Peek().kind != TokenKind::kString) {
        return Unexpected(
            is_date ? "a string after DATE" : "a string after TIMESTAMP",
            is_date ? "write DATE '2026-11-22'" : "write TIMESTAMP '2026-11-22 13:05:00'");
      }
      const Token& lit = Next();
      SyntaxNode node;
      node.kind = is_date ? SyntaxKind::kDate : SyntaxKind::kTimestamp;
      node.text = lit.text;
      node.span = Span::Cover(kw, lit.span);
      return Add(std::move(node));
    }
    if (t.Is("INTERVAL")) {
      Span kw = Next().span;
      Result amount = ParseUnary();
      if (!amount.ok()) return amount;
      const Token& unit = Peek();
      std::string u = absl::AsciiStrToUpper(unit.text);
      if (unit.kind == TokenKind::kIdentifier && u.size() > 1 && u.back() == 'S') u.pop_back();
      if (unit.kind != TokenKind::kIdentifier ||
          (u != "DAY" && u != "WEEK" && u != "MONTH" && u != "QUARTER" && u != "YEAR")) {
        return Unexpected("DAY, WEEK, MONTH, QUARTER or YEAR after the INTERVAL amount",
                          "write INTERVAL 4 MONTH");
      }
      Next();
      SyntaxNode node;
      node.kind = SyntaxKind::kInterval;
      node.text = u;
      node.children = {*amount};
      node.span = Span::Cover(kw, unit.span);
      return Add(std::move(node));
    }
    if (t.Is("CASE")) return ParseCase();
    return Unexpected("a value, column or '('");
  }

  Result ParseName() {
    const Token& t = Next();
    if (Peek().kind == TokenKind::kLParen) return ParseCall(t.text, t.span);
    SyntaxNode node;
    node.kind = SyntaxKind::kName;
    node.text = t.text;
    node.span = t.span;
    // a.b, a.b.c: parent fields (account.arr, success_plan.account.csm) and
    // aggregate values (sum(opportunities.amount)).  `parts` keeps each name.
    if (Peek().kind == TokenKind::kDot) node.parts.push_back(t.text);
    while (Peek().kind == TokenKind::kDot) {
      Next();
      const Token& field = Peek();
      if (field.kind != TokenKind::kIdentifier && field.kind != TokenKind::kQuotedIdentifier) {
        return Unexpected("a field name after '.'");
      }
      Next();
      node.kind = SyntaxKind::kDottedName;
      node.text += "." + field.text;
      node.parts.push_back(field.text);
      node.span = Span::Cover(t.span, field.span);
      if (static_cast<int64_t>(node.parts.size()) > limits_.max_name_parts) {
        return source_.Limit(node.span, "max_name_parts", limits_.max_name_parts, "a dotted name");
      }
    }
    return Add(std::move(node));
  }

  Result ParseCall(std::string name, Span name_span) {
    Next();  // (
    SyntaxNode node;
    node.kind = SyntaxKind::kCall;
    node.text = std::move(name);
    if (Peek().kind != TokenKind::kRParen) {
      while (true) {
        if (Peek().kind == TokenKind::kStar) {
          // count(*) — only meaningful for related-record aggregates; the binder rejects it
          // elsewhere.
          const Token& star = Next();
          SyntaxNode s;
          s.kind = SyntaxKind::kName;
          s.text = "*";
          s.span = star.span;
          Result r = Add(std::move(s));
          if (!r.ok()) return r;
          node.children.push_back(*r);
        } else {
          Result arg = ParseExpr();
          if (!arg.ok()) return arg;
          node.children.push_back(*arg);
        }
        if (Peek().Is("WHERE") && node.filter < 0) {
          Next();
          Result filter = ParseExpr();
          if (!filter.ok()) return filter;
          node.filter = *filter;
        }
        if (Accept(TokenKind::kComma)) continue;
        if (Peek().kind == TokenKind::kRParen) break;
        return Unexpected("',' or ')' in the arguments of " + node.text + "()");
      }
    }
    Span end = Next().span;
    node.span = Span::Cover(name_span, end);
    return Add(std::move(node));
  }

  Result ParseCase() {
    Span kw = Next().span;
    Nest nest(this);
    if (absl::Status s = CheckNesting(kw); !s.ok()) return s;
    SyntaxNode node;
    node.kind = SyntaxKind::kCase;
    int32_t operand = -1;
    if (!Peek().Is("WHEN")) {
      Result r = ParseExpr();
      if (!r.ok()) return r;
      operand = *r;
    }
    if (!Peek().Is("WHEN"))
      return Unexpected("WHEN", "write CASE WHEN condition THEN value [ELSE value] END");
    while (AcceptKeyword("WHEN")) {
      Result cond = ParseExpr();
      if (!cond.ok()) return cond;
      if (operand >= 0) {
        SyntaxNode eq;
        eq.kind = SyntaxKind::kCompare;
        eq.op = TokenKind::kEq;
        eq.children = {operand, *cond};
        eq.span = SpanOf(*cond);
        cond = Add(std::move(eq));
        if (!cond.ok()) return cond;
      }
      if (!AcceptKeyword("THEN")) return Unexpected("THEN");
      Result value = ParseExpr();
      if (!value.ok()) return value;
      node.children.push_back(*cond);
      node.children.push_back(*value);
    }
    if (AcceptKeyword("ELSE")) {
      Result value = ParseExpr();
      if (!value.ok()) return value;
      node.children.push_back(*value);
      node.has_else = true;
    }
    if (!Peek().Is("END")) return Unexpected("END to close CASE");
    Span end = Next().span;
    node.span = Span::Cover(kw, end);
    return Add(std::move(node));
  }

  const SourceText& source_;
  const Limits& limits_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int nesting_ = 0;
  int max_depth_ = 256;
  SyntaxTree tree_;
  std::vector<int32_t> depths_;
};

}  // namespace

absl::StatusOr<SyntaxTree> Parse(const SourceText& source, const Limits& limits) {
  if (static_cast<int64_t>(source.text().size()) > limits.max_expression_bytes) {
    return source.Limit(Span{0, 1}, "max_expression_bytes", limits.max_expression_bytes,
                        "expression is " + std::to_string(source.text().size()) + " bytes");
  }
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(source, limits);
  if (!tokens.ok()) return tokens.status();
  Parser parser(source, limits, *std::move(tokens));
  return parser.Run();
}

}  // namespace docket::lang
