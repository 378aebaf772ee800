// The public API of program.h: ProgramBuilder compiles rules into one shared
// graph; Program evaluates them batch by batch on one or more threads.
#include "docket/program.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "docket/builder.h"
#include "docket/error.h"
#include "exec/executor.h"
#include "exec/history.h"
#include "exec/related.h"
#include "lang/binder.h"
#include "lang/parser.h"
#include "lang/suggest.h"
#include "plan/builder.h"

namespace docket {

using exec::Active;
using exec::Frame;
using exec::kBatch;
using exec::Vec;

// ---------------------------------------------------------------------------
// ProgramBuilder.

struct ProgramBuilder::Impl {
  Schema schema;
  CompileOptions options;
  std::shared_ptr<plan::Graph> graph = std::make_shared<plan::Graph>();
  plan::ExprBuilder builder{graph.get()};
  lang::SegmentMap segments;
  std::vector<int32_t> roots;
  std::vector<std::string> rule_tables;
  std::vector<ExpressionSource> sources;
  int rules_and_segments = 0;
};

struct Program::Impl {
  Schema schema;
  std::map<std::string, Value, std::less<>> default_params;
  std::vector<std::string> rule_tables;
  std::vector<ExpressionSource> sources;
  exec::PlanInfo plan;
};

ProgramBuilder::ProgramBuilder(Schema schema, CompileOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->schema = std::move(schema);
  impl_->options = std::move(options);
}
ProgramBuilder::~ProgramBuilder() = default;
ProgramBuilder::ProgramBuilder(ProgramBuilder&&) noexcept = default;
ProgramBuilder& ProgramBuilder::operator=(ProgramBuilder&&) noexcept = default;

namespace {

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool ok = c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

absl::Status ProgramBuilder::AddSegment(std::string name, ExpressionSource source) {
  if (impl_ == nullptr) return absl::FailedPreconditionError("ProgramBuilder was moved from");
  if (!IsIdentifier(name)) {
    return CompileError(source.origin, "segment name '" + name + "' is not a valid identifier",
                        "use letters, digits and _ (not starting with a digit)");
  }
  if (++impl_->rules_and_segments > impl_->options.limits.max_rules) {
    return LimitError(source.origin, "max_rules", impl_->options.limits.max_rules, "too many rules and segments");
  }
  if (impl_->segments.count(name) > 0) {
    return CompileError(source.origin, "segment '" + name + "' is declared twice");
  }
  lang::SegmentDef def;
  def.name = name;
  def.source = std::make_unique<lang::SourceText>(std::move(source));
  impl_->segments.emplace(std::move(name), std::move(def));
  return absl::OkStatus();
}

absl::StatusOr<int> ProgramBuilder::AddPredicate(std::string_view table, ExpressionSource source) {
  if (impl_ == nullptr) return absl::FailedPreconditionError("ProgramBuilder was moved from");
  const TableSchema* ts = impl_->schema.FindTable(table);
  if (ts == nullptr) {
    std::vector<std::string> names;
    for (const TableSchema& t : impl_->schema.tables) names.push_back(t.name);
    std::string close = lang::Suggest(table, names);
    return CompileError(source.origin, "unknown table '" + std::string(table) + "'",
                        close.empty() ? (names.empty() ? "the schema has no tables" : "tables: " + absl::StrJoin(names, ", "))
                                      : "did you mean '" + close + "'?");
  }
  if (++impl_->rules_and_segments > impl_->options.limits.max_rules) {
    return LimitError(source.origin, "max_rules", impl_->options.limits.max_rules, "too many rules and segments");
  }
  lang::SourceText text(source);
  absl::StatusOr<lang::SyntaxTree> tree = lang::Parse(text, impl_->options.limits);
  if (!tree.ok()) return tree.status();
  const int32_t rule = static_cast<int32_t>(impl_->roots.size());
  lang::Binder binder(&impl_->builder, &impl_->schema, &impl_->options, &impl_->segments);
  absl::StatusOr<int32_t> root = binder.BindRule(*ts, text, *tree, rule);
  if (!root.ok()) return root.status();
  impl_->roots.push_back(*root);
  impl_->rule_tables.push_back(ts->name);
  impl_->sources.push_back(std::move(source));
  return rule;
}

absl::StatusOr<Program> ProgramBuilder::Build() && {
  if (impl_ == nullptr) return absl::FailedPreconditionError("ProgramBuilder was moved from");
  Impl& im = *impl_;
  // Every segment must compile in at least one table (and have no cycle).
  for (auto& [name, seg] : im.segments) {
    if (seg.used) continue;
    if (im.schema.tables.empty()) {
      absl::StatusOr<lang::SyntaxTree> tree = lang::Parse(*seg.source, im.options.limits);
      if (!tree.ok()) return tree.status();
      continue;
    }
    absl::Status first;
    bool ok = false;
    for (const TableSchema& t : im.schema.tables) {
      // Bind into a scratch graph so unused segments leave no trace in the program.
      plan::Graph scratch;
      plan::ExprBuilder b(&scratch);
      lang::Binder binder(&b, &im.schema, &im.options, &im.segments);
      absl::StatusOr<int32_t> r = binder.BindSegmentAlone(t, name, -1);
      if (r.ok()) {
        ok = true;
        break;
      }
      if (first.ok()) first = r.status();
    }
    if (!ok) return first;
  }
  std::vector<std::string> tables;
  std::vector<int32_t> rule_table;
  for (const std::string& t : im.rule_tables) {
    auto it = std::find(tables.begin(), tables.end(), t);
    if (it == tables.end()) {
      tables.push_back(t);
      it = tables.end() - 1;
    }
    rule_table.push_back(static_cast<int32_t>(it - tables.begin()));
  }
  auto impl = std::make_shared<Program::Impl>();
  impl->schema = im.schema;
  impl->default_params = im.options.params;
  impl->rule_tables = im.rule_tables;
  impl->sources = im.sources;
  impl->plan = exec::PlanInfo::Analyze(im.graph, im.roots, std::move(rule_table), std::move(tables));
  Program p;
  p.impl_ = std::move(impl);
  impl_.reset();
  return p;
}

// ---------------------------------------------------------------------------
// Program.

Program::Program() : impl_(std::make_shared<Impl>()) {
  auto impl = std::make_shared<Impl>();
  impl->plan = exec::PlanInfo::Analyze(std::make_shared<plan::Graph>(), {}, {}, {});
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

std::string Program::DebugString() const {
  const exec::PlanInfo& p = impl_->plan;
  const plan::Graph& g = *p.graph;
  std::string out;
  for (size_t r = 0; r < p.roots.size(); ++r) {
    absl::StrAppend(&out, "rule ", r, " over ", impl_->rule_tables[r], ": ", g.Dump(p.roots[r]), "\n");
  }
  for (int32_t id = 0; id < g.size(); ++id) {
    if (p.reachable[id] && p.shared_slot[id] >= 0) absl::StrAppend(&out, "shared: ", g.Dump(id), "\n");
  }
  for (int32_t id = 0; id < g.size(); ++id) {
    if (p.reachable[id] && p.peel[id]) absl::StrAppend(&out, "per dictionary entry: ", g.Dump(id), "\n");
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

}  // namespace

absl::StatusOr<ProgramResult> Program::Evaluate(const Snapshot& snapshot, const EvalOptions& options) const {
  const Impl& impl = *impl_;
  auto lookup = [&](std::string_view name) { return snapshot.FindTable(name); };
  const exec::PlanInfo& plan = impl.plan;
  const plan::Graph& g = *plan.graph;
  const int num_rules = static_cast<int>(plan.roots.size());

  // Params: defaults overridden by the options (same type).
  std::map<std::string, Value, std::less<>> params = impl.default_params;
  for (const auto& [name, value] : options.params) {
    auto it = params.find(name);
    if (it == params.end()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : impl.default_params) names.push_back(k);
      std::string close = lang::Suggest(name, names);
      return absl::InvalidArgumentError(
          absl::StrCat("unknown parameter '", name, "'", close.empty() ? "" : " — did you mean '" + close + "'?"));
    }
    TypeId want = it->second.type().id, got = value.type().id;
    if (want == got || value.is_null()) {
      it->second = value.is_null() ? Value::Null(it->second.type()) : value;
    } else if (want == TypeId::kFloat && got == TypeId::kInt) {
      it->second = Value::Float(static_cast<double>(value.int_value()));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("parameter '", name, "' is ", std::string(TypeName(want)),
                                                     " but the override is ", std::string(TypeName(got))));
    }
  }

  // Tables and columns.
  std::vector<TableWork> work(plan.tables.size());
  for (size_t t = 0; t < plan.tables.size(); ++t) {
    const Table* table = lookup(plan.tables[t]);
    if (table == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("table '", plan.tables[t], "' needed by the program is missing from the snapshot"));
    }
    work[t].table = table;
    work[t].batches = (table->num_rows() + kBatch - 1) / kBatch;
  }
  for (int r = 0; r < num_rules; ++r) work[plan.rule_table[r]].rules.push_back(r);

