// The command center's text, its notes and value display for the Python
// package: the renderers `docket run` uses (rulebook/command_center.h), so
// Python formats nothing itself and cannot drift from the CLI.
//
// A run on one machine renders its own RulebookResult.  A run merged from
// partitions (docket.dask) has no RulebookResult of its own: the client holds
// merged counts, KPI values, relations and the partitions' kept rows as
// column parts (see values.h, ColumnAtRows).  render_merged_command_center
// builds a RulebookResult from those and the skeleton run's metadata, then
// renders it with the same function.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "docket/builder.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "errors.h"
#include "fmt/format.h"
#include "register.h"
#include "rulebook/command_center.h"
#include "values.h"

namespace docket::python {

namespace py = pybind11;

namespace {

std::vector<RelationDiagnostics> RelationsFromPython(const py::list& relations) {
  std::vector<RelationDiagnostics> out;
  for (py::handle h : relations) {
    py::dict d = py::reinterpret_borrow<py::dict>(h);
    RelationDiagnostics r;
    r.table = d["table"].cast<std::string>();
    r.parent = d["parent"].cast<std::string>();
    r.null_keys = d["null_keys"].cast<int64_t>();
    r.missing_keys = d["missing_keys"].cast<int64_t>();
    out.push_back(std::move(r));
  }
  return out;
}

TimeUnit UnitFromSuffix(const std::string& s) {
  if (s == "ms") return TimeUnit::kMilli;
  if (s == "us") return TimeUnit::kMicro;
  if (s == "ns") return TimeUnit::kNano;
  return TimeUnit::kSecond;
}

// One partition's column parts (kind, values, nulls, categories, unit), as
// ColumnAtRows makes them, read row by row.
struct Parts {
  std::string kind;
  py::array values;
  py::object nulls;
  py::object categories;
  TimeUnit unit = TimeUnit::kNano;
  int64_t size = 0;

  explicit Parts(const py::tuple& t)
      : kind(t[0].cast<std::string>()),
        values(t[1].cast<py::array>()),
        nulls(t[2]),
        categories(t[3]) {
    if (!t[4].is_none()) unit = UnitFromSuffix(t[4].cast<std::string>());
    size = static_cast<int64_t>(values.size());
  }
  bool IsNull(int64_t i) const {
    return !nulls.is_none() && nulls.cast<py::array_t<bool>>().at(static_cast<py::ssize_t>(i));
  }
};

DataType TypeOfParts(const Parts& p) {
  if (p.kind == "bool") return DataType::Bool();
  if (p.kind == "int") return DataType::Int();
  if (p.kind == "float") return DataType::Float();
  if (p.kind == "date") return DataType::Date();
  if (p.kind == "timestamp") return DataType::Timestamp(p.unit);
  if (p.kind == "string") return DataType::String();
  throw py::value_error(fmt::format("unknown column kind '{}'", p.kind));
}

// Timestamps of `from` in `to` (partitions of one column share a unit; this
// only guards a frame whose partitions came in different units).
int64_t Rescale(int64_t v, TimeUnit from, TimeUnit to) {
  int64_t a = UnitsPerSecond(from), b = UnitsPerSecond(to);
  return a == b ? v : (a < b ? v * (b / a) : v / (a / b));
}

// Row `order[i]` of the concatenation of `parts`, for i < n, as one column.
Column GatherParts(const std::vector<Parts>& parts, const std::vector<int64_t>& order, int64_t n) {
  DataType type = TypeOfParts(parts.front());
  ColumnBuilder b(type, StringEncoding::kPlain);
  std::vector<int64_t> starts = {0};
  for (const Parts& p : parts) starts.push_back(starts.back() + p.size);
  for (int64_t i = 0; i < n; ++i) {
    int64_t g = order[static_cast<size_t>(i)];
    if (g < 0 || g >= starts.back()) throw py::index_error("merged row out of range");
    size_t k =
        static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), g) - starts.begin() - 1);
    const Parts& p = parts[k];
    auto at = static_cast<py::ssize_t>(g - starts[k]);
    if (p.kind != parts.front().kind)
      throw py::value_error("the partitions disagree on a column's type");
    if (p.IsNull(at)) {
      b.AppendNull();
      continue;
    }
    switch (type.id) {
      case TypeId::kBool:
        b.AppendBool(p.values.cast<py::array_t<bool>>().at(at));
        break;
      case TypeId::kInt:
        b.AppendInt(p.values.cast<py::array_t<int64_t>>().at(at));
        break;
      case TypeId::kFloat:
        b.AppendFloat(p.values.cast<py::array_t<double>>().at(at));
        break;
      case TypeId::kDate:
        b.AppendDate(static_cast<int32_t>(p.values.cast<py::array_t<int64_t>>().at(at)));
        break;
      case TypeId::kTimestamp:
        b.AppendTimestamp(Rescale(p.values.cast<py::array_t<int64_t>>().at(at), p.unit, type.unit));
        break;
      case TypeId::kString: {
        int32_t code = p.values.cast<py::array_t<int32_t>>().at(at);
        b.AppendString(
            p.categories.cast<py::list>()[static_cast<size_t>(code)].cast<std::string>());
        break;
      }
    }
  }
  return std::move(b).Finish();
}

