// exec/program.cc — Program::Evaluate: runs a compiled program (see
// plan/program_impl.h) batch by batch on one or more threads.
#include "docket/program.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/names.h"
#include "base/parallel.h"
#include "docket/builder.h"
#include "docket/error.h"
#include "docket/history.h"
#include "exec/executor.h"
#include "exec/history.h"
#include "exec/morsel.h"
#include "exec/related.h"
#include "plan/params.h"
#include "plan/program_impl.h"

namespace docket {

using exec::BatchEvaluator;
using exec::BatchValues;
using exec::kBatch;
using exec::RowSet;

namespace exec {
namespace {
std::atomic<int64_t> morsel_batches{kDefaultMorselBatches};
}  // namespace
int64_t MorselBatches() { return morsel_batches.load(std::memory_order_relaxed); }
void SetMorselBatchesForTest(int64_t batches) {
  morsel_batches.store(batches > 0 ? batches : kDefaultMorselBatches, std::memory_order_relaxed);
}
}  // namespace exec

// ---------------------------------------------------------------------------
// Program.

Program::Program() : impl_(std::make_shared<Impl>()) {
  auto impl = std::make_shared<Impl>();
  impl->plan = plan::PhysicalPlan::Analyze(std::make_shared<plan::Graph>(), {}, {}, {});
  impl_ = std::move(impl);
}
Program::~Program() = default;
Program::Program(const Program&) = default;
Program& Program::operator=(const Program&) = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;

int Program::num_predicates() const { return static_cast<int>(impl_->plan.roots.size()); }
const std::string& Program::predicate_table(int i) const { return impl_->rule_tables[i]; }
const ExpressionSource& Program::predicate_source(int i) const { return impl_->sources[i]; }

Program Program::Select(const std::vector<int>& which) const {
  const plan::CompiledProgram& from = *impl_;
  auto impl = std::make_shared<Impl>();
  impl->schema = from.schema;
  impl->default_params = from.default_params;
  std::vector<int32_t> roots;
  std::vector<std::string> tables;
  std::vector<int32_t> rule_table;
  for (int i : which) {
    impl->rule_tables.push_back(from.rule_tables[i]);
    impl->sources.push_back(from.sources[i]);
    roots.push_back(from.plan.roots[i]);
    const std::string& t = from.rule_tables[i];
    auto it = std::find(tables.begin(), tables.end(), t);
    if (it == tables.end()) it = tables.insert(tables.end(), t);
    rule_table.push_back(static_cast<int32_t>(it - tables.begin()));
  }
  impl->plan = plan::PhysicalPlan::Analyze(from.plan.graph, std::move(roots), std::move(rule_table),
                                           std::move(tables));
  impl->plan.max_relation_depth = from.plan.max_relation_depth;
  Program p;
  p.impl_ = std::move(impl);
  return p;
}

std::string Program::DebugString() const {
  const plan::PhysicalPlan& p = impl_->plan;
  const plan::Graph& g = *p.graph;
  std::string out;
  for (size_t r = 0; r < p.roots.size(); ++r) {
    absl::StrAppend(&out, "rule ", r, " over ", impl_->rule_tables[r], ": ", g.Dump(p.roots[r]),
                    "\n");
  }
  for (int32_t id = 0; id < g.size(); ++id) {
    if (p.reachable[id] && p.shared_slot[id] >= 0)
      absl::StrAppend(&out, "shared: ", g.Dump(id), "\n");
  }
  for (int32_t id = 0; id < g.size(); ++id) {
    if (p.reachable[id] && p.per_entry[id])
      absl::StrAppend(&out, "per dictionary entry: ", g.Dump(id), "\n");
  }
  for (int32_t id = 0; id < g.size(); ++id) {
    const plan::Node& n = g.node(id);
    if (p.reachable[id] && n.eval_const && n.op != plan::Op::kConst) {
      bool maximal = false;
      for (int32_t j = id + 1; j < g.size() && !maximal; ++j) {
        if (!p.reachable[j] || g.node(j).eval_const) continue;
        for (int32_t a : g.node(j).args) maximal = maximal || a == id;
      }
      if (maximal) absl::StrAppend(&out, "per evaluation: ", g.Dump(id), "\n");
    }
  }
  return out;
}

namespace {

// Entries of a dictionary.  Defensive: a dictionary whose length field is
// inconsistent is measured by its offsets buffer instead.
int64_t DictionarySize(const Column& dict) {
  int64_t by_offsets = dict.values_buffer().size / static_cast<int64_t>(sizeof(int64_t)) - 1;
  if (dict.size() >= 0 && (by_offsets < 0 || dict.size() <= by_offsets)) return dict.size();
  return std::max<int64_t>(by_offsets, 0);
}

// Builds a plain string column of the dictionary's entries plus one NULL row.
Column DictionaryWithNull(const Column& dict) {
  ColumnBuilder b(DataType::String(), StringEncoding::kPlain);
  const int64_t size = DictionarySize(dict);
  b.Reserve(size + 1);
  for (int64_t i = 0; i < size; ++i) b.AppendString(dict.StringAt(i));
  b.AppendNull();
  return std::move(b).Finish();
}

struct TableWork {
  const Table* table = nullptr;
  std::vector<int32_t> rules;
  int64_t batches = 0;
};

// A peeled node's lookup table over one dictionary, kept between calls: the
// dictionary's entries (+ NULL) as a column are rebuilt only for another
// dictionary; the table itself is recomputed every call (params and as_of
// may change it).
struct DictTable {
  std::shared_ptr<const Column> dict;
  Column entries;
  std::unique_ptr<exec::EntryResult> lut;
  std::unique_ptr<BatchEvaluator> frame;
  std::vector<Diagnostics> scratch;
  int64_t consts_generation = -1;  // The constants `lut` was computed with (EvalContext's).
};

// One rule worker's scratch.
struct RuleThread {
  std::unique_ptr<BatchEvaluator> frame;
  std::vector<uint8_t> scope, bytes, sel_bytes;
};

}  // namespace

// What an evaluation keeps between calls (EvalContext, docket/program.h):
// everything below is reused when the next call has the same program and
// shape, so a warm call allocates nothing.  Program::Evaluate without a
// context uses a fresh one.
struct EvalContext::Impl {
  std::shared_ptr<const plan::CompiledProgram> program;  // The program the state below belongs to.
  int64_t setups = 0, evaluations = 0;
  plan::ParamMap params;  // Defaults with the call's overrides (only when it has some).
  std::vector<TableWork> work;
  exec::EvalState st;
  std::vector<uint8_t> slot_used;
  std::unique_ptr<BatchEvaluator> const_frame;
  std::vector<std::unique_ptr<DictTable>>
      dict_tables;  // Per node (peeled, over a dictionary column).
  std::vector<std::vector<Diagnostics>> thread_diag;
  exec::RelatedData related;
  // The tables `related` was resolved (and the columns bound) on.  The cache
  // is held so its address cannot be reused; the table's address and its
  // columns' storage say the bound Column pointers are still good.
  struct SeenTable {
    std::shared_ptr<storage::TableCache> cache;
    const Table* table = nullptr;
    const Column* columns = nullptr;
    int num_columns = 0;
    int64_t num_rows = 0;
    bool operator==(const Table& t) const {
      return cache == t.cache() && table == &t && columns == t.columns().data() &&
             num_columns == t.num_columns() && num_rows == t.num_rows();
    }
  };
  std::vector<SeenTable> related_tables;
  exec::StageScratch stages;
  std::vector<Column> derived;
  std::vector<Column> history_columns;     // Per column slot: prev() values and key presence.
  bool history_was_none = false;           // history_columns were made without history (all NULL).
  std::vector<std::string> history_notes;  // The notes they gave.
  std::vector<std::optional<Bitmap>> scopes;
  std::vector<RuleThread> rule_threads;
  // The constants of the last call, kept while as_of, the zone and the params
  // stay (without overrides: the program's defaults, read in place); the
  // diagnostics their evaluation raised are restored with them.
  bool consts_valid = false;
  int64_t consts_generation = 0;  // Counts the calls that computed the constants.
  absl::CivilDay consts_as_of;
  absl::TimeZone consts_zone;
  std::vector<Diagnostics> consts_diag;
  // The nodes evaluated per dictionary entry (reachable, per_entry): found once.
  bool per_entry_found = false;
  // related.relations()' entries from Resolve; those after them come from
  // owner scopes (RelatedData::Scope adds each step once, kept in `related`).
  size_t resolved_relations = 0;
  std::vector<int32_t> per_entry_ids;
  // Per table of the plan: its rules in groups that share a computed node
  // (RuleGroups below); found once per program.
  bool groups_found = false;
  std::vector<std::vector<std::vector<int32_t>>> rule_groups;
  std::vector<std::vector<std::vector<int32_t>>> rule_lists;  // Per table: all its rules, one list.

