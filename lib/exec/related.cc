#include "exec/related.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/parallel.h"
#include "docket/error.h"
#include "exec/kernel_util.h"
#include "exec/related_fold.h"

namespace docket::exec {

using plan::Agg;
using plan::ExprType;
using plan::Node;

// ---------------------------------------------------------------------------
// Links and scope.

absl::StatusOr<std::shared_ptr<const storage::ParentMap>> RelatedData::Step(
    const Schema& schema, const Snapshot& snapshot, const std::string& child) {
  auto it = steps_.find(child);
  if (it != steps_.end()) return it->second;
  const TableSchema* ts = schema.FindTable(child);
  if (ts == nullptr || !ts->parent.has_value()) {
    return absl::InternalError(
        absl::StrCat("table '", child, "' has no parent in the compiled schema"));
  }
  const ParentRelation& rel = *ts->parent;
  const Table* c = snapshot.FindTable(child);
  const Table* p = snapshot.FindTable(rel.table);
  if (c == nullptr || p == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("table '", c == nullptr ? child : rel.table,
                     "' needed by the program is missing from the snapshot"));
  }
  absl::StatusOr<std::shared_ptr<const storage::ParentMap>> map =
      storage::ParentRows(*c, rel.via, *p);
  if (!map.ok()) return map.status();
  relations_.push_back(
      RelationDiagnostics{child, rel.table, (*map)->null_keys, (*map)->missing_keys});
  steps_.emplace(child, *map);
  return *map;
}

