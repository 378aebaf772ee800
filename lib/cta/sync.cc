// CtaStore::Sync: a rulebook's trigger lists → creates, updates, closes,
// reopens and moves of CTAs, in one transaction.
//
// The work is planned in memory first — the store's live CTAs are read once
// into a hash map by identity, every triggered row is matched against it —
// so that the limit is checked and idempotence decided before anything is
// written; then only the rows that change are written, with prepared
// statements.  A CTA whose fields would not change is not touched, so a
// second sync of the same data and as_of writes nothing.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cta/sqlite.h"
#include "docket/cta.h"
#include "docket/error.h"
#include "io/format.h"
#include "rulebook/rows.h"
#include "rulebook/show_history.h"

namespace docket {
namespace {

using cta::Statement;

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A live (open or snoozed) CTA as read from the store, and what this sync
// does to it.
struct Live {
  int64_t id = 0;
  std::string identity, rule, list, type, reason, key;
  std::optional<std::string> owner, queue, row_owner;
  CtaStatus status = CtaStatus::kOpen;
  std::optional<absl::CivilDay> snoozed_until, due;
  std::string name, priority, action, resources;
  absl::CivilDay created;

  bool triggered = false;
  bool changed = false;  // Any column to write.
  bool counted = false;  // Counted as updated.
  bool close = false;
  struct Event {
    std::string event;
    std::optional<std::string> from, to;
    std::string detail;
  };
  std::vector<Event> events;
};

// A CTA to create.
struct New {
  const CtaSpec* spec = nullptr;
  std::string identity, key, name;
  std::optional<std::string> owner, queue, row_owner;
};

std::optional<std::string> HolderText(const std::optional<std::string>& owner,
                                      const std::optional<std::string>& queue) {
  if (owner.has_value()) return owner;
  if (queue.has_value()) return absl::StrCat("queue ", *queue);
  return std::nullopt;
}

// Where a rule sends a CTA for a row with owner `row_owner` (and `column_owner`
// for `owner: {column: …}`).
void Route(const CtaOwnerRule& rule, const std::optional<std::string>& row_owner,
           const std::optional<std::string>& column_owner, std::optional<std::string>* owner,
           std::optional<std::string>* queue) {
  owner->reset();
  queue->reset();
  switch (rule.kind) {
    case CtaOwnerKind::kRowOwner:
      *owner = row_owner;
      break;
    case CtaOwnerKind::kQueue:
      *queue = rule.queue;
      break;
    case CtaOwnerKind::kOwnerOrQueue:
      if (row_owner.has_value()) {
        *owner = row_owner;
      } else {
        *queue = rule.queue;
      }
      break;
    case CtaOwnerKind::kColumn:
      *owner = column_owner;
      break;
  }
}

std::optional<std::string> CellString(const Column* c, int64_t row) {
  if (c == nullptr || c->IsNull(row)) return std::nullopt;
  return io::CellText(*c, row);
}

// The columns one CTA rule reads, resolved against its list's table.
struct RuleColumns {
  const CtaSpec* spec = nullptr;
  const ListResult* list = nullptr;
  const Table* table = nullptr;
  Table data;  // The table plus parent fields the rule names.
  const Column* key = nullptr;
  std::optional<rulebook::OwnerLookup> owners;
  std::vector<const Column*>
      name_columns;  // Per template part (nullptr: literal or key/type/reason/owner).
  std::vector<const Column*> identity_columns;
  const Column* owner_column = nullptr;  // `owner: {column: …}`.
};

}  // namespace

absl::StatusOr<CtaSyncReport> CtaStore::Sync(const CompiledRulebook& rulebook,
                                             const Snapshot& snapshot,
                                             const CtaSyncOptions& options) {
  auto start = std::chrono::steady_clock::now();
  RunOptions run;
  run.as_of = options.as_of;
  run.params = options.params;
  run.threads = options.threads;
  run.history = options.history;
  run.max_rows = 0;  // The sync reads the match bitmaps, not the ordered rows.
  for (const CtaSpec& c : rulebook.rulebook().ctas) {
    if (std::find(run.lists.begin(), run.lists.end(), c.list) == run.lists.end())
      run.lists.push_back(c.list);
  }
  RulebookResult evaluated;
  if (!run.lists.empty()) {
    absl::StatusOr<RulebookResult> r = rulebook.Evaluate(snapshot, run);
    if (!r.ok()) return r.status();
    evaluated = *std::move(r);
  }
  double evaluate_seconds = Since(start);
  absl::StatusOr<CtaSyncReport> report = Sync(rulebook, snapshot, evaluated, options);
  if (report.ok()) {
    report->evaluate_seconds = evaluate_seconds;
    report->notes.insert(report->notes.begin(), evaluated.notes.begin(), evaluated.notes.end());
  }
  return report;
}

absl::StatusOr<CtaSyncReport> CtaStore::Sync(const CompiledRulebook& compiled,
                                             const Snapshot& snapshot,
                                             const RulebookResult& evaluated,
                                             const CtaSyncOptions& options) {
  auto start = std::chrono::steady_clock::now();
  const Rulebook& book = compiled.rulebook();
  const absl::CivilDay as_of = options.as_of;
  const std::string as_of_text = absl::FormatCivilTime(as_of);
  CtaSyncReport report;
  report.as_of = as_of;

  // The columns each rule reads.
  std::vector<RuleColumns> rules;
  absl::flat_hash_map<std::string, const CtaSpec*> spec_by_id;
  for (const CtaSpec& spec : book.ctas) {
    spec_by_id[spec.id] = &spec;
    RuleColumns rc;
    rc.spec = &spec;
    rc.list = evaluated.FindList(spec.list);
    if (rc.list == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("CTA '", spec.id, "': list '", spec.list,
                       "' was not evaluated (pass every trigger list)"));
    }
    rc.table = snapshot.FindTable(rc.list->table);
    if (const ListSpec* ls = book.FindList(spec.list);
        ls != nullptr && ls->trigger == Trigger::kExited) {
      rc.table = &rc.list->data;  // Its rows are the older snapshot's, with their last values.
    }
    if (rc.table == nullptr) {
      return DataError(spec.list_location,
                       absl::StrCat("table '", rc.list->table, "' is not in the snapshot"));
    }
    rc.key = rc.table->key_column();
    if (rc.key == nullptr) {
      return CompileError(spec.list_location, absl::StrCat("CTA '", spec.id, "': table '",
                                                           rc.table->name(), "' has no key"));
    }
    rc.owners = rulebook::OwnerLookup::Make(compiled.schema(), snapshot, *rc.table,
                                            Limits{}.max_relation_depth);
    // Parent fields (account.name) for every matching row.
    std::vector<std::string> wanted;
    for (const CtaTemplatePart& p : spec.name) {
      if (p.is_column) wanted.push_back(p.text);
    }
    wanted.insert(wanted.end(), spec.identity.begin(), spec.identity.end());
    if (spec.owner.kind == CtaOwnerKind::kColumn) wanted.push_back(spec.owner.column);
    std::vector<ColumnSchema> extra_schemas;
    std::vector<Column> extra;
    std::vector<int64_t> rows;
    for (const std::string& name : wanted) {
      if (rc.table->FindColumn(name) != nullptr) continue;
      if (std::any_of(extra_schemas.begin(), extra_schemas.end(),
                      [&](const ColumnSchema& c) { return c.name == name; })) {
        continue;
      }
      // `prev(csm)` shown by the list: the column in the older snapshot, by key
      // (rulebook/show_history.h), e.g. the outgoing CSM of a transition.
      absl::StatusOr<std::optional<rulebook::ShowHistoryRef>> past =
          rulebook::ParseShowHistory(name);
      if (!past.ok()) return CompileError(spec.location, std::string(past.status().message()));
      if (past->has_value()) {
        if (rows.empty()) rows = rulebook::SetRows(rc.list->matches);
        std::string note;
        absl::StatusOr<Column> col = rulebook::ShowHistoryColumn(
            **past, *rc.table, rows, options.as_of, options.history, &note);
        if (!col.ok()) return col.status();
        if (!note.empty()) {
          note = absl::StrCat("CTA '", spec.id, "': ", note);
          if (std::find(report.notes.begin(), report.notes.end(), note) == report.notes.end()) {
            report.notes.push_back(std::move(note));
          }
        }
        extra_schemas.push_back(ColumnSchema{name, col->type(), {}});
        extra.push_back(*std::move(col));
        continue;
      }
      if (name.find('.') == std::string::npos) continue;
      const TableSchema* ts = compiled.schema().FindTable(rc.table->name());
      if (ts == nullptr) continue;
      absl::StatusOr<rulebook::ParentPath> path =
          rulebook::ResolveParentPath(compiled.schema(), *ts, name);
      if (!path.ok()) return CompileError(spec.location, std::string(path.status().message()));
      if (rows.empty()) rows = rulebook::SetRows(rc.list->matches);
      absl::StatusOr<Column> col =
          rulebook::ParentFieldColumn(compiled.schema(), snapshot, *rc.table, *path, rows);
      if (!col.ok()) return col.status();
      extra_schemas.push_back(ColumnSchema{name, col->type(), {}});
      extra.push_back(*std::move(col));
    }
    if (extra.empty()) {
      rc.data = *rc.table;
    } else {
      absl::StatusOr<Table> data =
          rc.table->WithColumns(std::move(extra_schemas), std::move(extra));
      if (!data.ok()) return data.status();
      rc.data = *std::move(data);
    }
    auto find = [&](const std::string& name,
                    const SourceLocation& at) -> absl::StatusOr<const Column*> {
      const Column* c = rc.data.FindColumn(name);
      if (c == nullptr) {
        return CompileError(at, absl::StrCat("unknown column '", name, "' in CTA '", spec.id, "'"));
      }
      return c;
    };
    for (const CtaTemplatePart& p : spec.name) {
      const Column* c = nullptr;
      if (p.is_column && p.text != "key" && p.text != "type" && p.text != "reason" &&
          p.text != "owner") {
        absl::StatusOr<const Column*> f = find(p.text, p.location);
        if (!f.ok()) return f.status();
        c = *f;
      }
      rc.name_columns.push_back(c);
    }
    for (size_t i = 0; i < spec.identity.size(); ++i) {
      absl::StatusOr<const Column*> f = find(spec.identity[i], spec.identity_locations[i]);
      if (!f.ok()) return f.status();
      rc.identity_columns.push_back(*f);
    }
    if (spec.owner.kind == CtaOwnerKind::kColumn) {
      absl::StatusOr<const Column*> f = find(spec.owner.column, spec.owner_location);
      if (!f.ok()) return f.status();
      rc.owner_column = *f;
    }
    rules.push_back(std::move(rc));
  }

