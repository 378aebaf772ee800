#include "plan/binder.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "base/names.h"
#include "docket/error.h"
#include "lang/literals.h"
#include "lang/parser.h"
#include "lang/stack_caps.h"
#include "plan/functions.h"
#include "re2/re2.h"
#include "storage/relations.h"

namespace docket::plan {

using namespace ::docket::lang;  // NOLINT: the binder reads every syntax type.

namespace {

// StrCat over std::string_view (this platform's absl::string_view is distinct).
template <typename T>
void AppendPiece(std::string* out, const T& v) {
  if constexpr (std::is_arithmetic_v<T>) {
    out->append(std::to_string(v));
  } else {
    out->append(std::string_view(v));
  }
}
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (AppendPiece(&out, args), ...);
  return out;
}

Cmp CmpOf(TokenKind k) {
  switch (k) {
    case TokenKind::kEq:
      return Cmp::kEq;
    case TokenKind::kNe:
      return Cmp::kNe;
    case TokenKind::kLt:
      return Cmp::kLt;
    case TokenKind::kLe:
      return Cmp::kLe;
    case TokenKind::kGt:
      return Cmp::kGt;
    default:
      return Cmp::kGe;
  }
}

bool IsNumeric(ExprType t) { return t == ExprType::kInt || t == ExprType::kFloat; }
bool IsTemporal(ExprType t) { return t == ExprType::kDate || t == ExprType::kTimestamp; }

// Pre-analyses a constant LIKE pattern (backslash escapes % _ and itself).
absl::StatusOr<plan::LikePayload> AnalyzeLike(std::string_view p, bool ci) {
  plan::LikePayload out;
  std::string lit;
  int leading = 0, trailing = 0;
  bool inner_wild = false, any_literal = false, underscore = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 == p.size())
        return absl::InvalidArgumentError("pattern ends with the escape character \\");
      if (trailing > 0) inner_wild = true;
      lit.push_back(p[++i]);
      any_literal = true;
      continue;
    }
    if (c == '_') {
      underscore = true;
      continue;
    }
    if (c == '%') {
      if (any_literal) {
        ++trailing;
      } else {
        ++leading;
      }
      continue;
    }
    if (trailing > 0) inner_wild = true;
    lit.push_back(c);
    any_literal = true;
  }
  if (ci) lit = absl::AsciiStrToLower(lit);
  out.literal = lit;
  if (underscore || inner_wild) {
    out.shape = plan::LikePayload::Shape::kGeneral;
  } else if (!any_literal) {
    out.shape = leading > 0 ? plan::LikePayload::Shape::kAny : plan::LikePayload::Shape::kExact;
  } else if (leading == 0 && trailing == 0) {
    out.shape = plan::LikePayload::Shape::kExact;
  } else if (leading == 0) {
    out.shape = plan::LikePayload::Shape::kPrefix;
  } else if (trailing == 0) {
    out.shape = plan::LikePayload::Shape::kSuffix;
  } else {
    out.shape = plan::LikePayload::Shape::kContains;
  }
  return out;
}

}  // namespace

Binder::Binder(plan::ExprBuilder* builder, const Schema* schema, const CompileOptions* options,
               SegmentMap* segments)
    : b_(builder), schema_(schema), options_(options), segments_(segments) {}

absl::Status Binder::Error(Span span, std::string message, std::string hint) const {
  if (!text_columns_.empty()) {
    std::string why = TextFallbackHint(span, message);
    if (!why.empty()) hint = hint.empty() ? why : Cat(hint, "; ", why);
  }
  return ctx_.source->Error(span, std::move(message), std::move(hint));
}

// A type error over a string column that inference made a string because of
// one value: where the value is, what it is, and how to declare the type.
std::string Binder::TextFallbackHint(Span span, const std::string& message) const {
  if (message.find("string") == std::string::npos) return "";
  for (const TextColumn& c : text_columns_) {
    if (c.source != ctx_.source || c.span.offset < span.offset ||
        c.span.offset + c.span.length > span.offset + span.length) {
      continue;
    }
    const TextFallback& f = *c.fallback;
    std::string type = f.would_be.empty() ? "<type>" : f.would_be;
    std::string fix = f.declare;
    if (fix.empty()) {
      std::string lower = absl::AsciiStrToLower(f.value);
      bool null_word = lower == "null" || lower == "n/a" || lower == "na" || lower == "none" ||
                       lower == "nil" || lower == "nan" || lower == "-";
      fix = Cat("declare the column's type (tables: {", c.table->name, ": {columns: {", f.column,
                ": ", type, "}}}) to get an error naming that value, or fix the value",
                null_word ? " (an empty field is NULL: write nothing there)" : "");
    }
    return Cat("column '", f.column, "' was read as string because of the value '", f.value,
               "' at ", f.where,
               f.would_be.empty() ? std::string(" (its other values disagree on a type)")
                                  : Cat(" (its other values are ", f.would_be, "s)"),
               "; ", fix);
  }
  return "";
}

std::string Binder::Describe(const Bound& b, const plan::ExprBuilder& builder) {
  if (b.string_literal) return "string '" + builder.node(b.id).value.string_value() + "'";
  return std::string(plan::TyName(b.type));
}

Binder::Bound Binder::Make(Node n, Span span) {
  Bound out;
  out.type = n.type;
  out.id = b_->Make(std::move(n));
  out.span = span;
  return out;
}

absl::StatusOr<int32_t> Binder::BindRule(const TableSchema& table, const SourceText& source,
                                         const SyntaxTree& tree, int32_t rule) {
  ctx_ = Context{&table, &source, &tree};
  rule_ = rule;
  b_->set_rule(rule);
  segment_stack_.clear();
  text_columns_.clear();
  Result r = BindValue(tree.root);
  if (!r.ok()) return r.status();
  Bound root = *r;
  if (root.type == ExprType::kNull)
    root.id = b_->Null(ExprType::kBool), root.type = ExprType::kBool;
  if (root.type != ExprType::kBool) {
    return Error(root.span, "a rule must be a condition (bool), but this is " + Describe(root, *b_),
                 "compare it, e.g. " +
                     std::string(root.type == ExprType::kString ? "x = 'value'" : "x > 0"));
  }
  const Node& n = b_->node(root.id);
  if (n.tree_size > options_->limits.max_expression_nodes) {
    return source.Limit(
        root.span, "max_expression_nodes", options_->limits.max_expression_nodes,
        "expression has " + std::to_string(n.tree_size) + " nodes after segment expansion");
  }
  int depth_cap = std::min(4 * options_->limits.max_expression_depth, kHardExpandedDepthCap);
  if (n.depth > depth_cap) {
    return source.Limit(root.span, "max_expression_depth", depth_cap,
                        "expression nested too deeply after segment expansion");
  }
  return root.id;
}

