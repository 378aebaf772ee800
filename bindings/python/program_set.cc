// Program: several predicates compiled into one docket::Program and evaluated
// in one pass, GIL released.  Internal (not re-exported by python/docket):
// it is the baseline `Rulebook.run` is measured against
// (benchmarks/python/bench_workload.py, issue 13), and `counts` returns
// the per-predicate counts so the benchmark can check both agree.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "docket/program.h"
#include "docket/table.h"
#include "errors.h"
#include "register.h"
#include "timing.h"
#include "values.h"

namespace docket::python {

namespace py = pybind11;

namespace {

EvalOptions ProgramOptions(const py::tuple& as_of, int threads) {
  EvalOptions o;
  o.as_of = DayFromTuple(as_of);
  o.threads = threads;
  return o;
}

}  // namespace

void RegisterProgramSet(py::module_& m) {
  py::class_<Program>(m, "Program",
                      "Predicates compiled as one program and evaluated in one pass "
                      "(internal: the baseline of the Rulebook.run benchmark).")
      .def_static(
          "compile",
          [](const Schema& schema, const std::string& table,
             const std::vector<std::string>& expressions) {
            ProgramBuilder builder(schema);
            for (const std::string& e : expressions) {
              ValueOrThrow(builder.AddPredicate(table, ExpressionSource{e, {}}));
            }
            return ValueOrThrow(std::move(builder).Build());
          },
          py::arg("schema"), py::arg("table"), py::arg("expressions"),
          "Compiles each expression (a bool rule over `table`) into one program.")
      .def_property_readonly("num_predicates", &Program::num_predicates)
      .def(
          "counts",
          [](const Program& p, const Snapshot& snapshot, const py::tuple& as_of, int threads) {
            EvalOptions o = ProgramOptions(as_of, threads);
            absl::StatusOr<ProgramResult> r;
            {
              py::gil_scoped_release release;
              r = p.Evaluate(snapshot, o);
            }
            ProgramResult result = ValueOrThrow(std::move(r));
            std::vector<int64_t> counts;
            counts.reserve(result.predicates.size());
            for (const PredicateResult& pr : result.predicates) counts.push_back(pr.count);
            return counts;
          },
          py::arg("snapshot"), py::arg("as_of"), py::arg("threads") = 0,
          "Evaluates every predicate in one pass; returns their counts (in compile order).")
      .def(
          "_evaluate_seconds",
          [](const Program& p, const Snapshot& snapshot, const py::tuple& as_of, int threads,
             int iterations) {
            // Benchmark hook: the best of `iterations` evaluations timed inside C++.
            EvalOptions o = ProgramOptions(as_of, threads);
            return BestSeconds(iterations, [&] { return p.Evaluate(snapshot, o); });
          },
          py::arg("snapshot"), py::arg("as_of"), py::arg("threads") = 0, py::arg("iterations") = 5);
}

}  // namespace docket::python
