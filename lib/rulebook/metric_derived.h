// The arithmetic of derived metrics (`expr: a / b * 100`, docket/metrics.h).
// Derived metrics are NOT compiled with the docket language: `expr:` is a
// small arithmetic language of its own — metric ids, numbers, + - * / and
// parentheses — evaluated per group over metric values (NULL in, NULL out; a
// division by zero is NULL).  Parsed by the loader (rulebook/metric_spec.cc),
// evaluated by lib/metrics/compute.cc.
#ifndef DOCKET_RULEBOOK_METRIC_DERIVED_H_
#define DOCKET_RULEBOOK_METRIC_DERIVED_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace docket::metrics {

struct DerivedToken {
  enum Kind { kNumber, kRef, kAdd, kSub, kMul, kDiv, kNeg } kind = kNumber;
  double number = 0;
  std::string ref;    // kRef: a metric id.
  size_t offset = 0;  // Byte offset in the expression text.
};

// The expression in postfix order.  InvalidArgument with *error_offset set
// for a syntax error.
absl::StatusOr<std::vector<DerivedToken>> ParseDerived(std::string_view text, size_t* error_offset);

// Evaluates postfix `tokens`; `lookup` gives a metric's value (nullopt: NULL).
// nullopt for NULL (a NULL operand or a division by zero).
template <typename Lookup>
std::optional<double> EvalDerived(const std::vector<DerivedToken>& tokens, Lookup&& lookup) {
  std::vector<std::optional<double>> stack;
  for (const DerivedToken& t : tokens) {
    if (t.kind == DerivedToken::kNumber) {
      stack.push_back(t.number);
      continue;
    }
    if (t.kind == DerivedToken::kRef) {
      stack.push_back(lookup(t.ref));
      continue;
    }
    if (t.kind == DerivedToken::kNeg) {
      if (stack.back()) stack.back() = -*stack.back();
      continue;
    }
    std::optional<double> b = stack.back();
    stack.pop_back();
    std::optional<double>& a = stack.back();
    if (!a || !b) {
      a.reset();
      continue;
    }
    switch (t.kind) {
      case DerivedToken::kAdd:
        *a += *b;
        break;
      case DerivedToken::kSub:
        *a -= *b;
        break;
      case DerivedToken::kMul:
        *a *= *b;
        break;
      case DerivedToken::kDiv:
        if (*b == 0) {
          a.reset();
        } else {
          *a /= *b;
        }
        break;
      default:
        break;
    }
  }
  return stack.empty() ? std::nullopt : stack.back();
}

}  // namespace docket::metrics

#endif  // DOCKET_RULEBOOK_METRIC_DERIVED_H_
