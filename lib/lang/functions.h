// lang/functions.h — the function catalog: every function a rule may call,
// with its signature as documented in docs/language.md.  The binder checks
// and lowers calls; this list also feeds "did you mean" hints.
#ifndef DOCKET_LANG_FUNCTIONS_H_
#define DOCKET_LANG_FUNCTIONS_H_

#include <string>
#include <string_view>
#include <vector>

namespace docket::lang {

enum class FunctionGroup { kNull, kDate, kString, kNumber, kRelated, kHistory };

struct FunctionInfo {
  std::string_view name;
  std::string_view signature;  // "days_since(date) -> int"
  FunctionGroup group;
  int min_args;
  int max_args;  // -1: variadic
};

// Every known function, including the related-record and history functions
// that are reserved (they bind to a "not supported yet" error).
const std::vector<FunctionInfo>& FunctionCatalog();
const FunctionInfo* FindFunction(std::string_view lower_name);
std::vector<std::string> FunctionNames();

}  // namespace docket::lang

#endif  // DOCKET_LANG_FUNCTIONS_H_