  // Forgets everything tied to another program.
  void Rebind(const std::shared_ptr<const plan::CompiledProgram>& p) {
    Impl fresh;
    fresh.setups = setups;
    fresh.evaluations = evaluations;
    *this = std::move(fresh);
    program = p;
  }
};

EvalContext::EvalContext() : impl_(std::make_unique<Impl>()) {}
EvalContext::~EvalContext() = default;
EvalContext::EvalContext(EvalContext&&) noexcept = default;
EvalContext& EvalContext::operator=(EvalContext&&) noexcept = default;
int64_t EvalContext::setups() const { return impl_->setups; }
int64_t EvalContext::evaluations() const { return impl_->evaluations; }

namespace {

// One evaluation of a program, phase by phase.  Each phase reads what the
// earlier ones left in the members; EvalState is read-only once the rule
// batches run.
class Evaluation {
 public:
  Evaluation(const plan::CompiledProgram& impl, const Snapshot& snapshot,
             const EvalOptions& options, EvalContext::Impl* ctx, ProgramResult* result)
      : impl_(impl),
        plan_(impl.plan),
        g_(*impl.plan.graph),
        snapshot_(snapshot),
        options_(options),
        num_rules_(static_cast<int>(impl.plan.roots.size())),
        ctx_(*ctx),
        work_(ctx->work),
        st_(ctx->st),
        thread_diag_(ctx->thread_diag),
        related_(ctx->related),
        derived_(ctx->derived),
        history_columns_(ctx->history_columns),
        scopes_(ctx->scopes),
        result_(*result) {}

