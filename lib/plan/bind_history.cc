// plan/bind_history.cc — binding prev(), changed(), pct_change() and is_new().
//
// Each reads history columns (plan::HistoryRef): the column's value in an
// older snapshot, and whether the row's key is in that snapshot, gathered
// before the rules run (exec/history.h).  The functions themselves are
// ordinary nodes over those columns:
//   prev(x)        the older value (NULL: no snapshot, or the key is not in it)
//   is_new()       NOT present
//   changed(x)     CASE WHEN present THEN x IS DISTINCT FROM prev(x) END
//   pct_change(x)  (x - prev(x)) / prev(x), float; a zero prev counts a division by zero
// where `present` is TRUE when the key is in the snapshot, FALSE when not and
// NULL when there is no snapshot, so changed() is NULL for new keys.
//
// x is a column of the rule's table or a parent field (account.csm: the
// parent the row had in the older snapshot).  prev() of an expression or of a
// child aggregate is a compile error with a hint: the past holds columns.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "plan/binder.h"
#include "plan/functions.h"

namespace docket::plan {

using namespace ::docket::lang;  // NOLINT: the binder reads every syntax type.

Binder::Result Binder::BindHistory(const SyntaxNode& n, const std::string& name) {
  const Span name_span{n.span.offset, static_cast<int32_t>(n.text.size())};
  const bool takes_column = name != "is_new";
  const std::string example = name == "is_new" ? "is_new() or is_new(INTERVAL 7 DAY)"
                              : name == "pct_change"
                                  ? "pct_change(usage_30d, INTERVAL 30 DAY)"
                                  : name + "(csm) or " + name + "(health_score, INTERVAL 30 DAY)";
  if (n.filter >= 0) {
    return Error(ctx_.tree->node(n.filter).span,
                 "WHERE is only allowed inside related-record aggregates");
  }
  const int argc = static_cast<int>(n.children.size());
  const int min_args = takes_column ? 1 : 0;
  if (argc < min_args || argc > min_args + 1) {
    return Error(
        n.span,
        absl::StrCat(name, "() takes ",
                     takes_column ? "a column and an optional INTERVAL" : "an optional INTERVAL",
                     ", got ", argc, " argument", argc == 1 ? "" : "s"),
        "write " + example);
  }
  const TableSchema& table = *ctx_.table;
  if (table.key.empty()) {
    return Error(
        name_span,
        name + "() needs a key on table " + table.name + " to find its rows in older snapshots",
        "declare the key in the schema: tables: {" + table.name + ": {key: <column>, …}}");
  }
  // The interval: a constant positive amount.
  HistoryRef ref;
  std::string interval_text;
  if (argc == min_args + 1) {
    const SyntaxNode& iv = ctx_.tree->node(n.children.back());
    if (iv.kind != SyntaxKind::kInterval) {
      return Error(
          iv.span,
          name + "()'s " + (takes_column ? "second" : "") + " argument must be an INTERVAL",
          "write " + example);
    }
    Result amount = Bind(n.children.back());
    if (!amount.ok()) return amount;
    const Node& an = b_->node(amount->id);
    if (an.op != Op::kConst || an.value.is_null() || an.value.int_value() < 1) {
      return Error(iv.span,
                   "the INTERVAL of " + name +
                       "() must be a positive constant (the past cannot move with a row)",
                   "write INTERVAL 30 DAY");
    }
    const int64_t k = an.value.int_value();
    if (k > 100000)
      return Error(iv.span, "the INTERVAL of " + name + "() is too long", "at most 100000 units");
    ref.has_interval = true;
    ref.days = static_cast<int32_t>(k * amount->interval_days);
    ref.months = static_cast<int32_t>(k * amount->interval_months);
    interval_text = absl::StrCat(", INTERVAL ", k, " ", iv.text);
  }
  // The key presence (behind changed / pct_change's NULLs and is_new).
  auto present = [&](const std::string& text) {
    HistoryRef p = ref;
    p.kind = HistoryRef::Kind::kPresent;
    p.path = {table.name};
    p.text = text;
    return b_->Column(b_->graph()->HistorySlot(table.name, std::move(p), ExprType::kBool),
                      ExprType::kBool);
  };
  if (!takes_column) {
    int32_t p =
        present("is_new(" + interval_text.substr(std::min<size_t>(2, interval_text.size())) + ")");
    return Bound{b_->Not(p), ExprType::kBool, n.span};
  }
  // The column: a name of this table or a parent field.
  const SyntaxNode& arg = ctx_.tree->node(n.children[0]);
  const std::string column_hint = "the past holds columns: write " + example +
                                  ", or combine history values, e.g. prev(a) + prev(b)";
  const TableSchema* holder = &table;
  std::vector<std::string> path = {table.name};
  std::string column, arg_text;
  if (arg.kind == SyntaxKind::kName) {
    column = arg.text;
    arg_text = arg.text;
  } else if (arg.kind == SyntaxKind::kDottedName) {
    for (size_t i = 0; i + 1 < arg.parts.size(); ++i) {
      const TableSchema* parent = ParentOf(*holder);
      if (parent == nullptr || holder->parent->as != arg.parts[i] || parent == &table) {
        Result r = BindParentField(arg);  // Its error names the step and gives the hint.
        if (!r.ok()) return r;
        return Error(arg.span, "unknown parent '" + arg.parts[i] + "'");
      }
      holder = parent;
      path.push_back(holder->name);
    }
    column = arg.parts.back();
    arg_text = absl::StrJoin(arg.parts, ".");
  } else if (arg.kind == SyntaxKind::kCall) {
    const FunctionEntry* f = FindFunction(absl::AsciiStrToLower(arg.text));
    if (f != nullptr && f->kind == FunctionKind::kRelated) {
      return Error(arg.span, name + "() of a child aggregate is not supported",
                   "older snapshots are read by key, column by column: export the aggregate as a "
                   "column of " +
                       table.name + " (then " + name + "(that_column) works), or compare " +
                       arg.text + "(…) with a threshold");
    }
    return Error(arg.span, name + "() takes a column, not a function call", column_hint);
  } else {
    return Error(arg.span, name + "() takes a column of " + table.name + " or a parent field",
                 column_hint);
  }
  const ColumnSchema* cs = holder->Column(column);
  // The current value, bound as written (also reports an unknown column with did-you-mean).
  Result cur = Bind(n.children[0]);
  if (!cur.ok()) return cur;
  if (cs == nullptr) {
    return Error(
        arg.span,
        name + "() takes a column, but '" + arg_text + "' is not a column of " + holder->name,
        "a segment is evaluated on the current snapshot only; " + column_hint);
  }
  const ExprType ty = plan::TyOf(cs->type.id);
  if (name == "pct_change" && ty != ExprType::kInt && ty != ExprType::kFloat) {
    return Error(
        arg.span,
        "pct_change() needs a number, but " + arg_text + " is " + std::string(plan::TyName(ty)),
        "use changed(" + arg_text + ") for other types");
  }
  ref.kind = HistoryRef::Kind::kValue;
  ref.path = path;
  ref.column = column;
  ref.text = "prev(" + arg_text + interval_text + ")";
  const int32_t prev = b_->Column(b_->graph()->HistorySlot(table.name, ref, ty), ty);
  if (name == "prev") return Bound{prev, ty, n.span};
  Bound x = *cur;
  auto make = [&](Op op, ExprType type, std::vector<int32_t> args, bool has_else = false) {
    Node node;
    node.op = op;
    node.type = type;
    node.has_else = has_else;
    node.args = std::move(args);
    return Make(std::move(node), n.span).id;
  };
  if (name == "changed") {
    const int32_t was = present(name + "(" + arg_text + interval_text + ")");
    Node ne;
    ne.op = Op::kCompare;
    ne.cmp = Cmp::kNe;
    ne.type = ExprType::kBool;
    ne.args = {x.id, prev};
    const int32_t differ = Make(std::move(ne), n.span).id;
    // x IS DISTINCT FROM prev: NULL vs a value is a change, NULL vs NULL is not.
    const int32_t distinct = make(
        Op::kCase, ExprType::kBool,
        {make(Op::kIsNull, ExprType::kBool, {x.id}), make(Op::kIsNotNull, ExprType::kBool, {prev}),
         make(Op::kIsNull, ExprType::kBool, {prev}), b_->Const(Value::Bool(true)), differ},
        /*has_else=*/true);
    // NULL unless the key is in the older snapshot.
    return Bound{make(Op::kCase, ExprType::kBool, {was, distinct}), ExprType::kBool, n.span};
  }
  // pct_change: (x - prev) / prev as float; NULL when either is NULL (a key
  // not in the older snapshot has a NULL prev).
  Bound xf = x, pf{prev, ty, n.span};
  if (absl::Status s = Coerce(&xf, ExprType::kFloat, "use"); !s.ok()) return s;
  if (absl::Status s = Coerce(&pf, ExprType::kFloat, "use"); !s.ok()) return s;
  const int32_t diff = make(Op::kSub, ExprType::kFloat, {xf.id, pf.id});
  return Bound{make(Op::kDiv, ExprType::kFloat, {diff, pf.id}), ExprType::kFloat, n.span};
}

}  // namespace docket::plan
