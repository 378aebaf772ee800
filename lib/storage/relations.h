// storage/relations.h — the key join between a child table and its parent.
//
// A relation `parent: {table: accounts, via: account_id}` maps every row of
// the child to the row of the parent whose key equals the child's `via`
// value.  The map is what related-record rules read: child aggregates scatter
// through it, parent fields gather through it, owner scope follows it.
//
// ParentRows() builds the map once per (child table, via column, parent
// table) and keeps it in the child table's cache (Table::cache()), so every
// rule of every evaluation over the same tables shares one join.  The parent's
// key index (key → row) is kept in the parent's cache the same way.  Building
// is linear: one hash probe per child row (per dictionary entry when the via
// column is dictionary-encoded).  Both are safe to call from many threads.
#ifndef DOCKET_STORAGE_RELATIONS_H_
#define DOCKET_STORAGE_RELATIONS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "docket/table.h"

namespace docket::storage {

// Child row → parent row.
struct ParentMap {
  std::vector<int32_t> rows;  // -1: no parent (NULL via, or a key the parent does not have).
  int64_t null_keys = 0;      // Child rows whose via value is NULL.
  int64_t missing_keys = 0;   // Child rows whose via value is not a key of the parent (orphans).
  int64_t orphans() const { return null_keys + missing_keys; }
};

// The map for `child.via → parent.key`.  Errors (FailedPrecondition): the via
// column is missing, the parent has no key column, their types differ, or the
// parent has 2^31 rows or more.
absl::StatusOr<std::shared_ptr<const ParentMap>> ParentRows(const Table& child,
                                                            std::string_view via,
                                                            const Table& parent);

// Composes child → parent with parent → grandparent: out[i] = up[down[i]].
std::vector<int32_t> ComposeRows(const std::vector<int32_t>& down, const std::vector<int32_t>& up);

// Walking relations: the one home of "go up the parents", used by the
// binder's checks, the engine's joins and owner scope, and the rulebook's
// parent-field columns and owner lookups.  `schema` holds the relations;
// every walk stops after `max_depth` steps (Limits::max_relation_depth) with
// a ResourceExhausted naming that limit, so an unvalidated schema with a
// parent cycle never loops.

// The tables from `from` up to its ancestor `to`, both included
// (`from` == `to` gives one table).  InvalidArgument when `to` is not above.
absl::StatusOr<std::vector<std::string>> ParentChain(const Schema& schema, std::string_view from,
                                                     std::string_view to, int max_depth);

// The tables above `from`, nearest first (its parent, grandparent, …; empty
// when it has no parent).
absl::StatusOr<std::vector<std::string>> Ancestors(const Schema& schema, std::string_view from,
                                                   int max_depth);

// The tables below `table` — its children, then theirs — breadth-first,
// each once.  ResourceExhausted past `max_depth` levels.
absl::StatusOr<std::vector<std::string>> Descendants(const Schema& schema, std::string_view table,
                                                     int max_depth);

// The prefix a rule on `from` writes to read a column of its ancestor
// `ancestor`: the names each table gives its parent, each followed by a dot
// ("success_plan.account.").  "" when `ancestor` is `from` or not above it.
std::string ParentPath(const Schema& schema, std::string_view from, std::string_view ancestor,
                       int max_depth);

// The table a parent path (`success_plan.account`, the names each table
// gives its parent) reaches from `from`; nullopt when a step names no parent.
std::optional<std::string> FollowParentPath(const Schema& schema, std::string_view from,
                                            const std::vector<std::string>& path, int max_depth);

// The tables from `table` up to the nearest one that has an owner column in
// `snapshot` (the table itself when it has one); nullopt when none does.
absl::StatusOr<std::optional<std::vector<std::string>>> OwnerChain(const Schema& schema,
                                                                   const Snapshot& snapshot,
                                                                   std::string_view table,
                                                                   int max_depth);

// The cached joins along `chain` (chain[i] → chain[i + 1]), one per step.
absl::StatusOr<std::vector<std::shared_ptr<const ParentMap>>> ChainSteps(
    const Schema& schema, const Snapshot& snapshot, const std::vector<std::string>& chain);

// Row of chain[0] → row of chain.back() through the cached joins of `snapshot`
// (-1: no ancestor); the identity map when the chain is one table.
absl::StatusOr<std::vector<int32_t>> ChainRows(const Schema& schema, const Snapshot& snapshot,
                                               const std::vector<std::string>& chain);

// What a table caches; opaque outside relations.cc.
struct TableCache;
std::shared_ptr<TableCache> NewTableCache();

}  // namespace docket::storage

#endif  // DOCKET_STORAGE_RELATIONS_H_