  absl::Status Run() {
    // Whether the joins (and the bound columns) are this snapshot's: asked
    // once, nothing below changes them before RunRelatedStages resolves them.
    same_tables_ = SameTables();
    if (absl::Status s = ResolveParams(); !s.ok()) return s;
    if (absl::Status s = BindColumns(); !s.ok()) return s;
    ComputeConstants();
    BuildDictionaryTables();
    if (absl::Status s = RunRelatedStages(); !s.ok()) return s;
    if (absl::Status s = ComputeOwnerScopes(); !s.ok()) return s;
    RunRules();
    CollectResults();
    return absl::OkStatus();
  }

 private:
  const Table* Lookup(std::string_view name) const { return snapshot_.FindTable(name); }

  // Params: defaults overridden by the options (plan/params.h).
  // Without overrides the defaults are read in place (no copy).
  absl::Status ResolveParams() {
    if (options_.params.empty()) {
      params_ = &impl_.default_params;
      return absl::OkStatus();
    }
    absl::StatusOr<plan::ParamMap> params =
        plan::ApplyParamOverrides(impl_.default_params, options_.params);
    if (!params.ok()) return params.status();
    ctx_.params = *std::move(params);
    params_ = &ctx_.params;
    return absl::OkStatus();
  }

  // The tables the rules range over, and every column slot the plan reads.
  absl::Status BindColumns() {
    const plan::PhysicalPlan& plan = plan_;
    const plan::Graph& g = g_;
    auto lookup = [&](std::string_view name) { return Lookup(name); };
    std::vector<TableWork>& work = work_;
    exec::EvalState& st = st_;
    work.resize(plan.tables.size());
    for (TableWork& w : work) w.rules.clear();
    for (size_t t = 0; t < plan.tables.size(); ++t) {
      const Table* table = lookup(plan.tables[t]);
      if (table == nullptr) {
        return absl::FailedPreconditionError(absl::StrCat(
            "table '", plan.tables[t], "' needed by the program is missing from the snapshot"));
      }
      work[t].table = table;
      work[t].batches = (table->num_rows() + kBatch - 1) / kBatch;
    }
    for (int r = 0; r < num_rules_; ++r) work[plan.rule_table[r]].rules.push_back(r);

    st.plan = &plan;
    st.params = params_;
    st.today = DaysSinceEpoch(options_.as_of);
    if (plan.needs_zone && (st.zone == nullptr || !(st.zone->zone() == options_.time_zone))) {
      st.zone = exec::ZoneTable::For(options_.time_zone);
    }
    const std::vector<plan::ColumnRef>& cols = g.columns();
    // The same snapshot as last time (an EvalContext's on-change path): the
    // columns and dictionary views bound then are still right.
    // Without history (EvalOptions::history null, now and then) the history
    // columns are all NULL whatever the date: kept too, with their notes.
    const bool no_history = options_.history == nullptr || options_.history->empty();
    if (same_tables_ && (g.history().empty() || (no_history && ctx_.history_was_none))) {
      if (g.history().empty()) {
        result_.notes.clear();
      } else {
        result_.notes = ctx_.history_notes;  // Assigned in place: no allocation when unchanged.
      }
      return absl::OkStatus();
    }
    result_.notes.clear();
    st.columns.assign(cols.size(), nullptr);
    st.dict_views.resize(cols.size());
    for (std::vector<std::string_view>& views : st.dict_views) views.clear();
    std::vector<uint8_t>& slot_used = ctx_.slot_used;
    slot_used.assign(cols.size(), 0);
    for (int32_t id = 0; id < g.size(); ++id) {
      const plan::Op op = g.node(id).op;
      if (plan.reachable[id] && (op == plan::Op::kColumn || op == plan::Op::kParentValue)) {
        slot_used[g.node(id).column] = 1;
      }
    }
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!slot_used[c] || cols[c].derived >= 0 || cols[c].history >= 0)
        continue;  // Computed below.
      const Table* table = lookup(cols[c].table);
      if (table == nullptr) {
        return absl::FailedPreconditionError(absl::StrCat(
            "table '", cols[c].table, "' needed by the program is missing from the snapshot"));
      }
      const Column* col = table->FindColumn(cols[c].name);
      if (col == nullptr) {
        return absl::FailedPreconditionError(
            absl::StrCat("column '", cols[c].name, "' of table '", cols[c].table,
                         "' needed by the program is missing from the snapshot"));
      }
      DataType want = plan::DataTypeOf(cols[c].type);
      if (col->type_id() != want.id) {
        return absl::FailedPreconditionError(
            absl::StrCat("column '", cols[c].name, "' of table '", cols[c].table, "' is ",
                         col->type().ToString(), " in the snapshot but ",
                         std::string(TypeName(want.id)), " in the compiled program"));
      }
      st.columns[c] = col;
      if (col->is_dictionary()) {
        const Column& dict = col->dictionary();
        std::vector<std::string_view>& views = st.dict_views[c];
        const int64_t size = DictionarySize(dict);
        views.reserve(size + 1);
        for (int64_t i = 0; i < size; ++i) views.push_back(dict.StringAt(i));
        views.push_back(std::string_view());
      }
    }

