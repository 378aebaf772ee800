// exec/execute_dispatch.cc — Compute: one node over one batch, dispatched by
// operator to the kernels (exec/kernels_*.cc, a file per kind).
#include <algorithm>
#include <cstring>

#include "exec/executor.h"
#include "exec/kernels.h"

namespace docket::exec {

using plan::ExprType;
using plan::Node;
using plan::Op;

BatchValues BatchEvaluator::Compute(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  Diagnostics* d = (n.rule >= 0 && diag_ != nullptr) ? &diag_[n.rule] : &unowned_;
  switch (n.op) {
    case Op::kConst:
    case Op::kParam:
    case Op::kToday: {
      // Only reached in constant mode.
      Block* blk = Acquire();
      ScalarValue s;
      if (n.op == Op::kConst) {
        s.Set(n.value, n.type);
      } else if (n.op == Op::kToday) {
        s.Set(Value::DateFromDays(static_cast<int32_t>(st_->today)), n.type);
      } else {
        auto it = st_->params->find(n.name);
        s.Set(it == st_->params->end() ? plan::NullOf(n.type) : it->second, n.type);
      }
      BatchValues v;
      v.block = blk;
      if (n.type == ExprType::kString) {
        blk->arena = s.s;
        *blk->As<std::string_view>() = blk->arena;
      } else {
        std::memcpy(blk->data.get(), s.Ptr(n.type), 8);
      }
      blk->valid[0] = s.valid;
      v.data = blk->data.get();
      v.valid = blk->valid.get();
      return v;
    }
    case Op::kColumn:
      return LoadColumn(id, a);
    case Op::kAnd:
    case Op::kOr:
    case Op::kNot:
    case Op::kIsNull:
    case Op::kIsNotNull: {
      // Computed as words (execute_bits.cc), unpacked for a byte consumer.
      BitVec b = ComputeBits(id, a);
      BatchValues v = UnpackBitVec(b, a.n);
      Release(&b);
      return v;
    }
    case Op::kCompare: {
      BatchValues x = Eval(n.args[0], a);
      BatchValues y = Eval(n.args[1], a);
      BatchValues v = CompareKernel(*this, n.cmp, PhysOf(g_->node(n.args[0]).type),
                                    PhysOf(g_->node(n.args[1]).type), x, y, a);
      Release(&x);
      Release(&y);
      return v;
    }
    case Op::kBetween: {
      BatchValues x = Eval(n.args[0], a);
      BatchValues lo = Eval(n.args[1], a);
      BatchValues hi = Eval(n.args[2], a);
      BatchValues v =
          BetweenKernel(*this, PhysOf(g_->node(n.args[0]).type), PhysOf(g_->node(n.args[1]).type),
                        PhysOf(g_->node(n.args[2]).type), x, lo, hi, a);
      Release(&x);
      Release(&lo);
      Release(&hi);
      return v;
    }
    case Op::kInSet: {
      BatchValues x = Eval(n.args[0], a);
      BatchValues v = InSetKernel(*this, *n.in_set, g_->node(n.args[0]).type, x, a);
      Release(&x);
      return v;
    }
    case Op::kLike: {
      BatchValues x = Eval(n.args[0], a);
      BatchValues p = Eval(n.args[1], a);
      BatchValues v = LikeKernel(*this, n, x, p, a);
      Release(&x);
      Release(&p);
      return v;
    }
    case Op::kMatches: {
      BatchValues x = Eval(n.args[0], a);
      BatchValues v = MatchesKernel(*this, n, x, a);
      Release(&x);
      return v;
    }
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod: {
      BatchValues x = Eval(n.args[0], a);
      BatchValues y = Eval(n.args[1], a);
      BatchValues v = ArithKernel(*this, n.op, n.type, x, y, a, d);
      Release(&x);
      Release(&y);
      return v;
    }
    case Op::kNeg: {
      BatchValues x = Eval(n.args[0], a);
      BatchValues v = NegKernel(*this, n.type, x, a, d);
      Release(&x);
      return v;
    }
    case Op::kIntToFloat: {
      BatchValues x = Eval(n.args[0], a);
      BatchValues v = IntToFloatKernel(*this, x, a);
      Release(&x);
      return v;
    }
    case Op::kTsToDate:
    case Op::kDayStart:
    case Op::kCivilToTs:
    case Op::kDateAddDays:
    case Op::kDateDiff:
    case Op::kAddMonths:
    case Op::kMonthsBound:
    case Op::kMonthsShift: {
      BatchValues args[2];
      for (size_t k = 0; k < n.args.size(); ++k) args[k] = Eval(n.args[k], a);
      BatchValues v = DateKernel(*this, n, *g_, args, a, st_->zone.get(), d);
      for (size_t k = 0; k < n.args.size(); ++k) Release(&args[k]);
      return v;
    }
    case Op::kCall: {
      BatchValues args[8];
      std::vector<BatchValues> many;
      BatchValues* ptr = args;
      if (n.args.size() > 8) {
        many.resize(n.args.size());
        ptr = many.data();
      }
      for (size_t k = 0; k < n.args.size(); ++k) ptr[k] = Eval(n.args[k], a);
      BatchValues v = CallKernel(*this, n, ptr, a, d);
      for (size_t k = 0; k < n.args.size(); ++k) Release(&ptr[k]);
      return v;
    }
    case Op::kCase:
      return Case(id, a);
    case Op::kCoalesce:
      return Coalesce(id, a);
    case Op::kAggregate:
      return LoadColumn(id, a);  // Its derived column, computed in an earlier stage.
    case Op::kParentValue:
      return ParentValue(id, a);
  }
  return AllNull(Acquire(), a.n);
}

}  // namespace docket::exec
