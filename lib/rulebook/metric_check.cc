#include "rulebook/metric_check.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/names.h"
#include "docket/error.h"
#include "docket/metrics.h"
#include "rulebook/kpi.h"
#include "rulebook/rows.h"

namespace docket::metrics {
namespace {

absl::Status At(const SourceLocation& where, std::string message, std::string hint, size_t span) {
  ErrorDetail d;
  d.kind = ErrorKind::kCompile;
  d.location = where;
  d.message = std::move(message);
  d.hint = std::move(hint);
  d.span = std::max<int>(1, static_cast<int>(span));
  return MakeError(d);
}

std::string Hint(std::string_view name, const std::vector<std::string>& candidates,
                 std::string_view what) {
  std::string close = base::ClosestName(name, candidates);
  if (!close.empty()) return absl::StrCat("did you mean '", close, "'?");
  if (candidates.empty() || candidates.size() > 12) return "";
  return absl::StrCat(std::string(what), ": ", absl::StrJoin(candidates, ", "));
}

bool HasOwner(const Schema& schema, const TableSchema& table) {
  const TableSchema* t = &table;
  for (int depth = 0; t != nullptr && depth < 64; ++depth) {
    if (!t->owner.empty()) return true;
    if (!t->parent.has_value()) return false;
    t = schema.FindTable(t->parent->table);
  }
  return false;
}

}  // namespace

absl::Status CheckMetrics(const Rulebook& book, const Schema& schema, const Limits& limits) {
  if (book.metrics == nullptr) return absl::OkStatus();
  std::vector<std::string> tables;
  for (const TableSchema& t : schema.tables) tables.push_back(t.name);
  CompileOptions copts;
  copts.limits = limits;
  for (const RulebookParam& p : book.params) copts.params[p.name] = p.value;
  ProgramBuilder builder(schema, copts);
  for (const SegmentSpec& s : book.segments) {
    if (absl::Status st = builder.AddSegment(s.name, s.expression); !st.ok()) return st;
  }
  for (const MetricSpec& m : book.metrics->metrics) {
    if (m.kind != MetricKind::kSimple) continue;
    const TableSchema* t = schema.FindTable(m.table);
    if (t == nullptr) {
      return At(m.table_location,
                absl::StrCat("metric '", m.id, "' measures unknown table '", m.table, "'"),
                Hint(m.table, tables, "the tables are"), m.table.size());
    }
    std::vector<std::string> columns;
    for (const ColumnSchema& c : t->columns) columns.push_back(c.name);
    auto unknown = [&](const std::string& name, const SourceLocation& at, std::string_view key) {
      return At(at,
                absl::StrCat("unknown column '", name, "' in '", std::string(key), "' of metric '",
                             m.id, "' (table '", m.table, "')"),
                Hint(name, columns, "the columns are"), name.size());
    };
    if (!m.measure.column.empty()) {
      const ColumnSchema* c = t->Column(m.measure.column);
      if (c == nullptr) return unknown(m.measure.column, m.measure_location, "measure");
      if (!rulebook::MeasureAccepts(m.measure.kind, c->type)) {
        return At(m.measure_location,
                  absl::StrCat("cannot compute ", m.measure.ToString(), " of a ",
                               c->type.ToString(), " column"),
                  "sum and avg need an int or float column; min and max an orderable one",
                  m.measure.column.size());
      }
    }
    const ColumnSchema* time = t->Column(m.time);
    if (time == nullptr) return unknown(m.time, m.time_location, "time");
    if (time->type.id != TypeId::kDate && time->type.id != TypeId::kTimestamp) {
      return At(m.time_location,
                absl::StrCat("'time: ", m.time, "' of metric '", m.id, "' is a ",
                             time->type.ToString(), " column"),
                "name a date or timestamp column", m.time.size());
    }
    if (m.by == "owner") {
      if (!HasOwner(schema, *t) && t->Column("owner") == nullptr) {
        return At(m.by_location,
                  absl::StrCat("metric '", m.id, "' is 'by: owner' but table '", m.table,
                               "' has no owner column (nor a parent with one)"),
                  absl::StrCat("declare 'owner: <column>' for table '", m.table, "'"), 5);
      }
    } else if (!m.by.empty() && t->Column(m.by) == nullptr) {
      if (m.by.find('.') == std::string::npos) {
        std::vector<std::string> options = columns;
        options.push_back("owner");
        return At(m.by_location,
                  absl::StrCat("unknown column '", m.by, "' in 'by' of metric '", m.id,
                               "' (table '", m.table, "')"),
                  Hint(m.by, options, "owner, a column or a parent field; the columns are"),
                  m.by.size());
      }
      absl::StatusOr<rulebook::ParentPath> path = rulebook::ResolveParentPath(schema, *t, m.by);
      if (!path.ok()) {
        return At(m.by_location,
                  absl::StrCat("unknown parent field '", m.by, "' in 'by' of metric '", m.id, "'"),
                  std::string(path.status().message()), m.by.size());
      }
    }
    if (m.where.has_value()) {
      absl::StatusOr<int> k = builder.AddPredicate(m.table, *m.where);
      if (!k.ok()) return k.status();
    }
  }
  return absl::OkStatus();
}

}  // namespace docket::metrics
