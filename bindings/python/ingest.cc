#include "ingest.h"

// clang-format off
#include <Python.h>
#include <datetime.h>
// clang-format on

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "docket/bitmap.h"
#include "docket/builder.h"
#include "docket/types.h"
#include "docket/value.h"
#include "errors.h"
#include "fmt/format.h"
#include "io/infer.h"

namespace docket::python {

namespace py = pybind11;

namespace {
PyObject* g_row_index = nullptr;  // The frame's index while a RowIndexScope lives (GIL held).
}  // namespace

RowIndexScope::RowIndexScope(py::object index) : previous_(g_row_index), index_(std::move(index)) {
  g_row_index = index_.is_none() ? nullptr : index_.ptr();
}
RowIndexScope::~RowIndexScope() { g_row_index = previous_; }

std::string RowName(int64_t row) {
  std::string out = fmt::format("row {}", row);
  if (g_row_index == nullptr) return out;
  PyObject* label = PySequence_GetItem(g_row_index, static_cast<Py_ssize_t>(row));
  if (label == nullptr) {
    PyErr_Clear();
    return out;
  }
  py::object owned = py::reinterpret_steal<py::object>(label);
  std::string repr;
  try {
    repr = py::repr(owned).cast<std::string>();
  } catch (const py::error_already_set&) {
    return out;
  }
  if (repr.size() > 40) repr = repr.substr(0, 37) + "...";
  return fmt::format("{} (index {})", out, repr);
}

namespace {

// The deleter of every view's keepalive: drops the Python reference with the
// GIL held, whichever thread releases the last copy of the column.
struct PyObjectRelease {
  void operator()(const void* p) const {
    auto* object = static_cast<const py::object*>(p);
    if (!Py_IsInitialized()) return;  // Interpreter gone: nothing left to release.
    PyGILState_STATE state = PyGILState_Ensure();
    delete object;
    PyGILState_Release(state);
  }
};

constexpr int64_t kNaT = std::numeric_limits<int64_t>::min();
constexpr int64_t kSecondsPerDay = 86400;

// A requested column type: none (infer), an exact type, or any timestamp unit.
struct Target {
  bool set = false;
  bool any_unit = false;
  DataType type;
};

Target ParseTarget(const std::string& name, const std::string& text) {
  Target t;
  if (text.empty()) return t;
  absl::StatusOr<DataType> type = ParseDataType(text);
  if (!type.ok())
    ThrowDataError(fmt::format("column '{}': {}", name, std::string(type.status().message())));
  t.set = true;
  t.type = *type;
  t.any_unit = type->id == TypeId::kTimestamp && text == "timestamp";
  return t;
}

std::string DtypeName(const py::array& a) { return py::str(a.dtype()).cast<std::string>(); }

[[noreturn]] void Mismatch(const std::string& name, const std::string& found,
                           const Target& target) {
  ThrowDataError(fmt::format("column '{}' holds {} values, but the schema says {}", name, found,
                             target.type.ToString()),
                 "convert the column in pandas first, or declare the column's type to match");
}

Buffer ViewOf(const py::array& a) {
  return Buffer{static_cast<const uint8_t*>(a.data()), static_cast<int64_t>(a.nbytes()),
                KeepAlive(a)};
}

// The validity bitmap for `n` rows where `is_null(i)` (or mask[i]) marks a
// NULL; an empty buffer when nothing is NULL.  The first pass stops at the
// first NULL, so columns without NULLs cost one read and no allocation.
template <typename IsNull>
Buffer Validity(int64_t n, const uint8_t* mask, IsNull is_null) {
  int64_t first = -1;
  for (int64_t i = 0; i < n; ++i) {
    if ((mask != nullptr && mask[i]) || is_null(i)) {
      first = i;
      break;
    }
  }
  if (first < 0) return {};
  Bitmap bits(n, true);
  uint8_t* data = bits.mutable_data();
  for (int64_t i = first; i < n; ++i) {
    if ((mask != nullptr && mask[i]) || is_null(i)) ClearBit(data, i);
  }
  return Buffer::Own(std::move(bits).Release());
}

Buffer MaskValidity(int64_t n, const uint8_t* mask) {
  return Validity(n, mask, [](int64_t) { return false; });
}

template <typename T>
Column Owned(DataType type, std::vector<T> values, Buffer validity) {
  int64_t n = static_cast<int64_t>(values.size());
  return Column::FromBuffers(type, n, Buffer::Own(std::move(values)), std::move(validity));
}

// A column of `n` NULLs of `type` (an all-NaN or all-None column whose
// declared type says what it would have held).
Column AllNull(DataType type, int64_t n) {
  ColumnBuilder b(type, StringEncoding::kPlain);
  b.Reserve(n);
  for (int64_t i = 0; i < n; ++i) b.AppendNull();
  return std::move(b).Finish();
}

// Calls f(const T*) with the integer array's values.
template <typename F>
void WithInts(const py::array& a, F&& f) {
  const void* p = a.data();
  char kind = a.dtype().kind();
  switch (a.itemsize()) {
    case 1:
      return kind == 'u' ? f(static_cast<const uint8_t*>(p)) : f(static_cast<const int8_t*>(p));
    case 2:
      return kind == 'u' ? f(static_cast<const uint16_t*>(p)) : f(static_cast<const int16_t*>(p));
    case 4:
      return kind == 'u' ? f(static_cast<const uint32_t*>(p)) : f(static_cast<const int32_t*>(p));
    default:
      return kind == 'u' ? f(static_cast<const uint64_t*>(p)) : f(static_cast<const int64_t*>(p));
  }
}

// --- int8..int64, uint8..uint64 ------------------------------------------------

Column FromInts(const std::string& name, const py::array& a, int64_t n, const uint8_t* mask,
                const Target& target) {
  TypeId want = target.set ? target.type.id : TypeId::kInt;
  bool is_int64 = a.dtype().kind() == 'i' && a.itemsize() == 8;
  if (want == TypeId::kInt && is_int64) {
    return Column::FromBuffers(DataType::Int(), n, ViewOf(a), MaskValidity(n, mask));
  }
  Column out;
  WithInts(a, [&](const auto* v) {
    auto valid = [&](int64_t i) { return mask == nullptr || !mask[i]; };
    switch (want) {
      case TypeId::kInt: {
        std::vector<int64_t> w(n);
        for (int64_t i = 0; i < n; ++i) {
          if constexpr (std::is_same_v<std::decay_t<decltype(*v)>, uint64_t>) {
            if (valid(i) && v[i] > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
              ThrowDataError(fmt::format("column '{}': value {} at {} does not fit in an int64",
                                         name, v[i], RowName(i)));
            }
          }
          w[i] = static_cast<int64_t>(v[i]);
        }
        out = Owned(DataType::Int(), std::move(w), MaskValidity(n, mask));
        return;
      }
      case TypeId::kFloat: {
        std::vector<double> w(n);
        for (int64_t i = 0; i < n; ++i) w[i] = static_cast<double>(v[i]);
        out = Owned(DataType::Float(), std::move(w), MaskValidity(n, mask));
        return;
      }
      case TypeId::kBool: {
        std::vector<uint8_t> w(n);
        for (int64_t i = 0; i < n; ++i) {
          if (valid(i) && v[i] != 0 && v[i] != 1) {
            ThrowDataError(fmt::format("column '{}': value {} at {} is not a bool (0 or 1)", name,
                                       static_cast<int64_t>(v[i]), RowName(i)));
          }
          w[i] = static_cast<uint8_t>(v[i] != 0);
        }
        out = Owned(DataType::Bool(), std::move(w), MaskValidity(n, mask));
        return;
      }
      default: {
        bool all_null = true;
        for (int64_t i = 0; i < n && all_null; ++i) all_null = !valid(i);
        if (!all_null) Mismatch(name, DtypeName(a), target);
        out = AllNull(target.type, n);
        return;
      }
    }
  });
  return out;
}

// --- float64, float32 ----------------------------------------------------------

template <typename T>
Column FloatsAs(const std::string& name, const py::array& a, const T* v, int64_t n,
                const uint8_t* mask, const Target& target) {
  auto is_nan = [v](int64_t i) { return std::isnan(v[i]); };
  auto valid = [&](int64_t i) { return !(mask != nullptr && mask[i]) && !is_nan(i); };
  TypeId want = target.set ? target.type.id : TypeId::kFloat;
  switch (want) {
    case TypeId::kFloat: {
      if constexpr (std::is_same_v<T, double>) {
        return Column::FromBuffers(DataType::Float(), n, ViewOf(a), Validity(n, mask, is_nan));
      } else {
        std::vector<double> w(v, v + n);
        return Owned(DataType::Float(), std::move(w), Validity(n, mask, is_nan));
      }
    }
    case TypeId::kInt: {
      std::vector<int64_t> w(n, 0);
      for (int64_t i = 0; i < n; ++i) {
        if (!valid(i)) continue;
        double d = static_cast<double>(v[i]);
        if (d != std::trunc(d) || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18) {
          ThrowDataError(
              fmt::format("column '{}': value {} at {} is not an int, but the schema says int",
                          name, d, RowName(i)),
              "round the column in pandas first, or declare it as float");
        }
        w[i] = static_cast<int64_t>(d);
      }
      return Owned(DataType::Int(), std::move(w), Validity(n, mask, is_nan));
    }
    case TypeId::kBool: {
      std::vector<uint8_t> w(n, 0);
      for (int64_t i = 0; i < n; ++i) {
        if (!valid(i)) continue;
        if (v[i] != 0 && v[i] != 1) {
          ThrowDataError(fmt::format("column '{}': value {} at {} is not a bool (0 or 1)", name,
                                     static_cast<double>(v[i]), RowName(i)));
        }
        w[i] = v[i] != 0;
      }
      return Owned(DataType::Bool(), std::move(w), Validity(n, mask, is_nan));
    }
    default: {
      // An all-NaN float column is what pandas makes of a column with no
      // values at all: NULLs of the declared type.
      for (int64_t i = 0; i < n; ++i) {
        if (valid(i)) Mismatch(name, DtypeName(a), target);
      }
      return AllNull(target.type, n);
    }
  }
}

Column FromFloats(const std::string& name, const py::array& a, int64_t n, const uint8_t* mask,
                  const Target& target) {
  if (a.itemsize() == 8)
    return FloatsAs(name, a, static_cast<const double*>(a.data()), n, mask, target);
  if (a.itemsize() == 4)
    return FloatsAs(name, a, static_cast<const float*>(a.data()), n, mask, target);
  ThrowDataError(
      fmt::format("column '{}' has dtype {}, which docket cannot read", name, DtypeName(a)),
      "convert it with .astype('float64')");
}

// --- bool ----------------------------------------------------------------------

Column FromBools(const std::string& name, const py::array& a, int64_t n, const uint8_t* mask,
                 const Target& target) {
  const uint8_t* v = static_cast<const uint8_t*>(a.data());
  TypeId want = target.set ? target.type.id : TypeId::kBool;
  switch (want) {
    case TypeId::kBool:
      return Column::FromBuffers(DataType::Bool(), n, ViewOf(a), MaskValidity(n, mask));
    case TypeId::kInt:
      return Owned(DataType::Int(), std::vector<int64_t>(v, v + n), MaskValidity(n, mask));
    case TypeId::kFloat:
      return Owned(DataType::Float(), std::vector<double>(v, v + n), MaskValidity(n, mask));
    default: {
      for (int64_t i = 0; i < n; ++i) {
        if (mask == nullptr || !mask[i]) Mismatch(name, "bool", target);
      }
      return AllNull(target.type, n);
    }
  }
}

// --- datetime64 ----------------------------------------------------------------

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::vector<int32_t> ToDays(const std::string& name, const int64_t* v, int64_t n,
                            int64_t units_per_day) {
  std::vector<int32_t> days(n, 0);
  for (int64_t i = 0; i < n; ++i) {
    if (v[i] == kNaT) continue;
    int64_t d = FloorDiv(v[i], units_per_day);
    if (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max()) {
      ThrowDataError(fmt::format("column '{}': the date at {} is out of range", name, RowName(i)));
    }
    days[i] = static_cast<int32_t>(d);
  }
  return days;
}

Column FromDatetimes(const std::string& name, const py::array& a, int64_t n, const uint8_t* mask,
                     const Target& target) {
  py::tuple unit_info = py::module_::import("numpy").attr("datetime_data")(a.dtype());
  std::string unit_name = unit_info[0].cast<std::string>();
  int64_t count = unit_info[1].cast<int64_t>();
  const int64_t* v = static_cast<const int64_t*>(a.data());
  auto is_nat = [v](int64_t i) { return v[i] == kNaT; };
  Buffer validity = Validity(n, mask, is_nat);
  if (unit_name == "D" && count == 1) {
    if (target.set && target.type.id == TypeId::kTimestamp) {
      TimeUnit unit = target.any_unit ? TimeUnit::kSecond : target.type.unit;
      int64_t per_day = kSecondsPerDay * UnitsPerSecond(unit);
      std::vector<int64_t> w(n, 0);
      for (int64_t i = 0; i < n; ++i) {
        if (v[i] != kNaT) w[i] = v[i] * per_day;  // Dates within ±292 years of 1970 fit in ns.
      }
      return Owned(DataType::Timestamp(unit), std::move(w), std::move(validity));
    }
    if (target.set && target.type.id != TypeId::kDate) Mismatch(name, "datetime64[D]", target);
    return Owned(DataType::Date(), ToDays(name, v, n, 1), std::move(validity));
  }
  TimeUnit unit;
  if (unit_name == "s") {
    unit = TimeUnit::kSecond;
  } else if (unit_name == "ms") {
    unit = TimeUnit::kMilli;
  } else if (unit_name == "us") {
    unit = TimeUnit::kMicro;
  } else if (unit_name == "ns") {
    unit = TimeUnit::kNano;
  } else {
    ThrowDataError(
        fmt::format("column '{}' has dtype {}, which docket cannot read", name, DtypeName(a)),
        "docket reads datetime64 in D, s, ms, us and ns: convert with .astype('datetime64[s]')");
  }
  if (count != 1) {
    ThrowDataError(
        fmt::format("column '{}' has dtype {}, which docket cannot read", name, DtypeName(a)));
  }
  int64_t per_second = UnitsPerSecond(unit);
  if (target.set && target.type.id == TypeId::kDate) {
    return Owned(DataType::Date(), ToDays(name, v, n, kSecondsPerDay * per_second),
                 std::move(validity));
  }
  if (target.set && target.type.id != TypeId::kTimestamp) Mismatch(name, DtypeName(a), target);
  if (!target.set || target.any_unit || target.type.unit == unit) {
    return Column::FromBuffers(DataType::Timestamp(unit), n, ViewOf(a), std::move(validity));
  }
  // A unit change (the declared unit differs from the data's): a copy.
  int64_t to = UnitsPerSecond(target.type.unit);
  std::vector<int64_t> w(n, 0);
  for (int64_t i = 0; i < n; ++i) {
    if (v[i] == kNaT) continue;
    if (to >= per_second) {
      int64_t f = to / per_second;
      if (__builtin_mul_overflow(v[i], f, &w[i])) {
        ThrowDataError(fmt::format("column '{}': the timestamp at {} does not fit in {}", name,
                                   RowName(i), target.type.ToString()));
      }
    } else {
      w[i] = FloorDiv(v[i], per_second / to);
    }
  }
  return Owned(target.type, std::move(w), std::move(validity));
}

// --- object arrays -------------------------------------------------------------

// pandas.NA and pandas.NaT (nullptr when pandas is not installed).
struct NullSentinels {
  PyObject* na = nullptr;
  PyObject* nat = nullptr;
  PyObject* numpy_bool = nullptr;
  PyObject* numpy_integer = nullptr;
};

const NullSentinels& Sentinels() {
  static const NullSentinels* s = [] {
    auto* r = new NullSentinels();
    try {
      py::module_ pd = py::module_::import("pandas");
      r->na = py::object(pd.attr("NA")).release().ptr();
      r->nat = py::object(pd.attr("NaT")).release().ptr();
    } catch (const py::error_already_set&) {
      PyErr_Clear();
    }
    py::module_ np = py::module_::import("numpy");
    r->numpy_bool = py::object(np.attr("bool_")).release().ptr();
    r->numpy_integer = py::object(np.attr("integer")).release().ptr();
    return r;
  }();
  return *s;
}

bool IsNullObject(PyObject* o) {
  if (o == Py_None) return true;
  if (PyFloat_Check(o)) return std::isnan(PyFloat_AS_DOUBLE(o));
  const NullSentinels& s = Sentinels();
  return o == s.na || o == s.nat;
}

bool IsBoolObject(PyObject* o) {
  return PyBool_Check(o) || PyObject_IsInstance(o, Sentinels().numpy_bool) == 1;
}
bool IsIntObject(PyObject* o) {
  return (PyLong_Check(o) && !PyBool_Check(o)) ||
         PyObject_IsInstance(o, Sentinels().numpy_integer) == 1;
}
bool IsDateObject(PyObject* o) { return PyDate_Check(o) && !PyDateTime_Check(o); }

std::string TypeNameOf(PyObject* o) { return Py_TYPE(o)->tp_name; }

[[noreturn]] void BadObject(const std::string& name, int64_t row, PyObject* o,
                            std::string_view expected) {
  std::string repr = py::repr(py::handle(o)).cast<std::string>();
  if (repr.size() > 40) repr = repr.substr(0, 37) + "...";
  ThrowDataError(fmt::format("column '{}': {} holds {} {} where {} was expected", name,
                             RowName(row), TypeNameOf(o), repr, expected),
                 "clean the column in pandas first (every value of a column needs one type)");
}

// The docket type of an object column without a declared type, from its first
// non-NULL value.
DataType InferObjectType(const std::string& name, PyObject* const* v, int64_t n,
                         const uint8_t* mask) {
  for (int64_t i = 0; i < n; ++i) {
    PyObject* o = v[i];
    if ((mask != nullptr && mask[i]) || IsNullObject(o)) continue;
    if (PyUnicode_Check(o)) return DataType::String();
    if (IsBoolObject(o)) return DataType::Bool();
    if (IsIntObject(o)) return DataType::Int();
    if (PyFloat_Check(o)) return DataType::Float();
    if (IsDateObject(o)) return DataType::Date();
    std::string repr = py::repr(py::handle(o)).cast<std::string>();
    ThrowDataError(fmt::format("column '{}' holds {} objects ({} at {}), which docket cannot read",
                               name, TypeNameOf(o), repr, RowName(i)),
                   "docket reads object columns of str, bool, int, float, datetime.date and "
                   "datetime.datetime");
  }
  return DataType::String();  // Only NULLs: the type CSV inference would pick too.
}

int64_t IntOf(const std::string& name, int64_t row, PyObject* o) {
  int overflow = 0;
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(o));
  if (!index) {
    PyErr_Clear();
    BadObject(name, row, o, "an int");
  }
  long long x = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (overflow != 0) {
    ThrowDataError(
        fmt::format("column '{}': the int at {} does not fit in an int64", name, RowName(row)));
  }
  return x;
}

// The UTF-8 bytes of a str object (cached in the object, valid while it lives).
absl::string_view Utf8Of(const std::string& name, int64_t row, PyObject* o) {
  if (!PyUnicode_Check(o)) BadObject(name, row, o, "a str");
  Py_ssize_t size = 0;
  const char* s = PyUnicode_AsUTF8AndSize(o, &size);
  if (s == nullptr) {
    PyErr_Clear();
    ThrowDataError(
        fmt::format("column '{}': the string at {} is not valid UTF-8", name, RowName(row)));
  }
  return absl::string_view(s, static_cast<size_t>(size));
}

// Dictionary-encodes an object array of str: one hash lookup per row, then a
// dictionary column when it has at most half as many entries as rows (it
// pays), otherwise plain offsets + bytes (as ColumnBuilder decides).
Column EncodeStrings(const std::string& name, PyObject* const* v, int64_t n, const uint8_t* mask) {
  absl::flat_hash_map<absl::string_view, int32_t> index;
  std::vector<int64_t> dict_offsets = {0};
  std::vector<char> dict_chars;
  std::vector<int32_t> codes(n, 0);
  Bitmap validity;
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) {
    PyObject* o = v[i];
    if ((mask != nullptr && mask[i]) || IsNullObject(o)) {
      if (nulls++ == 0) validity = Bitmap(n, true);
      validity.Clear(i);
      continue;
    }
    absl::string_view s = Utf8Of(name, i, o);
    auto [it, inserted] = index.try_emplace(s, static_cast<int32_t>(index.size()));
    if (inserted) {
      if (index.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
        ThrowDataError(fmt::format("column '{}' has too many distinct strings", name));
      }
      dict_chars.insert(dict_chars.end(), s.begin(), s.end());
      dict_offsets.push_back(static_cast<int64_t>(dict_chars.size()));
    }
    codes[i] = it->second;
  }
  int64_t distinct = static_cast<int64_t>(index.size());
  if (distinct * 2 <= n) {
    if (distinct == 0) dict_offsets.push_back(0);  // One "" entry keeps code 0 valid.
    int64_t dict_size = static_cast<int64_t>(dict_offsets.size()) - 1;
    auto dictionary = std::make_shared<const Column>(
        Column::FromBuffers(DataType::String(), dict_size, Buffer::Own(std::move(dict_offsets)), {},
                            Buffer::Own(std::move(dict_chars))));
    Buffer valid = nulls > 0 ? Buffer::Own(std::move(validity).Release()) : Buffer{};
    return Column::FromBuffers(DataType::String(), n, Buffer::Own(std::move(codes)),
                               std::move(valid), {}, std::move(dictionary));
  }
  std::vector<int64_t> offsets;
  offsets.reserve(n + 1);
  offsets.push_back(0);
  std::vector<char> chars;
  for (int64_t i = 0; i < n; ++i) {
    if (nulls == 0 || validity.Get(i)) {
      int32_t c = codes[i];
      chars.insert(chars.end(), dict_chars.begin() + dict_offsets[c],
                   dict_chars.begin() + dict_offsets[c + 1]);
    }
    offsets.push_back(static_cast<int64_t>(chars.size()));
  }
  Buffer valid = nulls > 0 ? Buffer::Own(std::move(validity).Release()) : Buffer{};
  return Column::FromBuffers(DataType::String(), n, Buffer::Own(std::move(offsets)),
                             std::move(valid), Buffer::Own(std::move(chars)));
}

