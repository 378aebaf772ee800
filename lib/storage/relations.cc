#include "storage/relations.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/parallel.h"
#include "docket/error.h"

namespace docket::storage {

namespace {

// String keys are indexed by row number alone (4 bytes a slot, so the table
// stays cache-sized); hashing and equality read the key column, and a lookup
// by string_view is heterogeneous.
struct RowKeyHash {
  using is_transparent = void;
  const Column* key = nullptr;
  size_t operator()(int32_t row) const {
    return absl::Hash<std::string_view>()(key->StringAt(row));
  }
  size_t operator()(std::string_view s) const { return absl::Hash<std::string_view>()(s); }
};
struct RowKeyEq {
  using is_transparent = void;
  const Column* key = nullptr;
  bool operator()(int32_t a, int32_t b) const { return a == b; }
  bool operator()(int32_t a, std::string_view b) const { return key->StringAt(a) == b; }
  bool operator()(std::string_view a, int32_t b) const { return a == key->StringAt(b); }
};
using StringRows = absl::flat_hash_set<int32_t, RowKeyHash, RowKeyEq>;

// A parent's key → row.  The index keeps the key column alive (its copy).
struct KeyIndex {
  Column key;
  StringRows strings;
  absl::flat_hash_map<int64_t, int32_t>
      numbers;  // int, date, timestamp, bool; float by bit pattern.
  // The row holding string `s`, or -1.
  int32_t Find(std::string_view s) const {
    auto it = strings.find(s);
    return it == strings.end() ? -1 : *it;
  }
};

// The 64-bit lookup key of a fixed-width value (floats by their bits, with
// -0.0 folded into 0.0 so that equal keys meet).
int64_t FixedKey(const Column& c, int64_t r) {
  switch (c.type_id()) {
    case TypeId::kDate:
      return c.Values<int32_t>()[r];
    case TypeId::kBool:
      return c.Values<uint8_t>()[r] != 0;
    case TypeId::kFloat: {
      double d = c.Values<double>()[r];
      if (d == 0) d = 0;
      int64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return bits;
    }
    default:
      return c.Values<int64_t>()[r];
  }
}

struct MapEntry {
  std::string via;
  std::weak_ptr<TableCache> parent;  // Identity of the parent table (expired: rebuild).
  std::shared_ptr<const ParentMap> map;
};

}  // namespace

struct TableCache {
  absl::Mutex mu;
  std::shared_ptr<const KeyIndex> key_index ABSL_GUARDED_BY(mu);
  std::vector<MapEntry> maps ABSL_GUARDED_BY(mu);
};

std::shared_ptr<TableCache> NewTableCache() { return std::make_shared<TableCache>(); }

namespace {

absl::StatusOr<std::shared_ptr<const KeyIndex>> KeyIndexOf(const Table& parent) {
  TableCache& cache = *parent.cache();
  absl::MutexLock lock(&cache.mu);
  if (cache.key_index != nullptr) return cache.key_index;
  const Column* key = parent.key_column();
  if (key == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("table '", parent.name(), "' is a parent but has no key column"));
  }
  if (parent.num_rows() >= std::numeric_limits<int32_t>::max()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table '", parent.name(), "' has ", parent.num_rows(),
        " rows; a parent table holds at most ", std::numeric_limits<int32_t>::max() - 1));
  }
  auto index = std::make_shared<KeyIndex>();
  index->key = *key;
  index->strings = StringRows(0, RowKeyHash{&index->key}, RowKeyEq{&index->key});
  const int32_t rows = static_cast<int32_t>(parent.num_rows());
  if (key->type_id() == TypeId::kString) {
    index->strings.reserve(static_cast<size_t>(rows));
    for (int32_t r = 0; r < rows; ++r) {
      if (key->IsValid(r)) index->strings.insert(r);
    }
  } else {
    index->numbers.reserve(static_cast<size_t>(rows));
    for (int32_t r = 0; r < rows; ++r) {
      if (key->IsValid(r)) index->numbers.emplace(FixedKey(*key, r), r);
    }
  }
  cache.key_index = index;
  return index;
}

