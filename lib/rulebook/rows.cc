#include "rulebook/rows.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <numeric>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "storage/relations.h"

namespace docket::rulebook {

std::vector<int64_t> SetRows(const Bitmap& bits) {
  std::vector<int64_t> rows;
  rows.reserve(static_cast<size_t>(bits.CountSet()));
  const uint8_t* data = bits.data();
  const int64_t n = bits.size();
  const int64_t full_words = n / 64;
  for (int64_t w = 0; w < full_words; ++w) {
    uint64_t word;
    std::memcpy(&word, data + w * 8, 8);
    while (word != 0) {
      rows.push_back(w * 64 + __builtin_ctzll(word));
      word &= word - 1;
    }
  }
  for (int64_t i = full_words * 64; i < n; ++i) {
    if (GetBit(data, i)) rows.push_back(i);
  }
  return rows;
}

Value CellValue(const Column& c, int64_t row) {
  if (row < 0 || row >= c.size() || c.IsNull(row)) return Value::Null(c.type());
  switch (c.type_id()) {
    case TypeId::kBool:
      return Value::Bool(c.Values<uint8_t>()[row] != 0);
    case TypeId::kInt:
      return Value::Int(c.Values<int64_t>()[row]);
    case TypeId::kFloat:
      return Value::Float(c.Values<double>()[row]);
    case TypeId::kString:
      return Value::String(std::string(c.StringAt(row)));
    case TypeId::kDate:
      return Value::DateFromDays(c.Values<int32_t>()[row]);
    case TypeId::kTimestamp:
      return Value::Timestamp(c.Values<int64_t>()[row], c.type().unit);
  }
  return Value::Null(c.type());
}

int CompareColumnValues(const Column& c, int64_t a, int64_t b) {
  switch (c.type_id()) {
    case TypeId::kBool: {
      uint8_t x = c.Values<uint8_t>()[a] != 0, y = c.Values<uint8_t>()[b] != 0;
      return (x > y) - (x < y);
    }
    case TypeId::kInt:
    case TypeId::kTimestamp: {
      int64_t x = c.Values<int64_t>()[a], y = c.Values<int64_t>()[b];
      return (x > y) - (x < y);
    }
    case TypeId::kDate: {
      int32_t x = c.Values<int32_t>()[a], y = c.Values<int32_t>()[b];
      return (x > y) - (x < y);
    }
    case TypeId::kFloat: {
      double x = c.Values<double>()[a], y = c.Values<double>()[b];
      // A total order: NaN after every number.
      bool nx = std::isnan(x), ny = std::isnan(y);
      if (nx || ny) return nx - ny;
      return (x > y) - (x < y);
    }
    case TypeId::kString: {
      int r = c.StringAt(a).compare(c.StringAt(b));
      return (r > 0) - (r < 0);
    }
  }
  return 0;
}

namespace {

// One order key, ready to compare two rows of its column.
struct SortKey {
  const Column* column = nullptr;
  bool descending = false;
  bool nulls_first = false;
  std::vector<int32_t> dict_rank;  // Dictionary strings: code → rank of its string.

  // <0, 0, >0 for the non-NULL values at rows a and b (ascending).
  int CompareValues(int64_t a, int64_t b) const {
    if (!dict_rank.empty()) {
      int32_t x = dict_rank[column->codes()[a]], y = dict_rank[column->codes()[b]];
      return (x > y) - (x < y);
    }
    return CompareColumnValues(*column, a, b);
  }
};

// The best `keep` of `rows` by `less`, sorted, each row made into a T by
// `make`: a bounded heap in one pass, most rows costing one comparison with
// the worst one kept.
// The rows to order: a vector of row numbers, or a result bitmap whose set
// bits are read in place (a list keeping its top rows never lists the rest).
struct RowSource {
  const std::vector<int64_t>* rows = nullptr;
  const Bitmap* bits = nullptr;
  int64_t n = 0;