Column FromObjects(const std::string& name, const py::array& a, int64_t n, const uint8_t* mask,
                   const Target& target) {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
  PyObject* const* v = static_cast<PyObject* const*>(a.data());
  DataType type = target.set ? target.type : InferObjectType(name, v, n, mask);
  if (type.id == TypeId::kTimestamp) {
    ThrowDataError(fmt::format("column '{}' holds Python objects, but the schema says {}", name,
                               type.ToString()),
                   "convert it with pandas.to_datetime first");
  }
  if (type.id == TypeId::kString) return EncodeStrings(name, v, n, mask);
  ColumnBuilder b(type);
  b.Reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    PyObject* o = v[i];
    if ((mask != nullptr && mask[i]) || IsNullObject(o)) {
      b.AppendNull();
      continue;
    }
    switch (type.id) {
      case TypeId::kString:
        break;  // EncodeStrings above.
      case TypeId::kBool:
        if (!IsBoolObject(o)) BadObject(name, i, o, "a bool");
        b.AppendBool(PyObject_IsTrue(o) == 1);
        break;
      case TypeId::kInt:
        if (!IsIntObject(o)) {
          if (PyFloat_Check(o) && PyFloat_AS_DOUBLE(o) == std::trunc(PyFloat_AS_DOUBLE(o)) &&
              std::abs(PyFloat_AS_DOUBLE(o)) < 9.2e18) {
            b.AppendInt(static_cast<int64_t>(PyFloat_AS_DOUBLE(o)));
            break;
          }
          BadObject(name, i, o, "an int");
        }
        b.AppendInt(IntOf(name, i, o));
        break;
      case TypeId::kFloat:
        if (PyFloat_Check(o)) {
          b.AppendFloat(PyFloat_AS_DOUBLE(o));
        } else if (IsIntObject(o)) {
          b.AppendFloat(static_cast<double>(IntOf(name, i, o)));
        } else {
          BadObject(name, i, o, "a float");
        }
        break;
      case TypeId::kDate: {
        absl::CivilDay day;
        if (PyDate_Check(o)) {  // datetime.date, and the date part of a datetime.
          day = absl::CivilDay(PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o),
                               PyDateTime_GET_DAY(o));
        } else if (PyUnicode_Check(o)) {
          const char* s = PyUnicode_AsUTF8(o);
          if (s == nullptr || !absl::ParseCivilTime(s, &day)) {
            PyErr_Clear();
            BadObject(name, i, o, "a date (YYYY-MM-DD)");
          }
        } else {
          BadObject(name, i, o, "a datetime.date");
        }
        b.AppendDate(DaysSinceEpoch(day));
        break;
      }
      case TypeId::kTimestamp:
        break;  // Rejected above.
    }
  }
  return std::move(b).Finish();
}

