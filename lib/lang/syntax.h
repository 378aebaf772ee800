// lang/syntax.h — tokens and the syntax tree of one docket expression.
//
// The parser produces a SyntaxTree: a flat arena of SyntaxNodes that refer
// to their children by index, so that destroying a deep tree never recurses.
// Every node keeps its Span (byte offset and length in the expression text),
// which the binder turns into file:line:column through SourceText.
#ifndef DOCKET_LANG_SYNTAX_H_
#define DOCKET_LANG_SYNTAX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "docket/program.h"
#include "docket/schema.h"

namespace docket::lang {

// Bytes [offset, offset + length) of the expression text.
struct Span {
  int32_t offset = 0;
  int32_t length = 0;
  static Span Cover(Span a, Span b) {
    int32_t lo = a.offset < b.offset ? a.offset : b.offset;
    int32_t hi_a = a.offset + a.length, hi_b = b.offset + b.length;
    return {lo, (hi_a > hi_b ? hi_a : hi_b) - lo};
  }
};

enum class TokenKind : uint8_t {
  kEnd,
  kIdentifier,        // pulse, days_since (text = the name)
  kQuotedIdentifier,  // "Renewal Date" (text = unescaped name)
  kParam,             // $name (text = name)
  kInteger,           // 42
  kFloat,             // 4.2, 1e3
  kString,            // 'it''s' (text = unescaped)
  kKeyword,           // text = upper-cased keyword
  kLParen,
  kRParen,
  kComma,
  kDot,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,  // = / ==, != / <>, <, <=, >, >=
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Span span;
  std::string text;
  bool Is(std::string_view keyword) const { return kind == TokenKind::kKeyword && text == keyword; }
};

enum class SyntaxKind : uint8_t {
  kNull,
  kBool,
  kInteger,
  kFloat,
  kString,
  kDate,       // DATE '…' (text = the literal's contents)
  kTimestamp,  // TIMESTAMP '…'
  kInterval,   // INTERVAL n UNIT: children {n}; text = unit (DAY, WEEK, MONTH, QUARTER, YEAR)
  kToday,
  kName,        // a column or segment (text); `quoted` when written "…"
  kDottedName,  // a.b, a.b.c (text = "a.b.c", parts = {a, b, c}): parent fields, aggregate values
  kParam,       // $name
  kNot,
  kNegate,  // children {x}
  kAnd,
  kOr,          // children {a, b}
  kCompare,     // op = TokenKind kEq…kGe; children {a, b}
  kArithmetic,  // op = kPlus…kPercent; children {a, b}
  kIsNull,      // negated: IS NOT NULL; children {x}
  kIn,          // children {x, items…}
  kBetween,     // children {x, lo, hi}
  kLike,
  kILike,
  kMatches,  // children {x, pattern}
  kCall,     // text = name; children = args; filter = WHERE clause or -1
  kCase,     // children {when1, then1, …, [else]}; has_else
};

struct SyntaxNode {
  SyntaxKind kind = SyntaxKind::kNull;
  TokenKind op = TokenKind::kEnd;
  bool negated = false;
  bool has_else = false;
  bool quoted = false;
  bool bool_value = false;
  int64_t int_value = 0;
  double float_value = 0;
  std::string text;
  Span span;
  std::vector<int32_t> children;
  int32_t filter = -1;             // kCall: `WHERE …` argument of a related-record aggregate.
  std::vector<std::string> parts;  // kDottedName: the names between the dots.
};

// The text of an expression and the mapping of byte offsets to file
// positions (ExpressionSource::origin locates text[0]).
class SourceText {
 public:
  explicit SourceText(ExpressionSource source);
  const std::string& text() const { return source_.text; }
  const ExpressionSource& source() const { return source_; }
  // File location of byte `offset` (columns count UTF-8 code points).
  SourceLocation Locate(int32_t offset) const;
  // A compile error underlining `span`.
  absl::Status Error(Span span, std::string message, std::string hint = "") const;
  absl::Status Limit(Span span, std::string_view limit_name, int64_t limit, std::string what) const;

 private:
  ExpressionSource source_;
};

struct SyntaxTree {
  std::vector<SyntaxNode> nodes;
  int32_t root = -1;
  const SyntaxNode& node(int32_t i) const { return nodes[i]; }
};

}  // namespace docket::lang

#endif  // DOCKET_LANG_SYNTAX_H_
