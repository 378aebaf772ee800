#include "values.h"

// clang-format off
#include <Python.h>
#include <datetime.h>
// clang-format on

#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "docket/error.h"
#include "errors.h"
#include "fmt/format.h"

namespace docket::python {

namespace py = pybind11;

namespace {
void ImportDateTime() {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
}
}  // namespace

Value ValueFromPython(const std::string& what, py::handle o) {
  ImportDateTime();
  PyObject* p = o.ptr();
  py::module_ np = py::module_::import("numpy");
  if (p == Py_None || p == py::module_::import("pandas").attr("NA").ptr()) return Value();
  if (PyBool_Check(p) || py::isinstance(o, np.attr("bool_")))
    return Value::Bool(PyObject_IsTrue(p) == 1);
  if (PyLong_Check(p) || py::isinstance(o, np.attr("integer"))) {
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(
        py::int_(py::reinterpret_borrow<py::object>(o)).ptr(), &overflow);
    if (overflow != 0) throw py::value_error(fmt::format("{} does not fit in an int64", what));
    return Value::Int(x);
  }
  if (PyFloat_Check(p) || py::isinstance(o, np.attr("floating")))
    return Value::Float(o.cast<double>());
  if (PyUnicode_Check(p)) return Value::String(o.cast<std::string>());
  // Dates and times mean what they mean in a column (docs/python.md, "One
  // meaning per value"): numpy's datetime64[D] and datetime.date are dates;
  // every other datetime64, datetime.datetime and pandas.Timestamp is an
  // instant (naive ones are UTC, as a naive datetime64 column is); NaT is NULL.
  if (py::isinstance(o, np.attr("datetime64"))) {
    std::string unit =
        np.attr("datetime_data")(o.attr("dtype")).cast<py::tuple>()[0].cast<std::string>();
    // NaT is a NULL of the type the value has in a column: a date for [D], else a timestamp.
    if (np.attr("isnat")(o).cast<bool>()) {
      return Value::Null(unit == "D" ? DataType::Date() : DataType::Timestamp(TimeUnit::kNano));
    }
    if (unit == "D") {
      int64_t days = o.attr("astype")("int64").cast<int64_t>();
      return Value::DateFromDays(static_cast<int32_t>(days));
    }
    TimeUnit tu = TimeUnit::kSecond;
    py::object v = py::reinterpret_borrow<py::object>(o);
    if (unit == "ms") {
      tu = TimeUnit::kMilli;
    } else if (unit == "us") {
      tu = TimeUnit::kMicro;
    } else if (unit == "ns") {
      tu = TimeUnit::kNano;
    } else if (unit != "s") {
      v = o.attr("astype")("datetime64[s]");  // Minutes, hours, weeks, months, years.
    }
    return Value::Timestamp(v.attr("astype")("int64").cast<int64_t>(), tu);
  }
  if (PyDateTime_Check(p)) {
    py::object pd = py::module_::import("pandas");
    // pandas.NaT: a NULL timestamp, as NaT in a datetime64 column.
    if (pd.attr("isna")(o).cast<bool>()) return Value::Null(DataType::Timestamp(TimeUnit::kNano));
    py::object ts = pd.attr("Timestamp")(o);
    return Value::Timestamp(ts.attr("value").cast<int64_t>(), TimeUnit::kNano);
  }
  if (PyDate_Check(p)) {
    return Value::Date(
        absl::CivilDay(PyDateTime_GET_YEAR(p), PyDateTime_GET_MONTH(p), PyDateTime_GET_DAY(p)));
  }
  throw py::type_error(
      fmt::format("{} has type {}, which docket cannot use as a value (use None, bool, int, float, "
                  "str, datetime.date or "
                  "datetime.datetime)",
                  what, Py_TYPE(p)->tp_name));
}

py::object ValueToPython(const Value& v) {
  ImportDateTime();
  if (v.is_null()) return py::none();
  switch (v.type().id) {
    case TypeId::kBool:
      return py::bool_(v.bool_value());
    case TypeId::kInt:
      return py::int_(v.int_value());
    case TypeId::kFloat:
      return py::float_(v.float_value());
    case TypeId::kString:
      return py::str(v.string_value());
    case TypeId::kDate: {
      absl::CivilDay d = DayFromEpochDays(v.int_value());
      return py::reinterpret_steal<py::object>(
          PyDate_FromDate(static_cast<int>(d.year()), d.month(), d.day()));
    }
    case TypeId::kTimestamp:
      return py::module_::import("pandas").attr("Timestamp")(
          v.int_value(), py::arg("unit") = std::string(TimeUnitSuffix(v.type().unit)),
          py::arg("tz") = "UTC");
  }
  return py::none();
}

std::map<std::string, Value, std::less<>> ParamsFromPython(const py::dict& params) {
  std::map<std::string, Value, std::less<>> out;
  for (auto [k, v] : params) {
    std::string name = py::str(k).cast<std::string>();
    if (!name.empty() && name[0] == '$') name = name.substr(1);
    out[name] = ValueFromPython(fmt::format("param '{}'", name), v);
  }
  return out;
}

absl::CivilDay DayFromTuple(const py::tuple& ymd) {
  return absl::CivilDay(ymd[0].cast<int64_t>(), ymd[1].cast<int>(), ymd[2].cast<int>());
}

absl::TimeZone LoadZone(const std::string& name) {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(name, &tz)) {
    throw py::value_error(fmt::format(
        "unknown time zone '{}' (use an IANA name such as 'America/New_York' or 'UTC')", name));
  }
  return tz;
}