  Impl& impl = *impl_;
  if (absl::Status st = impl.Begin(); !st.ok()) return st;
  auto fail = [&](absl::Status st) -> absl::Status {
    impl.Rollback();
    return st;
  };

  absl::StatusOr<std::optional<absl::CivilDay>> latest = impl.LatestSync();
  if (!latest.ok()) return fail(latest.status());
  if (latest->has_value() && as_of < **latest) {
    return fail(DataError(
        {},
        absl::StrCat(impl.path, ": as_of ", as_of_text, " is older than the store's latest sync (",
                     absl::FormatCivilTime(**latest), "); a store only moves forward in time"),
        absl::StrCat("sync with --as-of ", absl::FormatCivilTime(**latest),
                     " or later, or use another --store")));
  }

  // The live CTAs, by identity.
  std::vector<Live> live;
  absl::flat_hash_map<std::string, size_t> live_by_identity;
  {
    Statement s;
    absl::Status st = s.Prepare(
        impl.db, impl.path,
        "SELECT id, identity, rule, list, type, reason, key, owner, queue, row_owner, "
        "status, snoozed_until, name, priority, action, resources, due, created FROM ctas "
        "WHERE status <> 'closed'");
    if (st.ok())
      st = s.ForEachRow([&] {
        Live l;
        l.id = s.Int(0);
        l.identity = s.Text(1);
        l.rule = s.Text(2);
        l.list = s.Text(3);
        l.type = s.Text(4);
        l.reason = s.Text(5);
        l.key = s.Text(6);
        l.owner = s.OptText(7);
        l.queue = s.OptText(8);
        l.row_owner = s.OptText(9);
        l.status = s.Text(10) == "snoozed" ? CtaStatus::kSnoozed : CtaStatus::kOpen;
        l.snoozed_until = s.OptDay(11);
        l.name = s.Text(12);
        l.priority = s.Text(13);
        l.action = s.Text(14);
        l.resources = s.Text(15);
        l.due = s.OptDay(16);
        l.created = s.Day(17);
        live_by_identity.emplace(l.identity, live.size());
        live.push_back(std::move(l));
      });
    if (!st.ok()) return fail(st);
  }
  // Snoozes that have run out reopen first: the CTA is then open like any other.
  for (Live& l : live) {
    if (l.status == CtaStatus::kSnoozed && l.snoozed_until.has_value() &&
        *l.snoozed_until <= as_of) {
      l.events.push_back(
          {"reopened", "snoozed", "open",
           absl::StrCat("snooze until ", absl::FormatCivilTime(*l.snoozed_until), " ended")});
      l.status = CtaStatus::kOpen;
      l.snoozed_until.reset();
      l.changed = true;
      ++report.reopened;
    }
  }
  // The latest close per identity, for cooldowns.
  absl::flat_hash_map<std::string, absl::CivilDay> last_closed;
  int64_t max_cooldown = 0;
  for (const CtaSpec& c : book.ctas) max_cooldown = std::max(max_cooldown, c.cooldown_days);
  if (max_cooldown > 0) {
    Statement s;
    absl::Status st = s.PrepareWith(
        impl.db, impl.path,
        "SELECT identity, max(closed) FROM ctas WHERE status = 'closed' AND closed > ?1 "
        "GROUP BY identity",
        as_of - max_cooldown);
    if (st.ok()) st = s.ForEachRow([&] { last_closed[s.Text(0)] = s.Day(1); });
    if (!st.ok()) return fail(st);
  }

