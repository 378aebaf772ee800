#include "exec/related.h"

#include <algorithm>
#include <cstring>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "exec/kernel_util.h"

namespace docket::exec {

using plan::Agg;
using plan::Node;
using plan::Ty;

// ---------------------------------------------------------------------------
// Links and scope.

absl::StatusOr<std::shared_ptr<const storage::ParentMap>> RelatedData::Step(const Schema& schema,
                                                                          const Snapshot& snapshot,
                                                                          const std::string& child) {
  auto it = steps_.find(child);
  if (it != steps_.end()) return it->second;
  const TableSchema* ts = schema.FindTable(child);
  if (ts == nullptr || !ts->parent.has_value()) {
    return absl::InternalError(absl::StrCat("table '", child, "' has no parent in the compiled schema"));
  }
  const ParentRelation& rel = *ts->parent;
  const Table* c = snapshot.FindTable(child);
  const Table* p = snapshot.FindTable(rel.table);
  if (c == nullptr || p == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("table '", c == nullptr ? child : rel.table,
                                                      "' needed by the program is missing from the snapshot"));
  }
  absl::StatusOr<std::shared_ptr<const storage::ParentMap>> map = storage::ParentRows(*c, rel.via, *p);
  if (!map.ok()) return map.status();
  relations_.push_back(RelationDiagnostics{child, rel.table, (*map)->null_keys, (*map)->missing_keys});
  steps_.emplace(child, *map);
  return *map;
}

absl::Status RelatedData::Resolve(const PlanInfo& plan, const Schema& schema, const Snapshot& snapshot) {
  const std::vector<plan::LinkRef>& refs = plan.graph->links();
  links_.assign(refs.size(), Link{});
  for (size_t l = 0; l < refs.size(); ++l) {
    if (!plan.link_used[l]) continue;
    Link& link = links_[l];
    std::string table = refs[l].from;
    for (int depth = 0; table != refs[l].to; ++depth) {
      const TableSchema* ts = schema.FindTable(table);
      if (depth >= 64 || ts == nullptr || !ts->parent.has_value()) {
        return absl::InternalError(absl::StrCat("no path from '", refs[l].from, "' up to '", refs[l].to, "'"));
      }
      absl::StatusOr<std::shared_ptr<const storage::ParentMap>> step = Step(schema, snapshot, table);
      if (!step.ok()) return step.status();
      if (depth == 0) {
        link.step = *step;
      } else {
        link.composed = storage::ComposeRows(depth == 1 ? link.step->rows : link.composed, (*step)->rows);
      }
      table = ts->parent->table;
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

absl::StatusOr<std::optional<Bitmap>> RelatedData::Scope(const Schema& schema, const Snapshot& snapshot,
                                                         const std::string& table, const std::string& owner) {
  const Table* t = snapshot.FindTable(table);
  if (t == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("table '", table, "' is missing from the snapshot"));
  }
  const std::string& owner_col = t->schema().owner;
  if (!owner_col.empty()) {
    const Column* col = t->FindColumn(owner_col);
    if (col == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("owner column '", owner_col, "' of table '", table, "' is missing"));
    }
    if (col->type_id() != TypeId::kString) {
      return absl::FailedPreconditionError(
          absl::StrCat("owner column '", owner_col, "' of table '", table, "' must be a string column"));
    }
    Bitmap out(t->num_rows());
    uint8_t* bits = out.mutable_data();
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
      for (int64_t r = 0; r < t->num_rows(); ++r) {
        if (codes[r] == code && col->IsValid(r)) SetBit(bits, r);
      }
    } else {
      for (int64_t r = 0; r < t->num_rows(); ++r) {
        if (col->IsValid(r) && col->StringAt(r) == owner) SetBit(bits, r);
      }
    }
    return std::optional<Bitmap>(std::move(out));
  }
  // Through the parent, when the schema the program was compiled with has one.
  const TableSchema* ts = schema.FindTable(table);
  if (ts == nullptr || !ts->parent.has_value()) return std::optional<Bitmap>();
  for (int depth = 0; depth < 64; ++depth) {
    // Only the first step is taken here; the parent's own scope recurses.
    absl::StatusOr<std::shared_ptr<const storage::ParentMap>> step = Step(schema, snapshot, table);
    if (!step.ok()) return step.status();
    absl::StatusOr<std::optional<Bitmap>> up = Scope(schema, snapshot, ts->parent->table, owner);
    if (!up.ok()) return up.status();
    if (!up->has_value()) return std::optional<Bitmap>();
    const Bitmap& parent = **up;
    Bitmap out(t->num_rows());
    const std::vector<int32_t>& rows = (*step)->rows;
    for (int64_t r = 0; r < t->num_rows(); ++r) {
      if (rows[r] >= 0 && parent.Get(rows[r])) out.Set(r);
    }
    return std::optional<Bitmap>(std::move(out));
  }
  return std::optional<Bitmap>();
}

