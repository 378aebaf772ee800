// Program::TablesRead: which tables a compiled program reads, from its
// physical plan (so that `docket eval` opens only those files).
#include <algorithm>
#include <string>
#include <vector>

#include "docket/program.h"
#include "plan/program_impl.h"

namespace docket {

std::vector<std::string> Program::TablesRead() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& t) {
    if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  if (impl_ == nullptr) return out;
  const plan::PhysicalPlan& p = impl_->plan;
  for (const std::string& t : p.tables) add(t);
  for (const plan::PhysicalPlan::Stage& s : p.stages) add(s.table);
  if (p.graph != nullptr) {
    for (const plan::ColumnRef& c : p.graph->columns()) add(c.table);
    for (const plan::LinkRef& l : p.graph->links()) {
      // Every table on the way up from `from` to `to`: the joins compose through them.
      const TableSchema* t = impl_->schema.FindTable(l.from);
      for (int depth = 0; t != nullptr && depth <= p.max_relation_depth; ++depth) {
        add(t->name);
        if (t->name == l.to || !t->parent.has_value()) break;
        t = impl_->schema.FindTable(t->parent->table);
      }
      add(l.to);
    }
  }
  return out;
}

}  // namespace docket
