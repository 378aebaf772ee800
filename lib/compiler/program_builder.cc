// compiler/program_builder.cc — the driver of compilation: parse each rule
// (lang), bind and plan it (plan), fold constants with the runtime's own
// kernels (exec, so compile-time folding and evaluation never disagree), and
// freeze the result with its physical plan into a Program.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/names.h"
#include "docket/error.h"
#include "docket/program.h"
#include "exec/constant.h"
#include "lang/parser.h"
#include "plan/binder.h"
#include "plan/builder.h"
#include "plan/program_impl.h"

namespace docket {

// ---------------------------------------------------------------------------
// ProgramBuilder.

struct ProgramBuilder::Impl {
  Schema schema;
  CompileOptions options;
  std::shared_ptr<plan::Graph> graph = std::make_shared<plan::Graph>();
  plan::ExprBuilder builder{graph.get(), &exec::FoldConstant};
  plan::SegmentMap segments;
  std::vector<int32_t> roots;
  std::vector<std::string> rule_tables;
  std::vector<ExpressionSource> sources;
  int rules_and_segments = 0;
};

ProgramBuilder::ProgramBuilder(Schema schema, CompileOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->schema = std::move(schema);
  impl_->options = std::move(options);
}
ProgramBuilder::~ProgramBuilder() = default;
ProgramBuilder::ProgramBuilder(ProgramBuilder&&) noexcept = default;
ProgramBuilder& ProgramBuilder::operator=(ProgramBuilder&&) noexcept = default;

namespace {}  // namespace

absl::Status ProgramBuilder::AddSegment(std::string name, ExpressionSource source) {
  if (impl_ == nullptr) return absl::FailedPreconditionError("ProgramBuilder was moved from");
  if (!base::IsIdentifier(name)) {
    return CompileError(source.origin, "segment name '" + name + "' is not a valid identifier",
                        "use letters, digits and _ (not starting with a digit)");
  }
  if (++impl_->rules_and_segments > impl_->options.limits.max_rules) {
    return LimitError(source.origin, "max_rules", impl_->options.limits.max_rules,
                      "too many rules and segments");
  }
  if (impl_->segments.count(name) > 0) {
    return CompileError(source.origin, "segment '" + name + "' is declared twice");
  }
  plan::SegmentDef def;
  def.name = name;
  def.source = std::make_unique<lang::SourceText>(std::move(source));
  impl_->segments.emplace(std::move(name), std::move(def));
  return absl::OkStatus();
}

absl::StatusOr<int> ProgramBuilder::AddPredicate(std::string_view table, ExpressionSource source) {
  if (impl_ == nullptr) return absl::FailedPreconditionError("ProgramBuilder was moved from");
  const TableSchema* ts = impl_->schema.FindTable(table);
  if (ts == nullptr) {
    std::vector<std::string> names;
    for (const TableSchema& t : impl_->schema.tables) names.push_back(t.name);
    std::string close = base::ClosestName(table, names);
    return CompileError(source.origin, "unknown table '" + std::string(table) + "'",
                        close.empty() ? (names.empty() ? "the schema has no tables"
                                                       : "tables: " + absl::StrJoin(names, ", "))
                                      : "did you mean '" + close + "'?");
  }
  if (++impl_->rules_and_segments > impl_->options.limits.max_rules) {
    return LimitError(source.origin, "max_rules", impl_->options.limits.max_rules,
                      "too many rules and segments");
  }
  lang::SourceText text(source);
  absl::StatusOr<lang::SyntaxTree> tree = lang::Parse(text, impl_->options.limits);
  if (!tree.ok()) return tree.status();
  const int32_t rule = static_cast<int32_t>(impl_->roots.size());
  plan::Binder binder(&impl_->builder, &impl_->schema, &impl_->options, &impl_->segments);
  absl::StatusOr<int32_t> root = binder.BindRule(*ts, text, *tree, rule);
  if (!root.ok()) return root.status();
  impl_->roots.push_back(*root);
  impl_->rule_tables.push_back(ts->name);
  impl_->sources.push_back(std::move(source));
  return rule;
}

absl::StatusOr<Program> ProgramBuilder::Build() && {
  if (impl_ == nullptr) return absl::FailedPreconditionError("ProgramBuilder was moved from");
  Impl& im = *impl_;
  // Every segment must compile in at least one table (and have no cycle).
  for (auto& [name, seg] : im.segments) {
    if (seg.used) continue;
    if (im.schema.tables.empty()) {
      absl::StatusOr<lang::SyntaxTree> tree = lang::Parse(*seg.source, im.options.limits);
      if (!tree.ok()) return tree.status();
      continue;
    }
    absl::Status first;
    bool ok = false;
    for (const TableSchema& t : im.schema.tables) {
      // Bind into a scratch graph so unused segments leave no trace in the program.
      plan::Graph scratch;
      plan::ExprBuilder b(&scratch, &exec::FoldConstant);
      plan::Binder binder(&b, &im.schema, &im.options, &im.segments);
      absl::StatusOr<int32_t> r = binder.BindSegmentAlone(t, name, -1);
      if (r.ok()) {
        ok = true;
        break;
      }
      if (first.ok()) first = r.status();
    }
    if (!ok) return first;
  }
  std::vector<std::string> tables;
  std::vector<int32_t> rule_table;
  for (const std::string& t : im.rule_tables) {
    auto it = std::find(tables.begin(), tables.end(), t);
    if (it == tables.end()) {
      tables.push_back(t);
      it = tables.end() - 1;
    }
    rule_table.push_back(static_cast<int32_t>(it - tables.begin()));
  }
  auto impl = std::make_shared<Program::Impl>();
  impl->schema = im.schema;
  impl->default_params = im.options.params;
  impl->rule_tables = im.rule_tables;
  impl->sources = im.sources;
  impl->plan =
      plan::PhysicalPlan::Analyze(im.graph, im.roots, std::move(rule_table), std::move(tables));
  Program p;
  p.impl_ = std::move(impl);
  impl_.reset();
  return p;
}

// ---------------------------------------------------------------------------
// CompiledPredicate.

absl::StatusOr<CompiledPredicate> CompiledPredicate::Compile(std::string_view expression,
                                                             const Schema& schema,
                                                             std::string_view table,
                                                             CompileOptions options) {
  ProgramBuilder builder(schema, std::move(options));
  absl::StatusOr<int> idx =
      builder.AddPredicate(table, ExpressionSource{std::string(expression), {}});
  if (!idx.ok()) return idx.status();
  absl::StatusOr<Program> program = std::move(builder).Build();
  if (!program.ok()) return program.status();
  CompiledPredicate p;
  p.program_ = *std::move(program);
  return p;
}

absl::StatusOr<CompiledPredicate> CompiledPredicate::Compile(std::string_view expression,
                                                             const TableSchema& table,
                                                             CompileOptions options) {
  Schema schema;
  schema.tables.push_back(table);
  return Compile(expression, schema, table.name, std::move(options));
}

}  // namespace docket
