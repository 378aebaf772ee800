#include "plan/params.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "base/names.h"
#include "docket/error.h"

namespace docket::plan {

absl::StatusOr<ParamMap> ApplyParamOverrides(const ParamMap& defaults, const ParamMap& overrides) {
  ParamMap params = defaults;
  for (const auto& [name, value] : overrides) {
    auto it = params.find(name);
    if (it == params.end()) {
      std::vector<std::string> names;
      for (const auto& [k, v] : defaults) names.push_back(k);
      return UsageError(absl::StrCat("unknown param '", name, "'"),
                        names.empty() ? "the rulebook declares no params"
                                      : base::DidYouMean(name, names, "the params are"));
    }
    const DataType want = it->second.type();
    if (value.is_null()) {
      it->second = Value::Null(want);
    } else if (value.type() == want) {
      it->second = value;
    } else if (want.id == TypeId::kFloat && value.type().id == TypeId::kInt) {
      it->second = Value::Float(static_cast<double>(value.int_value()));
    } else {
      return UsageError(absl::StrCat("param '", name, "' is ", want.ToString(), ", not ",
                                     value.type().ToString()),
                        absl::StrCat("its default is ", it->second.ToString()));
    }
  }
  return params;
}

}  // namespace docket::plan
