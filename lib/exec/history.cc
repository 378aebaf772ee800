#include "exec/history.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "base/calendar.h"
#include "docket/history.h"
#include "storage/relations.h"

namespace docket {

// ---------------------------------------------------------------------------
// History.

struct History::JoinCache {
  // Older columns gathered through a hashed join, kept with the join so that
  // a warm evaluation reads them in place as the identical-keys case does
  // (keyed by the older column's values buffer).
  struct Gathered {
    absl::Mutex mu;
    std::vector<std::pair<const void*, Column>> columns ABSL_GUARDED_BY(mu);
  };
  struct Entry {
    std::weak_ptr<storage::TableCache> current;  // Identity of the current table.
    std::weak_ptr<storage::TableCache> older;    // Identity of the older table.
    std::string key;
    bool identical = false;                         // Same keys in the same order: row i is row i.
    std::shared_ptr<const storage::ParentMap> map;  // Otherwise: current row → older row or -1.
    std::shared_ptr<Gathered> gathered;
  };
  absl::Mutex mu;
  std::vector<Entry> entries ABSL_GUARDED_BY(mu);
};

History::History() : cache_(std::make_shared<JoinCache>()) {}
History::~History() = default;
History::History(History&&) noexcept = default;
History& History::operator=(History&&) noexcept = default;

absl::Status History::Add(absl::CivilDay date, Snapshot snapshot, std::string source) {
  auto it = std::lower_bound(snapshots_.begin(), snapshots_.end(), date,
                             [](const DatedSnapshot& s, absl::CivilDay d) { return s.date < d; });
  if (it != snapshots_.end() && it->date == date) {
    return absl::InvalidArgumentError(absl::StrCat(
        "two history snapshots dated ", absl::FormatCivilTime(date),
        it->source.empty() ? "" : " (" + it->source + ")", source.empty() ? "" : " and " + source));
  }
  snapshots_.insert(it, DatedSnapshot{date, std::move(snapshot), std::move(source)});
  return absl::OkStatus();
}

const DatedSnapshot* History::LatestBefore(absl::CivilDay day) const {
  const DatedSnapshot* best = nullptr;
  for (const DatedSnapshot& s : snapshots_) {
    if (s.date < day) best = &s;
  }
  return best;
}

const DatedSnapshot* History::LatestOnOrBefore(absl::CivilDay day) const {
  const DatedSnapshot* best = nullptr;
  for (const DatedSnapshot& s : snapshots_) {
    if (s.date <= day) best = &s;
  }
  return best;
}

History History::Before(absl::CivilDay day) const {
  History out;
  out.cache_ = cache_;
  out.current_source = current_source;
  for (const DatedSnapshot& s : snapshots_) {
    if (s.date < day) out.snapshots_.push_back(s);
  }
  return out;
}

namespace exec {
namespace {

using plan::HistoryRef;

std::string Label(const DatedSnapshot& s) {
  std::string d = absl::FormatCivilTime(s.date);
  return s.source.empty() ? "snapshot " + d : "snapshot " + d + " (" + s.source + ")";
}

bool SameKeys(const Column& a, const Column& b) {
  if (a.size() != b.size() || a.type() != b.type()) return false;
  const int64_t n = a.size();
  if (a.type_id() == TypeId::kString) {
    if (a.is_dictionary() && b.is_dictionary() && a.dictionary_ptr() == b.dictionary_ptr()) {
      return std::memcmp(a.codes(), b.codes(), n * sizeof(int32_t)) == 0;
    }
    for (int64_t i = 0; i < n; ++i) {
      if (a.StringAt(i) != b.StringAt(i)) return false;
    }
    return true;
  }
  int width = a.type_id() == TypeId::kBool ? 1 : a.type_id() == TypeId::kDate ? 4 : 8;
  return std::memcmp(a.values_buffer().data, b.values_buffer().data, n * width) == 0;
}

struct Join {
  bool identical = false;
  std::shared_ptr<const storage::ParentMap> map;
  std::shared_ptr<History::JoinCache::Gathered> gathered;
};

absl::StatusOr<Join> KeyJoin(History::JoinCache* cache, const Table& current, const Table& older,
                             const std::string& key, const std::string& older_label,
                             const std::string& current_label) {
  {
    absl::MutexLock lock(&cache->mu);
    for (const History::JoinCache::Entry& e : cache->entries) {
      if (e.key == key && e.current.lock() == current.cache() && e.older.lock() == older.cache()) {
        return Join{e.identical, e.map, e.gathered};
      }
    }
  }
  const Column* cur_key = current.FindColumn(key);
  const Column* old_key = older.FindColumn(key);
  if (cur_key == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table '", current.name(), "' of ", current_label, " has no key column '", key, "'"));
  }
  if (old_key == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "table '", older.name(), "' of ", older_label, " has no column '", key, "', the key of ",
        current.name(), ": its rows cannot be matched with the current ones"));
  }
  if (old_key->type_id() != cur_key->type_id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the key '", key, "' of ", current.name(), " is ", old_key->type().ToString(), " in ",
        older_label, " but ", cur_key->type().ToString(), " in ", current_label));
  }
  Join j;
  j.identical = SameKeys(*cur_key, *old_key);
  if (!j.identical) {
    // The older table's key index is built (once, in its cache) by the same
    // code as a parent's: Table::Make already refused duplicate keys there.
    absl::StatusOr<std::shared_ptr<const storage::ParentMap>> m =
        storage::ParentRows(current, key, older);
    if (!m.ok()) return m.status();
    j.map = *std::move(m);
  }
  absl::MutexLock lock(&cache->mu);
  // Drop entries whose tables are gone.
  std::erase_if(cache->entries, [](const History::JoinCache::Entry& e) {
    return e.current.expired() || e.older.expired();
  });
  if (!j.identical) j.gathered = std::make_shared<History::JoinCache::Gathered>();
  cache->entries.push_back({current.cache(), older.cache(), key, j.identical, j.map, j.gathered});
  return j;
}