  template <typename Fn>
  void ForEach(const Fn& fn) const {
    if (rows != nullptr) {
      for (int64_t r : *rows) fn(r);
    } else {
      ForEachSetBit(bits->data(), 0, bits->size(), [&](int64_t r) {
        fn(r);
        return true;
      });
    }
  }
  // Every row, listed (the full sorts and selections need them all).
  void Materialize(std::vector<int64_t>* out) const {
    if (rows != nullptr) {
      if (out != rows) *out = *rows;
    } else {
      *out = SetRows(*bits);
    }
  }
};

template <typename T, typename Make, typename Less>
std::vector<T> BestOf(const RowSource& rows, int64_t keep, const Make& make, const Less& less) {
  std::vector<T> best;
  if (keep <= 0) return best;
  best.reserve(static_cast<size_t>(keep));
  rows.ForEach([&](int64_t r) {
    T e = make(r);
    if (static_cast<int64_t>(best.size()) < keep) {
      best.push_back(e);
      std::push_heap(best.begin(), best.end(), less);
    } else if (less(e, best.front())) {
      std::pop_heap(best.begin(), best.end(), less);
      best.back() = e;
      std::push_heap(best.begin(), best.end(), less);
    }
  });
  std::sort(best.begin(), best.end(), less);
  return best;
}

void OrderAndLimitFrom(const Table& table, const std::vector<OrderKey>& keys,
                       std::optional<int64_t> limit, const RowSource& src,
                       std::vector<int64_t>* rows);

}  // namespace

void OrderAndLimit(const Table& table, const std::vector<OrderKey>& keys,
                   std::optional<int64_t> limit, std::vector<int64_t>* rows) {
  RowSource src;
  src.rows = rows;
  src.n = static_cast<int64_t>(rows->size());
  OrderAndLimitFrom(table, keys, limit, src, rows);
}

void OrderAndLimit(const Table& table, const std::vector<OrderKey>& keys,
                   std::optional<int64_t> limit, const Bitmap& matches, int64_t count,
                   std::vector<int64_t>* rows) {
  RowSource src;
  src.bits = &matches;
  src.n = count;
  OrderAndLimitFrom(table, keys, limit, src, rows);
}

namespace {

void OrderAndLimitFrom(const Table& table, const std::vector<OrderKey>& keys,
                       std::optional<int64_t> limit, const RowSource& src,
                       std::vector<int64_t>* rows) {
  const int64_t n = src.n;
  const int64_t keep = limit.has_value() ? std::clamp<int64_t>(*limit, 0, n) : n;
  if (keys.empty() || n <= 1) {
    // Row order is the order; rows are ascending already.
    if (src.rows == nullptr) {
      rows->clear();
      rows->reserve(static_cast<size_t>(keep));
      if (keep > 0) {
        ForEachSetBit(src.bits->data(), 0, src.bits->size(), [&](int64_t r) {
          rows->push_back(r);
          return static_cast<int64_t>(rows->size()) < keep;
        });
      }
    }
    rows->resize(static_cast<size_t>(keep));
    return;
  }
  std::vector<SortKey> sort_keys;
  for (const OrderKey& k : keys) {
    const Column* c = table.FindColumn(k.column);
    if (c == nullptr) continue;  // Checked at compile time.
    SortKey s;
    s.column = c;
    s.descending = k.descending;
    s.nulls_first = k.nulls_first;
    // Entries from the offsets buffer (one more int64 than entries): it does
    // not depend on the dictionary's recorded length.
    const int64_t entries = c->type_id() == TypeId::kString && c->is_dictionary()
                                ? std::max<int64_t>(0, c->dictionary().values_buffer().size / 8 - 1)
                                : 0;
    if (entries > 0 && entries <= n) {
      // Rank the dictionary once so rows compare as integers (when it is no
      // bigger than the rows to order; a parent's strings seen through a
      // join are compared in place instead).
      const Column& dict = c->dictionary();
      std::vector<int32_t> order(static_cast<size_t>(entries));
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(),
                [&](int32_t x, int32_t y) { return dict.StringAt(x) < dict.StringAt(y); });
      s.dict_rank.assign(order.size(), 0);
      for (size_t r = 0; r < order.size(); ++r) {
        // Equal strings share a rank.
        s.dict_rank[order[r]] = (r > 0 && dict.StringAt(order[r]) == dict.StringAt(order[r - 1]))
                                    ? s.dict_rank[order[r - 1]]
                                    : static_cast<int32_t>(r);
      }
    }
    sort_keys.push_back(std::move(s));
  }
  auto less = [&sort_keys](int64_t a, int64_t b) {
    for (const SortKey& k : sort_keys) {
      bool na = k.column->IsNull(a), nb = k.column->IsNull(b);
      if (na || nb) {
        if (na && nb) continue;
        // NULL placement does not flip with DESC.
        return k.nulls_first ? na : nb;
      }
      int c = k.CompareValues(a, b);
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    return a < b;  // Ties keep row order.
  };
  const SortKey& first = sort_keys.front();
  const Column& fc = *first.column;
  if (fc.type_id() == TypeId::kString && first.dict_rank.empty()) {
    // Plain strings: compare in place.
    if (keep < n && keep * 8 < n) {
      // A few rows of many: a bounded heap of the best `keep`.
      *rows = BestOf<int64_t>(
          src, keep, [](int64_t r) { return r; }, less);
      return;
    }
    src.Materialize(rows);
    if (keep < n) {
      if (keep > 0) {
        std::nth_element(rows->begin(), rows->begin() + (keep - 1), rows->end(), less);
        std::sort(rows->begin(), rows->begin() + keep, less);
      }
      rows->resize(static_cast<size_t>(keep));
    } else {
      std::sort(rows->begin(), rows->end(), less);
    }
    return;
  }
  // The first key as an order-preserving integer (NULL placement, then the
  // value, flipped for DESC), so most comparisons are two integer compares
  // on contiguous data; later keys and row order break ties.
  struct Entry {
    uint64_t head;
    int64_t row;
  };
  auto entry_of = [&](int64_t r) -> Entry {
    uint64_t u = 0;
    bool null = fc.IsNull(r);
    if (!null) {
      switch (fc.type_id()) {
        case TypeId::kBool:
          u = fc.Values<uint8_t>()[r] != 0;
          break;
        case TypeId::kInt:
        case TypeId::kTimestamp:
          u = static_cast<uint64_t>(fc.Values<int64_t>()[r]) ^ (uint64_t{1} << 63);
          break;
        case TypeId::kDate:
          u = static_cast<uint64_t>(int64_t{fc.Values<int32_t>()[r]}) ^ (uint64_t{1} << 63);
          break;
        case TypeId::kFloat: {
          double d = fc.Values<double>()[r];
          if (d == 0) d = 0;
          uint64_t bits;
          std::memcpy(&bits, &d, 8);
          u = std::isnan(d) ? ~uint64_t{0} : (bits >> 63) ? ~bits : bits ^ (uint64_t{1} << 63);
          break;
        }
        case TypeId::kString:
          u = static_cast<uint64_t>(first.dict_rank[fc.codes()[r]]);
          break;
      }
      if (first.descending) u = ~u;
      // Keep the top value free for NULLS LAST and zero for NULLS FIRST.
      u = u / 2 + 1;
    }
    return Entry{null ? (first.nulls_first ? 0 : ~uint64_t{0}) : u, r};
  };
  // Halving the value merges neighbours; the full comparator settles them.
  auto entry_less = [&less](const Entry& a, const Entry& b) {
    if (a.head != b.head) return a.head < b.head;
    return less(a.row, b.row);
  };
  std::vector<Entry> entries;
  if (keep < n && keep * 8 < n) {
    // A few rows of many (a command center's top rows): a bounded heap of
    // the best `keep`, one pass, no entry per row.
    entries = BestOf<Entry>(src, keep, entry_of, entry_less);
  } else {
    entries.reserve(static_cast<size_t>(n));
    src.ForEach([&](int64_t r) { entries.push_back(entry_of(r)); });
    if (keep < n) {
      if (keep > 0) {
        std::nth_element(entries.begin(), entries.begin() + (keep - 1), entries.end(), entry_less);
        std::sort(entries.begin(), entries.begin() + keep, entry_less);
      }
    } else {
      std::sort(entries.begin(), entries.end(), entry_less);
    }
  }
  rows->resize(static_cast<size_t>(keep));
  for (int64_t i = 0; i < keep; ++i) (*rows)[i] = entries[i].row;
}

}  // namespace

std::optional<OwnerLookup> OwnerLookup::Make(const Schema& schema, const Snapshot& snapshot,
                                             const Table& table, int max_depth) {
  // The nearest table at or above `table` with an owner column, and the
  // composed join to it (storage/relations.h: the cached joins).
  absl::StatusOr<std::optional<std::vector<std::string>>> chain =
      storage::OwnerChain(schema, snapshot, table.name(), max_depth);
  if (!chain.ok() || !chain->has_value()) return std::nullopt;
  const Table* owning = snapshot.FindTable((*chain)->back());
  OwnerLookup out;
  out.owner_ = owning->FindColumn(owning->schema().owner);
  if (out.owner_ == nullptr || out.owner_->type_id() != TypeId::kString) return std::nullopt;
  if ((*chain)->size() > 1) {
    absl::StatusOr<std::vector<int32_t>> rows = storage::ChainRows(schema, snapshot, **chain);
    if (!rows.ok()) return std::nullopt;
    out.row_map_ = *std::move(rows);
    out.through_parent_ = true;
  }
  return out;
}

bool OwnerLookup::Get(int64_t row, std::string_view* owner) const {
  if (through_parent_) {
    row = row_map_[row];
    if (row < 0) return false;
  }
  if (owner_->IsNull(row)) return false;
  *owner = owner_->StringAt(row);
  return true;
}

absl::StatusOr<ParentPath> ResolveParentPath(const Schema& schema, const TableSchema& table,
                                             std::string_view dotted) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t dot = dotted.find('.', start);
    parts.emplace_back(
        dotted.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  ParentPath out;
  const TableSchema* cur = &table;
  out.tables.push_back(cur);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (!cur->parent.has_value() || cur->parent->as != parts[i]) {  // Bounded by the parts.
      return absl::InvalidArgumentError(
          cur->parent.has_value() ? absl::StrCat("'", parts[i], "' is not the parent of ",
                                                 cur->name, " (its parent is '", cur->parent->as,
                                                 "', table ", cur->parent->table, ")")
                                  : absl::StrCat("table ", cur->name, " has no parent, so '",
                                                 parts[i], ".' names nothing"));
    }
    cur = schema.FindTable(cur->parent->table);
    if (cur == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("unknown table '", parts[i], "'"));
    out.tables.push_back(cur);
  }
  out.column = cur->Column(parts.back());
  if (out.column == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("table ", cur->name, " has no column '", parts.back(), "'"));
  }
  return out;
}

