// Function calls (Op::kCall): the table of kernels by plan::Fn, the dispatch
// that applies a function's NULL rule (plan/functions.h), and the kernels of
// the NULL functions (nullif, least / greatest).  Date, string and numeric
// function kernels live with their kind (kernels_date.cc, kernels_string.cc,
// kernels_arith.cc).
#include <algorithm>
#include <cstring>

#include "exec/kernels.h"
#include "plan/functions.h"

namespace docket::exec {
namespace {

using plan::ExprType;
using plan::Fn;

// least / greatest ignore NULLs: NULL only where every argument is.
template <bool kLeast>
BatchValues LeastGreatest(const CallInput& in) {
  Block* blk = in.out;
  const int rows = in.act.n;
  uint8_t* ov = blk->valid.get();
  std::memset(ov, 0, rows);
  std::memset(blk->data.get(), 0, static_cast<size_t>(rows) * 16);
  WithPhys(PhysOf(in.n.type), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* out = blk->As<T>();
    for (int k = 0; k < in.nargs; ++k) {
      const BatchValues& v = in.args[k];
      if (ConstNull(v)) continue;
      WithAccess<T>(v, [&](auto xs) {
        ForEachExact(in.act, [&](int i) {
          if (!v.ValidAt(i)) return;
          T x = xs[i];
          if (!ov[i] || (kLeast ? x < out[i] : out[i] < x)) out[i] = x;
          ov[i] = 1;
        });
      });
    }
  });
  // Strings may point into argument blocks: keep them alive.
  if (in.n.type == ExprType::kString) {
    for (int k = 0; k < in.nargs; ++k) {
      if (in.args[k].block != nullptr) {
        blk->deps.push_back(in.args[k].block);
        const_cast<BatchValues&>(in.args[k]).block = nullptr;
      }
    }
  }
  return in.Result(ov);
}

// nullif(a, b): NULL where a is NULL or a = b; a NULL b leaves a.
BatchValues NullIf(const CallInput& in) {
  Block* blk = in.out;
  const int rows = in.act.n;
  const BatchValues& a = in.args[0];
  const BatchValues& b = in.args[1];
  if (ConstNull(a)) return AllNull(blk, rows);
  uint8_t* ov = blk->valid.get();
  WithPhys(PhysOf(in.n.type), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* out = blk->As<T>();
    WithAccess<T>(a, [&](auto xa) {
      if (ConstNull(b)) {
        ForEach(in.act, [&](int i) {
          out[i] = xa[i];
          ov[i] = a.ValidAt(i);
        });
        return;
      }
      WithAccess<T>(b, [&](auto xb) {
        ForEach(in.act, [&](int i) {
          out[i] = xa[i];
          ov[i] = a.ValidAt(i) && !(b.ValidAt(i) && xa[i] == xb[i]);
        });
      });
    });
  });
  if (in.n.type == ExprType::kString && a.block != nullptr) {
    blk->deps.push_back(a.block);
    const_cast<BatchValues&>(a).block = nullptr;
  }
  return in.Result(ov);
}

}  // namespace

std::vector<CallKernelEntry> NullFunctionKernels() {
  return {
      {Fn::kNullIf, NullIf},
      {Fn::kLeast, LeastGreatest<true>},
      {Fn::kGreatest, LeastGreatest<false>},
  };
}

const std::array<CallKernelFn, plan::kFnCount>& CallKernels() {
  static const auto* kTable = [] {
    auto* table = new std::array<CallKernelFn, plan::kFnCount>{};
    for (auto list :
         {NullFunctionKernels, NumberFunctionKernels, DateFunctionKernels, StringFunctionKernels}) {
      for (const CallKernelEntry& e : list()) {
        const int i = static_cast<int>(e.fn);
        if (i < plan::kFnCount) (*table)[i] = e.kernel;
      }
    }
    return table;
  }();
  return *kTable;
}

BatchValues CallKernel(BatchEvaluator& f, const plan::Node& n, const BatchValues* args,
                       const RowSet& act, Diagnostics* d) {
  Block* blk = f.Acquire();
  const int rows = act.n;
  const int nargs = static_cast<int>(n.args.size());
  const int index = static_cast<int>(n.fn);
  CallKernelFn kernel = index < plan::kFnCount ? CallKernels()[index] : nullptr;
  if (kernel == nullptr) return AllNull(blk, rows);  // Every Fn has a kernel (call_kernels_test).
  const uint8_t* valid = nullptr;
  if (plan::NullsOf(n.fn) == plan::NullRule::kStrict) {
    // NULL when any argument is NULL.
    for (int k = 0; k < nargs; ++k) {
      if (ConstNull(args[k])) return AllNull(blk, rows);
    }
    const BatchValues* small[8];
    std::vector<const BatchValues*> many;
    const BatchValues** vs = small;
    if (nargs > 8) {
      many.resize(nargs);
      vs = many.data();
    }
    for (int k = 0; k < nargs; ++k) vs[k] = &args[k];
    valid = CombineValid(vs, nargs, rows, blk->valid.get());
  }
  return kernel(CallInput{f, n, args, nargs, act, d, blk, valid});
}

}  // namespace docket::exec