absl::StatusOr<int32_t> Binder::BindSegmentAlone(const TableSchema& table, std::string_view name,
                                                 int32_t rule) {
  auto it = segments_->find(name);
  if (it == segments_->end()) return absl::InternalError("no such segment");
  SegmentDef& seg = it->second;
  ctx_ = Context{&table, seg.source.get(), nullptr};
  rule_ = rule;
  b_->set_rule(rule);
  segment_stack_.clear();
  SyntaxNode use;
  use.kind = SyntaxKind::kName;
  use.text = seg.name;
  Result r = BindSegment(use, seg);
  if (!r.ok()) return r.status();
  return r->id;
}

absl::Status Binder::ExpectBool(Bound* b, std::string_view what) {
  if (b->type == ExprType::kNull) {
    b->id = b_->Null(ExprType::kBool);
    b->type = ExprType::kBool;
  }
  if (b->type != ExprType::kBool) {
    return Error(
        b->span, std::string(what) + " needs a condition (bool), but this is " + Describe(*b, *b_),
        b->type == ExprType::kString ? "compare it, e.g. x = 'value'" : "compare it, e.g. x > 0");
  }
  return absl::OkStatus();
}

absl::Status Binder::Coerce(Bound* b, ExprType target, std::string_view context) {
  if (b->type == target) return absl::OkStatus();
  if (b->type == ExprType::kNull) {
    b->id = b_->Null(target);
    b->type = target;
    return absl::OkStatus();
  }
  // A conversion node of type `type` over `arg`.
  auto convert = [&](Op op, ExprType type, int32_t arg, Span span) {
    Node n;
    n.op = op;
    n.type = type;
    n.args = {arg};
    return Make(std::move(n), span);
  };
  if (b->type == ExprType::kInt && target == ExprType::kFloat) {
    *b = convert(Op::kIntToFloat, ExprType::kFloat, b->id, b->span);
    return absl::OkStatus();
  }
  if (b->type == ExprType::kTimestamp && target == ExprType::kDate) {
    *b = convert(Op::kTsToDate, ExprType::kDate, b->id, b->span);
    return absl::OkStatus();
  }
  if (b->string_literal && IsTemporal(target)) {
    const std::string text = b_->node(b->id).value.string_value();
    if (target == ExprType::kDate) {
      std::optional<int32_t> d = ParseDateText(text);
      if (!d) {
        return Error(b->span, Cat("cannot ", context, " date with string '", text, "'"),
                     DateTextHint(text));
      }
      Span span = b->span;
      *b = Bound{b_->Const(Value::DateFromDays(*d)), ExprType::kDate, span};
      return absl::OkStatus();
    }
    std::optional<TimestampText> t = ParseTimestampText(text);
    if (!t) {
      return Error(b->span, Cat("cannot ", context, " timestamp with string '", text, "'"),
                   "write a timestamp as 'YYYY-MM-DD HH:MM:SS' (optionally with Z or ±HH:MM)");
    }
    Span span = b->span;
    if (t->has_zone) {
      *b = Bound{b_->Const(Value::Timestamp(t->micros, TimeUnit::kMicro)), ExprType::kTimestamp,
                 span};
    } else {
      *b = convert(Op::kCivilToTs, ExprType::kTimestamp, b_->Const(Value::Int(t->micros)), span);
    }
    return absl::OkStatus();
  }
  return Error(b->span, Cat("cannot ", context, " ", std::string(TyName(target)), " with ",
                            Describe(*b, *b_)));
}

// The hint for a date literal that does not read: which part is out of range.
std::string Binder::DateTextHint(const std::string& text) {
  int y = 0, m = 0, d = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' &&
      absl::SimpleAtoi(text.substr(0, 4), &y) && absl::SimpleAtoi(text.substr(5, 2), &m) &&
      absl::SimpleAtoi(text.substr(8, 2), &d)) {
    if (m < 1 || m > 12) return Cat("the month ", text.substr(5, 2), " is out of range (01-12)");
    absl::CivilDay first(y, m, 1);
    int days = static_cast<int>(absl::CivilDay(absl::CivilMonth(first) + 1) - first);
    if (d < 1 || d > days) {
      return Cat("the day ", text.substr(8, 2), " is out of range: ", text.substr(0, 7), " has ",
                 days, " days");
    }
  }
  return "write a date as 'YYYY-MM-DD', e.g. '2026-11-22'";
}

absl::StatusOr<ExprType> Binder::Unify(const std::vector<Bound*>& items, Span where,
                                       std::string_view context) {
  bool any_temporal = false, any_date = false, any_float = false;
  std::vector<ExprType> kinds;
  for (Bound* b : items) {
    if (b->type == ExprType::kNull) continue;
    if (IsTemporal(b->type)) any_temporal = true;
    if (b->type == ExprType::kDate) any_date = true;
    if (b->type == ExprType::kFloat) any_float = true;
  }
  ExprType target = ExprType::kNull;
  const Bound* first = nullptr;
  for (Bound* b : items) {
    if (b->type == ExprType::kNull) continue;
    if (b->string_literal && any_temporal) continue;  // Parsed below.
    ExprType t = b->type;
    if (IsNumeric(t)) t = any_float ? ExprType::kFloat : ExprType::kInt;
    if (IsTemporal(t)) t = any_date ? ExprType::kDate : ExprType::kTimestamp;
    if (target == ExprType::kNull) {
      target = t;
      first = b;
    } else if (t != target) {
      std::string hint;
      if ((IsNumeric(t) && target == ExprType::kString) ||
          (t == ExprType::kString && IsNumeric(target))) {
        // "Remove the quotes" only when the quoted text is a number ('42'); 'big' is text.
        const Bound* lit =
            b->string_literal ? b : (first && first->string_literal ? first : nullptr);
        if (lit != nullptr) {
          const std::string text = b_->node(lit->id).value.string_value();
          double unused = 0;
          hint = absl::SimpleAtod(text, &unused)
                     ? "remove the quotes around the number"
                     : Cat("'", text,
                           "' is text, not a number: compare with a number, "
                           "or compare a string column with it");
        }
      } else if ((t == ExprType::kInt && IsTemporal(target)) ||
                 (IsTemporal(t) && target == ExprType::kInt)) {
        hint = "for a number of days use days_since(d) or d - DATE 'YYYY-MM-DD'";
      }
      return Error(b->type != ExprType::kNull && first ? Span::Cover(first->span, b->span) : where,
                   Cat("cannot ", context, " ", Describe(*first, *b_), " with ", Describe(*b, *b_)),
                   hint);
    }
  }
  if (target == ExprType::kNull && any_temporal)
    target = any_date ? ExprType::kDate : ExprType::kTimestamp;
  if (target == ExprType::kNull) {
    // Only NULLs and string literals.
    for (Bound* b : items) {
      if (b->type != ExprType::kNull) target = b->type;
    }
  }
  if (target == ExprType::kNull) return ExprType::kNull;
  for (Bound* b : items) {
    if (absl::Status s = Coerce(b, target, context); !s.ok()) return s;
  }
  return target;
}