    // History columns: older snapshots joined on the key (exec/history.h).
    if (!g.history().empty()) {
      history_columns_.resize(cols.size());
      if (absl::Status s = exec::ResolveHistory(g, slot_used, impl_.schema, snapshot_, options_,
                                                &history_columns_, &result_.notes);
          !s.ok()) {
        return s;
      }
      ctx_.history_was_none = no_history;
      ctx_.history_notes = result_.notes;
      for (size_t c = 0; c < cols.size(); ++c) {
        if (!slot_used[c] || cols[c].history < 0) continue;
        const Column* col = &history_columns_[c];
        st.columns[c] = col;
        if (col->is_dictionary()) {
          const Column& dict = col->dictionary();
          std::vector<std::string_view>& views = st.dict_views[c];
          const int64_t size = DictionarySize(dict);
          views.reserve(size + 1);
          for (int64_t i = 0; i < size; ++i) views.push_back(dict.StringAt(i));
          views.push_back(std::string_view());
        }
      }
    }
    return absl::OkStatus();
  }

  // Evaluation constants: as_of, params and everything computed from them,
  // once per evaluation.
  void ComputeConstants() {
    const plan::PhysicalPlan& plan = plan_;
    exec::EvalState& st = st_;
    const int num_rules = num_rules_;
    // The same as_of, zone and (default) params as the last call: the same
    // constants (they read nothing else), and the same diagnostics.
    if (ctx_.consts_valid && options_.params.empty() && ctx_.consts_as_of == options_.as_of &&
        (!plan.needs_zone || ctx_.consts_zone == options_.time_zone) &&
        st.consts.size() == plan.const_nodes.size() &&
        ctx_.consts_diag.size() == static_cast<size_t>(num_rules)) {
      st.const_diag.assign(ctx_.consts_diag.begin(), ctx_.consts_diag.end());
      return;
    }
    ctx_.consts_valid = false;
    ++ctx_.consts_generation;
    st.consts.resize(plan.const_nodes.size());
    st.const_ready.assign(plan.const_nodes.size(), 0);
    st.const_diag.assign(num_rules, Diagnostics{});
    {
      if (ctx_.const_frame == nullptr)
        ctx_.const_frame = std::make_unique<BatchEvaluator>(&st, 1, st.const_diag.data());
      BatchEvaluator& frame = *ctx_.const_frame;
      frame.Reuse(st.const_diag.data());
      frame.SetConstantMode();
      RowSet one;
      one.n = 1;
      one.count = 1;
      frame.BeginBatch(0, 1, one);
      for (int32_t id : plan.const_nodes) {
        BatchValues v = frame.Eval(id, one);
        frame.Release(&v);
      }
      frame.EndBatch();
    }
    if (options_.params.empty()) {
      ctx_.consts_valid = true;
      ctx_.consts_as_of = options_.as_of;
      ctx_.consts_zone = options_.time_zone;
      ctx_.consts_diag.assign(st.const_diag.begin(), st.const_diag.end());
    }
  }

