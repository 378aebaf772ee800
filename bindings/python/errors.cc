#include "errors.h"

#include <optional>
#include <string>

#include "docket/error.h"

namespace docket::python {

namespace py = pybind11;

namespace {

const char* ClassFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return "CompileError";
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kResourceExhausted:
      return "DataError";
    default:
      return "Error";
  }
}

py::object OrNone(const std::string& s) {
  return s.empty() ? py::object(py::none()) : py::object(py::str(s));
}

// Sets the Python error for `status` (the GIL is held by the translator).
void SetError(const absl::Status& status) {
  py::object errors = py::module_::import("docket.errors");
  py::object cls = errors.attr(ClassFor(status.code()));
  py::dict kwargs;
  kwargs["code"] = py::str(absl::StatusCodeToString(status.code()));
  if (std::optional<ErrorDetail> d = GetErrorDetail(status)) {
    kwargs["detail"] = OrNone(d->message);
    kwargs["hint"] = OrNone(d->hint);
    kwargs["file"] = OrNone(d->location.file);
    kwargs["line"] =
        d->location.line > 0 ? py::object(py::int_(d->location.line)) : py::object(py::none());
    kwargs["column"] =
        d->location.column > 0 ? py::object(py::int_(d->location.column)) : py::object(py::none());
    kwargs["source_line"] = OrNone(d->source_line);
  }
  py::object exc = cls(py::str(std::string(status.message())), **kwargs);
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

}  // namespace

void ThrowDataError(std::string message, std::string hint) {
  ErrorDetail d;
  d.kind = ErrorKind::kData;
  d.message = std::move(message);
  d.hint = std::move(hint);
  throw StatusError(MakeError(d));
}

void RegisterErrors(py::module_& /*m*/) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      SetError(e.status());
    }
  });
}

}  // namespace docket::python
