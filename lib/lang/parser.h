// lang/parser.h — the docket expression grammar (SPEC section 4).
//
//   expr       := or
//   or         := and { OR and }
//   and        := not { AND not }
//   not        := NOT not | comparison
//   comparison := sum [ (= | == | != | <> | < | <= | > | >=) sum
//                     | IS [NOT] NULL
//                     | [NOT] IN ( expr {, expr} )
//                     | [NOT] BETWEEN sum AND sum
//                     | [NOT] (LIKE | ILIKE | MATCHES) sum ]
//   sum        := product { (+ | -) product }
//   product    := unary { (* | / | %) unary }
//   unary      := - unary | primary
//   primary    := literal | name [. name] | $param | name ( [args] ) | ( expr )
//               | CASE [expr] WHEN expr THEN expr {WHEN expr THEN expr} [ELSE expr] END
//               | DATE 'yyyy-mm-dd' | TIMESTAMP '…' | INTERVAL unary unit
//
// The parser never recurses without bound: it keeps an explicit nesting
// counter and the depth of every node, and stops with a ResourceExhausted
// error naming Limits::max_expression_depth when either exceeds it.
#ifndef DOCKET_LANG_PARSER_H_
#define DOCKET_LANG_PARSER_H_

#include "absl/status/statusor.h"
#include "docket/options.h"
#include "lang/syntax.h"

namespace docket::lang {

absl::StatusOr<SyntaxTree> Parse(const SourceText& source, const Limits& limits);

}  // namespace docket::lang

#endif  // DOCKET_LANG_PARSER_H_