  // String predicates over dictionary columns: once per dictionary entry.
  void BuildDictionaryTables() {
    const plan::PhysicalPlan& plan = plan_;
    const plan::Graph& g = g_;
    exec::EvalState& st = st_;
    const int num_rules = num_rules_;
    st.entry_results.resize(g.size());
    std::vector<std::unique_ptr<DictTable>>& tables = ctx_.dict_tables;
    tables.resize(g.size());
    if (!ctx_.per_entry_found) {
      ctx_.per_entry_ids.clear();
      for (int32_t id = 0; id < g.size(); ++id) {
        if (plan.reachable[id] && plan.per_entry[id]) ctx_.per_entry_ids.push_back(id);
      }
      ctx_.per_entry_found = true;
    }
    for (int32_t id : ctx_.per_entry_ids) {
      if (st.entry_results[id] != nullptr)
        tables[id]->lut = std::move(st.entry_results[id]);  // Back to the cache.
    }
    for (int32_t id : ctx_.per_entry_ids) {
      int32_t slot = g.node(id).single_column;
      const Column* col = st.columns[slot];
      if (col == nullptr || !col->is_dictionary()) continue;
      // Per entry pays only when there are more rows than entries (a snapshot
      // of one account evaluates its rows directly).
      if (col->size() < DictionarySize(col->dictionary())) continue;
      if (tables[id] == nullptr) tables[id] = std::make_unique<DictTable>();
      DictTable& t = *tables[id];
      if (t.dict != col->dictionary_ptr()) {
        t.dict = col->dictionary_ptr();
        t.entries = DictionaryWithNull(col->dictionary());
        t.consts_generation = -1;
      } else if (t.lut != nullptr && t.consts_generation == ctx_.consts_generation) {
        // The same dictionary and the same constants: the same table.
        st.entry_results[id] = std::move(t.lut);
        continue;
      }
      const Column& vc = t.entries;
      const int64_t entries = vc.size();
      if (t.lut == nullptr) t.lut = std::make_unique<exec::EntryResult>();
      exec::EntryResult* lut = t.lut.get();
      lut->value.resize(entries);
      lut->any_null = false;
      t.scratch.assign(num_rules, Diagnostics{});
      const int capacity = static_cast<int>(std::min<int64_t>(kBatch, entries));
      if (t.frame == nullptr || t.frame->capacity() != std::max(capacity, 1)) {
        t.frame = std::make_unique<BatchEvaluator>(&st, capacity, t.scratch.data());
      }
      BatchEvaluator& frame = *t.frame;
      frame.Reuse(t.scratch.data());
      frame.SetDictionaryMode(slot, &vc);
      for (int64_t start = 0; start < entries; start += kBatch) {
        int n = static_cast<int>(std::min<int64_t>(kBatch, entries - start));
        RowSet all;
        all.n = n;
        all.count = n;
        frame.BeginBatch(start, n, all);
        BatchValues v = frame.Eval(id, all);
        for (int i = 0; i < n; ++i) {
          uint8_t valid = v.ValidAt(i) ? 1 : 0;
          uint8_t val = v.As<uint8_t>()[v.is_const ? 0 : i] & valid & 1;
          lut->value[start + i] = static_cast<uint8_t>(val | (valid << 1));
          if (!valid && start + i < entries - 1) lut->any_null = true;
        }
        frame.Release(&v);
        frame.EndBatch();
      }
      lut->Finish();
      t.consts_generation = ctx_.consts_generation;
      st.entry_results[id] = std::move(t.lut);
    }
  }