// ---------------------------------------------------------------------------
// Stages.

namespace {

int Width(Ty t) {
  switch (PhysOf(t)) {
    case Phys::kU8: return 1;
    case Phys::kI32: return 4;
    default: return 8;
  }
}

// What one task records per row of the stage's table.
struct TaskRows {
  std::vector<uint8_t> keep;    // Aggregate: the row counts (WHERE TRUE, value present). Materialize: valid.
  std::vector<uint8_t> values;  // Width(type) bytes per row, when there is a value.
};

bool NeedsValues(const Node& n) {
  return n.agg == Agg::kSum || n.agg == Agg::kAvg || n.agg == Agg::kMin || n.agg == Agg::kMax;
}

// Copies the active rows of `v` (type t) into out[start + i].
void StoreValues(const Vec& v, Ty t, const Active& a, uint8_t* out) {
  WithPhys(PhysOf(t), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same_v<T, std::string_view>) {
      T* o = reinterpret_cast<T*>(out);
      WithAccess<T>(v, [&](auto xs) { ForEachExact(a, [&](int i) { o[i] = xs[i]; }); });
    }
  });
}

// One thread's share of a stage: batches [b0, b1) of the table.
void RunBatches(const PlanInfo& plan, const PlanInfo::Stage& stage, EvalState* st, int64_t rows, int64_t b0,
                int64_t b1, int capacity, Diagnostics* diag, std::vector<TaskRows>* out) {
  const plan::Graph& g = *plan.graph;
  Frame frame(st, capacity, diag);
  std::vector<uint16_t> sel(static_cast<size_t>(capacity) + 8);
  for (int64_t b = b0; b < b1; ++b) {
    const int64_t start = b * kBatch;
    const int n = static_cast<int>(std::min<int64_t>(kBatch, rows - start));
    Active all;
    all.n = n;
    all.count = n;
    frame.BeginBatch(start, n, all);
    for (size_t k = 0; k < stage.tasks.size(); ++k) {
      const PlanInfo::DerivedTask& task = stage.tasks[k];
      TaskRows& tr = (*out)[k];
      const Node& n_task = g.node(task.node);
      if (!task.aggregate) {
        Vec v = frame.Eval(task.node, all);
        uint8_t* keep = tr.keep.data() + start;
        for (int i = 0; i < n; ++i) keep[i] = v.ValidAt(i) ? 1 : 0;
        StoreValues(v, n_task.type, all, tr.values.data() + start * Width(n_task.type));
        frame.Release(&v);
        continue;
      }
      uint8_t* keep = tr.keep.data() + start;
      Vec f = frame.Eval(n_task.sub[0], all);
      const uint8_t* fd = f.As<uint8_t>();
      int count = 0;
      for (int i = 0; i < n; ++i) {
        keep[i] = static_cast<uint8_t>(f.ValidAt(i) && (fd[f.is_const ? 0 : i] & 1));
        count += keep[i];
      }
      frame.Release(&f);
      if (n_task.sub.size() < 2 || count == 0) continue;
      // The value only where the WHERE holds.
      const int32_t value = n_task.sub[1];
      Active kept;
      kept.n = n;
      kept.count = count;
      if (count < n) {
        kept.mask = keep;
        if (count * 4 < n || plan.expensive[value]) {
          int c = 0;
          for (int i = 0; i < n; ++i) {
            sel[c] = static_cast<uint16_t>(i);
            c += keep[i];
          }
          kept.sel = sel.data();
        }
      }
      Vec v = frame.Eval(value, kept);
      if (v.valid != nullptr) {
        if (v.is_const) {
          if (!v.valid[0]) std::memset(keep, 0, n);
        } else {
          for (int i = 0; i < n; ++i) keep[i] &= v.valid[i];
        }
      }
      if (NeedsValues(n_task)) {
        const Ty vt = g.node(value).type;
        StoreValues(v, vt, kept, tr.values.data() + start * Width(vt));
      }
      frame.Release(&v);
    }
    frame.EndBatch();
  }
}

