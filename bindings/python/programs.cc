// Predicate: one expression compiled against a table's (or a schema's) types,
// evaluated with the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "docket/history.h"
#include "docket/options.h"
#include "docket/program.h"
#include "docket/table.h"
#include "errors.h"
#include "fmt/format.h"
#include "lang/param_names.h"
#include "register.h"
#include "timing.h"
#include "values.h"

namespace docket::python {

namespace py = pybind11;

namespace {

EvalOptions MakeEvalOptions(const py::tuple& as_of, const std::optional<std::string>& time_zone,
                            const py::dict& params, const std::optional<std::string>& owner,
                            bool want_nulls, int threads, const History* history = nullptr) {
  EvalOptions o;
  o.history = history;
  o.as_of = DayFromTuple(as_of);
  if (time_zone.has_value()) o.time_zone = LoadZone(*time_zone);
  o.params = ParamsFromPython(params);
  o.owner = owner;
  o.want_nulls = want_nulls;
  o.threads = threads;
  return o;
}

py::dict DiagnosticsToDict(const Diagnostics& d) {
  py::dict out;
  out["division_by_zero"] = d.division_by_zero;
  out["int_overflow"] = d.int_overflow;
  out["orphan_rows"] = d.orphan_rows;
  return out;
}

// Evaluates over a Table or a Snapshot (whichever `data` holds), GIL released.
// Over a snapshot the program's result also says which relations were read
// and which child rows had no parent.
struct RunResult {
  PredicateResult predicate;
  std::vector<RelationDiagnostics> relations;
  std::vector<std::string> notes;  // What the history functions could not read.
};

RunResult Run(const CompiledPredicate& pred, const py::object& data, const EvalOptions& options) {
  if (py::isinstance<Table>(data)) {
    Table table = data.cast<Table>();  // Shares buffers: a cheap copy.
    absl::StatusOr<PredicateResult> r;
    {
      py::gil_scoped_release release;
      r = pred.EvaluateTable(table, options);
    }
    PredicateResult pr = ValueOrThrow(std::move(r));
    std::vector<std::string> notes = std::move(pr.notes);
    return RunResult{std::move(pr), {}, std::move(notes)};
  }
  if (py::isinstance<Snapshot>(data)) {
    const Snapshot& snapshot = data.cast<const Snapshot&>();
    absl::StatusOr<ProgramResult> r;
    {
      py::gil_scoped_release release;
      r = pred.program().Evaluate(snapshot, options);
    }
    ProgramResult pr = ValueOrThrow(std::move(r));
    if (pr.predicates.empty()) throw py::value_error("empty predicate");
    return RunResult{std::move(pr.predicates[0]), std::move(pr.relations), std::move(pr.notes)};
  }
  throw py::type_error("evaluate() takes a _docket.Table or a _docket.Snapshot");
}

CompileOptions MakeCompileOptions(const py::dict& params) {
  CompileOptions o;
  o.params = ParamsFromPython(params);
  for (const auto& [name, value] : o.params) {
    // A compile-time param's value gives its type: None has none (it would
    // silently become a bool).  A None override of a typed param is a NULL.
    if (value.is_null() && value.type().id == TypeId::kBool) {  // NaT is a typed NULL.
      throw py::type_error(
          fmt::format("param '{}' is None at compile time, so it has no type; give a value of the "
                      "type it will hold "
                      "(e.g. 0, 0.0, '', datetime.date), then pass params={{'{}': None}} when "
                      "evaluating for a NULL",
                      name, name));
    }
  }
  return o;
}

// A param the expression never reads is a misspelling (lang/param_names.h):
// a CompileError with a did-you-mean, as the CLI's `eval --param` and a
// rulebook's unknown param are.
void CheckParamsUsed(const std::string& expression, const py::dict& params) {
  std::vector<std::string> given;
  for (const auto& item : params) given.push_back(py::str(item.first).cast<std::string>());
  ThrowIfError(lang::CheckParamsUsed(expression, given));
}

}  // namespace

void RegisterPrograms(py::module_& m) {
  py::class_<CompiledPredicate>(m, "Predicate", "One compiled predicate (immutable, thread-safe).")
      .def_property_readonly(
          "table", [](const CompiledPredicate& p) { return p.program().predicate_table(0); })
      .def_property_readonly(
          "source", [](const CompiledPredicate& p) { return p.program().predicate_source(0).text; })
      .def_property_readonly("plan",
                             [](const CompiledPredicate& p) { return p.program().DebugString(); })
      .def(
          "evaluate",
          [](const CompiledPredicate& p, const py::object& data, const py::tuple& as_of,
             const std::optional<std::string>& time_zone, const py::dict& params,
             const std::optional<std::string>& owner, bool want_nulls, int threads,
             const History* history) {
            EvalOptions o =
                MakeEvalOptions(as_of, time_zone, params, owner, want_nulls, threads, history);
            RunResult run = Run(p, data, o);
            const PredicateResult& r = run.predicate;
            py::object nulls = py::none();
            if (want_nulls && r.nulls.size() == r.rows.size() && r.nulls.CountSet() > 0) {
              nulls = BitsToBools(r.nulls.data(), r.nulls.size());
            }
            return py::make_tuple(BitsToBools(r.rows.data(), r.rows.size()), nulls, r.count,
                                  DiagnosticsToDict(r.diagnostics), RelationsToList(run.relations),
                                  run.notes);
          },
          py::arg("data"), py::arg("as_of"), py::arg("time_zone") = py::none(),
          py::arg("params") = py::dict(), py::arg("owner") = py::none(),
          py::arg("want_nulls") = true, py::arg("threads") = 0, py::arg("history") = nullptr,
          "Returns (rows: bool array, nulls: bool array or None, count, diagnostics, relations, "
          "notes).")
      .def(
          "count",
          [](const CompiledPredicate& p, const py::object& data, const py::tuple& as_of,
             const std::optional<std::string>& time_zone, const py::dict& params,
             const std::optional<std::string>& owner, int threads, const History* history) {
            EvalOptions o =
                MakeEvalOptions(as_of, time_zone, params, owner, false, threads, history);
            RunResult run = Run(p, data, o);
            return py::make_tuple(run.predicate.count, DiagnosticsToDict(run.predicate.diagnostics),
                                  RelationsToList(run.relations), run.notes);
          },
          py::arg("data"), py::arg("as_of"), py::arg("time_zone") = py::none(),
          py::arg("params") = py::dict(), py::arg("owner") = py::none(), py::arg("threads") = 0,
          py::arg("history") = nullptr, "Returns (count, diagnostics, relations, notes).");

  // Benchmark hook: the best of `iterations` evaluations timed inside C++
  // (no Python in the loop), to show what the binding adds.
  m.def(
      "_evaluate_seconds",
      [](const CompiledPredicate& p, const Table& table, const py::tuple& as_of, int threads,
         int iterations) {
        EvalOptions o =
            MakeEvalOptions(as_of, std::nullopt, py::dict(), std::nullopt, false, threads);
        return BestSeconds(iterations, [&] { return p.EvaluateTable(table, o); });
      },
      py::arg("predicate"), py::arg("table"), py::arg("as_of"), py::arg("threads") = 0,
      py::arg("iterations") = 5);
  m.def(
      "compile_for_table",
      [](const std::string& expression, const Table& table, const py::dict& params) {
        CompiledPredicate p = ValueOrThrow(
            CompiledPredicate::Compile(expression, table.schema(), MakeCompileOptions(params)));
        CheckParamsUsed(expression, params);
        return p;
      },
      py::arg("expression"), py::arg("table"), py::arg("params") = py::dict());
  m.def(
      "compile_for_schema",
      [](const std::string& expression, const Schema& schema, const std::string& table,
         const py::dict& params) {
        CompiledPredicate p = ValueOrThrow(
            CompiledPredicate::Compile(expression, schema, table, MakeCompileOptions(params)));
        CheckParamsUsed(expression, params);
        return p;
      },
      py::arg("expression"), py::arg("schema"), py::arg("table"), py::arg("params") = py::dict());
}

}  // namespace docket::python