absl::Status RelatedData::Resolve(const PhysicalPlan& plan, const Schema& schema,
                                  const Snapshot& snapshot) {
  const std::vector<plan::LinkRef>& refs = plan.graph->links();
  links_.assign(refs.size(), Link{});
  for (size_t l = 0; l < refs.size(); ++l) {
    if (!plan.link_used[l]) continue;
    Link& link = links_[l];
    if (refs[l].from == refs[l].to) {
      return absl::InternalError(absl::StrCat("a link from '", refs[l].from, "' to itself"));
    }
    absl::StatusOr<std::vector<std::string>> chain =
        storage::ParentChain(schema, refs[l].from, refs[l].to, plan.max_relation_depth);
    if (!chain.ok()) {
      if (chain.status().code() == absl::StatusCode::kResourceExhausted) return chain.status();
      return absl::InternalError(
          absl::StrCat("no path from '", refs[l].from, "' up to '", refs[l].to, "'"));
    }
    for (size_t depth = 0; depth + 1 < chain->size(); ++depth) {
      absl::StatusOr<std::shared_ptr<const storage::ParentMap>> step =
          Step(schema, snapshot, (*chain)[depth]);
      if (!step.ok()) return step.status();
      if (depth == 0) {
        link.step = *step;
      } else {
        link.composed =
            storage::ComposeRows(depth == 1 ? link.step->rows : link.composed, (*step)->rows);
      }
    }
    if (link.composed.empty() && link.step != nullptr) {
      link.rows = link.step->rows.data();
      link.orphans = link.step->orphans();
    } else {
      link.rows = link.composed.data();
      link.orphans = std::count(link.composed.begin(), link.composed.end(), -1);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Bitmap>> RelatedData::Scope(const Schema& schema,
                                                         const Snapshot& snapshot,
                                                         const std::string& table,
                                                         const std::string& owner, int max_depth) {
  // The nearest table at or above `table` with an owner column
  // (storage/relations.h); a table's own owner column wins over its parent's.
  absl::StatusOr<std::optional<std::vector<std::string>>> chain =
      storage::OwnerChain(schema, snapshot, table, max_depth);
  if (!chain.ok()) return chain.status();
  if (!chain->has_value()) return std::optional<Bitmap>();
  const Table* owning = snapshot.FindTable((*chain)->back());
  const std::string& owner_col = owning->schema().owner;
  const Column* col = owning->FindColumn(owner_col);
  if (col == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("owner column '", owner_col, "' of table '", owning->name(), "' is missing"));
  }
  if (col->type_id() != TypeId::kString) {
    return absl::FailedPreconditionError(absl::StrCat("owner column '", owner_col, "' of table '",
                                                      owning->name(), "' must be a string column"));
  }
  // The owner's rows of the owning table.
  Bitmap owned(owning->num_rows());
  uint8_t* bits = owned.mutable_data();
  if (col->is_dictionary()) {
    const Column& dict = col->dictionary();
    int32_t code = -1;
    for (int64_t i = 0; i < dict.size(); ++i) {
      if (dict.StringAt(i) == owner) {
        code = static_cast<int32_t>(i);
        break;
      }
    }
    const int32_t* codes = col->codes();
    for (int64_t r = 0; r < owning->num_rows(); ++r) {
      if (codes[r] == code && col->IsValid(r)) SetBit(bits, r);
    }
  } else {
    for (int64_t r = 0; r < owning->num_rows(); ++r) {
      if (col->IsValid(r) && col->StringAt(r) == owner) SetBit(bits, r);
    }
  }
  if ((*chain)->size() == 1) return std::optional<Bitmap>(std::move(owned));
  // Down the joins to `table`: a row is in scope when its owning ancestor is.
  for (size_t i = 0; i + 1 < (*chain)->size(); ++i) {
    absl::StatusOr<std::shared_ptr<const storage::ParentMap>> step =
        Step(schema, snapshot, (**chain)[i]);
    if (!step.ok()) return step.status();
  }
  absl::StatusOr<std::vector<int32_t>> rows = storage::ChainRows(schema, snapshot, **chain);
  if (!rows.ok()) return rows.status();
  const Table* t = snapshot.FindTable(table);
  Bitmap out(t->num_rows());
  for (int64_t r = 0; r < t->num_rows(); ++r) {
    if ((*rows)[r] >= 0 && owned.Get((*rows)[r])) out.Set(r);
  }
  return std::optional<Bitmap>(std::move(out));
}

// ---------------------------------------------------------------------------
// Stages.

namespace {

int Width(ExprType t) {
  switch (PhysOf(t)) {
    case Phys::kU8:
      return 1;
    case Phys::kI32:
      return 4;
    default:
      return 8;
  }
}

bool NeedsValues(const Node& n) {
  return n.agg == Agg::kSum || n.agg == Agg::kAvg || n.agg == Agg::kMin || n.agg == Agg::kMax;
}

// Whether an aggregate's result depends on the order its rows are folded in:
// only float sums (and averages) do.  The others are folded per thread, as
// the batches are evaluated, and the threads' partial results merged.
bool OrderSensitive(const plan::Graph& g, const Node& n) {
  return (n.agg == Agg::kSum || n.agg == Agg::kAvg) && g.node(n.sub[1]).type == ExprType::kFloat;
}

// Where a derived column's values live: kept by the StageScratch, so an
// evaluation of the same shape reuses it; the column is a view over it.
struct DerivedStorage {
  std::vector<uint64_t> values;  // 8-byte aligned.
  std::vector<uint8_t> bits;
  template <typename T>
  T* Values(int64_t n) {
    values.resize((static_cast<size_t>(n) * sizeof(T) + 7) / 8 + 1);
    return reinterpret_cast<T*>(values.data());
  }
};

// One value per parent row, folded from child rows.
class Accumulator {
 public:
  Accumulator(Agg agg, ExprType value_type, int64_t parents) { Reset(agg, value_type, parents); }

  // Back to no rows (reusing the storage).
  void Reset(Agg agg, ExprType value_type, int64_t parents) {
    agg_ = agg;
    vt_ = value_type;
    parents_ = parents;
    const size_t n = static_cast<size_t>(parents);
    switch (agg) {
      // One spare slot past the end takes the rows without a parent, so the
      // fold of exists and count has no branch.
      case Agg::kExists:
        flag_.assign(n + 1, 0);
        break;
      case Agg::kCount:
      case Agg::kCountValues:
        count_.assign(n + 1, 0);
        break;
      case Agg::kSum:
      case Agg::kAvg:
        has_.assign(n, 0);
        if (agg == Agg::kAvg) count_.assign(n, 0);
        if (vt_ == ExprType::kInt) {
          isum_.assign(n, 0);
        } else {
          fsum_.assign(n, 0);
        }
        break;
      case Agg::kMin:
      case Agg::kMax:
        has_.assign(n, 0);
        raw_.assign(n * static_cast<size_t>(Width(vt_)), 0);
        break;
    }
  }
  bool Matches(Agg agg, ExprType value_type, int64_t parents) const {
    return agg_ == agg && vt_ == value_type && parents_ == parents;
  }

  // exists and count(*) straight from the WHERE's words (exec/related_fold.h):
  // rows [0, n) of a batch whose bit is set in `words` (none past n).
  static bool TakesWords(const Node& n) {
    return n.sub.size() < 2 && (n.agg == Agg::kExists || n.agg == Agg::kCount);
  }
  void AddWords(const uint64_t* words, const int32_t* parent, int n) {
    const uint32_t spare = static_cast<uint32_t>(parents_);
    if (agg_ == Agg::kExists) {
      FoldExistsWords(words, parent, n, flag_.data(), spare);
    } else {
      FoldCountWords(words, parent, n, count_.data(), spare);
    }
  }
  // An exists' flags and its spare slot, for a fold shared with other exists.
  uint8_t* exists_flags() { return flag_.data(); }
  uint32_t spare() const { return static_cast<uint32_t>(parents_); }

  // Folds child rows [0, n) of a batch: row i counts when keep[i] and has a
  // parent; `values` (when the aggregate has them) holds its value.
  void Add(const uint8_t* keep, const int32_t* parent, const void* values, int n) {
    switch (agg_) {
      case Agg::kExists: {
        uint8_t* f = flag_.data();
        const uint32_t spare = static_cast<uint32_t>(parents_);
        for (int i = 0; i < n; ++i) {
          const uint32_t p = parent[i] < 0 ? spare : static_cast<uint32_t>(parent[i]);
          f[p] |= keep[i];
        }
        return;
      }
      case Agg::kCount:
      case Agg::kCountValues: {
        int64_t* c = count_.data();
        const uint32_t spare = static_cast<uint32_t>(parents_);
        for (int i = 0; i < n; ++i) {
          const uint32_t p = parent[i] < 0 ? spare : static_cast<uint32_t>(parent[i]);
          c[p] += keep[i];
        }
        return;
      }
      case Agg::kSum:
      case Agg::kAvg: {
        const bool avg = agg_ == Agg::kAvg;
        if (vt_ == ExprType::kInt) {
          const int64_t* v = static_cast<const int64_t*>(values);
          for (int i = 0; i < n; ++i) {
            const int32_t p = parent[i];
            if (!keep[i] || p < 0) continue;
            isum_[p] += v[i];  // Exact: __int128 cannot overflow on int64 inputs.
            has_[p] = 1;
            if (avg) ++count_[p];
          }
        } else {
          const double* v = static_cast<const double*>(values);
          for (int i = 0; i < n; ++i) {
            const int32_t p = parent[i];
            if (!keep[i] || p < 0) continue;
            fsum_[p] += v[i];
            has_[p] = 1;
            if (avg) ++count_[p];
          }
        }
        return;
      }
      case Agg::kMin:
      case Agg::kMax:
        WithPhys(PhysOf(vt_), [&](auto tag) {
          using T = typename decltype(tag)::type;
          if constexpr (!std::is_same_v<T, std::string_view>) {
            const T* v = static_cast<const T*>(values);
            T* out = reinterpret_cast<T*>(raw_.data());
            const bool is_min = agg_ == Agg::kMin;
            for (int i = 0; i < n; ++i) {
              const int32_t p = parent[i];
              if (!keep[i] || p < 0) continue;
              if (!has_[p] || (is_min ? v[i] < out[p] : out[p] < v[i])) out[p] = v[i];
              has_[p] = 1;
            }
          }
        });
        return;
    }
  }

  // Folds another thread's partial result into this one (order-insensitive aggregates only).
  void Merge(const Accumulator& o) {
    const int64_t n = parents_;
    switch (agg_) {
      case Agg::kExists:
        for (int64_t p = 0; p < n; ++p) flag_[p] |= o.flag_[p];
        return;
      case Agg::kCount:
      case Agg::kCountValues:
        for (int64_t p = 0; p < n; ++p) count_[p] += o.count_[p];
        return;
      case Agg::kSum:
      case Agg::kAvg:
        for (int64_t p = 0; p < n; ++p) {
          if (!o.has_[p]) continue;
          has_[p] = 1;
          isum_[p] += o.isum_[p];
          if (agg_ == Agg::kAvg) count_[p] += o.count_[p];
        }
        return;
      case Agg::kMin:
      case Agg::kMax:
        WithPhys(PhysOf(vt_), [&](auto tag) {
          using T = typename decltype(tag)::type;
          if constexpr (!std::is_same_v<T, std::string_view>) {
            T* out = reinterpret_cast<T*>(raw_.data());
            const T* in = reinterpret_cast<const T*>(o.raw_.data());
            const bool is_min = agg_ == Agg::kMin;
            for (int64_t p = 0; p < n; ++p) {
              if (!o.has_[p]) continue;
              if (!has_[p] || (is_min ? in[p] < out[p] : out[p] < in[p])) out[p] = in[p];
              has_[p] = 1;
            }
          }
        });
        return;
    }
  }

  // The result column, a view over `out`; an int sum outside the int64
  // range is NULL and counted.
  Column Finish(Diagnostics* diag, DerivedStorage* out) {
    const int64_t n = parents_;
    switch (agg_) {
      case Agg::kExists: {
        uint8_t* v = out->Values<uint8_t>(n);
        std::copy(flag_.begin(), flag_.begin() + n, v);  // Without the spare slot.
        return Column::View(DataType::Bool(), v, n);
      }
      case Agg::kCount:
      case Agg::kCountValues: {
        int64_t* v = out->Values<int64_t>(n);
        std::copy(count_.begin(), count_.begin() + n, v);
        return Column::View(DataType::Int(), v, n);
      }
      case Agg::kSum:
      case Agg::kAvg: {
        if (agg_ == Agg::kAvg) {
          double* v = out->Values<double>(n);
          for (int64_t p = 0; p < n; ++p) {
            v[p] = 0;
            if (!has_[p]) continue;
            const double sum = vt_ == ExprType::kInt ? static_cast<double>(isum_[p]) : fsum_[p];
            v[p] = sum / static_cast<double>(count_[p]);
          }
          return Column::View(DataType::Float(), v, n, Bits(out));
        }
        if (vt_ == ExprType::kFloat) {
          double* v = out->Values<double>(n);
          std::copy(fsum_.begin(), fsum_.begin() + n, v);
          return Column::View(DataType::Float(), v, n, Bits(out));
        }
        int64_t* v = out->Values<int64_t>(n);
        for (int64_t p = 0; p < n; ++p) {
          v[p] = 0;
          if (!has_[p]) continue;
          if (isum_[p] > INT64_MAX || isum_[p] < INT64_MIN) {
            has_[p] = 0;
            ++diag->int_overflow;
          } else {
            v[p] = static_cast<int64_t>(isum_[p]);
          }
        }
        return Column::View(DataType::Int(), v, n, Bits(out));
      }
      case Agg::kMin:
      case Agg::kMax: {
        uint8_t* v = out->Values<uint8_t>(static_cast<int64_t>(raw_.size()));
        std::copy(raw_.begin(), raw_.end(), v);
        return Column::View(plan::DataTypeOf(vt_), v, n, Bits(out));
      }
    }
    return Column();
  }

 private:
  const uint8_t* Bits(DerivedStorage* out) const {
    out->bits.assign(static_cast<size_t>(BitmapBytes(parents_)) + 8, 0);
    for (int64_t p = 0; p < parents_; ++p) {
      if (has_[p]) SetBit(out->bits.data(), p);
    }
    return out->bits.data();
  }

  Agg agg_;
  ExprType vt_;
  int64_t parents_;
  std::vector<uint8_t> flag_, has_, raw_;
  std::vector<int64_t> count_;
  std::vector<__int128> isum_;
  std::vector<double> fsum_;
};

// What a stage records per task.  Order-insensitive aggregates fold into
// per-thread accumulators as the batches go; the others record every row
// (kept flag and value) for a sequential fold in row order afterwards, and a
// materialized value records its values and validity.
struct TaskState {
  const Node* node = nullptr;
  bool fused = false;
  ExprType value_type = ExprType::kNull;
  int64_t parents = 0;
  std::vector<std::unique_ptr<Accumulator>> per_thread;  // fused
  std::vector<uint8_t> keep;                             // sequential / materialize: per row
  std::vector<uint8_t> values;                           // Width(value_type) bytes per row
  std::unique_ptr<Accumulator> total;                    // The merged or ordered fold.
  DerivedStorage out;                                    // The derived column's storage.
};

// One thread's scratch in one stage.
struct StageThread {
  std::unique_ptr<BatchEvaluator> frame;
  std::vector<uint16_t> sel;
  std::vector<uint8_t> keep_batch;
  std::vector<uint8_t> values_batch;
  std::vector<uint64_t> keep_words;  // The WHERE's words for the batch, masked past its end.
  // The stage's exists tasks folded together after the batch's WHEREs (one
  // read of the parent map for all those over the same link): their words
  // (WordsFor(capacity) per task of the stage) and which tasks kept a row.
  std::vector<uint64_t> exists_words;
  std::vector<int> exists_tasks;
};

struct StageState {
  std::vector<TaskState> tasks;
  std::vector<StageThread> threads;
};

// (Re)uses `slot` for an accumulator of this shape, cleared.
Accumulator* ClearedAccumulator(std::unique_ptr<Accumulator>* slot, Agg agg, ExprType vt,
                                int64_t parents) {
  if (*slot == nullptr) {
    *slot = std::make_unique<Accumulator>(agg, vt, parents);
  } else {
    (*slot)->Reset(agg, vt, parents);
  }
  return slot->get();
}

// Copies the active rows of `v` (type t) into out[i].
void StoreValues(const BatchValues& v, ExprType t, const RowSet& a, uint8_t* out) {
  WithPhys(PhysOf(t), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same_v<T, std::string_view>) {
      T* o = reinterpret_cast<T*>(out);
      WithAccess<T>(v, [&](auto xs) { ForEachExact(a, [&](int i) { o[i] = xs[i]; }); });
    }
  });
}

// The batch's exists (scratch->exists_tasks, their words in
// scratch->exists_words): those over the same link folded together, so each
// kept row's parent is read once for all of them.
void FoldExists(EvalState* st, int64_t start, int n, int thread, std::vector<TaskState>* tasks,
                StageThread* scratch) {
  std::vector<int>& pending = scratch->exists_tasks;
  const size_t task_words = scratch->keep_words.size();
  while (!pending.empty()) {
    const int32_t link = (*tasks)[static_cast<size_t>(pending[0])].node->link;
    const uint64_t* words[kMaxExistsFold];
    uint8_t* flags[kMaxExistsFold];
    uint32_t spare = 0;
    int group = 0;
    size_t kept = 0;
    for (int k : pending) {
      TaskState& ts = (*tasks)[static_cast<size_t>(k)];
      if (ts.node->link != link || group == kMaxExistsFold) {
        pending[kept++] = k;  // A later group.
        continue;
      }
      std::unique_ptr<Accumulator>& acc = ts.per_thread[static_cast<size_t>(thread)];
      if (acc == nullptr)
        acc = std::make_unique<Accumulator>(ts.node->agg, ts.value_type, ts.parents);
      words[group] = scratch->exists_words.data() + static_cast<size_t>(k) * task_words;
      flags[group] = acc->exists_flags();
      spare = acc->spare();  // The same parents (and spare slot) for one link.
      ++group;
    }
    pending.resize(kept);
    const int32_t* parent = st->link_rows[link] + start;
    if (group == 1) {
      FoldExistsWords(words[0], parent, n, flags[0], spare);
    } else {
      FoldExistsWordsMulti(words, flags, group, parent, n, spare);
    }
  }
}

// One thread's share of a stage: batches [b0, b1) of the table.
void RunBatches(const PhysicalPlan& plan, const PhysicalPlan::Stage& stage, EvalState* st,
                int64_t rows, int64_t b0, int64_t b1, int capacity, Diagnostics* diag, int thread,
                std::vector<TaskState>* tasks, StageThread* scratch) {
  if (scratch->frame == nullptr || scratch->frame->capacity() != capacity) {
    scratch->frame = std::make_unique<BatchEvaluator>(st, capacity, diag);
    scratch->sel.assign(static_cast<size_t>(capacity) + 8, 0);
    scratch->keep_batch.assign(static_cast<size_t>(capacity) + 8, 0);
    scratch->values_batch.assign(static_cast<size_t>(capacity) * 8 + 16, 0);
    scratch->keep_words.assign(static_cast<size_t>(WordsFor(capacity)), 0);
  }
  const size_t task_words = static_cast<size_t>(WordsFor(capacity));
  if (scratch->exists_words.size() < stage.tasks.size() * task_words) {
    scratch->exists_words.assign(stage.tasks.size() * task_words, 0);
  }
  scratch->exists_tasks.reserve(stage.tasks.size());
  BatchEvaluator& frame = *scratch->frame;
  frame.Reuse(diag);
  std::vector<uint16_t>& sel = scratch->sel;
  std::vector<uint8_t>& keep_batch = scratch->keep_batch;
  std::vector<uint8_t>& values_batch = scratch->values_batch;
  for (int64_t b = b0; b < b1; ++b) {
    const int64_t start = b * kBatch;
    const int n = static_cast<int>(std::min<int64_t>(kBatch, rows - start));
    RowSet all;
    all.n = n;
    all.count = n;
    frame.BeginBatch(start, n, all);
    std::vector<int>& exists_tasks = scratch->exists_tasks;
    exists_tasks.clear();
    for (size_t k = 0; k < stage.tasks.size(); ++k) {
      const PhysicalPlan::DerivedTask& task = stage.tasks[k];
      TaskState& ts = (*tasks)[k];
      const Node& node = *ts.node;
      if (!task.aggregate) {
        BatchValues v = frame.Eval(task.node, all);
        uint8_t* keep = ts.keep.data() + start;
        for (int i = 0; i < n; ++i) keep[i] = v.ValidAt(i) ? 1 : 0;
        StoreValues(v, node.type, all, ts.values.data() + start * Width(node.type));
        frame.Release(&v);
        continue;
      }
      // The WHERE as words: a NULL row's bit is 0, so the value words are the kept rows.
      BitVec f = frame.EvalBits(node.sub[0], all);
      const bool exists = ts.fused && Accumulator::TakesWords(node) && node.agg == Agg::kExists;
      uint64_t* kw =
          exists ? scratch->exists_words.data() + k * task_words : scratch->keep_words.data();
      const int count = MaskedWords(f.value, n, kw);
      frame.Release(&f);
      if (exists) {
        if (count != 0) exists_tasks.push_back(static_cast<int>(k));  // Folded below.
        continue;
      }
      if (ts.fused && Accumulator::TakesWords(node)) {
        if (count == 0) continue;
        std::unique_ptr<Accumulator>& acc = ts.per_thread[thread];
        if (acc == nullptr)
          acc = std::make_unique<Accumulator>(node.agg, ts.value_type, ts.parents);
        acc->AddWords(kw, st->link_rows[node.link] + start, n);
        continue;
      }
      uint8_t* keep = ts.fused ? keep_batch.data() : ts.keep.data() + start;
      UnpackWords(kw, n, keep);
      if (count == 0) continue;
      uint8_t* values = nullptr;
      if (node.sub.size() >= 2) {
        // The value only where the WHERE holds.
        const int32_t value = node.sub[1];
        RowSet kept;
        kept.n = n;
        kept.count = count;
        if (count < n) {
          kept.mask = keep;
          if (count * 4 < n || plan.expensive[value]) {
            SelectFromMask(keep, n, sel.data());
            kept.sel = sel.data();
          }
        }
        BatchValues v = frame.Eval(value, kept);
        if (v.valid != nullptr) {
          if (v.is_const) {
            if (!v.valid[0]) std::memset(keep, 0, n);
          } else {
            for (int i = 0; i < n; ++i) keep[i] &= v.valid[i];
          }
        }
        if (NeedsValues(node)) {
          values = ts.fused ? values_batch.data() : ts.values.data() + start * Width(ts.value_type);
          StoreValues(v, ts.value_type, kept, values);
        }
        frame.Release(&v);
      }
      if (ts.fused) {
        std::unique_ptr<Accumulator>& acc = ts.per_thread[thread];
        if (acc == nullptr)
          acc = std::make_unique<Accumulator>(node.agg, ts.value_type, ts.parents);
        acc->Add(keep, st->link_rows[node.link] + start, values, n);
      }
    }
    FoldExists(st, start, n, thread, tasks, scratch);
    frame.EndBatch();
  }
}

}  // namespace

