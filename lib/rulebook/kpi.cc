#include "rulebook/kpi.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace docket::rulebook {

bool MeasureAccepts(MeasureKind kind, DataType type) {
  switch (kind) {
    case MeasureKind::kCount:
    case MeasureKind::kCountColumn:
    case MeasureKind::kCountDistinct:
      return true;
    case MeasureKind::kSum:
    case MeasureKind::kAvg:
      return type.is_numeric();
    case MeasureKind::kMin:
    case MeasureKind::kMax:
      return type.id != TypeId::kBool;
  }
  return false;
}

namespace {

// Accumulates one group's values.
class Accumulator {
 public:
  Accumulator(const Measure& m, const Column* c) : m_(m), c_(c) {}

  void Add(int64_t row) {
    ++rows_;
    if (c_ == nullptr || c_->IsNull(row)) return;
    ++values_;
    switch (m_.kind) {
      case MeasureKind::kCount:
      case MeasureKind::kCountColumn:
        return;
      case MeasureKind::kSum:
      case MeasureKind::kAvg:
        if (c_->type_id() == TypeId::kInt) {
          int64_t v = c_->Values<int64_t>()[row];
          if (__builtin_add_overflow(isum_, v, &isum_)) overflow_ = true;
          fsum_ += static_cast<double>(v);
        } else {
          fsum_ += c_->Values<double>()[row];
        }
        return;
      case MeasureKind::kMin:
      case MeasureKind::kMax:
        if (best_ < 0 || Better(row, best_)) best_ = row;
        return;
      case MeasureKind::kCountDistinct:
        if (c_->type_id() == TypeId::kString) {
          strings_.insert(c_->StringAt(row));
        } else {
          ints_.insert(Bits(row));
        }
        return;
    }
  }

  Value Result() const {
    switch (m_.kind) {
      case MeasureKind::kCount:
        return Value::Int(rows_);
      case MeasureKind::kCountColumn:
        return Value::Int(values_);
      case MeasureKind::kSum:
        if (values_ == 0) return Value::Null(c_->type());
        if (c_->type_id() == TypeId::kInt)
          return overflow_ ? Value::Null(DataType::Int()) : Value::Int(isum_);
        return Value::Float(fsum_);
      case MeasureKind::kAvg:
        if (values_ == 0) return Value::Null(DataType::Float());
        return Value::Float(fsum_ / static_cast<double>(values_));
      case MeasureKind::kMin:
      case MeasureKind::kMax:
        if (best_ < 0) return Value::Null(c_->type());
        return CellValue(*c_, best_);
      case MeasureKind::kCountDistinct:
        return Value::Int(static_cast<int64_t>(strings_.size() + ints_.size()));
    }
    return Value::Null(DataType::Int());
  }

 private:
  // Whether row a beats row b for min/max (both non-NULL).
  bool Better(int64_t a, int64_t b) const {
    int cmp = 0;
    switch (c_->type_id()) {
      case TypeId::kInt:
      case TypeId::kTimestamp: {
        int64_t x = c_->Values<int64_t>()[a], y = c_->Values<int64_t>()[b];
        cmp = (x > y) - (x < y);
        break;
      }
      case TypeId::kDate: {
        int32_t x = c_->Values<int32_t>()[a], y = c_->Values<int32_t>()[b];
        cmp = (x > y) - (x < y);
        break;
      }
      case TypeId::kFloat: {
        double x = c_->Values<double>()[a], y = c_->Values<double>()[b];
        if (std::isnan(x)) return false;
        if (std::isnan(y)) return true;
        cmp = (x > y) - (x < y);
        break;
      }
      case TypeId::kString: {
        int r = c_->StringAt(a).compare(c_->StringAt(b));
        cmp = (r > 0) - (r < 0);
        break;
      }
      case TypeId::kBool:
        break;
    }
    return m_.kind == MeasureKind::kMin ? cmp < 0 : cmp > 0;
  }

  int64_t Bits(int64_t row) const {
    switch (c_->type_id()) {
      case TypeId::kBool:
        return c_->Values<uint8_t>()[row] != 0;
      case TypeId::kDate:
        return c_->Values<int32_t>()[row];
      case TypeId::kFloat: {
        double d = c_->Values<double>()[row];
        if (d == 0) d = 0;  // -0.0 and 0.0 are one value.
        int64_t bits;
        std::memcpy(&bits, &d, 8);
        return bits;
      }
      default:
        return c_->Values<int64_t>()[row];
    }
  }

