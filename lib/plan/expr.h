// plan/expr.h — the bound, typed expression graph that every later stage
// works on.
//
// The binder (plan/binder.h) turns a syntax tree into nodes of a Graph.  The
// Graph hash-conses its nodes: building a node equal to an existing one
// returns the existing id, so a subexpression written in several rules (or
// reached through a segment used by several rules) is one node, computed
// once per batch.  Nodes that can raise a diagnostic (division, modulo,
// checked int arithmetic) are keyed by their rule too, so that diagnostics
// are counted per rule.
//
// Constant folding and the as_of rewrites (plan/builder.h) run as nodes are
// built.  A node is
//   - a compile-time constant (kConst),
//   - an evaluation constant (depends only on literals, $params, `today` and
//     the time zone: computed once at the start of each Evaluate()), or
//   - a row expression (depends on columns).
#ifndef DOCKET_PLAN_EXPR_H_
#define DOCKET_PLAN_EXPR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "docket/value.h"

namespace re2 {
class RE2;
}

namespace docket::plan {

// Expression types.  kNull is the type of a bare NULL literal before the
// binder gives it the type its context needs.
enum class ExprType : uint8_t { kBool, kInt, kFloat, kString, kDate, kTimestamp, kNull };
std::string_view TyName(ExprType t);
ExprType TyOf(TypeId id);
DataType DataTypeOf(ExprType t);  // kNull → bool.

enum class Op : uint8_t {
  kConst,   // value
  kParam,   // name: an evaluation constant from EvalOptions / CompileOptions params
  kToday,   // as_of (date)
  kColumn,  // column: index into Graph::columns
  kAnd,
  kOr,  // n-ary, Kleene
  kNot,
  kIsNull,
  kIsNotNull,
  kCompare,  // cmp; args {a, b} of one physical type (int64 / int32 / double / string / bool)
  kBetween,  // args {x, lo, hi}
  kInSet,    // args {x}; set = constant values (payload)
  kLike,     // args {x, pattern}; case_insensitive
  kMatches,  // args {x}; regex (payload)
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kNeg,  // numeric
  kIntToFloat,
  kTsToDate,     // timestamp → its civil date in the time zone
  kDayStart,     // date → timestamp of the first instant of that day in the time zone
  kCivilToTs,    // int civil micros (a TIMESTAMP literal without zone) → timestamp in the zone
  kDateAddDays,  // {date, int} → date (NULL + int_overflow outside the date range)
  kDateDiff,     // {date, date} → int days (a - b)
  kAddMonths,    // {date, int} → date, clamped to the month's end
  // The calendar fold's evaluation constants (ExprBuilder::Compare; never per row):
  kMonthsBound,  // {int day T, int n} → int: the least day c with add_months(c, n) >= T (int64,
                 // may lie outside the date range); NULL when |n| > 2^34 (add_months is then NULL)
  kMonthsShift,  // {int n} → int: s such that c + s leaves the date range exactly where
                 // add_months(c, n) does (2^40 when |n| > 2^34: everywhere)
  kCase,         // {cond1, value1, …, [else]}
  kCoalesce,     // n-ary, lazy
  kCall,         // fn; args
  // Related records.  Both are leaves of the expression over their own table:
  // what they read was computed over another table, so their inputs are in
  // `sub`, not `args`, and are evaluated in an earlier stage (see
  // exec/related.h).
  kAggregate,  // agg over the rows of a descendant table: link = descendant → this table;
               // sub = {filter (bool over the descendant), value (over the descendant) or absent};
               // column = the derived column holding one result per row of this table.
  kParentValue,  // a value of an ancestor's row: link = this table → ancestor; column = the
                 // ancestor's column read (a base column, an aggregate's, or x materialized);
                 // sub = {x} unless x is a plain column: an aggregate (computed in its stage)
                 // or an expression materialized over the ancestor first.
};

// Related-record aggregates.  kCount counts rows; kCountValues counts the
// non-NULL values of `value`.
enum class Agg : uint8_t { kExists, kCount, kCountValues, kSum, kAvg, kMin, kMax };
std::string_view AggName(Agg a);

enum class Cmp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
std::string_view CmpName(Cmp c);
Cmp FlipCmp(Cmp c);    // a < b  ⇔  b > a
Cmp NegateCmp(Cmp c);  // NOT (a < b)  ⇔  a >= b

enum class Fn : uint8_t {
  kNullIf,
  kMonthsSince,
  kYear,
  kQuarter,
  kMonth,
  kDay,
  kDayOfWeek,
  kTruncWeek,
  kTruncMonth,
  kTruncQuarter,
  kTruncYear,
  kNextAnniversary,
  kLower,
  kUpper,
  kLength,
  kTrim,
  kLTrim,
  kRTrim,
  kContains,
  kStartsWith,
  kEndsWith,
  kAbs,
  kRound,
  kRoundTo,
  kFloor,
  kCeil,
  kLeast,
  kGreatest,
};
// The number of Fn values (a new Fn goes before kGreatest or moves this).
inline constexpr int kFnCount = static_cast<int>(Fn::kGreatest) + 1;
// How Dump prints a call (plan/functions.h holds the name per Fn).
std::string_view FnName(Fn f);

// Constant data that some nodes carry.
struct InSetPayload {
  std::vector<int64_t> ints;   // kInt, kDate, kTimestamp, kBool (sorted, distinct)
  std::vector<double> floats;  // kFloat (sorted, distinct)
  std::vector<std::string> strings;
  absl::flat_hash_set<std::string> string_set;
  bool has_null = false;  // The list held a NULL.
};

struct LikePayload {
  // Recognised shapes that avoid the general matcher.
  enum class Shape : uint8_t { kGeneral, kExact, kPrefix, kSuffix, kContains, kAny };
  Shape shape = Shape::kGeneral;
  std::string literal;  // For the shapes above: the unescaped literal part.
};

struct Node {
  Op op = Op::kConst;
  ExprType type = ExprType::kBool;
  Cmp cmp = Cmp::kEq;
  Fn fn = Fn::kAbs;
  bool case_insensitive = false;  // kLike
  bool has_else = false;          // kCase
  std::vector<int32_t> args;
  Value value;          // kConst
  std::string name;     // kParam
  int32_t column = -1;  // kColumn
  int32_t rule = -1;    // For nodes that raise diagnostics: the owning rule.
  std::shared_ptr<const InSetPayload> in_set;
  std::shared_ptr<const LikePayload> like;
  std::shared_ptr<const re2::RE2> regex;
  std::string regex_text;
  Agg agg = Agg::kExists;    // kAggregate
  int32_t link = -1;         // kAggregate, kParentValue: index into Graph::links
  std::vector<int32_t> sub;  // kAggregate, kParentValue: inputs over another table

