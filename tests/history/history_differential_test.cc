// The history functions against SQLite: every snapshot is a table of one
// `hist` relation (snap_day, id, …), the current snapshot is `cur`, and each
// history term is a LEFT JOIN on the key with an as-of pick by date
// (max(snap_day) before as_of, or on or before as_of − interval).  Random
// predicates mix prev / changed / pct_change / is_new with current columns,
// NULLs, zeros (pct_change's division by zero), new and deleted keys, owner
// changes (the owner scope applies to the current snapshot), parent fields
// read through the older snapshot's own join (prev(account.csm)), shuffled
// and identical key orders, and a snapshot dated after as_of that must never
// be read.
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "docket/history.h"
#include "docket/program.h"
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
  std::optional<double> health;
  std::optional<bool> active;
};
struct ContactRow {
  std::string id;
  std::optional<std::string> account_id;
  std::optional<std::string> title;
};
struct Snap {
  std::string day;
  std::vector<Row> rows;
  std::vector<ContactRow> contacts;
};

const std::vector<std::string> kCsms = {"alice", "bob", "carol"};

Table Accounts(const std::vector<Row>& rows) {
  std::vector<std::optional<std::string>> id, csm;
  std::vector<std::optional<int64_t>> usage;
  std::vector<std::optional<double>> health;
  std::vector<std::optional<bool>> active;
  for (const Row& r : rows) {
    id.push_back(r.id);
    csm.push_back(r.csm);
    usage.push_back(r.usage);
    health.push_back(r.health);
    active.push_back(r.active);
  }
  TableBuilder b("accounts");
  b.Add("id", Col(DataType::String(), id)).Add("csm", Col(DataType::String(), csm));
  b.Add("usage", Col(DataType::Int(), usage)).Add("health", Col(DataType::Float(), health));
  b.Add("active", Col(DataType::Bool(), active));
  b.schema.key = "id";
  b.schema.owner = "csm";
  return b.Build();
}

Table Contacts(const std::vector<ContactRow>& rows) {
  std::vector<std::optional<std::string>> id, acc, title;
  for (const ContactRow& r : rows) {
    id.push_back(r.id);
    acc.push_back(r.account_id);
    title.push_back(r.title);
  }
  TableBuilder b("contacts");
  b.Add("id", Col(DataType::String(), id)).Add("account_id", Col(DataType::String(), acc));
  b.Add("title", Col(DataType::String(), title));
  b.schema.key = "id";
  b.schema.parent = ParentRelation{"accounts", "account_id", "account", {}};
  return b.Build();
}

Snapshot Make(const Snap& s) {
  Snapshot out;
  EXPECT_TRUE(out.AddTable(Accounts(s.rows)).ok());
  EXPECT_TRUE(out.AddTable(Contacts(s.contacts)).ok());
  return out;
}

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
  std::vector<int64_t> Ints(const std::string& sql) {
    std::vector<int64_t> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_) << "\n" << sql;
      return out;
    }
    while (sqlite3_step(st) == SQLITE_ROW) out.push_back(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string Q(const std::optional<std::string>& s) { return s ? "'" + *s + "'" : "NULL"; }
template <typename T>
std::string N(const std::optional<T>& v) {
  if (!v) return "NULL";
  if constexpr (std::is_same_v<T, bool>) return *v ? "1" : "0";
  return absl::StrCat(*v);
}

void Load(Db& db, const std::string& table, const std::string& day, const std::vector<Row>& rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    db.Exec(absl::StrCat("INSERT INTO ", table, " VALUES (", day.empty() ? "" : "'" + day + "', ",
                         i, ", '", r.id, "', ", Q(r.csm), ", ", N(r.usage), ", ", N(r.health), ", ",
                         N(r.active), ")"));
  }
}
void LoadContacts(Db& db, const std::string& table, const std::string& day,
                  const std::vector<ContactRow>& rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    const ContactRow& r = rows[i];
    db.Exec(absl::StrCat("INSERT INTO ", table, " VALUES (", day.empty() ? "" : "'" + day + "', ",
                         i, ", '", r.id, "', ", Q(r.account_id), ", ", Q(r.title), ")"));
  }
}