// The merged list: the skeleton's metadata, the merged count, and a table of
// its first `top` kept rows holding the shown columns.
ListResult MergedList(const ListResult& skeleton, const py::dict& merged, int64_t top) {
  ListResult l = skeleton;  // Id, title, horizon, table, action, resources, shown columns.
  l.matches = Bitmap();
  l.all_matches = false;
  l.rows.clear();
  l.count = merged["count"].cast<int64_t>();
  std::vector<int64_t> order = merged["order"].cast<std::vector<int64_t>>();
  const int64_t n = std::min<int64_t>(top, static_cast<int64_t>(order.size()));
  py::dict columns = merged["columns"].cast<py::dict>();
  TableSchema schema;
  schema.name = skeleton.table;
  std::vector<Column> data;
  for (const std::string& name : l.show) {
    if (!columns.contains(name)) continue;  // Rendered empty, as a column the list's table lacks.
    std::vector<Parts> parts;
    for (py::handle h : columns[py::str(name)].cast<py::list>())
      parts.emplace_back(h.cast<py::tuple>());
    if (parts.empty()) continue;
    data.push_back(GatherParts(parts, order, n));
    schema.columns.push_back(ColumnSchema{name, data.back().type(), SourceLocation{}});
  }
  l.data = ValueOrThrow(Table::Make(std::move(schema), std::move(data)));
  for (int64_t i = 0; i < n; ++i) l.rows.push_back(i);
  return l;
}

rulebook::RenderOptions Options(int64_t top, int width) {
  if (top < 0) throw py::value_error(fmt::format("top must be >= 0, not {}", top));
  if (width < 20) throw py::value_error(fmt::format("width must be >= 20 columns, not {}", width));
  rulebook::RenderOptions o;
  o.rows_per_list = top;
  o.width = width;
  return o;
}

}  // namespace

void RegisterRender(py::module_& m) {
  m.def(
      "render_command_center",
      [](const RulebookResult& result, int64_t top, int width) {
        return rulebook::RenderCommandCenter(result, Options(top, width));
      },
      py::arg("result"), py::arg("top") = 5, py::arg("width") = 80,
      "The command center as `docket run --format table` prints it (top rows per list, width "
      "columns).");
  m.def(
      "render_merged_command_center",
      [](const RulebookResult& skeleton, const py::list& lists, const py::list& kpis,
         const py::list& relations, int64_t top, int width) {
        rulebook::RenderOptions o = Options(top, width);
        if (lists.size() != skeleton.lists.size() || kpis.size() != skeleton.kpis.size()) {
          throw py::value_error("the merged lists and KPIs must match the skeleton's");
        }
        RulebookResult r;
        r.name = skeleton.name;
        r.as_of = skeleton.as_of;
        r.time_zone = skeleton.time_zone;
        r.owner = skeleton.owner;
        for (size_t i = 0; i < skeleton.lists.size(); ++i) {
          r.lists.push_back(MergedList(skeleton.lists[i], lists[i].cast<py::dict>(), top));
        }
        for (size_t i = 0; i < skeleton.kpis.size(); ++i) {
          KpiResult k = skeleton.kpis[i];
          py::tuple merged = kpis[i].cast<py::tuple>();
          k.value = ValueFromPython(fmt::format("KPI '{}'", k.id), merged[0]);
          k.groups.clear();
          for (py::handle g : merged[1].cast<py::list>()) {
            py::tuple pair = g.cast<py::tuple>();
            k.groups.emplace_back(pair[0].cast<std::string>(),
                                  ValueFromPython(fmt::format("KPI '{}'", k.id), pair[1]));
          }
          r.kpis.push_back(std::move(k));
        }
        r.relations = RelationsFromPython(relations);
        return rulebook::RenderCommandCenter(r, o);
      },
      py::arg("skeleton"), py::arg("lists"), py::arg("kpis"), py::arg("relations"),
      py::arg("top") = 5, py::arg("width") = 80,
      "The command center of a result merged from partitions: `skeleton` gives the names and "
      "metadata; "
      "lists[i] = {count, order (rows of the concatenated parts, in the list's order), columns: "
      "{shown "
      "column: [parts of each partition]}}; kpis[i] = (value, [(owner, value)]); relations as "
      "RulebookResult.relations().");
  m.def(
      "display_rows",
      [](const RulebookResult& result, int i, int64_t top) {
        if (i < 0 || i >= static_cast<int>(result.lists.size()))
          throw py::index_error("list index out of range");
        Options(top, 80);
        return rulebook::DisplayRows(result.lists[static_cast<size_t>(i)], top, result.time_zone);
      },
      py::arg("result"), py::arg("i"), py::arg("top"),
      "The shown cells of list i's first `top` rows as the command center shows them (one list per "
      "row).");
  m.def(
      "merged_display_rows",
      [](const RulebookResult& skeleton, int i, const py::dict& merged, int64_t top) {
        if (i < 0 || i >= static_cast<int>(skeleton.lists.size()))
          throw py::index_error("list index out of range");
        Options(top, 80);
        ListResult l = MergedList(skeleton.lists[static_cast<size_t>(i)], merged, top);
        return rulebook::DisplayRows(l, top, skeleton.time_zone);
      },
      py::arg("skeleton"), py::arg("i"), py::arg("merged"), py::arg("top"),
      "display_rows for a list merged from partitions (merged as in "
      "render_merged_command_center).");
  m.def(
      "orphan_notes",
      [](const py::list& relations) {
        return rulebook::OrphanNotes(RelationsFromPython(relations));
      },
      py::arg("relations"),
      "One sentence per relation with child rows without a parent, as the command center prints "
      "them.");
  m.def(
      "display_value",
      [](const py::handle& v) { return rulebook::DisplayValue(ValueFromPython("value", v)); },
      py::arg("value"),
      "A value as the command center shows it (NULL as —, thousands separators, yes/no).");
}

}  // namespace docket::python
