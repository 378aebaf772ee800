// plan/builder.h — builds graph nodes, folding and rewriting as it goes.
//
// Every node the binder creates goes through ExprBuilder, which applies the
// optimizer's local rules before interning the node:
//
//   - constant folding: a node whose inputs are all compile-time constants
//     is evaluated once, now, with the same kernels as at run time;
//   - NULL propagation: a strict operator with a NULL constant input is NULL;
//   - as_of rewrites: `days_since(c) > 90` is built as `c < (today - 90)`,
//     `days_until(c) <= 180` as `c <= (today + 180)`, and
//     `days_since(c) BETWEEN a AND b` as `c BETWEEN today - b AND today - a`,
//     where the right-hand sides are evaluation constants computed once per
//     Evaluate();
//   - `date(ts) < D` (and the other comparisons, and `date(ts) BETWEEN a AND
//     b`) becomes a comparison of ts with the first instant of day D (or
//     D + 1) in the evaluation time zone, so that no row pays for a time-zone
//     conversion;
//   - NOT pushed into comparisons and IS NULL; AND/OR flattened and
//     simplified around constants.
#ifndef DOCKET_PLAN_BUILDER_H_
#define DOCKET_PLAN_BUILDER_H_

#include <optional>
#include <vector>

#include "plan/expr.h"

namespace docket::plan {

// Evaluates node `id` of `graph`, whose arguments are all constants and which
// needs no evaluation context; nullopt when it raises a diagnostic (division
// by zero, overflow), which must then be counted at evaluation time.  The
// compiler passes the executor's own (exec/constant.h), so folding at compile
// time and evaluation at run time share one set of kernels; nullptr folds
// nothing.
using ConstantFolder = std::optional<Value> (*)(const Graph& graph, int32_t id);

class ExprBuilder {
 public:
  ExprBuilder(Graph* graph, ConstantFolder folder) : g_(graph), fold_(folder) {}
  Graph* graph() const { return g_; }
  const Node& node(int32_t id) const { return g_->node(id); }
  ExprType type(int32_t id) const { return g_->node(id).type; }
  bool IsConst(int32_t id) const { return g_->node(id).op == Op::kConst; }
  bool IsNullConst(int32_t id) const { return IsConst(id) && g_->node(id).value.is_null(); }

  // The rule that owns the nodes built next (for per-rule diagnostics).
  void set_rule(int32_t rule) { rule_ = rule; }

  int32_t Const(Value v);
  int32_t Null(ExprType t);
  int32_t Column(int32_t slot, ExprType t);
  int32_t Param(const std::string& name, ExprType t);
  int32_t Today();

  int32_t And(const std::vector<int32_t>& args);
  int32_t Or(const std::vector<int32_t>& args);
  int32_t Junction(Op op, const std::vector<int32_t>& args);  // And / Or.
  int32_t Not(int32_t x);
  int32_t IsNull(int32_t x, bool negated);
  int32_t Compare(Cmp cmp, int32_t a, int32_t b);
  int32_t Between(int32_t x, int32_t lo, int32_t hi);
  int32_t InSet(int32_t x, std::shared_ptr<const InSetPayload> set);
  // Generic node (arithmetic, casts, calls, CASE…): folded when possible.
  int32_t Make(Node n);

  // Related records.  `filter` (bool) and `value` (-1 for exists / count)
  // range over the descendant table `link` starts from; the result is a
  // value per row of `table` (the link's end).
  int32_t Aggregate(Agg agg, ExprType type, int32_t link, const std::string& table, int32_t filter,
                    int32_t value);
  // The value of `x` (an expression over the ancestor `ancestor`, the end of
  // `link`) for each row of the link's start; NULL where there is no ancestor.
  int32_t ParentValue(int32_t link, const std::string& ancestor, int32_t x);

  // Day number (int) of a date or int node.
  int32_t DayNumber(int32_t date_or_int);

 private:
  int32_t Fold(int32_t id);
  Graph* g_;
  ConstantFolder fold_ = nullptr;
  int32_t rule_ = -1;
};

}  // namespace docket::plan

#endif  // DOCKET_PLAN_BUILDER_H_
