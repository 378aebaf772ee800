// Table, Snapshot and Schema: building docket tables from converted columns.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "docket/error.h"
#include "docket/schema.h"
#include "docket/schema_yaml.h"
#include "docket/table.h"
#include "errors.h"
#include "fmt/format.h"
#include "ingest.h"
#include "register.h"
#include "storage/keys.h"

namespace docket::python {

namespace py = pybind11;

namespace {

// Table::Make counts rows from 1 ("(row 2)", "at row 2"); Python messages
// name a row by its 0-based position and its index label, as every other
// DataError from a frame does: "at row 1 (index 'acme-17')" (RowName).
std::string PythonRows(const std::string& message) {
  for (std::string_view lead : {"(row ", "at row "}) {
    size_t at = message.find(lead);
    if (at == std::string::npos) continue;
    size_t digits = at + lead.size();
    size_t end = digits;
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') ++end;
    if (end == digits) continue;
    int64_t row = std::stoll(message.substr(digits, end - digits)) - 1;
    bool paren = lead[0] == '(';
    if (paren && (end >= message.size() || message[end] != ')')) continue;
    std::string name = RowName(row);
    return message.substr(0, at) + "at " + name + message.substr(paren ? end + 1 : end);
  }
  return message;
}

// Columns arrive as (name, values, mask, categories, target type) tuples.
Table MakeTable(std::string name, const py::list& columns, std::string key, std::string owner,
                const py::object& parent, const py::object& index,
                std::vector<std::string> undeclared) {
  RowIndexScope rows(index);  // Errors name "row 3 (index 'acme-17')".
  TableSchema schema;
  schema.name = std::move(name);
  schema.key = std::move(key);
  schema.owner = std::move(owner);
  if (!parent.is_none()) {
    auto p = parent.cast<std::tuple<std::string, std::string, std::string>>();
    schema.parent = ParentRelation{std::get<0>(p), std::get<1>(p), std::get<2>(p), {}};
  }
  std::vector<Column> cols;
  cols.reserve(columns.size());
  for (py::handle item : columns) {
    py::tuple t = py::reinterpret_borrow<py::tuple>(item);
    if (t.size() != 5)
      throw py::value_error("a column is (name, values, mask, categories, target)");
    std::string col_name = t[0].cast<std::string>();
    py::array values = py::array::ensure(t[1]);
    if (!values) {
      PyErr_Clear();
      ThrowDataError(fmt::format("column '{}' is not an array", col_name));
    }
    Column c = ColumnFromArrays(col_name, values, py::reinterpret_borrow<py::object>(t[2]),
                                py::reinterpret_borrow<py::object>(t[3]), t[4].cast<std::string>());
    schema.columns.push_back(ColumnSchema{col_name, c.type(), {}});
    if (c.type().id == TypeId::kString && t[3].is_none() && t[4].cast<std::string>().empty()) {
      // Why a str column that looks typed is a string (the CSV reader's rule, io/infer.h).
      if (std::optional<TextFallback> f =
              FindObjectTextFallback(col_name, values, py::reinterpret_borrow<py::object>(t[2]))) {
        schema.text_fallbacks.push_back(*std::move(f));
      }
    }
    cols.push_back(std::move(c));
  }
  for (const char* role : {"key", "owner"}) {
    const std::string& col = std::string(role) == "key" ? schema.key : schema.owner;
    if (!col.empty() && schema.FindColumn(col) < 0) {
      ThrowDataError(
          fmt::format("table '{}': the {} column '{}' is not in the data", schema.name, role, col));
    }
  }
  schema.undeclared_columns = std::move(undeclared);
  int key_index = schema.FindColumn(schema.key);
  std::optional<Column> key_column;
  if (key_index >= 0) key_column = cols[key_index];  // Shares its buffers: for the error path.
  absl::StatusOr<Table> table = Table::Make(schema, std::move(cols));
  if (!table.ok() && key_column.has_value() &&
      table.status().code() == absl::StatusCode::kFailedPrecondition) {
    // The one key rule (storage/keys.h, as the CSV reader applies it), the
    // rows named by position and index label.
    storage::KeyRows key_rows;
    key_rows.name = [](int64_t row) { return RowName(row); };
    absl::Status s = storage::CheckKeyColumn(*key_column, schema.name, schema.key, key_rows);
    if (!s.ok()) throw StatusError(s);
  }
  if (!table.ok()) {
    // Every failure here is about the data (length, duplicate or NULL key).
    if (std::optional<ErrorDetail> d = GetErrorDetail(table.status())) {
      d->message = PythonRows(d->message);
      throw StatusError(MakeError(*d));
    }
    if (table.status().code() == absl::StatusCode::kFailedPrecondition)
      throw StatusError(table.status());
    ThrowDataError(PythonRows(std::string(table.status().message())));
  }
  return *std::move(table);
}

const Column& FindColumnOrThrow(const Table& t, const std::string& column) {
  const Column* c = t.FindColumn(column);
  if (c == nullptr)
    throw py::key_error(fmt::format("table '{}' has no column '{}'", t.name(), column));
  return *c;
}

py::list ColumnsOf(const TableSchema& s) {
  py::list out;
  for (const ColumnSchema& c : s.columns) out.append(py::make_tuple(c.name, c.type.ToString()));
  return out;
}

py::dict TableSchemaToDict(const TableSchema& s) {
  py::dict d;
  d["name"] = s.name;
  d["key"] = s.key.empty() ? py::object(py::none()) : py::object(py::str(s.key));
  d["owner"] = s.owner.empty() ? py::object(py::none()) : py::object(py::str(s.owner));
  d["parent"] = s.parent ? py::object(py::make_tuple(s.parent->table, s.parent->via, s.parent->as))
                         : py::object(py::none());
  d["columns"] = ColumnsOf(s);
  return d;
}

}  // namespace

py::dict SchemaToDict(const Schema& schema) {
  py::dict out;
  for (const TableSchema& t : schema.tables) out[py::str(t.name)] = TableSchemaToDict(t);
  return out;
}

void RegisterTables(py::module_& m) {
  py::class_<Schema>(m, "Schema",
                     "A data contract: tables, typed columns, keys, owners and relations.")
      .def_static(
          "from_yaml",
          [](const std::string& text, const std::string& filename) {
            return ValueOrThrow(ParseSchemaYaml(text, filename));
          },
          py::arg("text"), py::arg("filename") = "<schema>")
      .def_static(
          "load", [](const std::string& path) { return ValueOrThrow(ReadSchemaYamlFile(path)); },
          py::arg("path"))
      .def("to_dict", &SchemaToDict)
      .def_property_readonly("table_names", [](const Schema& s) {
        std::vector<std::string> names;
        for (const TableSchema& t : s.tables) names.push_back(t.name);
        return names;
      });

  py::class_<Table>(m, "Table", "An immutable docket table over converted (mostly viewed) columns.")
      .def(py::init(&MakeTable), py::arg("name"), py::arg("columns"), py::arg("key") = "",
           py::arg("owner") = "", py::arg("parent") = py::none(), py::arg("index") = py::none(),
           py::arg("undeclared") = std::vector<std::string>())
      .def_property_readonly("name", &Table::name)
      .def_property_readonly("num_rows", &Table::num_rows)
      .def_property_readonly("byte_size", &Table::ByteSize)
      .def_property_readonly("columns", [](const Table& t) { return ColumnsOf(t.schema()); })
      .def("schema_dict", [](const Table& t) { return TableSchemaToDict(t.schema()); })
      .def("schema", [](const Table& t) {
        Schema s;
        s.tables.push_back(t.schema());
        return s;
      });

  py::class_<Snapshot>(m, "Snapshot", "Named tables taken at one point in time.")
      .def(py::init([](const std::vector<Table>& tables) {
             Snapshot snap;
             for (const Table& t : tables) ThrowIfError(snap.AddTable(t));
             absl::Status valid = snap.schema.Validate();
             if (!valid.ok()) ThrowDataError(std::string(valid.message()));
             return snap;
           }),
           py::arg("tables"))
      .def_property_readonly("table_names",
                             [](const Snapshot& s) {
                               std::vector<std::string> names;
                               for (const auto& [name, t] : s.tables) names.push_back(name);
                               return names;
                             })
      .def("schema", [](const Snapshot& s) { return s.schema; })
      .def("table", [](const Snapshot& s, const std::string& name) {
        const Table* t = s.FindTable(name);
        if (t == nullptr) throw py::key_error(fmt::format("the snapshot has no table '{}'", name));
        return *t;
      });

  // Debug helpers for tests: where a column's values live and whether they
  // are a view of Python memory.
  m.def(
      "_buffer_address",
      [](const Table& t, const std::string& column) {
        return reinterpret_cast<uintptr_t>(FindColumnOrThrow(t, column).values_buffer().data);
      },
      py::arg("table"), py::arg("column"));
  m.def(
      "_column_info",
      [](const Table& t, const std::string& column) {
        const Column& c = FindColumnOrThrow(t, column);
        py::dict d;
        d["type"] = c.type().ToString();
        d["size"] = c.size();
        d["null_count"] = c.null_count();
        d["values_address"] = reinterpret_cast<uintptr_t>(c.values_buffer().data);
        d["zero_copy"] = IsPythonView(c.values_buffer());
        d["dictionary"] = c.is_dictionary();
        d["dictionary_size"] = c.is_dictionary() ? c.dictionary().size() : 0;
        d["byte_size"] = c.ByteSize();
        return d;
      },
      py::arg("table"), py::arg("column"));
  m.def(
      "_column_values",
      [](const Table& t, const std::string& column) {
        const Column& c = FindColumnOrThrow(t, column);
        py::list out;
        for (int64_t i = 0; i < c.size(); ++i) {
          if (c.IsNull(i)) {
            out.append(py::none());
            continue;
          }
          switch (c.type_id()) {
            case TypeId::kBool:
              out.append(py::bool_(c.Values<uint8_t>()[i] != 0));
              break;
            case TypeId::kInt:
              out.append(py::int_(c.Values<int64_t>()[i]));
              break;
            case TypeId::kFloat:
              out.append(py::float_(c.Values<double>()[i]));
              break;
            case TypeId::kString:
              out.append(py::str(std::string(c.StringAt(i))));
              break;
            case TypeId::kDate:
              out.append(py::int_(c.Values<int32_t>()[i]));
              break;
            case TypeId::kTimestamp:
              out.append(py::int_(c.Values<int64_t>()[i]));
              break;
          }
        }
        return out;
      },
      py::arg("table"), py::arg("column"),
      "The column's values as Python objects (dates as days since 1970-01-01, timestamps as int "
      "units): "
      "for tests.");
}

}  // namespace docket::python
