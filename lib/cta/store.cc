// CtaStore: opening (and refusing) store files, the schema and its
// migrations, and the commands that work the queue (list, show, claim, close,
// snooze, reassign).  The sync is in sync.cc.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cta/sqlite.h"
#include "docket/cta.h"
#include "docket/error.h"

namespace docket {

std::string_view CtaStatusName(CtaStatus s) {
  switch (s) {
    case CtaStatus::kOpen:
      return "open";
    case CtaStatus::kSnoozed:
      return "snoozed";
    case CtaStatus::kClosed:
      return "closed";
  }
  return "open";
}

namespace cta {
namespace {

// PRAGMA application_id of a docket CTA store: "DKCT".
constexpr int32_t kApplicationId = 0x444B4354;

// Migration i takes a store from user_version i to i + 1.
const char* const kMigrations[] = {
    // 0 → 1: the first schema.
    R"sql(
CREATE TABLE docket_meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO docket_meta(key, value) VALUES ('format', 'docket CTA store');
CREATE TABLE ctas(
  id INTEGER PRIMARY KEY,
  identity TEXT NOT NULL,
  rule TEXT NOT NULL,
  list TEXT NOT NULL,
  type TEXT NOT NULL,
  reason TEXT NOT NULL,
  name TEXT NOT NULL,
  key TEXT NOT NULL,
  owner TEXT,
  queue TEXT,
  row_owner TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'snoozed', 'closed')),
  priority TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  due TEXT,
  snoozed_until TEXT,
  closed TEXT,
  outcome TEXT,
  action TEXT NOT NULL DEFAULT '',
  resources TEXT NOT NULL DEFAULT '',
  CHECK ((status = 'closed') = (closed IS NOT NULL)),
  CHECK ((status = 'snoozed') = (snoozed_until IS NOT NULL))
);
CREATE UNIQUE INDEX ctas_live_identity ON ctas(identity) WHERE status <> 'closed';
CREATE INDEX ctas_closed_identity ON ctas(identity, closed) WHERE status = 'closed';
CREATE INDEX ctas_key ON ctas(key);
CREATE INDEX ctas_owner ON ctas(owner, status);
CREATE INDEX ctas_queue ON ctas(queue, status);
CREATE TABLE cta_tasks(
  cta_id INTEGER NOT NULL REFERENCES ctas(id),
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
  PRIMARY KEY (cta_id, position)
) WITHOUT ROWID;
CREATE TABLE cta_events(
  id INTEGER PRIMARY KEY,
  cta_id INTEGER NOT NULL REFERENCES ctas(id),
  event TEXT NOT NULL CHECK (event IN ('created', 'updated', 'claimed', 'reassigned', 'snoozed', 'closed',
                                       'reopened')),
  actor TEXT NOT NULL,
  as_of TEXT NOT NULL,
  wall_time TEXT NOT NULL,
  from_value TEXT,
  to_value TEXT,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cta_events_cta ON cta_events(cta_id);
CREATE TRIGGER cta_events_append_only_update BEFORE UPDATE ON cta_events
  BEGIN SELECT RAISE(ABORT, 'cta_events is append-only'); END;
CREATE TRIGGER cta_events_append_only_delete BEFORE DELETE ON cta_events
  BEGIN SELECT RAISE(ABORT, 'cta_events is append-only'); END;
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kCtaSchemaVersion);

absl::Status Refuse(const std::string& path, const std::string& why, const std::string& hint) {
  return DataError({},
                   absl::StrCat(path, ": ", why, "; refusing to use it (the file was not changed)"),
                   std::string(hint));
}

}  // namespace

absl::Status SqliteError(sqlite3* db, int rc, const std::string& path, const std::string& what) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return DataError(
          {},
          absl::StrCat(path, ": the store is busy (another docket command held it too long) while ",
                       what),
          "try again when the other command has finished");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataError(
          {},
          absl::StrCat(path, ": the store is corrupt or not a docket CTA store (SQLite: ", detail,
                       ") while ", what, "; nothing was changed"),
          "restore it from a backup, or give --store a new file");
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return DataError({}, absl::StrCat(path, ": cannot write the store (SQLite: ", detail,
                                        ") while ", what, "; nothing was changed"));
    default:
      return absl::InternalError(absl::StrCat(path, ": SQLite error while ", what, ": ", detail));
  }
}