  const Measure& m_;
  const Column* c_;
  int64_t rows_ = 0;
  int64_t values_ = 0;
  int64_t isum_ = 0;
  bool overflow_ = false;
  double fsum_ = 0;
  int64_t best_ = -1;
  absl::flat_hash_set<std::string_view> strings_;
  absl::flat_hash_set<int64_t> ints_;
};

}  // namespace

Value Aggregate(const Measure& measure, const Column* column, const Bitmap& rows) {
  if (measure.kind == MeasureKind::kCount) return Value::Int(rows.CountSet());
  Accumulator acc(measure, column);
  ForEachSetBit(rows.data(), 0, rows.size(), [&](int64_t r) { acc.Add(r); });
  return acc.Result();
}

std::vector<std::pair<std::string, Value>> AggregateByOwner(const Measure& measure,
                                                            const Column* column,
                                                            const Bitmap& rows,
                                                            const OwnerLookup& owners) {
  absl::flat_hash_map<std::string_view, size_t> index;
  std::vector<Accumulator> groups;
  std::optional<Accumulator> unassigned;
  if (owners.dictionary()) {
    // Group by dictionary code: no hashing per row.
    std::vector<int32_t> group_of_code;
    ForEachSetBit(rows.data(), 0, rows.size(), [&](int64_t r) {
      int32_t code;
      if (!owners.GetCode(r, &code)) {
        if (!unassigned) unassigned.emplace(measure, column);
        unassigned->Add(r);
        return;
      }
      if (static_cast<size_t>(code) >= group_of_code.size())
        group_of_code.resize(static_cast<size_t>(code) + 1, -1);
      int32_t& g = group_of_code[static_cast<size_t>(code)];
      if (g < 0) {
        // Equal strings under two codes still share a group.
        auto [it, inserted] = index.emplace(owners.CodeText(code), groups.size());
        if (inserted) groups.emplace_back(measure, column);
        g = static_cast<int32_t>(it->second);
      }
      groups[static_cast<size_t>(g)].Add(r);
    });
  } else {
    ForEachSetBit(rows.data(), 0, rows.size(), [&](int64_t r) {
      std::string_view owner;
      if (!owners.Get(r, &owner)) {
        if (!unassigned) unassigned.emplace(measure, column);
        unassigned->Add(r);
        return;
      }
      auto [it, inserted] = index.emplace(owner, groups.size());
      if (inserted) groups.emplace_back(measure, column);
      groups[it->second].Add(r);
    });
  }
  std::vector<std::pair<std::string_view, size_t>> sorted(index.begin(), index.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::pair<std::string, Value>> out;
  out.reserve(sorted.size() + 1);
  for (const auto& [owner, g] : sorted) out.emplace_back(std::string(owner), groups[g].Result());
  if (unassigned) out.emplace_back(std::string(kUnassignedOwner), unassigned->Result());
  return out;
}

bool AggregateByOwnerFew(const Measure& measure, const Column* column, const Bitmap& rows,
                         const OwnerLookup& owners,
                         std::vector<std::pair<std::string, Value>>* out) {
  if (measure.kind == MeasureKind::kCountDistinct) return false;  // Its sets allocate.
  constexpr int kMax = 8;
  std::optional<Accumulator> groups[kMax + 1];  // The last: no owner.
  std::string_view names[kMax];
  int n = 0;
  bool too_many = false;
  ForEachSetBit(rows.data(), 0, rows.size(), [&](int64_t r) {
    std::string_view owner;
    if (!owners.Get(r, &owner)) {
      if (!groups[kMax]) groups[kMax].emplace(measure, column);
      groups[kMax]->Add(r);
      return true;
    }
    int g = 0;
    while (g < n && names[g] != owner) ++g;
    if (g == n) {
      if (n == kMax) {
        too_many = true;
        return false;
      }
      names[n] = owner;
      groups[n++].emplace(measure, column);
    }
    groups[g]->Add(r);
    return true;
  });
  if (too_many) return false;
  int order[kMax];
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = 1; i < n; ++i) {  // Insertion sort by owner (at most 8).
    const int x = order[i];
    int j = i;
    for (; j > 0 && names[x] < names[order[j - 1]]; --j) order[j] = order[j - 1];
    order[j] = x;
  }
  const size_t size = static_cast<size_t>(n) + (groups[kMax] ? 1 : 0);
  if (out->size() > size) out->resize(size);
  while (out->size() < size) out->emplace_back();
  for (int i = 0; i < n; ++i) {
    (*out)[i].first.assign(names[order[i]]);
    (*out)[i].second = groups[order[i]]->Result();
  }
  if (groups[kMax]) {
    out->back().first.assign(kUnassignedOwner);
    out->back().second = groups[kMax]->Result();
  }
  return true;
}

}  // namespace docket::rulebook