namespace {
// Byte b of the bitmap -> the 8 bools it holds, as one little-endian word.
struct UnpackTable {
  uint64_t words[256];
  UnpackTable() {
    for (int b = 0; b < 256; ++b) {
      uint64_t w = 0;
      for (int j = 0; j < 8; ++j) w |= static_cast<uint64_t>((b >> j) & 1) << (8 * j);
      words[b] = w;
    }
  }
};
const UnpackTable kUnpack;
}  // namespace

py::array_t<bool> BitsToBools(const uint8_t* bits, int64_t size) {
  py::array_t<bool> out(size);
  auto* dst = reinterpret_cast<uint8_t*>(out.mutable_data());
  int64_t full = size / 8;
  {
    py::gil_scoped_release release;  // Large results: let other threads run.
    for (int64_t b = 0; b < full; ++b) std::memcpy(dst + b * 8, &kUnpack.words[bits[b]], 8);
    for (int64_t i = full * 8; i < size; ++i) dst[i] = GetBit(bits, i);
  }
  return out;
}

py::array_t<uint8_t> BitsToBytes(const Bitmap& bits) {
  int64_t n = BitmapBytes(bits.size());
  py::array_t<uint8_t> out(n);
  if (n > 0) std::memcpy(out.mutable_data(), bits.data(), static_cast<size_t>(n));
  return out;
}

