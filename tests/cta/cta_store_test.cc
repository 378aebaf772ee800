// The CTA store and sync (docket/cta.h): create, update, no duplicates,
// idempotence, auto-close, snooze, cooldown, owner-change policies, refusals
// (older as_of, limit, foreign / corrupt / newer files), concurrent claims;
// and the `ctas:` section's errors.
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "docket/csv.h"
#include "docket/cta.h"
#include "docket/rulebook.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

using ::testing::HasSubstr;

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

constexpr const char* kBook = R"(docket: 1
name: CTA test
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, name: string, csm: string, score: int, event_at: date}
lists:
  - id: low_score
    table: accounts
    when: score < 5
    limit: 1
  - id: events
    table: accounts
    when: event_at IS NOT NULL AND days_since(event_at) <= 7
on_owner_change: POLICY
ctas:
  - id: low
    list: low_score
    type: risk
    reason: Low score
    name: "Low score {score} at {name}"
    priority: high
    due: 3 days
    owner: {owner_or: pool}
    cooldown: 10 days
    action: Call them.
    tasks: [Call the sponsor, Log the call]
  - id: event
    list: events
    type: activity
    reason: Event
    owner: pool
    identity: [event_at]
    close: manual
)";

std::string TempPath(const std::string& name) {
  static int counter = 0;
  std::string dir = absl::StrCat(::testing::TempDir(), "/cta_store_test_", getpid());
  std::filesystem::create_directories(dir);
  std::string path = absl::StrCat(dir, "/", ++counter, "_", name);
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return path;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every row of every table of an SQLite file, as text (the store's state).
std::string Dump(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::string out;
  for (const char* table : {"docket_meta", "ctas", "cta_tasks", "cta_events"}) {
    sqlite3_stmt* s = nullptr;
    std::string sql = absl::StrCat("SELECT * FROM ", table, " ORDER BY 1, 2");
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    while (sqlite3_step(s) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(s); ++i) {
        const unsigned char* t = sqlite3_column_text(s, i);
        absl::StrAppend(&out, t == nullptr ? "NULL" : reinterpret_cast<const char*>(t), "|");
      }
      out += "\n";
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

class CtaSync : public ::testing::Test {
 protected:
  void Load(const std::string& policy = "move_open") {
    absl::StatusOr<Rulebook> book =
        Rulebook::FromYaml(absl::StrReplaceAll(kBook, {{"POLICY", policy}}), "ctas.yaml");
    ASSERT_TRUE(book.ok()) << book.status();
    book_ = *book;
    absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(book_);
    ASSERT_TRUE(c.ok()) << c.status();
    compiled_ = std::make_unique<CompiledRulebook>(*c);
    path_ = TempPath("store.db");
    absl::StatusOr<CtaStore> store = CtaStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::make_unique<CtaStore>(*std::move(store));
  }
  void SetUp() override { Load(); }

  // accounts.csv text (header added).
  Snapshot Data(const std::string& rows) {
    Snapshot snap;
    snap.schema = book_.schema;
    absl::StatusOr<Table> t =
        ReadCsvString(absl::StrCat("id,name,csm,score,event_at\n", rows), "accounts.csv",
                      "accounts", book_.schema.FindTable("accounts"));
    EXPECT_TRUE(t.ok()) << t.status();
    EXPECT_TRUE(snap.AddTable(*std::move(t)).ok());
    return snap;
  }

  absl::StatusOr<CtaSyncReport> Sync(const std::string& rows, absl::CivilDay as_of,
                                     Limits limits = {}) {
    CtaSyncOptions o;
    o.as_of = as_of;
    o.limits = limits;
    o.by = "test";
    return store_->Sync(*compiled_, Data(rows), o);
  }

  CtaSyncReport MustSync(const std::string& rows, absl::CivilDay as_of) {
    absl::StatusOr<CtaSyncReport> r = Sync(rows, as_of);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : CtaSyncReport{};
  }

  std::vector<Cta> All() {
    CtaFilter f;
    f.status.reset();
    absl::StatusOr<std::vector<Cta>> all = store_->List(f);
    EXPECT_TRUE(all.ok()) << all.status();
    std::vector<Cta> out = all.ok() ? *all : std::vector<Cta>{};
    std::sort(out.begin(), out.end(), [](const Cta& a, const Cta& b) { return a.id < b.id; });
    return out;
  }

  Rulebook book_;
  std::unique_ptr<CompiledRulebook> compiled_;
  std::string path_;
  std::unique_ptr<CtaStore> store_;
};

// A1 (Alice) and A3 (no CSM) have low scores; A2 had an event 2 days ago.
constexpr const char* kDay1 =
    "A1,Acme,Alice,2,\n"
    "A2,Beta,Bob,9,2026-11-20\n"
    "A3,Core,,1,\n";

TEST_F(CtaSync, CreatesEveryMatchingRowRoutedAndDated) {
  CtaSyncReport r = MustSync(kDay1, D(2026, 11, 22));
  EXPECT_EQ(r.created, 3);  // The list's `limit: 1` hides no row from its CTAs.
  EXPECT_EQ(r.updated + r.closed + r.unchanged, 0);
  EXPECT_EQ(r.open, 3);
  ASSERT_EQ(r.ctas.size(), 3u);
  std::vector<Cta> all = All();
  ASSERT_EQ(all.size(), 3u);
  const Cta& a1 = all[0];
  EXPECT_EQ(a1.key, "A1");
  EXPECT_EQ(a1.name, "Low score 2 at Acme");
  EXPECT_EQ(a1.owner, "Alice");
  EXPECT_EQ(a1.queue, std::nullopt);
  EXPECT_EQ(a1.priority, "high");
  EXPECT_EQ(a1.due, D(2026, 11, 25));
  EXPECT_EQ(a1.created, D(2026, 11, 22));
  EXPECT_EQ(a1.status, CtaStatus::kOpen);
  const Cta& a3 = all[1];
  EXPECT_EQ(a3.key, "A3");
  EXPECT_EQ(a3.owner, std::nullopt);  // No CSM: the pool.
  EXPECT_EQ(a3.queue, "pool");
  const Cta& ev = all[2];
  EXPECT_EQ(ev.type, "activity");
  EXPECT_EQ(ev.name, "Event: A2");  // The default name.
  EXPECT_EQ(ev.queue, "pool");
  EXPECT_EQ(ev.due, std::nullopt);
  absl::StatusOr<CtaDetail> d = store_->Show(a1.id);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_EQ(d->cta.tasks.size(), 2u);
  EXPECT_EQ(d->cta.tasks[0].text, "Call the sponsor");
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0].event, "created");
  EXPECT_EQ(d->events[0].by, "test");
  EXPECT_EQ(d->events[0].as_of, D(2026, 11, 22));
  EXPECT_FALSE(d->events[0].wall_time.empty());
}

TEST_F(CtaSync, SecondSyncOfTheSameDayChangesNothing) {
  MustSync(kDay1, D(2026, 11, 22));
  std::string before = Dump(path_);
  CtaSyncReport r = MustSync(kDay1, D(2026, 11, 22));
  EXPECT_EQ(r.created, 0);
  EXPECT_EQ(r.updated, 0);
  EXPECT_EQ(r.closed, 0);
  EXPECT_EQ(r.unchanged, 3);
  EXPECT_TRUE(r.ctas.empty());
  EXPECT_EQ(Dump(path_), before);
}

TEST_F(CtaSync, UpdatesTheOpenCtaInsteadOfDuplicating) {
  MustSync(kDay1, D(2026, 11, 22));
  int64_t id = All()[0].id;
  CtaSyncReport r =
      MustSync("A1,Acme,Alice,3,\nA2,Beta,Bob,9,2026-11-20\nA3,Core,,1,\n", D(2026, 11, 23));
  EXPECT_EQ(r.created, 0);
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(r.unchanged, 2);
  ASSERT_EQ(r.ctas.size(), 1u);
  EXPECT_EQ(r.ctas[0].id, id);
  EXPECT_EQ(r.ctas[0].change, "updated");
  EXPECT_EQ(r.ctas[0].name, "Low score 3 at Acme");
  EXPECT_EQ(r.ctas[0].due, D(2026, 11, 25));  // The due date stays as raised.
  EXPECT_EQ(All().size(), 3u);
  absl::StatusOr<CtaDetail> d = store_->Show(id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->events.back().event, "updated");
  EXPECT_THAT(d->events.back().detail, HasSubstr("name"));
}

TEST_F(CtaSync, ClosesWhenTheRowLeavesTheListUnlessManual) {
  MustSync(kDay1, D(2026, 11, 22));
  // A1's score recovers; A2's event is 9 days old by now (manual: stays open).
  CtaSyncReport r =
      MustSync("A1,Acme,Alice,8,\nA2,Beta,Bob,9,2026-11-20\nA3,Core,,1,\n", D(2026, 11, 29));
  EXPECT_EQ(r.closed, 1);
  EXPECT_EQ(r.open, 2);
  std::vector<Cta> all = All();
  EXPECT_EQ(all[0].status, CtaStatus::kClosed);
  EXPECT_EQ(all[0].outcome, "resolved");
  EXPECT_EQ(all[0].closed, D(2026, 11, 29));
  EXPECT_EQ(all[2].status, CtaStatus::kOpen);  // close: manual.
  // A row missing from the snapshot has left the list too.
  r = MustSync("A2,Beta,Bob,9,2026-11-20\n", D(2026, 11, 30));
  EXPECT_EQ(r.closed, 1);
  EXPECT_EQ(All()[1].status, CtaStatus::kClosed);
}

TEST_F(CtaSync, SnoozeHoldsTheIdentityUntilItsDate) {
  MustSync(kDay1, D(2026, 11, 22));
  int64_t id = All()[0].id;
  ASSERT_TRUE(store_->Snooze(id, D(2026, 11, 27), "on holiday", {"Alice"}).ok());
  // Before its date: neither updated nor closed (the row left the list).
  CtaSyncReport r = MustSync("A1,Acme,Alice,8,\nA3,Core,,1,\n", D(2026, 11, 24));
  EXPECT_EQ(r.closed, 0);
  EXPECT_EQ(All()[0].status, CtaStatus::kSnoozed);
  r = MustSync("A1,Acme,Alice,4,\nA3,Core,,1,\n", D(2026, 11, 25));
  EXPECT_EQ(r.created, 0);
  EXPECT_EQ(r.skipped_snoozed, 1);
  EXPECT_EQ(All()[0].name, "Low score 2 at Acme");
  // On its date it reopens, and is updated like any open CTA.
  r = MustSync("A1,Acme,Alice,4,\nA3,Core,,1,\n", D(2026, 11, 27));
  EXPECT_EQ(r.reopened, 1);
  Cta c = All()[0];
  EXPECT_EQ(c.status, CtaStatus::kOpen);
  EXPECT_EQ(c.snoozed_until, std::nullopt);
  EXPECT_EQ(c.name, "Low score 4 at Acme");
  absl::StatusOr<CtaDetail> d = store_->Show(id);
  ASSERT_TRUE(d.ok());
  std::vector<std::string> events;
  for (const CtaEvent& e : d->events) events.push_back(e.event);
  EXPECT_THAT(events, ::testing::ElementsAre("created", "snoozed", "reopened", "updated"));
}

TEST_F(CtaSync, CooldownBlocksANewCtaForAClosedIdentity) {
  MustSync(kDay1, D(2026, 11, 22));
  MustSync("A1,Acme,Alice,8,\nA3,Core,,1,\n", D(2026, 11, 23));  // A1 closes (resolved).
  CtaSyncReport r = MustSync("A1,Acme,Alice,2,\nA3,Core,,1,\n", D(2026, 11, 30));
  EXPECT_EQ(r.created, 0);
  EXPECT_EQ(r.skipped_cooldown, 1);
  r = MustSync("A1,Acme,Alice,2,\nA3,Core,,1,\n", D(2026, 12, 3));  // 10 days after the close.
  EXPECT_EQ(r.created, 1);
  std::vector<Cta> all = All();
  EXPECT_EQ(std::count_if(all.begin(), all.end(), [](const Cta& c) { return c.key == "A1"; }), 2);
}

TEST_F(CtaSync, ManualCloseStartsTheCooldownToo) {
  MustSync(kDay1, D(2026, 11, 22));
  ASSERT_TRUE(store_->Close(All()[0].id, "called", {"Alice"}).ok());
  CtaSyncReport r = MustSync(kDay1, D(2026, 11, 23));
  EXPECT_EQ(r.created, 0);
  EXPECT_EQ(r.skipped_cooldown, 1);
}

TEST_F(CtaSync, OwnerChangeMoveOpen) {
  MustSync(kDay1, D(2026, 11, 22));
  // A1 goes from Alice to Bob; A3 (pool) gets Carol.
  CtaSyncReport r =
      MustSync("A1,Acme,Bob,2,\nA2,Beta,Bob,9,2026-11-20\nA3,Core,Carol,1,\n", D(2026, 11, 23));
  EXPECT_EQ(r.moved, 2);
  EXPECT_EQ(r.updated, 2);
  std::vector<Cta> all = All();
  EXPECT_EQ(all[0].owner, "Bob");
  EXPECT_EQ(all[1].owner, "Carol");
  EXPECT_EQ(all[1].queue, std::nullopt);
  EXPECT_EQ(all[2].queue, "pool");  // `owner: pool` does not follow the account.
  absl::StatusOr<CtaDetail> d = store_->Show(all[0].id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->events.back().event, "reassigned");
  EXPECT_EQ(d->events.back().from, "Alice");
  EXPECT_EQ(d->events.back().to, "Bob");
  EXPECT_THAT(d->events.back().detail, HasSubstr("move_open"));
  // Logged once: the next sync sees nothing new.
  r = MustSync("A1,Acme,Bob,2,\nA2,Beta,Bob,9,2026-11-20\nA3,Core,Carol,1,\n", D(2026, 11, 23));
  EXPECT_EQ(r.moved, 0);
  EXPECT_EQ(r.updated, 0);
}

TEST_F(CtaSync, OwnerChangeMoveNoneKeepsButLogs) {
  Load("move_none");
  MustSync(kDay1, D(2026, 11, 22));
  CtaSyncReport r =
      MustSync("A1,Acme,Bob,2,\nA2,Beta,Bob,9,2026-11-20\nA3,Core,,1,\n", D(2026, 11, 23));
  EXPECT_EQ(r.moved, 0);
  Cta c = All()[0];
  EXPECT_EQ(c.owner, "Alice");
  absl::StatusOr<CtaDetail> d = store_->Show(c.id);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->events.back().event, "updated");
  EXPECT_THAT(d->events.back().detail, HasSubstr("move_none"));
  r = MustSync("A1,Acme,Bob,2,\nA2,Beta,Bob,9,2026-11-20\nA3,Core,,1,\n", D(2026, 11, 24));
  EXPECT_EQ(r.updated, 0);  // Logged once.
}

TEST_F(CtaSync, OwnerChangeMoveAllMovesClosedCtasToo) {
  Load("move_all");
  MustSync(kDay1, D(2026, 11, 22));
  int64_t first = All()[0].id;
  ASSERT_TRUE(store_->Close(first, "done", {"Alice"}).ok());
  // A new low-score CTA for A1 after the cooldown, still Alice's.
  CtaSyncReport r = MustSync(kDay1, D(2026, 12, 5));
  ASSERT_EQ(r.created, 1);
  r = MustSync("A1,Acme,Bob,2,\nA2,Beta,Bob,9,2026-11-20\nA3,Core,,1,\n", D(2026, 12, 6));
  EXPECT_EQ(r.moved, 2);  // The open one and the closed one.
  for (const Cta& c : All()) {
    if (c.key == "A1") {
      EXPECT_EQ(c.owner, "Bob") << c.id;
    }
  }
}

TEST_F(CtaSync, PreviousOwnersFromHistoryAreUsedWhenGiven) {
  MustSync(kDay1, D(2026, 11, 22));
  CtaSyncOptions o;
  o.as_of = D(2026, 11, 23);
  o.previous_owners["accounts"]["A1"] = std::string("Alice");
  absl::StatusOr<CtaSyncReport> r =
      store_->Sync(*compiled_, Data("A1,Acme,Dana,2,\nA2,Beta,Bob,9,2026-11-20\nA3,Core,,1,\n"), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->moved, 1);
  EXPECT_EQ(All()[0].owner, "Dana");
}

TEST_F(CtaSync, PreviousOwnersNeverApplyAChangeTwice) {
  Load("move_none");  // The policy that logs every change it sees.
  MustSync(kDay1, D(2026, 11, 22));
  CtaSyncOptions o;
  o.as_of = D(2026, 11, 23);
  o.previous_owners["accounts"]["A1"] = std::string("Alice");  // What a previous snapshot says.
  Snapshot moved = Data("A1,Acme,Dana,2,\nA2,Beta,Bob,9,2026-11-20\nA3,Core,,1,\n");
  absl::StatusOr<CtaSyncReport> r = store_->Sync(*compiled_, moved, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->updated, 1);
  std::string after_first = Dump(path_);
  // The same data, as_of and previous owners again: the store already
  // recorded Dana, so nothing is logged or written a second time.
  r = store_->Sync(*compiled_, moved, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->updated, 0);
  EXPECT_EQ(Dump(path_), after_first);
}

TEST_F(CtaSync, HistoryFeedsTheTriggerLists) {
  // A rule that reads the past raises a CTA only with a history, and the
  // run's note says why when there is none.
  absl::StatusOr<Rulebook> book = Rulebook::FromYaml(R"(docket: 1
name: h
lists:
  - id: dropped
    table: accounts
    when: pct_change(score) < -0.5
ctas:
  - id: drop
    list: dropped
    type: risk
    reason: Score dropped
tables:
  accounts: {key: id, owner: csm, columns: {id: string, name: string, csm: string, score: int, event_at: date}}
)",
                                                     "h.yaml");
  ASSERT_TRUE(book.ok()) << book.status();
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  CtaSyncOptions o;
  o.as_of = D(2026, 11, 22);
  absl::StatusOr<CtaSyncReport> r = store_->Sync(*compiled, Data(kDay1), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->created, 0);
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_THAT(r->notes[0], HasSubstr("no history"));
  History history;
  ASSERT_TRUE(
      history.Add(D(2026, 11, 15), Data("A1,Acme,Alice,9,\nA2,Beta,Bob,9,\nA3,Core,,9,\n")).ok());
  o.history = &history;
  r = store_->Sync(*compiled, Data(kDay1), o);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> keys;
  for (const Cta& c : r->ctas) keys.push_back(c.key);
  EXPECT_EQ(r->created, static_cast<int64_t>(keys.size()));
  EXPECT_EQ(keys, (std::vector<std::string>{"A1", "A3"}));
  r = store_->Sync(*compiled, Data(kDay1), o);  // Idempotent with history too.
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->created + r->updated + r->closed, 0);
}

