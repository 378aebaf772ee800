#include "values.h"

// clang-format off
#include <Python.h>
#include <datetime.h>
// clang-format on

#include <cstring>
#include <string>

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
  if (p == Py_None) return Value();
  if (PyBool_Check(p) || py::isinstance(o, np.attr("bool_"))) return Value::Bool(PyObject_IsTrue(p) == 1);
  if (PyLong_Check(p) || py::isinstance(o, np.attr("integer"))) {
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(py::int_(py::reinterpret_borrow<py::object>(o)).ptr(), &overflow);
    if (overflow != 0) throw py::value_error(fmt::format("{} does not fit in an int64", what));
    return Value::Int(x);
  }
  if (PyFloat_Check(p) || py::isinstance(o, np.attr("floating"))) return Value::Float(o.cast<double>());
  if (PyUnicode_Check(p)) return Value::String(o.cast<std::string>());
  if (PyDateTime_Check(p) || py::isinstance(o, np.attr("datetime64"))) {
    py::object ts = py::module_::import("pandas").attr("Timestamp")(o);
    return Value::Timestamp(ts.attr("value").cast<int64_t>(), TimeUnit::kNano);
  }
  if (PyDate_Check(p)) {
    return Value::Date(absl::CivilDay(PyDateTime_GET_YEAR(p), PyDateTime_GET_MONTH(p), PyDateTime_GET_DAY(p)));
  }
  throw py::type_error(fmt::format(
      "{} has type {}, which docket cannot use as a value (use None, bool, int, float, str, datetime.date or "
      "datetime.datetime)",
      what, Py_TYPE(p)->tp_name));
}

py::object ValueToPython(const Value& v) {
  ImportDateTime();
  if (v.is_null()) return py::none();
  switch (v.type().id) {
    case TypeId::kBool: return py::bool_(v.bool_value());
    case TypeId::kInt: return py::int_(v.int_value());
    case TypeId::kFloat: return py::float_(v.float_value());
    case TypeId::kString: return py::str(v.string_value());
    case TypeId::kDate: {
      absl::CivilDay d = DayFromEpochDays(v.int_value());
      return py::reinterpret_steal<py::object>(
          PyDate_FromDate(static_cast<int>(d.year()), d.month(), d.day()));
    }
    case TypeId::kTimestamp:
      return py::module_::import("pandas").attr("Timestamp")(v.int_value(), py::arg("unit") = std::string(
                                                                                 TimeUnitSuffix(v.type().unit)),
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
    throw py::value_error(
        fmt::format("unknown time zone '{}' (use an IANA name such as 'America/New_York' or 'UTC')", name));
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

}  // namespace docket::python
