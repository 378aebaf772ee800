// tests/security/reference_evaluator.h — a row-at-a-time reference for the
// docket language, and a generator of random differential cases.
//
// The vectorized engine (lib/lang → lib/plan → lib/exec) folds constants,
// rewrites date arithmetic, shares subexpressions, works on selection vectors
// and dictionary codes.  The reference does none of that: it walks a typed
// syntax tree once per row over plain values, written straight from SPEC
// section 4 (Kleene logic, SQL NULL rules, int/float promotion, `/` is float
// division, `%` keeps the dividend's sign, division by zero and int overflow
// give NULL, month arithmetic clamps to the month's end, IN follows SQL).
// Where the SPEC is silent, the choice is written next to the code and in
// docs/security.md.
//
// Related records: about half the cases add a child table `c` of `t`
// (`parent: {table: t, via: tid, as: parent}`) and sometimes a grandchild
// `g` of `c` (`parent: {table: c, via: cref, as: ch}`), with orphans, NULL
// parent keys and parents without children.  The rule over t may then use
// aggregates over c and g (`exists(c WHERE amount > parent.f1)`,
// `sum(g.score WHERE ch.qty > 0)`, nested), and further rules range over c
// and g reading parent fields (`parent.s1`, `ch.parent.d1`).  The reference
// evaluates them the naive way: nested loops over plain values comparing each
// child's `via` with its parent's key (see EvaluateIn).
//
//   ByteSource bytes(data, size);                  // fuzzer input or PRNG bytes
//   reference::Case c = reference::GenerateCase(bytes);
//   c.text;                                        // the rule, in docket syntax
//   reference::Tri r = reference::EvaluateRow(c, *c.root, row);  // kTrue / kFalse / kNull
//   std::string why = reference::CheckAgainstEngine(c);          // "" when they agree
//
// Used by tests/fuzz/fuzz_eval.cc (libFuzzer) and
// tests/security/eval_reference_test.cc (a few thousand PRNG cases in ctest).
#ifndef DOCKET_TESTS_SECURITY_REFERENCE_EVALUATOR_H_
#define DOCKET_TESTS_SECURITY_REFERENCE_EVALUATOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "docket/schema.h"
#include "docket/table.h"
#include "docket/types.h"

