// plan/binder.h — resolves names and types: syntax tree → bound graph nodes.
//
// The binder lives with the plan (as DuckDB's lives in its planner): it reads
// lang's syntax tree and writes Node operators, so it sits above both.
//
// The binder resolves every name of a rule against the rule's table
// (columns), the declared segments (inlined at each use, in the user's
// table), CompileOptions::params ($name) and the function registry
// (plan/functions.h), checks every type, inserts the implicit conversions
// (int → float, timestamp → civil date, string literal → date or timestamp)
// and lowers the rest of the language (BETWEEN, IN, INTERVAL, CASE; each
// function through its registry entry's typing rule) to Node operators
// through ExprBuilder, which folds and rewrites as it goes.
//
// After binding, evaluation cannot meet a type error.  Errors point at the
// source of the text that holds the mistake (a rule's or a segment's own
// ExpressionSource) and carry a hint where one exists.
#ifndef DOCKET_PLAN_BINDER_H_
#define DOCKET_PLAN_BINDER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "docket/options.h"
#include "docket/schema.h"
#include "lang/syntax.h"
#include "plan/builder.h"

namespace docket::plan {

struct SegmentDef {
  std::string name;
  std::unique_ptr<lang::SourceText> source;
  bool parsed = false;
  absl::Status parse_status;
  lang::SyntaxTree tree;
  bool used = false;
};

using SegmentMap = std::map<std::string, SegmentDef, std::less<>>;

// A bound (typed) expression: a graph node, its type and where its text is.
struct BoundExpr {
  int32_t id = -1;
  ExprType type = ExprType::kNull;
  lang::Span span;
  bool string_literal = false;  // A string literal (may become a date or timestamp).
  bool interval = false;        // INTERVAL n UNIT: id = amount (int), days or months per unit.
  int32_t interval_days = 0;
  int32_t interval_months = 0;
};

class Binder;
struct FunctionEntry;  // plan/functions.h

// A function call being bound, as its typing rule (plan/functions.h) sees
// it: the lower-case name, the call's span, the bound arguments (arity
// already checked) and the binder's implicit conversions, which report
// errors exactly as everywhere else in the binder.
class CallBinding {
 public:
  CallBinding(Binder* binder, const FunctionEntry* entry, std::string name, lang::Span span,
              std::vector<BoundExpr> args)
      : binder_(binder),
        entry_(entry),
        name_(std::move(name)),
        span_(span),
        args_(std::move(args)) {}

  const FunctionEntry& entry() const { return *entry_; }
  const std::string& name() const { return name_; }
  lang::Span span() const { return span_; }
  int argc() const { return static_cast<int>(args_.size()); }
  BoundExpr& arg(int i) { return args_[i]; }
  std::vector<BoundExpr>& args() { return args_; }
  ExprBuilder& builder();

  // Conversions of argument i; `what` names the function in the message
  // ("lower()", or "days_since" for AsDate, which adds the parentheses).
  absl::Status AsDate(int i, std::string_view what);
  absl::Status AsString(int i, std::string_view what);
  absl::Status AsInt(int i, std::string_view what);
  absl::Status AsNumber(int i, std::string_view what);
  // The common type of every argument, converting them all to it.
  absl::StatusOr<ExprType> UnifyAll(std::string_view context);
  absl::StatusOr<ExprType> Unify(const std::vector<BoundExpr*>& items, std::string_view context);
  absl::Status Error(lang::Span span, std::string message, std::string hint = "") const;

  // The result: an Op::kCall of `fn`, another operator, or an existing node,
  // spanning the whole call.
  BoundExpr Call(Fn fn, ExprType type, std::vector<int32_t> args);
  BoundExpr Operator(Op op, ExprType type, std::vector<int32_t> args);
  BoundExpr Existing(int32_t id, ExprType type) const { return BoundExpr{id, type, span_}; }

 private:
  Binder* binder_;
  const FunctionEntry* entry_;
  std::string name_;
  lang::Span span_;
  std::vector<BoundExpr> args_;
};

class Binder {
 public:
  Binder(ExprBuilder* builder, const Schema* schema, const CompileOptions* options,
         SegmentMap* segments);

