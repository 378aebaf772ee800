// exec/execute_logic.cc — AND and OR as selections: each operand runs only
// on the rows still undecided (DuckDB's Select), NOT via the kernels.
#include <algorithm>
#include <cstring>

#include "exec/execute_rows.h"
#include "exec/executor.h"
#include "exec/kernels.h"

namespace docket::exec {

using plan::Node;
using plan::Op;
using plan::Ty;

void FillSelection(Active* b, uint16_t* sel) {
  int c = 0;
  for (int i = 0; i < b->n; ++i) {
    sel[c] = static_cast<uint16_t>(i);
    c += b->mask[i];
  }
  b->sel = sel;
}

namespace {

// Turns a dense Active over a mask into a sparse one when few rows are left
// or the work per row is large.
void MaybeSparse(Active* b, const Active& parent, bool expensive, uint16_t* sel_storage) {
  if (b->mask == nullptr) return;
  if (parent.sel != nullptr || expensive || b->count * 4 < b->n) FillSelection(b, sel_storage);
}

}  // namespace

Vec Frame::Logic(int32_t id, const Active& a, bool is_and) {
  const Node& n = g_->node(id);
  Block* res = Acquire();
  // Row states: TRUE (t = 1, fl = 0), FALSE (0, 1), NULL (0, 0).  While no
  // operand has had a NULL every row is TRUE or FALSE, fl is ~t and is not
  // stored: a rule without NULLs costs one pass per operand.
  uint8_t* t = res->As<uint8_t>();
  uint8_t* fl = res->valid.get();
  bool have_fl = false;
  const int rows = a.n;
  auto materialize_fl = [&] {
    if (have_fl) return;
    for (int i = 0; i < rows; ++i) fl[i] = ~t[i] & 1;
    have_fl = true;
  };
  {
    Vec v = Eval(n.args[0], a);
    const uint8_t* d = v.As<uint8_t>();
    if (v.is_const) {
      // An evaluation constant (e.g. `today < DATE '…'`): one value for every row.
      uint8_t vv = v.valid == nullptr ? 1 : v.valid[0];
      std::memset(t, vv & d[0] & 1, rows);
      if (!vv) {
        std::memset(fl, 0, rows);
        have_fl = true;
      }
    } else if (v.valid == nullptr) {
      for (int i = 0; i < rows; ++i) t[i] = d[i] & 1;
    } else {
      for (int i = 0; i < rows; ++i) {
        t[i] = v.valid[i] & d[i] & 1;
        fl[i] = v.valid[i] & ~d[i] & 1;
      }
      have_fl = true;
    }
    Release(&v);
  }
  Block* alive = nullptr;
  for (size_t k = 1; k < n.args.size(); ++k) {
    const int32_t arg = n.args[k];
    Active b = a;
    if (plan_->expensive[arg] || plan_->fallible_below[arg]) {
      // Only the rows still undecided: expensive work is skipped for the
      // others, and a division on a row the rule already decided is neither
      // computed nor counted.
      if (alive == nullptr) alive = Acquire();
      uint8_t* keep = alive->valid.get();
      if (is_and) {
        // Undecided = not FALSE.
        if (have_fl) {
          for (int i = 0; i < rows; ++i) keep[i] = fl[i] ^ 1;
        } else {
          std::memcpy(keep, t, rows);
        }
      } else {
        for (int i = 0; i < rows; ++i) keep[i] = t[i] ^ 1;
      }
      if (a.mask != nullptr) {
        for (int i = 0; i < rows; ++i) keep[i] &= a.mask[i];
      }
      int count;
      b = Narrow(a, keep, alive, &count);
      if (count == 0) break;
      if (count == rows) {
        b = a;
      } else {
        MaybeSparse(&b, a, plan_->expensive[arg], reinterpret_cast<uint16_t*>(alive->data.get()));
      }
    }
    // Cheap operands run on every row of `a`: a decided row absorbs whatever
    // they give it (FALSE stays FALSE under AND, TRUE stays TRUE under OR).
    Vec v = Eval(arg, b);
    const uint8_t* d = v.As<uint8_t>();
    if (v.is_const) {
      uint8_t vv = v.valid == nullptr ? 1 : v.valid[0];
      uint8_t vt = vv & d[0] & 1, vf = vv & ~d[0] & 1;
      if (!vv) materialize_fl();
      for (int i = 0; i < rows; ++i) {
        if (is_and) {
          t[i] &= vt;
          if (have_fl) fl[i] |= vf;
        } else {
          t[i] |= vt;
          if (have_fl) fl[i] &= vf;
        }
      }
    } else if (v.valid == nullptr) {
      if (is_and) {
        if (have_fl) {
          for (int i = 0; i < rows; ++i) {
            t[i] &= d[i];
            fl[i] |= ~d[i] & 1;
          }
        } else {
          for (int i = 0; i < rows; ++i) t[i] &= d[i];
        }
      } else {
        if (have_fl) {
          for (int i = 0; i < rows; ++i) {
            t[i] |= d[i] & 1;
            fl[i] &= ~d[i];
          }
        } else {
          for (int i = 0; i < rows; ++i) t[i] |= d[i] & 1;
        }
      }
    } else {
      materialize_fl();
      const uint8_t* vv = v.valid;
      if (is_and) {
        for (int i = 0; i < rows; ++i) {
          t[i] &= vv[i] & d[i];
          fl[i] |= vv[i] & ~d[i] & 1;
        }
      } else {
        for (int i = 0; i < rows; ++i) {
          t[i] |= vv[i] & d[i] & 1;
          fl[i] &= vv[i] & ~d[i];
        }
      }
    }
    Release(&v);
  }
  if (alive != nullptr) Return(alive);
  Vec out;
  out.data = t;
  out.block = res;
  if (!have_fl) return out;  // Every row TRUE or FALSE: no validity.
  uint8_t all = 1;
  for (int i = 0; i < rows; ++i) {
    fl[i] = (t[i] | fl[i]) & 1;
    all &= fl[i];
  }
  out.valid = all ? nullptr : fl;
  return out;
}

}  // namespace docket::exec