  // Derived when the node is added.
  bool eval_const = false;  // No column below: computed once per evaluation.
  bool fallible = false;    // This node can raise a diagnostic.
  int32_t depth = 1;
  int64_t tree_size = 1;       // Size of the tree this node stands for (saturating).
  int32_t single_column = -1;  // The only column below, -2 when several, -1 when none.
};

struct ColumnRef {
  std::string table;
  std::string name;
  ExprType type = ExprType::kBool;
  // A derived column: the values of node `derived` over every row of `table`,
  // computed during evaluation (an aggregate's result, or an expression a
  // child reads through kParentValue).  -1 for a column of the data.
  int32_t derived = -1;
  // A history column (prev() and friends): index into Graph::history(), -1 otherwise.
  int32_t history = -1;
};

// A column of an older snapshot (exec/history.h), gathered into a column
// aligned with the rows of the current `table` before the rules run.
struct HistoryRef {
  enum class Kind : uint8_t { kValue, kPresent };
  Kind kind = Kind::kValue;       // kValue: `column` of the row with the same key;
                                  // kPresent: bool, TRUE when the key is in that snapshot,
                                  // FALSE when not, NULL when there is no such snapshot.
  std::vector<std::string> path;  // Tables from the rule's table up to the one holding `column`.
  std::string column;             // kValue only.
  bool has_interval = false;      // false: the latest snapshot before as_of.
  int32_t days = 0;               // With an interval: on or before as_of - days - months.
  int32_t months = 0;
  std::string text;  // As written, for notes: "prev(account.csm, INTERVAL 30 DAY)".
};

// A path up the parent relations of the schema: from a table to one of its
// ancestors (its parent, grandparent, …).  Resolved against the schema at
// evaluation; the rows of `from` map to rows of `to` by the composed joins.
struct LinkRef {
  std::string from;
  std::string to;
};

class Graph {
 public:
  const Node& node(int32_t id) const { return nodes_[id]; }
  int32_t size() const { return static_cast<int32_t>(nodes_.size()); }
  const std::vector<ColumnRef>& columns() const { return columns_; }
  const std::vector<LinkRef>& links() const { return links_; }

  // Returns the id of an equal node, adding `n` if there is none.
  int32_t Intern(Node n);
  int32_t ColumnSlot(const std::string& table, const std::string& name, ExprType type);
  // The derived column holding node `node` over `table` (created on first use).
  int32_t DerivedSlot(int32_t node, const std::string& table, ExprType type);
  int32_t LinkSlot(const std::string& from, const std::string& to);
  // The history column `ref` over `table` (created on first use).
  int32_t HistorySlot(const std::string& table, HistoryRef ref, ExprType type);
  const std::vector<HistoryRef>& history() const { return history_; }
  // Sets the column a kAggregate reads (its own derived column).
  void SetColumn(int32_t id, int32_t slot) { nodes_[id].column = slot; }

  // A readable s-expression for node `id` (for DebugString and tests).
  std::string Dump(int32_t id) const;

 private:
  std::string Key(const Node& n) const;
  std::vector<Node> nodes_;
  std::vector<ColumnRef> columns_;
  std::vector<LinkRef> links_;
  std::vector<HistoryRef> history_;
  absl::flat_hash_map<std::string, int32_t> index_;
  absl::flat_hash_map<std::string, int32_t> column_index_;
};

// Value helpers.
Value NullOf(ExprType t);

}  // namespace docket::plan

#endif  // DOCKET_PLAN_EXPR_H_
