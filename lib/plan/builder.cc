#include "plan/builder.h"

#include <algorithm>
#include <utility>

#include "base/calendar.h"
#include "plan/functions.h"

namespace docket::plan {
namespace {

// Ops whose value needs the evaluation context (as_of, zone, params).
bool NeedsContext(Op op) {
  return op == Op::kParam || op == Op::kToday || op == Op::kTsToDate || op == Op::kDayStart ||
         op == Op::kCivilToTs;
}

// Ops that are NULL whenever any input is NULL.
bool IsStrict(const Node& n) {
  switch (n.op) {
    case Op::kCompare:
    case Op::kInSet:
    case Op::kLike:
    case Op::kMatches:
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod:
    case Op::kNeg:
    case Op::kIntToFloat:
    case Op::kTsToDate:
    case Op::kDayStart:
    case Op::kCivilToTs:
    case Op::kDateAddDays:
    case Op::kDateDiff:
    case Op::kAddMonths:
    case Op::kMonthsBound:
    case Op::kMonthsShift:
      return true;
    case Op::kCall:
      return NullsOf(n.fn) == NullRule::kStrict;  // The function registry says.
    default:
      return false;
  }
}

}  // namespace

int32_t ExprBuilder::Const(Value v) {
  Node n;
  n.op = Op::kConst;
  n.type = TyOf(v.type().id);
  if (v.type().id == TypeId::kTimestamp && v.type().unit != TimeUnit::kMicro && !v.is_null()) {
    // Constants are kept in microseconds like every computed timestamp.
    int64_t units = v.int_value();
    int64_t per = UnitsPerSecond(v.type().unit);
    int64_t micros = per < 1000000 ? units * (1000000 / per) : base::FloorDiv(units, per / 1000000);
    v = Value::Timestamp(micros, TimeUnit::kMicro);
  }
  n.value = std::move(v);
  return g_->Intern(std::move(n));
}

int32_t ExprBuilder::Null(ExprType t) {
  Node n;
  n.op = Op::kConst;
  n.type = t;
  n.value = NullOf(t);
  return g_->Intern(std::move(n));
}

int32_t ExprBuilder::Column(int32_t slot, ExprType t) {
  Node n;
  n.op = Op::kColumn;
  n.type = t;
  n.column = slot;
  return g_->Intern(std::move(n));
}

int32_t ExprBuilder::Param(const std::string& name, ExprType t) {
  Node n;
  n.op = Op::kParam;
  n.type = t;
  n.name = name;
  return g_->Intern(std::move(n));
}

int32_t ExprBuilder::Today() {
  Node n;
  n.op = Op::kToday;
  n.type = ExprType::kDate;
  return g_->Intern(std::move(n));
}

int32_t ExprBuilder::Fold(int32_t id) {
  const Node& n = g_->node(id);
  if (n.op == Op::kConst || n.op == Op::kColumn || n.op == Op::kAggregate ||
      n.op == Op::kParentValue || NeedsContext(n.op)) {
    return id;
  }
  bool all_const = true, any_null = false;
  for (int32_t a : n.args) {
    all_const = all_const && IsConst(a);
    any_null = any_null || IsNullConst(a);
  }
  if (any_null && IsStrict(n)) return Null(n.type);
  if (!all_const || fold_ == nullptr) return id;
  std::optional<Value> v = fold_(*g_, id);
  if (!v) return id;  // Raised a diagnostic: leave it to evaluation so it is counted.
  return Const(*std::move(v));
}

int32_t ExprBuilder::Make(Node n) {
  n.rule = rule_;
  return Fold(g_->Intern(std::move(n)));
}

int32_t ExprBuilder::Aggregate(Agg agg, ExprType type, int32_t link, const std::string& table,
                               int32_t filter, int32_t value) {
  Node n;
  n.op = Op::kAggregate;
  n.type = type;
  n.agg = agg;
  n.link = link;
  n.rule = rule_;
  n.sub = {filter};
  if (value >= 0) n.sub.push_back(value);
  int32_t id = g_->Intern(std::move(n));
  if (g_->node(id).column < 0) g_->SetColumn(id, g_->DerivedSlot(id, table, type));
  return id;
}

int32_t ExprBuilder::ParentValue(int32_t link, const std::string& ancestor, int32_t x) {
  const Node& xn = g_->node(x);
  Node n;
  n.op = Op::kParentValue;
  n.type = xn.type;
  n.link = link;
  if (xn.op == Op::kColumn) {
    n.column = xn.column;  // Read in place.
  } else if (xn.op == Op::kAggregate) {
    n.column = xn.column;  // The aggregate's own column, read in place once its stage ran.
    n.sub = {x};
  } else {
    n.column = g_->DerivedSlot(x, ancestor, xn.type);
    n.sub = {x};
  }
  return g_->Intern(std::move(n));
}

int32_t ExprBuilder::DayNumber(int32_t x) {
  if (type(x) == ExprType::kInt) return x;
  Node n;
  n.op = Op::kDateDiff;
  n.type = ExprType::kInt;
  n.args = {x, Const(Value::DateFromDays(0))};
  return Make(std::move(n));
}

int32_t ExprBuilder::And(const std::vector<int32_t>& args) { return Junction(Op::kAnd, args); }

int32_t ExprBuilder::Or(const std::vector<int32_t>& args) { return Junction(Op::kOr, args); }

// AND / OR: nested ones flattened, repeats dropped, constants simplified
// (FALSE AND x = FALSE, TRUE AND x = x; TRUE OR x = TRUE, FALSE OR x = x), a
// NULL operand kept last.
int32_t ExprBuilder::Junction(Op op, const std::vector<int32_t>& args) {
  const bool absorbing = op == Op::kOr;  // The value that decides: FALSE for AND, TRUE for OR.
  std::vector<int32_t> flat;
  bool has_null = false;
  for (int32_t a : args) {
    const Node& n = g_->node(a);
    if (n.op == op) {
      flat.insert(flat.end(), n.args.begin(), n.args.end());
      continue;
    }
    if (n.op == Op::kConst) {
      if (n.value.is_null()) {
        has_null = true;
        continue;
      }
      if (n.value.bool_value() == absorbing) return Const(Value::Bool(absorbing));
      continue;  // The neutral value drops out.
    }
    if (std::find(flat.begin(), flat.end(), a) == flat.end()) flat.push_back(a);
  }
  if (has_null) flat.push_back(Null(ExprType::kBool));
  if (flat.empty()) return Const(Value::Bool(!absorbing));
  if (flat.size() == 1) return flat[0];
  Node n;
  n.op = op;
  n.type = ExprType::kBool;
  n.args = std::move(flat);
  return Make(std::move(n));
}

int32_t ExprBuilder::Not(int32_t x) {
  const Node in = g_->node(x);
  if (in.op == Op::kConst) {
    return in.value.is_null() ? Null(ExprType::kBool) : Const(Value::Bool(!in.value.bool_value()));
  }
  if (in.op == Op::kNot) return in.args[0];
  if (in.op == Op::kIsNull) return IsNull(in.args[0], true);
  if (in.op == Op::kIsNotNull) return IsNull(in.args[0], false);
  if (in.op == Op::kCompare) {
    // NULL stays NULL either way, so NOT (a < b) is a >= b.
    Node n = in;
    n.cmp = NegateCmp(in.cmp);
    return Make(std::move(n));
  }
  Node n;
  n.op = Op::kNot;
  n.type = ExprType::kBool;
  n.args = {x};
  return Make(std::move(n));
}

int32_t ExprBuilder::IsNull(int32_t x, bool negated) {
  const Node& in = g_->node(x);
  if (in.op == Op::kConst) return Const(Value::Bool(in.value.is_null() != negated));
  Node n;
  n.op = negated ? Op::kIsNotNull : Op::kIsNull;
  n.type = ExprType::kBool;
  n.args = {x};
  return Make(std::move(n));
}

int32_t ExprBuilder::Compare(Cmp cmp, int32_t a, int32_t b) {
  if (node(a).eval_const && !node(b).eval_const) {
    std::swap(a, b);
    cmp = FlipCmp(cmp);
  }
  if (IsNullConst(a) || IsNullConst(b)) return Null(ExprType::kBool);
  const Node l = node(a);  // A copy: building nodes below may move the graph's storage.
  if (node(b).eval_const && !l.eval_const) {
    // date_diff(x, C) cmp k  ⇔  x cmp C + k;   date_diff(C, y) cmp k  ⇔  y flip(cmp) C - k.
    if (l.op == Op::kDateDiff && node(l.args[1]).eval_const && !node(l.args[0]).eval_const) {
      int32_t x = l.args[0], c = l.args[1];
      Node add;
      add.op = Op::kAdd;
      add.type = ExprType::kInt;
      add.args = {DayNumber(c), b};
      return Compare(cmp, x, Make(std::move(add)));
    }
    if (l.op == Op::kDateDiff && node(l.args[0]).eval_const && !node(l.args[1]).eval_const) {
      int32_t c = l.args[0], y = l.args[1];
      Node sub;
      sub.op = Op::kSub;
      sub.type = ExprType::kInt;
      sub.args = {DayNumber(c), b};
      return Compare(FlipCmp(cmp), y, Make(std::move(sub)));
    }
    // Calendar fold: add_months(x, n) cmp T with n and T evaluation constants.
    // add_months is monotone in x, so  add_months(x, n) >= T  ⇔  x >= B(T),
    // B the least day mapping at or past T (base::MonthsBound), and <= / >
    // are < / >= T + 1: one comparison on x against a constant computed once
    // per evaluation.  x is first shifted by s (kMonthsShift), which leaves
    // the date range exactly where add_months(x, n) does, so NULL and the
    // overflow count stay as they were; B + s shifts the bound alike.
    if (l.op == Op::kAddMonths && node(l.args[1]).eval_const && !node(l.args[0]).eval_const &&
        (cmp == Cmp::kLt || cmp == Cmp::kLe || cmp == Cmp::kGt || cmp == Cmp::kGe)) {
      const int32_t x = l.args[0], months = l.args[1];
      auto make = [&](Op op, ExprType type, std::vector<int32_t> args) {
        Node n;
        n.op = op;
        n.type = type;
        n.args = std::move(args);
        return Make(std::move(n));
      };
      int32_t t = DayNumber(b);
      if (cmp == Cmp::kLe || cmp == Cmp::kGt)
        t = make(Op::kAdd, ExprType::kInt, {t, Const(Value::Int(1))});
      const int32_t bound = make(Op::kMonthsBound, ExprType::kInt, {t, months});
      const int32_t shift = make(Op::kMonthsShift, ExprType::kInt, {months});
      const int32_t shifted = make(Op::kDateAddDays, ExprType::kDate, {x, shift});
      const Cmp folded = cmp == Cmp::kLt || cmp == Cmp::kLe ? Cmp::kLt : Cmp::kGe;
      return Compare(folded, shifted, make(Op::kAdd, ExprType::kInt, {bound, shift}));
    }
    // date(ts) cmp D  ⇔  ts against the first instant of D (or D + 1) in the zone.
    if (l.op == Op::kTsToDate) {
      int32_t ts = l.args[0];
      auto start = [&](int32_t day) {
        Node n;
        n.op = Op::kDayStart;
        n.type = ExprType::kTimestamp;
        n.args = {day};
        return Make(std::move(n));
      };
      auto next_day = [&]() {
        Node add;
        add.op = Op::kAdd;
        add.type = ExprType::kInt;
        add.args = {DayNumber(b), Const(Value::Int(1))};
        return Make(std::move(add));
      };
      switch (cmp) {
        case Cmp::kLt:
          return Compare(Cmp::kLt, ts, start(b));
        case Cmp::kGe:
          return Compare(Cmp::kGe, ts, start(b));
        case Cmp::kLe:
          return Compare(Cmp::kLt, ts, start(next_day()));
        case Cmp::kGt:
          return Compare(Cmp::kGe, ts, start(next_day()));
        case Cmp::kEq:
          return And({Compare(Cmp::kGe, ts, start(b)), Compare(Cmp::kLt, ts, start(next_day()))});
        case Cmp::kNe:
          return Or({Compare(Cmp::kLt, ts, start(b)), Compare(Cmp::kGe, ts, start(next_day()))});
      }
    }
  }
  Node n;
  n.op = Op::kCompare;
  n.type = ExprType::kBool;
  n.cmp = cmp;
  n.args = {a, b};
  return Make(std::move(n));
}

int32_t ExprBuilder::Between(int32_t x, int32_t lo, int32_t hi) {
  const Node xn = node(x);  // A copy: building nodes below may move the graph's storage.
  if (!xn.eval_const && node(lo).eval_const && node(hi).eval_const && xn.op == Op::kDateDiff) {
    // C - y BETWEEN lo AND hi  ⇔  y BETWEEN C - hi AND C - lo  (and the mirror).
    auto arith = [&](Op op, int32_t a, int32_t b) {
      Node n;
      n.op = op;
      n.type = ExprType::kInt;
      n.args = {a, b};
      return Make(std::move(n));
    };
    if (node(xn.args[0]).eval_const && !node(xn.args[1]).eval_const) {
      int32_t c = DayNumber(xn.args[0]), y = xn.args[1];
      return Between(y, arith(Op::kSub, c, hi), arith(Op::kSub, c, lo));
    }
    if (node(xn.args[1]).eval_const && !node(xn.args[0]).eval_const) {
      int32_t c = DayNumber(xn.args[1]), y = xn.args[0];
      return Between(y, arith(Op::kAdd, c, lo), arith(Op::kAdd, c, hi));
    }
  }
  if (!xn.eval_const && node(lo).eval_const && node(hi).eval_const && xn.op == Op::kTsToDate) {
    // date(ts) BETWEEN lo AND hi  ⇔  date(ts) >= lo AND date(ts) <= hi, which
    // Compare turns into comparisons of ts with day starts: no row pays for a
    // time-zone conversion.
    return And({Compare(Cmp::kGe, x, lo), Compare(Cmp::kLe, x, hi)});
  }
  if (IsNullConst(x)) return Null(ExprType::kBool);
  Node n;
  n.op = Op::kBetween;
  n.type = ExprType::kBool;
  n.args = {x, lo, hi};
  return Make(std::move(n));
}

int32_t ExprBuilder::InSet(int32_t x, std::shared_ptr<const InSetPayload> set) {
  Node n;
  n.op = Op::kInSet;
  n.type = ExprType::kBool;
  n.args = {x};
  n.in_set = std::move(set);
  return Make(std::move(n));
}

}  // namespace docket::plan
