// tests/plan/plan_test_util.h — binding a rule with the plan stage alone
// (lang::Parse → plan::Binder over a plan::ExprBuilder folding with the
// runtime's kernels, as lib/compiler does) and reading the result as
// Graph::Dump's s-expression.
#ifndef DOCKET_TESTS_PLAN_PLAN_TEST_UTIL_H_
#define DOCKET_TESTS_PLAN_PLAN_TEST_UTIL_H_

#include <memory>
#include <string>
#include <utility>

#include "docket/error.h"
#include "docket/options.h"
#include "docket/schema.h"
#include "exec/constant.h"
#include "lang/parser.h"
#include "plan/binder.h"
#include "plan/builder.h"

namespace docket::testing {

// The test table t: one column of each type, and some NULL-able ones.
inline Schema PlanSchema() {
  TableSchema t;
  t.name = "t";
  for (auto [name, type] :
       std::vector<std::pair<const char*, DataType>>{{"i", DataType::Int()},
                                                     {"j", DataType::Int()},
                                                     {"f", DataType::Float()},
                                                     {"s", DataType::String()},
                                                     {"d", DataType::Date()},
                                                     {"e", DataType::Date()},
                                                     {"ts", DataType::Timestamp(TimeUnit::kMicro)},
                                                     {"b", DataType::Bool()},
                                                     {"c", DataType::Bool()}}) {
    t.columns.push_back(ColumnSchema{name, type, {}});
  }
  Schema s;
  s.tables.push_back(std::move(t));
  return s;
}

// What binding one rule gave: the dump of its root, or the error.
struct BindResult {
  absl::Status status;
  std::string dump;
  std::optional<ErrorDetail> error;  // When !status.ok().
};

class PlanBinder {
 public:
  explicit PlanBinder(Schema schema = PlanSchema(), CompileOptions options = {})
      : schema_(std::move(schema)), options_(std::move(options)) {}

  // A segment usable by name in later rules (its text located at `origin`).
  void AddSegment(const std::string& name, const std::string& text, SourceLocation origin = {}) {
    plan::SegmentDef def;
    def.name = name;
    def.source = std::make_unique<lang::SourceText>(ExpressionSource{text, std::move(origin)});
    segments_.emplace(name, std::move(def));
  }

  BindResult Bind(const std::string& text, SourceLocation origin = {},
                  const std::string& table = "t") {
    BindResult out;
    plan::Graph graph;
    plan::ExprBuilder builder(&graph, &exec::FoldConstant);
    plan::Binder binder(&builder, &schema_, &options_, &segments_);
    lang::SourceText source(ExpressionSource{text, std::move(origin)});
    absl::StatusOr<lang::SyntaxTree> tree = lang::Parse(source, options_.limits);
    if (!tree.ok()) {
      out.status = tree.status();
    } else {
      absl::StatusOr<int32_t> root = binder.BindRule(*schema_.FindTable(table), source, *tree, 0);
      if (root.ok()) {
        out.dump = graph.Dump(*root);
      } else {
        out.status = root.status();
      }
    }
    if (!out.status.ok()) out.error = GetErrorDetail(out.status);
    return out;
  }

  // The dump, or "error: <message>".
  std::string Dump(const std::string& text) {
    BindResult r = Bind(text);
    return r.status.ok() ? r.dump : "error: " + std::string(r.status.message());
  }

 private:
  Schema schema_;
  CompileOptions options_;
  plan::SegmentMap segments_;
};

}  // namespace docket::testing

#endif  // DOCKET_TESTS_PLAN_PLAN_TEST_UTIL_H_
