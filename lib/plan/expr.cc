#include "plan/expr.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "plan/functions.h"

namespace docket::plan {

std::string_view TyName(ExprType t) {
  switch (t) {
    case ExprType::kBool:
      return "bool";
    case ExprType::kInt:
      return "int";
    case ExprType::kFloat:
      return "float";
    case ExprType::kString:
      return "string";
    case ExprType::kDate:
      return "date";
    case ExprType::kTimestamp:
      return "timestamp";
    case ExprType::kNull:
      return "null";
  }
  return "?";
}

ExprType TyOf(TypeId id) {
  switch (id) {
    case TypeId::kBool:
      return ExprType::kBool;
    case TypeId::kInt:
      return ExprType::kInt;
    case TypeId::kFloat:
      return ExprType::kFloat;
    case TypeId::kString:
      return ExprType::kString;
    case TypeId::kDate:
      return ExprType::kDate;
    case TypeId::kTimestamp:
      return ExprType::kTimestamp;
  }
  return ExprType::kNull;
}

DataType DataTypeOf(ExprType t) {
  switch (t) {
    case ExprType::kInt:
      return DataType::Int();
    case ExprType::kFloat:
      return DataType::Float();
    case ExprType::kString:
      return DataType::String();
    case ExprType::kDate:
      return DataType::Date();
    case ExprType::kTimestamp:
      return DataType::Timestamp(TimeUnit::kMicro);
    default:
      return DataType::Bool();
  }
}

Value NullOf(ExprType t) { return Value::Null(DataTypeOf(t)); }

std::string_view CmpName(Cmp c) {
  switch (c) {
    case Cmp::kEq:
      return "=";
    case Cmp::kNe:
      return "!=";
    case Cmp::kLt:
      return "<";
    case Cmp::kLe:
      return "<=";
    case Cmp::kGt:
      return ">";
    case Cmp::kGe:
      return ">=";
  }
  return "?";
}

Cmp FlipCmp(Cmp c) {
  switch (c) {
    case Cmp::kLt:
      return Cmp::kGt;
    case Cmp::kLe:
      return Cmp::kGe;
    case Cmp::kGt:
      return Cmp::kLt;
    case Cmp::kGe:
      return Cmp::kLe;
    default:
      return c;
  }
}

Cmp NegateCmp(Cmp c) {
  switch (c) {
    case Cmp::kEq:
      return Cmp::kNe;
    case Cmp::kNe:
      return Cmp::kEq;
    case Cmp::kLt:
      return Cmp::kGe;
    case Cmp::kLe:
      return Cmp::kGt;
    case Cmp::kGt:
      return Cmp::kLe;
    case Cmp::kGe:
      return Cmp::kLt;
  }
  return c;
}

std::string_view FnName(Fn f) {
  const FnInfo& info = FnInfoOf(f);
  return info.lowering != nullptr ? info.lowering->plan_name : "?";
}

std::string_view AggName(Agg a) {
  switch (a) {
    case Agg::kExists:
      return "exists";
    case Agg::kCount:
      return "count";
    case Agg::kCountValues:
      return "count";
    case Agg::kSum:
      return "sum";
    case Agg::kAvg:
      return "avg";
    case Agg::kMin:
      return "min";
    case Agg::kMax:
      return "max";
  }
  return "?";
}

namespace {

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kConst:
      return "const";
    case Op::kParam:
      return "param";
    case Op::kToday:
      return "today";
    case Op::kColumn:
      return "column";
    case Op::kAnd:
      return "and";
    case Op::kOr:
      return "or";
    case Op::kNot:
      return "not";
    case Op::kIsNull:
      return "is_null";
    case Op::kIsNotNull:
      return "is_not_null";
    case Op::kCompare:
      return "cmp";
    case Op::kBetween:
      return "between";
    case Op::kInSet:
      return "in";
    case Op::kLike:
      return "like";
    case Op::kMatches:
      return "matches";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
    case Op::kMod:
      return "%";
    case Op::kNeg:
      return "neg";
    case Op::kIntToFloat:
      return "float";
    case Op::kTsToDate:
      return "ts_to_date";
    case Op::kDayStart:
      return "day_start";
    case Op::kCivilToTs:
      return "civil_to_ts";
    case Op::kDateAddDays:
      return "date_add_days";
    case Op::kDateDiff:
      return "date_diff";
    case Op::kAddMonths:
      return "add_months";
    case Op::kMonthsBound:
      return "months_bound";
    case Op::kMonthsShift:
      return "months_shift";
    case Op::kCase:
      return "case";
    case Op::kCoalesce:
      return "coalesce";
    case Op::kCall:
      return "call";
    case Op::kAggregate:
      return "aggregate";
    case Op::kParentValue:
      return "parent";
  }
  return "?";
}

