#include "lang/param_names.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/names.h"
#include "docket/error.h"
#include "lang/lexer.h"

namespace docket::lang {

namespace {
absl::StatusOr<std::vector<std::string>> Names(std::string_view expression) {
  absl::StatusOr<std::vector<Token>> tokens =
      Tokenize(SourceText(ExpressionSource{std::string(expression), {}}), Limits{});
  if (!tokens.ok()) return tokens.status();
  std::vector<std::string> out;
  for (const Token& t : *tokens) {
    if (t.kind == TokenKind::kParam && std::find(out.begin(), out.end(), t.text) == out.end()) {
      out.push_back(t.text);
    }
  }
  return out;
}
}  // namespace

std::vector<std::string> ParamNames(std::string_view expression) {
  absl::StatusOr<std::vector<std::string>> names = Names(expression);
  return names.ok() ? *std::move(names) : std::vector<std::string>{};
}

absl::Status CheckParamsUsed(std::string_view expression, const std::vector<std::string>& given,
                             std::string_view flag) {
  absl::StatusOr<std::vector<std::string>> names = Names(expression);
  if (!names.ok()) return absl::OkStatus();  // The compiler reports the text's error, located.
  const std::vector<std::string>& used = *names;
  for (const std::string& name : given) {
    if (std::find(used.begin(), used.end(), name) != used.end()) continue;
    std::vector<std::string> unset;
    for (const std::string& u : used) {
      if (std::find(given.begin(), given.end(), u) == given.end()) unset.push_back(u);
    }
    std::string hint = base::DidYouMean(name, unset.empty() ? used : unset);
    if (hint.empty()) {
      hint = used.empty() ? "the expression reads no params: leave it out"
                          : absl::StrCat("the expression reads $", absl::StrJoin(used, ", $"));
    }
    return UsageError(absl::StrCat(std::string(flag), "'", name,
                                   "' is not used by the expression (it has no $", name, ")"),
                      hint);
  }
  return absl::OkStatus();
}

}  // namespace docket::lang
