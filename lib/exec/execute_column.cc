// exec/execute_column.cc — reading columns into batches: a table's own
// columns, parent values through a relation, and derived (gathered) columns.
#include <algorithm>
#include <cstring>

#include "exec/executor.h"
#include "exec/kernels.h"

namespace docket::exec {

using plan::ExprType;
using plan::Node;

namespace {

// The one gather of column values: for each active row i, the value of
// `col` at source row row(i) in the engine's physical type (timestamps as
// micros, bools as 0/1, strings as views into the column or its
// dictionary).  With kMayMiss, a negative source row (no parent) reads as
// zero / the empty string; validity is the caller's.
template <bool kMayMiss, typename Row>
void GatherColumn(const Column& col, ExprType type, const std::vector<std::string_view>& views,
                  const RowSet& a, Row row, Block* blk) {
  auto each = [&](auto&& read, auto zero, auto* out) {
    ForEach(a, [&](int i) {
      const int64_t p = row(i);
      if constexpr (kMayMiss) {
        out[i] = p >= 0 ? read(p) : zero;
      } else {
        out[i] = read(p);
      }
    });
  };
  switch (type) {
    case ExprType::kInt:
    case ExprType::kFloat: {
      // 8-byte values (int64, double): copied bit for bit.
      const int64_t* src = col.Values<int64_t>();
      each([&](int64_t p) { return src[p]; }, int64_t{0}, blk->As<int64_t>());
      break;
    }
    case ExprType::kDate: {
      const int32_t* src = col.Values<int32_t>();
      each([&](int64_t p) { return src[p]; }, int32_t{0}, blk->As<int32_t>());
      break;
    }
    case ExprType::kBool: {
      const uint8_t* src = col.Values<uint8_t>();
      each([&](int64_t p) { return static_cast<uint8_t>(src[p] != 0); }, uint8_t{0},
           blk->As<uint8_t>());
      break;
    }
    case ExprType::kTimestamp: {
      const int64_t* src = col.Values<int64_t>();
      const TimeUnit unit = col.type().unit;
      each([&](int64_t p) { return ToMicros(src[p], unit); }, int64_t{0}, blk->As<int64_t>());
      break;
    }
    case ExprType::kString: {
      std::string_view* out = blk->As<std::string_view>();
      if (col.is_dictionary()) {
        const uint32_t last = static_cast<uint32_t>(views.size() - 1);
        const int32_t* codes = col.codes();
        each([&](int64_t p) { return views[std::min(static_cast<uint32_t>(codes[p]), last)]; },
             std::string_view(), out);
      } else {
        const int64_t* off = col.offsets();
        const char* chars = col.chars();
        each(
            [&](int64_t p) {
              return std::string_view(chars + off[p], static_cast<size_t>(off[p + 1] - off[p]));
            },
            std::string_view(), out);
      }
      break;
    }
    case ExprType::kNull:
      break;
  }
}

}  // namespace

BatchValues BatchEvaluator::LoadColumn(int32_t id, const RowSet& a, const uint64_t** words) {
  const Node& n = g_->node(id);
  const Column* col = ColumnFor(n.column);
  BatchValues v;
  Block* blk = nullptr;
  auto block = [&]() {
    if (blk == nullptr) blk = Acquire();
    return blk;
  };
  if (words != nullptr) *words = nullptr;
  if (col->validity() != nullptr) {
    if (words != nullptr) {
      // The validity stays words (in the block's validity bytes, which hold them).
      uint64_t* w = reinterpret_cast<uint64_t*>(block()->valid.get());
      LoadBitmapWords(col->validity(), start_, n_, w);
      *words = w;
    } else {
      UnpackBits(col->validity(), start_, n_, block()->valid.get());
      v.valid = blk->valid.get();
    }
  }
  // Fixed-width values in the engine's layout are read in place.
  switch (n.type) {
    case ExprType::kInt:
      v.data = col->Values<int64_t>() + start_;
      break;
    case ExprType::kFloat:
      v.data = col->Values<double>() + start_;
      break;
    case ExprType::kDate:
      v.data = col->Values<int32_t>() + start_;
      break;
    case ExprType::kNull:
      break;
    default:
      if (n.type == ExprType::kTimestamp && col->type().unit == TimeUnit::kMicro) {
        v.data = col->Values<int64_t>() + start_;
        break;
      }
      GatherColumn<false>(
          *col, n.type, st_->dict_views[n.column], a, [start = start_](int i) { return start + i; },
          block());
      v.data = blk->data.get();
      break;
  }
  v.block = blk;
  return v;
}

BatchValues BatchEvaluator::ParentValue(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  const Column* col = ColumnFor(n.column);
  const int32_t* map = st_->link_rows[n.link] + start_;
  const uint8_t* validity = col->validity();
  Block* blk = Acquire();
  if (n.type == ExprType::kNull) return AllNull(blk, a.n);
  uint8_t* ov = blk->valid.get();
  // Rows outside a sparse set are never written: keep them safe to read.
  if (a.sel != nullptr) {
    std::memset(ov, 0, a.n);
    std::memset(blk->data.get(), 0, static_cast<size_t>(a.n) * 16);
  }
  GatherColumn<true>(
      *col, n.type, st_->dict_views[n.column], a, [map](int i) { return int64_t{map[i]}; }, blk);
  ForEach(a, [&](int i) {
    const int32_t p = map[i];
    ov[i] = p >= 0 && (validity == nullptr || GetBit(validity, p)) ? 1 : 0;
  });
  return BlockVec(blk, ov);
}

BatchValues BatchEvaluator::Gather(int32_t id, const RowSet& a) {
  const Node& n = g_->node(id);
  const Column* col = st_->columns[n.single_column];
  const EntryResult& lut = *st_->entry_results[id];
  const uint8_t* packed = lut.value.data();  // value | valid << 1
  const uint32_t null_entry = static_cast<uint32_t>(lut.value.size() - 1);
  const int32_t* codes = col->codes() + start_;
  Block* blk = Acquire();
  uint8_t* out = blk->As<uint8_t>();
  uint8_t* ov = blk->valid.get();
  BatchValues v;
  v.data = out;
  v.block = blk;
  if (col->validity() == nullptr) {
    if (!lut.any_null) {
      ForEach(a, [&](int i) {
        out[i] = packed[std::min(static_cast<uint32_t>(codes[i]), null_entry)] & 1;
      });
      return v;
    }
    ForEach(a, [&](int i) {
      uint8_t e = packed[std::min(static_cast<uint32_t>(codes[i]), null_entry)];
      out[i] = e & 1;
      ov[i] = e >> 1;
    });
    v.valid = ov;
    return v;
  }
  UnpackBits(col->validity(), start_, a.n, ov);
  ForEach(a, [&](int i) {
    uint32_t idx = ov[i] ? std::min(static_cast<uint32_t>(codes[i]), null_entry) : null_entry;
    uint8_t e = packed[idx];
    out[i] = e & 1;
    ov[i] = e >> 1;
  });
  v.valid = ov;
  return v;
}

}  // namespace docket::exec