Column NullColumn(DataType type, int64_t n) {
  std::vector<uint8_t> validity((n + 7) / 8, 0);
  switch (type.id) {
    case TypeId::kString: {
      std::vector<int64_t> offsets(n + 1, 0);
      return Column::FromBuffers(type, n, Buffer::Own(std::move(offsets)),
                                 Buffer::Own(std::move(validity)), {});
    }
    case TypeId::kBool:
      return Column::FromBuffers(type, n, Buffer::Own(std::vector<uint8_t>(n)),
                                 Buffer::Own(std::move(validity)));
    case TypeId::kDate:
      return Column::FromBuffers(type, n, Buffer::Own(std::vector<int32_t>(n)),
                                 Buffer::Own(std::move(validity)));
    case TypeId::kFloat:
      return Column::FromBuffers(type, n, Buffer::Own(std::vector<double>(n)),
                                 Buffer::Own(std::move(validity)));
    default:
      return Column::FromBuffers(type, n, Buffer::Own(std::vector<int64_t>(n)),
                                 Buffer::Own(std::move(validity)));
  }
}

template <typename T>
Column GatherFixed(const Column& src, const int32_t* rows, int64_t n,
                   std::vector<uint8_t> validity) {
  std::vector<T> values(n);
  const T* in = src.Values<T>();
  const uint8_t* sv = src.validity();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t r = rows[i];
    if (r < 0) continue;
    values[i] = in[r];
    if (sv == nullptr || GetBit(sv, r)) SetBit(validity.data(), i);
  }
  return Column::FromBuffers(src.type(), n, Buffer::Own(std::move(values)),
                             Buffer::Own(std::move(validity)));
}

