// exec/related.h — related records at evaluation time: the joins a program
// reads through, each table's owner scope, and the derived columns
// (aggregates over child tables, expressions a child reads from its parent).
//
// Evaluate() runs in this order:
//   1. RelatedData::Resolve: every link the program uses (a path from a table
//      up to an ancestor) becomes a row map, start row → end row or -1.  Each
//      step is the child table's cached ParentMap (storage/relations.h), so
//      the key join is built once per snapshot and shared by every rule;
//      longer paths are composed once per evaluation.
//   2. RelatedData::Scope: with an owner, each table's rows in scope — its own
//      owner column when it has one (that wins), else its parent's scope
//      through the join; a row without a parent then has no owner.
//   3. RunStages: the plan's stages, lowest level first.  A stage is one pass
//      over one table, in batches on all threads, computing every derived
//      column of that table at that level: an aggregate evaluates its WHERE
//      (and its value only on the rows the WHERE keeps) and records each
//      kept row; a sequential scatter in row order then folds them into one
//      value per parent row (so float sums do not depend on the thread
//      count).  Aggregates see every row of the child table, in scope or not:
//      an account's facts do not depend on who looks at it.
//   4. The rules, batch by batch, reading derived columns like any column.
#ifndef DOCKET_EXEC_RELATED_H_
#define DOCKET_EXEC_RELATED_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/bitmap.h"
#include "docket/program.h"
#include "docket/schema.h"
#include "docket/table.h"
#include "exec/executor.h"
#include "storage/relations.h"

namespace docket::exec {

class RelatedData {
 public:
  // Resolves the links `plan` uses.  `schema` holds the relations the program
  // was compiled with; the tables come from `snapshot`.
  absl::Status Resolve(const PhysicalPlan& plan, const Schema& schema, const Snapshot& snapshot);

  // Start row → end row of link `link` (only for used links).
  const int32_t* rows(int32_t link) const { return links_[link].rows; }
  // Rows of the link's start table with no row at its end.
  int64_t orphans(int32_t link) const { return links_[link].orphans; }

  // Rows of `table` in the scope of `owner`; nullopt when the table has no
  // owner, directly or through its parents (every row is in scope).
  absl::StatusOr<std::optional<Bitmap>> Scope(const Schema& schema, const Snapshot& snapshot,
                                              const std::string& table, const std::string& owner,
                                              int max_depth);

  // Every direct relation consulted, with its NULL and missing parent keys.
  const std::vector<RelationDiagnostics>& relations() const { return relations_; }

 private:
  struct Link {
    const int32_t* rows = nullptr;
    int64_t orphans = 0;
    std::shared_ptr<const storage::ParentMap> step;  // Single-step link: the cached map.
    std::vector<int32_t> composed;                   // Longer link: the composed map.
  };
  absl::StatusOr<std::shared_ptr<const storage::ParentMap>> Step(const Schema& schema,
                                                                 const Snapshot& snapshot,
                                                                 const std::string& child);
  std::vector<Link> links_;
  std::vector<RelationDiagnostics> relations_;
  std::map<std::string, std::shared_ptr<const storage::ParentMap>, std::less<>> steps_;
};

// What the stages keep between evaluations of one plan (an EvalContext's):
// each stage's frames, per-thread scratch, accumulators and the storage of
// the derived columns, so a repeated evaluation of the same shape allocates
// nothing.  Used with one plan only (reset it for another).
class StageScratch {
 public:
  StageScratch();
  ~StageScratch();
  StageScratch(StageScratch&&) noexcept;
  StageScratch& operator=(StageScratch&&) noexcept;
  struct Impl;
  std::unique_ptr<Impl> impl;
};

// Runs the plan's stages.  Fills `derived` (indexed by column slot; views
// over `scratch`'s storage, which must outlive them) and points st->columns
// at it; diagnostics raised per row go to thread_diag[t][rule], those of the
// scatter (int sum overflow) to st->const_diag.
absl::Status RunStages(const PhysicalPlan& plan, const Snapshot& snapshot, EvalState* st,
                       int threads, std::vector<std::vector<Diagnostics>>* thread_diag,
                       std::vector<Column>* derived, StageScratch* scratch);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_RELATED_H_
