// plan/functions.h — the function registry: one entry per function a rule may
// call.
//
// An entry holds everything docket knows about a function: its name, arity
// and signature, how a call is typed and lowered (its typing rule), what it
// does with NULLs, the plan::Fn kernels it lowers to, and the one line of
// documentation that docs/language.md's function table shows (the table is
// rendered from this registry; tests/plan/functions_test.cc fails when the two
// differ).
//
//   binder      looks up the entry (did-you-mean over FunctionNames()), checks
//               the arity, binds the arguments and calls entry.bind;
//   builder     asks NullsOf(fn) whether a kCall folds to NULL on a NULL
//               constant argument (kStrict);
//   executor    keeps one kernel per plan::Fn (exec/kernels.h, CallKernels()),
//               and applies kStrict itself before calling it;
//   Graph::Dump prints FnInfoOf(fn).plan_name.
//
// Related-record aggregates (exists, count, sum, avg, min, max) and history
// functions (prev, changed, pct_change) are entries too — names, arity and
// docs come from here — but they have their own binding path in the binder
// (Binder::BindAggregate, Binder::BindHistory): entry.bind is null for them.
#ifndef DOCKET_PLAN_FUNCTIONS_H_
#define DOCKET_PLAN_FUNCTIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "plan/expr.h"

namespace docket::plan {

class CallBinding;  // plan/binder.h: a call being bound, as a typing rule sees it.
struct BoundExpr;   // plan/binder.h

enum class FunctionKind : uint8_t {
  kScalar,   // a value per row from the row's own values: entry.bind types and lowers it
  kRelated,  // an aggregate over related records (Binder::BindAggregate)
  kHistory,  // a value from earlier snapshots (Binder::BindHistory)
};

// What a function does with NULL arguments.
enum class NullRule : uint8_t {
  kStrict,     // NULL when any argument is NULL; a NULL constant argument folds the call to NULL
  kSkipNulls,  // NULL arguments are skipped; NULL only when every argument is (coalesce, least,
               // greatest)
  kNullIf,     // NULL when the first argument is NULL or equals the second
  kAggregate,  // NULL values of the related rows are ignored (see the aggregates table)
  kHistory,    // NULL when there is no earlier value
};
std::string_view NullRuleText(NullRule r);

// How a call is typed and lowered: `call` holds the bound arguments (arity
// already checked) and the binder's implicit conversions.
using TypingRule = absl::StatusOr<BoundExpr> (*)(CallBinding& call);

// A plan::Fn a function lowers to: one kernel each.
struct Lowering {
  Fn fn;
  std::string_view plan_name;  // as Graph::Dump and Program::DebugString print it
  bool fallible = false;       // its kernel can raise a diagnostic (int overflow)
};

struct FunctionEntry {
  std::string_view name;  // lower case; calls are case-insensitive
  FunctionKind kind = FunctionKind::kScalar;
  int min_args = 1;
  int max_args = 1;        // -1: variadic
  std::string_view usage;  // how docs/language.md writes a call: "days_since(d)"
  std::string_view
      signature;  // types: "days_since(date | timestamp) -> int" (also the arity error's hint)
  std::string_view doc;      // one line: what it returns (docs/language.md's "result" column)
  std::string_view example;  // a rule using it
  NullRule nulls = NullRule::kStrict;
  TypingRule bind = nullptr;        // kScalar only
  std::vector<Lowering> lowers_to;  // empty: lowered to operators (Op::kDateDiff, Op::kCoalesce, …)
};

// Every function, in the order of docs/language.md.
const std::vector<FunctionEntry>& Functions();
const FunctionEntry* FindFunction(std::string_view lower_name);
std::vector<std::string> FunctionNames();

// Per plan::Fn: the lowering and the entry it belongs to.
struct FnInfo {
  const FunctionEntry* entry = nullptr;
  const Lowering* lowering = nullptr;
};
const FnInfo& FnInfoOf(Fn fn);
NullRule NullsOf(Fn fn);
bool IsFallibleFn(Fn fn);

}  // namespace docket::plan

#endif  // DOCKET_PLAN_FUNCTIONS_H_
