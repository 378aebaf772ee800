// The command center on the on-change path (issue 13, item 4):
// CompiledRulebook::Evaluate(snapshot, options, &context, &result) — the
// plain Evaluate's results, computed with a kept RulebookContext into a kept
// RulebookResult so that a warm call on the same snapshot allocates nothing.
//
// What is kept (RulebookContext::Impl), and when it is rebuilt:
//   - the program's EvalContext and ProgramResult (exec/program.cc);
//   - per snapshot (its tables recognised by identity, as EvalContext does):
//     each list's table, its order keys as column accessors (a parent field
//     through the cached joins), the KPIs' measure columns and owner lookups;
//   - per list, a memo of its materialised result (the table with parent
//     fields and `prev()` columns, `show`, the relations it read, its notes)
//     for the rows it kept: rebuilt by the plain code (MaterializeList) when
//     another set of rows is kept, so the data is the plain path's own.
// Each call computes the lists' kept rows itself (order_by, limit, max_rows)
// without allocating — the plain OrderAndLimit's order: its comparator,
// ties by row — and the KPIs straight from the matches.
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/names.h"
#include "docket/error.h"
#include "docket/rulebook.h"
#include "rulebook/kpi.h"
#include "rulebook/rows.h"
#include "storage/relations.h"

namespace docket {

namespace rulebook {
absl::Status AddShownHistoryColumns(const RunOptions& options, ListResult* list,
                                    std::vector<std::string>* notes);  // compiled_rulebook.cc
}  // namespace rulebook

namespace {

// One order key of a list, read in place: the list table's column, or a
// parent's column through the joins (steps[0] is the list table's).
struct OrderAccess {
  const Column* column = nullptr;
  std::vector<std::shared_ptr<const storage::ParentMap>> steps;
  bool descending = false;
  bool nulls_first = false;

  // The column row of list row `r`; -1 when the row has no such parent.
  int64_t RowOf(int64_t r) const {
    for (const auto& s : steps) {
      r = s->rows[static_cast<size_t>(r)];
      if (r < 0) return -1;
    }
    return r;
  }
  // As rulebook::SortKey::CompareValues (rows.cc), on column rows.
  int Compare(int64_t a, int64_t b) const { return rulebook::CompareColumnValues(*column, a, b); }
};

// A list's materialised result for the rows it kept last time.
struct ListMemo {
  bool valid = false;
  ListResult list;  // data, show, rows, all_matches as the plain call made them.
  std::vector<RelationDiagnostics> relations;
  std::vector<std::string> notes;
};

struct ListState {
  const Table* table = nullptr;
  bool shows_parent_fields = false;
  // Whether the list's materialised table depends on its kept rows (parent
  // fields shown or ordered by, `prev()` columns): otherwise it is the
  // snapshot's table whatever the rows.
  bool rows_matter = false;
  std::vector<OrderAccess> order;
  ListMemo memo;
};

struct KpiState {
  const KpiSpec* spec = nullptr;
  size_t list = 0;  // Position in the result's lists.
  const Column* column = nullptr;
  std::optional<rulebook::OwnerLookup> owners;
};

// The identity of a snapshot's tables (as EvalContext's SeenTable).
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

// Whether two tables are the same view (the same column buffers).
bool SameView(const Table& a, const Table& b) {
  if (a.cache() != b.cache() || a.num_rows() != b.num_rows() || a.num_columns() != b.num_columns())
    return false;
  if (a.num_columns() == 0) return true;
  // Columns are immutable views: the same first and last buffers (parent
  // fields are appended last, in buffers of their own) are the same table.
  for (int i : {0, a.num_columns() - 1}) {
    const Column& x = a.column(i);
    const Column& y = b.column(i);
    if (x.values_buffer().data != y.values_buffer().data ||
        x.validity_buffer().data != y.validity_buffer().data ||
        x.chars_buffer().data != y.chars_buffer().data || x.type_id() != y.type_id() ||
        x.dictionary_ptr() != y.dictionary_ptr())
      return false;
  }
  return a.schema().columns.size() == b.schema().columns.size() &&
         a.schema().columns.back().name == b.schema().columns.back().name;
}

}  // namespace

struct RulebookContext::Impl {
  const void* rulebook = nullptr;  // The CompiledRulebook's state the rest belongs to.
  std::shared_ptr<const void> rulebook_hold;
  int64_t setups = 0, evaluations = 0;
  EvalContext eval;
  ProgramResult evaluated;
  EvalOptions eval_options;