// out[i] = src[rows[i]], NULL where rows[i] < 0.
Column Gather(const Column& src, const int32_t* rows, int64_t n) {
  std::vector<uint8_t> validity((n + 7) / 8, 0);
  switch (src.type_id()) {
    case TypeId::kBool:
      return GatherFixed<uint8_t>(src, rows, n, std::move(validity));
    case TypeId::kDate:
      return GatherFixed<int32_t>(src, rows, n, std::move(validity));
    case TypeId::kFloat:
      return GatherFixed<double>(src, rows, n, std::move(validity));
    case TypeId::kString: {
      const uint8_t* sv = src.validity();
      if (src.is_dictionary()) {
        std::vector<int32_t> codes(n, 0);
        const int32_t* in = src.codes();
        for (int64_t i = 0; i < n; ++i) {
          const int32_t r = rows[i];
          if (r < 0) continue;
          codes[i] = in[r];
          if (sv == nullptr || GetBit(sv, r)) SetBit(validity.data(), i);
        }
        return Column::FromBuffers(src.type(), n, Buffer::Own(std::move(codes)),
                                   Buffer::Own(std::move(validity)), {}, src.dictionary_ptr());
      }
      std::vector<int64_t> offsets(n + 1, 0);
      std::string chars;
      for (int64_t i = 0; i < n; ++i) {
        const int32_t r = rows[i];
        if (r >= 0 && (sv == nullptr || GetBit(sv, r))) {
          chars.append(src.StringAt(r));
          SetBit(validity.data(), i);
        }
        offsets[i + 1] = static_cast<int64_t>(chars.size());
      }
      auto holder = std::make_shared<std::string>(std::move(chars));
      Buffer cb{reinterpret_cast<const uint8_t*>(holder->data()),
                static_cast<int64_t>(holder->size()), holder};
      return Column::FromBuffers(src.type(), n, Buffer::Own(std::move(offsets)),
                                 Buffer::Own(std::move(validity)), std::move(cb));
    }
    default:
      return GatherFixed<int64_t>(src, rows, n, std::move(validity));
  }
}

}  // namespace