TEST_F(CtaSync, OlderAsOfIsRefused) {
  MustSync(kDay1, D(2026, 11, 22));
  std::string before = Dump(path_);
  absl::StatusOr<CtaSyncReport> r = Sync(kDay1, D(2026, 11, 21));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("older than the store's latest sync (2026-11-22)"));
  EXPECT_EQ(Dump(path_), before);
}

TEST_F(CtaSync, LimitIsCheckedBeforeWriting) {
  std::string before = Dump(path_);
  Limits limits;
  limits.max_ctas_per_sync = 2;
  absl::StatusOr<CtaSyncReport> r = Sync(kDay1, D(2026, 11, 22), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(r.status().message(), HasSubstr("max_ctas_per_sync = 2"));
  EXPECT_THAT(r.status().message(), HasSubstr("would create 3 CTAs"));
  EXPECT_EQ(Dump(path_), before);
  absl::StatusOr<std::optional<absl::CivilDay>> latest = store_->LatestSync();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest, std::nullopt);
}

TEST_F(CtaSync, ClaimOnlyFromAQueueAndTheLogSaysWho) {
  MustSync(kDay1, D(2026, 11, 22));
  std::vector<Cta> all = All();
  absl::StatusOr<Cta> mine =
      store_->Claim(all[0].id, "Dana", {"Dana"});  // Alice's, not in a queue.
  ASSERT_FALSE(mine.ok());
  EXPECT_THAT(mine.status().message(), HasSubstr("already claimed by Alice"));
  absl::StatusOr<Cta> c = store_->Claim(all[1].id, "Dana", {"Dana"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->owner, "Dana");
  EXPECT_EQ(c->queue, std::nullopt);
  absl::StatusOr<Cta> again = store_->Claim(all[1].id, "Eve", {"Eve"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("already claimed by Dana"));
  absl::StatusOr<Cta> moved = store_->Reassign(all[1].id, "Eve", {"Dana"});
  ASSERT_TRUE(moved.ok()) << moved.status();
  absl::StatusOr<CtaDetail> d = store_->Show(all[1].id);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->events.size(), 3u);
  EXPECT_EQ(d->events[1].event, "claimed");
  EXPECT_EQ(d->events[1].from, "queue pool");
  EXPECT_EQ(d->events[2].event, "reassigned");
  EXPECT_EQ(d->events[2].from, "Dana");
  EXPECT_EQ(d->events[2].to, "Eve");
  EXPECT_EQ(store_->Claim(999, "x").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Show(999).status().code(), absl::StatusCode::kNotFound);
  // The event log is append-only.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM cta_events", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE cta_events SET actor = 'x'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

TEST_F(CtaSync, ConcurrentClaimsOneWins) {
  MustSync(kDay1, D(2026, 11, 22));
  int64_t id = All()[1].id;  // In the pool.
  {
    std::atomic<int> wins{0};
    std::vector<std::string> errors(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        absl::StatusOr<CtaStore> s = CtaStore::Open(path_);
        if (!s.ok()) {
          errors[t] = std::string(s.status().message());
          return;
        }
        absl::StatusOr<Cta> c = s->Claim(id, absl::StrCat("csm", t), {absl::StrCat("csm", t)});
        if (c.ok()) {
          ++wins;
        } else {
          errors[t] = std::string(c.status().message());
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1);
    std::string winner = *All()[1].owner;
    for (const std::string& e : errors) {
      if (!e.empty()) {
        EXPECT_THAT(e, HasSubstr(absl::StrCat("already claimed by ", winner)));
      }
    }
  }
}

TEST(CtaStoreFile, RefusesFilesThatAreNotDocketsAndNeverWritesThem) {
  // A text file.
  std::string text = TempPath("notes.txt");
  std::ofstream(text) << "id,name\nA1,Acme\n";
  // Another application's SQLite database.
  std::string other = TempPath("other.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }
  // A corrupt file: SQLite's header, then garbage.
  std::string corrupt = TempPath("corrupt.db");
  {
    std::string bytes("SQLite format 3\0", 16);
    for (int i = 0; i < 8192; ++i) bytes.push_back(static_cast<char>((i * 7919) & 0xff));
    std::ofstream(corrupt, std::ios::binary) << bytes;
  }
  for (const std::string& path : {text, other, corrupt}) {
    std::string before = ReadBytes(path);
    absl::StatusOr<CtaStore> s = CtaStore::Open(path);
    ASSERT_FALSE(s.ok()) << path;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition) << s.status();
    EXPECT_THAT(s.status().message(), HasSubstr(path));
    EXPECT_EQ(ReadBytes(path), before) << path;
  }
  EXPECT_THAT(CtaStore::Open(text).status().message(), HasSubstr("not an SQLite database"));
  EXPECT_THAT(CtaStore::Open(other).status().message(), HasSubstr("not a docket CTA store"));
  // A missing file is created only when asked to.
  CtaStoreOptions no_create;
  no_create.create = false;
  std::string missing = TempPath("missing.db");
  EXPECT_EQ(CtaStore::Open(missing, no_create).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST(CtaStoreFile, RefusesANewerSchemaVersion) {
  std::string path = TempPath("newer.db");
  { ASSERT_TRUE(CtaStore::Open(path).ok()); }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 7", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  absl::StatusOr<CtaStore> s = CtaStore::Open(path);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(),
              HasSubstr("newer docket (store schema version 7; this docket reads up to 1)"));
  // Reopening a current store works (and migrates nothing).
  std::string ok = TempPath("ok.db");
  ASSERT_TRUE(CtaStore::Open(ok).ok());
  ASSERT_TRUE(CtaStore::Open(ok).ok());
}

// A CTA over a child table: its name reads a parent field the list shows, and
// its owner is the account's (the tasks table has no owner column).
TEST(CtaChildTable, ParentFieldsInNamesAndOwnerThroughTheParent) {
  constexpr const char* kChildBook = R"(docket: 1
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, name: string, csm: string}
  tasks:
    key: id
    parent: {table: accounts, via: account_id, as: account}
    columns: {id: string, account_id: string, title: string, overdue: bool}
lists:
  - id: overdue_tasks
    table: tasks
    when: overdue
    show: [title, account.name]
    limit: 1
ctas:
  - {id: chase, list: overdue_tasks, type: activity, reason: Overdue task, name: "{account.name}: {title}"}
)";
  absl::StatusOr<Rulebook> book = Rulebook::FromYaml(kChildBook, "child.yaml");
  ASSERT_TRUE(book.ok()) << book.status();
  absl::StatusOr<CompiledRulebook> compiled = CompiledRulebook::Compile(*book);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  Snapshot snap;
  snap.schema = book->schema;
  absl::StatusOr<Table> accounts =
      ReadCsvString("id,name,csm\nA1,Acme,Alice\nA2,Beta,\n", "accounts.csv", "accounts",
                    book->schema.FindTable("accounts"));
  absl::StatusOr<Table> tasks = ReadCsvString(
      "id,account_id,title,overdue\nT1,A1,Call,true\nT2,A2,Mail,true\nT3,A1,Plan,false\n",
      "tasks.csv", "tasks", book->schema.FindTable("tasks"));
  ASSERT_TRUE(accounts.ok() && tasks.ok());
  ASSERT_TRUE(snap.AddTable(*std::move(accounts)).ok());
  ASSERT_TRUE(snap.AddTable(*std::move(tasks)).ok());
  absl::StatusOr<CtaStore> store = CtaStore::Open(TempPath("child.db"));
  ASSERT_TRUE(store.ok()) << store.status();
  CtaSyncOptions o;
  o.as_of = D(2026, 11, 22);
  absl::StatusOr<CtaSyncReport> r = store->Sync(*compiled, snap, o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->created, 2);  // Both overdue tasks, though the list shows one.
  EXPECT_EQ(r->ctas[0].name, "Acme: Call");
  EXPECT_EQ(r->ctas[0].owner, "Alice");
  EXPECT_EQ(r->ctas[1].name, "Beta: Mail");
  EXPECT_EQ(r->ctas[1].owner, std::nullopt);
  // A parent field the list does not show is a compile error with a hint.
  std::string text =
      absl::StrReplaceAll(kChildBook, {{"show: [title, account.name]", "show: [title]"}});
  absl::StatusOr<Rulebook> unshown = Rulebook::FromYaml(text, "child.yaml");
  ASSERT_TRUE(unshown.ok());
  absl::StatusOr<CompiledRulebook> bad = CompiledRulebook::Compile(*unshown);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr("unknown column 'account.name' in the name of CTA 'chase'"));
  EXPECT_THAT(bad.status().message(), HasSubstr("add it to its 'show'"));
}

// ---------------------------------------------------------------- The rulebook side --

std::string BookError(const std::string& ctas, const std::string& extra_list_keys = "") {
  std::string text = absl::StrCat(R"(docket: 1
tables:
  accounts:
    key: id
    owner: csm
    columns: {id: string, name: string, csm: string, score: int}
lists:
  - id: low_score
    table: accounts
    when: score < 5
)",
                                  extra_list_keys, "ctas:\n", ctas);
  absl::StatusOr<Rulebook> book = Rulebook::FromYaml(text, "book.yaml");
  if (!book.ok()) return std::string(book.status().message());
  absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(*book);
  if (!c.ok()) return std::string(c.status().message());
  return "ok";
}

