// exec/execute_column.cc — reading columns into batches: a table's own
// columns, parent values through a relation, and derived (gathered) columns.
#include <algorithm>
#include <cstring>

#include "exec/executor.h"
#include "exec/kernels.h"

namespace docket::exec {

using plan::Node;
using plan::Op;
using plan::Ty;

Vec Frame::LoadColumn(int32_t id, const Active& a, const uint64_t** words) {
  const Node& n = g_->node(id);
  const Column* col = ColumnFor(n.column);
  Vec v;
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
  switch (n.type) {
    case Ty::kInt:
      v.data = col->Values<int64_t>() + start_;
      break;
    case Ty::kFloat:
      v.data = col->Values<double>() + start_;
      break;
    case Ty::kDate:
      v.data = col->Values<int32_t>() + start_;
      break;
    case Ty::kTimestamp: {
      const int64_t* src = col->Values<int64_t>() + start_;
      TimeUnit unit = col->type().unit;
      if (unit == TimeUnit::kMicro) {
        v.data = src;
        break;
      }
      int64_t* out = block()->As<int64_t>();
      for (int i = 0; i < n_; ++i) out[i] = ToMicros(src[i], unit);
      v.data = out;
      break;
    }
    case Ty::kBool: {
      const uint8_t* src = col->Values<uint8_t>() + start_;
      uint8_t* out = block()->As<uint8_t>();
      for (int i = 0; i < n_; ++i) out[i] = src[i] != 0;
      v.data = out;
      break;
    }
    case Ty::kString: {
      std::string_view* out = block()->As<std::string_view>();
      if (col->is_dictionary()) {
        const std::vector<std::string_view>& views = st_->dict_views[n.column];
        const uint32_t last = static_cast<uint32_t>(views.size() - 1);
        const int32_t* codes = col->codes() + start_;
        ForEach(a, [&](int i) { out[i] = views[std::min(static_cast<uint32_t>(codes[i]), last)]; });
      } else {
        const int64_t* off = col->offsets() + start_;
        const char* chars = col->chars();
        ForEach(a, [&](int i) {
          out[i] = std::string_view(chars + off[i], static_cast<size_t>(off[i + 1] - off[i]));
        });
      }
      v.data = out;
      break;
    }
    case Ty::kNull:
      break;
  }
  v.block = blk;
  return v;
}

Vec Frame::ParentValue(int32_t id, const Active& a) {
  const Node& n = g_->node(id);
  const Column* col = ColumnFor(n.column);
  const int32_t* map = st_->link_rows[n.link] + start_;
  const uint8_t* validity = col->validity();
  Block* blk = Acquire();
  uint8_t* ov = blk->valid.get();
  Vec v;
  v.data = blk->data.get();
  v.valid = ov;
  v.block = blk;
  // Rows outside a sparse set are never written: keep them safe to read.
  if (a.sel != nullptr) {
    std::memset(ov, 0, a.n);
    std::memset(blk->data.get(), 0, static_cast<size_t>(a.n) * 16);
  }
  auto valid_at = [&](int32_t p) -> uint8_t {
    return p >= 0 && (validity == nullptr || GetBit(validity, p)) ? 1 : 0;
  };
  switch (n.type) {
    case Ty::kInt:
    case Ty::kFloat: {
      // 8-byte values (int64, double): copied bit for bit.
      const int64_t* src = col->Values<int64_t>();
      int64_t* out = blk->As<int64_t>();
      ForEach(a, [&](int i) {
        const int32_t p = map[i];
        out[i] = p >= 0 ? src[p] : 0;
        ov[i] = valid_at(p);
      });
      break;
    }
    case Ty::kDate: {
      const int32_t* src = col->Values<int32_t>();
      int32_t* out = blk->As<int32_t>();
      ForEach(a, [&](int i) {
        const int32_t p = map[i];
        out[i] = p >= 0 ? src[p] : 0;
        ov[i] = valid_at(p);
      });
      break;
    }
    case Ty::kBool: {
      const uint8_t* src = col->Values<uint8_t>();
      uint8_t* out = blk->As<uint8_t>();
      ForEach(a, [&](int i) {
        const int32_t p = map[i];
        out[i] = p >= 0 && src[p] != 0;
        ov[i] = valid_at(p);
      });
      break;
    }
    case Ty::kTimestamp: {
      const int64_t* src = col->Values<int64_t>();
      int64_t* out = blk->As<int64_t>();
      const TimeUnit unit = col->type().unit;
      ForEach(a, [&](int i) {
        const int32_t p = map[i];
        out[i] = p >= 0 ? ToMicros(src[p], unit) : 0;
        ov[i] = valid_at(p);
      });
      break;
    }
    case Ty::kString: {
      std::string_view* out = blk->As<std::string_view>();
      if (col->is_dictionary()) {
        const std::vector<std::string_view>& views = st_->dict_views[n.column];
        const uint32_t last = static_cast<uint32_t>(views.size() - 1);
        const int32_t* codes = col->codes();
        ForEach(a, [&](int i) {
          const int32_t p = map[i];
          out[i] =
              p >= 0 ? views[std::min(static_cast<uint32_t>(codes[p]), last)] : std::string_view();
          ov[i] = valid_at(p);
        });
      } else {
        const int64_t* off = col->offsets();
        const char* chars = col->chars();
        ForEach(a, [&](int i) {
          const int32_t p = map[i];
          out[i] = p >= 0
                       ? std::string_view(chars + off[p], static_cast<size_t>(off[p + 1] - off[p]))
                       : std::string_view();
          ov[i] = valid_at(p);
        });
      }
      break;
    }
    case Ty::kNull:
      return AllNull(blk, a.n);
  }
  return v;
}

Vec Frame::Gather(int32_t id, const Active& a) {
  const Node& n = g_->node(id);
  const Column* col = st_->columns[n.single_column];
  const Lut& lut = *st_->luts[id];
  const uint8_t* packed = lut.value.data();  // value | valid << 1
  const uint32_t null_entry = static_cast<uint32_t>(lut.value.size() - 1);
  const int32_t* codes = col->codes() + start_;
  Block* blk = Acquire();
  uint8_t* out = blk->As<uint8_t>();
  uint8_t* ov = blk->valid.get();
  Vec v;
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
