// exec/execute_case.cc — CASE WHEN: each branch runs only on the rows no
// earlier WHEN took.
#include <algorithm>
#include <cstring>

#include "exec/execute_rows.h"
#include "exec/executor.h"
#include "exec/kernels.h"

namespace docket::exec {

using plan::ExprType;
using plan::Node;

// Copies rows `rows` of `src` into `out` (values and validity).
void CopyRows(const BatchValues& src, ExprType type, const RowSet& rows, Block* out) {
  uint8_t* ov = out->valid.get();
  WithPhys(PhysOf(type), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = out->As<T>();
    WithAccess<T>(src, [&](auto xs) {
      ForEachExact(rows, [&](int i) {
        o[i] = xs[i];
        ov[i] = src.ValidAt(i);
      });
    });
  });
}

BatchValues BatchEvaluator::Case(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  const int rows = a.n;
  Block* out = Acquire();
  std::memset(out->valid.get(), 0, rows);
  // Rows no branch writes must still be safe to read (empty string views).
  if (n.type == ExprType::kString) std::memset(out->data.get(), 0, sizeof(std::string_view) * rows);
  Block* rem = Acquire();
  uint8_t* remaining = rem->valid.get();
  if (a.mask == nullptr) {
    std::memset(remaining, 1, rows);
  } else {
    std::memcpy(remaining, a.mask, rows);
  }
  Block* takeb = Acquire();
  uint8_t* take = takeb->valid.get();
  size_t pairs = (n.args.size() - (n.has_else ? 1 : 0)) / 2;
  int left = a.count;
  for (size_t p = 0; p < pairs && left > 0; ++p) {
    int cnt;
    RowSet ra = Narrow(a, remaining, rem, &cnt);
    FillSelection(&ra, reinterpret_cast<uint16_t*>(rem->data.get()));
    BatchValues c = Eval(n.args[2 * p], ra);
    const uint8_t* cd = c.As<uint8_t>();
    int taken = 0;
    for (int i = 0; i < rows; ++i) {
      uint8_t ok = remaining[i] & (c.ValidAt(i) ? 1 : 0) & cd[c.is_const ? 0 : i] & 1;
      take[i] = ok;
      taken += ok;
    }
    Release(&c);
    if (taken > 0) {
      RowSet ta = Narrow(a, take, takeb, &cnt);
      FillSelection(&ta, reinterpret_cast<uint16_t*>(takeb->data.get()));
      BatchValues v = Eval(n.args[2 * p + 1], ta);
      CopyRows(v, n.type, ta, out);
      if (v.block != nullptr) {
        if (n.type == ExprType::kString) {
          out->deps.push_back(v.block);
        } else {
          Return(v.block);
        }
      }
      for (int i = 0; i < rows; ++i) remaining[i] &= take[i] ^ 1;
      left -= taken;
    }
  }
  if (n.has_else && left > 0) {
    int cnt;
    RowSet ra = Narrow(a, remaining, rem, &cnt);
    FillSelection(&ra, reinterpret_cast<uint16_t*>(rem->data.get()));
    BatchValues v = Eval(n.args.back(), ra);
    CopyRows(v, n.type, ra, out);
    if (v.block != nullptr) {
      if (n.type == ExprType::kString) {
        out->deps.push_back(v.block);
      } else {
        Return(v.block);
      }
    }
  }
  Return(rem);
  Return(takeb);
  BatchValues r;
  r.data = out->data.get();
  r.valid = out->valid.get();
  r.block = out;
  return r;
}

}  // namespace docket::exec