// --- Categorical ---------------------------------------------------------------

Column FromCategorical(const std::string& name, const py::array& codes, int64_t n,
                       const uint8_t* mask, const py::object& categories_obj,
                       const Target& target) {
  if (target.set && target.type.id != TypeId::kString) Mismatch(name, "category", target);
  if (codes.dtype().kind() != 'i') {
    ThrowDataError(
        fmt::format("column '{}': Categorical codes have dtype {}", name, DtypeName(codes)));
  }
  py::array categories = py::array::ensure(categories_obj, py::array::c_style);
  if (!categories || categories.ndim() != 1 || categories.dtype().kind() != 'O') {
    ThrowDataError(fmt::format("column '{}': the categories are not an object array of str", name));
  }
  // The dictionary: the categories, used or not, in order.
  int64_t k = categories.shape(0);
  PyObject* const* cats = static_cast<PyObject* const*>(categories.data());
  ColumnBuilder dict(DataType::String(), StringEncoding::kPlain);
  dict.Reserve(k + 1);
  for (int64_t j = 0; j < k; ++j) {
    absl::string_view s = Utf8Of(name, j, cats[j]);
    dict.AppendString(std::string_view(s.data(), s.size()));
  }
  // Codes under NULL slots must still index the dictionary: give an empty
  // dictionary one entry so that code 0 is valid.
  if (k == 0 && n > 0) dict.AppendString("");
  auto dictionary = std::make_shared<const Column>(std::move(dict).Finish());

  Column out;
  WithInts(codes, [&](const auto* c) {
    // One pass: are the codes int32 without -1 (then they are viewed)?
    bool needs_copy = codes.itemsize() != 4 || mask != nullptr;
    for (int64_t i = 0; i < n; ++i) {
      int64_t code = static_cast<int64_t>(c[i]);
      if (code == -1) {
        needs_copy = true;
      } else if (code < 0 || code >= k) {
        ThrowDataError(fmt::format("column '{}': Categorical code {} at {} is out of range", name,
                                   code, RowName(i)));
      }
    }
    if (!needs_copy) {
      out = Column::FromBuffers(DataType::String(), n, ViewOf(codes), {}, {}, dictionary);
      return;
    }
    std::vector<int32_t> w(n);
    for (int64_t i = 0; i < n; ++i) w[i] = c[i] < 0 ? 0 : static_cast<int32_t>(c[i]);
    Buffer validity = Validity(n, mask, [c](int64_t i) { return c[i] < 0; });
    out = Column::FromBuffers(DataType::String(), n, Buffer::Own(std::move(w)), std::move(validity),
                              {}, dictionary);
  });
  return out;
}

}  // namespace

