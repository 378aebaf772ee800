// exec/constant.h — evaluating constant expressions with the batch kernels
// (one row), so that folding at compile time and evaluation at run time can
// never disagree.
#ifndef DOCKET_EXEC_CONSTANT_H_
#define DOCKET_EXEC_CONSTANT_H_

#include <optional>

#include "docket/value.h"
#include "plan/expr.h"

namespace docket::exec {

// Value of node `id`, whose arguments are all kConst and which needs no
// evaluation context; nullopt when it raises a diagnostic (division by zero,
// overflow), which must then be counted at evaluation time.
std::optional<Value> FoldConstant(const plan::Graph& graph, int32_t id);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_CONSTANT_H_
