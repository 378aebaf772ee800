// Trigger lists (`trigger: entered | exited`, `since:`) against SQLite.
//
// Snapshots of one keyed, owned table are loaded into SQLite as `cur` (the
// current snapshot) and `hist` (snap_day, …: every older one, plus one dated
// after as_of that must never be read).  For random predicates over current
// columns — NULLs, owner changes, new and deleted keys, and a date rule
// relative to `today`, so the older snapshot must be evaluated at its own
// date — a rulebook of trigger lists is run and each list's keys compared
// with:
//   entered: rows of cur where pred(cur, as_of) IS TRUE (in owner scope) and
//            NOT EXISTS the same key in the older snapshot P with
//            pred(P row, P's date) IS TRUE (in owner scope then);
//   exited:  rows of P where pred(P row, P's date) IS TRUE (in scope then)
//            and NOT EXISTS the same key in cur with pred TRUE (in scope now)
//            — including keys gone from cur.
// P is the latest snapshot dated before as_of, or with `since:` the latest
// on or before as_of − interval; none → an empty list and a note.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "docket/history.h"
#include "docket/rulebook.h"
#include "exec/test_table.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

using testing::Col;
using testing::TableBuilder;

struct Row {
  std::string id;
  std::optional<std::string> csm;
  std::optional<int64_t> usage;
  std::optional<bool> active;
  std::optional<int32_t> renew;  // days since the epoch
};

const std::vector<std::string> kCsms = {"alice", "bob", "carol"};

Table Accounts(const std::vector<Row>& rows) {
  std::vector<std::optional<std::string>> id, csm;
  std::vector<std::optional<int64_t>> usage, renew;
  std::vector<std::optional<bool>> active;
  for (const Row& r : rows) {
    id.push_back(r.id);
    csm.push_back(r.csm);
    usage.push_back(r.usage);
    active.push_back(r.active);
    renew.push_back(r.renew ? std::optional<int64_t>(*r.renew) : std::nullopt);
  }
  TableBuilder b("accounts");
  b.Add("id", Col(DataType::String(), id)).Add("csm", Col(DataType::String(), csm));
  b.Add("usage", Col(DataType::Int(), usage)).Add("active", Col(DataType::Bool(), active));
  b.Add("renew", Col(DataType::Date(), renew));
  b.schema.key = "id";
  b.schema.owner = "csm";
  return b.Build();
}

std::string DayText(int32_t days) {
  return absl::FormatCivilTime(absl::CivilDay(1970, 1, 1) + days);
}
int32_t Days(absl::CivilDay d) { return static_cast<int32_t>(d - absl::CivilDay(1970, 1, 1)); }

class Db {
 public:
  Db() { sqlite3_open(":memory:", &db_); }
  ~Db() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      ADD_FAILURE() << err << "\n" << sql;
      sqlite3_free(err);
    }
  }
  std::set<std::string> Keys(const std::string& sql) {
    std::set<std::string> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_) << "\n" << sql;
      return out;
    }
    while (sqlite3_step(st) == SQLITE_ROW)
      out.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string Q(const std::optional<std::string>& s) { return s ? "'" + *s + "'" : "NULL"; }

void Load(Db& db, const std::string& table, const std::string& day, const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    db.Exec(absl::StrCat("INSERT INTO ", table, " VALUES (", day.empty() ? "" : "'" + day + "', ",
                         "'", r.id, "', ", Q(r.csm), ", ",
                         r.usage ? absl::StrCat(*r.usage) : "NULL", ", ",
                         r.active ? (*r.active ? "1" : "0") : "NULL", ", ",
                         r.renew ? "'" + DayText(*r.renew) + "'" : "NULL", ")"));
  }
}

// A predicate in both languages; `{T}` stands for today's date.
struct Pred {
  std::string docket, sql;
};