absl::Status Binder::AsDate(Bound* b, std::string_view fn) {
  if (b->type == ExprType::kDate) return absl::OkStatus();
  if (b->type == ExprType::kNull || b->type == ExprType::kTimestamp || b->string_literal) {
    return Coerce(b, ExprType::kDate, Cat("pass to ", fn, "() a"));
  }
  return Error(b->span, Cat(fn, "() expects a date, but this is ", Describe(*b, *b_)));
}

absl::Status Binder::AsString(Bound* b, std::string_view fn) {
  if (b->type == ExprType::kString) return absl::OkStatus();
  if (b->type == ExprType::kNull) return Coerce(b, ExprType::kString, "use");
  return Error(b->span, Cat(fn, " expects a string, but this is ", Describe(*b, *b_)));
}

absl::Status Binder::AsInt(Bound* b, std::string_view fn) {
  if (b->type == ExprType::kInt) return absl::OkStatus();
  if (b->type == ExprType::kNull) return Coerce(b, ExprType::kInt, "use");
  if (b->string_literal) {
    int64_t v;
    if (absl::SimpleAtoi(b_->node(b->id).value.string_value(), &v)) {
      b->id = b_->Const(Value::Int(v));
      b->type = ExprType::kInt;
      b->string_literal = false;
      return absl::OkStatus();
    }
  }
  return Error(b->span, Cat(fn, " expects an int, but this is ", Describe(*b, *b_)),
               b->type == ExprType::kFloat ? "round it with round(x)" : "");
}

absl::Status Binder::AsNumber(Bound* b, std::string_view fn) {
  if (IsNumeric(b->type)) return absl::OkStatus();
  if (b->type == ExprType::kNull) return Coerce(b, ExprType::kInt, "use");
  return Error(b->span, Cat(fn, " expects a number, but this is ", Describe(*b, *b_)));
}

Binder::Result Binder::BindValue(int32_t syntax_id) {
  Result r = Bind(syntax_id);
  if (r.ok() && r->interval) {
    return Error(r->span, "an INTERVAL can only be added to or subtracted from a date",
                 "write d + INTERVAL 3 MONTH or today - INTERVAL 4 MONTH");
  }
  return r;
}

Binder::Bound Binder::Literal(Value value, ExprType type, Span span) {
  Bound out;
  out.id = b_->Const(std::move(value));
  out.type = type;
  out.span = span;
  return out;
}

Binder::Result Binder::Bind(int32_t syntax_id) {
  const SyntaxNode& n = ctx_.tree->node(syntax_id);
  Bound out;
  out.span = n.span;
  switch (n.kind) {
    case SyntaxKind::kNull:
      out.id = b_->Null(ExprType::kNull);
      out.type = ExprType::kNull;
      return out;
    case SyntaxKind::kBool:
      return Literal(Value::Bool(n.bool_value), ExprType::kBool, n.span);
    case SyntaxKind::kInteger:
      return Literal(Value::Int(n.int_value), ExprType::kInt, n.span);
    case SyntaxKind::kFloat:
      return Literal(Value::Float(n.float_value), ExprType::kFloat, n.span);
    case SyntaxKind::kString:
      out = Literal(Value::String(n.text), ExprType::kString, n.span);
      out.string_literal = true;
      return out;
    case SyntaxKind::kDate:
      return BindDateLiteral(n);
    case SyntaxKind::kTimestamp:
      return BindTimestampLiteral(n);
    case SyntaxKind::kToday:
      out.id = b_->Today();
      out.type = ExprType::kDate;
      return out;
    case SyntaxKind::kInterval: {
      Result amount = BindValue(n.children[0]);
      if (!amount.ok()) return amount;
      Bound a = *amount;
      if (absl::Status s = AsInt(&a, "INTERVAL"); !s.ok()) return s;
      out.id = a.id;
      out.type = ExprType::kInt;
      out.interval = true;
      if (n.text == "DAY") out.interval_days = 1;
      if (n.text == "WEEK") out.interval_days = 7;
      if (n.text == "MONTH") out.interval_months = 1;
      if (n.text == "QUARTER") out.interval_months = 3;
      if (n.text == "YEAR") out.interval_months = 12;
      return out;
    }
    case SyntaxKind::kName:
      return BindName(n);
    case SyntaxKind::kDottedName:
      return BindParentField(n);
    case SyntaxKind::kParam: {
      auto it = options_->params.find(n.text);
      if (it == options_->params.end()) {
        std::vector<std::string> names;
        for (const auto& [k, v] : options_->params) names.push_back(k);
        std::string close = base::ClosestName(n.text, names);
        return Error(n.span, "unknown parameter $" + n.text,
                     close.empty() ? (names.empty() ? "declare it under params:"
                                                    : "declared: $" + absl::StrJoin(names, ", $"))
                                   : "did you mean $" + close + "?");
      }
      out.type = plan::TyOf(it->second.type().id);
      out.id = b_->Param(n.text, out.type);
      return out;
    }
    case SyntaxKind::kNot: {
      Result x = BindValue(n.children[0]);
      if (!x.ok()) return x;
      Bound v = *x;
      if (absl::Status s = ExpectBool(&v, "NOT"); !s.ok()) return s;
      out.id = b_->Not(v.id);
      out.type = ExprType::kBool;
      return out;
    }
    case SyntaxKind::kNegate: {
      Result x = BindValue(n.children[0]);
      if (!x.ok()) return x;
      Bound v = *x;
      if (v.type == ExprType::kNull) return v;
      if (!IsNumeric(v.type)) {
        return Error(n.span, "cannot negate " + Describe(v, *b_), "unary minus needs a number");
      }
      Node neg;
      neg.op = Op::kNeg;
      neg.type = v.type;
      neg.args = {v.id};
      return Make(std::move(neg), n.span);
    }
    case SyntaxKind::kAnd:
    case SyntaxKind::kOr: {
      std::vector<int32_t> args;
      for (int32_t c : n.children) {
        Result x = BindValue(c);
        if (!x.ok()) return x;
        Bound v = *x;
        if (absl::Status s = ExpectBool(&v, n.kind == SyntaxKind::kAnd ? "AND" : "OR"); !s.ok())
          return s;
        args.push_back(v.id);
      }
      out.id = n.kind == SyntaxKind::kAnd ? b_->And(args) : b_->Or(args);
      out.type = ExprType::kBool;
      return out;
    }
    case SyntaxKind::kCompare:
      return BindCompare(n);
    case SyntaxKind::kArithmetic:
      return BindArithmetic(n);
    case SyntaxKind::kIsNull: {
      Result x = BindValue(n.children[0]);
      if (!x.ok()) return x;
      out.id = b_->IsNull(x->id, n.negated);
      out.type = ExprType::kBool;
      return out;
    }
    case SyntaxKind::kIn:
      return BindIn(n);
    case SyntaxKind::kBetween: {
      std::vector<Bound> v;
      for (int32_t c : n.children) {
        Result x = BindValue(c);
        if (!x.ok()) return x;
        v.push_back(*x);
      }
      absl::StatusOr<ExprType> t = Unify({&v[0], &v[1], &v[2]}, n.span, "compare");
      if (!t.ok()) return t.status();
      int32_t id = b_->Between(v[0].id, v[1].id, v[2].id);
      out.id = n.negated ? b_->Not(id) : id;
      out.type = ExprType::kBool;
      return out;
    }
    case SyntaxKind::kLike:
    case SyntaxKind::kILike:
      return BindLike(n);
    case SyntaxKind::kMatches:
      return BindMatches(n);
    case SyntaxKind::kCall:
      return BindCall(n);
    case SyntaxKind::kCase:
      return BindCase(n);
  }
  return absl::InternalError("unhandled syntax node");
}

