// docket/program.h — compile many rules against one schema, then evaluate
// them together in one pass over a snapshot, from any number of threads.
//
// A Program is what a rulebook compiles into: every predicate over every
// table, sharing column reads, segments and common subexpressions.
//
//   docket::ProgramBuilder builder(snapshot.schema);          // or a declared schema
//   DOCKET_RETURN_IF_ERROR(builder.AddSegment("in_forecast_window",
//       {"renewal_date BETWEEN today AND today + $window", where}));
//   absl::StatusOr<int> stale = builder.AddPredicate("accounts",
//       {"pulse IS NULL OR days_since(pulse_changed_at) > 90", where});
//   absl::StatusOr<docket::Program> program = std::move(builder).Build();
//
//   docket::EvalOptions opts;  opts.as_of = absl::CivilDay(2026, 11, 22);
//   absl::StatusOr<docket::ProgramResult> r = program->Evaluate(snapshot, opts);
//   r->predicates[*stale].count;            // rows where the rule is TRUE
//   r->predicates[*stale].rows.Get(i);      // is row i in?
//
// Compile errors are InvalidArgument with file:line:column pointing into the
// original file (ExpressionSource::origin is where the text starts), the
// source line, a caret and a hint; see error.h.  Evaluation never meets a
// type error: type checking is complete at compile time.
//
// Segments are named predicates referenced by bare name in any expression
// (and in other segments); each use is type-checked against the table of
// the expression that uses it.  A name that is both a column and a segment is
// a compile error.  A cycle between segments is a compile error naming the
// path (a -> b -> a).
//
// Thread safety: a Program is immutable; Evaluate() may be called from many
// threads at once.  Results are identical for every EvalOptions::threads.
#ifndef DOCKET_PROGRAM_H_
#define DOCKET_PROGRAM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/bitmap.h"
#include "docket/options.h"
#include "docket/schema.h"
#include "docket/table.h"

namespace docket {

// Rule text and where it starts in its file (for error positions).  When the
// text spans several lines, line/column of later characters are computed
// from the text itself.
struct ExpressionSource {
  std::string text;
  SourceLocation origin;  // Location of text[0]; line 0 means "line 1, column 1, no file".
};

// What evaluation noticed without failing: a per-rule count of each event.
struct Diagnostics {
  int64_t division_by_zero = 0;  // x / 0 and x % 0 gave NULL.
  int64_t int_overflow = 0;      // int arithmetic overflowed and gave NULL.
  int64_t orphan_rows = 0;  // Rows of a table the rule reads through a relation (an aggregate's
                            // child table, a parent field's own table) that have no parent.
  bool empty() const { return division_by_zero == 0 && int_overflow == 0 && orphan_rows == 0; }
};

struct PredicateResult {
  std::string table;  // The table the predicate ranges over.
  Bitmap rows;        // Bit i set: the predicate is TRUE for row i (and row i is in scope).
  Bitmap nulls;       // With EvalOptions::want_nulls: bit i set when NULL.
  int64_t count = 0;  // rows.CountSet().
  Diagnostics diagnostics;
  std::vector<std::string> notes;  // CompiledPredicate::Evaluate: ProgramResult::notes.
};

// A relation (child → parent) the evaluation read through, and the child
// rows it could not follow.  Such rows never crash and never count: an
// aggregate skips them and their parent fields are NULL.
struct RelationDiagnostics {
  std::string table;         // The child table.
  std::string parent;        // Its parent table.
  int64_t null_keys = 0;     // Child rows whose parent key (`via`) is NULL.
  int64_t missing_keys = 0;  // Child rows whose parent key is not in the parent table (orphans).
};

struct ProgramResult {
  std::vector<PredicateResult> predicates;  // In AddPredicate order.
  std::vector<RelationDiagnostics> relations;
  // What the history functions could not read (no snapshot old enough, a
  // table or column missing from an older snapshot), each with the rows it
  // made NULL: one line each, for the user.
  std::vector<std::string> notes;
};

class Program;

// Reusable scratch for Program::Evaluate: the on-change path.  A platform
// re-evaluates a rulebook when one account (and its related rows) changes;
// with a context kept per thread, that call allocates nothing once the
// context has seen the program and the snapshot's shape:
//
//   docket::EvalContext ctx;                 // one per thread (not thread-safe)
//   docket::ProgramResult result;            // reused too: its bitmaps keep their storage
//   opts.threads = 1;                        // one account: the caller's thread
//   DOCKET_RETURN_IF_ERROR(program.Evaluate(one_account, opts, &ctx, &result));
//
// What the context keeps between calls: the evaluation frames and their
// blocks, the constants (not even recomputed while as_of, the zone and the
// params stay), the related-record stages' accumulators and derived
// columns, and the joins of the last snapshot it saw (recognised by its
// tables' identity: the same tables, or copies of them).  A call allocates
// when that state must grow or be rebuilt: the first call, another program,
// another snapshot (its joins are resolved again), larger tables, more
// threads, param overrides (EvalOptions::params non-empty), an owner scope,
// or history.  `setups()` counts those calls.
class EvalContext {
 public:
  EvalContext();
  ~EvalContext();
  EvalContext(EvalContext&&) noexcept;
  EvalContext& operator=(EvalContext&&) noexcept;
  EvalContext(const EvalContext&) = delete;
  EvalContext& operator=(const EvalContext&) = delete;

