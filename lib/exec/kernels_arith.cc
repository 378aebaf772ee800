// Arithmetic kernels: + - * / % and negation, int → float, checked int math
// (operators), and the numeric functions (calls).
#include <algorithm>
#include <cmath>
#include <limits>

#include "exec/divide_const.h"
#include "exec/kernels.h"

namespace docket::exec {
namespace {

using plan::ExprType;
using plan::Op;

// Writes `ok` flags into the output validity: a row is valid when its inputs
// are and the operation succeeded.  Counts failures among active rows whose
// inputs were valid.
const uint8_t* ApplyFailures(const RowSet& act, const uint8_t* in_valid, uint8_t* fail,
                             uint8_t* out_valid, int64_t* counter, bool any_fail) {
  const int n = act.n;
  if (!any_fail) return in_valid;
  int64_t c =
      CountActive(act, [&](int i) { return fail[i] && (in_valid == nullptr || in_valid[i]); });
  if (counter != nullptr) *counter += c;
  if (in_valid == nullptr) {
    for (int i = 0; i < n; ++i) out_valid[i] = !fail[i];
  } else {
    for (int i = 0; i < n; ++i) out_valid[i] = in_valid[i] & !fail[i];
  }
  return out_valid;
}

}  // namespace

BatchValues ArithKernel(BatchEvaluator& f, Op op, ExprType t, const BatchValues& a,
                        const BatchValues& b, const RowSet& act, Diagnostics* d) {
  Block* blk = f.Acquire();
  if (ConstNull(a) || ConstNull(b)) return AllNull(blk, act.n);
  const int n = act.n;
  // Validity of inputs, then failures (overflow, division by zero) on top.
  uint8_t* vbuf = blk->valid.get();
  const uint8_t* in_valid = CombineValid2(a, b, n, vbuf);
  if (t == ExprType::kFloat) {
    double* out = blk->As<double>();
    WithAccess2<double, double>(a, b, [&](auto x, auto y) {
      switch (op) {
        case Op::kAdd:
          ForEach(act, [&](int i) { out[i] = x[i] + y[i]; });
          break;
        case Op::kSub:
          ForEach(act, [&](int i) { out[i] = x[i] - y[i]; });
          break;
        case Op::kMul:
          ForEach(act, [&](int i) { out[i] = x[i] * y[i]; });
          break;
        case Op::kDiv:
          ForEach(act, [&](int i) { out[i] = x[i] / y[i]; });
          break;
        case Op::kMod:
          ForEach(act, [&](int i) { out[i] = y[i] == 0 ? 0 : std::fmod(x[i], y[i]); });
          break;
        default:
          break;
      }
    });
    if (op == Op::kDiv || op == Op::kMod) {
      if (b.is_const) {
        if (*b.As<double>() == 0) {
          if (d)
            d->division_by_zero +=
                CountActive(act, [&](int i) { return in_valid == nullptr || in_valid[i]; });
          return AllNull(blk, n);
        }
      } else {
        // Division by zero makes NULL (and is counted).
        const double* y = b.As<double>();
        bool any = false;
        for (int i = 0; i < n; ++i) any |= (y[i] == 0);
        if (any) {
          Block* fb = f.Acquire();
          uint8_t* fail = fb->As<uint8_t>();
          for (int i = 0; i < n; ++i) fail[i] = y[i] == 0;
          const uint8_t* v =
              ApplyFailures(act, in_valid, fail, vbuf, d ? &d->division_by_zero : nullptr, true);
          f.Return(fb);
          return BlockVec(blk, v);
        }
      }
    }
    return BlockVec(blk, in_valid);
  }
  // int: checked arithmetic.
  int64_t* out = blk->As<int64_t>();
  if ((op == Op::kMod || op == Op::kDiv) && b.is_const) {
    int64_t dv = *b.As<int64_t>();
    if (dv == 0) {
      if (d)
        d->division_by_zero +=
            CountActive(act, [&](int i) { return in_valid == nullptr || in_valid[i]; });
      return AllNull(blk, n);
    }
    // x % d with the dividend's sign, by a multiply with d's reciprocal
    // (exec/divide_const.h): every row of a dense set, vectorized; the
    // selected rows of a sparse one.  The binder makes every / a float
    // division, so an int kDiv does not get here (were it to: trunc(x / d),
    // INT64_MIN / -1 wrapping).
    const ConstDivisor div(dv);
    const bool mod = op == Op::kMod;
    if (!a.is_const && act.sel == nullptr) {
      if (mod) {
        div.ModRows(a.As<int64_t>(), n, out);
      } else {
        div.DivRows(a.As<int64_t>(), n, out);
      }
    } else {
      WithAccess<int64_t>(a, [&](auto x) {
        ForEach(act, [&](int i) { out[i] = mod ? div.Mod(x[i]) : div.Div(x[i]); });
      });
    }
    return BlockVec(blk, in_valid);
  }
  Block* fb = f.Acquire();
  uint8_t* fail = fb->As<uint8_t>();
  bool any_fail = false;
  int64_t* counter = nullptr;
  WithAccess2<int64_t, int64_t>(a, b, [&](auto x, auto y) {
    uint8_t acc = 0;
    switch (op) {
      case Op::kAdd:
        ForEach(act, [&](int i) {
          long long r;
          fail[i] = __builtin_add_overflow(x[i], y[i], &r);
          out[i] = r;
          acc |= fail[i];
        });
        counter = d ? &d->int_overflow : nullptr;
        break;
      case Op::kSub:
        ForEach(act, [&](int i) {
          long long r;
          fail[i] = __builtin_sub_overflow(x[i], y[i], &r);
          out[i] = r;
          acc |= fail[i];
        });
        counter = d ? &d->int_overflow : nullptr;
        break;
      case Op::kMul:
        ForEach(act, [&](int i) {
          long long r;
          fail[i] = __builtin_mul_overflow(x[i], y[i], &r);
          out[i] = r;
          acc |= fail[i];
        });
        counter = d ? &d->int_overflow : nullptr;
        break;
      case Op::kMod:
        ForEach(act, [&](int i) {
          int64_t yy = y[i];
          fail[i] = yy == 0;
          out[i] = (yy == 0 || yy == -1) ? 0 : x[i] % yy;
          acc |= fail[i];
        });
        counter = d ? &d->division_by_zero : nullptr;
        break;
      default:
        break;
    }
    any_fail = acc != 0;
  });
  if (any_fail) {
    // Only rows that were computed count: clear failures outside a sparse set.
    if (act.sel != nullptr) {
      Block* mb = f.Acquire();
      uint8_t* m = mb->As<uint8_t>();
      std::memset(m, 0, n);
      for (int k = 0; k < act.count; ++k) m[act.sel[k]] = fail[act.sel[k]];
      std::memcpy(fail, m, n);
      f.Return(mb);
    }
  }
  const uint8_t* v = ApplyFailures(act, in_valid, fail, vbuf, counter, any_fail);
  f.Return(fb);
  return BlockVec(blk, v);
}

BatchValues NegKernel(BatchEvaluator& f, ExprType t, const BatchValues& a, const RowSet& act,
                      Diagnostics* d) {
  Block* blk = f.Acquire();
  if (ConstNull(a)) return AllNull(blk, act.n);
  const int n = act.n;
  uint8_t* vbuf = blk->valid.get();
  const BatchValues* vs[1] = {&a};
  const uint8_t* in_valid = CombineValid(vs, 1, n, vbuf);
  if (t == ExprType::kFloat) {
    double* out = blk->As<double>();
    WithAccess<double>(a, [&](auto x) { ForEach(act, [&](int i) { out[i] = -x[i]; }); });
    return BlockVec(blk, in_valid);
  }
  int64_t* out = blk->As<int64_t>();
  Block* fb = f.Acquire();
  uint8_t* fail = fb->As<uint8_t>();
  std::memset(fail, 0, n);
  uint8_t acc = 0;
  WithAccess<int64_t>(a, [&](auto x) {
    ForEach(act, [&](int i) {
      int64_t v = x[i];
      fail[i] = v == std::numeric_limits<int64_t>::min();
      out[i] = fail[i] ? 0 : -v;
      acc |= fail[i];
    });
  });
  const uint8_t* v =
      ApplyFailures(act, in_valid, fail, vbuf, d ? &d->int_overflow : nullptr, acc != 0);
  f.Return(fb);
  return BlockVec(blk, v);
}

BatchValues IntToFloatKernel(BatchEvaluator& f, const BatchValues& a, const RowSet& act) {
  Block* blk = f.Acquire();
  if (ConstNull(a)) return AllNull(blk, act.n);
  double* out = blk->As<double>();
  WithAccess<int64_t>(
      a, [&](auto x) { ForEach(act, [&](int i) { out[i] = static_cast<double>(x[i]); }); });
  const BatchValues* vs[1] = {&a};
  return BlockVec(blk, CombineValid(vs, 1, act.n, blk->valid.get()));
}

// ---------------------------------------------------------------------------
// Numeric functions (Op::kCall).  All are strict: CallKernel has handled NULL
// arguments, and in.valid is the AND of the arguments' validity.  floor,
// ceil and round of an int never get here (the binder keeps the int).

namespace {

using plan::Fn;

// abs: the minimum int has no absolute value (NULL, counted as an overflow).
BatchValues Abs(const CallInput& in) {
  if (in.n.type == ExprType::kFloat) {
    double* out = in.out->As<double>();
    WithAccess<double>(in.args[0],
                       [&](auto x) { ForEach(in.act, [&](int i) { out[i] = std::fabs(x[i]); }); });
    return in.Result(in.valid);
  }
  const uint8_t* valid = in.valid;
  uint8_t* vbuf = in.out->valid.get();
  int64_t* out = in.out->As<int64_t>();
  int64_t overflow = 0;
  WithAccess<int64_t>(in.args[0], [&](auto x) {
    ForEach(in.act, [&](int i) {
      int64_t v = x[i];
      out[i] = v < 0 ? (v == std::numeric_limits<int64_t>::min() ? 0 : -v) : v;
    });
    overflow = CountActive(in.act, [&](int i) {
      return x[i] == std::numeric_limits<int64_t>::min() && (valid == nullptr || valid[i]);
    });
  });
  if (overflow > 0) {
    if (in.d) in.d->int_overflow += overflow;
    WithAccess<int64_t>(in.args[0], [&](auto x) {
      for (int i = 0; i < in.act.n; ++i) {
        vbuf[i] = (valid ? valid[i] : 1) & (x[i] != std::numeric_limits<int64_t>::min());
      }
    });
    valid = vbuf;
  }
  return in.Result(valid);
}

// round / floor / ceil of a float.
template <double (*kRound)(double)>
BatchValues RoundFloat(const CallInput& in) {
  double* out = in.out->As<double>();
  WithAccess<double>(in.args[0],
                     [&](auto x) { ForEach(in.act, [&](int i) { out[i] = kRound(x[i]); }); });
  return in.Result(in.valid);
}

double Round(double x) { return std::round(x); }
double Floor(double x) { return std::floor(x); }
double Ceil(double x) { return std::ceil(x); }

// round(x, digits): half away from zero.
BatchValues RoundTo(const CallInput& in) {
  const int rows = in.act.n;
  if (in.n.type == ExprType::kFloat) {
    double* out = in.out->As<double>();
    WithAccess2<double, int64_t>(in.args[0], in.args[1], [&](auto x, auto digits) {
      ForEachExact(in.act, [&](int i) {
        int64_t dg = std::clamp<int64_t>(digits[i], -400, 400);
        if (!std::isfinite(x[i])) {
          out[i] = x[i];
        } else if (dg < 0) {
          // To a multiple of 10^-dg; past 10^308 every finite x rounds to 0.
          double p = std::pow(10.0, static_cast<double>(-dg));
          out[i] = std::isfinite(p) ? std::round(x[i] / p) * p : 0.0;
          if (!std::isfinite(out[i])) out[i] = x[i];
        } else {
          // 10^dg past the double range (or x * 10^dg overflowing): x has no digits to drop.
          double scale = std::pow(10.0, static_cast<double>(dg));
          double r = std::round(x[i] * scale) / scale;
          out[i] = std::isfinite(r) ? r : x[i];
        }
      });
    });
    return in.Result(in.valid);
  }
  // int: rounding to negative digits (half away from zero); non-negative digits keep x.
  const uint8_t* valid = in.valid;
  uint8_t* vbuf = in.out->valid.get();
  int64_t* out = in.out->As<int64_t>();
  Block* fb = in.f.Acquire();
  uint8_t* fail = fb->As<uint8_t>();
  std::memset(fail, 0, rows);
  uint8_t any = 0;
  WithAccess2<int64_t, int64_t>(in.args[0], in.args[1], [&](auto x, auto digits) {
    ForEachExact(in.act, [&](int i) {
      int64_t v = x[i], dg = digits[i];
      if (dg >= 0) {
        out[i] = v;
        return;
      }
      if (dg < -18) {
        out[i] = 0;
        return;
      }
      int64_t p = 1;
      for (int64_t k = 0; k < -dg; ++k) p *= 10;
      int64_t q = v / p, r = v % p;
      if (2 * (r < 0 ? -r : r) >= p) q += v < 0 ? -1 : 1;
      long long res;
      fail[i] = __builtin_mul_overflow(q, p, &res);
      out[i] = fail[i] ? 0 : res;
      any |= fail[i];
    });
  });
  if (any) {
    int64_t c =
        CountActive(in.act, [&](int i) { return fail[i] && (valid == nullptr || valid[i]); });
    if (in.d) in.d->int_overflow += c;
    for (int i = 0; i < rows; ++i) vbuf[i] = (valid ? valid[i] : 1) & !fail[i];
    valid = vbuf;
  }
  in.f.Return(fb);
  return in.Result(valid);
}

}  // namespace

std::vector<CallKernelEntry> NumberFunctionKernels() {
  return {
      {Fn::kAbs, Abs},
      {Fn::kRound, RoundFloat<Round>},
      {Fn::kRoundTo, RoundTo},
      {Fn::kFloor, RoundFloat<Floor>},
      {Fn::kCeil, RoundFloat<Ceil>},
  };
}

}  // namespace docket::exec
