// Function kernels: date parts, string functions, numeric functions,
// nullif, least / greatest.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <limits>

#include "base/calendar.h"
#include "exec/kernels.h"
#include "exec/strings.h"

namespace docket::exec {
namespace {

using plan::Fn;
using plan::Ty;

Vec Out(Block* blk, const uint8_t* valid) {
  Vec v;
  v.data = blk->data.get();
  v.valid = valid;
  v.block = blk;
  return v;
}

int64_t NextAnniversary(int64_t d, int64_t months, int64_t today, bool* ok) {
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

// A string function into the block's arena: writes the strings of active
// rows, then points the views at them.
template <typename Size, typename Write>
void StringMap(Block* blk, const Active& act, Flat<std::string_view> xs, Size size, Write write) {
  std::string_view* out = blk->As<std::string_view>();
  // Rows outside the active set must still be safe to read.
  std::memset(static_cast<void*>(out), 0, sizeof(std::string_view) * static_cast<size_t>(act.n));
  size_t total = 0;
  ForEachExact(act, [&](int i) { total += size(xs[i]); });
  blk->arena.resize(total);
  char* base = blk->arena.data();
  size_t pos = 0;
  ForEachExact(act, [&](int i) {
    size_t len = write(xs[i], base + pos);
    out[i] = std::string_view(base + pos, len);
    pos += len;
  });
}

}  // namespace

Vec CallKernel(Frame& f, const plan::Node& n, const plan::Graph& /*g*/, const Vec* args, const Active& act,
               Diagnostics* d) {
  Block* blk = f.Acquire();
  const int rows = act.n;
  const int nargs = static_cast<int>(n.args.size());
  // least / greatest ignore NULLs; nullif is not strict in its second argument.
  if (n.fn == Fn::kLeast || n.fn == Fn::kGreatest) {
    const bool least = n.fn == Fn::kLeast;
    uint8_t* ov = blk->valid.get();
    std::memset(ov, 0, rows);
    std::memset(blk->data.get(), 0, static_cast<size_t>(rows) * 16);
    WithPhys(PhysOf(n.type), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* out = blk->As<T>();
      for (int k = 0; k < nargs; ++k) {
        const Vec& v = args[k];
        if (ConstNull(v)) continue;
        WithAccess<T>(v, [&](auto xs) {
          ForEachExact(act, [&](int i) {
            if (!v.ValidAt(i)) return;
            T x = xs[i];
            if (!ov[i] || (least ? x < out[i] : out[i] < x)) out[i] = x;
            ov[i] = 1;
          });
        });
      }
    });
    // Strings may point into argument blocks: keep them alive.
    if (n.type == Ty::kString) {
      for (int k = 0; k < nargs; ++k) {
        if (args[k].block != nullptr) {
          blk->deps.push_back(args[k].block);
          const_cast<Vec&>(args[k]).block = nullptr;
        }
      }
    }
    return Out(blk, ov);
  }
  if (n.fn == Fn::kNullIf) {
    const Vec& a = args[0];
    const Vec& b = args[1];
    if (ConstNull(a)) return AllNull(blk, rows);
    uint8_t* ov = blk->valid.get();
    WithPhys(PhysOf(n.type), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* out = blk->As<T>();
      WithAccess<T>(a, [&](auto xa) {
        if (ConstNull(b)) {
          ForEach(act, [&](int i) { out[i] = xa[i]; ov[i] = a.ValidAt(i); });
          return;
        }
        WithAccess<T>(b, [&](auto xb) {
          ForEach(act, [&](int i) {
            out[i] = xa[i];
            ov[i] = a.ValidAt(i) && !(b.ValidAt(i) && xa[i] == xb[i]);
          });
        });
      });
    });
    if (n.type == Ty::kString && a.block != nullptr) {
      blk->deps.push_back(a.block);
      const_cast<Vec&>(a).block = nullptr;
    }
    return Out(blk, ov);
  }
  for (int k = 0; k < nargs; ++k) {
    if (ConstNull(args[k])) return AllNull(blk, rows);
  }
  const Vec* vs[3] = {&args[0], nargs > 1 ? &args[1] : &args[0], nargs > 2 ? &args[2] : &args[0]};
  uint8_t* vbuf = blk->valid.get();
  const uint8_t* valid = CombineValid(vs, nargs, rows, vbuf);
  auto date_part = [&](auto fn) {
    int64_t* out = blk->As<int64_t>();
    WithAccess<int32_t>(args[0], [&](auto x) { ForEach(act, [&](int i) { out[i] = fn(x[i]); }); });
    return Out(blk, valid);
  };
  auto date_map = [&](auto fn) {
    int32_t* out = blk->As<int32_t>();
    WithAccess<int32_t>(args[0], [&](auto x) {
      ForEach(act, [&](int i) {
        int64_t r = fn(x[i]);
        out[i] = static_cast<int32_t>(r < base::kMinDate ? base::kMinDate : r > base::kMaxDate ? base::kMaxDate : r);
      });
    });
    return Out(blk, valid);
  };
  switch (n.fn) {
    case Fn::kYear: return date_part([](int32_t x) { return base::CivilFromDays(x).year; });
    case Fn::kMonth: return date_part([](int32_t x) { return static_cast<int64_t>(base::CivilFromDays(x).month); });
    case Fn::kDay: return date_part([](int32_t x) { return static_cast<int64_t>(base::CivilFromDays(x).day); });
    case Fn::kQuarter:
      return date_part([](int32_t x) { return static_cast<int64_t>((base::CivilFromDays(x).month - 1) / 3 + 1); });
    case Fn::kDayOfWeek: return date_part([](int32_t x) { return static_cast<int64_t>(base::IsoDayOfWeek(x)); });
    case Fn::kTruncWeek: return date_map([](int32_t x) { return int64_t{x} - (base::IsoDayOfWeek(x) - 1); });
    case Fn::kTruncMonth:
      return date_map([](int32_t x) { base::Ymd c = base::CivilFromDays(x); return base::DaysFromCivil(c.year, c.month, 1); });
    case Fn::kTruncQuarter:
      return date_map([](int32_t x) {
        base::Ymd c = base::CivilFromDays(x);
        return base::DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1);
      });
    case Fn::kTruncYear:
      return date_map([](int32_t x) { return base::DaysFromCivil(base::CivilFromDays(x).year, 1, 1); });
    case Fn::kMonthsSince: {
      int64_t* out = blk->As<int64_t>();
      WithAccess2<int32_t, int32_t>(args[0], args[1], [&](auto x, auto t) {
        ForEachExact(act, [&](int i) { out[i] = base::MonthsBetween(x[i], t[i]); });
      });
      return Out(blk, valid);
    }
    case Fn::kNextAnniversary: {
      int32_t* out = blk->As<int32_t>();
      Block* fb = f.Acquire();
      uint8_t* fail = fb->As<uint8_t>();
      std::memset(fail, 0, rows);
      uint8_t any = 0;
      WithAccess2<int32_t, int64_t>(args[0], args[1], [&](auto x, auto m) {
        WithAccess<int32_t>(args[2], [&](auto t) {
          ForEachExact(act, [&](int i) {
            bool ok;
            int64_t r = NextAnniversary(x[i], m[i], t[i], &ok);
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
      f.Return(fb);
      return Out(blk, valid);
    }
    case Fn::kLower:
    case Fn::kUpper: {
      const bool lower = n.fn == Fn::kLower;
      // Constant inputs only reach here in constant mode (one row): read them flat.
      Flat<std::string_view> xs{args[0].As<std::string_view>()};
      StringMap(blk, act, xs, [](std::string_view s) { return s.size(); },
                [lower](std::string_view s, char* dst) {
                  for (size_t k = 0; k < s.size(); ++k) {
                    unsigned char c = static_cast<unsigned char>(s[k]);
                    dst[k] = static_cast<char>(lower ? AsciiLower(static_cast<char>(c)) : AsciiUpper(static_cast<char>(c)));
                  }
                  return s.size();
                });
      return Out(blk, valid);
    }
    case Fn::kTrim: {
      // Views into the input: no copy needed.
      const std::string_view* xs = args[0].As<std::string_view>();
      std::string_view* out = blk->As<std::string_view>();
      std::memset(static_cast<void*>(out), 0, sizeof(std::string_view) * static_cast<size_t>(rows));
      ForEachExact(act, [&](int i) { out[i] = StripAsciiWhitespace(xs[i]); });
      if (args[0].block != nullptr) {
        blk->deps.push_back(args[0].block);
        const_cast<Vec&>(args[0]).block = nullptr;
      }
      return Out(blk, valid);
    }
    case Fn::kLength: {
      int64_t* out = blk->As<int64_t>();
      WithAccess<std::string_view>(args[0], [&](auto xs) {
        ForEachExact(act, [&](int i) {
          std::string_view s = xs[i];
          int64_t c = 0;
          for (char ch : s) c += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
          out[i] = c;
        });
      });
      return Out(blk, valid);
    }
    case Fn::kContains:
    case Fn::kStartsWith:
    case Fn::kEndsWith: {
      uint8_t* out = blk->As<uint8_t>();
      WithAccess2<std::string_view, std::string_view>(args[0], args[1], [&](auto xs, auto ys) {
        if (n.fn == Fn::kContains) {
          ForEachExact(act, [&](int i) { out[i] = Contains(xs[i], ys[i]); });
        } else if (n.fn == Fn::kStartsWith) {
          ForEachExact(act, [&](int i) { out[i] = StartsWith(xs[i], ys[i]); });
        } else {
          ForEachExact(act, [&](int i) { out[i] = EndsWith(xs[i], ys[i]); });
        }
      });
      return Out(blk, valid);
    }
    case Fn::kAbs: {
      if (n.type == Ty::kFloat) {
        double* out = blk->As<double>();
        WithAccess<double>(args[0], [&](auto x) { ForEach(act, [&](int i) { out[i] = std::fabs(x[i]); }); });
        return Out(blk, valid);
      }
      int64_t* out = blk->As<int64_t>();
      int64_t overflow = 0;
      WithAccess<int64_t>(args[0], [&](auto x) {
        ForEach(act, [&](int i) {
          int64_t v = x[i];
          out[i] = v < 0 ? (v == std::numeric_limits<int64_t>::min() ? 0 : -v) : v;
        });
        overflow = CountActive(act, [&](int i) {
          return x[i] == std::numeric_limits<int64_t>::min() && (valid == nullptr || valid[i]);
        });
      });
      if (overflow > 0) {
        if (d) d->int_overflow += overflow;
        WithAccess<int64_t>(args[0], [&](auto x) {
          for (int i = 0; i < rows; ++i) vbuf[i] = (valid ? valid[i] : 1) & (x[i] != std::numeric_limits<int64_t>::min());
        });
        valid = vbuf;
      }
      return Out(blk, valid);
    }
    case Fn::kRound:
    case Fn::kFloor:
    case Fn::kCeil: {
      double* out = blk->As<double>();
      WithAccess<double>(args[0], [&](auto x) {
        if (n.fn == Fn::kRound) ForEach(act, [&](int i) { out[i] = std::round(x[i]); });
        if (n.fn == Fn::kFloor) ForEach(act, [&](int i) { out[i] = std::floor(x[i]); });
        if (n.fn == Fn::kCeil) ForEach(act, [&](int i) { out[i] = std::ceil(x[i]); });
      });
      return Out(blk, valid);
    }
    case Fn::kRoundTo: {
      if (n.type == Ty::kFloat) {
        double* out = blk->As<double>();
        WithAccess2<double, int64_t>(args[0], args[1], [&](auto x, auto digits) {
          ForEachExact(act, [&](int i) {
            int64_t dg = std::clamp<int64_t>(digits[i], -400, 400);
            double scale = std::pow(10.0, static_cast<double>(dg));
            double r = std::round(x[i] * scale) / scale;
            out[i] = std::isfinite(r) ? r : x[i];
          });
        });
        return Out(blk, valid);
      }
      // int: rounding to negative digits (half away from zero); non-negative digits keep x.
      int64_t* out = blk->As<int64_t>();
      Block* fb = f.Acquire();
      uint8_t* fail = fb->As<uint8_t>();
      std::memset(fail, 0, rows);
      uint8_t any = 0;
      WithAccess2<int64_t, int64_t>(args[0], args[1], [&](auto x, auto digits) {
        ForEachExact(act, [&](int i) {
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
        int64_t c = CountActive(act, [&](int i) { return fail[i] && (valid == nullptr || valid[i]); });
        if (d) d->int_overflow += c;
        for (int i = 0; i < rows; ++i) vbuf[i] = (valid ? valid[i] : 1) & !fail[i];
        valid = vbuf;
      }
      f.Return(fb);
      return Out(blk, valid);
    }
    default:
      break;
  }
  return AllNull(blk, rows);
}

}  // namespace docket::exec
