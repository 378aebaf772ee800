// bindings/python/errors.h — carrying absl::Status errors into Python.
//
// Binding code throws StatusError (or calls ThrowIfError / ValueOrThrow); a
// translator registered at import turns it into docket.CompileError,
// docket.DataError or docket.Error (classes defined in python/docket/errors.py)
// with line, column, hint and message taken from the status's ErrorDetail.
//
//   InvalidArgument                       -> docket.CompileError
//   FailedPrecondition, ResourceExhausted -> docket.DataError
//   anything else                         -> docket.Error
#ifndef DOCKET_BINDINGS_PYTHON_ERRORS_H_
#define DOCKET_BINDINGS_PYTHON_ERRORS_H_

#include <pybind11/pybind11.h>

#include <exception>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace docket::python {

class StatusError : public std::exception {
 public:
  explicit StatusError(absl::Status status)
      : status_(std::move(status)), what_(std::string(status_.message())) {}
  const absl::Status& status() const { return status_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  absl::Status status_;
  std::string what_;
};

inline void ThrowIfError(const absl::Status& status) {
  if (!status.ok()) throw StatusError(status);
}

template <typename T>
T ValueOrThrow(absl::StatusOr<T> result) {
  if (!result.ok()) throw StatusError(result.status());
  return *std::move(result);
}

// A data error found while converting (unsupported dtype, bad value).
[[noreturn]] void ThrowDataError(std::string message, std::string hint = "");

// Installs the exception translator.
void RegisterErrors(pybind11::module_& m);

}  // namespace docket::python

#endif  // DOCKET_BINDINGS_PYTHON_ERRORS_H_