  // Related records: the joins, then the derived columns (exec/related.h).
  absl::Status RunRelatedStages() {
    const plan::PhysicalPlan& plan = plan_;
    const plan::Graph& g = g_;
    exec::EvalState& st = st_;
    const int num_rules = num_rules_;
    const std::vector<plan::ColumnRef>& cols = g.columns();
    max_threads_ = base::ResolveThreads(options_.threads);
    const int max_threads = max_threads_;
    if (thread_diag_.size() < static_cast<size_t>(max_threads)) thread_diag_.resize(max_threads);
    for (std::vector<Diagnostics>& d : thread_diag_) d.assign(num_rules, Diagnostics{});
    // The joins: resolved once per snapshot (recognised by its tables' identity).
    if (!same_tables_) {
      ++ctx_.setups;
      related_ = exec::RelatedData();
      ctx_.related_tables.clear();
      if (absl::Status s = related_.Resolve(plan, impl_.schema, snapshot_); !s.ok()) return s;
      ctx_.resolved_relations = related_.relations().size();
      for (const auto& [name, table] : snapshot_.tables) {
        ctx_.related_tables.push_back(
            {table.cache(), &table, table.columns().data(), table.num_columns(), table.num_rows()});
      }
    }
    st.link_rows.assign(g.links().size(), nullptr);
    for (size_t l = 0; l < g.links().size(); ++l) {
      if (plan.link_used[l]) st.link_rows[l] = related_.rows(static_cast<int32_t>(l));
    }
    derived_.resize(cols.size());
    if (absl::Status s = exec::RunStages(plan, snapshot_, &st, max_threads, &thread_diag_,
                                         &derived_, &ctx_.stages);
        !s.ok())
      return s;

    return absl::OkStatus();
  }

  // Owner scope: the rows of each rule's table that the owner may see.
  // Whether `related_` was resolved on this snapshot's tables.
  bool SameTables() const {
    const auto& seen = ctx_.related_tables;
    if (seen.size() != snapshot_.tables.size()) return false;
    size_t i = 0;
    for (const auto& [name, table] : snapshot_.tables) {
      if (!(seen[i++] == table)) return false;
    }
    return true;
  }

  absl::Status ComputeOwnerScopes() {
    scopes_.resize(work_.size());
    for (std::optional<Bitmap>& s : scopes_) s.reset();
    if (!options_.owner.has_value()) return absl::OkStatus();
    for (size_t t = 0; t < work_.size(); ++t) {
      absl::StatusOr<std::optional<Bitmap>> scope = related_.Scope(
          impl_.schema, snapshot_, plan_.tables[t], *options_.owner, plan_.max_relation_depth);
      if (!scope.ok()) return scope.status();
      scopes_[t] = *std::move(scope);
    }
    return absl::OkStatus();
  }

  // The rules of each table in groups: two rules that read the same
  // computed node (shared_slot, anything but a plain read of a column) are
  // in one group, which runs batch by batch so that node is computed once per
  // batch, as the plan promises; rules that share only columns are in
  // separate groups.  Groups keep the rules' order.  Found once per program.
  void FindRuleGroups() {
    if (ctx_.groups_found) return;
    const plan::PhysicalPlan& plan = plan_;
    const plan::Graph& g = g_;
    std::vector<int32_t> leader(num_rules_);
    for (int r = 0; r < num_rules_; ++r) leader[r] = r;
    auto find = [&](int32_t r) {
      while (leader[r] != r) r = leader[r] = leader[leader[r]];
      return r;
    };
    // Per shared slot and table: the first rule that reads it.
    const size_t num_tables = plan.tables.size();
    std::vector<int32_t> slot_rule(static_cast<size_t>(plan.num_shared) * num_tables, -1);
    std::vector<int32_t> seen(g.size(), -1);
    std::vector<int32_t> stack;
    for (int32_t r = 0; r < num_rules_; ++r) {
      stack.assign(1, plan.roots[r]);
      while (!stack.empty()) {
        const int32_t id = stack.back();
        stack.pop_back();
        if (seen[id] == r) continue;
        seen[id] = r;
        const plan::Node& node = g.node(id);
        const int32_t s = plan.shared_slot[id];
        const bool read = node.op == plan::Op::kColumn || node.op == plan::Op::kAggregate ||
                          node.op == plan::Op::kParentValue;
        if (s >= 0 && !read) {
          int32_t& first = slot_rule[static_cast<size_t>(s) * num_tables + plan.rule_table[r]];
          if (first < 0) {
            first = r;
          } else {
            const int32_t a = find(first), b = find(r);
            leader[std::max(a, b)] = std::min(a, b);
          }
        }
        for (int32_t arg : node.args) stack.push_back(arg);
      }
    }
    ctx_.rule_groups.assign(plan.tables.size(), {});
    std::vector<int32_t> group_of(num_rules_, -1);
    for (int32_t r = 0; r < num_rules_; ++r) {
      std::vector<std::vector<int32_t>>& groups = ctx_.rule_groups[plan.rule_table[r]];
      const int32_t l = find(r);
      if (group_of[l] < 0) {
        group_of[l] = static_cast<int32_t>(groups.size());
        groups.emplace_back();
      }
      groups[group_of[l]].push_back(r);
    }
    ctx_.rule_lists.assign(plan.tables.size(), {});
    for (size_t t = 0; t < plan.tables.size(); ++t) {
      std::vector<int32_t> all;
      for (int32_t r = 0; r < num_rules_; ++r) {
        if (plan.rule_table[r] == static_cast<int32_t>(t)) all.push_back(r);
      }
      if (!all.empty()) ctx_.rule_lists[t].push_back(std::move(all));
    }
    ctx_.groups_found = true;
  }

