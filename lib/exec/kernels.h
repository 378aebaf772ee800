// exec/kernels.h — the vectorized kernels, one file per kind:
//   kernels_compare.cc  =, !=, <, <=, >, >=, BETWEEN, IN (constant sets)
//   kernels_arith.cc    + - * / % and negation, int → float, checked int math; numeric functions
//   kernels_date.cc     date ± days, date differences, months, zone conversions; date functions
//   kernels_string.cc   LIKE / ILIKE, MATCHES; string functions
//   kernels_call.cc     function calls: the kernel table (one per plan::Fn), nullif, least /
//   greatest
// Each kernel reads its inputs through Flat / Scalar accessors (constant fast
// paths), skips validity work when no input has NULLs, visits the active rows
// and returns a BatchValues in a Block from the frame's pool.
//
// Functions (Op::kCall) are registered in plan/functions.h, which says what
// each does with NULLs; here each plan::Fn has one kernel (CallKernels()).
// For a kStrict function the dispatch (CallKernel) handles NULLs before the
// kernel runs: a NULL constant argument gives an all-NULL result, otherwise
// the kernel gets the AND of its arguments' validity.
#ifndef DOCKET_EXEC_KERNELS_H_
#define DOCKET_EXEC_KERNELS_H_

#include <array>
#include <vector>

#include "docket/program.h"
#include "exec/executor.h"
#include "exec/kernel_util.h"
#include "exec/vector.h"
#include "plan/expr.h"

namespace docket::exec {

BatchValues CompareKernel(BatchEvaluator& f, plan::Cmp cmp, Phys pa, Phys pb, const BatchValues& a,
                          const BatchValues& b, const RowSet& act);
BatchValues BetweenKernel(BatchEvaluator& f, Phys px, Phys plo, Phys phi, const BatchValues& x,
                          const BatchValues& lo, const BatchValues& hi, const RowSet& act);
// The values of a comparison (BETWEEN with constant integer bounds) as 0/1
// bytes for the active rows, validity left to the caller; BetweenInto
// returns false when the fast path does not apply.
void CompareInto(plan::Cmp cmp, Phys pa, Phys pb, const BatchValues& a, const BatchValues& b,
                 const RowSet& act, uint8_t* out);
bool BetweenInto(Phys px, Phys plo, Phys phi, const BatchValues& x, const BatchValues& lo,
                 const BatchValues& hi, const RowSet& act, uint8_t* out);
BatchValues InSetKernel(BatchEvaluator& f, const plan::InSetPayload& set, plan::ExprType t,
                        const BatchValues& x, const RowSet& act);

BatchValues ArithKernel(BatchEvaluator& f, plan::Op op, plan::ExprType t, const BatchValues& a,
                        const BatchValues& b, const RowSet& act, Diagnostics* d);
BatchValues NegKernel(BatchEvaluator& f, plan::ExprType t, const BatchValues& a, const RowSet& act,
                      Diagnostics* d);
BatchValues IntToFloatKernel(BatchEvaluator& f, const BatchValues& a, const RowSet& act);

// kDateAddDays, kDateDiff, kAddMonths, kTsToDate, kDayStart, kCivilToTs.
BatchValues DateKernel(BatchEvaluator& f, const plan::Node& n, const plan::Graph& g,
                       const BatchValues* args, const RowSet& act, const ZoneTable* zone,
                       Diagnostics* d);

BatchValues LikeKernel(BatchEvaluator& f, const plan::Node& n, const BatchValues& x,
                       const BatchValues& pattern, const RowSet& act);
BatchValues MatchesKernel(BatchEvaluator& f, const plan::Node& n, const BatchValues& x,
                          const RowSet& act);

// kCall: runs the kernel of n.fn (below), applying the function's NULL rule.
BatchValues CallKernel(BatchEvaluator& f, const plan::Node& n, const BatchValues* args,
                       const RowSet& act, Diagnostics* d);

// What a function kernel sees.
struct CallInput {
  BatchEvaluator& f;
  const plan::Node& n;      // n.fn, n.type (the result's type)
  const BatchValues* args;  // n.args evaluated
  int nargs;
  const RowSet& act;
  Diagnostics* d;  // int_overflow and friends (may be null)
  Block* out;      // the result's block; out->valid is free scratch for validity
  const uint8_t*
      valid;  // kStrict functions: the AND of the arguments' validity (nullptr: no NULLs)

  // The result: out's values with validity `v` (nullptr: no NULLs).
  BatchValues Result(const uint8_t* v) const { return BlockVec(out, v); }
};
using CallKernelFn = BatchValues (*)(const CallInput& in);
struct CallKernelEntry {
  plan::Fn fn;
  CallKernelFn kernel;
};

// The function kernels of each file, and the table of them all by plan::Fn
// (assembled once, in kernels_call.cc; nullptr for a Fn without a kernel,
// which tests/exec/call_kernels_test.cc rules out).
std::vector<CallKernelEntry> NullFunctionKernels();    // kernels_call.cc
std::vector<CallKernelEntry> NumberFunctionKernels();  // kernels_arith.cc
std::vector<CallKernelEntry> DateFunctionKernels();    // kernels_date.cc
std::vector<CallKernelEntry> StringFunctionKernels();  // kernels_string.cc
const std::array<CallKernelFn, plan::kFnCount>& CallKernels();

// SQL LIKE on one value (exposed for tests): % any run, _ one code point,
// backslash escapes; case_insensitive folds ASCII letters.
bool LikeMatch(std::string_view s, std::string_view pattern, bool case_insensitive);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_KERNELS_H_