  // Owner changes: the row's owner now against the one recorded on its CTAs
  // (or against CtaSyncOptions::previous_owners).  The current owner of each
  // live CTA's row, by (table, key), for rows that did not trigger too.
  const OwnerChangePolicy policy = book.on_owner_change;
  absl::flat_hash_map<std::string, std::optional<std::string>>
      current_owner;  // table \x1f key → owner.
  {
    absl::flat_hash_map<std::string, std::vector<size_t>>
        by_table;  // table → live CTAs following an owner.
    for (size_t i = 0; i < live.size(); ++i) {
      auto it = spec_by_id.find(live[i].rule);
      if (it == spec_by_id.end() || !it->second->owner.FollowsRowOwner()) continue;
      const ListSpec* list = book.FindList(it->second->list);
      if (list != nullptr) by_table[list->table].push_back(i);
    }
    for (const auto& [table_name, ids] : by_table) {
      const Table* table = snapshot.FindTable(table_name);
      if (table == nullptr || table->key_column() == nullptr) continue;
      std::optional<rulebook::OwnerLookup> owners = rulebook::OwnerLookup::Make(
          compiled.schema(), snapshot, *table, Limits{}.max_relation_depth);
      if (!owners.has_value()) continue;
      absl::flat_hash_set<std::string_view> keys;
      for (size_t i : ids) keys.insert(live[i].key);
      const Column& key = *table->key_column();
      const bool string_key = key.type().id == TypeId::kString;
      std::string k;
      for (int64_t r = 0; r < table->num_rows(); ++r) {
        if (string_key) {
          if (!keys.contains(key.StringAt(r))) continue;
          k = std::string(key.StringAt(r));
        } else {
          k = io::CellText(key, r);
          if (!keys.contains(k)) continue;
        }
        std::string_view o;
        std::optional<std::string> owner;
        if (owners->Get(r, &o)) owner = std::string(o);
        current_owner[absl::StrCat(table_name, "\x1f", k)] = std::move(owner);
      }
    }
  }
  std::vector<std::pair<int64_t, std::pair<std::optional<std::string>, std::optional<std::string>>>>
      owner_changes;
  for (Live& l : live) {
    auto it = spec_by_id.find(l.rule);
    if (it == spec_by_id.end() || !it->second->owner.FollowsRowOwner()) continue;
    const ListSpec* list = book.FindList(it->second->list);
    if (list == nullptr) continue;
    auto cur = current_owner.find(absl::StrCat(list->table, "\x1f", l.key));
    if (cur == current_owner.end()) continue;  // The row is gone: nothing to compare.
    std::optional<std::string> before = l.row_owner;
    if (auto prev = options.previous_owners.find(list->table);
        prev != options.previous_owners.end()) {
      auto p = prev->second.find(l.key);
      if (p == prev->second.end()) continue;
      before = p->second;
    }
    const std::optional<std::string>& now = cur->second;
    // The store already saw this owner: any change up to it was applied then
    // (a second sync of the same data changes nothing, whatever previous_owners say).
    if (l.row_owner == now) continue;
    std::string what =
        absl::StrCat("account owner ", before.value_or("(none)"), " → ", now.value_or("(none)"),
                     "; on_owner_change: ", std::string(OwnerChangePolicyName(policy)));
    l.row_owner = now;
    l.changed = true;
    if (before == now) continue;  // Only the recorded owner catches up (previous_owners given).
    owner_changes.push_back({l.id, {before, now}});
    if (policy == OwnerChangePolicy::kMoveNone) {
      l.events.push_back(
          {"updated", before, now,
           absl::StrCat(what, " keeps it with ", HolderText(l.owner, l.queue).value_or("nobody"))});
      continue;
    }
    std::optional<std::string> owner, queue;
    Route(it->second->owner, now, std::nullopt, &owner, &queue);
    if (owner == l.owner && queue == l.queue) continue;
    l.events.push_back(
        {"reassigned", HolderText(l.owner, l.queue), HolderText(owner, queue), what});
    l.owner = owner;
    l.queue = queue;
    ++report.moved;
  }