  // The list selection.
  bool which_valid = false;
  std::vector<std::string> lists_key;
  std::vector<size_t> which;
  bool plain_only = false;  // Trigger lists: the plain path.

  // The snapshot.
  std::vector<SeenTable> seen;
  std::vector<ListState> lists;
  std::vector<KpiState> kpis;

  // What the result's notes and relations are made of.
  std::vector<std::string> program_notes;
  std::vector<RelationDiagnostics> program_relations;
  std::vector<std::string> notes;
  std::vector<RelationDiagnostics> relations;

  std::optional<absl::TimeZone> zone;
  std::string zone_name;

  bool SameSnapshot(const Snapshot& s) const {
    if (seen.empty() || seen.size() != s.tables.size()) return false;
    size_t i = 0;
    for (const auto& [name, table] : s.tables) {
      if (!(seen[i++] == table)) return false;
    }
    return true;
  }
};

RulebookContext::RulebookContext() : impl_(std::make_unique<Impl>()) {}
RulebookContext::~RulebookContext() = default;
RulebookContext::RulebookContext(RulebookContext&&) noexcept = default;
RulebookContext& RulebookContext::operator=(RulebookContext&&) noexcept = default;
int64_t RulebookContext::setups() const { return impl_->setups; }
int64_t RulebookContext::evaluations() const { return impl_->evaluations; }
const EvalContext& RulebookContext::eval_context() const { return impl_->eval; }

absl::Status CompiledRulebook::Evaluate(const Snapshot& snapshot, const RunOptions& options,
                                        RulebookContext* context, RulebookResult* result) const {
  RulebookContext::Impl& c = *context->impl_;
  ++c.evaluations;
  const Rulebook& book = rulebook();
  if (c.rulebook != impl_.get()) {
    const int64_t setups = c.setups, evaluations = c.evaluations;
    c = RulebookContext::Impl();
    c.setups = setups;
    c.evaluations = evaluations;
    c.rulebook = impl_.get();
    c.rulebook_hold = impl_;
  }

  // Which lists (as EvaluateImpl); recomputed when the selection changes.
  if (!c.which_valid || c.lists_key != options.lists) {
    ++c.setups;
    c.which_valid = false;
    c.seen.clear();
    c.which.clear();
    std::vector<std::string> ids;
    for (const ListSpec& l : book.lists) ids.push_back(l.id);
    if (options.lists.empty()) {
      for (size_t i = 0; i < book.lists.size(); ++i) c.which.push_back(i);
    } else {
      for (const std::string& id : options.lists) {
        auto it = std::find(ids.begin(), ids.end(), id);
        if (it == ids.end()) {
          return UsageError(absl::StrCat("unknown list '", id, "'"),
                            base::DidYouMean(id, ids, "the lists are"));
        }
        c.which.push_back(static_cast<size_t>(it - ids.begin()));
      }
      std::sort(c.which.begin(), c.which.end());
      c.which.erase(std::unique(c.which.begin(), c.which.end()), c.which.end());
    }
    c.plain_only = std::any_of(c.which.begin(), c.which.end(),
                               [&](size_t i) { return book.lists[i].trigger != Trigger::kNone; });
    c.lists_key = options.lists;
    c.which_valid = true;
  }
  // Trigger lists and history read older snapshots: the plain call.
  if (c.plain_only || options.history != nullptr) {
    absl::StatusOr<RulebookResult> r = Evaluate(snapshot, options);
    if (!r.ok()) return r.status();
    *result = *std::move(r);
    return absl::OkStatus();
  }

  EvalOptions& eval = c.eval_options;
  eval.as_of = options.as_of;
  eval.time_zone = options.time_zone.value_or(book.time_zone);
  eval.owner = options.owner;
  eval.threads = options.threads;
  eval.params = options.params;
  eval.history = nullptr;
  const Program& program = ProgramFor(c.which);
  if (absl::Status s = program.Evaluate(snapshot, eval, &c.eval, &c.evaluated); !s.ok()) {
    c.seen.clear();
    return s;
  }
  ProgramResult& evaluated = c.evaluated;
  const std::vector<size_t>& which = c.which;

  // The snapshot: list tables, order accessors, KPI columns and owners.
  bool changed = false;
  if (!c.SameSnapshot(snapshot)) {
    ++c.setups;
    changed = true;
    c.seen.clear();
    c.lists.assign(which.size(), ListState());
    for (size_t i = 0; i < which.size(); ++i) {
      const ListSpec& spec = book.lists[which[i]];
      ListState& ls = c.lists[i];
      ls.table = snapshot.FindTable(spec.table);
      if (ls.table == nullptr) {
        return DataError(spec.table_location,
                         absl::StrCat("table '", spec.table, "' is not in the snapshot"));
      }
      const Table& table = *ls.table;
      ls.shows_parent_fields =
          std::any_of(spec.show.begin(), spec.show.end(), [&](const std::string& name) {
            if (absl::StartsWith(name, "prev(")) return true;
            return name.find('.') != std::string::npos && table.FindColumn(name) == nullptr;
          });
      for (const OrderKey& k : spec.order_by) {
        OrderAccess a;
        a.descending = k.descending;
        a.nulls_first = k.nulls_first;
        a.column = table.FindColumn(k.column);
        if (a.column == nullptr && k.column.find('.') != std::string::npos) {
          const TableSchema* ts = schema().FindTable(table.name());
          if (ts == nullptr) continue;
          absl::StatusOr<rulebook::ParentPath> path =
              rulebook::ResolveParentPath(schema(), *ts, k.column);
          if (!path.ok()) return DataError(spec.location, std::string(path.status().message()));
          std::vector<std::string> chain;
          for (const TableSchema* t : path->tables) chain.push_back(t->name);
          chain[0] = table.name();
          absl::StatusOr<std::vector<std::shared_ptr<const storage::ParentMap>>> steps =
              storage::ChainSteps(schema(), snapshot, chain);
          if (!steps.ok()) return steps.status();
          const Table* holder = snapshot.FindTable(chain.back());
          a.column = holder != nullptr ? holder->FindColumn(path->column->name) : nullptr;
          if (a.column == nullptr) {
            return absl::FailedPreconditionError(absl::StrCat("column '", chain.back(), ".",
                                                              path->column->name,
                                                              "' is missing from the snapshot"));
          }
          a.steps = *std::move(steps);
        }
        if (a.column == nullptr) continue;  // As OrderAndLimit: checked at compile time.
        if (!a.steps.empty()) ls.rows_matter = true;
        ls.order.push_back(std::move(a));
      }
      if (ls.shows_parent_fields) ls.rows_matter = true;
    }
    c.kpis.clear();
    for (const KpiSpec& spec : book.kpis) {
      for (size_t i = 0; i < which.size(); ++i) {
        if (book.lists[which[i]].id != spec.list) continue;
        KpiState k;
        k.spec = &spec;
        k.list = i;
        const Table& table = *c.lists[i].table;
        if (!spec.measure.column.empty()) {
          k.column = table.FindColumn(spec.measure.column);
          if (k.column == nullptr) {
            return DataError(spec.measure_location,
                             absl::StrCat("column '", spec.measure.column, "' is not in table '",
                                          table.name(), "'"));
          }
        }
        if (spec.by_owner) {
          k.owners =
              rulebook::OwnerLookup::Make(schema(), snapshot, table, limits().max_relation_depth);
          if (!k.owners.has_value()) {
            return DataError(spec.location, absl::StrCat("table '", table.name(),
                                                         "' has no owner column for KPI '", spec.id,
                                                         "' (by: owner)"));
          }
        }
        c.kpis.push_back(std::move(k));
      }
    }
    for (const auto& [name, table] : snapshot.tables) {
      c.seen.push_back(
          {table.cache(), &table, table.columns().data(), table.num_columns(), table.num_rows()});
    }
  }

  RulebookResult& r = *result;
  r.name = book.name;
  r.as_of = options.as_of;
  if (options.time_zone.has_value()) {
    if (!c.zone.has_value() || !(*c.zone == *options.time_zone)) {
      c.zone = *options.time_zone;
      c.zone_name = options.time_zone->name();
    }
    r.time_zone = c.zone_name;
  } else {
    r.time_zone = book.time_zone_name;
  }
  r.owner = options.owner;
  if (r.lists.size() != which.size()) r.lists.resize(which.size());

  for (size_t i = 0; i < which.size(); ++i) {
    const ListSpec& spec = book.lists[which[i]];
    ListState& ls = c.lists[i];
    ListResult& lr = r.lists[i];
    PredicateResult& pr = evaluated.predicates[i];
    lr.id = spec.id;
    lr.title = spec.title;
    lr.horizon = spec.horizon;
    lr.table = spec.table;
    lr.action = spec.action;
    lr.resources = spec.resources;
    lr.diagnostics = pr.diagnostics;
    lr.count = pr.count;
    std::swap(lr.matches, pr.rows);  // Both keep their storage for the next call.
    std::optional<int64_t> limit = spec.limit;
    if (options.max_rows.has_value())
      limit = limit.has_value() ? std::min(*limit, *options.max_rows) : *options.max_rows;

    // The kept rows (MaterializeList's choice, without allocating once warm).
    lr.rows.clear();
    lr.all_matches = false;
    const int64_t keep = limit.has_value() ? std::clamp<int64_t>(*limit, 0, lr.count) : lr.count;
    if (spec.order_by.empty()) {
      if (limit.has_value()) {
        if (keep > 0) {
          ForEachSetBit(lr.matches.data(), 0, lr.matches.size(), [&](int64_t row) {
            lr.rows.push_back(row);
            return static_cast<int64_t>(lr.rows.size()) < keep;
          });
        }
      } else if (ls.shows_parent_fields) {
        ForEachSetBit(lr.matches.data(), 0, lr.matches.size(),
                      [&](int64_t row) { lr.rows.push_back(row); });
      } else {
        lr.all_matches = true;
      }
    } else {
      ForEachSetBit(lr.matches.data(), 0, lr.matches.size(),
                    [&](int64_t row) { lr.rows.push_back(row); });
      if (lr.rows.size() > 1 && !ls.order.empty()) {
        const std::vector<OrderAccess>& keys = ls.order;
        auto less = [&keys](int64_t a, int64_t b) {
          for (const OrderAccess& k : keys) {
            const int64_t pa = k.RowOf(a), pb = k.RowOf(b);
            const bool na = pa < 0 || k.column->IsNull(pa);
            const bool nb = pb < 0 || k.column->IsNull(pb);
            if (na || nb) {
              if (na && nb) continue;
              return k.nulls_first ? na : nb;  // NULL placement does not flip with DESC.
            }
            const int cmp = k.Compare(pa, pb);
            if (cmp != 0) return k.descending ? cmp > 0 : cmp < 0;
          }
          return a < b;  // Ties keep row order.
        };
        if (keep < static_cast<int64_t>(lr.rows.size())) {
          std::partial_sort(lr.rows.begin(), lr.rows.begin() + keep, lr.rows.end(), less);
        } else {
          std::sort(lr.rows.begin(), lr.rows.end(), less);
        }
      }
      lr.rows.resize(static_cast<size_t>(keep));
    }

    // The list's table for those rows: the memo, or the plain code again.
    ListMemo& memo = ls.memo;
    if (!memo.valid || memo.list.all_matches != lr.all_matches ||
        (ls.rows_matter && memo.list.rows != lr.rows)) {
      changed = true;
      memo.valid = false;
      memo.relations.clear();
      memo.notes.clear();
      PredicateResult copy;
      copy.table = pr.table;
      copy.rows = lr.matches;
      copy.count = lr.count;
      copy.diagnostics = lr.diagnostics;
      if (absl::Status s = MaterializeList(spec, std::move(copy), snapshot, options, &memo.list,
                                           &memo.relations);
          !s.ok()) {
        c.seen.clear();
        return s;
      }
      if (absl::Status s = rulebook::AddShownHistoryColumns(options, &memo.list, &memo.notes);
          !s.ok()) {
        c.seen.clear();
        return s;
      }
      memo.list.matches = Bitmap();  // Not needed: only data, show, rows.
      memo.valid = true;
      // The plain code's rows are the truth (they agree unless this file errs).
      if (lr.rows != memo.list.rows || lr.all_matches != memo.list.all_matches) {
        lr.rows = memo.list.rows;
        lr.all_matches = memo.list.all_matches;
      }
    }
    lr.show = memo.list.show;
    if (!SameView(lr.data, memo.list.data)) lr.data = memo.list.data;
  }

  // Notes and relations: the program's, then each list's (as EvaluateImpl).
  auto same_relations = [](const std::vector<RelationDiagnostics>& a,
                           const std::vector<RelationDiagnostics>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].table != b[i].table || a[i].parent != b[i].parent ||
          a[i].null_keys != b[i].null_keys || a[i].missing_keys != b[i].missing_keys)
        return false;
    }
    return true;
  };
  if (changed || c.program_notes != evaluated.notes ||
      !same_relations(c.program_relations, evaluated.relations)) {
    c.program_notes = evaluated.notes;
    c.program_relations = evaluated.relations;
    c.notes = evaluated.notes;
    c.relations = evaluated.relations;
    for (const ListState& ls : c.lists) {
      for (const std::string& note : ls.memo.notes) {
        if (std::find(c.notes.begin(), c.notes.end(), note) == c.notes.end())
          c.notes.push_back(note);
      }
      for (const RelationDiagnostics& rel : ls.memo.relations) {
        if (std::none_of(c.relations.begin(), c.relations.end(),
                         [&](const RelationDiagnostics& x) { return x.table == rel.table; })) {
          c.relations.push_back(rel);
        }
      }
    }
  }
  r.notes = c.notes;
  r.relations = c.relations;

  // KPIs straight from the lists' bitmaps.
  if (r.kpis.size() != c.kpis.size()) r.kpis.resize(c.kpis.size());
  for (size_t i = 0; i < c.kpis.size(); ++i) {
    const KpiState& k = c.kpis[i];
    const KpiSpec& spec = *k.spec;
    const ListResult& list = r.lists[k.list];
    KpiResult& kr = r.kpis[i];
    kr.id = spec.id;
    kr.title = spec.title;
    kr.list = spec.list;
    kr.measure = spec.measure;
    kr.by_owner = spec.by_owner;
    kr.value = rulebook::Aggregate(spec.measure, k.column, list.matches);
    if (spec.by_owner) {
      if (!rulebook::AggregateByOwnerFew(spec.measure, k.column, list.matches, *k.owners,
                                         &kr.groups)) {
        kr.groups = rulebook::AggregateByOwner(spec.measure, k.column, list.matches, *k.owners);
      }
    } else {
      kr.groups.clear();
    }
  }
  return absl::OkStatus();
}

}  // namespace docket