  // Binds a rule over `table`; the result must be bool.
  absl::StatusOr<int32_t> BindRule(const TableSchema& table, const lang::SourceText& source,
                                   const lang::SyntaxTree& tree, int32_t rule);
  // Binds a segment on its own over `table` (Build()'s check of unused segments).
  absl::StatusOr<int32_t> BindSegmentAlone(const TableSchema& table, std::string_view name,
                                           int32_t rule);

 private:
  friend class CallBinding;
  using Bound = BoundExpr;
  struct Context {
    const TableSchema* table = nullptr;
    const lang::SourceText* source = nullptr;
    const lang::SyntaxTree* tree = nullptr;
  };
  using Result = absl::StatusOr<Bound>;
  static std::string DateTextHint(const std::string& text);

  Result Bind(int32_t syntax_id);
  Result BindValue(int32_t syntax_id);  // Bind and refuse an INTERVAL.
  Result BindName(const lang::SyntaxNode& n);
  Result BindSegment(const lang::SyntaxNode& use, SegmentDef& seg);
  Result BindCompare(const lang::SyntaxNode& n);
  Result BindArithmetic(const lang::SyntaxNode& n);
  Result BindIn(const lang::SyntaxNode& n);
  Result BindLike(const lang::SyntaxNode& n);
  Result BindMatches(const lang::SyntaxNode& n);
  Result BindCase(const lang::SyntaxNode& n);
  Result BindCall(const lang::SyntaxNode& n);
  // Related records: a parent field (account.arr) and a child aggregate
  // (exists / count / sum / avg / min / max over a descendant table).
  Result BindParentField(const lang::SyntaxNode& n);
  Result BindAggregate(const lang::SyntaxNode& n, const std::string& name);
  // History: prev / changed / pct_change / is_new (plan/bind_history.cc).
  Result BindHistory(const lang::SyntaxNode& n, const std::string& name);
  // Binds `name` (a column or segment) as if written in `table`.
  Result BindNameIn(const TableSchema& table, const std::string& name, lang::Span span);
  // The parent of `t` in the schema (nullptr when none).
  const TableSchema* ParentOf(const TableSchema& t) const;
  // The tables below `t` (children, grandchildren, …), nearest first
  // (storage::Descendants; paths up are storage::ParentPath).
  std::vector<const TableSchema*> DescendantsOf(const TableSchema& t) const;
  Result BindDateLiteral(const lang::SyntaxNode& n);
  Result BindTimestampLiteral(const lang::SyntaxNode& n);

  absl::Status Error(lang::Span span, std::string message, std::string hint = "") const;
  absl::Status ExpectBool(Bound* b, std::string_view what);
  // Converts `b` to `target` (implicit conversions only).
  absl::Status Coerce(Bound* b, ExprType target, std::string_view context);
  // Finds the common type of `items` and converts them all to it.
  absl::StatusOr<ExprType> Unify(const std::vector<Bound*>& items, lang::Span where,
                                 std::string_view context);
  absl::Status AsDate(Bound* b, std::string_view fn);
  absl::Status AsString(Bound* b, std::string_view fn);
  absl::Status AsInt(Bound* b, std::string_view fn);
  absl::Status AsNumber(Bound* b, std::string_view fn);
  Bound Make(Node n, lang::Span span);
  Bound Literal(Value value, ExprType type, lang::Span span);  // A constant of a literal's type.
  static std::string Describe(const Bound& b, const ExprBuilder& builder);

  ExprBuilder* b_;
  const Schema* schema_;
  const CompileOptions* options_;
  SegmentMap* segments_;
  Context ctx_;
  int32_t rule_ = -1;
  std::vector<std::string> segment_stack_;
  // String columns of the rule that an inferred value made strings (for the
  // hint of a type error over them).
  struct TextColumn {
    const lang::SourceText* source;
    lang::Span span;
    const TableSchema* table;
    const TextFallback* fallback;
  };
  std::vector<TextColumn> text_columns_;
  std::string TextFallbackHint(lang::Span span, const std::string& message) const;
};

}  // namespace docket::plan

#endif  // DOCKET_PLAN_BINDER_H_