absl::Status Statement::Prepare(sqlite3* db, const std::string& path, const char* sql) {
  db_ = db;
  path_ = std::string(path);
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, path, "preparing a statement");
  return absl::OkStatus();
}

void Statement::Bind(int i, absl::CivilDay d) {
  std::string s = absl::FormatCivilTime(d);
  sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

absl::StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  absl::Status st = SqliteError(db_, rc, path_, "reading or writing");
  sqlite3_reset(stmt_);
  return st;
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> r = Step();
  Reset();
  return r.status();
}

std::optional<absl::CivilDay> Statement::OptDay(int col) const {
  if (IsNull(col)) return std::nullopt;
  absl::CivilDay d;
  if (!absl::ParseCivilTime(Text(col), &d)) return std::nullopt;
  return d;
}

std::string WallTime() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

const char* const kCtaColumns =
    "id, rule, list, type, reason, name, key, identity, owner, queue, status, priority, created, "
    "due, "
    "snoozed_until, closed, outcome, action, resources";

Cta ReadCtaRow(const Statement& s) {
  Cta c;
  c.id = s.Int(0);
  c.rule = s.Text(1);
  c.list = s.Text(2);
  c.type = s.Text(3);
  c.reason = s.Text(4);
  c.name = s.Text(5);
  c.key = s.Text(6);
  c.identity = s.Text(7);
  c.owner = s.OptText(8);
  c.queue = s.OptText(9);
  std::string status = s.Text(10);
  c.status = status == "closed"    ? CtaStatus::kClosed
             : status == "snoozed" ? CtaStatus::kSnoozed
                                   : CtaStatus::kOpen;
  c.priority = s.Text(11);
  c.created = s.Day(12);
  c.due = s.OptDay(13);
  c.snoozed_until = s.OptDay(14);
  c.closed = s.OptDay(15);
  c.outcome = s.OptText(16);
  c.action = s.Text(17);
  c.resources = DecodeResources(s.Text(18));
  return c;
}

std::string EncodeResources(const std::vector<std::pair<std::string, std::string>>& resources) {
  std::vector<std::string> parts;
  parts.reserve(resources.size());
  for (const auto& [title, url] : resources) parts.push_back(absl::StrCat(title, "\x1f", url));
  return absl::StrJoin(parts, "\x1e");
}