TEST(TriggerDifferential, EnteredAndExitedAgreeWithSqlite) {
  std::mt19937_64 rng(20261203);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const absl::CivilDay as_of(2026, 11, 22);
  const int kKeys = 300;
  auto random_row = [&](int k) {
    Row r;
    r.id = absl::StrCat("A", 1000 + k);
    if (!chance(0.1)) r.csm = kCsms[static_cast<size_t>(pick(3))];
    if (!chance(0.1)) r.usage = pick(200);
    if (!chance(0.1)) r.active = chance(0.5);
    if (!chance(0.1)) r.renew = Days(as_of) - 60 + pick(200);
    return r;
  };
  const std::vector<std::string> days = {"2026-10-01", "2026-11-01", "2026-11-15", "2026-11-22",
                                         "2026-11-29"};
  std::vector<std::vector<Row>> snaps;
  std::vector<Row> base;
  for (int k = 0; k < kKeys; ++k) base.push_back(random_row(k));
  for (size_t s = 0; s < days.size(); ++s) {
    std::vector<Row> rows;
    for (int k = 0; k < kKeys + 30; ++k) {
      if (k >= kKeys && s < 3) continue;        // New keys appear in the current snapshot.
      if (k < kKeys && chance(0.12)) continue;  // Deleted (or not yet created) keys.
      Row r = k < kKeys ? base[static_cast<size_t>(k)] : random_row(k);
      if (chance(0.3)) r = random_row(k);  // Drift, owner changes, NULLs.
      rows.push_back(r);
    }
    if (s != 2) std::shuffle(rows.begin(), rows.end(), rng);
    snaps.push_back(std::move(rows));
  }

  Db db;
  db.Exec("CREATE TABLE cur (id TEXT, csm TEXT, usage INTEGER, active INTEGER, renew TEXT)");
  db.Exec(
      "CREATE TABLE hist (snap_day TEXT, id TEXT, csm TEXT, usage INTEGER, active INTEGER, renew "
      "TEXT)");
  History history;
  for (size_t s = 0; s < days.size(); ++s) {
    if (days[s] == "2026-11-22") {
      Load(db, "cur", "", snaps[s]);
      continue;
    }
    Load(db, "hist", days[s], snaps[s]);
    absl::CivilDay d;
    ASSERT_TRUE(absl::ParseCivilTime(days[s], &d));
    Snapshot snap;
    ASSERT_TRUE(snap.AddTable(Accounts(snaps[s])).ok());
    ASSERT_TRUE(history.Add(d, std::move(snap), days[s]).ok());
  }
  Snapshot current;
  ASSERT_TRUE(current.AddTable(Accounts(snaps[3])).ok());

  // Atoms over current columns (x is the row's alias in SQL).
  const std::vector<Pred> atoms = {
      {"usage > 100", "x.usage > 100"},
      {"usage <= 40", "x.usage <= 40"},
      {"usage IS NULL", "x.usage IS NULL"},
      {"active", "x.active"},
      {"NOT active", "NOT x.active"},
      {"csm = 'bob'", "x.csm = 'bob'"},
      {"csm IS NULL", "x.csm IS NULL"},
      {"renew BETWEEN today AND today + 30", "x.renew BETWEEN '{T}' AND date('{T}', '+30 day')"},
      {"renew < today", "x.renew < '{T}'"},
  };
  auto random_pred = [&](auto& self, int depth) -> Pred {
    if (depth == 0 || chance(0.35))
      return atoms[static_cast<size_t>(pick(static_cast<int>(atoms.size())))];
    Pred a = self(self, depth - 1), b = self(self, depth - 1);
    switch (pick(3)) {
      case 0:
        return {"(" + a.docket + " AND " + b.docket + ")", "(" + a.sql + " AND " + b.sql + ")"};
      case 1:
        return {"(" + a.docket + " OR " + b.docket + ")", "(" + a.sql + " OR " + b.sql + ")"};
      default:
        return {"NOT (" + a.docket + ")", "NOT (" + a.sql + ")"};
    }
  };
  // (since text, the older snapshot it picks or "" for none)
  const std::vector<std::pair<std::string, std::string>> sinces = {
      {"", "2026-11-15"},
      {"INTERVAL 7 DAY", "2026-11-15"},
      {"INTERVAL 10 DAY", "2026-11-01"},
      {"INTERVAL 1 MONTH", "2026-10-01"},
      {"INTERVAL 3 MONTH", ""},
  };
  struct Case {
    Pred pred;
    bool entered;
    size_t since;
  };
  std::vector<Case> cases;
  for (int i = 0; i < 60; ++i)
    cases.push_back(Case{random_pred(random_pred, 3), chance(0.5), static_cast<size_t>(pick(5))});

  std::string yaml = "docket: 1\nname: triggers\ntime_zone: UTC\nlists:\n";
  for (size_t i = 0; i < cases.size(); ++i) {
    absl::StrAppend(&yaml, "  - id: l", i, "\n    table: accounts\n    when: \"",
                    cases[i].pred.docket,
                    "\"\n    trigger: ", cases[i].entered ? "entered" : "exited", "\n");
    if (!sinces[cases[i].since].first.empty())
      absl::StrAppend(&yaml, "    since: ", sinces[cases[i].since].first, "\n");
  }
  const std::string path = (std::filesystem::temp_directory_path() /
                            absl::StrCat("docket_trigger_diff_", ::getpid(), ".yaml"))
                               .string();
  std::ofstream(path) << yaml;
  absl::StatusOr<Rulebook> book = Rulebook::Load(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(book.ok()) << book.status();
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book, current.schema);
  ASSERT_TRUE(compiled.ok()) << compiled.status();

  for (const std::optional<std::string>& owner :
       {std::optional<std::string>(), std::optional<std::string>("bob")}) {
    RunOptions run;
    run.as_of = as_of;
    run.history = &history;
    run.owner = owner;
    absl::StatusOr<RulebookResult> r = compiled->Evaluate(current, run);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->lists.size(), cases.size());
    int nonempty = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      const ListResult& l = r->lists[i];
      std::set<std::string> got;
      const Column* key = l.data.key_column();
      ASSERT_NE(key, nullptr);
      for (int64_t row = 0; row < l.matches.size(); ++row) {
        if (l.matches.Get(row)) got.insert(std::string(key->StringAt(row)));
      }
      EXPECT_EQ(static_cast<int64_t>(got.size()), l.count) << l.id;
      const std::string& then = sinces[c.since].second;
      std::set<std::string> want;
      if (!then.empty()) {
        const std::string now_pred = absl::StrReplaceAll(c.pred.sql, {{"{T}", "2026-11-22"}});
        const std::string then_pred = absl::StrReplaceAll(c.pred.sql, {{"{T}", then}});
        const std::string scope = owner ? absl::StrCat(" AND x.csm = '", *owner, "'") : "";
        const std::string now_true = absl::StrCat("(", now_pred, ") IS 1", scope);
        const std::string then_true = absl::StrCat("(", then_pred, ") IS 1", scope);
        // The current row is `y`, the older one `x`.
        const std::string now_y = absl::StrReplaceAll(now_true, {{"x.", "y."}});
        if (c.entered) {
          want = db.Keys(absl::StrCat("SELECT y.id FROM cur y WHERE ", now_y,
                                      " AND NOT EXISTS (SELECT 1 FROM hist x WHERE x.snap_day = '",
                                      then, "' AND x.id = y.id AND ", then_true, ")"));
        } else {
          want = db.Keys(absl::StrCat(
              "SELECT x.id FROM hist x WHERE x.snap_day = '", then, "' AND ", then_true,
              " AND NOT EXISTS (SELECT 1 FROM cur y WHERE y.id = x.id AND ", now_y, ")"));
        }
      } else {
        EXPECT_FALSE(r->notes.empty())
            << "no note for a trigger list without an old enough snapshot";
      }
      nonempty += want.empty() ? 0 : 1;
      EXPECT_EQ(got, want) << l.id << " (" << (c.entered ? "entered" : "exited") << ", since '"
                           << sinces[c.since].first << "', owner " << owner.value_or("-")
                           << "): " << c.pred.docket;
    }
    EXPECT_GT(nonempty, 20) << "the random lists should mostly find rows";
  }
}

}  // namespace
}  // namespace docket
