#include "plan/physical_plan.h"

#include <algorithm>
#include <utility>

namespace docket::plan {

namespace {

bool IsExpensiveOp(const plan::Graph& g, const Node& n) {
  switch (n.op) {
    case Op::kLike:
    case Op::kMatches:
    case Op::kTsToDate:
    case Op::kAddMonths:
    case Op::kCall:
    case Op::kCase:
    case Op::kCoalesce:
      return true;
    case Op::kCompare:
    case Op::kInSet:
      return g.node(n.args[0]).type == ExprType::kString;
    default:
      return false;
  }
}

}  // namespace

PhysicalPlan PhysicalPlan::Analyze(std::shared_ptr<const plan::Graph> graph,
                                   std::vector<int32_t> roots, std::vector<int32_t> rule_table,
                                   std::vector<std::string> tables) {
  PhysicalPlan p;
  const plan::Graph& g = *graph;
  const int32_t size = g.size();
  p.graph = std::move(graph);
  p.roots = std::move(roots);
  p.rule_table = std::move(rule_table);
  p.tables = std::move(tables);
  p.reachable.assign(size, 0);
  std::vector<int32_t> parents(size, 0);
  std::vector<int32_t> stack;
  for (int32_t r : p.roots) {
    ++parents[r];
    stack.push_back(r);
  }
  while (!stack.empty()) {
    int32_t id = stack.back();
    stack.pop_back();
    if (p.reachable[id]) continue;
    p.reachable[id] = 1;
    for (int32_t a : g.node(id).args) {
      ++parents[a];
      if (!p.reachable[a]) stack.push_back(a);
    }
    for (int32_t a : g.node(id).sub) {
      ++parents[a];
      if (!p.reachable[a]) stack.push_back(a);
    }
  }
  // Nodes are created children-first, so ascending ids are a topological order.
  p.shared_slot.assign(size, -1);
  p.const_slot.assign(size, -1);
  p.per_entry.assign(size, 0);
  p.expensive.assign(size, 0);
  p.fallible_below.assign(size, 0);
  std::vector<uint8_t> eligible(size, 0), ineligible_parent(size, 0);
  std::vector<uint8_t> is_root(size, 0);
  for (int32_t r : p.roots) is_root[r] = 1;
  for (int32_t id = 0; id < size; ++id) {
    if (!p.reachable[id]) continue;
    const Node& n = g.node(id);
    if (n.eval_const) {
      p.const_slot[id] = static_cast<int32_t>(p.const_nodes.size());
      p.const_nodes.push_back(id);
    } else if (parents[id] > 1) {
      p.shared_slot[id] = p.num_shared++;
    }
    if (n.op == Op::kTsToDate || n.op == Op::kDayStart || n.op == Op::kCivilToTs)
      p.needs_zone = true;
    if (n.op == Op::kParam) p.params.push_back(n.name);
    bool exp = IsExpensiveOp(g, n);
    bool fall = n.fallible;
    for (int32_t a : n.args) {
      // An evaluation constant runs once per evaluation, never per row.
      if (g.node(a).eval_const) continue;
      exp = exp || p.expensive[a];
      fall = fall || p.fallible_below[a];
    }
    p.expensive[id] = exp;
    p.fallible_below[id] = fall;
    // Per-entry evaluation would count diagnostics per entry, not per row: not for fallible
    // subtrees.
    eligible[id] = !fall && !n.eval_const && n.type == ExprType::kBool && n.single_column >= 0 &&
                   g.columns()[n.single_column].type == ExprType::kString && n.op != Op::kIsNull &&
                   n.op != Op::kIsNotNull;
  }
  for (int32_t id = 0; id < size; ++id) {
    if (!p.reachable[id]) continue;
    for (int32_t a : g.node(id).args) {
      if (!eligible[id]) ineligible_parent[a] = 1;
    }
    for (int32_t a : g.node(id).sub) ineligible_parent[a] = 1;
  }
  for (int32_t id = 0; id < size; ++id) {
    if (p.reachable[id] && eligible[id] && (is_root[id] || ineligible_parent[id]))
      p.per_entry[id] = 1;
  }
  std::sort(p.params.begin(), p.params.end());
  p.params.erase(std::unique(p.params.begin(), p.params.end()), p.params.end());
  AnalyzeRelated(&p);
  return p;
}

void PhysicalPlan::AnalyzeRelated(PhysicalPlan* p) {
  const plan::Graph& g = *p->graph;
  const int32_t size = g.size();
  p->link_used.assign(g.links().size(), 0);
  // dep[id]: the first stage level at which node id can be evaluated (every
  // derived column below it is computed at a lower level).
  std::vector<int32_t> dep(size, 0);
  struct Pending {
    int32_t level;
    std::string table;
    DerivedTask task;
  };
  std::vector<Pending> pending;
  std::vector<uint8_t> slot_done(g.columns().size(), 0);
  for (int32_t id = 0; id < size; ++id) {
    if (!p->reachable[id]) continue;
    const Node& n = g.node(id);
    int32_t d = 0;
    for (int32_t a : n.args) d = std::max(d, dep[a]);
    if (n.op == Op::kAggregate) {
      int32_t level = 0;
      for (int32_t a : n.sub) level = std::max(level, dep[a]);
      pending.push_back({level, g.links()[n.link].from, DerivedTask{id, n.column, true}});
      p->link_used[n.link] = 1;
      d = level + 1;
    } else if (n.op == Op::kParentValue) {
      p->link_used[n.link] = 1;
      if (!n.sub.empty() && g.node(n.sub[0]).op == Op::kAggregate) {
        d = std::max(d, dep[n.sub[0]]);  // Reads the aggregate's column once its stage ran.
      } else if (!n.sub.empty()) {
        const int32_t level = dep[n.sub[0]];
        if (!slot_done[n.column]) {
          slot_done[n.column] = 1;
          pending.push_back({level, g.links()[n.link].to, DerivedTask{n.sub[0], n.column, false}});
        }
        d = std::max(d, level + 1);
      }
    }
    dep[id] = d;
  }
  // Stages: by level, then one pass per table in first-use order.
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Pending& a, const Pending& b) { return a.level < b.level; });
  int32_t current_level = -1;
  size_t level_begin = 0;
  for (const Pending& q : pending) {
    if (q.level != current_level) {
      current_level = q.level;
      level_begin = p->stages.size();
    }
    size_t s = level_begin;
    while (s < p->stages.size() && p->stages[s].table != q.table) ++s;
    if (s == p->stages.size()) p->stages.push_back(Stage{q.table, {}});
    p->stages[s].tasks.push_back(q.task);
  }
  // The links each rule reads through (its orphans are that rule's diagnostics).
  p->rule_links.resize(p->roots.size());
  std::vector<int32_t> seen(size, -1);
  for (size_t r = 0; r < p->roots.size(); ++r) {
    std::vector<int32_t> stack = {p->roots[r]};
    while (!stack.empty()) {
      int32_t id = stack.back();
      stack.pop_back();
      if (seen[id] == static_cast<int32_t>(r)) continue;
      seen[id] = static_cast<int32_t>(r);
      const Node& n = g.node(id);
      if (n.op == Op::kAggregate || n.op == Op::kParentValue) {
        std::vector<int32_t>& links = p->rule_links[r];
        if (std::find(links.begin(), links.end(), n.link) == links.end()) links.push_back(n.link);
      }
      for (int32_t a : n.args) stack.push_back(a);
      for (int32_t a : n.sub) stack.push_back(a);
    }
  }
}

}  // namespace docket::plan