Buffer OwnBits(const std::vector<uint8_t>& bytes, int64_t n) {
  std::vector<uint8_t> bits(static_cast<size_t>(BitmapBytes(n)) + 8, 0);
  for (int64_t i = 0; i < n; ++i) {
    if (bytes[i]) SetBit(bits.data(), i);
  }
  return Buffer::Own(std::move(bits));
}

// Folds the kept rows of an aggregate into one value per parent row.
Column Scatter(const plan::Graph& g, const Node& n, const TaskRows& tr, const int32_t* parent_of, int64_t child_rows,
               int64_t parents, Diagnostics* diag) {
  const uint8_t* keep = tr.keep.data();
  switch (n.agg) {
    case Agg::kExists: {
      std::vector<uint8_t> out(static_cast<size_t>(parents), 0);
      for (int64_t r = 0; r < child_rows; ++r) {
        if (keep[r] && parent_of[r] >= 0) out[parent_of[r]] = 1;
      }
      return Column::FromBuffers(DataType::Bool(), parents, Buffer::Own(std::move(out)), {});
    }
    case Agg::kCount:
    case Agg::kCountValues: {
      std::vector<int64_t> out(static_cast<size_t>(parents), 0);
      for (int64_t r = 0; r < child_rows; ++r) {
        if (keep[r] && parent_of[r] >= 0) ++out[parent_of[r]];
      }
      return Column::FromBuffers(DataType::Int(), parents, Buffer::Own(std::move(out)), {});
    }
    default:
      break;
  }
  const Ty vt = g.node(n.sub[1]).type;
  std::vector<uint8_t> has(static_cast<size_t>(parents), 0);
  if (n.agg == Agg::kSum || n.agg == Agg::kAvg) {
    std::vector<int64_t> counts(n.agg == Agg::kAvg ? static_cast<size_t>(parents) : 0, 0);
    if (vt == Ty::kInt) {
      // Exact: an int sum overflows only if the true sum does not fit.
      std::vector<__int128> acc(static_cast<size_t>(parents), 0);
      const int64_t* v = reinterpret_cast<const int64_t*>(tr.values.data());
      for (int64_t r = 0; r < child_rows; ++r) {
        const int32_t p = parent_of[r];
        if (!keep[r] || p < 0) continue;
        acc[p] += v[r];
        has[p] = 1;
        if (!counts.empty()) ++counts[p];
      }
      if (n.agg == Agg::kAvg) {
        std::vector<double> out(static_cast<size_t>(parents), 0);
        for (int64_t p = 0; p < parents; ++p) {
          if (has[p]) out[p] = static_cast<double>(acc[p]) / static_cast<double>(counts[p]);
        }
        return Column::FromBuffers(DataType::Float(), parents, Buffer::Own(std::move(out)), OwnBits(has, parents));
      }
      std::vector<int64_t> out(static_cast<size_t>(parents), 0);
      for (int64_t p = 0; p < parents; ++p) {
        if (!has[p]) continue;
        if (acc[p] > INT64_MAX || acc[p] < INT64_MIN) {
          has[p] = 0;
          ++diag->int_overflow;
        } else {
          out[p] = static_cast<int64_t>(acc[p]);
        }
      }
      return Column::FromBuffers(DataType::Int(), parents, Buffer::Own(std::move(out)), OwnBits(has, parents));
    }
    std::vector<double> out(static_cast<size_t>(parents), 0);
    const double* v = reinterpret_cast<const double*>(tr.values.data());
    for (int64_t r = 0; r < child_rows; ++r) {
      const int32_t p = parent_of[r];
      if (!keep[r] || p < 0) continue;
      out[p] += v[r];
      has[p] = 1;
      if (!counts.empty()) ++counts[p];
    }
    if (n.agg == Agg::kAvg) {
      for (int64_t p = 0; p < parents; ++p) {
        if (has[p]) out[p] /= static_cast<double>(counts[p]);
      }
    }
    return Column::FromBuffers(DataType::Float(), parents, Buffer::Own(std::move(out)), OwnBits(has, parents));
  }
  // min / max.
  const bool is_min = n.agg == Agg::kMin;
  Column result;
  WithPhys(PhysOf(vt), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same_v<T, std::string_view>) {
      std::vector<T> out(static_cast<size_t>(parents), T{});
      const T* v = reinterpret_cast<const T*>(tr.values.data());
      for (int64_t r = 0; r < child_rows; ++r) {
        const int32_t p = parent_of[r];
        if (!keep[r] || p < 0) continue;
        if (!has[p] || (is_min ? v[r] < out[p] : out[p] < v[r])) out[p] = v[r];
        has[p] = 1;
      }
      result = Column::FromBuffers(plan::DataTypeOf(vt), parents, Buffer::Own(std::move(out)), OwnBits(has, parents));
    }
  });
  return result;
}

}  // namespace