struct StageScratch::Impl {
  std::vector<StageState> stages;  // Per stage of the plan.
};

StageScratch::StageScratch() : impl(std::make_unique<Impl>()) {}
StageScratch::~StageScratch() = default;
StageScratch::StageScratch(StageScratch&&) noexcept = default;
StageScratch& StageScratch::operator=(StageScratch&&) noexcept = default;

absl::Status RunStages(const PhysicalPlan& plan, const Snapshot& snapshot, EvalState* st,
                       int threads, std::vector<std::vector<Diagnostics>>* thread_diag,
                       std::vector<Column>* derived, StageScratch* scratch) {
  const plan::Graph& g = *plan.graph;
  std::vector<StageState>& states = scratch->impl->stages;
  if (states.size() != plan.stages.size()) states.resize(plan.stages.size());
  for (size_t si = 0; si < plan.stages.size(); ++si) {
    const PhysicalPlan::Stage& stage = plan.stages[si];
    StageState& state = states[si];
    const Table* table = snapshot.FindTable(stage.table);
    if (table == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "table '", stage.table, "' needed by the program is missing from the snapshot"));
    }
    const int64_t rows = table->num_rows();
    const int64_t batches = (rows + kBatch - 1) / kBatch;
    const int use = base::WorkerCount(threads, batches);
    std::vector<TaskState>& tasks = state.tasks;
    if (tasks.size() != stage.tasks.size()) tasks.resize(stage.tasks.size());
    if (state.threads.size() < static_cast<size_t>(use))
      state.threads.resize(static_cast<size_t>(use));
    for (size_t k = 0; k < stage.tasks.size(); ++k) {
      const PhysicalPlan::DerivedTask& task = stage.tasks[k];
      TaskState& ts = tasks[k];
      ts.node = &g.node(task.node);
      if (!task.aggregate) {
        ts.value_type = ts.node->type;
        if (ts.value_type == ExprType::kString || ts.value_type == ExprType::kNull) {
          return absl::InternalError("a parent value of type string cannot be materialized");
        }
        ts.keep.assign(static_cast<size_t>(rows) + 8, 0);
        ts.values.assign(static_cast<size_t>(rows * Width(ts.value_type)) + 16, 0);
        continue;
      }
      const Table* parent = snapshot.FindTable(g.columns()[task.slot].table);
      if (parent == nullptr) {
        return absl::FailedPreconditionError(
            absl::StrCat("table '", g.columns()[task.slot].table,
                         "' needed by the program is missing from the snapshot"));
      }
      ts.parents = parent->num_rows();
      ts.value_type = ts.node->sub.size() >= 2 ? g.node(ts.node->sub[1]).type : ExprType::kNull;
      ts.fused = !OrderSensitive(g, *ts.node);
      if (ts.fused) {
        // Kept accumulators start this evaluation empty; a thread creates its own on first use.
        if (ts.per_thread.size() < static_cast<size_t>(use))
          ts.per_thread.resize(static_cast<size_t>(use));
        for (std::unique_ptr<Accumulator>& acc : ts.per_thread) {
          if (acc != nullptr && !acc->Matches(ts.node->agg, ts.value_type, ts.parents)) acc.reset();
          if (acc != nullptr) acc->Reset(ts.node->agg, ts.value_type, ts.parents);
        }
      } else {
        ts.keep.assign(static_cast<size_t>(rows) + 8, 0);
        ts.values.assign(static_cast<size_t>(rows * Width(ts.value_type)) + 16, 0);
      }
    }
    const int capacity = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(kBatch, rows)));
    base::RunWorkers(use, [&](int t) {
      const auto [b0, b1] = base::ShareOf(batches, t, use);
      RunBatches(plan, stage, st, rows, b0, b1, capacity, (*thread_diag)[t].data(), t, &tasks,
                 &state.threads[static_cast<size_t>(t)]);
    });
    for (size_t k = 0; k < stage.tasks.size(); ++k) {
      const PhysicalPlan::DerivedTask& task = stage.tasks[k];
      TaskState& ts = tasks[k];
      const Node& n = *ts.node;
      Column col;
      if (!task.aggregate) {
        std::vector<uint8_t>& bits = ts.out.bits;
        bits.assign(static_cast<size_t>(BitmapBytes(rows)) + 8, 0);
        for (int64_t r = 0; r < rows; ++r) {
          if (ts.keep[r]) SetBit(bits.data(), r);
        }
        col = Column::View(plan::DataTypeOf(n.type), ts.values.data(), rows, bits.data());
      } else {
        Diagnostics scratch_diag;
        Diagnostics* diag = n.rule >= 0 ? &st->const_diag[n.rule] : &scratch_diag;
        Accumulator* total = nullptr;
        if (ts.fused) {
          // Threads' partial results, merged in thread order (exact for these aggregates).
          for (int t = 0; t < use; ++t) {
            Accumulator* acc = ts.per_thread[static_cast<size_t>(t)].get();
            if (acc == nullptr) continue;
            if (total == nullptr) {
              total = acc;
            } else {
              total->Merge(*acc);
            }
          }
        } else {
          // Float sums: one fold in row order, so the result is the same on any thread count.
          total = ClearedAccumulator(&ts.total, n.agg, ts.value_type, ts.parents);
          const int32_t* map = st->link_rows[n.link];
          for (int64_t start = 0; start < rows; start += kBatch) {
            const int len = static_cast<int>(std::min<int64_t>(kBatch, rows - start));
            total->Add(ts.keep.data() + start, map + start,
                       ts.values.data() + start * Width(ts.value_type), len);
          }
        }
        if (total == nullptr)
          total = ClearedAccumulator(&ts.total, n.agg, ts.value_type, ts.parents);
        col = total->Finish(diag, &ts.out);
      }
      (*derived)[task.slot] = std::move(col);
      st->columns[task.slot] = &(*derived)[task.slot];
    }
  }
  return absl::OkStatus();
}

}  // namespace docket::exec
