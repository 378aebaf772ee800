// exec/kernel_util.h — shared pieces of the kernels: physical types,
// accessor dispatch (flat / constant fast paths) and validity helpers.
#ifndef DOCKET_EXEC_KERNEL_UTIL_H_
#define DOCKET_EXEC_KERNEL_UTIL_H_

#include <cstdint>
#include <cstring>
#include <string_view>

#include "exec/executor.h"
#include "exec/vector.h"
#include "plan/expr.h"

namespace docket::exec {

enum class Phys : uint8_t { kU8, kI32, kI64, kF64, kStr };

inline Phys PhysOf(plan::ExprType t) {
  switch (t) {
    case plan::ExprType::kBool:
      return Phys::kU8;
    case plan::ExprType::kDate:
      return Phys::kI32;
    case plan::ExprType::kFloat:
      return Phys::kF64;
    case plan::ExprType::kString:
      return Phys::kStr;
    default:
      return Phys::kI64;
  }
}

template <typename T>
struct Tag {
  using type = T;
};

template <typename F>
inline void WithPhys(Phys p, F&& f) {
  switch (p) {
    case Phys::kU8:
      f(Tag<uint8_t>{});
      break;
    case Phys::kI32:
      f(Tag<int32_t>{});
      break;
    case Phys::kI64:
      f(Tag<int64_t>{});
      break;
    case Phys::kF64:
      f(Tag<double>{});
      break;
    case Phys::kStr:
      f(Tag<std::string_view>{});
      break;
  }
}

// Calls f(accessor) with Flat<T> or Scalar<T>.
template <typename T, typename F>
inline void WithAccess(const BatchValues& v, F&& f) {
  if (v.is_const) {
    f(Scalar<T>{*v.As<T>()});
  } else {
    f(Flat<T>{v.As<T>()});
  }
}

template <typename TA, typename TB, typename F>
inline void WithAccess2(const BatchValues& a, const BatchValues& b, F&& f) {
  if (a.is_const && b.is_const) {
    f(Scalar<TA>{*a.As<TA>()}, Scalar<TB>{*b.As<TB>()});
  } else if (a.is_const) {
    f(Scalar<TA>{*a.As<TA>()}, Flat<TB>{b.As<TB>()});
  } else if (b.is_const) {
    f(Flat<TA>{a.As<TA>()}, Scalar<TB>{*b.As<TB>()});
  } else {
    f(Flat<TA>{a.As<TA>()}, Flat<TB>{b.As<TB>()});
  }
}

// True when a constant BatchValues is NULL.
inline bool ConstNull(const BatchValues& v) {
  return v.is_const && v.valid != nullptr && v.valid[0] == 0;
}

// Writes the AND of the operands' validity into `out` (n bytes) and returns
// it, or returns nullptr when no operand has NULLs.  Constant operands must
// not be NULL (callers handle that first).
inline const uint8_t* CombineValid(const BatchValues* const* vs, int count, int n, uint8_t* out) {
  bool first = true;
  for (int k = 0; k < count; ++k) {
    const BatchValues& v = *vs[k];
    if (v.valid == nullptr || v.is_const) continue;
    if (first) {
      std::memcpy(out, v.valid, n);
      first = false;
    } else {
      for (int i = 0; i < n; ++i) out[i] &= v.valid[i];
    }
  }
  return first ? nullptr : out;
}

inline const uint8_t* CombineValid2(const BatchValues& a, const BatchValues& b, int n,
                                    uint8_t* out) {
  const BatchValues* vs[2] = {&a, &b};
  return CombineValid(vs, 2, n, out);
}

// The BatchValues of a kernel's result: values at the start of `blk`, validity
// `valid` (nullptr: no NULL), owning the block.  The one block → BatchValues helper.
inline BatchValues BlockVec(Block* blk, const uint8_t* valid) {
  BatchValues out;
  out.data = blk->data.get();
  out.valid = valid;
  out.block = blk;
  return out;
}

// A BatchValues whose every row is NULL.
inline BatchValues AllNull(Block* blk, int n) {
  std::memset(blk->valid.get(), 0, n);
  // Zero values (empty string views) so that consumers reading every row stay safe.
  std::memset(blk->data.get(), 0, static_cast<size_t>(n) * 16);
  return BlockVec(blk, blk->valid.get());
}

}  // namespace docket::exec

#endif  // DOCKET_EXEC_KERNEL_UTIL_H_
