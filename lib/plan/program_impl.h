// plan/program_impl.h — what a compiled Program holds: the schema it was
// compiled against, default params, each rule's table and source, and the
// physical plan.  Built by the compiler (lib/compiler), run by lib/exec.
#ifndef DOCKET_PLAN_PROGRAM_IMPL_H_
#define DOCKET_PLAN_PROGRAM_IMPL_H_

#include <map>
#include <string>
#include <vector>

#include "docket/program.h"
#include "plan/physical_plan.h"

namespace docket {
namespace plan {

struct CompiledProgram {
  Schema schema;
  std::map<std::string, Value, std::less<>> default_params;
  std::vector<std::string> rule_tables;
  std::vector<ExpressionSource> sources;
  PhysicalPlan plan;
};

}  // namespace plan

struct Program::Impl : plan::CompiledProgram {};

}  // namespace docket

#endif  // DOCKET_PLAN_PROGRAM_IMPL_H_