py::tuple ColumnAtRows(const Column& column, const std::vector<int64_t>& rows) {
  const auto n = static_cast<py::ssize_t>(rows.size());
  bool any_null = false;
  for (int64_t r : rows) {
    if (r < 0 || r >= column.size()) throw py::index_error("row out of range");
    any_null = any_null || column.IsNull(r);
  }
  py::object nulls = py::none();
  if (any_null) {
    py::array_t<bool> m(n);
    bool* p = m.mutable_data();
    for (py::ssize_t i = 0; i < n; ++i) p[i] = column.IsNull(rows[static_cast<size_t>(i)]);
    nulls = std::move(m);
  }
  // Copies values of type T at `rows` into a numpy array of type Out, `null` under NULL.
  auto gather = [&](auto in_tag, auto null) {
    using In = decltype(in_tag);
    using Out = decltype(null);
    py::array_t<Out> out(n);
    Out* dst = out.mutable_data();
    const In* src = column.Values<In>();
    for (py::ssize_t i = 0; i < n; ++i) {
      int64_t r = rows[static_cast<size_t>(i)];
      dst[i] = column.IsNull(r) ? null : static_cast<Out>(src[r]);
    }
    return out;
  };
  constexpr int64_t kNaT = std::numeric_limits<int64_t>::min();
  switch (column.type_id()) {
    case TypeId::kBool: {
      py::array_t<bool> out(n);
      bool* dst = out.mutable_data();
      const uint8_t* src = column.Values<uint8_t>();
      for (py::ssize_t i = 0; i < n; ++i) {
        int64_t r = rows[static_cast<size_t>(i)];
        dst[i] = !column.IsNull(r) && src[r] != 0;
      }
      return py::make_tuple("bool", out, nulls, py::none(), py::none());
    }
    case TypeId::kInt:
      return py::make_tuple("int", gather(int64_t{}, int64_t{0}), nulls, py::none(), py::none());
    case TypeId::kFloat:
      return py::make_tuple("float", gather(double{}, std::numeric_limits<double>::quiet_NaN()),
                            nulls, py::none(), py::none());
    case TypeId::kDate:
      return py::make_tuple("date", gather(int32_t{}, kNaT), nulls, py::none(), py::none());
    case TypeId::kTimestamp:
      return py::make_tuple("timestamp", gather(int64_t{}, kNaT), nulls, py::none(),
                            std::string(TimeUnitSuffix(column.type().unit)));
    case TypeId::kString:
      break;
  }
  // Strings: codes into the distinct values at `rows` (a parent's dictionary
  // may be far larger than the rows asked for).
  py::array_t<int32_t> codes(n);
  int32_t* dst = codes.mutable_data();
  py::list categories;
  int32_t next = 0;
  if (column.is_dictionary()) {
    const Column& dictionary = column.dictionary();
    auto add = [&](int32_t code) {
      std::string_view s = dictionary.StringAt(code);
      categories.append(py::str(s.data(), s.size()));
      return next++;
    };
    if (dictionary.size() <= 4 * static_cast<int64_t>(n) + 64) {
      // A dictionary about the size of the rows asked for: a flat remap.
      std::vector<int32_t> remap(static_cast<size_t>(dictionary.size()), -1);
      for (py::ssize_t i = 0; i < n; ++i) {
        int64_t r = rows[static_cast<size_t>(i)];
        if (column.IsNull(r)) {
          dst[i] = -1;
          continue;
        }
        int32_t& m = remap[static_cast<size_t>(column.codes()[r])];
        if (m < 0) m = add(column.codes()[r]);
        dst[i] = m;
      }
    } else {
      // A few rows of a large dictionary (a list's top rows over a parent's names).
      absl::flat_hash_map<int32_t, int32_t> seen;
      for (py::ssize_t i = 0; i < n; ++i) {
        int64_t r = rows[static_cast<size_t>(i)];
        if (column.IsNull(r)) {
          dst[i] = -1;
          continue;
        }
        auto it = seen.find(column.codes()[r]);
        if (it == seen.end()) it = seen.emplace(column.codes()[r], add(column.codes()[r])).first;
        dst[i] = it->second;
      }
    }
  } else {
    absl::flat_hash_map<std::string_view, int32_t> seen;
    for (py::ssize_t i = 0; i < n; ++i) {
      int64_t r = rows[static_cast<size_t>(i)];
      if (column.IsNull(r)) {
        dst[i] = -1;
        continue;
      }
      std::string_view s = column.StringAt(r);
      auto [it, added] = seen.try_emplace(s, next);
      if (added) {
        categories.append(py::str(s.data(), s.size()));
        ++next;
      }
      dst[i] = it->second;
    }
  }
  return py::make_tuple("string", codes, nulls, categories, py::none());
}

py::list RelationsToList(const std::vector<RelationDiagnostics>& relations) {
  py::list out;
  for (const RelationDiagnostics& r : relations) {
    py::dict d;
    d["table"] = r.table;
    d["parent"] = r.parent;
    d["null_keys"] = r.null_keys;
    d["missing_keys"] = r.missing_keys;
    out.append(d);
  }
  return out;
}

}  // namespace docket::python