std::shared_ptr<ParentMap> BuildMap(const Column& via, const KeyIndex& index) {
  auto out = std::make_shared<ParentMap>();
  const int64_t n = via.size();
  out->rows.assign(static_cast<size_t>(n), -1);
  int32_t* rows = out->rows.data();
  if (via.type_id() == TypeId::kString && via.is_dictionary()) {
    // One probe per dictionary entry, then a gather by code.
    const Column& dict = via.dictionary();
    std::vector<int32_t> by_code(static_cast<size_t>(dict.size()) + 1, -1);
    for (int64_t e = 0; e < dict.size(); ++e) {
      by_code[e] = index.Find(dict.StringAt(e));
    }
    const int32_t* codes = via.codes();
    const uint32_t last = static_cast<uint32_t>(dict.size());
    for (int64_t r = 0; r < n; ++r) {
      uint32_t c = static_cast<uint32_t>(codes[r]);
      rows[r] = by_code[c < last ? c : last];
    }
  } else {
    // Probes over row ranges on all cores (each row's answer depends on that
    // row alone).  Children usually come grouped by parent, so a row whose
    // key repeats the previous row's takes its answer without a probe.
    const Column& parent_key = index.key;
    const int64_t parents = parent_key.size();
    auto probe = [&](int64_t lo, int64_t hi) {
      if (via.type_id() == TypeId::kString) {
        std::string_view prev;
        int32_t prev_row = -1;
        bool have_prev = false;
        for (int64_t r = lo; r < hi; ++r) {
          const std::string_view key = via.StringAt(r);
          if (!have_prev || key != prev) {
            // Children sorted like their parents: the next parent row is the
            // likely one (a sequential read instead of a hash probe).
            if (prev_row >= 0 && prev_row + 1 < parents &&
                parent_key.StringAt(prev_row + 1) == key) {
              ++prev_row;
            } else {
              prev_row = index.Find(key);
            }
            prev = key;
            have_prev = true;
          }
          rows[r] = prev_row;
        }
      } else {
        int64_t prev = 0;
        int32_t prev_row = -1;
        bool have_prev = false;
        for (int64_t r = lo; r < hi; ++r) {
          const int64_t key = FixedKey(via, r);
          if (!have_prev || key != prev) {
            auto it = index.numbers.find(key);
            prev_row = it != index.numbers.end() ? it->second : -1;
            prev = key;
            have_prev = true;
          }
          rows[r] = prev_row;
        }
      }
    };
    // Probes in ranges of at least 64K rows, on every core.
    const int threads = base::WorkerCount(0, n / (int64_t{1} << 16));
    base::RunWorkers(threads, [&](int t) {
      const auto [lo, hi] = base::ShareOf(n, t, threads);
      probe(lo, hi);
    });
  }
  for (int64_t r = 0; r < n; ++r) {
    if (via.IsNull(r)) {
      rows[r] = -1;
      ++out->null_keys;
    } else if (rows[r] < 0) {
      ++out->missing_keys;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ParentMap>> ParentRows(const Table& child,
                                                            std::string_view via,
                                                            const Table& parent) {
  const Column* via_col = child.FindColumn(via);
  if (via_col == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("table '", child.name(), "' has no column '",
                                                      std::string(via), "' to find its parent in '",
                                                      parent.name(), "'"));
  }
  const Column* key = parent.key_column();
  if (key != nullptr && key->type_id() != via_col->type_id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "column '", child.name(), ".", std::string(via), "' is ", via_col->type().ToString(),
        " but the key of '", parent.name(), "' is ", key->type().ToString()));
  }
  TableCache& cache = *child.cache();
  {
    absl::MutexLock lock(&cache.mu);
    for (const MapEntry& e : cache.maps) {
      if (e.via == via && e.parent.lock() == parent.cache()) return e.map;
    }
  }
  absl::StatusOr<std::shared_ptr<const KeyIndex>> index = KeyIndexOf(parent);
  if (!index.ok()) return index.status();
  std::shared_ptr<const ParentMap> map = BuildMap(*via_col, **index);
  absl::MutexLock lock(&cache.mu);
  // Drop entries whose parent is gone, then keep this one.
  std::vector<MapEntry> kept;
  for (MapEntry& e : cache.maps) {
    if (!e.parent.expired()) kept.push_back(std::move(e));
  }
  kept.push_back(MapEntry{std::string(via), parent.cache(), map});
  cache.maps = std::move(kept);
  return map;
}

std::vector<int32_t> ComposeRows(const std::vector<int32_t>& down, const std::vector<int32_t>& up) {
  std::vector<int32_t> out(down.size());
  const int32_t* d = down.data();
  const int32_t* u = up.data();
  for (size_t i = 0; i < down.size(); ++i) out[i] = d[i] < 0 ? -1 : u[d[i]];
  return out;
}

namespace {

absl::Status TooDeep(std::string_view table, int max_depth) {
  return LimitError(SourceLocation{}, "max_relation_depth", max_depth,
                    absl::StrCat("the parent relations above table '", std::string(table), "'"));
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParentChain(const Schema& schema, std::string_view from,
                                                     std::string_view to, int max_depth) {
  std::vector<std::string> chain = {std::string(from)};
  while (chain.back() != to) {
    if (static_cast<int>(chain.size()) > max_depth) return TooDeep(from, max_depth);
    const TableSchema* ts = schema.FindTable(chain.back());
    if (ts == nullptr || !ts->parent.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "table '", std::string(to), "' is not above table '", std::string(from), "'"));
    }
    chain.push_back(ts->parent->table);
  }
  return chain;
}

