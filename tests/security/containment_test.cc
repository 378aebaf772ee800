// Containment and determinism: nothing a rule says reaches the file system,
// the environment, the network or a shell; owner scope cannot be escaped;
// results are identical across thread counts; one compiled rulebook is
// evaluated from 8 threads over one shared snapshot (ThreadSanitizer runs
// this file: `make sanitize` selects ConcurrencyTest).
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "docket/builder.h"
#include "docket/csv.h"
#include "docket/program.h"
#include "docket/rulebook.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace docket {
namespace {

using ::testing::HasSubstr;

TableSchema Accounts() {
  TableSchema t;
  t.name = "accounts";
  t.key = "id";
  t.owner = "csm";
  t.columns = {{"id", DataType::String(), {}},
               {"csm", DataType::String(), {}},
               {"n", DataType::Int(), {}},
               {"s", DataType::String(), {}}};
  return t;
}

Table MakeAccounts(int rows) {
  ColumnBuilder id(DataType::String()), csm(DataType::String()), n(DataType::Int()),
      s(DataType::String());
  const char* owners[] = {"alice", "bob", "carol"};
  for (int i = 0; i < rows; ++i) {
    id.AppendString("a" + std::to_string(i));
    if (i % 7 == 3) {
      csm.AppendNull();
    } else {
      csm.AppendString(owners[i % 3]);
    }
    n.AppendInt(i);
    s.AppendString(i % 2 ? "/etc/passwd" : "alice");
  }
  std::vector<Column> cols;
  cols.push_back(std::move(id).Finish());
  cols.push_back(std::move(csm).Finish());
  cols.push_back(std::move(n).Finish());
  cols.push_back(std::move(s).Finish());
  absl::StatusOr<Table> t = Table::Make(Accounts(), std::move(cols));
  EXPECT_TRUE(t.ok()) << t.status();
  return *std::move(t);
}

TEST(ContainmentTest, NoFunctionReachesOutside) {
  for (const char* fn :
       {"read_file('/etc/passwd') = ''", "file('/etc/passwd') = ''", "env('HOME') = ''",
        "getenv('HOME') = ''", "system('ls') = 0", "shell('ls') = 0", "exec('ls') = 0",
        "http_get('http://example.com') = ''", "url('http://x') = ''", "load('x') = ''",
        "include('x') = ''", "import('os') = ''", "now() > today", "random() > 0"}) {
    absl::StatusOr<CompiledPredicate> p = CompiledPredicate::Compile(fn, Accounts());
    ASSERT_FALSE(p.ok()) << fn;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << fn;
    EXPECT_THAT(std::string(p.status().message()), HasSubstr("unknown function")) << fn;
  }
}

TEST(ContainmentTest, APathIsJustAString) {
  Table t = MakeAccounts(10);
  absl::StatusOr<CompiledPredicate> p = CompiledPredicate::Compile(
      "s = '/etc/passwd' OR s MATCHES '^/etc/' OR s LIKE '%passwd'", Accounts());
  ASSERT_TRUE(p.ok()) << p.status();
  EvalOptions o;
  o.as_of = absl::CivilDay(2026, 11, 22);
  absl::StatusOr<PredicateResult> r = p->EvaluateTable(t, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 5);
}

TEST(ContainmentTest, RulebookCannotNameAFile) {
  const std::string head = "docket: 1\ntables: {t: {key: id, columns: {id: string}}}\n";
  for (const char* tz :
       {"/etc/passwd", "../../../../usr/share/zoneinfo/UTC", "/usr/share/zoneinfo/UTC",
        "/dev/stdin", "America/../../../../etc/passwd"}) {
    absl::StatusOr<Rulebook> b =
        Rulebook::FromYaml(head + "time_zone: \"" + tz + "\"\n", "tz.yaml");
    ASSERT_FALSE(b.ok()) << tz;
    EXPECT_THAT(std::string(b.status().message()), HasSubstr("tz.yaml:3")) << tz;
  }
  for (const char* key :
       {"include: /etc/passwd", "import: other.yaml", "data: /etc", "command: ls"}) {
    EXPECT_FALSE(Rulebook::FromYaml(head + key + "\n", "k.yaml").ok()) << key;
  }
}

TEST(ContainmentTest, OwnerScopeCannotBeEscaped) {
  Table t = MakeAccounts(5000);
  Snapshot snap;
  ASSERT_TRUE(snap.AddTable(t).ok());
  for (const char* e :
       {"TRUE", "n >= 0 OR n < 0 OR n IS NULL", "csm = 'bob' OR csm IS NULL OR csm != 'alice'",
        "NOT (csm = 'alice')", "coalesce(csm, 'alice') = 'alice' OR TRUE", "csm IS NULL"}) {
    absl::StatusOr<CompiledPredicate> p = CompiledPredicate::Compile(e, Accounts());
    ASSERT_TRUE(p.ok()) << e << p.status();
    EvalOptions o;
    o.as_of = absl::CivilDay(2026, 11, 22);
    o.owner = "alice";
    absl::StatusOr<PredicateResult> r = p->Evaluate(snap, o);
    ASSERT_TRUE(r.ok()) << r.status();
    const Column* csm = t.FindColumn("csm");
    for (int64_t i = 0; i < t.num_rows(); ++i) {
      if (r->rows.Get(i)) {
        ASSERT_FALSE(csm->IsNull(i)) << e << " row " << i;
        ASSERT_EQ(csm->StringAt(i), "alice") << e << " row " << i;
      }
    }
  }
}

// The shipped CSM hub over the shipped data.
struct Hub {
  CompiledRulebook book;
  Snapshot data;
};

absl::StatusOr<Hub> LoadHub() {
  absl::StatusOr<Rulebook> rb =
      Rulebook::Load(DOCKET_SOURCE_DIR "/examples/rulebooks/csm_hub.yaml");
  if (!rb.ok()) return rb.status();
  absl::StatusOr<CompiledRulebook> c = CompiledRulebook::Compile(*rb);
  if (!c.ok()) return c.status();
  absl::StatusOr<Snapshot> snap =
      ReadCsvDirectory(DOCKET_SOURCE_DIR "/examples/data", &c->schema());
  if (!snap.ok()) return snap.status();
  return Hub{*std::move(c), *std::move(snap)};
}

std::string Fingerprint(const RulebookResult& r) {
  std::string out;
  for (const ListResult& l : r.lists) {
    out += l.id + ":" + std::to_string(l.count) + ":";
    for (const std::string& k : l.Keys()) out += k + ",";
    out += "\n";
  }
  for (const KpiResult& k : r.kpis) {
    out += k.id + "=" + k.value.ToString() + ";";
    for (const auto& [owner, v] : k.groups) out += owner + ":" + v.ToString() + ",";
    out += "\n";
  }
  return out;
}

TEST(ConcurrencyTest, ResultsIdenticalAcrossThreadCounts) {
  absl::StatusOr<Hub> hub = LoadHub();
  ASSERT_TRUE(hub.ok()) << hub.status();
  for (std::optional<std::string> owner :
       {std::optional<std::string>(), std::optional<std::string>("Alice Chen")}) {
    std::string first;
    for (int threads : {1, 2, 8}) {
      RunOptions run;
      run.as_of = absl::CivilDay(2026, 11, 22);
      run.threads = threads;
      run.owner = owner;
      absl::StatusOr<RulebookResult> r = hub->book.Evaluate(hub->data, run);
      ASSERT_TRUE(r.ok()) << r.status();
      std::string fp = Fingerprint(*r);
      if (threads == 1) {
        first = fp;
      } else {
        EXPECT_EQ(fp, first) << "threads " << threads;
      }
    }
  }
}

TEST(ConcurrencyTest, EightThreadsEvaluateOneCompiledRulebook) {
  absl::StatusOr<Hub> hub = LoadHub();
  ASSERT_TRUE(hub.ok()) << hub.status();
  RunOptions run;
  run.as_of = absl::CivilDay(2026, 11, 22);
  run.threads = 1;
  absl::StatusOr<RulebookResult> base = hub->book.Evaluate(hub->data, run);
  ASSERT_TRUE(base.ok());
  const std::string want = Fingerprint(*base);
  std::vector<std::string> got(8);
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      for (int k = 0; k < 3; ++k) {
        RunOptions mine = run;
        mine.threads = 1 + (t + k) % 3;  // Some evaluations are themselves multi-threaded.
        absl::StatusOr<RulebookResult> r = hub->book.Evaluate(hub->data, mine);
        got[t] = r.ok() ? Fingerprint(*r) : std::string(r.status().message());
        if (got[t] != want) return;
      }
    });
  }
  for (std::thread& w : workers) w.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(got[t], want) << "thread " << t;
}

}  // namespace
}  // namespace docket
