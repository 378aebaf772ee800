// exec/executor.h — evaluates a plan::Graph over batches of rows.
//
// PhysicalPlan is the immutable analysis of a graph for a set of rule roots
// (which nodes are shared and cached per batch, which string predicates are
// evaluated once per dictionary entry, which constants exist).  EvalState is
// what one Evaluate() call knows (as_of, zone, params, the resolved columns,
// the evaluation constants and dictionary lookup tables); it is read-only
// while the batches run.  A BatchEvaluator is one thread's scratch: node caches and
// a pool of Blocks sized for one batch, reused for every batch — nothing is
// allocated per row.
//
// BatchEvaluator::Eval is the DuckDB-style "Select": AND evaluates each operand only
// on the rows still alive (not yet FALSE), OR only on the rows not yet TRUE,
// CASE and coalesce only on the rows still undecided.  See docs/evaluator.md.
#ifndef DOCKET_EXEC_EXECUTOR_H_
#define DOCKET_EXEC_EXECUTOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "docket/column.h"
#include "docket/program.h"
#include "docket/value.h"
#include "exec/bits.h"
#include "exec/vector.h"
#include "exec/zone.h"
#include "plan/expr.h"
#include "plan/physical_plan.h"

namespace docket::exec {

using plan::PhysicalPlan;

struct ScalarValue {
  int64_t i = 0;  // int, timestamp (micros)
  double f = 0;
  int32_t d = 0;  // date
  uint8_t b = 0;  // bool
  uint8_t valid = 0;
  std::string s;
  std::string_view sv;
  void Set(const Value& v, plan::ExprType t);
  Value Get(plan::ExprType t) const;
  const void* Ptr(plan::ExprType t) const;
};

// A per-dictionary-entry result of a peeled node: entries 0..D-1 are the
// dictionary entries, entry D is the NULL row.
struct EntryResult {
  std::vector<uint8_t> value;  // value | valid << 1, per entry.
  std::vector<uint8_t> valid;
  bool any_null = false;  // Some entry 0..D-1 is NULL.
  // Set by Finish(): when no entry 0..D-1 is NULL and at most two are TRUE,
  // rows compare their code with those (no table lookup per row).
  int num_true = -1;  // -1: look the code up in `value`.
  int32_t true_codes[2] = {-1, -1};
  void Finish();
};

struct EvalState {
  const PhysicalPlan* plan = nullptr;
  int64_t today = 0;
  std::shared_ptr<const ZoneTable> zone;
  const std::map<std::string, Value, std::less<>>* params = nullptr;
  std::vector<ScalarValue> consts;                        // Per const slot.
  std::vector<uint8_t> const_ready;                       // Per const slot.
  std::vector<const Column*> columns;                     // Per column slot (nullptr: not bound).
  std::vector<std::vector<std::string_view>> dict_views;  // Per column slot (dictionary columns).
  std::vector<const int32_t*> link_rows;  // Per link: start row → end row (-1: none).
  std::vector<std::unique_ptr<EntryResult>> entry_results;  // Per node (peeled, dictionary column).
  std::vector<Diagnostics> const_diag;                      // Per rule: raised by constants.
};

class BatchEvaluator {
 public:
  // `diag` has one entry per rule.  In constant mode the frame fills
  // state->consts; in dictionary mode column `dict_slot` reads `dict_column`.
  BatchEvaluator(EvalState* state, int capacity, Diagnostics* diag);
  ~BatchEvaluator();
  void SetDictionaryMode(int32_t slot, const Column* column);
  void SetConstantMode() { const_mode_ = true; }
  // Readies a kept frame for another evaluation of the same plan (an
  // EvalContext's): new diagnostics, no mode; its blocks are kept.
  void Reuse(Diagnostics* diag) {
    diag_ = diag;
    unowned_ = Diagnostics{};
    const_mode_ = false;
    dict_slot_ = -1;
    dict_column_ = nullptr;
  }
  int capacity() const { return capacity_; }
  // Diagnostics raised by nodes that belong to no rule (constant folding).
  const Diagnostics& unowned_diagnostics() const { return unowned_; }

  void BeginBatch(int64_t start, int n, const RowSet& root);
  void EndBatch();
  BatchValues Eval(int32_t id, const RowSet& a);
  void Release(BatchValues* v);
  // A boolean node as 64-row words (exec/bits.h, exec/execute_bits.cc):
  // AND/OR/NOT, IS NULL, comparisons and dictionary lookups produce words
  // directly; other nodes are evaluated as bytes and packed.
  BitVec EvalBits(int32_t id, const RowSet& a);
  void Release(BitVec* v);

  // Scratch for building RowSet sets.
  Block* Acquire();
  void Return(Block* b);

 private:
  BatchValues Compute(int32_t id, const RowSet& a);
  // With `words`, the validity is not unpacked to bytes: *words gets the
  // column's validity words for the batch (nullptr when it has no NULLs).
  BatchValues LoadColumn(int32_t id, const RowSet& a, const uint64_t** words = nullptr);
  BatchValues ParentValue(int32_t id, const RowSet& a);
  BatchValues Gather(int32_t id, const RowSet& a);
  // execute_bits.cc.
  BitVec ComputeBits(int32_t id, const RowSet& a);
  BitVec GatherBits(int32_t id, const RowSet& a);
  BitVec LogicBits(int32_t id, const RowSet& a, bool is_and);
  BitVec CompareBits(int32_t id, const RowSet& a);
  BitVec NullTestBits(int32_t id, const RowSet& a);
  // An operand's values with its validity as words (*words; nullptr: no NULL).
  BatchValues EvalWithWords(int32_t id, const RowSet& a, const uint64_t** words);
  // Operators EvalWithWords computes with validity words (strict, failing on
  // no row: float + - * and negation, int % by a constant, int to float,
  // date differences), and the computation.
  bool KeepsWords(const plan::Node& n) const;
  BatchValues KeepWords(int32_t id, const RowSet& a, const uint64_t** words);
  BitVec PackVec(const BatchValues& v, int n);
  BatchValues UnpackBitVec(const BitVec& b, int n);
  BatchValues Case(int32_t id, const RowSet& a);
  BatchValues Coalesce(int32_t id, const RowSet& a);
  BatchValues ConstVec(int32_t slot);
  const Column* ColumnFor(int32_t slot) const;
  // Builds an RowSet for rows of `a` with keep[i] == 1 (into `blk`).
  RowSet Narrow(const RowSet& a, const uint8_t* keep, Block* blk, int* count);

  EvalState* st_;
  const plan::Graph* g_;
  const PhysicalPlan* plan_;
  int capacity_;
  Diagnostics* diag_;
  Diagnostics unowned_;
  bool const_mode_ = false;
  int32_t dict_slot_ = -1;
  const Column* dict_column_ = nullptr;
  int64_t start_ = 0;
  int n_ = 0;
  RowSet root_;
  int64_t batch_ = 0;
  std::vector<int64_t> stamp_;      // Per shared slot.
  std::vector<BatchValues> cache_;  // Per shared slot.
  std::vector<int64_t> bit_stamp_;  // Per shared slot: the batch its words are for.
  std::vector<BitVec> bit_cache_;   // Per shared slot (boolean nodes evaluated as words).
  // The slots filled this batch (cache_, bit_cache_): EndBatch releases only
  // those, not every slot of the plan (reserved to num_shared: no allocation).
  std::vector<int32_t> filled_, bit_filled_;
  std::vector<std::unique_ptr<Block>> blocks_;
  std::vector<Block*> free_;
};

}  // namespace docket::exec

#endif  // DOCKET_EXEC_EXECUTOR_H_
