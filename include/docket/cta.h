// docket/cta.h — calls-to-action (CTAs): work items raised by a rulebook's
// `ctas:` rules and remembered between runs in a CtaStore, one SQLite file.
//
// A CTA is raised once per identity (the row's key + type + reason, plus any
// `identity:` columns), updated while it is open, closed by itself when its
// row leaves the trigger list (`close: when_exits`), snoozed until a date,
// claimed from a queue by one person, and moved by policy when the account
// changes owner (`on_owner_change:`).  The rulebook side is docket/cta_spec.h;
// docs/rulebooks.md has every key.
//
//   absl::StatusOr<docket::CtaStore> store = docket::CtaStore::Open("ctas.db");
//   if (!store.ok()) return store.status();   // not docket's file, newer schema, corrupt, busy
//
//   docket::CtaSyncOptions sync;
//   sync.as_of = absl::CivilDay(2026, 11, 22);   // required: there is no hidden clock
//   sync.by = "nightly";                          // who acted, for the event log
//   absl::StatusOr<docket::CtaSyncReport> r = store->Sync(compiled, snapshot, sync);
//   r->created; r->updated; r->closed; r->unchanged; r->open;
//   for (const docket::Cta& c : r->ctas) { c.id; c.name; c.change; }   // what this sync did
//
//   docket::CtaFilter f;  f.queue = "pool";       // or f.owner = "Alice Chen"; f.status
//   std::vector<docket::Cta> queue = *store->List(f);
//   store->Claim(queue[0].id, "Dana Iyer", {.by = "Dana Iyer"});
//   store->Snooze(id, absl::CivilDay(2026, 12, 1), "on holiday", {.by = "Dana Iyer"});
//   store->Close(id, "customer back on track", {.by = "Dana Iyer"});
//   docket::CtaDetail d = *store->Show(id);        // the CTA, its tasks and event log
//
// Sync, step by step (one SQLite transaction; nothing is written when any
// step fails, and a killed process leaves the store as it was):
//   1. as_of older than the store's latest sync is refused (FailedPrecondition).
//   2. Every trigger list is evaluated over every row (a list's `limit:` never
//      hides rows from its CTAs), with CtaSyncOptions::history when given.
//   3. Snoozed CTAs whose date has come (until <= as_of) reopen.
//   4. A row whose owner differs from the owner recorded on its CTAs applies
//      `on_owner_change` (move_none | move_open | move_all); each change is
//      logged as an event.  (The recorded owner is the snapshot's owner at the
//      last sync that saw the row.  A history does not change this decision —
//      it feeds the trigger lists, e.g. a transition list on changed(csm); a
//      caller may name the previous owners, CtaSyncOptions::previous_owners.
//      A row whose recorded owner is already the current one never moves.)
//   5. For each triggered identity: an open CTA is updated (name, priority,
//      action, resources) when they changed and otherwise left alone; a snoozed
//      one is skipped; one closed less than `cooldown` days ago is skipped;
//      otherwise a CTA is created with its checklist.
//   6. Open `close: when_exits` CTAs of this rulebook whose identity did not
//      trigger are closed with outcome "resolved".
//   7. When the CTAs to create exceed Limits::max_ctas_per_sync the sync fails
//      (ResourceExhausted naming the limit and the count) before writing.
// The same data and as_of twice changes nothing the second time.
//
// Time.  Due dates, snooze expiry and cooldowns are reckoned from the sync's
// as_of.  A command without an as_of (claim, close, …) is dated the store's
// latest sync day.  Every event also records the wall-clock time it happened.
//
// The file.  Open() creates a missing (or empty) file as a new store and
// refuses — without writing to it — a file that is not docket's (text,
// another SQLite database), a corrupt one, and one written by a newer docket
// (PRAGMA user_version above kCtaSchemaVersion).  Older versions are migrated
// in one transaction.  The store uses WAL, foreign keys and a busy timeout:
// two commands at once serialize (one waits up to CtaStoreOptions::busy_timeout)
// or the later fails cleanly with "the store is busy".  When two people claim
// one CTA at once exactly one wins; the other gets FailedPrecondition naming
// the winner.
//
// Errors.  InvalidArgument: a caller's mistake (bad id text, empty owner).
// FailedPrecondition: the store refuses (wrong file, as_of going back, a CTA
// already claimed or closed).  NotFound: no CTA with that id.
// ResourceExhausted: max_ctas_per_sync.  Internal: SQLite failed unexpectedly.
//
// Thread safety.  A CtaStore is one SQLite connection: use it from one thread
// at a time (open one per thread; they coordinate through the file).
#ifndef DOCKET_CTA_H_
#define DOCKET_CTA_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "docket/options.h"
#include "docket/rulebook.h"
#include "docket/table.h"