Binder::Result Binder::BindDateLiteral(const SyntaxNode& n) {
  std::optional<int32_t> d = ParseDateText(n.text);
  if (!d) {
    return Error(n.span, "invalid date '" + n.text + "'",
                 "write DATE 'YYYY-MM-DD', e.g. DATE '2026-11-22'");
  }
  return Bound{b_->Const(Value::DateFromDays(*d)), ExprType::kDate, n.span};
}

Binder::Result Binder::BindTimestampLiteral(const SyntaxNode& n) {
  std::optional<TimestampText> t = ParseTimestampText(n.text);
  if (!t) {
    return Error(n.span, "invalid timestamp '" + n.text + "'",
                 "write TIMESTAMP 'YYYY-MM-DD HH:MM:SS', optionally ending in Z or ±HH:MM");
  }
  if (t->has_zone)
    return Bound{b_->Const(Value::Timestamp(t->micros, TimeUnit::kMicro)), ExprType::kTimestamp,
                 n.span};
  Node c;
  c.op = Op::kCivilToTs;
  c.type = ExprType::kTimestamp;
  c.args = {b_->Const(Value::Int(t->micros))};
  return Make(std::move(c), n.span);
}

Binder::Result Binder::BindName(const SyntaxNode& n) {
  if (!n.quoted && absl::AsciiStrToLower(n.text) == "today") {
    return Bound{b_->Today(), ExprType::kDate, n.span};
  }
  if (n.text == "*") return Error(n.span, "'*' is only allowed in count(*) of related records");
  const ColumnSchema* col = ctx_.table->Column(n.text);
  auto seg = segments_->find(n.text);
  if (col != nullptr && seg != segments_->end()) {
    return Error(n.span,
                 "'" + n.text + "' is both a column of " + ctx_.table->name + " and a segment",
                 "rename the segment");
  }
  if (col != nullptr) {
    ExprType t = plan::TyOf(col->type.id);
    int32_t slot = b_->graph()->ColumnSlot(ctx_.table->name, col->name, t);
    if (t == ExprType::kString) {
      if (const TextFallback* f = ctx_.table->FallbackOf(col->name)) {
        text_columns_.push_back(TextColumn{ctx_.source, n.span, ctx_.table, f});
      }
    }
    return Bound{b_->Column(slot, t), t, n.span};
  }
  if (seg != segments_->end()) return BindSegment(n, seg->second);
  std::vector<std::string> names;
  for (const ColumnSchema& c : ctx_.table->columns) names.push_back(c.name);
  for (const auto& [k, v] : *segments_) names.push_back(k);
  std::string close = base::ClosestName(n.text, names);
  std::string hint;
  // A column of an ancestor needs its path (account.arr).
  const int max_depth = options_->limits.max_relation_depth;
  absl::StatusOr<std::vector<std::string>> above =
      storage::Ancestors(*schema_, ctx_.table->name, max_depth);
  for (const std::string& name : above.ok() ? *above : std::vector<std::string>()) {
    const TableSchema* up = schema_->FindTable(name);
    std::string path = storage::ParentPath(*schema_, ctx_.table->name, name, max_depth);
    if (up != nullptr && up->Column(n.text) != nullptr && !path.empty()) {
      hint = "'" + n.text + "' is a column of " + up->name + ": write " + path + n.text;
      break;
    }
  }
  // A column the data has but the schema does not declare (io/data_columns.h).
  const std::vector<std::string>& undeclared = ctx_.table->undeclared_columns;
  auto in_data = [&](const std::string& c) {
    return std::find(undeclared.begin(), undeclared.end(), c) != undeclared.end();
  };
  std::string declare = " under tables: " + ctx_.table->name + ": columns: to use it";
  if (hint.empty() && in_data(n.text)) {
    return Error(n.span,
                 "column '" + n.text + "' is in the data of " + ctx_.table->name +
                     " but not declared in its schema",
                 (close.empty() ? "" : "did you mean '" + close + "'? or ") + "declare '" + n.text +
                     "'" + declare);
  }
  if (hint.empty() && close.empty()) {
    close = base::ClosestName(n.text, undeclared);
    if (!close.empty()) {
      hint =
          "did you mean '" + close + "'? it is in the data but not declared: declare it" + declare;
    }
  }
  if (!hint.empty()) {
  } else if (!close.empty()) {
    hint = "did you mean '" + close + "'?";
  } else if (schema_->FindTable(n.text) != nullptr) {
    hint =
        "'" + n.text + "' is a table: use exists(" + n.text + " WHERE …) or count(" + n.text + ")";
  } else {
    for (const std::string& c : names) {
      if (absl::AsciiStrToLower(c) == absl::AsciiStrToLower(n.text))
        hint = "names are case-sensitive: '" + c + "'";
    }
  }
  return Error(n.span,
               "unknown column '" + n.text + "'" +
                   (ctx_.table->name.empty() ? "" : " in " + ctx_.table->name),
               hint);
}

Binder::Result Binder::BindSegment(const SyntaxNode& use, SegmentDef& seg) {
  seg.used = true;
  if (std::find(segment_stack_.begin(), segment_stack_.end(), seg.name) != segment_stack_.end()) {
    std::vector<std::string> path(std::find(segment_stack_.begin(), segment_stack_.end(), seg.name),
                                  segment_stack_.end());
    path.push_back(seg.name);
    return Error(use.span, "segment cycle: " + absl::StrJoin(path, " -> "),
                 "a segment cannot use itself, directly or through others");
  }
  if (!seg.parsed) {
    seg.parsed = true;
    absl::StatusOr<SyntaxTree> tree = Parse(*seg.source, options_->limits);
    if (tree.ok()) {
      seg.tree = *std::move(tree);
    } else {
      seg.parse_status = tree.status();
    }
  }
  if (!seg.parse_status.ok()) return seg.parse_status;
  if (static_cast<int64_t>(segment_stack_.size()) >= options_->limits.max_segment_depth) {
    return ctx_.source->Limit(use.span, "max_segment_depth", options_->limits.max_segment_depth,
                              "segments used inside segments");
  }
  Context saved = ctx_;
  segment_stack_.push_back(seg.name);
  ctx_.source = seg.source.get();
  ctx_.tree = &seg.tree;
  Result r = BindValue(seg.tree.root);
  ctx_ = saved;
  segment_stack_.pop_back();
  if (!r.ok()) return r;
  Bound out = *r;
  out.span = use.span;
  out.string_literal = false;
  if (out.type == ExprType::kNull)
    out = Bound{b_->Null(ExprType::kBool), ExprType::kBool, use.span};
  if (out.type != ExprType::kBool) {
    return seg.source->Error(seg.tree.node(seg.tree.root).span,
                             "segment '" + seg.name + "' must be a condition (bool), but it is " +
                                 std::string(plan::TyName(out.type)));
  }
  return out;
}