  // The triggered identities.
  std::vector<New> creates;
  absl::flat_hash_set<std::string> seen;
  std::string identity, name;
  for (const RuleColumns& rc : rules) {
    const CtaSpec& spec = *rc.spec;
    const std::string priority(CtaPriorityName(spec.priority));
    const std::string resources = cta::EncodeResources(spec.resources);
    const Bitmap& matches = rc.list->matches;
    for (int64_t r = 0; r < matches.size(); ++r) {
      if (!matches.Get(r)) continue;
      std::string key = io::CellText(*rc.key, r);
      identity.clear();
      absl::StrAppend(&identity, key, "\x1f", spec.type, "\x1f", spec.reason);
      for (const Column* c : rc.identity_columns) {
        identity.push_back('\x1f');
        if (c->IsNull(r)) {
          identity.push_back('\x1e');  // NULL differs from "".
        } else {
          io::AppendCellText(&identity, *c, r);
        }
      }
      if (!seen.insert(identity).second) continue;
      std::optional<std::string> row_owner;
      std::string_view o;
      if (rc.owners.has_value() && rc.owners->Get(r, &o)) row_owner = std::string(o);
      name.clear();
      for (size_t p = 0; p < spec.name.size(); ++p) {
        const CtaTemplatePart& part = spec.name[p];
        if (!part.is_column) {
          name += part.text;
        } else if (rc.name_columns[p] != nullptr) {
          if (rc.name_columns[p]->IsNull(r)) {
            name += "(none)";
          } else {
            io::AppendCellText(&name, *rc.name_columns[p], r);
          }
        } else if (part.text == "key") {
          name += key;
        } else if (part.text == "type") {
          name += spec.type;
        } else if (part.text == "reason") {
          name += spec.reason;
        } else if (part.text == "owner") {
          name += row_owner.value_or("");
        }
      }
      auto it = live_by_identity.find(identity);
      if (it != live_by_identity.end()) {
        Live& l = live[it->second];
        l.triggered = true;
        if (l.status == CtaStatus::kSnoozed) {
          ++report.skipped_snoozed;
          continue;
        }
        if (l.name != name || l.priority != priority || l.action != spec.action ||
            l.resources != resources) {
          std::vector<std::string> what;
          if (l.name != name) what.push_back("name");
          if (l.priority != priority) what.push_back("priority");
          if (l.action != spec.action) what.push_back("action");
          if (l.resources != resources) what.push_back("resources");
          l.events.push_back({"updated", std::nullopt, std::nullopt,
                              absl::StrCat("changed: ", absl::StrJoin(what, ", "))});
          l.name = name;
          l.priority = priority;
          l.action = spec.action;
          l.resources = resources;
          l.changed = true;
        }
        continue;
      }
      if (spec.cooldown_days > 0) {
        auto c = last_closed.find(identity);
        if (c != last_closed.end() && as_of < c->second + spec.cooldown_days) {
          ++report.skipped_cooldown;
          continue;
        }
      }
      New n;
      n.spec = &spec;
      n.identity = identity;
      n.key = std::move(key);
      n.name = name;
      n.row_owner = row_owner;
      Route(spec.owner, row_owner,
            rc.owner_column != nullptr ? CellString(rc.owner_column, r) : std::nullopt, &n.owner,
            &n.queue);
      creates.push_back(std::move(n));
    }
  }
  // Open CTAs whose row left the list close themselves.
  for (Live& l : live) {
    if (l.triggered || l.status != CtaStatus::kOpen) continue;
    auto it = spec_by_id.find(l.rule);
    if (it == spec_by_id.end() || it->second->close != CtaCloseRule::kWhenExits) continue;
    l.close = true;
    l.changed = true;
    l.events.push_back(
        {"closed", "open", "closed", absl::StrCat("resolved: the row left list '", l.list, "'")});
  }