  // The rules, batch by batch on every worker; each rule's TRUE rows packed
  // into its bitmap as they come.
  void RunRules() {
    const plan::PhysicalPlan& plan = plan_;
    const int num_rules = num_rules_;
    const std::vector<TableWork>& work = work_;
    const std::vector<std::optional<Bitmap>>& scopes = scopes_;
    const EvalOptions& options = options_;
    const int max_threads = max_threads_;
    exec::EvalState& st = st_;
    std::vector<std::vector<Diagnostics>>& thread_diag = thread_diag_;
    ProgramResult& result = result_;
    result.predicates.resize(num_rules);
    int64_t max_rows = 0;
    int64_t total_batches = 0;
    for (int r = 0; r < num_rules; ++r) {
      const Table* t = work[plan.rule_table[r]].table;
      PredicateResult& pr = result.predicates[r];
      pr.table = impl_.rule_tables[r];
      pr.rows.Reset(t->num_rows());
      if (options.want_nulls) {
        pr.nulls.Reset(t->num_rows());
      } else {
        pr.nulls.Reset(0);
      }
      pr.diagnostics = st.const_diag[r];
      pr.notes.clear();
    }
    for (const TableWork& w : work) {
      max_rows = std::max(max_rows, w.table->num_rows());
      total_batches += w.batches;
    }

    FindRuleGroups();
    const int64_t morsel = exec::MorselBatches();
    const std::vector<std::vector<std::vector<int32_t>>>& groups = ctx_.rule_groups;
    const int threads = base::WorkerCount(max_threads, total_batches);
    const int capacity =
        static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(kBatch, max_rows)));

    if (ctx_.rule_threads.size() < static_cast<size_t>(threads)) ctx_.rule_threads.resize(threads);
    auto run = [&](int t) {
      RuleThread& rt = ctx_.rule_threads[t];
      if (rt.frame == nullptr || rt.frame->capacity() != capacity) {
        rt.frame = std::make_unique<BatchEvaluator>(&st, capacity, thread_diag[t].data());
        rt.scope.assign(capacity + 8, 0);
        rt.sel_bytes.assign(2 * (capacity + 8), 0);
      }
      BatchEvaluator& frame = *rt.frame;
      frame.Reuse(thread_diag[t].data());
      std::vector<uint8_t>& scope = rt.scope;
      uint16_t* sel = reinterpret_cast<uint16_t*>(rt.sel_bytes.data());
      uint64_t scope_words[exec::kBatchWords], words[exec::kBatchWords];
      for (size_t wi = 0; wi < work.size(); ++wi) {
        const TableWork& w = work[wi];
        const int64_t rows = w.table->num_rows();
        const auto [b0, b1] = base::ShareOf(w.batches, t, threads);
        const bool scoped = scopes[wi].has_value();
        // Morsel by morsel, and in a morsel group by group (exec/morsel.h):
        // interleaving every rule batch by batch read all their columns in
        // 8-16 KB runs, and workload A's Program of eight rules cost 1.5x
        // its rules one at a time.
        for (int64_t m0 = b0; m0 < b1; m0 += morsel) {
          const int64_t m1 = std::min(b1, m0 + morsel);
          // A morsel of one batch (a small table, the on-change path's one
          // account) gains nothing from groups: every rule in one pass.
          const std::vector<std::vector<int32_t>>& lists =
              m1 - m0 == 1 ? ctx_.rule_lists[wi] : groups[wi];
          for (const std::vector<int32_t>& group : lists) {
            for (int64_t b = m0; b < m1; ++b) {
              const int64_t start = b * kBatch;
              const int n = static_cast<int>(std::min<int64_t>(kBatch, rows - start));
              const int nw = exec::WordsFor(n);
              RowSet root;
              root.n = n;
              root.count = n;
              if (scoped) {
                exec::UnpackBits(scopes[wi]->data(), start, n, scope.data());
                const int c = exec::SelectFromMask(scope.data(), n, sel);
                if (c == 0) continue;  // Nothing in scope: every bit stays clear.
                exec::LoadBitmapWords(scopes[wi]->data(), start, n, scope_words);
                root.mask = scope.data();
                root.count = c;
                if (c * 4 < n) root.sel = sel;
              }
              frame.BeginBatch(start, n, root);
              for (int32_t r : group) {
                // The rule's words (TRUE rows; a NULL row's bit is 0) go straight
                // into its bitmap, masked by the owner scope.
                exec::BitVec v = frame.EvalBits(plan.roots[r], root);
                PredicateResult& pr = result.predicates[r];
                for (int k = 0; k < nw; ++k)
                  words[k] = scoped ? v.value[k] & scope_words[k] : v.value[k];
                exec::StoreBitmapWords(words, start, n, pr.rows.mutable_data());
                if (options.want_nulls && v.valid != nullptr) {
                  for (int k = 0; k < nw; ++k)
                    words[k] = scoped ? ~v.valid[k] & scope_words[k] : ~v.valid[k];
                  exec::StoreBitmapWords(words, start, n, pr.nulls.mutable_data());
                }
                frame.Release(&v);
              }
              frame.EndBatch();
            }
          }
        }
      }
    };
    base::RunWorkers(threads, run);
    for (int r = 0; r < num_rules; ++r) {
      PredicateResult& pr = result.predicates[r];
      pr.count = pr.rows.CountSet();
      for (int32_t link : plan.rule_links[r]) pr.diagnostics.orphan_rows += related_.orphans(link);
      for (int t = 0; t < max_threads; ++t) {
        pr.diagnostics.division_by_zero += thread_diag[t][r].division_by_zero;
        pr.diagnostics.int_overflow += thread_diag[t][r].int_overflow;
        pr.diagnostics.orphan_rows += thread_diag[t][r].orphan_rows;
      }
    }
  }

  // A kept context's joins may carry the relations of an earlier call's owner
  // scope: a call without an owner reports those of the joins only, as a
  // fresh evaluation does.
  void CollectResults() {
    const std::vector<RelationDiagnostics>& all = related_.relations();
    const size_t n =
        options_.owner.has_value() ? all.size() : std::min(all.size(), ctx_.resolved_relations);
    result_.relations.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
  }

  const plan::CompiledProgram& impl_;
  const plan::PhysicalPlan& plan_;
  const plan::Graph& g_;
  const Snapshot& snapshot_;
  const EvalOptions& options_;
  const int num_rules_;
  EvalContext::Impl& ctx_;
  const plan::ParamMap* params_ = nullptr;
  std::vector<TableWork>& work_;
  exec::EvalState& st_;
  int max_threads_ = 1;
  bool same_tables_ = false;  // SameTables() at the start of Run().
  std::vector<std::vector<Diagnostics>>& thread_diag_;
  exec::RelatedData& related_;
  std::vector<Column>& derived_;
  std::vector<Column>& history_columns_;
  std::vector<std::optional<Bitmap>>& scopes_;
  ProgramResult& result_;
};

}  // namespace

