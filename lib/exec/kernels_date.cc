// Date kernels: date ± days, date differences, months, time-zone
// conversions (operators), and the date functions (calls).
#include <algorithm>
#include <cstring>
#include <limits>

#include "base/calendar.h"
#include "exec/kernels.h"

namespace docket::exec {
namespace {

using plan::ExprType;
using plan::Op;

// Marks rows whose result left the date range as NULL and counts them.
const uint8_t* MarkOverflow(BatchEvaluator& f, const RowSet& act, const uint8_t* in_valid,
                            const int64_t* wide, int32_t* out, uint8_t* vbuf, Diagnostics* d) {
  const int n = act.n;
  uint8_t any = 0;
  ForEach(act, [&](int i) {
    int64_t v = wide[i];
    bool bad = v < base::kMinDate || v > base::kMaxDate;
    out[i] = bad ? 0 : static_cast<int32_t>(v);
    any |= bad;
  });
  if (!any) return in_valid;
  Block* fb = f.Acquire();
  uint8_t* fail = fb->As<uint8_t>();
  std::memset(fail, 0, n);
  ForEach(act, [&](int i) { fail[i] = wide[i] < base::kMinDate || wide[i] > base::kMaxDate; });
  int64_t c =
      CountActive(act, [&](int i) { return fail[i] && (in_valid == nullptr || in_valid[i]); });
  if (d) d->int_overflow += c;
  for (int i = 0; i < n; ++i) vbuf[i] = (in_valid ? in_valid[i] : 1) & !fail[i];
  f.Return(fb);
  return vbuf;
}

int64_t ReadDay(const BatchValues& v, ExprType t, int i) {
  return t == ExprType::kDate ? v.As<int32_t>()[v.is_const ? 0 : i]
                              : v.As<int64_t>()[v.is_const ? 0 : i];
}

}  // namespace

BatchValues DateKernel(BatchEvaluator& f, const plan::Node& n, const plan::Graph& g,
                       const BatchValues* args, const RowSet& act, const ZoneTable* zone,
                       Diagnostics* d) {
  Block* blk = f.Acquire();
  const int rows = act.n;
  int nargs = static_cast<int>(n.args.size());
  for (int k = 0; k < nargs; ++k) {
    if (ConstNull(args[k])) return AllNull(blk, rows);
  }
  const BatchValues* vs[2] = {&args[0], nargs > 1 ? &args[1] : &args[0]};
  uint8_t* vbuf = blk->valid.get();
  const uint8_t* in_valid = CombineValid(vs, nargs, rows, vbuf);
  switch (n.op) {
    case Op::kDateAddDays: {
      Block* wb = f.Acquire();
      int64_t* wide = wb->As<int64_t>();
      WithAccess2<int32_t, int64_t>(args[0], args[1], [&](auto x, auto y) {
        ForEach(act, [&](int i) {
          int64_t days = y[i];
          // Clamp far-out amounts so the sum cannot overflow; they fail the range check anyway.
          if (days > (int64_t{1} << 40)) days = int64_t{1} << 40;
          if (days < -(int64_t{1} << 40)) days = -(int64_t{1} << 40);
          wide[i] = static_cast<int64_t>(x[i]) + days;
        });
      });
      const uint8_t* v = MarkOverflow(f, act, in_valid, wide, blk->As<int32_t>(), vbuf, d);
      f.Return(wb);
      return BlockVec(blk, v);
    }
    case Op::kAddMonths: {
      Block* wb = f.Acquire();
      int64_t* wide = wb->As<int64_t>();
      WithAccess2<int32_t, int64_t>(args[0], args[1], [&](auto x, auto y) {
        ForEachExact(act, [&](int i) {
          int64_t m = y[i];
          if (m > (int64_t{1} << 34) || m < -(int64_t{1} << 34)) {
            wide[i] = base::kMaxDate + int64_t{1};
          } else {
            wide[i] = base::AddMonthsClamped(x[i], m);
          }
        });
      });
      if (act.sel == nullptr && act.mask != nullptr) {
        for (int i = 0; i < rows; ++i) {
          if (!act.mask[i]) wide[i] = 0;
        }
      }
      const uint8_t* v = MarkOverflow(f, act, in_valid, wide, blk->As<int32_t>(), vbuf, d);
      f.Return(wb);
      return BlockVec(blk, v);
    }
    case Op::kMonthsBound: {
      // The calendar fold's constants (base::MonthsBound); |n| > 2^34 gives 0,
      // as add_months is NULL for every row then (kMonthsShift says so).
      int64_t* out = blk->As<int64_t>();
      WithAccess2<int64_t, int64_t>(args[0], args[1], [&](auto t, auto m) {
        ForEach(act, [&](int i) {
          const int64_t months = m[i];
          const bool far = months > (int64_t{1} << 34) || months < -(int64_t{1} << 34);
          out[i] = far ? 0 : base::MonthsBound(t[i], months);
        });
      });
      return BlockVec(blk, in_valid);
    }
    case Op::kMonthsShift: {
      // s with c + s outside the date range exactly where add_months(c, n) is.
      int64_t* out = blk->As<int64_t>();
      WithAccess<int64_t>(args[0], [&](auto m) {
        ForEach(act, [&](int i) {
          const int64_t months = m[i];
          if (months > (int64_t{1} << 34) || months < -(int64_t{1} << 34)) {
            out[i] = int64_t{1} << 40;  // Every day overflows, as add_months does.
          } else if (months >= 0) {
            out[i] = base::kMaxDate + 1 - base::MonthsBound(base::kMaxDate + 1, months);
          } else {
            out[i] = base::kMinDate - base::MonthsBound(base::kMinDate, months);
          }
        });
      });
      return BlockVec(blk, in_valid);
    }
    case Op::kDateDiff: {
      int64_t* out = blk->As<int64_t>();
      ExprType ta = g.node(n.args[0]).type, tb = g.node(n.args[1]).type;
      if (ta == ExprType::kDate && tb == ExprType::kDate) {
        WithAccess2<int32_t, int32_t>(args[0], args[1], [&](auto x, auto y) {
          ForEach(act,
                  [&](int i) { out[i] = static_cast<int64_t>(x[i]) - static_cast<int64_t>(y[i]); });
        });
      } else {
        ForEach(act, [&](int i) { out[i] = ReadDay(args[0], ta, i) - ReadDay(args[1], tb, i); });
      }
      return BlockVec(blk, in_valid);
    }
    case Op::kTsToDate: {
      int32_t* out = blk->As<int32_t>();
      WithAccess<int64_t>(args[0], [&](auto x) {
        ForEach(act, [&](int i) {
          int64_t day = zone->DayOf(x[i]);
          out[i] = static_cast<int32_t>(day < base::kMinDate   ? base::kMinDate
                                        : day > base::kMaxDate ? base::kMaxDate
                                                               : day);
        });
      });
      return BlockVec(blk, in_valid);
    }
    case Op::kDayStart: {
      int64_t* out = blk->As<int64_t>();
      ExprType ta = g.node(n.args[0]).type;
      ForEachExact(act, [&](int i) {
        int64_t day = ReadDay(args[0], ta, i);
        if (day < base::kMinDate - 1) day = base::kMinDate - 1;
        if (day > base::kMaxDate + 1) day = base::kMaxDate + 1;
        out[i] = zone->DayStart(day);
      });
      return BlockVec(blk, in_valid);
    }
    case Op::kCivilToTs: {
      int64_t* out = blk->As<int64_t>();
      WithAccess<int64_t>(args[0], [&](auto x) {
        ForEachExact(act, [&](int i) { out[i] = zone->FromCivil(x[i]); });
      });
      return BlockVec(blk, in_valid);
    }
    default:
      break;
  }
  return AllNull(blk, rows);
}

// ---------------------------------------------------------------------------
// Date functions (Op::kCall).  All are strict: CallKernel has handled NULL
// arguments, and in.valid is the AND of the arguments' validity.

namespace {

using plan::Fn;

// date → int.
template <typename Part>
BatchValues DatePart(const CallInput& in, Part part) {
  int64_t* out = in.out->As<int64_t>();
  WithAccess<int32_t>(in.args[0],
                      [&](auto x) { ForEach(in.act, [&](int i) { out[i] = part(x[i]); }); });
  return in.Result(in.valid);
}

// date → date, clamped to the date range.
template <typename Map>
BatchValues DateMap(const CallInput& in, Map map) {
  int32_t* out = in.out->As<int32_t>();
  WithAccess<int32_t>(in.args[0], [&](auto x) {
    ForEach(in.act, [&](int i) {
      int64_t r = map(x[i]);
      out[i] = static_cast<int32_t>(r < base::kMinDate   ? base::kMinDate
                                    : r > base::kMaxDate ? base::kMaxDate
                                                         : r);
    });
  });
  return in.Result(in.valid);
}

// months_since(d) lowers to {d, today}.
BatchValues MonthsSince(const CallInput& in) {
  int64_t* out = in.out->As<int64_t>();
  WithAccess2<int32_t, int32_t>(in.args[0], in.args[1], [&](auto x, auto t) {
    ForEachExact(in.act, [&](int i) { out[i] = base::MonthsBetween(x[i], t[i]); });
  });
  return in.Result(in.valid);
}

int64_t NextAnniversaryOf(int64_t d, int64_t months, int64_t today, bool* ok) {
  // Dates span about 141 million months, so a longer period leaves the date
  // range at its first anniversary (NULL); below 2^36 the month arithmetic
  // cannot overflow (the found date is checked against the range below).
  *ok = months > 0 && months <= (int64_t{1} << 36);
  if (!*ok) return 0;
  int64_t k = 1;
  if (today > d) {
    int64_t between = base::MonthsBetween(d, today);
    k = std::max<int64_t>(1, between / months);
  }
  // At most a couple of steps from the estimate.
  for (int guard = 0; guard < 64 && base::AddMonthsClamped(d, k * months) < today; ++guard) ++k;
  while (k > 1 && base::AddMonthsClamped(d, (k - 1) * months) >= today) --k;
  int64_t r = base::AddMonthsClamped(d, k * months);
  *ok = r >= base::kMinDate && r <= base::kMaxDate;
  return r;
}

// next_anniversary(d, months) lowers to {d, months, today}.
BatchValues NextAnniversary(const CallInput& in) {
  const int rows = in.act.n;
  int32_t* out = in.out->As<int32_t>();
  uint8_t* vbuf = in.out->valid.get();
  const uint8_t* valid = in.valid;
  Block* fb = in.f.Acquire();
  uint8_t* fail = fb->As<uint8_t>();
  std::memset(fail, 0, rows);
  uint8_t any = 0;
  WithAccess2<int32_t, int64_t>(in.args[0], in.args[1], [&](auto x, auto m) {
    WithAccess<int32_t>(in.args[2], [&](auto t) {
      ForEachExact(in.act, [&](int i) {
        bool ok;
        int64_t r = NextAnniversaryOf(x[i], m[i], t[i], &ok);
        out[i] = ok ? static_cast<int32_t>(r) : 0;
        fail[i] = !ok;
        any |= fail[i];
      });
    });
  });
  if (any) {
    // A non-positive period is NULL (not counted); a result past the date range is an overflow.
    for (int i = 0; i < rows; ++i) vbuf[i] = (valid ? valid[i] : 1) & !fail[i];
    valid = vbuf;
  }
  in.f.Return(fb);
  return in.Result(valid);
}

}  // namespace

std::vector<CallKernelEntry> DateFunctionKernels() {
  return {
      {Fn::kMonthsSince, MonthsSince},
      {Fn::kYear,
       [](const CallInput& in) {
         return DatePart(in, [](int32_t x) -> int64_t { return base::CivilFromDays(x).year; });
       }},
      {Fn::kQuarter,
       [](const CallInput& in) {
         return DatePart(
             in, [](int32_t x) -> int64_t { return (base::CivilFromDays(x).month - 1) / 3 + 1; });
       }},
      {Fn::kMonth,
       [](const CallInput& in) {
         return DatePart(in, [](int32_t x) -> int64_t { return base::CivilFromDays(x).month; });
       }},
      {Fn::kDay,
       [](const CallInput& in) {
         return DatePart(in, [](int32_t x) -> int64_t { return base::CivilFromDays(x).day; });
       }},
      {Fn::kDayOfWeek,
       [](const CallInput& in) {
         return DatePart(in, [](int32_t x) -> int64_t { return base::IsoDayOfWeek(x); });
       }},
      {Fn::kTruncWeek,
       [](const CallInput& in) {
         return DateMap(in, [](int32_t x) { return int64_t{x} - (base::IsoDayOfWeek(x) - 1); });
       }},
      {Fn::kTruncMonth,
       [](const CallInput& in) {
         return DateMap(in, [](int32_t x) {
           base::Ymd c = base::CivilFromDays(x);
           return base::DaysFromCivil(c.year, c.month, 1);
         });
       }},
      {Fn::kTruncQuarter,
       [](const CallInput& in) {
         return DateMap(in, [](int32_t x) {
           base::Ymd c = base::CivilFromDays(x);
           return base::DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1);
         });
       }},
      {Fn::kTruncYear,
       [](const CallInput& in) {
         return DateMap(
             in, [](int32_t x) { return base::DaysFromCivil(base::CivilFromDays(x).year, 1, 1); });
       }},
      {Fn::kNextAnniversary, NextAnniversary},
  };
}

}  // namespace docket::exec