Binder::Result Binder::BindCompare(const SyntaxNode& n) {
  Result a = BindValue(n.children[0]);
  if (!a.ok()) return a;
  Result b = BindValue(n.children[1]);
  if (!b.ok()) return b;
  Bound l = *a, r = *b;
  absl::StatusOr<ExprType> t = Unify({&l, &r}, n.span, "compare");
  if (!t.ok()) return t.status();
  return Bound{b_->Compare(CmpOf(n.op), l.id, r.id), ExprType::kBool, n.span};
}

Binder::Result Binder::BindArithmetic(const SyntaxNode& n) {
  Result ra = Bind(n.children[0]);
  if (!ra.ok()) return ra;
  Result rb = Bind(n.children[1]);
  if (!rb.ok()) return rb;
  Bound a = *ra, b = *rb;
  const TokenKind op = n.op;
  const char* verb = op == TokenKind::kPlus    ? "add"
                     : op == TokenKind::kMinus ? "subtract"
                     : op == TokenKind::kStar  ? "multiply"
                     : op == TokenKind::kSlash ? "divide"
                                               : "take the modulo of";
  if (a.interval && op == TokenKind::kPlus && !b.interval) std::swap(a, b);
  if (a.interval) {
    return Error(a.span, "an INTERVAL can only be added to or subtracted from a date",
                 "write d + INTERVAL 3 MONTH or today - INTERVAL 4 MONTH");
  }
  if (b.interval) {
    if (op != TokenKind::kPlus && op != TokenKind::kMinus) {
      return Error(b.span, "an INTERVAL can only be added to or subtracted from a date");
    }
    if (a.type != ExprType::kDate && a.type != ExprType::kTimestamp && a.type != ExprType::kNull &&
        !a.string_literal) {
      return Error(a.span, std::string("cannot ") + verb + " an INTERVAL and " + Describe(a, *b_),
                   "intervals apply to dates: d + INTERVAL 1 MONTH");
    }
    if (absl::Status s = Coerce(&a, ExprType::kDate, "use"); !s.ok()) return s;
    int32_t amount = b.id;
    int64_t mult = b.interval_days ? b.interval_days : b.interval_months;
    if (mult != 1) {
      Node mul;
      mul.op = Op::kMul;
      mul.type = ExprType::kInt;
      mul.args = {amount, b_->Const(Value::Int(mult))};
      amount = b_->Make(std::move(mul));
    }
    if (op == TokenKind::kMinus) {
      Node neg;
      neg.op = Op::kNeg;
      neg.type = ExprType::kInt;
      neg.args = {amount};
      amount = b_->Make(std::move(neg));
    }
    Node d;
    d.op = b.interval_days ? Op::kDateAddDays : Op::kAddMonths;
    d.type = ExprType::kDate;
    d.args = {a.id, amount};
    return Make(std::move(d), n.span);
  }
  auto fail = [&]() -> absl::Status {
    std::string hint;
    if (a.type == ExprType::kString || b.type == ExprType::kString) {
      hint = a.string_literal || b.string_literal ? "remove the quotes around the number"
                                                  : "arithmetic needs numbers";
      if (op == TokenKind::kPlus && a.type == ExprType::kString && b.type == ExprType::kString)
        hint = "strings cannot be added";
    }
    if (IsTemporal(a.type) && IsTemporal(b.type) && op == TokenKind::kPlus)
      hint = "subtract dates to get days";
    if (IsTemporal(a.type) && IsNumeric(b.type) && op != TokenKind::kMinus) {
      hint = "add days with d + n or months with d + INTERVAL n MONTH";
    }
    return Error(
        n.span, std::string("cannot ") + verb + " " + Describe(a, *b_) + " and " + Describe(b, *b_),
        hint);
  };
  // Timestamps meet dates and days as civil dates.
  if ((op == TokenKind::kPlus || op == TokenKind::kMinus) &&
      (IsTemporal(a.type) || IsTemporal(b.type))) {
    if (a.type == ExprType::kTimestamp) {
      if (absl::Status s = Coerce(&a, ExprType::kDate, "use"); !s.ok()) return s;
    }
    if (b.type == ExprType::kTimestamp) {
      if (absl::Status s = Coerce(&b, ExprType::kDate, "use"); !s.ok()) return s;
    }
    if (op == TokenKind::kPlus && b.type == ExprType::kDate) std::swap(a, b);
    if (a.type == ExprType::kDate && b.string_literal && op == TokenKind::kMinus) {
      if (absl::Status s = Coerce(&b, ExprType::kDate, "subtract from a"); !s.ok()) return s;
    }
    if (a.string_literal && b.type == ExprType::kDate && op == TokenKind::kMinus) {
      if (absl::Status s = Coerce(&a, ExprType::kDate, "subtract a"); !s.ok()) return s;
    }
    if (a.type == ExprType::kDate && b.type == ExprType::kNull) {
      return Bound{b_->Null(op == TokenKind::kPlus ? ExprType::kDate : ExprType::kNull),
                   op == TokenKind::kPlus ? ExprType::kDate : ExprType::kNull, n.span};
    }
    if (a.type == ExprType::kNull && b.type == ExprType::kDate)
      return Bound{b_->Null(ExprType::kNull), ExprType::kNull, n.span};
    if (a.type == ExprType::kDate && b.type == ExprType::kInt) {
      int32_t amount = b.id;
      if (op == TokenKind::kMinus) {
        Node neg;
        neg.op = Op::kNeg;
        neg.type = ExprType::kInt;
        neg.args = {amount};
        amount = b_->Make(std::move(neg));
      }
      Node d;
      d.op = Op::kDateAddDays;
      d.type = ExprType::kDate;
      d.args = {a.id, amount};
      return Make(std::move(d), n.span);
    }
    if (a.type == ExprType::kDate && b.type == ExprType::kDate && op == TokenKind::kMinus) {
      Node d;
      d.op = Op::kDateDiff;
      d.type = ExprType::kInt;
      d.args = {a.id, b.id};
      return Make(std::move(d), n.span);
    }
    return fail();
  }
  if (a.type == ExprType::kNull && b.type == ExprType::kNull)
    return Bound{b_->Null(ExprType::kNull), ExprType::kNull, n.span};
  if ((!IsNumeric(a.type) && a.type != ExprType::kNull) ||
      (!IsNumeric(b.type) && b.type != ExprType::kNull))
    return fail();
  ExprType t = (a.type == ExprType::kFloat || b.type == ExprType::kFloat) ? ExprType::kFloat
                                                                          : ExprType::kInt;
  if (op == TokenKind::kSlash) t = ExprType::kFloat;
  if (absl::Status s = Coerce(&a, t, "use"); !s.ok()) return s;
  if (absl::Status s = Coerce(&b, t, "use"); !s.ok()) return s;
  Node node;
  node.type = t;
  node.args = {a.id, b.id};
  switch (op) {
    case TokenKind::kPlus:
      node.op = Op::kAdd;
      break;
    case TokenKind::kMinus:
      node.op = Op::kSub;
      break;
    case TokenKind::kStar:
      node.op = Op::kMul;
      break;
    case TokenKind::kSlash:
      node.op = Op::kDiv;
      break;
    default:
      node.op = Op::kMod;
      break;
  }
  return Make(std::move(node), n.span);
}

