// exec/executor.cc — the evaluation frame: scalars, the per-thread block
// pool, the per-batch cache of shared nodes, and Eval (see executor.h).
#include "exec/executor.h"

#include <algorithm>
#include <cstring>

#include "exec/kernels.h"

namespace docket::exec {

using plan::ExprType;
using plan::Node;
using plan::Op;

// ---------------------------------------------------------------------------
// Scalars.

void ScalarValue::Set(const Value& v, ExprType t) {
  valid = !v.is_null();
  i = 0, f = 0, d = 0, b = 0;
  s.clear();
  if (!valid) {
    sv = std::string_view();
    return;
  }
  switch (t) {
    case ExprType::kBool:
      b = v.bool_value();
      break;
    case ExprType::kInt:
      i = v.int_value();
      break;
    case ExprType::kTimestamp: {
      // The engine counts micros; a value in another unit (a Python param in
      // ns, a C++ caller's seconds) is converted here, flooring like a column.
      const int64_t per = UnitsPerSecond(v.type().unit);
      i = v.int_value();
      if (v.type().id == TypeId::kTimestamp && per != 1000000) {
        if (per > 1000000) {
          const int64_t div = per / 1000000;
          i = i / div - ((i % div) < 0 ? 1 : 0);
        } else {
          i *= 1000000 / per;
        }
      }
      break;
    }
    case ExprType::kFloat:
      f = v.type().id == TypeId::kFloat ? v.float_value() : static_cast<double>(v.int_value());
      break;
    case ExprType::kDate:
      d = static_cast<int32_t>(v.int_value());
      break;
    case ExprType::kString:
      s = v.string_value();
      break;
    case ExprType::kNull:
      valid = 0;
      break;
  }
  sv = s;
}

Value ScalarValue::Get(ExprType t) const {
  if (!valid) return plan::NullOf(t);
  switch (t) {
    case ExprType::kBool:
      return Value::Bool(b != 0);
    case ExprType::kInt:
      return Value::Int(i);
    case ExprType::kTimestamp:
      return Value::Timestamp(i, TimeUnit::kMicro);
    case ExprType::kFloat:
      return Value::Float(f);
    case ExprType::kDate:
      return Value::DateFromDays(d);
    case ExprType::kString:
      return Value::String(std::string(sv));
    case ExprType::kNull:
      break;
  }
  return plan::NullOf(t);
}

const void* ScalarValue::Ptr(ExprType t) const {
  switch (t) {
    case ExprType::kBool:
      return &b;
    case ExprType::kFloat:
      return &f;
    case ExprType::kDate:
      return &d;
    case ExprType::kString:
      return &sv;
    default:
      return &i;
  }
}

// ---------------------------------------------------------------------------
// BatchEvaluator.

BatchEvaluator::BatchEvaluator(EvalState* state, int capacity, Diagnostics* diag)
    : st_(state),
      g_(state->plan->graph.get()),
      plan_(state->plan),
      capacity_(std::max(capacity, 1)),
      diag_(diag) {
  stamp_.assign(plan_->num_shared, -1);
  cache_.resize(plan_->num_shared);
  bit_stamp_.assign(plan_->num_shared, -1);
  bit_cache_.resize(plan_->num_shared);
  filled_.reserve(plan_->num_shared);
  bit_filled_.reserve(plan_->num_shared);
}

BatchEvaluator::~BatchEvaluator() = default;

void BatchEvaluator::SetDictionaryMode(int32_t slot, const Column* column) {
  dict_slot_ = slot;
  dict_column_ = column;
}

Block* BatchEvaluator::Acquire() {
  if (!free_.empty()) {
    Block* b = free_.back();
    free_.pop_back();
    return b;
  }
  blocks_.push_back(std::make_unique<Block>(capacity_));
  return blocks_.back().get();
}

void BatchEvaluator::Return(Block* b) {
  for (Block* d : b->deps) Return(d);
  b->deps.clear();
  free_.push_back(b);
}

void BatchEvaluator::Release(BatchValues* v) {
  if (v->block != nullptr) Return(v->block);
  v->block = nullptr;
}

void BatchEvaluator::Release(BitVec* v) {
  if (v->block != nullptr) Return(v->block);
  v->block = nullptr;
}

void BatchEvaluator::BeginBatch(int64_t start, int n, const RowSet& root) {
  start_ = start;
  n_ = n;
  root_ = root;
  ++batch_;
  // A batch not ended keeps its blocks out of the pool, as before; its slots are forgotten.
  filled_.clear();
  bit_filled_.clear();
}

void BatchEvaluator::EndBatch() {
  // Each slot is in a list at most once per batch (its stamp guards the fill).
  for (int32_t s : filled_) Release(&cache_[s]);
  for (int32_t s : bit_filled_) Release(&bit_cache_[s]);
  filled_.clear();
  bit_filled_.clear();
}

const Column* BatchEvaluator::ColumnFor(int32_t slot) const {
  if (slot == dict_slot_) return dict_column_;
  return st_->columns[slot];
}

BatchValues BatchEvaluator::ConstVec(int32_t id) {
  static const uint8_t kZero = 0;
  const ScalarValue& s = st_->consts[plan_->const_slot[id]];
  BatchValues v;
  v.is_const = true;
  v.data = s.Ptr(g_->node(id).type);
  v.valid = s.valid ? nullptr : &kZero;
  return v;
}

BatchValues BatchEvaluator::Eval(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  if (n.eval_const) {
    int32_t slot = plan_->const_slot[id];
    if (const_mode_ && !st_->const_ready[slot]) {
      BatchValues v;
      if (n.op == Op::kConst) {
        st_->consts[slot].Set(n.value, n.type);
      } else {
        v = Compute(id, a);
        ScalarValue& s = st_->consts[slot];
        bool valid = v.ValidAt(0);
        Value val;
        if (!valid) {
          val = plan::NullOf(n.type);
        } else {
          ScalarValue tmp;
          tmp.valid = 1;
          switch (n.type) {
            case ExprType::kBool:
              tmp.b = *v.As<uint8_t>() & 1;
              break;
            case ExprType::kInt:
            case ExprType::kTimestamp:
              tmp.i = *v.As<int64_t>();
              break;
            case ExprType::kFloat:
              tmp.f = *v.As<double>();
              break;
            case ExprType::kDate:
              tmp.d = *v.As<int32_t>();
              break;
            case ExprType::kString:
              tmp.sv = *v.As<std::string_view>();
              break;
            case ExprType::kNull:
              tmp.valid = 0;
              break;
          }
          val = tmp.Get(n.type);
        }
        s.Set(val, n.type);
        Release(&v);
      }
      st_->const_ready[slot] = 1;
    }
    return ConstVec(id);
  }
  const bool gather = dict_slot_ < 0 && plan_->per_entry[id] && st_->entry_results[id] != nullptr;
  int32_t s = plan_->shared_slot[id];
  if (s >= 0) {
    if (stamp_[s] != batch_) {
      // A boolean node already computed as words this batch is not computed
      // again (its diagnostics count once).
      cache_[s] = bit_stamp_[s] == batch_ ? UnpackBitVec(bit_cache_[s], root_.n)
                  : gather                ? Gather(id, root_)
                                          : Compute(id, root_);
      stamp_[s] = batch_;
      filled_.push_back(s);
    }
    BatchValues v = cache_[s];
    v.block = nullptr;
    return v;
  }
  return gather ? Gather(id, a) : Compute(id, a);
}

RowSet BatchEvaluator::Narrow(const RowSet& a, const uint8_t* keep, Block* blk, int* count) {
  RowSet b;
  b.n = a.n;
  b.mask = keep;
  int c = 0;
  for (int i = 0; i < a.n; ++i) c += keep[i];
  b.count = c;
  *count = c;
  // The selection vector is filled lazily (FillSelection) when a sparse pass wants it.
  b.sel = nullptr;
  (void)blk;
  return b;
}

}  // namespace docket::exec