TEST(CtaSpecErrors, PointAtTheMistakeWithAHint) {
  EXPECT_EQ(BookError("  - {id: a, list: low_score, type: risk, reason: Low}\n"), "ok");
  EXPECT_THAT(BookError("  - {id: a, list: low_scor, type: risk, reason: Low}\n"),
              HasSubstr("book.yaml:12:19: CTA 'a' is raised by unknown list 'low_scor' — did you "
                        "mean 'low_score'?"));
  EXPECT_THAT(
      BookError("  - {id: a, list: low_score, type: risk, reason: Low, name: \"At {nmae}\"}\n"),
      HasSubstr("book.yaml:12:66: unknown column 'nmae' in the name of CTA 'a'"));
  EXPECT_THAT(
      BookError("  - {id: a, list: low_score, type: risk, reason: Low, name: \"At {nmae}\"}\n"),
      HasSubstr("did you mean 'name'?"));
  EXPECT_THAT(BookError("  - {id: a, list: low_score, type: risk, reason: Low, priority: hihg}\n"),
              HasSubstr("book.yaml:12:65: unknown priority 'hihg' — did you mean 'high'?"));
  EXPECT_THAT(
      BookError("  - {id: a, list: low_score, type: risk, reason: Low, close: when_exit}\n"),
      HasSubstr("did you mean 'when_exits'?"));
  EXPECT_THAT(BookError("  - {id: a, list: low_score, type: risk, reason: Low, due: soon}\n"),
              HasSubstr("'due: soon' is not a number of days"));
  EXPECT_THAT(
      BookError("  - {id: a, list: low_score, type: risk, reason: Low, owner: {onwer_or: pool}}\n"),
      HasSubstr("did you mean 'owner_or'?"));
  EXPECT_THAT(
      BookError("  - {id: a, list: low_score, type: risk, reason: Low, identity: [scroe]}\n"),
      HasSubstr("unknown column 'scroe' in the identity of CTA 'a'"));
  EXPECT_THAT(BookError("  - {id: a, list: low_score, type: risk, reason: Low, prority: high}\n"),
              HasSubstr("unknown key 'prority' in CTA 'a' — did you mean 'priority'?"));
  EXPECT_THAT(BookError("  - {id: a, list: low_score, type: risk}\n"),
              HasSubstr("missing required key 'reason'"));
  EXPECT_THAT(BookError("  - {id: a, list: low_score, type: risk, reason: Low}\n"
                        "  - {id: b, list: low_score, type: risk, reason: Low}\n"),
              HasSubstr("CTA 'b' has the same type and reason as CTA 'a'"));
  EXPECT_THAT(BookError("  - {id: a, list: low_score, type: risk, reason: Low, name: \"{name\"}\n"),
              HasSubstr("unclosed '{'"));
  EXPECT_THAT(BookError("  - {id: a, list: low_score, type: risk, reason: Low}\n",
                        "on_owner_change: move_opne\n"),
              HasSubstr("unknown on_owner_change policy 'move_opne' — did you mean 'move_open'?"));
}

}  // namespace
}  // namespace docket