Binder::Result Binder::BindIn(const SyntaxNode& n) {
  std::vector<Bound> v;
  for (int32_t c : n.children) {
    Result x = BindValue(c);
    if (!x.ok()) return x;
    v.push_back(*x);
  }
  std::vector<Bound*> ptrs;
  ptrs.reserve(v.size());
  for (Bound& b : v) ptrs.push_back(&b);
  absl::StatusOr<ExprType> t = Unify(ptrs, n.span, "compare");
  if (!t.ok()) return t.status();
  int32_t id;
  bool all_const = true;
  for (size_t i = 1; i < v.size(); ++i) all_const = all_const && b_->IsConst(v[i].id);
  if (b_->IsNullConst(v[0].id)) {
    id = b_->Null(ExprType::kBool);
  } else if (all_const && *t != ExprType::kNull) {
    auto set = std::make_shared<plan::InSetPayload>();
    for (size_t i = 1; i < v.size(); ++i) {
      const Value& val = b_->node(v[i].id).value;
      if (val.is_null()) {
        set->has_null = true;
      } else if (*t == ExprType::kFloat) {
        set->floats.push_back(val.float_value());
      } else if (*t == ExprType::kString) {
        if (set->string_set.insert(val.string_value()).second)
          set->strings.push_back(val.string_value());
      } else if (*t == ExprType::kBool) {
        set->ints.push_back(val.bool_value());
      } else {
        set->ints.push_back(val.int_value());
      }
    }
    std::sort(set->ints.begin(), set->ints.end());
    set->ints.erase(std::unique(set->ints.begin(), set->ints.end()), set->ints.end());
    std::sort(set->floats.begin(), set->floats.end());
    set->floats.erase(std::unique(set->floats.begin(), set->floats.end()), set->floats.end());
    std::sort(set->strings.begin(), set->strings.end());
    if (b_->IsConst(v[0].id)) {
      // Fold: evaluate x = item for each item.
      std::vector<int32_t> eqs;
      for (size_t i = 1; i < v.size(); ++i) eqs.push_back(b_->Compare(Cmp::kEq, v[0].id, v[i].id));
      id = b_->Or(eqs);
    } else {
      id = b_->InSet(v[0].id, std::move(set));
    }
  } else {
    // x IN (a, b, …) is x = a OR x = b OR …, which has SQL's NULL rules.
    std::vector<int32_t> eqs;
    for (size_t i = 1; i < v.size(); ++i) eqs.push_back(b_->Compare(Cmp::kEq, v[0].id, v[i].id));
    id = b_->Or(eqs);
  }
  return Bound{n.negated ? b_->Not(id) : id, ExprType::kBool, n.span};
}

Binder::Result Binder::BindLike(const SyntaxNode& n) {
  const bool ci = n.kind == SyntaxKind::kILike;
  const char* kw = ci ? "ILIKE" : "LIKE";
  Result a = BindValue(n.children[0]);
  if (!a.ok()) return a;
  Result p = BindValue(n.children[1]);
  if (!p.ok()) return p;
  Bound x = *a, pat = *p;
  if (absl::Status s = AsString(&x, kw); !s.ok()) return s;
  if (absl::Status s = AsString(&pat, std::string(kw) + " pattern"); !s.ok()) return s;
  Node node;
  node.op = Op::kLike;
  node.type = ExprType::kBool;
  node.case_insensitive = ci;
  node.args = {x.id, pat.id};
  if (b_->IsConst(pat.id) && !b_->IsNullConst(pat.id)) {
    absl::StatusOr<plan::LikePayload> like = AnalyzeLike(b_->node(pat.id).value.string_value(), ci);
    if (!like.ok())
      return Error(
          pat.span,
          "invalid " + std::string(kw) + " pattern: " + std::string(like.status().message()),
          "write \\\\ for a literal backslash");
    node.like = std::make_shared<plan::LikePayload>(*std::move(like));
  }
  int32_t id = b_->Make(std::move(node));
  return Bound{n.negated ? b_->Not(id) : id, ExprType::kBool, n.span};
}

Binder::Result Binder::BindMatches(const SyntaxNode& n) {
  Result a = BindValue(n.children[0]);
  if (!a.ok()) return a;
  Result p = BindValue(n.children[1]);
  if (!p.ok()) return p;
  Bound x = *a, pat = *p;
  if (absl::Status s = AsString(&x, "MATCHES"); !s.ok()) return s;
  if (!b_->IsConst(pat.id) || pat.type != ExprType::kString || b_->IsNullConst(pat.id)) {
    return Error(pat.span, "the pattern of MATCHES must be a constant string",
                 "write s MATCHES '^ent' (patterns are compiled once, at compile time)");
  }
  const std::string& text = b_->node(pat.id).value.string_value();
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(std::max<int64_t>(1 << 20, options_->limits.regex_max_program_size * 64 * 16));
  auto re = std::make_shared<RE2>(text, opts);
  if (!re->ok()) {
    std::string arg = re->error_arg();
    return Error(pat.span, "invalid regular expression: " + re->error(),
                 arg.empty() ? "see RE2 syntax" : "check '" + arg + "'");
  }
  if (re->ProgramSize() > options_->limits.regex_max_program_size) {
    return ctx_.source->Limit(
        pat.span, "regex_max_program_size", options_->limits.regex_max_program_size,
        "regular expression too large (program size " + std::to_string(re->ProgramSize()) + ")");
  }
  Node node;
  node.op = Op::kMatches;
  node.type = ExprType::kBool;
  node.args = {x.id};
  node.regex = std::move(re);
  node.regex_text = text;
  int32_t id = b_->Make(std::move(node));
  return Bound{n.negated ? b_->Not(id) : id, ExprType::kBool, n.span};
}