std::vector<std::pair<std::string, std::string>> DecodeResources(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  if (text.empty()) return out;
  for (absl::string_view part : absl::StrSplit(text, '\x1e')) {
    std::pair<std::string, std::string> r = absl::StrSplit(part, absl::MaxSplits('\x1f', 1));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace cta

using cta::Statement;

absl::Status CtaStore::Impl::Exec(const char* sql, const std::string& what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return cta::SqliteError(db, rc, path, what);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<absl::CivilDay>> CtaStore::Impl::LatestSync() {
  Statement s;
  if (absl::Status st =
          s.Prepare(db, path, "SELECT value FROM docket_meta WHERE key = 'latest_sync'");
      !st.ok()) {
    return st;
  }
  absl::StatusOr<bool> row = s.Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<absl::CivilDay>();
  return s.OptDay(0);
}

absl::Status CtaStore::Impl::SetLatestSync(absl::CivilDay day) {
  return cta::Execute(
      db, path,
      "INSERT INTO docket_meta(key, value) VALUES ('latest_sync', ?1) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE value <> excluded.value",
      day);
}

absl::StatusOr<Cta> CtaStore::Impl::ReadCta(int64_t id) {
  Statement s;
  std::string sql = absl::StrCat("SELECT ", cta::kCtaColumns, " FROM ctas WHERE id = ?1");
  if (absl::Status st = s.Prepare(db, path, sql.c_str()); !st.ok()) return st;
  s.Bind(1, id);
  absl::StatusOr<bool> row = s.Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(absl::StrCat(path, ": no CTA ", id, " in this store"));
  }
  return cta::ReadCtaRow(s);
}

absl::Status CtaStore::Impl::AddEvent(int64_t cta_id, std::string_view event, std::string_view by,
                                      absl::CivilDay as_of, std::string_view wall_time,
                                      const std::optional<std::string>& from,
                                      const std::optional<std::string>& to,
                                      std::string_view detail) {
  return cta::Execute(db, path,
                      "INSERT INTO cta_events(cta_id, event, actor, as_of, wall_time, from_value, "
                      "to_value, detail) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                      cta_id, event, by, as_of, wall_time, from, to, detail);
}

CtaStore::CtaStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CtaStore::CtaStore(CtaStore&&) noexcept = default;
CtaStore& CtaStore::operator=(CtaStore&&) noexcept = default;
CtaStore::~CtaStore() = default;

const std::string& CtaStore::path() const { return impl_->path; }

absl::StatusOr<CtaStore> CtaStore::Open(const std::string& path, const CtaStoreOptions& options) {
  if (path.empty()) return UsageError("the CTA store's path is empty", "e.g. --store ctas.db");
  struct stat st {};
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    return UsageError(absl::StrCat(path, ": is a directory, not a CTA store file"));
  }
  bool fresh = !exists || st.st_size == 0;  // May become a new store.
  if (!exists && !options.create) {
    return absl::NotFoundError(absl::StrCat(
        path, ": no CTA store here (run 'docket cta sync … --store ", path, "' to create one)"));
  }
  if (exists && st.st_size > 0) {
    // Anything but an SQLite file is refused before SQLite opens it.
    char header[16] = {};
    std::ifstream in(path, std::ios::binary);
    if (!in) return DataError({}, absl::StrCat(path, ": cannot read the CTA store"));
    in.read(header, sizeof(header));
    if (in.gcount() != sizeof(header) || std::memcmp(header, "SQLite format 3", 16) != 0) {
      return cta::Refuse(path, "is not a docket CTA store (not an SQLite database)",
                         "give --store a new file name; docket creates it");
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->path = path;
  int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (options.create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr);
  if (rc != SQLITE_OK) return cta::SqliteError(impl->db, rc, path, "opening the store");
  sqlite3_extended_result_codes(impl->db, 1);
  sqlite3_busy_timeout(impl->db, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  if (absl::Status s = impl->Exec("PRAGMA foreign_keys = ON", "configuring"); !s.ok()) return s;

  // Who wrote this file?  Read inside the write lock so that two commands
  // creating one store at once do it once.
  auto read_header = [&](int64_t* app_id, int64_t* version, int64_t* objects) -> absl::Status {
    Statement s;
    const char* queries[3] = {"PRAGMA application_id", "PRAGMA user_version",
                              "SELECT count(*) FROM sqlite_master"};
    int64_t* outs[3] = {app_id, version, objects};
    for (int i = 0; i < 3; ++i) {
      Statement q;
      if (absl::Status e = q.Prepare(impl->db, path, queries[i]); !e.ok()) return e;
      absl::StatusOr<bool> row = q.Step();
      if (!row.ok()) return row.status();
      *outs[i] = *row ? q.Int(0) : 0;
    }
    return absl::OkStatus();
  };
  int64_t app_id = 0, version = 0, objects = 0;
  if (absl::Status s = read_header(&app_id, &version, &objects); !s.ok()) return s;
  auto check_version = [&]() -> absl::Status {
    if (version > kCtaSchemaVersion) {
      return cta::Refuse(
          path,
          absl::StrCat("was written by a newer docket (store schema version ", version,
                       "; this docket reads up to ", kCtaSchemaVersion, ")"),
          "upgrade docket to use this store");
    }
    return absl::OkStatus();
  };
  if (app_id == cta::kApplicationId) {
    if (absl::Status s = check_version(); !s.ok()) return s;
  } else if (!(app_id == 0 && objects == 0 && fresh)) {
    return cta::Refuse(path, "is an SQLite database, but not a docket CTA store",
                       "give --store a new file name; docket creates it");
  }
  if (app_id != cta::kApplicationId || version < kCtaSchemaVersion) {
    if (absl::Status s = impl->Begin(); !s.ok()) return s;
    absl::Status s = read_header(&app_id, &version, &objects);
    if (s.ok() && app_id != cta::kApplicationId && !(app_id == 0 && objects == 0)) {
      s = cta::Refuse(path, "is an SQLite database, but not a docket CTA store",
                      "give --store a new file name; docket creates it");
    }
    if (s.ok() && app_id == cta::kApplicationId) s = check_version();
    if (s.ok() && app_id != cta::kApplicationId) {
      s = impl->Exec(absl::StrCat("PRAGMA application_id = ", cta::kApplicationId).c_str(),
                     "creating the store");
      version = 0;
    }
    for (int64_t v = version; s.ok() && v < kCtaSchemaVersion; ++v) {
      s = impl->Exec(cta::kMigrations[v], absl::StrCat("migrating the store to version ", v + 1));
      if (s.ok()) {
        s = impl->Exec(absl::StrCat("PRAGMA user_version = ", v + 1).c_str(),
                       "migrating the store");
      }
    }
    if (s.ok()) s = impl->Commit();
    if (!s.ok()) {
      impl->Rollback();
      return s;
    }
  }
  // WAL: readers never block the writer; a killed writer leaves the last
  // committed state.  NORMAL sync is durable against a process crash.
  if (absl::Status s = impl->Exec("PRAGMA journal_mode = WAL", "configuring"); !s.ok()) return s;
  if (absl::Status s = impl->Exec("PRAGMA synchronous = NORMAL", "configuring"); !s.ok()) return s;
  // A sync touches every live CTA and the identity index: 64 MiB of page
  // cache (on demand, per connection) keeps a million-account store in memory.
  if (absl::Status s = impl->Exec("PRAGMA cache_size = -65536", "configuring"); !s.ok()) return s;
  return CtaStore(std::move(impl));
}

absl::StatusOr<std::optional<absl::CivilDay>> CtaStore::LatestSync() { return impl_->LatestSync(); }

absl::StatusOr<std::vector<Cta>> CtaStore::List(const CtaFilter& filter) {
  std::string sql = absl::StrCat("SELECT ", cta::kCtaColumns, " FROM ctas WHERE 1");
  if (filter.owner.has_value()) absl::StrAppend(&sql, " AND owner = ?1");
  if (filter.queue.has_value()) absl::StrAppend(&sql, " AND queue = ?2");
  if (filter.status.has_value()) absl::StrAppend(&sql, " AND status = ?3");
  absl::StrAppend(&sql,
                  " ORDER BY CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, "
                  "due IS NULL, due, id");
  Statement s;
  if (absl::Status st = s.Prepare(impl_->db, impl_->path, sql.c_str()); !st.ok()) return st;
  if (filter.owner.has_value()) s.Bind(1, *filter.owner);
  if (filter.queue.has_value()) s.Bind(2, *filter.queue);
  if (filter.status.has_value()) s.Bind(3, CtaStatusName(*filter.status));
  std::vector<Cta> out;
  if (absl::Status st = s.ForEachRow([&] { out.push_back(cta::ReadCtaRow(s)); }); !st.ok())
    return st;
  return out;
}

absl::StatusOr<CtaDetail> CtaStore::Show(int64_t id) {
  CtaDetail d;
  absl::StatusOr<Cta> c = impl_->ReadCta(id);
  if (!c.ok()) return c.status();
  d.cta = *std::move(c);
  Statement t;
  absl::Status st = t.PrepareWith(
      impl_->db, impl_->path,
      "SELECT position, text, done FROM cta_tasks WHERE cta_id = ?1 ORDER BY position", id);
  if (st.ok()) {
    st = t.ForEachRow([&] {
      d.cta.tasks.push_back(CtaTask{static_cast<int>(t.Int(0)), t.Text(1), t.Int(2) != 0});
    });
  }
  if (!st.ok()) return st;
  Statement e;
  st = e.PrepareWith(
      impl_->db, impl_->path,
      "SELECT id, cta_id, event, actor, as_of, wall_time, from_value, to_value, detail "
      "FROM cta_events WHERE cta_id = ?1 ORDER BY id",
      id);
  if (st.ok())
    st = e.ForEachRow([&] {
      CtaEvent ev;
      ev.id = e.Int(0);
      ev.cta_id = e.Int(1);
      ev.event = e.Text(2);
      ev.by = e.Text(3);
      ev.as_of = e.Day(4);
      ev.wall_time = e.Text(5);
      ev.from = e.OptText(6);
      ev.to = e.OptText(7);
      ev.detail = e.Text(8);
      d.events.push_back(std::move(ev));
    });
  if (!st.ok()) return st;
  return d;
}

namespace {

std::string Holder(const Cta& c) {
  if (c.owner.has_value()) return *c.owner;
  if (c.queue.has_value()) return absl::StrCat("queue ", *c.queue);
  return "nobody";
}

}  // namespace

// One command: a write transaction around `change`, which reads the CTA and
// updates it; the updated CTA is returned.
template <typename Change>
static absl::StatusOr<Cta> InTransaction(CtaStore::Impl& impl, int64_t id, Change change) {
  if (absl::Status st = impl.Begin(); !st.ok()) return st;
  absl::StatusOr<std::optional<absl::CivilDay>> latest = impl.LatestSync();
  absl::StatusOr<Cta> cta = latest.ok() ? impl.ReadCta(id) : absl::StatusOr<Cta>(latest.status());
  absl::Status st = cta.status();
  // A command without an as_of is dated the store's business day.
  absl::CivilDay today = latest.ok() && latest->has_value() ? **latest
                         : cta.ok()                         ? cta->created
                                                            : absl::CivilDay();
  if (st.ok()) st = change(*cta, today, cta::WallTime());
  if (st.ok()) st = impl.Commit();
  if (!st.ok()) {
    impl.Rollback();
    return st;
  }
  return impl.ReadCta(id);
}

absl::StatusOr<Cta> CtaStore::Claim(int64_t id, const std::string& owner, const CtaActor& actor) {
  if (owner.empty()) return UsageError("--owner is empty", "name who takes the CTA");
  Impl& impl = *impl_;
  return InTransaction(
      impl, id, [&](const Cta& c, absl::CivilDay today, const std::string& wall) -> absl::Status {
        if (c.status == CtaStatus::kClosed) {
          return DataError({}, absl::StrCat("CTA ", id, " is closed (", c.outcome.value_or(""),
                                            "); nothing to claim"));
        }
        if (!c.queue.has_value()) {
          return DataError(
              {}, absl::StrCat("CTA ", id, " was already claimed by ", Holder(c)),
              c.owner == owner ? "it is yours already" : "ask them, or use 'docket cta reassign'");
        }
        if (absl::Status st = cta::Execute(
                impl.db, impl.path,
                "UPDATE ctas SET owner = ?1, queue = NULL, updated = ?2 WHERE id = ?3 AND "
                "queue IS NOT NULL",
                owner, today, id);
            !st.ok()) {
          return st;
        }
        return impl.AddEvent(id, "claimed", actor.by, today, wall, absl::StrCat("queue ", *c.queue),
                             owner, "");
      });
}

absl::StatusOr<Cta> CtaStore::Close(int64_t id, const std::string& outcome, const CtaActor& actor) {
  if (outcome.empty())
    return UsageError("--outcome is empty", "say how it ended, e.g. --outcome 'back on track'");
  Impl& impl = *impl_;
  return InTransaction(
      impl, id, [&](const Cta& c, absl::CivilDay today, const std::string& wall) -> absl::Status {
        if (c.status == CtaStatus::kClosed) {
          return DataError(
              {}, absl::StrCat("CTA ", id, " is already closed (", c.outcome.value_or(""), ", ",
                               c.closed.has_value() ? absl::FormatCivilTime(*c.closed) : "", ")"));
        }
        if (absl::Status st =
                cta::Execute(impl.db, impl.path,
                             "UPDATE ctas SET status = 'closed', closed = ?1, outcome = ?2, "
                             "snoozed_until = NULL, updated = ?1 WHERE id = ?3",
                             today, outcome, id);
            !st.ok()) {
          return st;
        }
        return impl.AddEvent(id, "closed", actor.by, today, wall,
                             std::string(CtaStatusName(c.status)), "closed", outcome);
      });
}

absl::StatusOr<Cta> CtaStore::Snooze(int64_t id, absl::CivilDay until, const std::string& reason,
                                     const CtaActor& actor) {
  if (reason.empty())
    return UsageError("--reason is empty", "say why, e.g. --reason 'customer on holiday'");
  Impl& impl = *impl_;
  return InTransaction(
      impl, id, [&](const Cta& c, absl::CivilDay today, const std::string& wall) -> absl::Status {
        if (c.status == CtaStatus::kClosed) {
          return DataError({},
                           absl::StrCat("CTA ", id, " is closed; only an open CTA can be snoozed"));
        }
        if (until <= today) {
          return UsageError(absl::StrCat("--until ", absl::FormatCivilTime(until),
                                         " is not after the store's day (",
                                         absl::FormatCivilTime(today), ", its latest sync)"),
                            "snooze until a later date");
        }
        if (absl::Status st =
                cta::Execute(impl.db, impl.path,
                             "UPDATE ctas SET status = 'snoozed', snoozed_until = ?1, updated = ?2 "
                             "WHERE id = ?3",
                             until, today, id);
            !st.ok()) {
          return st;
        }
        return impl.AddEvent(id, "snoozed", actor.by, today, wall,
                             std::string(CtaStatusName(c.status)),
                             absl::StrCat("snoozed until ", absl::FormatCivilTime(until)), reason);
      });
}

absl::StatusOr<Cta> CtaStore::Reassign(int64_t id, const std::string& owner,
                                       const CtaActor& actor) {
  if (owner.empty()) return UsageError("--owner is empty", "name who takes the CTA over");
  Impl& impl = *impl_;
  return InTransaction(
      impl, id, [&](const Cta& c, absl::CivilDay today, const std::string& wall) -> absl::Status {
        if (c.status == CtaStatus::kClosed) {
          return DataError(
              {}, absl::StrCat("CTA ", id, " is closed; only an open CTA can be reassigned"));
        }
        if (c.owner == owner)
          return DataError({}, absl::StrCat("CTA ", id, " is already ", owner, "'s"));
        if (absl::Status st =
                cta::Execute(impl.db, impl.path,
                             "UPDATE ctas SET owner = ?1, queue = NULL, updated = ?2 WHERE id = ?3",
                             owner, today, id);
            !st.ok()) {
          return st;
        }
        return impl.AddEvent(id, "reassigned", actor.by, today, wall, Holder(c), owner, "");
      });
}

}  // namespace docket