  exec::EvalState st;
  st.plan = &plan;
  st.params = &params;
  st.today = DaysSinceEpoch(options.as_of);
  if (plan.needs_zone) st.zone = exec::ZoneTable::For(options.time_zone);
  const std::vector<plan::ColumnRef>& cols = g.columns();
  st.columns.assign(cols.size(), nullptr);
  st.dict_views.resize(cols.size());
  std::vector<uint8_t> slot_used(cols.size(), 0);
  for (int32_t id = 0; id < g.size(); ++id) {
    const plan::Op op = g.node(id).op;
    if (plan.reachable[id] && (op == plan::Op::kColumn || op == plan::Op::kParentValue)) {
      slot_used[g.node(id).column] = 1;
    }
  }
  for (size_t c = 0; c < cols.size(); ++c) {
    if (!slot_used[c] || cols[c].derived >= 0 || cols[c].history >= 0) continue;  // Computed below.
    const Table* table = lookup(cols[c].table);
    if (table == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("table '", cols[c].table, "' needed by the program is missing from the snapshot"));
    }
    const Column* col = table->FindColumn(cols[c].name);
    if (col == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat("column '", cols[c].name, "' of table '", cols[c].table,
                                                        "' needed by the program is missing from the snapshot"));
    }
    DataType want = plan::DataTypeOf(cols[c].type);
    if (col->type_id() != want.id) {
      return absl::FailedPreconditionError(absl::StrCat("column '", cols[c].name, "' of table '", cols[c].table,
                                                        "' is ", col->type().ToString(), " in the snapshot but ",
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
  std::vector<Column> history_columns(cols.size());
  std::vector<std::string> history_notes;
  if (!g.history().empty()) {
    if (absl::Status s = exec::ResolveHistory(g, slot_used, impl.schema, snapshot, options, &history_columns,
                                              &history_notes);
        !s.ok()) {
      return s;
    }
    for (size_t c = 0; c < cols.size(); ++c) {
      if (!slot_used[c] || cols[c].history < 0) continue;
      const Column* col = &history_columns[c];
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

  // Evaluation constants: as_of, params and everything computed from them.
  st.consts.resize(plan.const_nodes.size());
  st.const_ready.assign(plan.const_nodes.size(), 0);
  st.const_diag.assign(num_rules, Diagnostics{});
  {
    Frame frame(&st, 1, st.const_diag.data());
    frame.SetConstantMode();
    Active one;
    one.n = 1;
    one.count = 1;
    frame.BeginBatch(0, 1, one);
    for (int32_t id : plan.const_nodes) {
      Vec v = frame.Eval(id, one);
      frame.Release(&v);
    }
    frame.EndBatch();
  }

  // String predicates over dictionary columns: once per dictionary entry.
  st.luts.resize(g.size());
  std::map<int32_t, Column> virtual_columns;
  for (int32_t id = 0; id < g.size(); ++id) {
    if (!plan.reachable[id] || !plan.peel[id]) continue;
    int32_t slot = g.node(id).single_column;
    const Column* col = st.columns[slot];
    if (col == nullptr || !col->is_dictionary()) continue;
    // Per entry pays only when there are more rows than entries (a snapshot
    // of one account evaluates its rows directly).
    if (col->size() < DictionarySize(col->dictionary())) continue;
    auto vit = virtual_columns.find(slot);
    if (vit == virtual_columns.end()) vit = virtual_columns.emplace(slot, DictionaryWithNull(col->dictionary())).first;
    const Column& vc = vit->second;
    const int64_t entries = vc.size();
    auto lut = std::make_unique<exec::Lut>();
    lut->value.resize(entries);
    std::vector<Diagnostics> scratch(num_rules);
    Frame frame(&st, static_cast<int>(std::min<int64_t>(kBatch, entries)), scratch.data());
    frame.SetDictionaryMode(slot, &vc);
    for (int64_t start = 0; start < entries; start += kBatch) {
      int n = static_cast<int>(std::min<int64_t>(kBatch, entries - start));
      Active all;
      all.n = n;
      all.count = n;
      frame.BeginBatch(start, n, all);
      Vec v = frame.Eval(id, all);
      for (int i = 0; i < n; ++i) {
        uint8_t valid = v.ValidAt(i) ? 1 : 0;
        uint8_t val = v.As<uint8_t>()[v.is_const ? 0 : i] & valid & 1;
        lut->value[start + i] = static_cast<uint8_t>(val | (valid << 1));
        if (!valid && start + i < entries - 1) lut->any_null = true;
      }
      frame.Release(&v);
      frame.EndBatch();
    }
    st.luts[id] = std::move(lut);
  }

  // Related records: the joins, then the derived columns (exec/related.h).
  const int max_threads =
      std::max(1, options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<std::vector<Diagnostics>> thread_diag(max_threads, std::vector<Diagnostics>(num_rules));
  exec::RelatedData related;
  if (absl::Status s = related.Resolve(plan, impl.schema, snapshot); !s.ok()) return s;
  st.link_rows.assign(g.links().size(), nullptr);
  for (size_t l = 0; l < g.links().size(); ++l) {
    if (plan.link_used[l]) st.link_rows[l] = related.rows(static_cast<int32_t>(l));
  }
  std::vector<Column> derived(cols.size());
  if (absl::Status s = exec::RunStages(plan, snapshot, &st, max_threads, &thread_diag, &derived); !s.ok()) return s;

  // Owner scope: the rows of each rule's table that the owner may see.
  std::vector<std::optional<Bitmap>> scopes(work.size());
  if (options.owner.has_value()) {
    for (size_t t = 0; t < work.size(); ++t) {
      absl::StatusOr<std::optional<Bitmap>> scope = related.Scope(impl.schema, snapshot, plan.tables[t], *options.owner);
      if (!scope.ok()) return scope.status();
      scopes[t] = *std::move(scope);
    }
  }

  // Results.
  ProgramResult result;
  result.notes = std::move(history_notes);
  result.predicates.resize(num_rules);
  int64_t max_rows = 0;
  int64_t total_batches = 0;
  for (int r = 0; r < num_rules; ++r) {
    const Table* t = work[plan.rule_table[r]].table;
    PredicateResult& pr = result.predicates[r];
    pr.table = impl.rule_tables[r];
    pr.rows = Bitmap(t->num_rows());
    if (options.want_nulls) pr.nulls = Bitmap(t->num_rows());
    pr.diagnostics = st.const_diag[r];
  }
  for (const TableWork& w : work) {
    max_rows = std::max(max_rows, w.table->num_rows());
    total_batches += w.batches;
  }

  const int threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(max_threads, total_batches)));
  const int capacity = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(kBatch, max_rows)));

  auto run = [&](int t) {
    Frame frame(&st, capacity, thread_diag[t].data());
    std::vector<uint8_t> scope(capacity + 8), bytes(capacity + 8), sel_bytes(2 * (capacity + 8));
    uint16_t* sel = reinterpret_cast<uint16_t*>(sel_bytes.data());
    for (size_t wi = 0; wi < work.size(); ++wi) {
      const TableWork& w = work[wi];
      const int64_t rows = w.table->num_rows();
      const int64_t b0 = w.batches * t / threads, b1 = w.batches * (t + 1) / threads;
      for (int64_t b = b0; b < b1; ++b) {
        const int64_t start = b * kBatch;
        const int n = static_cast<int>(std::min<int64_t>(kBatch, rows - start));
        Active root;
        root.n = n;
        root.count = n;
        if (scopes[wi].has_value()) {
          exec::UnpackBits(scopes[wi]->data(), start, n, scope.data());
          int c = 0;
          for (int i = 0; i < n; ++i) {
            sel[c] = static_cast<uint16_t>(i);
            c += scope[i];
          }
          if (c == 0) continue;  // Nothing in scope: every bit stays clear.
          root.mask = scope.data();
          root.count = c;
          if (c * 4 < n) root.sel = sel;
        }
        frame.BeginBatch(start, n, root);
        for (int32_t r : w.rules) {
          Vec v = frame.Eval(plan.roots[r], root);
          const uint8_t* d = v.As<uint8_t>();
          const uint8_t* valid = v.valid;
          const bool c = v.is_const;
          const uint8_t* packed_from = bytes.data();
          if (c) {
            uint8_t x = d[0] & (valid ? valid[0] : 1) & 1;
            for (int i = 0; i < n; ++i) bytes[i] = root.mask ? (x & root.mask[i]) : x;
          } else if (valid == nullptr && root.mask == nullptr) {
            packed_from = d;  // Already 0/1 per row.
          } else if (root.mask == nullptr) {
            for (int i = 0; i < n; ++i) bytes[i] = d[i] & valid[i];
          } else if (valid == nullptr) {
            for (int i = 0; i < n; ++i) bytes[i] = d[i] & root.mask[i];
          } else {
            for (int i = 0; i < n; ++i) bytes[i] = d[i] & valid[i] & root.mask[i];
          }
          PredicateResult& pr = result.predicates[r];
          exec::PackBits(packed_from, n, pr.rows.mutable_data() + start / 8);
          if (options.want_nulls && valid != nullptr) {
            for (int i = 0; i < n; ++i) {
              uint8_t x = (valid[c ? 0 : i] ^ 1) & 1;
              bytes[i] = root.mask ? (x & root.mask[i]) : x;
            }
            exec::PackBits(bytes.data(), n, pr.nulls.mutable_data() + start / 8);
          }
          frame.Release(&v);
        }
        frame.EndBatch();
      }
    }
  };
  if (threads == 1) {
    run(0);
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (int t = 0; t < threads; ++t) pool.emplace_back(run, t);
    for (std::thread& th : pool) th.join();
  }
  for (int r = 0; r < num_rules; ++r) {
    PredicateResult& pr = result.predicates[r];
    pr.count = pr.rows.CountSet();
    for (int32_t link : plan.rule_links[r]) pr.diagnostics.orphan_rows += related.orphans(link);
    for (int t = 0; t < max_threads; ++t) {
      pr.diagnostics.division_by_zero += thread_diag[t][r].division_by_zero;
      pr.diagnostics.int_overflow += thread_diag[t][r].int_overflow;
      pr.diagnostics.orphan_rows += thread_diag[t][r].orphan_rows;
    }
  }
  result.relations = related.relations();
  return result;
}

// ---------------------------------------------------------------------------
// CompiledPredicate.

absl::StatusOr<CompiledPredicate> CompiledPredicate::Compile(std::string_view expression, const Schema& schema,
                                                             std::string_view table, CompileOptions options) {
  ProgramBuilder builder(schema, std::move(options));
  absl::StatusOr<int> idx = builder.AddPredicate(table, ExpressionSource{std::string(expression), {}});
  if (!idx.ok()) return idx.status();
  absl::StatusOr<Program> program = std::move(builder).Build();
  if (!program.ok()) return program.status();
  CompiledPredicate p;
  p.program_ = *std::move(program);
  return p;
}

absl::StatusOr<CompiledPredicate> CompiledPredicate::Compile(std::string_view expression, const TableSchema& table,
                                                             CompileOptions options) {
  Schema schema;
  schema.tables.push_back(table);
  return Compile(expression, schema, table.name, std::move(options));
}

absl::StatusOr<PredicateResult> CompiledPredicate::Evaluate(const Snapshot& snapshot,
                                                            const EvalOptions& options) const {
  absl::StatusOr<ProgramResult> r = program_.Evaluate(snapshot, options);
  if (!r.ok()) return r.status();
  if (r->predicates.empty()) return absl::FailedPreconditionError("empty CompiledPredicate");
  r->predicates[0].notes = std::move(r->notes);
  return std::move(r->predicates[0]);
}

absl::StatusOr<PredicateResult> CompiledPredicate::EvaluateTable(const Table& table, const EvalOptions& options) const {
  if (program_.num_predicates() == 0) return absl::FailedPreconditionError("empty CompiledPredicate");
  // The table stands for the predicate's table whatever its name.
  Snapshot snapshot;
  snapshot.tables.emplace(program_.predicate_table(0), table);
  return Evaluate(snapshot, options);
}

}  // namespace docket