Binder::Result Binder::BindCase(const SyntaxNode& n) {
  std::vector<Bound> conds, values;
  size_t pairs = (n.children.size() - (n.has_else ? 1 : 0)) / 2;
  for (size_t i = 0; i < pairs; ++i) {
    Result c = BindValue(n.children[2 * i]);
    if (!c.ok()) return c;
    Bound cb = *c;
    if (absl::Status s = ExpectBool(&cb, "WHEN"); !s.ok()) return s;
    conds.push_back(cb);
    Result v = BindValue(n.children[2 * i + 1]);
    if (!v.ok()) return v;
    values.push_back(*v);
  }
  if (n.has_else) {
    Result v = BindValue(n.children.back());
    if (!v.ok()) return v;
    values.push_back(*v);
  }
  std::vector<Bound*> ptrs;
  ptrs.reserve(values.size());
  for (Bound& v : values) ptrs.push_back(&v);
  absl::StatusOr<ExprType> t = Unify(ptrs, n.span, "mix");
  if (!t.ok()) return t.status();
  ExprType type = *t == ExprType::kNull ? ExprType::kNull : *t;
  // Drop branches whose condition is constant FALSE/NULL; stop at a constant TRUE.
  Node node;
  node.op = Op::kCase;
  node.type = type;
  for (size_t i = 0; i < pairs; ++i) {
    const plan::Node& c = b_->node(conds[i].id);
    if (c.op == Op::kConst) {
      if (c.value.is_null() || !c.value.bool_value()) continue;
      if (node.args.empty()) return Bound{values[i].id, type, n.span};
      node.args.push_back(values[i].id);
      node.has_else = true;
      break;
    }
    node.args.push_back(conds[i].id);
    node.args.push_back(values[i].id);
  }
  if (!node.has_else && n.has_else) {
    if (node.args.empty()) return Bound{values.back().id, type, n.span};
    node.args.push_back(values.back().id);
    node.has_else = true;
  }
  if (node.args.empty()) return Bound{b_->Null(type), type, n.span};
  return Make(std::move(node), n.span);
}

Binder::Result Binder::BindCall(const SyntaxNode& n) {
  const std::string name = absl::AsciiStrToLower(n.text);
  const FunctionEntry* entry = FindFunction(name);
  if (entry == nullptr) {
    std::string close = base::ClosestName(name, FunctionNames());
    return Error(
        Span{n.span.offset, static_cast<int32_t>(n.text.size())},
        "unknown function '" + n.text + "'",
        close.empty() ? "see docs/language.md for the functions" : "did you mean '" + close + "'?");
  }
  switch (entry->kind) {
    case FunctionKind::kRelated:
      return BindAggregate(n, name);
    case FunctionKind::kHistory:
      return BindHistory(n, name);
    case FunctionKind::kScalar:
      break;
  }
  if (n.filter >= 0) {
    return Error(ctx_.tree->node(n.filter).span,
                 "WHERE is only allowed inside related-record aggregates");
  }
  int argc = static_cast<int>(n.children.size());
  if (argc < entry->min_args || (entry->max_args >= 0 && argc > entry->max_args)) {
    std::string want = entry->min_args == entry->max_args ? std::to_string(entry->min_args)
                       : entry->max_args < 0 ? "at least " + std::to_string(entry->min_args)
                                             : std::to_string(entry->min_args) + " or " +
                                                   std::to_string(entry->max_args);
    return Error(n.span,
                 Cat(name, "() takes ", want, " argument",
                     (entry->max_args < 0 ? entry->min_args : entry->max_args) == 1 ? "" : "s",
                     ", got ", argc),
                 std::string(entry->signature));
  }
  std::vector<Bound> args;
  for (int32_t c : n.children) {
    Result x = BindValue(c);
    if (!x.ok()) return x;
    args.push_back(*x);
  }
  if (entry->bind == nullptr) {
    return Error(Span{n.span.offset, static_cast<int32_t>(n.text.size())},
                 "function '" + name + "' is not implemented");
  }
  CallBinding call(this, entry, name, n.span, std::move(args));
  return entry->bind(call);
}

// Binder::BindHistory: plan/bind_history.cc.

// ---------------------------------------------------------------------------
// CallBinding: what a function's typing rule (plan/functions.cc) may use.

ExprBuilder& CallBinding::builder() { return *binder_->b_; }

absl::Status CallBinding::AsDate(int i, std::string_view what) {
  return binder_->AsDate(&args_[i], what);
}
absl::Status CallBinding::AsString(int i, std::string_view what) {
  return binder_->AsString(&args_[i], what);
}
absl::Status CallBinding::AsInt(int i, std::string_view what) {
  return binder_->AsInt(&args_[i], what);
}
absl::Status CallBinding::AsNumber(int i, std::string_view what) {
  return binder_->AsNumber(&args_[i], what);
}

absl::StatusOr<ExprType> CallBinding::UnifyAll(std::string_view context) {
  std::vector<BoundExpr*> ptrs;
  ptrs.reserve(args_.size());
  for (BoundExpr& b : args_) ptrs.push_back(&b);
  return Unify(ptrs, context);
}

absl::StatusOr<ExprType> CallBinding::Unify(const std::vector<BoundExpr*>& items,
                                            std::string_view context) {
  return binder_->Unify(items, span_, context);
}

absl::Status CallBinding::Error(Span span, std::string message, std::string hint) const {
  return binder_->Error(span, std::move(message), std::move(hint));
}

BoundExpr CallBinding::Call(Fn fn, ExprType type, std::vector<int32_t> args) {
  Node node;
  node.op = Op::kCall;
  node.fn = fn;
  node.type = type;
  node.args = std::move(args);
  return binder_->Make(std::move(node), span_);
}

BoundExpr CallBinding::Operator(Op op, ExprType type, std::vector<int32_t> args) {
  Node node;
  node.op = op;
  node.type = type;
  node.args = std::move(args);
  return binder_->Make(std::move(node), span_);
}

// ---------------------------------------------------------------------------
// Related records.

const TableSchema* Binder::ParentOf(const TableSchema& t) const {
  if (!t.parent.has_value()) return nullptr;
  return schema_->FindTable(t.parent->table);
}

std::vector<const TableSchema*> Binder::DescendantsOf(const TableSchema& t) const {
  // storage/relations.h walks the relations (Limits::max_relation_depth caps
  // an unvalidated schema's cycle); past the limit no table is below.
  absl::StatusOr<std::vector<std::string>> names =
      storage::Descendants(*schema_, t.name, options_->limits.max_relation_depth);
  std::vector<const TableSchema*> out;
  if (!names.ok()) return out;
  for (const std::string& name : *names) out.push_back(schema_->FindTable(name));
  return out;
}

Binder::Result Binder::BindNameIn(const TableSchema& table, const std::string& name, Span span) {
  SyntaxNode use;
  use.kind = SyntaxKind::kName;
  use.text = name;
  use.span = span;
  const TableSchema* saved = ctx_.table;
  ctx_.table = &table;
  Result r = BindName(use);
  ctx_.table = saved;
  return r;
}

