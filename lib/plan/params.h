// plan/params.h — the one rule for run-time param overrides, shared by
// Program::Evaluate and CompiledRulebook::Evaluate (and so by the command and
// Python): every override names a declared param, and takes its declared type.
//
//   absl::StatusOr<ParamMap> params = plan::ApplyParamOverrides(defaults, overrides);
//
// An unknown name is a usage error with a did-you-mean (or the list of params);
// an int stands for a float; a NULL override is a NULL of the declared type;
// any other type is a usage error naming both types.
#ifndef DOCKET_PLAN_PARAMS_H_
#define DOCKET_PLAN_PARAMS_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "docket/value.h"

namespace docket::plan {

using ParamMap = std::map<std::string, Value, std::less<>>;

absl::StatusOr<ParamMap> ApplyParamOverrides(const ParamMap& defaults, const ParamMap& overrides);

}  // namespace docket::plan

#endif  // DOCKET_PLAN_PARAMS_H_