std::optional<TextFallback> FindObjectTextFallback(const std::string& name, const py::array& values,
                                                   const py::object& mask_obj) {
  if (values.dtype().kind() != 'O' || values.ndim() != 1) return std::nullopt;
  py::array contiguous = py::array::ensure(values, py::array::c_style);
  PyObject* const* v = static_cast<PyObject* const*>(contiguous.data());
  const int64_t n = contiguous.shape(0);
  py::array mask_array;
  const uint8_t* mask = nullptr;
  if (!mask_obj.is_none()) {
    mask_array = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(mask_obj);
    if (mask_array && mask_array.shape(0) == n)
      mask = static_cast<const uint8_t*>(mask_array.data());
  }
  io::TextFallbackFinder finder;
  for (int64_t i = 0; i < n; ++i) {
    PyObject* o = v[i];
    if ((mask != nullptr && mask[i]) || IsNullObject(o) || !PyUnicode_Check(o)) continue;
    Py_ssize_t size = 0;
    const char* text = PyUnicode_AsUTF8AndSize(o, &size);
    if (text == nullptr) {
      PyErr_Clear();
      continue;
    }
    if (!finder.Add(std::string_view(text, static_cast<size_t>(size)), i)) break;
  }
  if (!finder.found()) return std::nullopt;
  std::string type = finder.would_be();
  std::string value = finder.value();
  if (value.size() > 60) value = value.substr(0, 57) + "...";
  std::string fix;
  if (type == "date") {
    fix = fmt::format(
        "declare it as a date (docket.Table(df, types={{'{}': 'date'}}) or `{}: date` in the "
        "schema) to get an error naming that value, or fix the value",
        name, name);
  } else if (type.rfind("timestamp", 0) == 0) {
    fix = fmt::format(
        "convert it with pd.to_datetime(df['{}']) to get an error naming that value, or fix the "
        "value",
        name);
  } else if (type == "int" || type == "float") {
    fix = fmt::format(
        "convert it with pd.to_numeric(df['{}']) to get an error naming that value, or fix the "
        "value",
        name);
  } else if (type == "bool") {
    fix = fmt::format(
        "convert it in pandas (e.g. df['{}'].str.lower().map({{'true': True, 'false': False}})), "
        "or "
        "fix the value",
        name);
  } else {
    fix = "give the column one type in pandas, or fix the value";
  }
  return TextFallback{name, value, RowName(finder.row()), type, fix};
}