Binder::Result Binder::BindParentField(const SyntaxNode& n) {
  const TableSchema* cur = ctx_.table;
  for (size_t i = 0; i + 1 < n.parts.size(); ++i) {
    const std::string& step = n.parts[i];
    const TableSchema* parent = ParentOf(*cur);
    if (parent != nullptr && cur->parent->as == step) {
      cur = parent;
      continue;
    }
    std::string where = i == 0 ? "" : " (after '" + n.parts[i - 1] + ".', in " + cur->name + ")";
    std::string hint;
    if (parent != nullptr && step == parent->name) {
      hint = "write " + cur->parent->as + "." + n.parts[i + 1] + ": '" + cur->parent->as +
             "' is the name " + cur->name + " gives its parent";
    } else if (const TableSchema* t = schema_->FindTable(step); t != nullptr) {
      std::vector<const TableSchema*> below = DescendantsOf(*cur);
      if (std::find(below.begin(), below.end(), t) != below.end()) {
        hint = absl::StrCat("'", step, "' is a child table of ", cur->name,
                            ": use an aggregate, e.g. count(", step, ") or sum(", step, ".",
                            n.parts[i + 1], ")");
      }
    } else if (cur->Column(step) != nullptr) {
      hint = "'" + step + "' is a column; quote a column whose name has a dot: \"" + n.text + "\"";
    }
    if (hint.empty()) {
      hint = parent != nullptr
                 ? cur->name + "'s parent is '" + cur->parent->as + "' (table " + parent->name + ")"
                 : cur->name + " has no parent table (declare 'parent:' in the schema)";
    }
    return Error(n.span, absl::StrCat("unknown parent '", step, "' of ", cur->name, where), hint);
  }
  if (cur == ctx_.table) {
    // Only a schema that was never validated has a parent cycle.
    return Error(n.span, "the parent relations of " + cur->name + " form a cycle",
                 "Schema::Validate refuses parent cycles; validate the schema first");
  }
  Result x = BindNameIn(*cur, n.parts.back(), n.span);
  if (!x.ok()) return x;
  int32_t link = b_->graph()->LinkSlot(ctx_.table->name, cur->name);
  Bound out = *x;
  out.id = b_->ParentValue(link, cur->name, x->id);
  out.span = n.span;
  out.string_literal = false;
  return out;
}

Binder::Result Binder::BindAggregate(const SyntaxNode& n, const std::string& name) {
  const bool table_form = name == "exists" || name == "count";
  const std::string example = name == "exists" ? "exists(contacts WHERE persona = 'champion')"
                              : name == "count"
                                  ? "count(tasks WHERE status = 'open')"
                                  : name + "(opportunities.amount WHERE stage = 'proposal')";
  if (n.children.size() != 1) {
    return Error(
        n.span,
        name + "() takes one related table" + (table_form ? "" : " column") +
            (n.children.empty() ? "" : ", got " + std::to_string(n.children.size()) + " arguments"),
        "write " + example +
            (name == "min" || name == "max" ? "; for the least of values use least()" : ""));
  }
  const SyntaxNode& arg = ctx_.tree->node(n.children[0]);
  std::string table_name, column_name;
  if (arg.kind == SyntaxKind::kName && arg.text != "*") {
    table_name = arg.text;
  } else if (arg.kind == SyntaxKind::kDottedName && arg.parts.size() == 2) {
    table_name = arg.parts[0];
    column_name = arg.parts[1];
  } else {
    return Error(arg.span,
                 "the argument of " + name + "() must be a related " +
                     (table_form ? "table" : "table's column"),
                 "write " + example);
  }
  const TableSchema* child = schema_->FindTable(table_name);
  std::vector<const TableSchema*> below = DescendantsOf(*ctx_.table);
  if (child == nullptr || std::find(below.begin(), below.end(), child) == below.end()) {
    std::vector<std::string> names;
    names.reserve(below.size());
    for (const TableSchema* t : below) names.push_back(t->name);
    std::string hint;
    if (child == nullptr && arg.kind == SyntaxKind::kName &&
        ctx_.table->Column(table_name) != nullptr) {
      hint = "'" + table_name + "' is a column of " + ctx_.table->name + "; " + name +
             "() ranges over a child table: " + example;
    } else if (names.empty()) {
      hint = ctx_.table->name +
             " has no child tables (a table with 'parent: {table: " + ctx_.table->name +
             ", …}' in the schema)";
    } else if (std::string close = base::ClosestName(table_name, names); !close.empty()) {
      hint = "did you mean '" + close + "'?";
    } else {
      hint = "the tables below " + ctx_.table->name + " are " + absl::StrJoin(names, ", ");
    }
    Span where =
        arg.kind == SyntaxKind::kName
            ? arg.span
            : Span{arg.span.offset,
                   static_cast<int32_t>(std::min<size_t>(table_name.size(), arg.span.length))};
    return Error(where,
                 child == nullptr
                     ? "unknown table '" + table_name + "'"
                     : "'" + table_name + "' is not a child table of " + ctx_.table->name,
                 hint);
  }
  if (column_name.empty() && !table_form) {
    return Error(arg.span, name + "() needs a column of " + table_name,
                 "write " + name + "(" + table_name + ".<column>), e.g. " + example);
  }
  if (!column_name.empty() && name == "exists") {
    return Error(arg.span, "exists() takes a table, not a column",
                 "write exists(" + table_name + " WHERE " + column_name + " IS NOT NULL)");
  }
  const TableSchema* outer = ctx_.table;
  // The WHERE and the value are written in the child table.
  ctx_.table = child;
  int32_t filter;
  if (n.filter >= 0) {
    Result f = BindValue(n.filter);
    if (!f.ok()) {
      ctx_.table = outer;
      return f;
    }
    Bound fb = *f;
    if (absl::Status st = ExpectBool(&fb, "WHERE"); !st.ok()) {
      ctx_.table = outer;
      return st;
    }
    filter = fb.id;
  } else {
    filter = b_->Const(Value::Bool(true));
  }
  ctx_.table = outer;
  int32_t value = -1;
  plan::Agg agg = plan::Agg::kExists;
  ExprType type = ExprType::kBool;
  if (!column_name.empty()) {
    Result v = BindNameIn(*child, column_name, arg.span);
    if (!v.ok()) return v;
    value = v->id;
    const ExprType vt = v->type;
    if (name == "count") {
      agg = plan::Agg::kCountValues;
      type = ExprType::kInt;
    } else if (name == "sum" || name == "avg") {
      if (!IsNumeric(vt)) {
        return Error(arg.span,
                     name + "() needs a number, but " + arg.text + " is " + std::string(TyName(vt)),
                     vt == ExprType::kBool ? "to count the rows where it holds write count(" +
                                                 table_name + " WHERE " + column_name + ")"
                                           : "");
      }
      agg = name == "sum" ? plan::Agg::kSum : plan::Agg::kAvg;
      type = name == "sum" ? vt : ExprType::kFloat;
    } else {
      if (!IsNumeric(vt) && !IsTemporal(vt)) {
        return Error(arg.span, name + "() needs a number, date or timestamp, but " + arg.text +
                                   " is " + std::string(TyName(vt)));
      }
      agg = name == "min" ? plan::Agg::kMin : plan::Agg::kMax;
      type = vt;
    }
  } else if (name == "count") {
    agg = plan::Agg::kCount;
    type = ExprType::kInt;
  }
  int32_t link = b_->graph()->LinkSlot(child->name, outer->name);
  Bound out;
  out.id = b_->Aggregate(agg, type, link, outer->name, filter, value);
  out.type = type;
  out.span = n.span;
  return out;
}

}  // namespace docket::plan
