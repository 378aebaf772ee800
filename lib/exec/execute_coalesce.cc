// exec/execute_coalesce.cc — coalesce(a, …): each argument runs only on
// the rows still NULL.
#include <algorithm>
#include <cstring>

#include "exec/execute_rows.h"
#include "exec/executor.h"
#include "exec/kernels.h"

namespace docket::exec {

using plan::ExprType;
using plan::Node;

BatchValues BatchEvaluator::Coalesce(int32_t id, const RowSet& a) {
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
  int left = a.count;
  for (size_t k = 0; k < n.args.size() && left > 0; ++k) {
    int cnt;
    RowSet ra = Narrow(a, remaining, rem, &cnt);
    if (k == 0) {
      ra = a;
    } else {
      FillSelection(&ra, reinterpret_cast<uint16_t*>(rem->data.get()));
    }
    BatchValues v = Eval(n.args[k], ra);
    CopyRows(v, n.type, ra, out);
    left = 0;
    for (int i = 0; i < rows; ++i) {
      remaining[i] &= (v.ValidAt(i) ? 0 : 1);
      left += remaining[i];
    }
    if (a.mask != nullptr) {
      left = 0;
      for (int i = 0; i < rows; ++i) left += remaining[i] & a.mask[i];
    }
    if (v.block != nullptr) {
      if (n.type == ExprType::kString) {
        out->deps.push_back(v.block);
      } else {
        Return(v.block);
      }
    }
  }
  Return(rem);
  BatchValues r;
  r.data = out->data.get();
  r.valid = out->valid.get();
  r.block = out;
  return r;
}

}  // namespace docket::exec