absl::Status RunStages(const PlanInfo& plan, const Snapshot& snapshot, EvalState* st, int threads,
                       std::vector<std::vector<Diagnostics>>* thread_diag, std::vector<Column>* derived) {
  const plan::Graph& g = *plan.graph;
  for (const PlanInfo::Stage& stage : plan.stages) {
    const Table* table = snapshot.FindTable(stage.table);
    if (table == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("table '", stage.table, "' needed by the program is missing from the snapshot"));
    }
    const int64_t rows = table->num_rows();
    std::vector<TaskRows> out(stage.tasks.size());
    for (size_t k = 0; k < stage.tasks.size(); ++k) {
      const PlanInfo::DerivedTask& task = stage.tasks[k];
      const Node& n = g.node(task.node);
      out[k].keep.assign(static_cast<size_t>(rows) + 8, 0);
      Ty vt = Ty::kNull;
      if (!task.aggregate) {
        vt = n.type;
        if (vt == Ty::kString || vt == Ty::kNull) {
          return absl::InternalError("a parent value of type string cannot be materialized");
        }
      } else if (NeedsValues(n)) {
        vt = g.node(n.sub[1]).type;
      }
      if (vt != Ty::kNull) out[k].values.assign(static_cast<size_t>(rows * Width(vt)) + 16, 0);
    }
    const int64_t batches = (rows + kBatch - 1) / kBatch;
    const int use = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, batches)));
    const int capacity = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(kBatch, rows)));
    auto run = [&](int t) {
      RunBatches(plan, stage, st, rows, batches * t / use, batches * (t + 1) / use, capacity,
                 (*thread_diag)[t].data(), &out);
    };
    if (use == 1) {
      run(0);
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < use; ++t) pool.emplace_back(run, t);
      for (std::thread& th : pool) th.join();
    }
    for (size_t k = 0; k < stage.tasks.size(); ++k) {
      const PlanInfo::DerivedTask& task = stage.tasks[k];
      const Node& n = g.node(task.node);
      const plan::ColumnRef& ref = g.columns()[task.slot];
      Column col;
      if (task.aggregate) {
        const Table* parent = snapshot.FindTable(ref.table);
        if (parent == nullptr) {
          return absl::FailedPreconditionError(
              absl::StrCat("table '", ref.table, "' needed by the program is missing from the snapshot"));
        }
        Diagnostics scratch;
        Diagnostics* diag = n.rule >= 0 ? &st->const_diag[n.rule] : &scratch;
        col = Scatter(g, n, out[k], st->link_rows[n.link], rows, parent->num_rows(), diag);
      } else {
        std::vector<uint8_t> values = std::move(out[k].values);
        col = Column::FromBuffers(plan::DataTypeOf(n.type), rows, Buffer::Own(std::move(values)),
                                  OwnBits(out[k].keep, rows));
      }
      (*derived)[task.slot] = std::move(col);
      st->columns[task.slot] = &(*derived)[task.slot];
    }
  }
  return absl::OkStatus();
}

}  // namespace docket::exec