std::shared_ptr<const void> KeepAlive(py::object o) {
  return std::shared_ptr<const void>(new py::object(std::move(o)), PyObjectRelease());
}

bool IsPythonView(const Buffer& buffer) {
  return buffer.owner != nullptr && std::get_deleter<PyObjectRelease>(buffer.owner) != nullptr;
}

Column ColumnFromArrays(const std::string& name, py::array values, py::object mask_obj,
                        py::object categories, const std::string& target_name) {
  Target target = ParseTarget(name, target_name);
  if (values.ndim() != 1) {
    ThrowDataError(
        fmt::format("column '{}' has {} dimensions; docket reads one-dimensional columns", name,
                    values.ndim()));
  }
  if (values.dtype().byteorder() == '>') {
    ThrowDataError(fmt::format("column '{}' has big-endian dtype {}", name, DtypeName(values)),
                   "convert it with .astype(dtype.newbyteorder('='))");
  }
  // A strided column (a slice with a step, a column of a Fortran-ordered
  // block) is copied into contiguous memory once.
  if (!(values.flags() & py::array::c_style))
    values = py::array::ensure(values, py::array::c_style);
  int64_t n = values.shape(0);
  py::array mask_array;
  const uint8_t* mask = nullptr;
  if (!mask_obj.is_none()) {
    mask_array = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(mask_obj);
    if (!mask_array || mask_array.ndim() != 1 || mask_array.shape(0) != n) {
      ThrowDataError(fmt::format("column '{}': the NULL mask does not match the values", name));
    }
    mask = static_cast<const uint8_t*>(mask_array.data());
  }
  if (!categories.is_none()) return FromCategorical(name, values, n, mask, categories, target);
  switch (values.dtype().kind()) {
    case 'i':
    case 'u':
      return FromInts(name, values, n, mask, target);
    case 'f':
      return FromFloats(name, values, n, mask, target);
    case 'b':
      return FromBools(name, values, n, mask, target);
    case 'M':
      return FromDatetimes(name, values, n, mask, target);
    case 'O':
      return FromObjects(name, values, n, mask, target);
    default:
      ThrowDataError(fmt::format("column '{}' has dtype {}, which docket cannot read", name,
                                 DtypeName(values)),
                     "docket reads int, float, bool, datetime64, str/object, Categorical of str "
                     "and pandas' nullable "
                     "Int64/Float64/boolean/string dtypes");
  }
}

}  // namespace docket::python