absl::Status ResolveHistory(const plan::Graph& g, const std::vector<uint8_t>& slot_used,
                            const Schema& schema, const Snapshot& snapshot,
                            const EvalOptions& options, std::vector<Column>* out,
                            std::vector<std::string>* notes) {
  const std::vector<plan::ColumnRef>& cols = g.columns();
  const History* history = options.history;
  int no_history = 0;
  std::string no_history_example;
  for (size_t c = 0; c < cols.size(); ++c) {
    if (!slot_used[c] || cols[c].history < 0) continue;
    const HistoryRef& ref = g.history()[cols[c].history];
    const Table* current = snapshot.FindTable(ref.path[0]);
    if (current == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "table '", ref.path[0], "' needed by the program is missing from the snapshot"));
    }
    const int64_t n = current->num_rows();
    const DataType want = plan::DataTypeOf(cols[c].type);
    auto null_out = [&](const std::string& why) {
      (*out)[c] = NullColumn(ref.kind == HistoryRef::Kind::kPresent ? DataType::Bool() : want, n);
      if (!why.empty())
        notes->push_back(
            absl::StrCat(ref.text, " is NULL for all ", n, " rows of ", ref.path[0], ": ", why));
    };
    if (history == nullptr || history->empty()) {
      if (no_history++ == 0) no_history_example = ref.text;
      null_out("");
      continue;
    }
    // 1. The snapshot.
    const DatedSnapshot* older;
    if (ref.has_interval) {
      int64_t day = DaysSinceEpoch(options.as_of) - ref.days;
      day = base::AddMonthsClamped(day, -ref.months);
      const absl::CivilDay target = absl::CivilDay(1970, 1, 1) + day;
      older = history->LatestOnOrBefore(std::min(target, options.as_of));
      if (older == nullptr) {
        null_out(absl::StrCat("no snapshot is dated on or before ", absl::FormatCivilTime(target),
                              " (the oldest is ",
                              absl::FormatCivilTime(history->snapshots().front().date), ")"));
        continue;
      }
    } else {
      older = history->LatestBefore(options.as_of);
      if (older == nullptr) {
        null_out(absl::StrCat("no snapshot is dated before ", absl::FormatCivilTime(options.as_of),
                              " (the oldest is ",
                              absl::FormatCivilTime(history->snapshots().front().date), ")"));
        continue;
      }
    }
    const std::string label = Label(*older);
    const Table* then = older->snapshot.FindTable(ref.path[0]);
    if (then == nullptr) {
      null_out(absl::StrCat("table '", ref.path[0], "' is not in ", label));
      continue;
    }
    // 2. The key join.
    const TableSchema* ts = schema.FindTable(ref.path[0]);
    if (ts == nullptr || ts->key.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("table '", ref.path[0], "' has no key: ", ref.text,
                       " cannot match its rows with an older snapshot"));
    }
    absl::StatusOr<Join> join = KeyJoin(history->join_cache().get(), *current, *then, ts->key,
                                        label, history->current_source);
    if (!join.ok()) return join.status();
    std::vector<int32_t> composed;
    const int32_t* rows = nullptr;
    if (!join->identical) rows = join->map->rows.data();
    if (ref.kind == HistoryRef::Kind::kPresent) {
      std::vector<uint8_t> values(n, 1);
      if (rows != nullptr) {
        for (int64_t i = 0; i < n; ++i) values[i] = rows[i] >= 0;
      }
      (*out)[c] = Column::FromBuffers(DataType::Bool(), n, Buffer::Own(std::move(values)), {});
      continue;
    }
    // 3. Up the older snapshot's parent relations.
    const Table* end = then;
    bool missing = false;
    for (size_t step = 1; step < ref.path.size(); ++step) {
      const TableSchema* child_schema = schema.FindTable(ref.path[step - 1]);
      const Table* parent = older->snapshot.FindTable(ref.path[step]);
      if (parent == nullptr) {
        null_out(absl::StrCat("table '", ref.path[step], "' is not in ", label));
        missing = true;
        break;
      }
      absl::StatusOr<std::shared_ptr<const storage::ParentMap>> up =
          storage::ParentRows(*end, child_schema->parent->via, *parent);
      if (!up.ok()) {
        return absl::FailedPreconditionError(absl::StrCat(label, ": ", up.status().message()));
      }
      if (rows == nullptr) {
        composed = (*up)->rows;
      } else {
        std::vector<int32_t> down(rows, rows + n);
        composed = storage::ComposeRows(down, (*up)->rows);
      }
      rows = composed.data();
      end = parent;
    }
    if (missing) continue;
    // 4. The column.
    const Column* src = end->FindColumn(ref.column);
    if (src == nullptr) {
      null_out(
          absl::StrCat("column '", ref.column, "' is not in table '", end->name(), "' of ", label));
      continue;
    }
    if (src->type_id() != want.id) {
      return absl::FailedPreconditionError(
          absl::StrCat("column '", ref.column, "' of ", end->name(), " is ", src->type().ToString(),
                       " in ", label, " but ", std::string(TypeName(want.id)), " in ",
                       history->current_source, " (", ref.text, ")"));
    }
    if (rows == nullptr) {
      (*out)[c] = *src;  // Identical keys: the older column, read in place.
    } else if (ref.path.size() == 1 && join->gathered != nullptr) {
      // Through the hashed join: gathered once, then kept with the join.
      History::JoinCache::Gathered& cache = *join->gathered;
      const void* id = src->values_buffer().data;
      bool found = false;
      {
        absl::MutexLock lock(&cache.mu);
        for (const auto& [key, col] : cache.columns) {
          if (key == id && col.type() == src->type()) {
            (*out)[c] = col;
            found = true;
            break;
          }
        }
      }
      if (!found) {
        Column gathered = Gather(*src, rows, n);
        absl::MutexLock lock(&cache.mu);
        cache.columns.emplace_back(id, gathered);
        (*out)[c] = std::move(gathered);
      }
    } else {
      (*out)[c] = Gather(*src, rows, n);
    }
  }
  if (no_history > 0) {
    notes->push_back(absl::StrCat(
        "no history was given: ", no_history_example,
        no_history > 1 ? absl::StrCat(" and ", no_history - 1, " other history value(s)") : "",
        " are NULL (pass --history DIR, or history= in Python)"));
  }
  return absl::OkStatus();
}

}  // namespace exec
}  // namespace docket
