// lang/param_names.h — the params an expression names ($name), to check the
// params a user passes against them: a param given for an expression that
// never reads it is almost always a misspelling (`--param stale_dys=90`), so
// the CLI's `eval` and Python's predicate functions refuse it with a
// did-you-mean rather than ignore it.
#ifndef DOCKET_LANG_PARAM_NAMES_H_
#define DOCKET_LANG_PARAM_NAMES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace docket::lang {

// The distinct $names of `expression`, in order of first use; empty when it
// does not tokenize (the compiler reports that).
std::vector<std::string> ParamNames(std::string_view expression);

// OK when every name of `given` is read by `expression` (or when it does not
// tokenize: the compiler reports that, located); otherwise a usage
// error naming the first unused one ("param 'stale_dys' is not used by the
// expression (it has no $stale_dys)"), with a did-you-mean among the params
// the expression does read.  `flag` prefixes the name ("--param " for the CLI).
absl::Status CheckParamsUsed(std::string_view expression, const std::vector<std::string>& given,
                             std::string_view flag = "param ");

}  // namespace docket::lang

#endif  // DOCKET_LANG_PARAM_NAMES_H_
