// A thin layer over the SQLite C API for the CTA store: prepared statements
// with typed binds and reads, SQLite result codes turned into absl::Status
// with the store's path in the message, and the store's connection (Impl).
#ifndef DOCKET_CTA_SQLITE_H_
#define DOCKET_CTA_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "docket/cta.h"

namespace docket::cta {

// The Status for SQLite result `rc` while doing `what` on the store at `path`:
// busy → FailedPrecondition ("the store is busy"), corrupt / not a database →
// FailedPrecondition ("is corrupt"), full / I/O / read-only → FailedPrecondition,
// anything else Internal.
absl::Status SqliteError(sqlite3* db, int rc, const std::string& path, const std::string& what);

class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  absl::Status Prepare(sqlite3* db, const std::string& path, const char* sql);

  void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, const char* v) { Bind(i, std::string_view(v)); }
  void Bind(int i, const std::string& v) { Bind(i, std::string_view(v)); }
  void Bind(int i, const std::optional<std::string>& v) {
    if (v.has_value()) {
      Bind(i, std::string_view(*v));
    } else {
      sqlite3_bind_null(stmt_, i);
    }
  }
  void Bind(int i, absl::CivilDay d);
  void Bind(int i, const std::optional<absl::CivilDay>& d) {
    if (d.has_value()) {
      Bind(i, *d);
    } else {
      sqlite3_bind_null(stmt_, i);
    }
  }
  void BindNull(int i) { sqlite3_bind_null(stmt_, i); }

  // True when a row is ready, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion (an INSERT/UPDATE), then resets for reuse.
  absl::Status Run();
  // Prepare(), then binds `args` to ?1, ?2, … in order.
  template <typename... Args>
  absl::Status PrepareWith(sqlite3* db, const std::string& path, const char* sql,
                           const Args&... args) {
    if (absl::Status st = Prepare(db, path, sql); !st.ok()) return st;
    int i = 0;
    (Bind(++i, args), ...);
    return absl::OkStatus();
  }
  // Calls row() for each result row (read it with Int, Text, …); the first
  // error stops the walk and is returned.
  template <typename Fn>
  absl::Status ForEachRow(Fn&& row) {
    for (;;) {
      absl::StatusOr<bool> more = Step();
      if (!more.ok()) return more.status();
      if (!*more) return absl::OkStatus();
      row();
    }
  }
  // Binds `args` to ?1, ?2, … in order, then Run().
  template <typename... Args>
  absl::Status RunWith(const Args&... args) {
    int i = 0;
    (Bind(++i, args), ...);
    return Run();
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  std::optional<std::string> OptText(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Text(col);
  }
  std::optional<absl::CivilDay> OptDay(int col) const;
  absl::CivilDay Day(int col) const { return OptDay(col).value_or(absl::CivilDay(1970, 1, 1)); }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string path_;
};

// Prepares `sql`, binds `args` to ?1, ?2, … in order and runs it to
// completion (an INSERT or UPDATE).
template <typename... Args>
absl::Status Execute(sqlite3* db, const std::string& path, const char* sql, const Args&... args) {
  Statement s;
  if (absl::Status st = s.PrepareWith(db, path, sql, args...); !st.ok()) return st;
  return s.Run();
}

}  // namespace docket::cta

namespace docket {

// The connection behind a CtaStore.
struct CtaStore::Impl {
  std::string path;
  sqlite3* db = nullptr;
  ~Impl() {
    if (db != nullptr) sqlite3_close_v2(db);
  }

  absl::Status Exec(const char* sql, const std::string& what);
  // BEGIN IMMEDIATE: takes the write lock now (waiting up to the busy
  // timeout), so a command never fails half-way on lock upgrade.
  absl::Status Begin() { return Exec("BEGIN IMMEDIATE", "starting a transaction"); }
  absl::Status Commit() { return Exec("COMMIT", "committing"); }
  void Rollback() { sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr); }

  // The store's business day: the latest sync's as_of (nullopt before any).
  absl::StatusOr<std::optional<absl::CivilDay>> LatestSync();
  absl::Status SetLatestSync(absl::CivilDay day);

  // Reads one CTA (without tasks); NotFound when there is none.
  absl::StatusOr<Cta> ReadCta(int64_t id);
  absl::Status AddEvent(int64_t cta_id, std::string_view event, std::string_view by,
                        absl::CivilDay as_of, std::string_view wall_time,
                        const std::optional<std::string>& from,
                        const std::optional<std::string>& to, std::string_view detail);
};

namespace cta {
// The current wall-clock time, RFC 3339 in UTC (for the event log only).
std::string WallTime();
// The columns Cta rows are read with, and the reader of one such row.
extern const char* const kCtaColumns;
Cta ReadCtaRow(const Statement& s);
// Resources as stored: "title\x1Furl" joined by "\x1E".
std::string EncodeResources(const std::vector<std::pair<std::string, std::string>>& resources);
std::vector<std::pair<std::string, std::string>> DecodeResources(const std::string& text);
}  // namespace cta

}  // namespace docket

#endif  // DOCKET_CTA_SQLITE_H_