void AppendValueKey(std::string* out, const Value& v) {
  absl::StrAppend(out, static_cast<int>(v.type().id), ":");
  if (v.is_null()) {
    out->append("N");
  } else if (v.type().id == TypeId::kFloat) {
    double d = v.float_value();
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    absl::StrAppend(out, "f", bits);
  } else if (v.type().id == TypeId::kString) {
    absl::StrAppend(out, "s", v.string_value().size(), ":", v.string_value());
  } else if (v.type().id == TypeId::kBool) {
    absl::StrAppend(out, v.bool_value() ? "T" : "F");
  } else {
    absl::StrAppend(out, "i", v.int_value());
  }
}

bool IsFallible(const Node& n) {
  switch (n.op) {
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kNeg:
      return n.type == ExprType::kInt;
    case Op::kDiv:
    case Op::kMod:
    case Op::kDateAddDays:
    case Op::kAddMonths:
      return true;
    case Op::kAggregate:
      return n.agg == Agg::kSum && n.type == ExprType::kInt;
    case Op::kCall:
      return IsFallibleFn(n.fn);
    default:
      return false;
  }
}

}  // namespace

std::string Graph::Key(const Node& n) const {
  std::string k =
      absl::StrCat(static_cast<int>(n.op), "|", static_cast<int>(n.type), "|",
                   static_cast<int>(n.cmp), "|", static_cast<int>(n.fn), "|", n.case_insensitive,
                   n.has_else, "|", n.column, "|", n.rule, "|", absl::StrJoin(n.args, ","), "|");
  if (n.op == Op::kAggregate || n.op == Op::kParentValue) {
    absl::StrAppend(&k, "A", static_cast<int>(n.agg), "L", n.link, "S", absl::StrJoin(n.sub, ","),
                    "|");
  }
  if (n.op == Op::kConst) AppendValueKey(&k, n.value);
  if (n.op == Op::kParam) absl::StrAppend(&k, n.name.size(), ":", n.name);
  if (n.op == Op::kMatches) absl::StrAppend(&k, n.regex_text.size(), ":", n.regex_text);
  if (n.in_set) {
    const InSetPayload& s = *n.in_set;
    absl::StrAppend(&k, "N", s.has_null, "I", absl::StrJoin(s.ints, ","), "F");
    for (double d : s.floats) {
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      absl::StrAppend(&k, bits, ",");
    }
    for (const std::string& str : s.strings) absl::StrAppend(&k, "S", str.size(), ":", str);
  }
  return k;
}

int32_t Graph::Intern(Node n) {
  n.fallible = IsFallible(n);
  if (!n.fallible) n.rule = -1;
  std::string key = Key(n);
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  n.eval_const = n.op != Op::kColumn;
  n.depth = 1;
  n.tree_size = 1;
  n.single_column = n.op == Op::kColumn ? n.column : -1;
  for (int32_t a : n.args) {
    const Node& c = nodes_[a];
    n.eval_const = n.eval_const && c.eval_const;
    n.depth = std::max(n.depth, c.depth + 1);
    n.tree_size = std::min<int64_t>(n.tree_size + c.tree_size, int64_t{1} << 50);
    if (n.single_column == -2 || c.single_column == -2 ||
        (c.single_column >= 0 && n.single_column >= 0 && c.single_column != n.single_column)) {
      n.single_column = -2;
    } else if (c.single_column >= 0) {
      n.single_column = c.single_column;
    }
  }
  if (n.op == Op::kAggregate || n.op == Op::kParentValue) {
    // A leaf of its own table that depends on data: never constant, never
    // "one column" (its rows are not the rows of the column it reads).
    n.eval_const = false;
    n.single_column = -2;
    for (int32_t a : n.sub) {
      const Node& c = nodes_[a];
      n.depth = std::max(n.depth, c.depth + 1);
      n.tree_size = std::min<int64_t>(n.tree_size + c.tree_size, int64_t{1} << 50);
    }
  }
  nodes_.push_back(std::move(n));
  int32_t id = static_cast<int32_t>(nodes_.size() - 1);
  index_.emplace(std::move(key), id);
  return id;
}