namespace docket {

// The store's schema version (PRAGMA user_version).
inline constexpr int kCtaSchemaVersion = 1;

enum class CtaStatus : uint8_t { kOpen, kSnoozed, kClosed };
std::string_view CtaStatusName(CtaStatus s);  // "open", "snoozed", "closed"

struct CtaTask {
  int position = 0;
  std::string text;
  bool done = false;
};

struct Cta {
  int64_t id = 0;
  std::string rule;  // The `ctas:` entry's id.
  std::string list;  // Its trigger list.
  std::string type;
  std::string reason;
  std::string name;
  std::string key;                   // The row's key.
  std::string identity;              // key, type, reason [, columns] joined by U+001F.
  std::optional<std::string> owner;  // nullopt while in a queue (or nobody's).
  std::optional<std::string> queue;  // The queue it waits in, until claimed.
  CtaStatus status = CtaStatus::kOpen;
  std::string priority;    // high | medium | low
  absl::CivilDay created;  // as_of of the sync that raised it.
  std::optional<absl::CivilDay> due;
  std::optional<absl::CivilDay> snoozed_until;
  std::optional<absl::CivilDay> closed;
  std::optional<std::string> outcome;
  std::string action;
  std::vector<std::pair<std::string, std::string>> resources;  // (title, url)
  std::vector<CtaTask> tasks;  // Filled by Show() (and for CTAs a sync created).
  std::string change;          // In a CtaSyncReport: created | updated | closed.
};

struct CtaEvent {
  int64_t id = 0;
  int64_t cta_id = 0;
  std::string event;  // created, updated, claimed, reassigned, snoozed, closed, reopened
  std::string by;
  absl::CivilDay as_of;   // The business day it is dated.
  std::string wall_time;  // RFC 3339, UTC: when it happened.
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::string detail;
};

struct CtaDetail {
  Cta cta;
  std::vector<CtaEvent> events;  // Oldest first.
};

struct CtaSyncOptions {
  absl::CivilDay as_of;                              // Required.
  std::string by = "docket cta sync";                // Who acted (the event log).
  std::map<std::string, Value, std::less<>> params;  // Overrides of the rulebook's params.
  int threads = 0;                                   // Evaluation threads (0: one per core).
  Limits limits;                                     // max_ctas_per_sync.
  // Optional: the owner each row had at the previous snapshot (key → owner,
  // by table), e.g. from history's prev(owner).  When a table is present
  // here its rows' owner changes are detected against it instead of the
  // owner recorded on their CTAs.
  std::map<std::string, std::map<std::string, std::optional<std::string>, std::less<>>, std::less<>>
      previous_owners;
  // Older snapshots (docket/history.h), read by the trigger lists' history
  // functions and `trigger: entered | exited`; nullptr: none (a trigger list
  // is then empty, with a note).  Owner changes are still decided against the
  // owner recorded on each CTA (docs/rulebooks.md, "Owner changes").
  const History* history = nullptr;
};

struct CtaSyncReport {
  absl::CivilDay as_of;
  int64_t created = 0;
  int64_t updated = 0;
  int64_t closed = 0;
  int64_t unchanged = 0;           // Triggered again, nothing to change.
  int64_t open = 0;                // Open CTAs in the store after the sync.
  int64_t reopened = 0;            // Snoozes that expired.
  int64_t moved = 0;               // CTAs moved by on_owner_change.
  int64_t skipped_snoozed = 0;     // Triggered identities held by a snooze.
  int64_t skipped_cooldown = 0;    // Triggered identities in cooldown.
  std::vector<Cta> ctas;           // What this sync created, updated or closed (by id).
  std::vector<std::string> notes;  // What the evaluation's history functions could not read.
  double evaluate_seconds = 0;     // Evaluating the trigger lists.
  double store_seconds = 0;        // Planning and writing the store.
};

// Which CTAs List() returns.  Status nullopt means every status.
struct CtaFilter {
  std::optional<std::string> owner;
  std::optional<std::string> queue;
  std::optional<CtaStatus> status = CtaStatus::kOpen;
};

struct CtaStoreOptions {
  absl::Duration busy_timeout = absl::Seconds(10);
  bool create = true;  // false: a missing file is NotFound.
};

// Who acts in a command, for the event log.
struct CtaActor {
  std::string by = "docket";
};

class CtaStore {
 public:
  static absl::StatusOr<CtaStore> Open(const std::string& path,
                                       const CtaStoreOptions& options = {});

  CtaStore(CtaStore&&) noexcept;
  CtaStore& operator=(CtaStore&&) noexcept;
  ~CtaStore();

  const std::string& path() const;
  // The as_of of the latest sync (nullopt before the first).
  absl::StatusOr<std::optional<absl::CivilDay>> LatestSync();

  // Evaluates the rulebook's trigger lists over `snapshot` and applies them.
  absl::StatusOr<CtaSyncReport> Sync(const CompiledRulebook& rulebook, const Snapshot& snapshot,
                                     const CtaSyncOptions& options);
  // The same with the lists already evaluated (every list a CTA names must be
  // in `evaluated`, over every row: RunOptions::owner unset).
  absl::StatusOr<CtaSyncReport> Sync(const CompiledRulebook& rulebook, const Snapshot& snapshot,
                                     const RulebookResult& evaluated,
                                     const CtaSyncOptions& options);

  absl::StatusOr<std::vector<Cta>> List(const CtaFilter& filter = {});
  absl::StatusOr<CtaDetail> Show(int64_t id);

  // Takes a CTA waiting in a queue.  FailedPrecondition (naming the owner)
  // when someone has it already.
  absl::StatusOr<Cta> Claim(int64_t id, const std::string& owner, const CtaActor& actor = {});
  absl::StatusOr<Cta> Close(int64_t id, const std::string& outcome, const CtaActor& actor = {});
  absl::StatusOr<Cta> Snooze(int64_t id, absl::CivilDay until, const std::string& reason,
                             const CtaActor& actor = {});
  absl::StatusOr<Cta> Reassign(int64_t id, const std::string& owner, const CtaActor& actor = {});

  struct Impl;

 private:
  explicit CtaStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket

#endif  // DOCKET_CTA_H_
