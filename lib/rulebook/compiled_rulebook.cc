// CompiledRulebook: every list of a rulebook in one docket::Program, then
// per-list ordering/limit, keys and KPIs over the program's result bitmaps.
#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "base/calendar.h"
#include "base/names.h"
#include "base/parallel.h"
#include "docket/error.h"
#include "docket/history.h"
#include "docket/rulebook.h"
#include "rulebook/absl_compat.h"
#include "rulebook/cta_spec.h"
#include "rulebook/data_rules.h"
#include "rulebook/kpi.h"
#include "rulebook/metric_check.h"
#include "rulebook/rows.h"
#include "rulebook/show_history.h"
#include "rulebook/spec_parsers.h"
#include "rulebook/yaml_source.h"
#include "storage/relations.h"

namespace docket {

const ListResult* RulebookResult::FindList(std::string_view id) const {
  for (const ListResult& l : lists) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

const KpiResult* RulebookResult::FindKpi(std::string_view id) const {
  for (const KpiResult& k : kpis) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

Value ListResult::Cell(int64_t row, std::string_view column) const {
  const Column* c = data.FindColumn(column);
  if (c == nullptr) return Value();
  return rulebook::CellValue(*c, row);
}

std::vector<int64_t> ListResult::KeptRows() const {
  if (!all_matches) return rows;
  return rulebook::SetRows(matches);
}

std::string ListResult::Key(int64_t row) const {
  const Column* key = data.key_column();
  return key != nullptr ? rulebook::CellValue(*key, row).ToString() : absl::StrCat(row);
}

std::vector<std::string> ListResult::Keys() const {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(kept()));
  ForEachKeptRow([&](int64_t row) { out.push_back(Key(row)); });
  return out;
}

struct CompiledRulebook::Impl {
  Rulebook rulebook;
  Schema schema;
  Limits limits;
  Program program;  // One predicate per list, in list order.
  std::vector<std::string> list_ids;

  // The program for a subset of the lists: compiled once (Program::Select
  // re-plans the same graph), kept for the next evaluation of that subset.
  const Program& ProgramFor(const std::vector<size_t>& which) const {
    if (which.size() == rulebook.lists.size()) return program;
    std::vector<int> key(which.begin(), which.end());
    absl::MutexLock lock(&mu);
    auto it = subsets.find(key);
    if (it == subsets.end()) it = subsets.emplace(key, program.Select(key)).first;
    return it->second;  // std::map never moves its nodes.
  }
  mutable absl::Mutex mu;
  mutable std::map<std::vector<int>, Program> subsets ABSL_GUARDED_BY(mu);
};

namespace {

absl::Status ErrorAt(const Rulebook& book, const SourceLocation& where, std::string message,
                     std::string hint, int span) {
  ErrorDetail d;
  d.kind = ErrorKind::kCompile;
  d.location = where;
  d.message = std::move(message);
  d.hint = std::move(hint);
  d.span = std::max(1, span);
  (void)book;
  // The caret under the YAML line, as for `when:` errors (the rulebook keeps
  // no text of its own: the line is read again from its file, when there is one).
  if (!where.file.empty() && where.line > 0) {
    std::ifstream in(where.file);
    std::string line;
    for (int i = 0; i < where.line && std::getline(in, line); ++i) {
    }
    if (in && line.size() < 4096 && where.column >= 1 &&
        static_cast<size_t>(where.column) <= line.size() + 1) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      d.source_line = line;
    }
  }
  return MakeError(d);
}

std::vector<std::string> ColumnNames(const TableSchema& t) {
  std::vector<std::string> out;
  for (const ColumnSchema& c : t.columns) out.push_back(c.name);
  return out;
}

// Whether rows of `table` have an owner (directly or through parents).
bool HasOwner(const Schema& schema, const TableSchema& table) {
  const TableSchema* t = &table;
  for (int depth = 0; t != nullptr && depth < 64; ++depth) {
    if (!t->owner.empty()) return true;
    if (!t->parent.has_value()) return false;
    t = schema.FindTable(t->parent->table);
  }
  return false;
}

// Names that need the schema: list tables, shown, ordered and measured columns.
absl::Status CheckNames(const Rulebook& book, const Schema& schema) {
  std::vector<std::string> tables;
  for (const TableSchema& t : schema.tables) tables.push_back(t.name);
  for (const ListSpec& list : book.lists) {
    const TableSchema* t = schema.FindTable(list.table);
    if (t == nullptr) {
      return ErrorAt(
          book, list.table_location,
          absl::StrCat("list '", list.id, "' ranges over unknown table '", list.table, "'"),
          tables.empty() ? "declare it under 'tables:'"
                         : base::DidYouMean(list.table, tables, "the tables are"),
          static_cast<int>(list.table.size()));
    }
    std::vector<std::string> columns = ColumnNames(*t);
    // A parent field (account.name) resolves through the parents' `as` names.
    auto parent_field_error = [&](const std::string& name, const SourceLocation& where,
                                  std::string_view key) -> absl::Status {
      if (name.find('.') == std::string::npos || t->FindColumn(name) >= 0) return absl::OkStatus();
      absl::StatusOr<rulebook::ParentPath> path = rulebook::ResolveParentPath(schema, *t, name);
      if (path.ok()) return absl::OkStatus();
      return ErrorAt(book, where,
                     absl::StrCat("unknown parent field '", name, "' in '", rulebook::Sv(key),
                                  "' of list '", list.id, "'"),
                     std::string(path.status().message()), static_cast<int>(name.size()));
    };
    for (size_t i = 0; i < list.show.size(); ++i) {
      // `prev(column[, INTERVAL n UNIT])`: the column in an older snapshot.
      absl::StatusOr<std::optional<rulebook::ShowHistoryRef>> past =
          rulebook::ParseShowHistory(list.show[i]);
      if (!past.ok()) {
        return ErrorAt(book, list.show_locations[i], std::string(past.status().message()), "",
                       static_cast<int>(list.show[i].size()));
      }
      if (past->has_value()) {
        const std::string& c = (*past)->column;
        if (t->FindColumn(c) < 0) {
          return ErrorAt(
              book, list.show_locations[i],
              absl::StrCat("unknown column '", c, "' in '", list.show[i], "' in 'show' of list '",
                           list.id, "' (table '", t->name, "')"),
              base::DidYouMean(c, columns, "the columns are"),
              static_cast<int>(list.show[i].size()));
        }
        if (!(*past)->label.empty() && t->FindColumn((*past)->label) >= 0) {
          return ErrorAt(book, list.show_locations[i],
                         absl::StrCat("'", (*past)->label, "' in 'show' of list '", list.id,
                                      "' is already a column of table '", t->name, "'"),
                         "choose another name after AS", static_cast<int>(list.show[i].size()));
        }
        if (t->key.empty()) {
          return ErrorAt(book, list.show_locations[i],
                         absl::StrCat("'", list.show[i], "' in 'show' of list '", list.id,
                                      "' needs a key: table '", t->name, "' has none"),
                         "declare `key:` for the table: rows meet their past by key",
                         static_cast<int>(list.show[i].size()));
        }
        continue;
      }
      if (list.show[i].find('.') != std::string::npos) {
        if (absl::Status st = parent_field_error(list.show[i], list.show_locations[i], "show");
            !st.ok())
          return st;
        continue;
      }
      if (t->FindColumn(list.show[i]) < 0) {
        return ErrorAt(book, list.show_locations[i],
                       absl::StrCat("unknown column '", list.show[i], "' in 'show' of list '",
                                    list.id, "' (table '", t->name, "')"),
                       base::DidYouMean(list.show[i], columns, "the columns are"),
                       static_cast<int>(list.show[i].size()));
      }
    }
    for (const OrderKey& k : list.order_by) {
      if (k.column.find('.') != std::string::npos) {
        if (absl::Status st = parent_field_error(k.column, k.location, "order_by"); !st.ok())
          return st;
        continue;
      }
      if (t->FindColumn(k.column) < 0) {
        return ErrorAt(book, k.location,
                       absl::StrCat("unknown column '", k.column, "' in 'order_by' of list '",
                                    list.id, "' (table '", t->name, "')"),
                       base::DidYouMean(k.column, columns, "the columns are"),
                       static_cast<int>(k.column.size()));
      }
    }
  }
  for (const KpiSpec& kpi : book.kpis) {
    const ListSpec* list = book.FindList(kpi.list);
    if (list == nullptr) continue;  // Checked by the loader.
    const TableSchema* t = schema.FindTable(list->table);
    if (t == nullptr) continue;
    if (!kpi.measure.column.empty()) {
      const ColumnSchema* c = t->Column(kpi.measure.column);
      if (c == nullptr) {
        return ErrorAt(
            book, kpi.measure_location,
            absl::StrCat("unknown column '", kpi.measure.column, "' in the measure of KPI '",
                         kpi.id, "' (list '", list->id, "' is over table '", t->name, "')"),
            base::DidYouMean(kpi.measure.column, ColumnNames(*t), "the columns are"),
            static_cast<int>(kpi.measure.column.size()));
      }
      if (!rulebook::MeasureAccepts(kpi.measure.kind, c->type)) {
        return ErrorAt(
            book, kpi.measure_location,
            absl::StrCat("cannot compute ", kpi.measure.ToString(), " of a ", c->type.ToString(),
                         " column"),
            kpi.measure.kind == MeasureKind::kSum || kpi.measure.kind == MeasureKind::kAvg
                ? "sum and avg need an int or float column"
                : "min and max need an orderable column",
            static_cast<int>(kpi.measure.column.size()));
      }
    }
    if (kpi.by_owner && !HasOwner(schema, *t)) {
      return ErrorAt(book, kpi.location,
                     absl::StrCat("KPI '", kpi.id, "' is 'by: owner' but table '", t->name,
                                  "' has no owner column (nor a parent with one)"),
                     absl::StrCat("declare 'owner: <column>' for table '", t->name, "'"),
                     static_cast<int>(kpi.id.size()));
    }
  }
  return absl::OkStatus();
}

// Fills in what a list shows when it says nothing: its key and owner.
void DefaultShow(const Schema& schema, Rulebook* book) {
  for (ListSpec& list : book->lists) {
    if (!list.show.empty()) continue;
    const TableSchema* t = schema.FindTable(list.table);
    if (t == nullptr) continue;
    if (!t->key.empty()) list.show.push_back(t->key);
    if (!t->owner.empty() && t->owner != t->key) list.show.push_back(t->owner);
    if (list.show.empty() && !t->columns.empty()) list.show.push_back(t->columns[0].name);
    list.show_locations.assign(list.show.size(), list.location);
  }
}

CompileOptions MakeCompileOptions(const Rulebook& book, const Limits& limits) {
  CompileOptions options;
  options.limits = limits;
  for (const RulebookParam& p : book.params) options.params[p.name] = p.value;
  return options;
}

// One program over the lists `which` (indices into book.lists), in that order.
absl::StatusOr<Program> BuildProgram(const Rulebook& book, const Schema& schema,
                                     const Limits& limits, const std::vector<size_t>& which) {
  ProgramBuilder builder(schema, MakeCompileOptions(book, limits));
  for (const SegmentSpec& s : book.segments) {
    absl::Status st = builder.AddSegment(s.name, s.expression);
    if (!st.ok()) return st;
  }
  for (size_t i : which) {
    const ListSpec& list = book.lists[i];
    absl::StatusOr<int> index = builder.AddPredicate(list.table, list.when);
    if (!index.ok()) return index.status();
  }
  return std::move(builder).Build();
}

// Checks that the declared tables and columns exist in the data with their types.
absl::Status CheckDataSchema(const Rulebook& book, const Schema& declared, const Schema& data) {
  std::vector<std::string> data_tables;
  for (const TableSchema& t : data.tables) data_tables.push_back(t.name);
  for (const TableSchema& t : declared.tables) {
    const TableSchema* d = data.FindTable(t.name);
    if (d == nullptr) {
      return DataError(t.location,
                       absl::StrCat("table '", t.name, "' is declared but not in the data"),
                       base::DidYouMean(t.name, data_tables, "the data has"));
    }
    for (const ColumnSchema& c : t.columns) {
      const ColumnSchema* dc = d->Column(c.name);
      if (dc == nullptr) {
        return DataError(
            c.location,
            absl::StrCat("column '", t.name, ".", c.name, "' is declared but not in the data"),
            base::DidYouMean(c.name, ColumnNames(*d), "the data's columns are"));
      }
      if (!(dc->type == c.type)) {
        return DataError(
            c.location, absl::StrCat("column '", t.name, ".", c.name, "' is declared ",
                                     c.type.ToString(), " but the data has ", dc->type.ToString()));
      }
    }
  }
  (void)book;
  return absl::OkStatus();
}

// The `show: [prev(csm)]` entries of a list become columns of its data,
// read in the older snapshot for the kept rows (rulebook/show_history.h);
// what could not be read is one note per entry.
absl::Status AddShownHistory(const RunOptions& options, ListResult* list,
                             std::vector<std::string>* notes) {
  std::vector<ColumnSchema> schemas;
  std::vector<Column> columns;
  for (std::string& name : list->show) {
    if (!absl::StartsWith(name, "prev(") || list->data.FindColumn(name) != nullptr) continue;
    absl::StatusOr<std::optional<rulebook::ShowHistoryRef>> ref = rulebook::ParseShowHistory(name);
    if (!ref.ok()) return ref.status();
    if (!ref->has_value()) continue;
    std::string note;
    absl::StatusOr<Column> col = rulebook::ShowHistoryColumn(**ref, list->data, list->rows,
                                                             options.as_of, options.history, &note);
    if (!col.ok()) return col.status();
    if (!note.empty()) {
      note = absl::StrCat("list '", list->id, "': ", note);
      if (std::find(notes->begin(), notes->end(), note) == notes->end())
        notes->push_back(std::move(note));
    }
    if (!(*ref)->label.empty()) name = (*ref)->label;  // The list shows the column by its label.
    schemas.push_back(ColumnSchema{name, col->type(), {}});
    columns.push_back(*std::move(col));
  }
  if (columns.empty()) return absl::OkStatus();
  absl::StatusOr<Table> with = list->data.WithColumns(std::move(schemas), std::move(columns));
  if (!with.ok()) return with.status();
  list->data = *std::move(with);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CompiledRulebook> CompiledRulebook::Compile(const Rulebook& rulebook,
                                                           const Limits& limits) {
  if (rulebook.schema.tables.empty()) {
    return CompileError(SourceLocation{rulebook.file, 1, 1}, "the rulebook declares no tables",
                        "add a 'tables:' section, or compile it against the data's schema");
  }
  return Compile(rulebook, rulebook.schema, limits);
}

absl::StatusOr<CompiledRulebook> CompiledRulebook::Compile(const Rulebook& rulebook,
                                                           const Schema& data_schema,
                                                           const Limits& limits) {
  const bool declared = !rulebook.schema.tables.empty();
  // The declared schema, told which columns the data has beyond it (so that a
  // rule naming one says so: TableSchema::undeclared_columns).
  Schema annotated;
  bool any_undeclared = false;
  for (const TableSchema& t : data_schema.tables)
    any_undeclared = any_undeclared || !t.undeclared_columns.empty();
  if (declared && any_undeclared && &data_schema != &rulebook.schema) {
    annotated = rulebook.schema;
    for (TableSchema& t : annotated.tables) {
      if (const TableSchema* d = data_schema.FindTable(t.name)) {
        t.undeclared_columns = d->undeclared_columns;
      }
    }
  }
  const Schema& schema =
      declared ? (any_undeclared && &data_schema != &rulebook.schema ? annotated : rulebook.schema)
               : data_schema;
  if (declared && &data_schema != &rulebook.schema) {
    absl::Status st = CheckDataSchema(rulebook, rulebook.schema, data_schema);
    if (!st.ok()) return st;
  }
  int64_t rules =
      static_cast<int64_t>(rulebook.lists.size() + rulebook.segments.size() + rulebook.kpis.size());
  if (rules > limits.max_rules) {
    return LimitError(SourceLocation{rulebook.file, 1, 1}, "max_rules", limits.max_rules,
                      absl::StrCat("the rulebook has ", rules, " lists, segments and KPIs"));
  }
  absl::Status names = CheckNames(rulebook, schema);
  if (!names.ok()) return names;
  absl::Status metric_names =
      metrics::CheckMetrics(rulebook, schema, limits);  // metrics:, goals:, alerts:
  if (!metric_names.ok()) return metric_names;

  auto impl = std::make_shared<Impl>();
  impl->rulebook = rulebook;
  impl->schema = schema;
  impl->limits = limits;
  DefaultShow(schema, &impl->rulebook);
  std::vector<size_t> all(rulebook.lists.size());
  for (size_t i = 0; i < all.size(); ++i) {
    all[i] = i;
    impl->list_ids.push_back(rulebook.lists[i].id);
  }
  absl::StatusOr<Program> program = BuildProgram(impl->rulebook, schema, limits, all);
  if (!program.ok()) return program.status();
  impl->program = *std::move(program);
  absl::Status ctas =
      rulebook::CheckCtaNames(impl->rulebook, schema);  // `ctas:` columns (cta_spec.cc).
  if (!ctas.ok()) return ctas;
  CompiledRulebook out;
  out.impl_ = std::move(impl);
  return out;
}

const Rulebook& CompiledRulebook::rulebook() const { return impl_->rulebook; }
const Schema& CompiledRulebook::schema() const { return impl_->schema; }
const Program& CompiledRulebook::program() const { return impl_->program; }
const Program& CompiledRulebook::ProgramFor(const std::vector<size_t>& which) const {
  return impl_->ProgramFor(which);
}
const Limits& CompiledRulebook::limits() const { return impl_->limits; }

namespace rulebook {
// For the on-change path (onchange.cc): a list's `prev()` columns, as the plain call adds them.
absl::Status AddShownHistoryColumns(const RunOptions& options, ListResult* list,
                                    std::vector<std::string>* notes) {
  return AddShownHistory(options, list, notes);
}
}  // namespace rulebook

absl::StatusOr<Value> CompiledRulebook::ParseParam(std::string_view name,
                                                   std::string_view text) const {
  const RulebookParam* p = impl_->rulebook.FindParam(name);
  if (p == nullptr) {
    std::vector<std::string> names;
    for (const RulebookParam& q : impl_->rulebook.params) names.push_back(q.name);
    return UsageError(absl::StrCat("unknown param '", rulebook::Sv(name), "'"),
                      names.empty() ? "the rulebook declares no params"
                                    : base::DidYouMean(name, names, "the params are"));
  }
  // A string param written as in a rule (--param "zip='10001'") is the text inside the quotes.
  if (p->value.type().id == TypeId::kString) text = Unquoted(text);
  absl::StatusOr<Value> v = rulebook::ParseValueAs(text, p->value.type());
  if (!v.ok()) {
    return UsageError(absl::StrCat("param '", rulebook::Sv(name), "': ", v.status().message()),
                      absl::StrCat("its default is ", p->value.ToString(), " (",
                                   p->value.type().ToString(), ")"));
  }
  return v;
}

absl::StatusOr<RulebookResult> CompiledRulebook::Evaluate(const Snapshot& snapshot,
                                                          const RunOptions& options) const {
  return EvaluateImpl(snapshot, options, /*triggers=*/true);
}

absl::StatusOr<RulebookResult> CompiledRulebook::EvaluateImpl(const Snapshot& snapshot,
                                                              const RunOptions& options,
                                                              bool triggers) const {
  const Rulebook& book = impl_->rulebook;

  // Which lists: all, or those asked for (in rulebook order).
  std::vector<size_t> which;
  if (options.lists.empty()) {
    for (size_t i = 0; i < book.lists.size(); ++i) which.push_back(i);
  } else {
    for (const std::string& id : options.lists) {
      auto it = std::find(impl_->list_ids.begin(), impl_->list_ids.end(), id);
      if (it == impl_->list_ids.end()) {
        return UsageError(absl::StrCat("unknown list '", id, "'"),
                          base::DidYouMean(id, impl_->list_ids, "the lists are"));
      }
      which.push_back(static_cast<size_t>(it - impl_->list_ids.begin()));
    }
    std::sort(which.begin(), which.end());
    which.erase(std::unique(which.begin(), which.end()), which.end());
  }

  // Param overrides are checked by the program (plan/params.h: one rule for
  // programs and rulebooks).
  EvalOptions eval;
  eval.as_of = options.as_of;
  eval.time_zone = options.time_zone.value_or(book.time_zone);
  eval.owner = options.owner;
  eval.threads = options.threads;
  eval.params = options.params;
  eval.history = options.history;

  // One pass over the data for every list asked for.
  const Program* program = &impl_->ProgramFor(which);
  absl::StatusOr<ProgramResult> evaluated = program->Evaluate(snapshot, eval);
  if (!evaluated.ok()) return evaluated.status();

  RulebookResult result;
  result.relations = evaluated->relations;
  result.name = book.name;
  result.as_of = options.as_of;
  result.time_zone =
      options.time_zone.has_value() ? options.time_zone->name() : book.time_zone_name;
  result.owner = options.owner;
  result.notes = evaluated->notes;
  result.lists.resize(which.size());
  // Trigger lists (docs/rulebooks.md): compared by key with the same lists
  // evaluated on the older snapshot at its date; exited rows come from there.
  std::vector<const Snapshot*> list_snapshot(which.size(), &snapshot);
  if (triggers) {
    absl::Status s = ApplyTriggers(which, options, &*evaluated, &list_snapshot, &result.notes);
    if (!s.ok()) return s;
  }
  std::vector<std::vector<RelationDiagnostics>> list_relations(which.size());
  std::vector<absl::Status> list_status(which.size());

  // The lists, on every core (each list on one worker; results in list order).
  const int workers = base::WorkerCount(options.threads, static_cast<int64_t>(which.size()));
  base::RunWorkers(workers, [&](int w) {
    for (size_t i = static_cast<size_t>(w); i < which.size(); i += static_cast<size_t>(workers)) {
      list_status[i] =
          MaterializeList(book.lists[which[i]], std::move(evaluated->predicates[i]),
                          *list_snapshot[i], options, &result.lists[i], &list_relations[i]);
    }
  });
  for (size_t i = 0; i < which.size(); ++i) {
    if (!list_status[i].ok()) return list_status[i];
    if (absl::Status st = AddShownHistory(options, &result.lists[i], &result.notes); !st.ok())
      return st;
    for (RelationDiagnostics& r : list_relations[i]) {
      if (std::none_of(result.relations.begin(), result.relations.end(),
                       [&](const RelationDiagnostics& x) { return x.table == r.table; })) {
        result.relations.push_back(std::move(r));
      }
    }
  }

  // KPIs straight from the lists' bitmaps, on every core.
  std::vector<const KpiSpec*> kpis;
  std::vector<const ListResult*> kpi_lists;
  std::vector<const Snapshot*> kpi_snapshots;
  for (const KpiSpec& spec : book.kpis) {
    for (size_t i = 0; i < result.lists.size(); ++i) {
      if (result.lists[i].id == spec.list) {
        kpis.push_back(&spec);
        kpi_lists.push_back(&result.lists[i]);
        kpi_snapshots.push_back(list_snapshot[i]);
      }
    }
  }
  result.kpis.resize(kpis.size());
  std::vector<absl::Status> kpi_status(kpis.size());
  const int kpi_workers = base::WorkerCount(options.threads, static_cast<int64_t>(kpis.size()));
  base::RunWorkers(kpi_workers, [&](int w) {
    for (size_t i = static_cast<size_t>(w); i < kpis.size();
         i += static_cast<size_t>(kpi_workers)) {
      kpi_status[i] = ComputeKpi(*kpis[i], *kpi_lists[i], *kpi_snapshots[i], &result.kpis[i]);
    }
  });
  for (const absl::Status& st : kpi_status) {
    if (!st.ok()) return st;
  }
  return result;
}

// Trigger lists: for each older snapshot needed (the latest before as_of, or
// on or before as_of - since), the trigger lists evaluated there at its date
// with the history before it; then entered = TRUE now and not then (by key),
// exited = TRUE then and not now (rows of the older table).
absl::Status CompiledRulebook::ApplyTriggers(const std::vector<size_t>& which,
                                             const RunOptions& options, ProgramResult* evaluated,
                                             std::vector<const Snapshot*>* list_snapshot,
                                             std::vector<std::string>* notes) const {
  const Rulebook& book = impl_->rulebook;
  std::vector<std::pair<const DatedSnapshot*, std::vector<size_t>>>
      groups;  // Older snapshot, positions in which.
  int without = 0;
  std::string first_without;
  for (size_t i = 0; i < which.size(); ++i) {
    const ListSpec& spec = book.lists[which[i]];
    if (spec.trigger == Trigger::kNone) continue;
    const DatedSnapshot* older = nullptr;
    if (options.history != nullptr) {
      if (spec.has_since) {
        int64_t day = DaysSinceEpoch(options.as_of) - spec.since_days;
        day = base::AddMonthsClamped(day, -spec.since_months);
        older = options.history->LatestOnOrBefore(absl::CivilDay(1970, 1, 1) + day);
      } else {
        older = options.history->LatestBefore(options.as_of);
      }
    }
    PredicateResult& pr = evaluated->predicates[i];
    if (older == nullptr) {
      if (without++ == 0) first_without = spec.id;
      pr.rows = Bitmap(pr.rows.size());  // Empty; one note says why.
      pr.count = 0;
      continue;
    }
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == older; });
    if (it == groups.end()) it = groups.insert(groups.end(), {older, {}});
    it->second.push_back(i);
  }
  if (without > 0) {
    notes->push_back(
        absl::StrCat("trigger list", without > 1 ? "s" : "", " '", first_without, "'",
                     without > 1 ? absl::StrCat(" and ", without - 1, " other(s)") : "", " ",
                     without > 1 ? "are" : "is", " empty: ",
                     options.history == nullptr
                         ? "no history was given (pass --history DIR, or history= in Python)"
                         : "no older snapshot is old enough to compare with"));
  }
  for (auto& [older, positions] : groups) {
    History before = options.history->Before(older->date);
    RunOptions o = options;
    o.as_of = older->date;
    o.lists.clear();
    for (size_t i : positions) o.lists.push_back(book.lists[which[i]].id);
    o.max_rows = 0;
    o.history = &before;
    absl::StatusOr<RulebookResult> then = EvaluateImpl(older->snapshot, o, /*triggers=*/false);
    if (!then.ok()) {
      return absl::Status(
          then.status().code(),
          absl::StrCat("evaluating the trigger lists on snapshot ",
                       absl::FormatCivilTime(older->date), ": ", then.status().message()));
    }
    for (size_t i : positions) {
      const ListSpec& spec = book.lists[which[i]];
      const ListResult* old_list = then->FindList(spec.id);
      const Table* now_table = (*list_snapshot)[i]->FindTable(spec.table);
      const Table* old_table = older->snapshot.FindTable(spec.table);
      const Column* now_key = now_table != nullptr ? now_table->key_column() : nullptr;
      const Column* old_key = old_table != nullptr ? old_table->key_column() : nullptr;
      if (old_list == nullptr || now_key == nullptr || old_key == nullptr) {
        return DataError(
            spec.location,
            absl::StrCat("list '", spec.id, "' has a trigger but table '", spec.table,
                         "' has no key in ",
                         now_key == nullptr ? std::string("the current snapshot")
                                            : "snapshot " + absl::FormatCivilTime(older->date)));
      }
      auto keys_of = [](const Column& key, const Bitmap& m) {
        absl::flat_hash_set<std::string> out;
        for (int64_t r = 0; r < m.size(); ++r) {
          if (m.Get(r)) out.insert(rulebook::CellValue(key, r).ToString());
        }
        return out;
      };
      PredicateResult& pr = evaluated->predicates[i];
      if (spec.trigger == Trigger::kEntered) {
        absl::flat_hash_set<std::string> was = keys_of(*old_key, old_list->matches);
        Bitmap entered(pr.rows.size());
        for (int64_t r = 0; r < pr.rows.size(); ++r) {
          if (pr.rows.Get(r) && !was.contains(rulebook::CellValue(*now_key, r).ToString()))
            entered.Set(r);
        }
        pr.rows = std::move(entered);
      } else {
        absl::flat_hash_set<std::string> now = keys_of(*now_key, pr.rows);
        Bitmap exited(old_table->num_rows());
        for (int64_t r = 0; r < old_list->matches.size(); ++r) {
          if (old_list->matches.Get(r) &&
              !now.contains(rulebook::CellValue(*old_key, r).ToString()))
            exited.Set(r);
        }
        pr.rows = std::move(exited);
        pr.diagnostics = old_list->diagnostics;
        (*list_snapshot)[i] = &older->snapshot;  // Shown with their last values.
      }
      pr.count = pr.rows.CountSet();
    }
  }
  return absl::OkStatus();
}

// One list's result from its bitmap: the rows it keeps (ordered and limited),
// and the parent fields it orders by or shows as columns of its table.
absl::Status CompiledRulebook::MaterializeList(const ListSpec& spec, PredicateResult evaluated,
                                               const Snapshot& snapshot, const RunOptions& options,
                                               ListResult* out,
                                               std::vector<RelationDiagnostics>* relations) const {
  const Table* table = snapshot.FindTable(spec.table);
  if (table == nullptr) {
    return DataError(spec.table_location,
                     absl::StrCat("table '", spec.table, "' is not in the snapshot"));
  }
  ListResult& lr = *out;
  lr.id = spec.id;
  lr.title = spec.title;
  lr.horizon = spec.horizon;
  lr.table = spec.table;
  lr.action = spec.action;
  lr.resources = spec.resources;
  lr.show = spec.show;
  lr.diagnostics = evaluated.diagnostics;
  // The program already limited every table to the owner's scope (its own
  // owner column, or its parent's through the join).
  lr.matches = std::move(evaluated.rows);
  lr.count = evaluated.count;
  std::optional<int64_t> limit = spec.limit;
  if (options.max_rows.has_value())
    limit = limit.has_value() ? std::min(*limit, *options.max_rows) : *options.max_rows;

  std::vector<std::string> order_names;
  for (const OrderKey& k : spec.order_by) order_names.push_back(k.column);
  const bool shows_parent_fields =
      std::any_of(spec.show.begin(), spec.show.end(), [&](const std::string& name) {
        // Parent fields and prev() entries are read for the kept rows only.
        if (absl::StartsWith(name, "prev(")) return true;
        return name.find('.') != std::string::npos && table->FindColumn(name) == nullptr;
      });
  Table data = *table;
  if (spec.order_by.empty()) {
    if (limit.has_value()) {
      // The first `limit` matches in row order: no pass over the rest.
      const int64_t keep = std::clamp<int64_t>(*limit, 0, lr.count);
      lr.rows.reserve(static_cast<size_t>(keep));
      if (keep > 0) {
        ForEachSetBit(lr.matches.data(), 0, lr.matches.size(), [&](int64_t row) {
          lr.rows.push_back(row);
          return static_cast<int64_t>(lr.rows.size()) < keep;
        });
      }
    } else if (shows_parent_fields) {
      lr.rows = rulebook::SetRows(lr.matches);  // Its parent fields are read for every kept row.
    } else {
      lr.all_matches = true;
    }
  } else {
    // Parent fields it orders by become columns of its table first (for every
    // matching row); ordering and the limit choose the kept rows.
    const bool orders_by_own_columns =
        std::all_of(spec.order_by.begin(), spec.order_by.end(),
                    [&](const OrderKey& k) { return table->FindColumn(k.column) != nullptr; });
    if (orders_by_own_columns) {
      // Straight from the bitmap: a top-N list lists N rows, not every match.
      rulebook::OrderAndLimit(*table, spec.order_by, limit, lr.matches, lr.count, &lr.rows);
    } else {
      std::vector<int64_t> rows = rulebook::SetRows(lr.matches);
      absl::StatusOr<Table> ordered =
          WithParentFields(*table, spec, order_names, rows, snapshot, relations);
      if (!ordered.ok()) return ordered.status();
      rulebook::OrderAndLimit(*ordered, spec.order_by, limit, &rows);
      lr.rows = std::move(rows);
    }
  }
  // The kept rows' parent fields, shown ones first, in `show` order.
  if (!lr.all_matches) {
    std::vector<std::string> kept_names = spec.show;
    kept_names.insert(kept_names.end(), order_names.begin(), order_names.end());
    absl::StatusOr<Table> shown =
        WithParentFields(*table, spec, kept_names, lr.rows, snapshot, relations);
    if (!shown.ok()) return shown.status();
    data = *std::move(shown);
  }
  lr.data = std::move(data);
  return absl::OkStatus();
}

// `table` with the parent fields among `names` added as columns, read for
// `rows`; the relations read for them are reported (orphans included).
absl::StatusOr<Table> CompiledRulebook::WithParentFields(
    const Table& table, const ListSpec& spec, const std::vector<std::string>& names,
    const std::vector<int64_t>& rows, const Snapshot& snapshot,
    std::vector<RelationDiagnostics>* relations) const {
  std::vector<ColumnSchema> schemas;
  std::vector<Column> columns;
  for (const std::string& name : names) {
    if (name.find('.') == std::string::npos || table.FindColumn(name) != nullptr) continue;
    if (absl::StartsWith(name, "prev(")) continue;  // A history entry (AddShownHistory).
    if (std::any_of(schemas.begin(), schemas.end(),
                    [&](const ColumnSchema& c) { return c.name == name; }))
      continue;
    const TableSchema* ts = impl_->schema.FindTable(table.name());
    if (ts == nullptr) continue;
    absl::StatusOr<rulebook::ParentPath> path =
        rulebook::ResolveParentPath(impl_->schema, *ts, name);
    if (!path.ok()) return DataError(spec.location, std::string(path.status().message()));
    absl::StatusOr<Column> col =
        rulebook::ParentFieldColumn(impl_->schema, snapshot, table, *path, rows);
    if (!col.ok()) return col.status();
    for (size_t i = 0; i + 1 < path->tables.size(); ++i) {
      const std::string& child = path->tables[i]->name;
      if (std::any_of(relations->begin(), relations->end(),
                      [&](const RelationDiagnostics& r) { return r.table == child; })) {
        continue;
      }
      const Table* c = snapshot.FindTable(child);
      const Table* p = snapshot.FindTable(path->tables[i + 1]->name);
      if (c == nullptr || p == nullptr || !path->tables[i]->parent.has_value()) continue;
      absl::StatusOr<std::shared_ptr<const storage::ParentMap>> map =
          storage::ParentRows(*c, path->tables[i]->parent->via, *p);
      if (!map.ok()) return map.status();
      relations->push_back(
          RelationDiagnostics{child, p->name(), (*map)->null_keys, (*map)->missing_keys});
    }
    schemas.push_back(ColumnSchema{name, col->type(), {}});
    columns.push_back(*std::move(col));
  }
  if (columns.empty()) return table;
  return table.WithColumns(std::move(schemas), std::move(columns));
}

// One KPI over its list's bitmap, overall and per owner.
absl::Status CompiledRulebook::ComputeKpi(const KpiSpec& spec, const ListResult& list,
                                          const Snapshot& snapshot, KpiResult* out) const {
  const Table* table = snapshot.FindTable(list.table);
  const Column* column =
      spec.measure.column.empty() ? nullptr : table->FindColumn(spec.measure.column);
  if (!spec.measure.column.empty() && column == nullptr) {
    return DataError(
        spec.measure_location,
        absl::StrCat("column '", spec.measure.column, "' is not in table '", table->name(), "'"));
  }
  KpiResult& kr = *out;
  kr.id = spec.id;
  kr.title = spec.title;
  kr.list = spec.list;
  kr.measure = spec.measure;
  kr.by_owner = spec.by_owner;
  kr.value = rulebook::Aggregate(spec.measure, column, list.matches);
  if (spec.by_owner) {
    std::optional<rulebook::OwnerLookup> lookup = rulebook::OwnerLookup::Make(
        impl_->schema, snapshot, *table, impl_->limits.max_relation_depth);
    if (!lookup.has_value()) {
      return DataError(spec.location,
                       absl::StrCat("table '", table->name(), "' has no owner column for KPI '",
                                    spec.id, "' (by: owner)"));
    }
    kr.groups = rulebook::AggregateByOwner(spec.measure, column, list.matches, *lookup);
  }
  return absl::OkStatus();
}

}  // namespace docket