int32_t Graph::DerivedSlot(int32_t node, const std::string& table, ExprType type) {
  std::string key = absl::StrCat("#", node);
  auto it = column_index_.find(key);
  if (it != column_index_.end()) return it->second;
  columns_.push_back(ColumnRef{table, key, type, node});
  int32_t id = static_cast<int32_t>(columns_.size() - 1);
  column_index_.emplace(std::move(key), id);
  return id;
}

int32_t Graph::LinkSlot(const std::string& from, const std::string& to) {
  for (size_t i = 0; i < links_.size(); ++i) {
    if (links_[i].from == from && links_[i].to == to) return static_cast<int32_t>(i);
  }
  links_.push_back(LinkRef{from, to});
  return static_cast<int32_t>(links_.size() - 1);
}

int32_t Graph::HistorySlot(const std::string& table, HistoryRef ref, ExprType type) {
  std::string key =
      absl::StrCat("\x01history:", static_cast<int>(ref.kind), ":", ref.has_interval ? 1 : 0, ":",
                   ref.days, ":", ref.months, ":", ref.column.size(), ":", ref.column);
  for (const std::string& t : ref.path) absl::StrAppend(&key, ":", t.size(), ":", t);
  auto it = column_index_.find(key);
  if (it != column_index_.end()) return it->second;
  ColumnRef c{table, ref.text, type};
  c.history = static_cast<int32_t>(history_.size());
  history_.push_back(std::move(ref));
  columns_.push_back(std::move(c));
  int32_t id = static_cast<int32_t>(columns_.size() - 1);
  column_index_.emplace(std::move(key), id);
  return id;
}

int32_t Graph::ColumnSlot(const std::string& table, const std::string& name, ExprType type) {
  std::string key = absl::StrCat(table.size(), ":", table, name);
  auto it = column_index_.find(key);
  if (it != column_index_.end()) return it->second;
  columns_.push_back(ColumnRef{table, name, type});
  int32_t id = static_cast<int32_t>(columns_.size() - 1);
  column_index_.emplace(std::move(key), id);
  return id;
}

std::string Graph::Dump(int32_t id) const {
  const Node& n = nodes_[id];
  switch (n.op) {
    case Op::kConst:
      if (n.type == ExprType::kString && !n.value.is_null())
        return "'" + n.value.string_value() + "'";
      if (n.type == ExprType::kDate && !n.value.is_null())
        return "DATE '" + n.value.ToString() + "'";
      return n.value.ToString();
    case Op::kParam:
      return "$" + n.name;
    case Op::kToday:
      return "today";
    case Op::kColumn:
      return columns_[n.column].name;
    case Op::kAggregate: {
      const LinkRef& l = links_[n.link];
      std::string out = absl::StrCat("(", std::string(AggName(n.agg)), " ", l.from);
      if (n.sub.size() > 1) absl::StrAppend(&out, " value ", Dump(n.sub[1]));
      absl::StrAppend(&out, " where ", Dump(n.sub[0]), ")");
      return out;
    }
    case Op::kParentValue: {
      const LinkRef& l = links_[n.link];
      const ColumnRef& c = columns_[n.column];
      return absl::StrCat("(parent ", l.to, " ", n.sub.empty() ? c.name : Dump(n.sub[0]), ")");
    }
    default:
      break;
  }
  std::string head(OpName(n.op));
  if (n.op == Op::kCompare) head = std::string(CmpName(n.cmp));
  if (n.op == Op::kCall) head = std::string(FnName(n.fn));
  if (n.op == Op::kLike && n.case_insensitive) head = "ilike";
  std::string out = "(" + head;
  for (int32_t a : n.args) absl::StrAppend(&out, " ", Dump(a));
  if (n.op == Op::kMatches) absl::StrAppend(&out, " /", n.regex_text, "/");
  if (n.op == Op::kInSet) {
    const InSetPayload& s = *n.in_set;
    std::vector<std::string> items;
    for (int64_t v : s.ints) items.push_back(std::to_string(v));
    for (double v : s.floats) items.push_back(absl::StrCat(v));
    for (const std::string& v : s.strings) items.push_back("'" + v + "'");
    if (s.has_null) items.push_back("NULL");
    absl::StrAppend(&out, " {", absl::StrJoin(items, ", "), "}");
  }
  out += ")";
  return out;
}

}  // namespace docket::plan
