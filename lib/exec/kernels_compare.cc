#include <algorithm>
#include <limits>

#include "exec/kernels.h"

namespace docket::exec {
namespace {

using plan::Cmp;

struct OpEq {
  template <typename X, typename Y>
  static bool F(X x, Y y) {
    return x == y;
  }
};
struct OpNe {
  template <typename X, typename Y>
  static bool F(X x, Y y) {
    return x != y;
  }
};
struct OpLt {
  template <typename X, typename Y>
  static bool F(X x, Y y) {
    return x < y;
  }
};
struct OpLe {
  template <typename X, typename Y>
  static bool F(X x, Y y) {
    return x <= y;
  }
};
struct OpGt {
  template <typename X, typename Y>
  static bool F(X x, Y y) {
    return x > y;
  }
};
struct OpGe {
  template <typename X, typename Y>
  static bool F(X x, Y y) {
    return x >= y;
  }
};

template <typename F>
void WithCmp(Cmp c, F&& f) {
  switch (c) {
    case Cmp::kEq:
      f(OpEq{});
      break;
    case Cmp::kNe:
      f(OpNe{});
      break;
    case Cmp::kLt:
      f(OpLt{});
      break;
    case Cmp::kLe:
      f(OpLe{});
      break;
    case Cmp::kGt:
      f(OpGt{});
      break;
    case Cmp::kGe:
      f(OpGe{});
      break;
  }
}

// `out` is a byte pointer, which may alias anything: the bounds are copied
// to locals so that the dense loop vectorizes.
template <typename O, typename A, typename B>
void CmpLoop(const RowSet& act, A a, B b, uint8_t* __restrict out) {
  const uint16_t* sel = act.sel;
  if (sel != nullptr) {
    const int count = act.count;
    for (int k = 0; k < count; ++k) {
      int i = sel[k];
      out[i] = O::F(a[i], b[i]);
    }
  } else {
    const int n = act.n;
    for (int i = 0; i < n; ++i) out[i] = O::F(a[i], b[i]);
  }
}

// Result of comparing an int32 value with an int64 constant outside the int32 range.
bool OutOfRangeResult(Cmp c, bool constant_above) {
  switch (c) {
    case Cmp::kLt:
    case Cmp::kLe:
      return constant_above;
    case Cmp::kGt:
    case Cmp::kGe:
      return !constant_above;
    case Cmp::kEq:
      return false;
    case Cmp::kNe:
      return true;
  }
  return false;
}

}  // namespace

void CompareInto(Cmp cmp, Phys pa, Phys pb, const BatchValues& a, const BatchValues& b,
                 const RowSet& act, uint8_t* out) {
  // date column against an int64 day-number constant (the as_of rewrites).
  if (pa == Phys::kI32 && pb == Phys::kI64 && b.is_const && !a.is_const) {
    int64_t c = *b.As<int64_t>();
    if (c > std::numeric_limits<int32_t>::max() || c < std::numeric_limits<int32_t>::min()) {
      std::memset(out, OutOfRangeResult(cmp, c > 0) ? 1 : 0, act.n);
      return;
    }
    const int32_t c32 = static_cast<int32_t>(c);
    WithCmp(cmp, [&](auto op) {
      CmpLoop<decltype(op)>(act, Flat<int32_t>{a.As<int32_t>()}, Scalar<int32_t>{c32}, out);
    });
    return;
  }
  auto run = [&](auto ta, auto tb) {
    using TA = typename decltype(ta)::type;
    using TB = typename decltype(tb)::type;
    WithAccess2<TA, TB>(a, b, [&](auto xa, auto xb) {
      WithCmp(cmp, [&](auto op) { CmpLoop<decltype(op)>(act, xa, xb, out); });
    });
  };
  if (pa == pb) {
    WithPhys(pa, [&](auto t) { run(t, t); });
  } else if (pa == Phys::kI32 && pb == Phys::kI64) {
    run(Tag<int32_t>{}, Tag<int64_t>{});
  } else if (pa == Phys::kI64 && pb == Phys::kI32) {
    run(Tag<int64_t>{}, Tag<int32_t>{});
  } else {
    std::memset(out, 0, act.n);  // Unreachable: the binder unifies types.
  }
}

BatchValues CompareKernel(BatchEvaluator& f, Cmp cmp, Phys pa, Phys pb, const BatchValues& a,
                          const BatchValues& b, const RowSet& act) {
  Block* blk = f.Acquire();
  if (ConstNull(a) || ConstNull(b)) return AllNull(blk, act.n);
  uint8_t* out = blk->As<uint8_t>();
  const uint8_t* valid = CombineValid2(a, b, act.n, blk->valid.get());
  CompareInto(cmp, pa, pb, a, b, act, out);
  return BlockVec(blk, valid);
}

bool BetweenInto(Phys px, Phys plo, Phys phi, const BatchValues& x, const BatchValues& lo,
                 const BatchValues& hi, const RowSet& act, uint8_t* out) {
  if (x.is_const || !lo.is_const || !hi.is_const || ConstNull(lo) || ConstNull(hi)) return false;
  if (!((px == Phys::kI32 || px == Phys::kI64) && (plo == Phys::kI32 || plo == Phys::kI64) &&
        (phi == Phys::kI32 || phi == Phys::kI64))) {
    return false;
  }
  auto bound = [](const BatchValues& v, Phys p) -> int64_t {
    return p == Phys::kI32 ? *v.As<int32_t>() : *v.As<int64_t>();
  };
  int64_t l = bound(lo, plo), h = bound(hi, phi);
  if (px == Phys::kI32) {
    l = std::max<int64_t>(l, std::numeric_limits<int32_t>::min());
    h = std::min<int64_t>(h, std::numeric_limits<int32_t>::max());
  }
  if (l > h) {
    std::memset(out, 0, act.n);
  } else if (px == Phys::kI32) {
    const int32_t* xs = x.As<int32_t>();
    const uint32_t base = static_cast<uint32_t>(static_cast<int32_t>(l));
    const uint32_t width = static_cast<uint32_t>(h - l);
    ForEach(act, [&](int i) { out[i] = static_cast<uint32_t>(xs[i]) - base <= width; });
  } else {
    const int64_t* xs = x.As<int64_t>();
    const uint64_t base = static_cast<uint64_t>(l);
    const uint64_t width = static_cast<uint64_t>(h) - static_cast<uint64_t>(l);
    ForEach(act, [&](int i) { out[i] = static_cast<uint64_t>(xs[i]) - base <= width; });
  }
  return true;
}

BatchValues BetweenKernel(BatchEvaluator& f, Phys px, Phys plo, Phys phi, const BatchValues& x,
                          const BatchValues& lo, const BatchValues& hi, const RowSet& act) {
  Block* blk = f.Acquire();
  uint8_t* out = blk->As<uint8_t>();
  const int n = act.n;
  // Fast path: x BETWEEN constant AND constant, no NULL bound.
  if (BetweenInto(px, plo, phi, x, lo, hi, act, out)) {
    const uint8_t* valid = nullptr;
    if (x.valid != nullptr) {
      std::memcpy(blk->valid.get(), x.valid, n);
      valid = blk->valid.get();
    }
    return BlockVec(blk, valid);
  }
  // General case with SQL NULL rules: x >= lo AND x <= hi (Kleene).
  BatchValues ge = CompareKernel(f, Cmp::kGe, px, plo, x, lo, act);
  BatchValues le = CompareKernel(f, Cmp::kLe, px, phi, x, hi, act);
  const uint8_t* gd = ge.As<uint8_t>();
  const uint8_t* ld = le.As<uint8_t>();
  uint8_t* ov = blk->valid.get();
  bool any_null = ge.valid != nullptr || le.valid != nullptr;
  ForEach(act, [&](int i) {
    uint8_t gv = ge.valid ? ge.valid[i] : 1, lv = le.valid ? le.valid[i] : 1;
    uint8_t gt = gv & gd[i] & 1, lt = lv & ld[i] & 1;
    uint8_t gf = gv & ~gd[i] & 1, lf = lv & ~ld[i] & 1;
    out[i] = gt & lt;
    ov[i] = (gt & lt) | gf | lf;
  });
  f.Release(&ge);
  f.Release(&le);
  BatchValues v;
  v.data = out;
  v.valid = any_null ? ov : nullptr;
  v.block = blk;
  return v;
}

BatchValues InSetKernel(BatchEvaluator& f, const plan::InSetPayload& set, plan::ExprType t,
                        const BatchValues& x, const RowSet& act) {
  Block* blk = f.Acquire();
  if (ConstNull(x)) return AllNull(blk, act.n);
  uint8_t* out = blk->As<uint8_t>();
  const int n = act.n;
  const Phys p = PhysOf(t);
  auto ints = [&](auto tag) {
    using T = typename decltype(tag)::type;
    WithAccess<T>(x, [&](auto xs) {
      const std::vector<int64_t>& v = set.ints;
      if (v.size() <= 8) {
        ForEach(act, [&](int i) {
          int64_t val = xs[i];
          bool hit = false;
          for (int64_t c : v) hit |= (val == c);
          out[i] = hit;
        });
      } else {
        ForEach(act, [&](int i) {
          out[i] = std::binary_search(v.begin(), v.end(), static_cast<int64_t>(xs[i]));
        });
      }
    });
  };
  switch (p) {
    case Phys::kU8:
      ints(Tag<uint8_t>{});
      break;
    case Phys::kI32:
      ints(Tag<int32_t>{});
      break;
    case Phys::kI64:
      ints(Tag<int64_t>{});
      break;
    case Phys::kF64:
      WithAccess<double>(x, [&](auto xs) {
        ForEach(act, [&](int i) {
          out[i] = std::binary_search(set.floats.begin(), set.floats.end(), xs[i]);
        });
      });
      break;
    case Phys::kStr:
      WithAccess<std::string_view>(x, [&](auto xs) {
        if (set.strings.size() <= 4) {
          ForEach(act, [&](int i) {
            std::string_view s = xs[i];
            bool hit = false;
            for (const std::string& c : set.strings) hit |= (s == c);
            out[i] = hit;
          });
        } else {
          ForEach(act, [&](int i) {
            std::string_view s = xs[i];
            out[i] = set.string_set.contains(absl::string_view(s.data(), s.size()));
          });
        }
      });
      break;
  }
  uint8_t* ov = blk->valid.get();
  const uint8_t* valid = nullptr;
  if (set.has_null) {
    // No match and a NULL in the list: NULL.
    if (x.valid != nullptr && !x.is_const) {
      for (int i = 0; i < n; ++i) ov[i] = x.valid[i] & out[i];
    } else {
      for (int i = 0; i < n; ++i) ov[i] = out[i];
    }
    valid = ov;
  } else if (x.valid != nullptr && !x.is_const) {
    std::memcpy(ov, x.valid, n);
    valid = ov;
  }
  BatchValues v;
  v.data = out;
  v.valid = valid;
  v.block = blk;
  return v;
}

}  // namespace docket::exec
