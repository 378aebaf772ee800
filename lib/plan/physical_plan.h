// plan/physical_plan.h — the physical plan: the immutable analysis of a
// graph for a set of rule roots, computed once at compile time.  Which nodes
// are shared and cached per batch, which string predicates are evaluated
// once per dictionary entry, which constants exist, which are expensive or
// fallible, and the stages that compute related-record columns before the
// rules run.  lib/exec reads it; nothing here runs a row.
#ifndef DOCKET_PLAN_PHYSICAL_PLAN_H_
#define DOCKET_PLAN_PHYSICAL_PLAN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plan/expr.h"

namespace docket::plan {

struct PhysicalPlan {
  std::shared_ptr<const Graph> graph;
  std::vector<int32_t> roots;        // Per rule.
  std::vector<int32_t> rule_table;   // Per rule: index into tables.
  std::vector<std::string> tables;   // Distinct tables, in first-use order.
  std::vector<uint8_t> reachable;    // Per node.
  std::vector<int32_t> shared_slot;  // Per node: cache slot, -1 when not shared.
  int32_t num_shared = 0;
  std::vector<uint8_t> per_entry;  // Per node: evaluate once per dictionary entry.
  std::vector<uint8_t> expensive;  // Per node: the subtree does string, regex or zone work.
  std::vector<uint8_t>
      fallible_below;  // Per node: the subtree can raise a diagnostic (division, overflow).
  std::vector<int32_t> const_slot;   // Per node: constant slot, -1 when none.
  std::vector<int32_t> const_nodes;  // Per slot: its node.
  bool needs_zone = false;
  int max_relation_depth = 64;      // Limits::max_relation_depth at compile time.
  std::vector<std::string> params;  // Params used.

  // Related records: derived columns computed in stages before the rules run
  // (exec/related.h).  A stage is one pass over `table` computing its tasks;
  // stages run in order (a nested aggregate's stage before its user's).
  struct DerivedTask {
    int32_t node = -1;  // The kAggregate node, or the node a kParentValue materializes.
    int32_t slot = -1;  // The derived column slot it fills.
    bool aggregate = false;
  };
  struct Stage {
    std::string table;
    std::vector<DerivedTask> tasks;
  };
  std::vector<Stage> stages;
  std::vector<uint8_t> link_used;                // Per link of the graph.
  std::vector<std::vector<int32_t>> rule_links;  // Per rule: the links it reads through.

  // Analyses `graph` for `roots` (roots[i] over tables[rule_table[i]]).
  static PhysicalPlan Analyze(std::shared_ptr<const Graph> graph, std::vector<int32_t> roots,
                              std::vector<int32_t> rule_table, std::vector<std::string> tables);

 private:
  static void AnalyzeRelated(PhysicalPlan* p);
};

}  // namespace docket::plan

#endif  // DOCKET_PLAN_PHYSICAL_PLAN_H_
