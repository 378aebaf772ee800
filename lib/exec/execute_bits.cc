// exec/execute_bits.cc — booleans as 64-row words (exec/bits.h): AND and OR
// as selections over words (each operand runs only on the rows still
// undecided when it is expensive or can raise a diagnostic), NOT, IS NULL
// from validity bitmaps, comparisons that emit words, and dictionary
// predicates as a lookup of the code in the per-entry table.  Every other
// boolean node is computed as bytes and packed.  A comparison's operands
// that are arithmetic failing on no row (float + - *, % by a constant, date
// differences) keep their validity as words (KeepWords).
#include <algorithm>
#include <cstring>

#include "exec/compare_words.h"
#include "exec/execute_rows.h"
#include "exec/executor.h"
#include "exec/kernels.h"

namespace docket::exec {

using plan::ExprType;
using plan::Node;
using plan::Op;

void FillSelection(RowSet* b, uint16_t* sel) {
  SelectFromMask(b->mask, b->n, sel);
  b->sel = sel;
}

namespace {

// Turns a dense RowSet over a mask into a sparse one when few rows are left
// or the work per row is large.
void MaybeSparse(RowSet* b, const RowSet& parent, bool expensive, uint16_t* sel_storage) {
  if (b->mask == nullptr) return;
  if (parent.sel != nullptr || expensive || b->count * 4 < b->n) FillSelection(b, sel_storage);
}

// The words of an owned BitVec in `blk` for n rows.
inline uint64_t* ValueWords(Block* blk) { return blk->As<uint64_t>(); }
inline uint64_t* ValidWords(Block* blk, int n) { return blk->As<uint64_t>() + WordsFor(n); }

BitVec Owned(Block* blk, int n, bool has_valid) {
  BitVec b;
  b.value = ValueWords(blk);
  b.valid = has_valid ? ValidWords(blk, n) : nullptr;
  b.block = blk;
  return b;
}

void Fill(uint64_t* w, int n, bool on) {
  std::memset(w, on ? 0xFF : 0, static_cast<size_t>(WordsFor(n)) * 8);
}

}  // namespace

BitVec BatchEvaluator::PackVec(const BatchValues& v, int n) {
  BitVec b;
  const uint8_t* d = v.As<uint8_t>();
  if (v.is_const) {
    const bool valid = v.ValidAt(0);
    b.value = valid && (d[0] & 1) ? kOnesWords : kZeroWords;
    b.valid = valid ? nullptr : kZeroWords;
    return b;
  }
  Block* blk = Acquire();
  uint64_t* value = ValueWords(blk);
  PackWords(d, n, value);
  if (v.valid == nullptr) return Owned(blk, n, false);
  uint64_t* valid = ValidWords(blk, n);
  PackWords(v.valid, n, valid);
  for (int w = 0; w < WordsFor(n); ++w) value[w] &= valid[w];
  return Owned(blk, n, true);
}

BatchValues BatchEvaluator::UnpackBitVec(const BitVec& b, int n) {
  Block* blk = Acquire();
  UnpackWords(b.value, n, blk->As<uint8_t>());
  if (b.valid == nullptr) return BlockVec(blk, nullptr);
  UnpackWords(b.valid, n, blk->valid.get());
  return BlockVec(blk, blk->valid.get());
}

BitVec BatchEvaluator::EvalBits(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  if (n.eval_const) {
    BatchValues v = Eval(id, a);
    BitVec b = PackVec(v, a.n);
    Release(&v);
    return b;
  }
  const bool gather = dict_slot_ < 0 && plan_->per_entry[id] && st_->entry_results[id] != nullptr;
  const int32_t s = plan_->shared_slot[id];
  if (s >= 0) {
    if (bit_stamp_[s] != batch_) {
      // Computed once per batch, as words or as bytes, whichever is asked first.
      bit_cache_[s] = stamp_[s] == batch_ ? PackVec(cache_[s], root_.n)
                      : gather            ? GatherBits(id, root_)
                                          : ComputeBits(id, root_);
      bit_stamp_[s] = batch_;
      bit_filled_.push_back(s);
    }
    BitVec v = bit_cache_[s];
    v.block = nullptr;
    return v;
  }
  return gather ? GatherBits(id, a) : ComputeBits(id, a);
}

BitVec BatchEvaluator::ComputeBits(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  switch (n.op) {
    case Op::kAnd:
      return LogicBits(id, a, true);
    case Op::kOr:
      return LogicBits(id, a, false);
    case Op::kNot: {
      BitVec x = EvalBits(n.args[0], a);
      Block* blk = x.block != nullptr ? x.block : Acquire();
      uint64_t* v = ValueWords(blk);
      uint64_t* k = ValidWords(blk, a.n);
      const int words = WordsFor(a.n);
      if (x.valid != nullptr) {
        for (int w = 0; w < words; ++w) {
          const uint64_t t = x.value[w], known = x.valid[w];
          k[w] = known;
          v[w] = known & ~t;
        }
      } else {
        for (int w = 0; w < words; ++w) v[w] = ~x.value[w];
      }
      return Owned(blk, a.n, x.valid != nullptr);
    }
    case Op::kIsNull:
    case Op::kIsNotNull:
      return NullTestBits(id, a);
    case Op::kCompare:
      return CompareBits(id, a);
    case Op::kBetween: {
      const plan::Node& lo = g_->node(n.args[1]);
      const plan::Node& hi = g_->node(n.args[2]);
      if (!lo.eval_const || !hi.eval_const) break;
      // Constant bounds (evaluated once per evaluation: reading them twice is free).
      BatchValues lv = Eval(n.args[1], a);
      BatchValues hv = Eval(n.args[2], a);
      const Phys px = PhysOf(g_->node(n.args[0]).type);
      const Phys pl = PhysOf(lo.type), ph = PhysOf(hi.type);
      const bool ints = (px == Phys::kI32 || px == Phys::kI64) &&
                        (pl == Phys::kI32 || pl == Phys::kI64) &&
                        (ph == Phys::kI32 || ph == Phys::kI64);
      if (!ints || ConstNull(lv) || ConstNull(hv)) {
        Release(&lv);
        Release(&hv);
        break;
      }
      const uint64_t* xw = nullptr;
      BatchValues x = EvalWithWords(n.args[0], a, &xw);
      Block* blk = Acquire();
      uint64_t* v = ValueWords(blk);
      const int64_t l = pl == Phys::kI32 ? *lv.As<int32_t>() : *lv.As<int64_t>();
      const int64_t h = ph == Phys::kI32 ? *hv.As<int32_t>() : *hv.As<int64_t>();
      if (px != Phys::kI64 || !BetweenI64Words(x, l, h, a, v)) {  // exec/compare_words.h
        uint8_t* bytes = blk->valid.get();
        if (x.is_const || !BetweenInto(px, pl, ph, x, lv, hv, a, bytes)) {
          // A constant x is folded at compile time; kept correct regardless.
          Return(blk);
          Release(&x);
          Release(&lv);
          Release(&hv);
          break;
        }
        PackWords(bytes, a.n, v);
      }
      const int words = WordsFor(a.n);
      bool has_valid = false;
      if (xw != nullptr || x.valid != nullptr) {
        uint64_t* k = ValidWords(blk, a.n);
        if (xw != nullptr) {
          std::memcpy(k, xw, static_cast<size_t>(words) * 8);
        } else {
          PackWords(x.valid, a.n, k);
        }
        for (int w = 0; w < words; ++w) v[w] &= k[w];
        has_valid = true;
      }
      Release(&x);
      Release(&lv);
      Release(&hv);
      return Owned(blk, a.n, has_valid);
    }
    default:
      break;
  }
  BatchValues v = Compute(id, a);
  BitVec b = PackVec(v, a.n);
  Release(&v);
  return b;
}

BatchValues BatchEvaluator::EvalWithWords(int32_t id, const RowSet& a, const uint64_t** words) {
  const Node& n = g_->node(id);
  if ((n.op == Op::kColumn || n.op == Op::kAggregate) && !n.eval_const) {
    // The validity bitmap is read as words, never unpacked.  A shared column
    // is read again rather than taken from the cache when its values are
    // read in place (nothing is computed twice).
    bool in_place =
        n.type == ExprType::kInt || n.type == ExprType::kFloat || n.type == ExprType::kDate;
    if (n.type == ExprType::kTimestamp) {
      const Column* col = ColumnFor(n.column);
      in_place = col->type().unit == TimeUnit::kMicro;
    }
    if (plan_->shared_slot[id] < 0 || in_place) return LoadColumn(id, a, words);
  }
  const bool gather = dict_slot_ < 0 && plan_->per_entry[id] && st_->entry_results[id] != nullptr;
  if (!n.eval_const && !gather && plan_->shared_slot[id] < 0 && KeepsWords(n)) {
    return KeepWords(id, a, words);
  }
  *words = nullptr;
  return Eval(id, a);
}

bool BatchEvaluator::KeepsWords(const Node& n) const {
  switch (n.op) {
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
      return n.type == ExprType::kFloat;  // An int one can overflow (counted per valid row).
    case Op::kMod:
      // By a constant: a zero divisor is seen before any row (KeepWords).
      return n.type == ExprType::kInt && g_->node(n.args[1]).eval_const;
    case Op::kNeg:
      return n.type == ExprType::kFloat;
    case Op::kIntToFloat:
    case Op::kDateDiff:
      return true;
    default:
      return false;
  }
}

BatchValues BatchEvaluator::KeepWords(int32_t id, const RowSet& a, const uint64_t** words) {
  // A strict operator that fails on no row: it is NULL exactly where an
  // operand is, so its validity is the AND of the operands' validity words,
  // and its kernel runs as if no operand had a NULL (a NULL row's value is
  // unspecified, as everywhere).  Nothing is unpacked to bytes on the way.
  const Node& n = g_->node(id);
  Diagnostics* d = (n.rule >= 0 && diag_ != nullptr) ? &diag_[n.rule] : &unowned_;
  const int nargs = static_cast<int>(n.args.size());
  *words = nullptr;
  if (n.op == Op::kMod) {
    // x % 0 would count a division by zero per valid row: the byte path.
    BatchValues dv = Eval(n.args[1], a);
    const bool zero = !ConstNull(dv) && *dv.As<int64_t>() == 0;
    Release(&dv);
    if (zero) return Eval(id, a);
  }
  BatchValues args[2];
  const uint64_t* aw[2] = {nullptr, nullptr};
  uint64_t packed[2][kBatchWords];
  bool null_const = false;
  for (int k = 0; k < nargs; ++k) {
    args[k] = EvalWithWords(n.args[k], a, &aw[k]);
    if (args[k].is_const) {
      null_const |= ConstNull(args[k]);
    } else if (args[k].valid != nullptr) {
      // A computed operand's byte validity, as words.
      PackWords(args[k].valid, a.n, packed[k]);
      aw[k] = packed[k];
    }
  }
  BatchValues v;
  if (null_const) {
    // NULL on every row: the kernel says so in bytes.
    v = n.op == Op::kDateDiff ? DateKernel(*this, n, *g_, args, a, st_->zone.get(), d)
        : nargs == 1          ? AllNull(Acquire(), a.n)
                              : ArithKernel(*this, n.op, n.type, args[0], args[1], a, d);
  } else {
    BatchValues bare[2];
    for (int k = 0; k < nargs; ++k) {
      bare[k] = args[k];
      if (!bare[k].is_const) bare[k].valid = nullptr;
    }
    switch (n.op) {
      case Op::kDateDiff:
        v = DateKernel(*this, n, *g_, bare, a, st_->zone.get(), d);
        break;
      case Op::kNeg:
        v = NegKernel(*this, n.type, bare[0], a, d);
        break;
      case Op::kIntToFloat:
        v = IntToFloatKernel(*this, bare[0], a);
        break;
      default:
        v = ArithKernel(*this, n.op, n.type, bare[0], bare[1], a, d);
        break;
    }
    // The operands' words, ANDed, go in the result block's validity bytes
    // (which these kernels leave unused: no row fails, v.valid is nullptr;
    // were one to, its bytes are ANDed in too).
    const uint64_t* w0 = aw[0];
    const uint64_t* w1 = nargs > 1 ? aw[1] : nullptr;
    if (w0 == nullptr) std::swap(w0, w1);
    if (w0 != nullptr || v.valid != nullptr) {
      // Separate loops: a loop that reads w1 only when it is not null
      // becomes masked loads from address 0, a microcode assist per load.
      const int nw = WordsFor(a.n);
      uint64_t mine[kBatchWords];
      if (v.valid != nullptr) PackWords(v.valid, a.n, mine);
      uint64_t* out = reinterpret_cast<uint64_t*>(v.block->valid.get());
      if (w0 == nullptr) {
        std::memcpy(out, mine, static_cast<size_t>(nw) * 8);
      } else if (w1 == nullptr) {
        std::memcpy(out, w0, static_cast<size_t>(nw) * 8);
      } else {
        for (int w = 0; w < nw; ++w) out[w] = w0[w] & w1[w];
      }
      if (w0 != nullptr && v.valid != nullptr) {
        for (int w = 0; w < nw; ++w) out[w] &= mine[w];
      }
      v.valid = nullptr;
      *words = out;
    }
  }
  for (int k = 0; k < nargs; ++k) Release(&args[k]);
  return v;
}

BitVec BatchEvaluator::CompareBits(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  const uint64_t* xw = nullptr;
  const uint64_t* yw = nullptr;
  BatchValues x = EvalWithWords(n.args[0], a, &xw);
  BatchValues y = EvalWithWords(n.args[1], a, &yw);
  Block* blk = Acquire();
  uint64_t* v = ValueWords(blk);
  uint64_t* k = ValidWords(blk, a.n);
  const int words = WordsFor(a.n);
  if (ConstNull(x) || ConstNull(y)) {
    Fill(v, a.n, false);
    Fill(k, a.n, false);
    Release(&x);
    Release(&y);
    return Owned(blk, a.n, true);
  }
  const Phys px = PhysOf(g_->node(n.args[0]).type), py = PhysOf(g_->node(n.args[1]).type);
  if (!CompareI64ConstWords(n.cmp, px, py, x, y, a, v) &&  // exec/compare_words.h
      !CompareF64Words(n.cmp, px, py, x, y, a, v)) {
    uint8_t* bytes = blk->valid.get();  // Scratch: one byte per row, then packed.
    CompareInto(n.cmp, px, py, x, y, a, bytes);
    PackWords(bytes, a.n, v);
  }
  bool has_valid = false;
  auto fold = [&](const BatchValues& z, const uint64_t* zw) {
    if (z.is_const) return;  // A constant operand is not NULL here.
    uint64_t tmp[kBatchWords];
    const uint64_t* src = zw;
    if (src == nullptr) {
      if (z.valid == nullptr) return;
      PackWords(z.valid, a.n, tmp);
      src = tmp;
    }
    if (!has_valid) {
      std::memcpy(k, src, static_cast<size_t>(words) * 8);
      has_valid = true;
    } else {
      for (int w = 0; w < words; ++w) k[w] &= src[w];
    }
  };
  fold(x, xw);
  fold(y, yw);
  if (has_valid) {
    for (int w = 0; w < words; ++w) v[w] &= k[w];
  }
  Release(&x);
  Release(&y);
  return Owned(blk, a.n, has_valid);
}

BitVec BatchEvaluator::NullTestBits(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  const bool want_valid = n.op == Op::kIsNotNull;
  const int32_t arg = n.args[0];
  const Node& an = g_->node(arg);
  Block* blk = Acquire();
  uint64_t* v = ValueWords(blk);
  const int words = WordsFor(a.n);
  auto from = [&](const uint64_t* valid) {
    if (valid == nullptr) {
      Fill(v, a.n, want_valid);
    } else if (want_valid) {
      if (valid != v) std::memcpy(v, valid, static_cast<size_t>(words) * 8);
    } else {
      for (int w = 0; w < words; ++w) v[w] = ~valid[w];
    }
  };
  if (an.op == Op::kColumn || an.op == Op::kAggregate) {
    // Only the validity bitmap is read, as words (shared or not: nothing is computed).
    const Column* col = ColumnFor(an.column);
    if (col->validity() == nullptr) {
      from(nullptr);
    } else {
      LoadBitmapWords(col->validity(), start_, a.n, v);
      from(v);
    }
  } else if (an.type == ExprType::kBool) {
    BitVec x = EvalBits(arg, a);
    from(x.valid);
    Release(&x);
  } else {
    BatchValues x = Eval(arg, a);
    if (x.valid == nullptr) {
      from(nullptr);
    } else if (x.is_const) {
      Fill(v, a.n, (x.valid[0] != 0) == want_valid);
    } else {
      uint64_t tmp[kBatchWords];
      PackWords(x.valid, a.n, tmp);
      from(tmp);
    }
    Release(&x);
  }
  return Owned(blk, a.n, false);
}

void EntryResult::Finish() {
  num_true = -1;
  if (any_null || value.empty()) return;
  int count = 0;
  for (size_t e = 0; e + 1 < value.size(); ++e) {
    if ((value[e] & 1) == 0) continue;
    if (count == 2) return;
    true_codes[count++] = static_cast<int32_t>(e);
  }
  num_true = count;
}

BitVec BatchEvaluator::GatherBits(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  const Column* col = st_->columns[n.single_column];
  const EntryResult& lut = *st_->entry_results[id];
  const uint8_t* packed = lut.value.data();  // value | valid << 1
  const uint32_t null_entry = static_cast<uint32_t>(lut.value.size() - 1);
  const int32_t* codes = col->codes() + start_;
  const int rows = a.n;
  const int words = WordsFor(rows);
  Block* blk = Acquire();
  uint64_t* v = ValueWords(blk);
  uint64_t* k = ValidWords(blk, rows);
  // Every row, 64 at a time: a code is always safe to read (column.h), and
  // a table lookup costs less than skipping rows.
  alignas(16) uint8_t tmp[64];
  if (lut.num_true >= 0) {
    // At most two TRUE entries and no NULL one: compare codes, 64 rows a word
    // (a code out of the dictionary's range reads the NULL entry, as the
    // table lookup's clamp does).
    const uint8_t e = packed[null_entry];
    const uint64_t oob_value = (e & 1) ? ~uint64_t{0} : 0;
    const uint64_t oob_known = (e >> 1) ? ~uint64_t{0} : 0;
    bool any_oob = false;
    for (int w = 0; w < words; ++w) {
      const int base = 64 * w;
      const int cnt = std::min(64, rows - base);
      uint64_t hit, o;
      MatchCodeWord(codes + base, cnt, lut.num_true, lut.true_codes[0], lut.true_codes[1],
                    null_entry, &hit, &o);
      v[w] = hit | (o & oob_value);
      k[w] = ~o | oob_known;
      any_oob |= o != 0;
    }
    const bool known_all = !any_oob || oob_known != 0;
    if (col->validity() == nullptr) return Owned(blk, rows, !known_all);
    uint64_t cv[kBatchWords];
    LoadBitmapWords(col->validity(), start_, rows, cv);
    const uint64_t null_value = oob_value,
                   null_known = oob_known;  // The NULL row is the same entry.
    for (int w = 0; w < words; ++w) {
      v[w] = (v[w] & cv[w]) | (~cv[w] & null_value);
      k[w] = (k[w] & cv[w]) | (~cv[w] & null_known);
    }
    return Owned(blk, rows, true);
  }
  for (int w = 0; w < words; ++w) {
    const int base = 64 * w;
    const int cnt = std::min(64, rows - base);
    for (int j = 0; j < cnt; ++j)
      tmp[j] = packed[std::min(static_cast<uint32_t>(codes[base + j]), null_entry)];
    if (cnt < 64) std::memset(tmp + cnt, 0, 64 - cnt);
    v[w] = PackWord(tmp);
    if (lut.any_null) k[w] = PackWordBit1(tmp);
  }
  if (col->validity() == nullptr) return Owned(blk, rows, lut.any_null);
  // NULL rows take the table's NULL entry.
  uint64_t cv[kBatchWords];
  LoadBitmapWords(col->validity(), start_, rows, cv);
  const uint8_t e = packed[null_entry];
  const uint64_t null_value = (e & 1) ? ~uint64_t{0} : 0;
  const uint64_t null_known = (e >> 1) ? ~uint64_t{0} : 0;
  for (int w = 0; w < words; ++w) {
    v[w] = (v[w] & cv[w]) | (~cv[w] & null_value);
    const uint64_t known = lut.any_null ? k[w] : ~uint64_t{0};
    k[w] = (known & cv[w]) | (~cv[w] & null_known);
  }
  return Owned(blk, rows, true);
}

BitVec BatchEvaluator::LogicBits(int32_t id, const RowSet& a, bool is_and) {
  const Node& n = g_->node(id);
  const int rows = a.n;
  const int words = WordsFor(rows);
  Block* res = Acquire();
  // Row states as two words: t (TRUE) and f (FALSE); NULL is neither.  While
  // no operand has had a NULL, f is ~t and is not stored.
  uint64_t* t = ValueWords(res);
  uint64_t* f = ValidWords(res, rows);
  bool have_f = false;
  auto materialize_f = [&] {
    if (have_f) return;
    for (int w = 0; w < words; ++w) f[w] = ~t[w];
    have_f = true;
  };
  {
    BitVec v = EvalBits(n.args[0], a);
    std::memcpy(t, v.value, static_cast<size_t>(words) * 8);
    if (v.valid != nullptr) {
      for (int w = 0; w < words; ++w) f[w] = v.valid[w] & ~v.value[w];
      have_f = true;
    }
    Release(&v);
  }
  Block* alive = nullptr;
  for (size_t k = 1; k < n.args.size(); ++k) {
    const int32_t arg = n.args[k];
    RowSet b = a;
    // A dictionary predicate is a table lookup per row, however costly per entry.
    const bool lookup =
        dict_slot_ < 0 && plan_->per_entry[arg] && st_->entry_results[arg] != nullptr;
    if ((plan_->expensive[arg] && !lookup) || plan_->fallible_below[arg]) {
      // Only the rows still undecided: expensive work is skipped for the
      // others, and a division on a row the rule already decided is neither
      // computed nor counted.
      if (alive == nullptr) alive = Acquire();
      uint64_t undecided[kBatchWords];
      for (int w = 0; w < words; ++w) undecided[w] = is_and ? (have_f ? ~f[w] : t[w]) : ~t[w];
      uint8_t* keep = alive->valid.get();
      UnpackWords(undecided, rows, keep);
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
    BitVec v = EvalBits(arg, b);
    if (v.valid != nullptr) materialize_f();
    if (is_and) {
      for (int w = 0; w < words; ++w) t[w] &= v.value[w];
      if (v.valid != nullptr) {
        for (int w = 0; w < words; ++w) f[w] |= v.valid[w] & ~v.value[w];
      } else if (have_f) {
        for (int w = 0; w < words; ++w) f[w] |= ~v.value[w];
      }
    } else {
      for (int w = 0; w < words; ++w) t[w] |= v.value[w];
      if (v.valid != nullptr) {
        for (int w = 0; w < words; ++w) f[w] &= v.valid[w] & ~v.value[w];
      } else if (have_f) {
        for (int w = 0; w < words; ++w) f[w] &= ~v.value[w];
      }
    }
    Release(&v);
  }
  if (alive != nullptr) Return(alive);
  if (!have_f) return Owned(res, rows, false);   // Every row TRUE or FALSE.
  for (int w = 0; w < words; ++w) f[w] |= t[w];  // Known = TRUE or FALSE.
  return Owned(res, rows, !AllOnes(f, rows));
}

}  // namespace docket::exec
