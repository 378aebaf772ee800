// exec/kernels.h — the vectorized kernels, one file per kind:
//   kernels_compare.cc  =, !=, <, <=, >, >=, BETWEEN, IN (constant sets)
//   kernels_arith.cc    + - * / % and negation, int → float, checked int math
//   kernels_date.cc     date ± days, date differences, months, zone conversions, date functions
//   kernels_string.cc   LIKE / ILIKE, MATCHES, string functions
//   kernels_misc.cc     numeric functions, least / greatest, nullif
// Each kernel reads its inputs through Flat / Scalar accessors (constant fast
// paths), skips validity work when no input has NULLs, visits the active rows
// and returns a Vec in a Block from the frame's pool.
#ifndef DOCKET_EXEC_KERNELS_H_
#define DOCKET_EXEC_KERNELS_H_

#include "docket/program.h"
#include "exec/executor.h"
#include "exec/kernel_util.h"
#include "exec/vector.h"
#include "plan/expr.h"

namespace docket::exec {

Vec CompareKernel(Frame& f, plan::Cmp cmp, Phys pa, Phys pb, const Vec& a, const Vec& b, const Active& act);
Vec BetweenKernel(Frame& f, Phys px, Phys plo, Phys phi, const Vec& x, const Vec& lo, const Vec& hi,
                  const Active& act);
Vec InSetKernel(Frame& f, const plan::InSetPayload& set, plan::Ty t, const Vec& x, const Active& act);

Vec ArithKernel(Frame& f, plan::Op op, plan::Ty t, const Vec& a, const Vec& b, const Active& act, Diagnostics* d);
Vec NegKernel(Frame& f, plan::Ty t, const Vec& a, const Active& act, Diagnostics* d);
Vec IntToFloatKernel(Frame& f, const Vec& a, const Active& act);

// kDateAddDays, kDateDiff, kAddMonths, kTsToDate, kDayStart, kCivilToTs.
Vec DateKernel(Frame& f, const plan::Node& n, const plan::Graph& g, const Vec* args, const Active& act,
               const ZoneTable* zone, Diagnostics* d);

Vec LikeKernel(Frame& f, const plan::Node& n, const Vec& x, const Vec& pattern, const Active& act);
Vec MatchesKernel(Frame& f, const plan::Node& n, const Vec& x, const Active& act);

// kCall (every function).
Vec CallKernel(Frame& f, const plan::Node& n, const plan::Graph& g, const Vec* args, const Active& act,
               Diagnostics* d);

// SQL LIKE on one value (exposed for tests): % any run, _ one code point,
// backslash escapes; case_insensitive folds ASCII letters.
bool LikeMatch(std::string_view s, std::string_view pattern, bool case_insensitive);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_KERNELS_H_