absl::StatusOr<Column> ParentFieldColumn(const Schema& schema, const Snapshot& snapshot,
                                         const Table& table, const ParentPath& path,
                                         const std::vector<int64_t>& rows) {
  // The cached joins up to the table holding the column.
  std::vector<std::string> chain;
  for (const TableSchema* t : path.tables) chain.push_back(t->name);
  chain[0] = table.name();
  absl::StatusOr<std::vector<std::shared_ptr<const storage::ParentMap>>> chain_steps =
      storage::ChainSteps(schema, snapshot, chain);
  if (!chain_steps.ok()) return chain_steps.status();
  const std::vector<std::shared_ptr<const storage::ParentMap>>& steps = *chain_steps;
  const Table* cur = snapshot.FindTable(chain.back());
  if (cur == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("table '", chain.back(), "' is missing from the snapshot"));
  }
  const Column* src = cur->FindColumn(path.column->name);
  if (src == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "column '", cur->name(), ".", path.column->name, "' is missing from the snapshot"));
  }
  const int64_t n = table.num_rows();
  // Table-long buffers of zeros from calloc: only the pages of the asked-for
  // rows are ever touched, so a list of 25 rows over 10 million costs 25.
  auto zeros = [](int64_t bytes) {
    void* p = std::calloc(static_cast<size_t>(std::max<int64_t>(bytes, 1)), 1);
    if (p == nullptr) throw std::bad_alloc();
    return Buffer{static_cast<const uint8_t*>(p), bytes, std::shared_ptr<void>(p, std::free)};
  };
  Buffer valid = zeros(BitmapBytes(n) + 8);
  uint8_t* valid_bits = const_cast<uint8_t*>(valid.data);
  const bool plain_strings = src->type_id() == TypeId::kString && !src->is_dictionary();
  const int width = src->type_id() == TypeId::kString ? 4 : ValueWidth(src->type_id());
  Buffer values = zeros(n * width);
  uint8_t* out = const_cast<uint8_t*>(values.data);
  for (int64_t r : rows) {
    int64_t p = r;
    for (const auto& step : steps) {
      p = step->rows[p];
      if (p < 0) break;
    }
    if (p < 0) continue;
    if (src->IsValid(p)) SetBit(valid_bits, r);
    if (plain_strings) {
      reinterpret_cast<int32_t*>(out)[r] = static_cast<int32_t>(p);  // The parent row is the code.
    } else {
      // The value (or dictionary code) at the parent row, byte for byte.
      std::memcpy(out + r * width, src->values_buffer().data + p * width,
                  static_cast<size_t>(width));
    }
  }
  if (src->type_id() != TypeId::kString) return Column::FromBuffers(src->type(), n, values, valid);
  if (src->is_dictionary()) {
    // Codes into the parent's dictionary: no string is copied.
    return Column::FromBuffers(src->type(), n, values, valid, {}, src->dictionary_ptr());
  }
  // A plain parent column becomes the dictionary (without its validity: the
  // bytes under a NULL are an empty string) and the codes are parent rows.
  if (src->empty()) {
    // No parent rows: every row is NULL, a plain column of empty strings.
    return Column::FromBuffers(src->type(), n, zeros((n + 1) * 8), valid);
  }
  auto dictionary = std::make_shared<const Column>(
      Column::FromBuffers(src->type(), src->size(), src->values_buffer(), {}, src->chars_buffer()));
  return Column::FromBuffers(src->type(), n, values, valid, {}, std::move(dictionary));
}

}  // namespace docket::rulebook
