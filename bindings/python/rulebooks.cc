// Rulebook, CompiledRulebook and RulebookResult.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "docket/rulebook.h"
#include "docket/table.h"
#include "errors.h"
#include "fmt/format.h"
#include "register.h"
#include "result_keys.h"
#include "timing.h"
#include "values.h"

namespace docket::python {

namespace py = pybind11;

namespace {

py::dict LocationToDict(const SourceLocation& l) {
  py::dict d;
  d["file"] = l.file;
  d["line"] = l.line;
  d["column"] = l.column;
  return d;
}

py::list ResourcesToList(const std::vector<Resource>& resources) {
  py::list out;
  for (const Resource& r : resources) out.append(py::make_tuple(r.title, r.url));
  return out;
}

py::dict ListSpecToDict(const ListSpec& l) {
  py::dict d;
  d["id"] = l.id;
  d["title"] = l.title;
  d["horizon"] = std::string(HorizonName(l.horizon));
  d["table"] = l.table;
  d["when"] = l.when.text;
  d["show"] = l.show;
  std::vector<std::string> order;
  for (const OrderKey& k : l.order_by) {
    order.push_back(fmt::format("{}{}{}", k.column, k.descending ? " DESC" : "",
                                k.nulls_first ? " NULLS FIRST" : ""));
  }
  d["order_by"] = order;
  d["limit"] = l.limit.has_value() ? py::object(py::int_(*l.limit)) : py::object(py::none());
  d["action"] = l.action;
  d["resources"] = ResourcesToList(l.resources);
  d["location"] = LocationToDict(l.location);
  d["trigger"] = l.trigger == Trigger::kEntered  ? py::object(py::str("entered"))
                 : l.trigger == Trigger::kExited ? py::object(py::str("exited"))
                                                 : py::object(py::none());
  return d;
}

py::dict KpiSpecToDict(const KpiSpec& k) {
  py::dict d;
  d["id"] = k.id;
  d["title"] = k.title;
  d["list"] = k.list;
  d["measure"] = k.measure.ToString();
  d["by_owner"] = k.by_owner;
  return d;
}

py::dict DiagnosticsToDict(const Diagnostics& d) {
  py::dict out;
  out["division_by_zero"] = d.division_by_zero;
  out["int_overflow"] = d.int_overflow;
  out["orphan_rows"] = d.orphan_rows;
  return out;
}

// Compiles against the data.  numpy carries its own timestamp unit, so a
// declared `timestamp` column takes the data's unit (a view, not a copy).
CompiledRulebook CompileFor(const Rulebook& book, const Snapshot& snapshot) {
  if (book.schema.tables.empty())
    return ValueOrThrow(CompiledRulebook::Compile(book, snapshot.schema));
  Rulebook adjusted = book;
  for (TableSchema& t : adjusted.schema.tables) {
    const TableSchema* data = snapshot.schema.FindTable(t.name);
    if (data == nullptr) continue;
    for (ColumnSchema& c : t.columns) {
      const ColumnSchema* dc = data->Column(c.name);
      if (c.type.id == TypeId::kTimestamp && dc != nullptr && dc->type.id == TypeId::kTimestamp) {
        c.type.unit = dc->type.unit;
      }
    }
  }
  return ValueOrThrow(CompiledRulebook::Compile(adjusted, snapshot.schema));
}

// Param overrides: a str is parsed as the declared param's type (like
// `--param name=text`); other values convert by their Python type.
std::map<std::string, Value, std::less<>> RunParams(const CompiledRulebook& hub,
                                                    const py::dict& params) {
  std::map<std::string, Value, std::less<>> out;
  for (auto [k, v] : params) {
    std::string name = py::str(k).cast<std::string>();
    if (!name.empty() && name[0] == '$') name = name.substr(1);
    const RulebookParam* declared = hub.rulebook().FindParam(name);
    if (declared == nullptr) {
      out[name] =
          ValueOrThrow(hub.ParseParam(name, ""));  // Unknown: the error has a did-you-mean hint.
    } else if (py::isinstance<py::str>(v) && declared->value.type().id != TypeId::kString) {
      out[name] = ValueOrThrow(hub.ParseParam(name, v.cast<std::string>()));
    } else {
      out[name] = ValueFromPython(fmt::format("param '{}'", name), v);
    }
  }
  return out;
}

using ResultPtr = std::shared_ptr<RulebookResult>;

const ListResult& ListAt(const RulebookResult& r, int i) {
  if (i < 0 || i >= static_cast<int>(r.lists.size()))
    throw py::index_error("list index out of range");
  return r.lists[static_cast<size_t>(i)];
}

}  // namespace

void RegisterRulebooks(py::module_& m) {
  py::class_<Rulebook>(m, "Rulebook",
                       "A parsed rulebook (lists, segments, params, KPIs, declared tables).")
      .def_static(
          "load", [](const std::string& path) { return ValueOrThrow(Rulebook::Load(path)); },
          py::arg("path"))
      .def_static(
          "from_yaml",
          [](const std::string& text, const std::string& filename) {
            return ValueOrThrow(Rulebook::FromYaml(text, filename));
          },
          py::arg("text"), py::arg("filename") = "<rulebook>")
      .def_property_readonly("name", [](const Rulebook& b) { return b.name; })
      .def_property_readonly("file", [](const Rulebook& b) { return b.file; })
      .def_property_readonly("time_zone", [](const Rulebook& b) { return b.time_zone_name; })
      .def("params",
           [](const Rulebook& b) {
             py::dict d;
             for (const RulebookParam& p : b.params) d[py::str(p.name)] = ValueToPython(p.value);
             return d;
           })
      .def("tables", [](const Rulebook& b) { return SchemaToDict(b.schema); })
      .def("lists",
           [](const Rulebook& b) {
             py::list out;
             for (const ListSpec& l : b.lists) out.append(ListSpecToDict(l));
             return out;
           })
      .def("kpis",
           [](const Rulebook& b) {
             py::list out;
             for (const KpiSpec& k : b.kpis) out.append(KpiSpecToDict(k));
             return out;
           })
      .def("segments",
           [](const Rulebook& b) {
             py::dict d;
             for (const SegmentSpec& s : b.segments) d[py::str(s.name)] = s.expression.text;
             return d;
           })
      .def("compile", &CompileFor, py::arg("snapshot"),
           "Compiles against the snapshot's schema (declared timestamp columns take the data's "
           "unit).");

  py::class_<CompiledRulebook>(m, "CompiledRulebook",
                               "A compiled rulebook (immutable, thread-safe).")
      .def(
          "run",
          [](const CompiledRulebook& hub, const Snapshot& snapshot, const py::tuple& as_of,
             const std::optional<std::string>& time_zone, const std::optional<std::string>& owner,
             const py::dict& params, int threads, const std::vector<std::string>& lists,
             std::optional<int64_t> max_rows, const History* history) {
            RunOptions o;
            o.as_of = DayFromTuple(as_of);
            o.history = history;
            if (time_zone.has_value()) o.time_zone = LoadZone(*time_zone);
            o.owner = owner;
            o.params = RunParams(hub, params);
            o.threads = threads;
            o.lists = lists;
            o.max_rows = max_rows;
            absl::StatusOr<RulebookResult> r;
            {
              py::gil_scoped_release release;
              r = hub.Evaluate(snapshot, o);
            }
            return ResultPtr(std::make_shared<RulebookResult>(ValueOrThrow(std::move(r))));
          },
          py::arg("snapshot"), py::arg("as_of"), py::arg("time_zone") = py::none(),
          py::arg("owner") = py::none(), py::arg("params") = py::dict(), py::arg("threads") = 0,
          py::arg("lists") = std::vector<std::string>(), py::arg("max_rows") = py::none(),
          py::arg("history") = nullptr)
      .def(
          "_run_seconds",
          [](const CompiledRulebook& hub, const Snapshot& snapshot, const py::tuple& as_of,
             int threads, std::optional<int64_t> max_rows, int iterations) {
            // Benchmark hook: the best of `iterations` runs timed inside C++.
            RunOptions o;
            o.as_of = DayFromTuple(as_of);
            o.threads = threads;
            o.max_rows = max_rows;
            return BestSeconds(iterations, [&] { return hub.Evaluate(snapshot, o); });
          },
          py::arg("snapshot"), py::arg("as_of"), py::arg("threads") = 0,
          py::arg("max_rows") = py::none(), py::arg("iterations") = 5)
      .def("schema", [](const CompiledRulebook& hub) { return SchemaToDict(hub.schema()); })
      .def("lists", [](const CompiledRulebook& hub) {
        py::list out;
        for (const ListSpec& l : hub.rulebook().lists) out.append(ListSpecToDict(l));
        return out;
      });

  py::class_<RulebookResult, ResultPtr>(m, "RulebookResult", "The lists and KPIs of one run.")
      .def_property_readonly("name", [](const RulebookResult& r) { return r.name; })
      .def_property_readonly(
          "as_of", [](const RulebookResult& r) { return ValueToPython(Value::Date(r.as_of)); })
      .def_property_readonly("time_zone", [](const RulebookResult& r) { return r.time_zone; })
      .def_property_readonly("owner", [](const RulebookResult& r) { return r.owner; })
      .def_property_readonly("notes", [](const RulebookResult& r) { return r.notes; })
      .def("lists",
           [](const RulebookResult& r) {
             py::list out;
             for (const ListResult& l : r.lists) {
               py::dict d;
               d["id"] = l.id;
               d["title"] = l.title;
               d["horizon"] = std::string(HorizonName(l.horizon));
               d["table"] = l.table;
               d["action"] = l.action;
               d["resources"] = ResourcesToList(l.resources);
               d["show"] = l.show;
               d["count"] = l.count;
               d["shown"] = l.kept();
               d["table_rows"] = l.data.num_rows();
               d["diagnostics"] = DiagnosticsToDict(l.diagnostics);
               out.append(d);
             }
             return out;
           })
      .def("rows",
           [](const RulebookResult& r, int i) {
             const ListResult& l = ListAt(r, i);
             // Positions straight into a numpy array (from the bitmap when
             // the list keeps every match): no Python object per row.
             py::array_t<int64_t> out(static_cast<py::ssize_t>(l.kept()));
             int64_t* dst = out.mutable_data();
             l.ForEachKeptRow([&](int64_t row) { *dst++ = row; });
             return out;
           })
      .def("keys", [](const RulebookResult& r, int i) { return KeysToList(ListAt(r, i)); })
      .def(
          "data_columns",
          [](const RulebookResult& r, int i) {
            py::list out;
            for (const ColumnSchema& c : ListAt(r, i).data.schema().columns) {
              out.append(py::make_tuple(c.name, c.type.ToString()));
            }
            return out;
          },
          "The columns of the list's table as evaluated: the table's own, then the parent fields "
          "(account.name) the list shows or orders by.")
      .def(
          "column",
          [](const RulebookResult& r, int i, const std::string& column) -> py::object {
            const ListResult& l = ListAt(r, i);
            const Column* c = l.data.FindColumn(column);
            if (c == nullptr) return py::none();
            return ColumnAtRows(*c, l.KeptRows());
          },
          py::arg("i"), py::arg("column"),
          "The values of `column` at the list's rows (ordered and limited) as numpy arrays: "
          "(kind, values, nulls, categories, unit), see bindings/python/values.h; None when the "
          "list's "
          "table has no such column.")
      .def("matches",
           [](const RulebookResult& r, int i) {
             const ListResult& l = ListAt(r, i);
             return BitsToBools(l.matches.data(), l.matches.size());
           })
      .def("cells",
           [](const RulebookResult& r, int i, const std::string& column) {
             const ListResult& l = ListAt(r, i);
             py::list out;
             l.ForEachKeptRow([&](int64_t row) { out.append(ValueToPython(l.Cell(row, column))); });
             return out;
           })
      .def("relations", [](const RulebookResult& r) { return RelationsToList(r.relations); })
      .def("kpis", [](const RulebookResult& r) {
        py::list out;
        for (const KpiResult& k : r.kpis) {
          py::dict d;
          d["id"] = k.id;
          d["title"] = k.title;
          d["list"] = k.list;
          d["measure"] = k.measure.ToString();
          d["by_owner"] = k.by_owner;
          d["value"] = ValueToPython(k.value);
          py::list groups;
          for (const auto& [owner, value] : k.groups)
            groups.append(py::make_tuple(owner, ValueToPython(value)));
          d["groups"] = groups;
          out.append(d);
        }
        return out;
      });
}

}  // namespace docket::python