absl::StatusOr<ProgramResult> Program::Evaluate(const Snapshot& snapshot,
                                                const EvalOptions& options) const {
  EvalContext context;
  ProgramResult result;
  if (absl::Status s = Evaluate(snapshot, options, &context, &result); !s.ok()) return s;
  return result;
}

absl::Status Program::Evaluate(const Snapshot& snapshot, const EvalOptions& options,
                               EvalContext* context, ProgramResult* result) const {
  EvalContext::Impl& ctx = *context->impl_;
  if (ctx.program != impl_) ctx.Rebind(impl_);  // Counted as a setup when the joins are resolved.
  ++ctx.evaluations;
  absl::Status s = Evaluation(*impl_, snapshot, options, &ctx, result).Run();
  // An error may leave the joins half resolved: resolve them again next time.
  if (!s.ok()) ctx.related_tables.clear();
  return s;
}

// ---------------------------------------------------------------------------
// CompiledPredicate (evaluation; Compile is in lib/compiler).

absl::StatusOr<PredicateResult> CompiledPredicate::Evaluate(const Snapshot& snapshot,
                                                            const EvalOptions& options) const {
  absl::StatusOr<ProgramResult> r = program_.Evaluate(snapshot, options);
  if (!r.ok()) return r.status();
  if (r->predicates.empty()) return absl::FailedPreconditionError("empty CompiledPredicate");
  r->predicates[0].notes = std::move(r->notes);
  return std::move(r->predicates[0]);
}

absl::StatusOr<PredicateResult> CompiledPredicate::EvaluateTable(const Table& table,
                                                                 const EvalOptions& options) const {
  if (program_.num_predicates() == 0)
    return absl::FailedPreconditionError("empty CompiledPredicate");
  // The table stands for the predicate's table whatever its name.
  Snapshot snapshot;
  snapshot.tables.emplace(program_.predicate_table(0), table);
  return Evaluate(snapshot, options);
}

}  // namespace docket