  // Evaluations that (re)built state (a new program, a new snapshot, other shapes).
  int64_t setups() const;
  // Evaluations run through this context.
  int64_t evaluations() const;

  struct Impl;

 private:
  friend class Program;
  std::unique_ptr<Impl> impl_;
};

class ProgramBuilder {
 public:
  explicit ProgramBuilder(Schema schema, CompileOptions options = {});
  ~ProgramBuilder();
  ProgramBuilder(ProgramBuilder&&) noexcept;
  ProgramBuilder& operator=(ProgramBuilder&&) noexcept;

  // Declares a segment (compiled lazily, at each use, in the user's table).
  absl::Status AddSegment(std::string name, ExpressionSource source);
  // Compiles a predicate (its type must be bool) over `table`; returns its index.
  absl::StatusOr<int> AddPredicate(std::string_view table, ExpressionSource source);
  // Checks that every segment compiles in at least one table and there are no
  // cycles, then freezes the program.
  absl::StatusOr<Program> Build() &&;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Program {
 public:
  Program();
  ~Program();
  Program(const Program&);
  Program& operator=(const Program&);
  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;

  int num_predicates() const;
  // The table each predicate ranges over, and its source text.
  const std::string& predicate_table(int i) const;
  const ExpressionSource& predicate_source(int i) const;
  // A readable dump of the optimized plan (for `docket explain` and tests).
  std::string DebugString() const;
  // The tables evaluation reads: the predicates' own, those of related
  // records and parent fields, and the tables their joins pass through.
  // `docket eval` reads only these files (lib/compiler/program_tables.cc).
  std::vector<std::string> TablesRead() const;

  // The program restricted to predicates `which` (indices, in the order
  // given): the same compiled graph re-planned for those roots only — no
  // parsing or binding again, and only the tables and columns they need are
  // read.  Cheap; a CompiledRulebook caches one per subset of lists.
  Program Select(const std::vector<int>& which) const;

  // Evaluates every predicate.  Errors: FailedPrecondition when a table or
  // column the program needs is missing from `snapshot` or has another type;
  // InvalidArgument for a bad param override.
  absl::StatusOr<ProgramResult> Evaluate(const Snapshot& snapshot,
                                         const EvalOptions& options) const;
  // The same, reusing `context`'s buffers and writing into `*result` (whose
  // storage is reused too): no heap allocation once warm (see EvalContext).
  // On error `*result` is unspecified.
  absl::Status Evaluate(const Snapshot& snapshot, const EvalOptions& options, EvalContext* context,
                        ProgramResult* result) const;

 private:
  friend class ProgramBuilder;
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// One predicate over one table: the simple form of the above.
//
//   auto pred = docket::CompiledPredicate::Compile("arr > 100000", schema, "accounts");
//   auto res = pred->Evaluate(snapshot, opts);       // or EvaluateTable(table, opts)
class CompiledPredicate {
 public:
  static absl::StatusOr<CompiledPredicate> Compile(std::string_view expression,
                                                   const Schema& schema, std::string_view table,
                                                   CompileOptions options = {});
  static absl::StatusOr<CompiledPredicate> Compile(std::string_view expression,
                                                   const TableSchema& table,
                                                   CompileOptions options = {});
  absl::StatusOr<PredicateResult> Evaluate(const Snapshot& snapshot,
                                           const EvalOptions& options) const;
  absl::StatusOr<PredicateResult> EvaluateTable(const Table& table,
                                                const EvalOptions& options) const;
  const Program& program() const { return program_; }

 private:
  Program program_;
};

}  // namespace docket

#endif  // DOCKET_PROGRAM_H_