absl::StatusOr<std::vector<std::string>> Ancestors(const Schema& schema, std::string_view from,
                                                   int max_depth) {
  std::vector<std::string> out;
  const TableSchema* ts = schema.FindTable(from);
  while (ts != nullptr && ts->parent.has_value()) {
    if (static_cast<int>(out.size()) >= max_depth) return TooDeep(from, max_depth);
    out.push_back(ts->parent->table);
    ts = schema.FindTable(ts->parent->table);
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Descendants(const Schema& schema, std::string_view table,
                                                     int max_depth) {
  std::vector<std::string> out;
  std::vector<std::string> frontier = {std::string(table)};
  for (int depth = 0; !frontier.empty(); ++depth) {
    if (depth >= max_depth) return TooDeep(table, max_depth);
    std::vector<std::string> next;
    for (const std::string& f : frontier) {
      for (const TableSchema* c : schema.ChildrenOf(f)) {
        if (c->name == table || std::find(out.begin(), out.end(), c->name) != out.end()) continue;
        out.push_back(c->name);
        next.push_back(c->name);
      }
    }
    frontier = std::move(next);
  }
  return out;
}

std::string ParentPath(const Schema& schema, std::string_view from, std::string_view ancestor,
                       int max_depth) {
  if (from == ancestor) return "";
  absl::StatusOr<std::vector<std::string>> chain = ParentChain(schema, from, ancestor, max_depth);
  if (!chain.ok()) return "";
  std::string path;
  for (size_t i = 0; i + 1 < chain->size(); ++i) {
    absl::StrAppend(&path, schema.FindTable((*chain)[i])->parent->as, ".");
  }
  return path;
}

std::optional<std::string> FollowParentPath(const Schema& schema, std::string_view from,
                                            const std::vector<std::string>& path, int max_depth) {
  if (static_cast<int>(path.size()) > max_depth) return std::nullopt;
  const TableSchema* ts = schema.FindTable(from);
  for (const std::string& step : path) {
    if (ts == nullptr || !ts->parent.has_value() || ts->parent->as != step) return std::nullopt;
    ts = schema.FindTable(ts->parent->table);
  }
  if (ts == nullptr) return std::nullopt;
  return ts->name;
}

absl::StatusOr<std::optional<std::vector<std::string>>> OwnerChain(const Schema& schema,
                                                                   const Snapshot& snapshot,
                                                                   std::string_view table,
                                                                   int max_depth) {
  std::vector<std::string> chain = {std::string(table)};
  for (;;) {
    const Table* t = snapshot.FindTable(chain.back());
    if (t == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("table '", chain.back(), "' is missing from the snapshot"));
    }
    if (!t->schema().owner.empty())
      return std::optional<std::vector<std::string>>(std::move(chain));
    const TableSchema* ts = schema.FindTable(chain.back());
    if (ts == nullptr || !ts->parent.has_value()) return std::optional<std::vector<std::string>>();
    if (static_cast<int>(chain.size()) > max_depth) return TooDeep(table, max_depth);
    chain.push_back(ts->parent->table);
  }
}

absl::StatusOr<std::vector<std::shared_ptr<const ParentMap>>> ChainSteps(
    const Schema& schema, const Snapshot& snapshot, const std::vector<std::string>& chain) {
  std::vector<std::shared_ptr<const ParentMap>> steps;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    const TableSchema* ts = schema.FindTable(chain[i]);
    const Table* child = snapshot.FindTable(chain[i]);
    const Table* parent = snapshot.FindTable(chain[i + 1]);
    if (ts == nullptr || !ts->parent.has_value() || child == nullptr || parent == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "table '", child == nullptr ? chain[i] : chain[i + 1], "' is missing from the snapshot"));
    }
    absl::StatusOr<std::shared_ptr<const ParentMap>> step =
        ParentRows(*child, ts->parent->via, *parent);
    if (!step.ok()) return step.status();
    steps.push_back(*std::move(step));
  }
  return steps;
}

absl::StatusOr<std::vector<int32_t>> ChainRows(const Schema& schema, const Snapshot& snapshot,
                                               const std::vector<std::string>& chain) {
  const Table* first = chain.empty() ? nullptr : snapshot.FindTable(chain[0]);
  if (first == nullptr)
    return absl::FailedPreconditionError("a relation's table is missing from the snapshot");
  absl::StatusOr<std::vector<std::shared_ptr<const ParentMap>>> steps =
      ChainSteps(schema, snapshot, chain);
  if (!steps.ok()) return steps.status();
  std::vector<int32_t> rows;
  if (steps->empty()) {
    rows.resize(static_cast<size_t>(first->num_rows()));
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int32_t>(i);
    return rows;
  }
  rows = (*steps)[0]->rows;
  for (size_t i = 1; i < steps->size(); ++i) rows = ComposeRows(rows, (*steps)[i]->rows);
  return rows;
}

}  // namespace docket::storage
