// The on-change path from Python (docs/python.md, "One account changed"):
// docket.EvalContext keeps a docket::RulebookContext and its RulebookResult,
// so evaluate_one runs the command center (CompiledRulebook::Evaluate's kept-
// context overload: lists, ordered top rows, KPIs) on a small snapshot (one
// account and its related rows) without allocating on the C++ side once
// warm; what Python receives is one numpy array of counts (and, when asked,
// one array of positions per list, its kept rows, the KPI values).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <mutex>
#include <optional>
#include <string>

#include "docket/program.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "errors.h"
#include "register.h"
#include "values.h"

namespace docket::python {

namespace py = pybind11;

namespace {

struct PyEvalContext {
  RulebookContext context;
  RulebookResult result;
  std::mutex busy;  // One evaluation at a time per context.
  bool has_result = false;
};

const ListResult& ListAt(const PyEvalContext& c, int i) {
  if (!c.has_result) throw py::value_error("this EvalContext has not evaluated anything yet");
  if (i < 0 || i >= static_cast<int>(c.result.lists.size())) {
    throw py::index_error("list index " + std::to_string(i) + " out of range (" +
                          std::to_string(c.result.lists.size()) + " lists)");
  }
  return c.result.lists[static_cast<size_t>(i)];
}

}  // namespace

void RegisterOnChange(py::module_& m) {
  py::class_<PyEvalContext>(m, "EvalContext",
                            "Reusable evaluation state for the on-change path (one per thread).")
      .def(py::init<>())
      .def_property_readonly("evaluations",
                             [](const PyEvalContext& c) { return c.context.evaluations(); })
      .def_property_readonly(
          "setups", [](const PyEvalContext& c) { return c.context.eval_context().setups(); })
      .def("counts",
           [](const PyEvalContext& c) {
             if (!c.has_result)
               throw py::value_error("this EvalContext has not evaluated anything yet");
             py::array_t<int64_t> out(static_cast<py::ssize_t>(c.result.lists.size()));
             int64_t* p = out.mutable_data();
             for (const ListResult& r : c.result.lists) *p++ = r.count;
             return out;
           })
      .def("matches",
           [](const PyEvalContext& c, int i) {
             const ListResult& r = ListAt(c, i);
             py::array_t<int64_t> out(static_cast<py::ssize_t>(r.count));
             int64_t* p = out.mutable_data();
             ForEachSetBit(r.matches.data(), 0, r.matches.size(), [&](int64_t row) { *p++ = row; });
             return out;
           })
      .def("kept",
           [](const PyEvalContext& c, int i) {
             // The rows the list keeps, in order (order_by, limit, max_rows).
             const ListResult& r = ListAt(c, i);
             py::array_t<int64_t> out(static_cast<py::ssize_t>(r.kept()));
             int64_t* p = out.mutable_data();
             r.ForEachKeptRow([&](int64_t row) { *p++ = row; });
             return out;
           })
      .def("kpis", [](const PyEvalContext& c) {
        // {kpi id: value} over every row in the lists (by-owner groups: run()).
        if (!c.has_result) throw py::value_error("this EvalContext has not evaluated anything yet");
        py::dict out;
        for (const KpiResult& k : c.result.kpis) out[py::str(k.id)] = ValueToPython(k.value);
        return out;
      });

  m.def(
      "evaluate_one",
      [](const CompiledRulebook& hub, const Snapshot& snapshot, const py::tuple& as_of,
         const std::optional<std::string>& time_zone, PyEvalContext& ctx,
         std::optional<int64_t> max_rows) {
        RunOptions o;
        o.as_of = DayFromTuple(as_of);
        if (time_zone.has_value()) o.time_zone = LoadZone(*time_zone);
        o.threads = 1;  // One account: the caller's thread.
        o.max_rows = max_rows;
        std::unique_lock<std::mutex> lock(ctx.busy, std::try_to_lock);
        if (!lock.owns_lock())
          throw py::value_error(
              "this EvalContext is in use by another thread (use one per thread)");
        absl::Status s;
        {
          py::gil_scoped_release release;
          s = hub.Evaluate(snapshot, o, &ctx.context, &ctx.result);
        }
        ctx.has_result = s.ok();
        ThrowIfError(s);
      },
      py::arg("compiled"), py::arg("snapshot"), py::arg("as_of"), py::arg("time_zone") = py::none(),
      py::arg("context"), py::arg("max_rows") = py::none());
}

}  // namespace docket::python
