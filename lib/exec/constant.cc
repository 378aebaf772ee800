#include "exec/constant.h"

#include <memory>

#include "exec/executor.h"

namespace docket::exec {

std::optional<Value> FoldConstant(const plan::Graph& graph, int32_t id) {
  // A tiny graph holding just the node and its constant arguments keeps
  // folding O(arguments) however large the program's graph is.
  auto mini = std::make_shared<plan::Graph>();
  plan::Node n = graph.node(id);
  for (int32_t& a : n.args) {
    plan::Node c = graph.node(a);
    c.args.clear();
    a = mini->Intern(std::move(c));
  }
  n.rule = -1;
  int32_t root = mini->Intern(std::move(n));
  PhysicalPlan plan = PhysicalPlan::Analyze(mini, {root}, {0}, {""});
  EvalState st;
  st.plan = &plan;
  std::map<std::string, Value, std::less<>> no_params;
  st.params = &no_params;
  st.consts.resize(plan.const_nodes.size());
  st.const_ready.assign(plan.const_nodes.size(), 0);
  BatchEvaluator frame(&st, 1, nullptr);
  frame.SetConstantMode();
  RowSet all;
  all.n = 1;
  all.count = 1;
  frame.BeginBatch(0, 1, all);
  BatchValues v = frame.Eval(root, all);
  frame.Release(&v);
  frame.EndBatch();
  if (!frame.unowned_diagnostics().empty()) return std::nullopt;
  return st.consts[plan.const_slot[root]].Get(mini->node(root).type);
}

}  // namespace docket::exec