namespace docket::reference {

// Reads decisions from bytes; past the end every read is 0, so any input
// (including an empty one) decodes to a valid case.
class ByteSource {
 public:
  ByteSource(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // A value in [0, n).
  int Below(int n) { return n <= 1 ? 0 : (n <= 256 ? Byte() % n : (Byte() | (Byte() << 8)) % n); }
  bool Chance(int percent) { return Below(100) < percent; }
  bool exhausted() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// One SQL value: NULL or a value of `type` (date: days since the epoch in
// `i`; timestamp: microseconds since the epoch, UTC, in `i`).
struct RValue {
  TypeId type = TypeId::kBool;
  bool null = true;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;
};

enum class Tri { kFalse, kTrue, kNull };

enum class ExprKind {
  kLiteral,  // value; printed as a literal (a typed NULL prints as nullif(x, x) unless bare_null)
  kColumn,   // column
  kToday,
  kNot,
  kAnd,
  kOr,
  kCompare,  // op: = != < <= > >=; operand type in operand_type
  kArith,    // op: + - * / %
  kNeg,
  kIsNull,        // negated
  kIn,            // args[0] IN (args[1..]); negated
  kBetween,       // negated
  kLike,          // args[0] LIKE args[1]; ci for ILIKE; negated
  kMatches,       // args[0] MATCHES text; negated
  kCase,          // args: when1, then1, …, [else] (has_else)
  kCall,          // name, args
  kDateAddDays,   // args[0] (date) + / - args[1] (int): op '+' or '-'
  kDateDiff,      // args[0] - args[1], both dates
  kDateInterval,  // args[0] (date) ± INTERVAL args[1] unit
  kTsToDate,      // a timestamp meeting a date: its civil date in the time zone
  kParentField,   // `parent.col`, `ch.parent.col`: column `column` of ancestor table `table`, read
                  // from table `from`
  kAggregate,     // op(table[.column] [WHERE args[0]]): op is exists/count/sum/avg/min/max over
               // descendant table `table` of table `from`; column -1 for exists(c …) / count(c …);
               // has_where
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  TypeId type = TypeId::kBool;          // Result type.
  TypeId operand_type = TypeId::kBool;  // kCompare / kIn / kBetween: the compared type.
  std::string op;                       // Operator text or function name or interval unit.
  bool negated = false;
  bool ci = false;
  bool has_else = false;
  bool bare_null = false;       // A NULL literal printed as NULL (the context fixes its type).
  bool date_as_string = false;  // A date literal printed as a string literal ('2026-01-31').
  bool implicit = false;        // kTsToDate printed without date(…).
  RValue value;                 // kLiteral.
  int column = -1;              // kColumn, kParentField, kAggregate (-1: the table form).
  int table = 0;  // kColumn: the column's table (0 t, 1 c, 2 g); kParentField: the ancestor
                  // read; kAggregate: the descendant aggregated over.
  int from = 0;   // kParentField / kAggregate: the table the expression is written in.
  bool has_where = false;  // kAggregate: args[0] is the WHERE (written in `table`).
  std::string text;        // kMatches: the pattern.
  std::vector<std::unique_ptr<Expr>> args;
};

// A table related to t: related[0] is `c` (child of t), related[1], when
// present, is `g` (child of c).  Table number k (0 t, 1 c, 2 g) has parent k - 1.
struct RelatedTable {
  TableSchema schema;
  std::vector<std::vector<RValue>> rows;
  Table table;   // The same rows as docket columns.
  int via = -1;  // Column holding the parent's key.
};

// A rule over a related table (evaluated in the same program as Case::root).
struct Rule {
  int table = 1;  // 1 c, 2 g.
  std::unique_ptr<Expr> root;
  std::string text;
};

struct Case {
  TableSchema schema;  // Table "t"; no owner; key `id` (the last column) when related is not empty.
  std::vector<std::vector<RValue>> rows;
  Table table;                 // The same rows as docket columns.
  std::unique_ptr<Expr> root;  // A bool expression over t.
  std::string text;            // root printed in docket syntax.
  std::vector<RelatedTable>
      related;              // Empty: a one-table case (CompiledPredicate over t's TableSchema).
  std::vector<Rule> rules;  // Further rules over c and g.
  absl::CivilDay as_of;
  std::string time_zone_name;
  absl::TimeZone time_zone;
  int threads = 1;
};

// Decodes a case: a table of up to a few thousand rows with NULLs, and a
// well-typed bool expression over it; about half the time also related
// tables and rules over them.
Case GenerateCase(ByteSource& bytes);

// The expression in docket syntax (every operation parenthesized).
std::string Print(const Expr& e, const Case& c);

// The reference value of `e` at `row` of t, or at `row` of table `table`.
RValue Evaluate(const Case& c, const Expr& e, int64_t row);
RValue EvaluateIn(const Case& c, const Expr& e, int table, int64_t row);
Tri EvaluateRow(const Case& c, const Expr& e, int64_t row);
Tri EvaluateRowIn(const Case& c, const Expr& e, int table, int64_t row);

// Table number `table` (0 t, 1 c, 2 g): its schema and rows.
const TableSchema& SchemaOf(const Case& c, int table);
const std::vector<std::vector<RValue>>& RowsOf(const Case& c, int table);

// What the reference met while evaluating related records, summed over
// every evaluation since the program started (tests assert that the
// generator reaches these paths; the fuzzer ignores them).
struct RelatedTally {
  int64_t aggregates = 0;      // Aggregate values computed (one per parent row and use).
  int64_t empty = 0;           // … over no child row (count 0, sum/avg/min/max NULL).
  int64_t several = 0;         // … over two or more child rows kept by the WHERE.
  int64_t where_null = 0;      // Child rows left out because the WHERE was NULL.
  int64_t sum_overflow = 0;    // Int sums outside int64 (NULL).
  int64_t sum_comes_back = 0;  // Int sums whose running total left int64 but whose total did not.
  int64_t parent_fields = 0;   // Parent fields read.
  int64_t parent_missing =
      0;  // … NULL because a row on the way has no parent (NULL via or orphan).
};
RelatedTally& Tally();

// Compiles c.text (and c.rules) with the engine, evaluates them over c.table
// (over a snapshot of every table when related) and compares every row of
// every rule with the reference.  Returns "" when they agree, otherwise a
// report naming the expression, the first differing row and both answers.
std::string CheckAgainstEngine(const Case& c);

std::string DescribeRow(const Case& c, int64_t row);
std::string DescribeRowIn(const Case& c, int table, int64_t row);
// Every table of the case, row by row (for reports and minimizing).
std::string DescribeTables(const Case& c);

}  // namespace docket::reference

#endif  // DOCKET_TESTS_SECURITY_REFERENCE_EVALUATOR_H_