  if (static_cast<int64_t>(creates.size()) > options.limits.max_ctas_per_sync) {
    return fail(LimitError({}, "max_ctas_per_sync", options.limits.max_ctas_per_sync,
                           absl::StrCat(impl.path, ": this sync would create ", creates.size(),
                                        " CTAs (nothing was written)")));
  }

  // Write.
  const std::string wall = cta::WallTime();
  Statement insert_cta, insert_task, insert_event, update_cta, move_closed;
  absl::Status st = insert_cta.Prepare(impl.db, impl.path,
                                       "INSERT INTO ctas(identity, rule, list, type, reason, name, "
                                       "key, owner, queue, row_owner, status, priority, "
                                       "created, updated, due, action, resources) VALUES (?1, ?2, "
                                       "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'open', ?11, ?12, "
                                       "?12, ?13, ?14, ?15)");
  if (st.ok())
    st = insert_task.Prepare(impl.db, impl.path,
                             "INSERT INTO cta_tasks(cta_id, position, text) VALUES (?1, ?2, ?3)");
  if (st.ok()) {
    st = insert_event.Prepare(
        impl.db, impl.path,
        "INSERT INTO cta_events(cta_id, event, actor, as_of, wall_time, from_value, to_value, "
        "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  }
  if (st.ok()) {
    st = update_cta.Prepare(
        impl.db, impl.path,
        "UPDATE ctas SET name = ?1, priority = ?2, action = ?3, resources = ?4, owner = ?5, "
        "queue = ?6, row_owner = ?7, status = ?8, snoozed_until = ?9, closed = ?10, outcome = ?11, "
        "updated = ?12 WHERE id = ?13");
  }
  if (!st.ok()) return fail(st);
  auto event = [&](int64_t id, const Live::Event& e) -> absl::Status {
    return insert_event.RunWith(id, e.event, options.by, as_of, wall, e.from, e.to, e.detail);
  };

  for (const New& n : creates) {
    const CtaSpec& spec = *n.spec;
    std::optional<absl::CivilDay> due;
    if (spec.due_days >= 0) due = as_of + spec.due_days;
    if (st =
            insert_cta.RunWith(n.identity, spec.id, spec.list, spec.type, spec.reason, n.name,
                               n.key, n.owner, n.queue, n.row_owner, CtaPriorityName(spec.priority),
                               as_of, due, spec.action, cta::EncodeResources(spec.resources));
        !st.ok()) {
      return fail(st);
    }
    int64_t id = sqlite3_last_insert_rowid(impl.db);
    for (size_t t = 0; t < spec.tasks.size(); ++t) {
      if (st = insert_task.RunWith(id, static_cast<int64_t>(t + 1), spec.tasks[t]); !st.ok())
        return fail(st);
    }
    if (st = event(id, {"created", std::nullopt, HolderText(n.owner, n.queue),
                        absl::StrCat("list '", spec.list, "'")});
        !st.ok()) {
      return fail(st);
    }
    Cta c;
    c.id = id;
    c.rule = spec.id;
    c.list = spec.list;
    c.type = spec.type;
    c.reason = spec.reason;
    c.name = n.name;
    c.key = n.key;
    c.identity = n.identity;
    c.owner = n.owner;
    c.queue = n.queue;
    c.priority = std::string(CtaPriorityName(spec.priority));
    c.created = as_of;
    c.due = due;
    c.action = spec.action;
    c.resources = spec.resources;
    for (size_t t = 0; t < spec.tasks.size(); ++t)
      c.tasks.push_back(CtaTask{static_cast<int>(t + 1), spec.tasks[t], false});
    c.change = "created";
    report.ctas.push_back(std::move(c));
  }
  report.created = static_cast<int64_t>(creates.size());

  for (Live& l : live) {
    if (!l.changed) {
      if (l.triggered && l.status == CtaStatus::kOpen) ++report.unchanged;
      continue;
    }
    std::optional<absl::CivilDay> closed;
    std::optional<std::string> outcome;
    CtaStatus status = l.status;
    if (l.close) {
      status = CtaStatus::kClosed;
      closed = as_of;
      outcome = "resolved";
    }
    if (st = update_cta.RunWith(l.name, l.priority, l.action, l.resources, l.owner, l.queue,
                                l.row_owner, CtaStatusName(status), l.snoozed_until, closed,
                                outcome, as_of, l.id);
        !st.ok()) {
      return fail(st);
    }
    for (const Live::Event& e : l.events) {
      if (st = event(l.id, e); !st.ok()) return fail(st);
    }
    if (l.events.empty()) {
      // Only the recorded owner of the row caught up: not a change anyone sees.
      if (l.triggered && l.status == CtaStatus::kOpen) ++report.unchanged;
      continue;
    }
    Cta c;
    c.id = l.id;
    c.rule = l.rule;
    c.list = l.list;
    c.type = l.type;
    c.reason = l.reason;
    c.name = l.name;
    c.key = l.key;
    c.identity = l.identity;
    c.owner = l.owner;
    c.queue = l.queue;
    c.status = status;
    c.priority = l.priority;
    c.created = l.created;
    c.due = l.due;
    c.snoozed_until = l.snoozed_until;
    c.closed = closed;
    c.outcome = outcome;
    c.action = l.action;
    c.resources = cta::DecodeResources(l.resources);
    c.change = l.close ? "closed" : "updated";
    if (l.close) {
      ++report.closed;
    } else {
      ++report.updated;
    }
    report.ctas.push_back(std::move(c));
  }

  // move_all: the account's closed CTAs follow it too (reports by owner).
  if (policy == OwnerChangePolicy::kMoveAll && !owner_changes.empty()) {
    Statement closed_of;
    st = closed_of.Prepare(
        impl.db, impl.path,
        "SELECT c.id, c.owner FROM ctas c JOIN ctas l ON l.key = c.key AND l.rule = c.rule "
        "WHERE l.id = ?1 AND c.status = 'closed' AND c.owner IS ?2");
    if (st.ok()) {
      st = move_closed.Prepare(impl.db, impl.path,
                               "UPDATE ctas SET owner = ?1, updated = ?2 WHERE id = ?3");
    }
    if (!st.ok()) return fail(st);
    for (const auto& [live_id, change] : owner_changes) {
      if (!change.first.has_value() || !change.second.has_value()) continue;
      closed_of.Bind(1, live_id);
      closed_of.Bind(2, change.first);
      std::vector<int64_t> ids;
      if (st = closed_of.ForEachRow([&] { ids.push_back(closed_of.Int(0)); }); !st.ok())
        return fail(st);
      closed_of.Reset();
      for (int64_t id : ids) {
        if (st = move_closed.RunWith(change.second, as_of, id); !st.ok()) return fail(st);
        if (st = event(id, {"reassigned", change.first, change.second,
                            absl::StrCat("account owner ", *change.first, " → ", *change.second,
                                         "; on_owner_change: move_all")});
            !st.ok()) {
          return fail(st);
        }
        ++report.moved;
      }
    }
  }

  if (st = impl.SetLatestSync(as_of); !st.ok()) return fail(st);
  {
    Statement count;
    if (st = count.Prepare(impl.db, impl.path, "SELECT count(*) FROM ctas WHERE status = 'open'");
        !st.ok()) {
      return fail(st);
    }
    absl::StatusOr<bool> row = count.Step();
    if (!row.ok()) return fail(row.status());
    report.open = count.Int(0);
  }
  if (st = impl.Commit(); !st.ok()) return fail(st);
  std::sort(report.ctas.begin(), report.ctas.end(),
            [](const Cta& a, const Cta& b) { return a.id < b.id; });
  report.store_seconds = Since(start);
  return report;
}

}  // namespace docket
