// A list's keys as a Python list of str, written straight into the list.
//
// ListResult::Keys() makes a docket::Value and a std::string per row and
// pybind then copies each into a str (about 0.5 µs a row: two seconds for a
// list of 3.8 million accounts).  Here a string key becomes its str
// directly from the column's bytes (one str per dictionary entry, shared by
// the rows that hold it), an int key its decimal text, a table without key
// the row number; other key types (dates, timestamps, ...) and NULL keys
// take ListResult::Key, so the text is always exactly Value::ToString's.
#include "result_keys.h"

#include <Python.h>

#include <charconv>
#include <string>
#include <vector>

#include "docket/column.h"
#include "docket/rulebook.h"

namespace docket::python {

namespace py = pybind11;

namespace {

// A new reference to the str of `s` (UTF-8); throws on a Python error.
PyObject* Str(std::string_view s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), nullptr);
  if (o == nullptr) throw py::error_already_set();
  return o;
}

PyObject* Decimal(int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return Str(std::string_view(buf, static_cast<size_t>(end - buf)));
}

}  // namespace

py::list KeysToList(const ListResult& list) {
  py::list out(static_cast<py::ssize_t>(list.kept()));
  PyObject* dst = out.ptr();
  Py_ssize_t i = 0;
  // Each item is set exactly once, in order; `out` owns what was set so far
  // if a conversion throws.
  auto put = [&](PyObject* o) { PyList_SET_ITEM(dst, i++, o); };
  const Column* key = list.data.key_column();
  if (key == nullptr) {
    list.ForEachKeptRow([&](int64_t row) { put(Decimal(row)); });
  } else if (key->type_id() == TypeId::kString && key->is_dictionary()) {
    const Column& dictionary = key->dictionary();
    std::vector<PyObject*> entries(static_cast<size_t>(dictionary.size()), nullptr);
    py::list keep_alive;  // Owns one reference to each entry made.
    list.ForEachKeptRow([&](int64_t row) {
      if (key->IsNull(row)) {
        put(Str(list.Key(row)));
        return;
      }
      PyObject*& e = entries[static_cast<size_t>(key->codes()[row])];
      if (e == nullptr) {
        e = Str(dictionary.StringAt(key->codes()[row]));
        keep_alive.append(py::reinterpret_steal<py::object>(e));
      }
      Py_INCREF(e);
      put(e);
    });
  } else if (key->type_id() == TypeId::kString) {
    list.ForEachKeptRow(
        [&](int64_t row) { put(key->IsNull(row) ? Str(list.Key(row)) : Str(key->StringAt(row))); });
  } else if (key->type_id() == TypeId::kInt) {
    const int64_t* values = key->Values<int64_t>();
    list.ForEachKeptRow(
        [&](int64_t row) { put(key->IsNull(row) ? Str(list.Key(row)) : Decimal(values[row])); });
  } else {
    list.ForEachKeptRow([&](int64_t row) { put(Str(list.Key(row))); });
  }
  return out;
}

}  // namespace docket::python