// One history term's join: alias, the as-of pick (a scalar subquery) and the docket interval text.
struct Pick {
  std::string docket;  // "" or ", INTERVAL 30 DAY"
  std::string sql;     // (SELECT max(snap_day) FROM snaps WHERE …)
};

TEST(HistoryDifferential, AgreesWithSqliteLeftJoinAsOf) {
  std::mt19937_64 rng(20261122);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const int kKeys = 400;
  auto random_row = [&](int k) {
    Row r;
    r.id = absl::StrCat("A", 1000 + k);
    if (!chance(0.1)) r.csm = kCsms[pick(3)];
    if (!chance(0.1)) r.usage = chance(0.1) ? 0 : pick(200);
    if (!chance(0.1)) r.health = pick(100) / 4.0;
    if (!chance(0.1)) r.active = chance(0.5);
    return r;
  };
  auto random_contacts = [&](const std::vector<Row>& rows, int snap) {
    std::vector<ContactRow> out;
    for (int c = 0; c < kKeys; ++c) {
      if (chance(0.15)) continue;  // Not in this snapshot.
      ContactRow r;
      r.id = absl::StrCat("C", c);
      // Contacts move between accounts over time (and sometimes point nowhere).
      const int acc = (c * 7 + (chance(0.2) ? snap : 0)) % (kKeys + 20);
      if (!chance(0.05)) r.account_id = absl::StrCat("A", 1000 + acc);
      if (!chance(0.1)) r.title = chance(0.5) ? "vp" : "director";
      out.push_back(r);
    }
    (void)rows;
    return out;
  };
  // Snapshots: three before as_of, the current one, one after as_of.
  std::vector<Snap> snaps;
  const std::vector<std::string> days = {"2026-10-01", "2026-11-01", "2026-11-15", "2026-11-22",
                                         "2026-11-29"};
  std::vector<Row> base;
  for (int k = 0; k < kKeys; ++k) base.push_back(random_row(k));
  for (size_t s = 0; s < days.size(); ++s) {
    Snap snap;
    snap.day = days[s];
    for (int k = 0; k < kKeys + 20; ++k) {
      if (k >= kKeys && s < 3) continue;       // New keys appear in the current snapshot.
      if (k < kKeys && chance(0.1)) continue;  // Deleted (or not yet created) keys.
      Row r = k < kKeys ? base[k] : random_row(k);
      if (chance(0.3)) r = random_row(k);  // Drift, owner changes, NULLs.
      snap.rows.push_back(r);
    }
    if (s != 2)
      std::shuffle(snap.rows.begin(), snap.rows.end(), rng);  // 2026-11-15 keeps key order...
    snap.contacts = random_contacts(snap.rows, static_cast<int>(s));
    snaps.push_back(std::move(snap));
  }
  // ...and the current snapshot has the same keys in the same order as 2026-11-15 for one run (the
  // no-hash path).
  Snap identical = snaps[3];
  identical.rows = snaps[2].rows;
  for (Row& r : identical.rows) {
    if (chance(0.3)) r.usage = chance(0.1) ? std::nullopt : std::optional<int64_t>(pick(300));
  }

  for (int variant = 0; variant < 3; ++variant) {
    const Snap& current = variant == 1 ? identical : snaps[3];
    const std::string as_of = variant == 2 ? "2026-11-15" : "2026-11-22";
    SCOPED_TRACE(absl::StrCat("variant ", variant, " as_of ", as_of));
    History history;
    for (size_t s = 0; s < days.size(); ++s) {
      if (s == 3) continue;
      absl::CivilDay d;
      ASSERT_TRUE(absl::ParseCivilTime(days[s], &d));
      ASSERT_TRUE(history.Add(d, Make(snaps[s]), days[s]).ok());
    }
    Snapshot cur = Make(current);
    Db db;
    db.Exec(
        "CREATE TABLE cur (rowidx INTEGER, id TEXT, csm TEXT, usage INTEGER, health REAL, active "
        "INTEGER)");
    db.Exec(
        "CREATE TABLE hist (snap_day TEXT, rowidx INTEGER, id TEXT, csm TEXT, usage INTEGER, "
        "health REAL, active INTEGER)");
    db.Exec("CREATE TABLE cur_c (rowidx INTEGER, id TEXT, account_id TEXT, title TEXT)");
    db.Exec(
        "CREATE TABLE hist_c (snap_day TEXT, rowidx INTEGER, id TEXT, account_id TEXT, title "
        "TEXT)");
    db.Exec("CREATE TABLE snaps (snap_day TEXT)");
    db.Exec("BEGIN");
    Load(db, "cur", "", current.rows);
    LoadContacts(db, "cur_c", "", current.contacts);
    for (size_t s = 0; s < days.size(); ++s) {
      if (s == 3) continue;
      db.Exec("INSERT INTO snaps VALUES ('" + days[s] + "')");
      Load(db, "hist", days[s], snaps[s].rows);
      LoadContacts(db, "hist_c", days[s], snaps[s].contacts);
    }
    db.Exec("COMMIT");
    std::vector<Pick> picks = {
        {"", "(SELECT max(snap_day) FROM snaps WHERE snap_day < '" + as_of + "')"},
        {", INTERVAL 7 DAY",
         "(SELECT max(snap_day) FROM snaps WHERE snap_day <= date('" + as_of + "', '-7 day'))"},
        {", INTERVAL 3 WEEK",
         "(SELECT max(snap_day) FROM snaps WHERE snap_day <= date('" + as_of + "', '-21 day'))"},
        {", INTERVAL 1 MONTH",
         "(SELECT max(snap_day) FROM snaps WHERE snap_day <= date('" + as_of + "', '-1 month'))"},
        {", INTERVAL 90 DAY",
         "(SELECT max(snap_day) FROM snaps WHERE snap_day <= date('" + as_of + "', '-90 day'))"},
    };
    const std::vector<std::string> owners = {"", "alice", "bob"};
    int checked = 0;
    for (int iter = 0; iter < 120; ++iter) {
      const bool on_contacts = iter % 4 == 3;
      std::vector<int> used;  // Picks joined.
      // An atom: (docket text, SQL text).
      auto atom = [&]() -> std::pair<std::string, std::string> {
        const int p = pick(static_cast<int>(picks.size()));
        const std::string h = absl::StrCat("h", p);
        if (std::find(used.begin(), used.end(), p) == used.end()) used.push_back(p);
        const std::string iv = picks[p].docket;
        const std::string exists = picks[p].sql + " IS NOT NULL";
        if (on_contacts) {
          switch (pick(4)) {
            case 0: {
              const std::string name = kCsms[pick(3)];
              return {"prev(account.csm" + iv + ") = '" + name + "'", h + "a.csm = '" + name + "'"};
            }
            case 1:
              return {"changed(title" + iv + ")", "CASE WHEN NOT (" + exists + ") OR " + h +
                                                      ".id IS NULL THEN NULL ELSE c.title IS NOT " +
                                                      h + ".title END"};
            case 2:
              return {"is_new(" + iv.substr(iv.empty() ? 0 : 2) + ")",
                      "CASE WHEN NOT (" + exists + ") THEN NULL ELSE " + h + ".id IS NULL END"};
            default:
              return {"prev(title" + iv + ") = 'vp'", h + ".title = 'vp'"};
          }
        }
        switch (pick(9)) {
          case 0: {
            const int k = pick(200);
            return {absl::StrCat("prev(usage", iv, ") > ", k), absl::StrCat(h, ".usage > ", k)};
          }
          case 1: {
            const std::string col =
                std::vector<std::string>{"csm", "usage", "health", "active"}[pick(4)];
            return {"changed(" + col + iv + ")", "CASE WHEN NOT (" + exists + ") OR " + h +
                                                     ".id IS NULL THEN NULL ELSE c." + col +
                                                     " IS NOT " + h + "." + col + " END"};
          }
          case 2: {
            const double k = (pick(40) - 20) / 10.0;
            return {absl::StrCat("pct_change(usage", iv, ") < ", k),
                    absl::StrCat("(CAST(c.usage AS REAL) - ", h, ".usage) / ", h, ".usage < ", k)};
          }
          case 3:
            return {"is_new(" + iv.substr(iv.empty() ? 0 : 2) + ")",
                    "CASE WHEN NOT (" + exists + ") THEN NULL ELSE " + h + ".id IS NULL END"};
          case 4: {
            const std::string name = kCsms[pick(3)];
            return {"prev(csm" + iv + ") = '" + name + "'", h + ".csm = '" + name + "'"};
          }
          case 5:
            return {"prev(health" + iv + ") > health", h + ".health > c.health"};
          case 6:
            return {"prev(active" + iv + ")", h + ".active"};
          case 7:
            return {"prev(csm" + iv + ") IS NULL", h + ".csm IS NULL"};
          default: {
            const int k = pick(200);
            return {absl::StrCat("usage >= ", k), absl::StrCat("c.usage >= ", k)};
          }
        }
      };
      std::pair<std::string, std::string> e = atom();
      const int extra = pick(3);
      for (int i = 0; i < extra; ++i) {
        std::pair<std::string, std::string> b = atom();
        const int how = pick(3);
        if (how == 0)
          e = {"(" + e.first + ") AND (" + b.first + ")",
               "(" + e.second + ") AND (" + b.second + ")"};
        if (how == 1)
          e = {"(" + e.first + ") OR (" + b.first + ")",
               "(" + e.second + ") OR (" + b.second + ")"};
        if (how == 2)
          e = {"NOT (" + e.first + ") OR (" + b.first + ")",
               "NOT (" + e.second + ") OR (" + b.second + ")"};
      }
      const std::string owner = owners[pick(3)];
      std::string sql;
      if (on_contacts) {
        sql = "SELECT c.rowidx FROM cur_c c";
        for (int p : used) {
          const std::string h = absl::StrCat("h", p);
          sql += absl::StrCat(" LEFT JOIN hist_c ", h, " ON ", h, ".id = c.id AND ", h,
                              ".snap_day = ", picks[p].sql, " LEFT JOIN hist ", h, "a ON ", h,
                              "a.id = ", h, ".account_id AND ", h, "a.snap_day = ", h, ".snap_day");
        }
        if (!owner.empty()) sql += " LEFT JOIN cur ca ON ca.id = c.account_id";
      } else {
        sql = "SELECT c.rowidx FROM cur c";
        for (int p : used) {
          const std::string h = absl::StrCat("h", p);
          sql += absl::StrCat(" LEFT JOIN hist ", h, " ON ", h, ".id = c.id AND ", h,
                              ".snap_day = ", picks[p].sql);
        }
      }
      sql += " WHERE (" + e.second + ")";
      if (!owner.empty())
        sql += on_contacts ? " AND ca.csm = '" + owner + "'" : " AND c.csm = '" + owner + "'";
      sql += " ORDER BY c.rowidx";
      std::vector<int64_t> want = db.Ints(sql);

      absl::StatusOr<CompiledPredicate> pred =
          CompiledPredicate::Compile(e.first, cur.schema, on_contacts ? "contacts" : "accounts");
      ASSERT_TRUE(pred.ok()) << pred.status() << "\n" << e.first;
      EvalOptions opts;
      ASSERT_TRUE(absl::ParseCivilTime(as_of, &opts.as_of));
      opts.history = &history;
      opts.threads = 1 + iter % 2;
      if (!owner.empty()) opts.owner = owner;
      absl::StatusOr<PredicateResult> got = pred->Evaluate(cur, opts);
      ASSERT_TRUE(got.ok()) << got.status() << "\n" << e.first;
      ASSERT_EQ(testing::Rows(got->rows), want) << e.first << "\nowner '" << owner << "'\n" << sql;
      ++checked;
    }
    EXPECT_EQ(checked, 120);
  }
}

}  // namespace
}  // namespace docket
