// Differential test of related records against SQLite's correlated
// subqueries.
//
// Three random tables, each row of a child pointing at its parent:
//   p  (key id int, owner)        parent
//   c  (key id string, pid → p)   child, as `par` from c
//   g  (key id int, cid → c)      grandchild, as `ch` from g
// with NULLs everywhere, orphans (keys the parent does not have), NULL parent
// keys and parents without children.  Random predicates over each table mix
// its own columns, parent fields (`par.p_i`, `ch.par.p_d`), and aggregates
// over children and grandchildren (`exists`, `count`, `sum`, `avg`, `min`,
// `max`, nested to two levels, with correlated WHEREs such as
// `c_i > par.p_i`).  Each is printed in docket and as SQL:
//
//   exists(c WHERE φ)      EXISTS (SELECT 1 FROM c AS c1 WHERE c1.pid = p0.id AND (φ))
//   count(c.c_s WHERE φ)   (SELECT count(c1.c_s) FROM c AS c1 WHERE c1.pid = p0.id AND (φ))
//   count(g WHERE φ)       (SELECT count(*) FROM g AS g1 JOIN c AS c2 ON c2.id = g1.cid
//                            WHERE c2.pid = p0.id AND (φ))
//   par.p_i                (SELECT p1.p_i FROM p AS p1 WHERE p1.id = c0.pid)
//
// and every row's TRUE / FALSE / NULL must agree.  A third of the cases run
// with an owner: docket's rows must be the SQL rows that are TRUE and whose
// owner (through the parents) is that owner.
//
//   make test                                                        # 4,000 predicates, fixed seed
//   DOCKET_RELATED_ITERATIONS=50000 build/tests/related_differential_test
//   DOCKET_RELATED_SEED=7 build/tests/related_differential_test
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "docket/builder.h"
#include "docket/program.h"
#include "gtest/gtest.h"
#include "lang/differential_expr.h"

// GCC 12 with -O2 -fsanitize=thread reports EvalOptions::owner (an optional
// string) as maybe-uninitialized in this test's body; it is initialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace docket {
namespace {

using difftest::DaysOf;
using difftest::Rng;

enum class K { kInt, kFloat, kString, kDate, kBool };

struct Cell {
  bool null = false;
  int64_t i = 0;
  double f = 0;
  std::string s;
};

struct Col {
  std::string name;
  K kind;
  std::vector<Cell> cells;
};

struct Tab {
  std::string name;
  std::vector<Col> cols;  // cols[0] is the key; for c and g cols[1] is the parent key.
  int64_t rows = 0;
  const Col* Find(const std::string& n) const {
    for (const Col& c : cols)
      if (c.name == n) return &c;
    return nullptr;
  }
};

const std::vector<std::string>& Pool() {
  static const auto* pool =
      new std::vector<std::string>{"", "a", "b", "ab", "red", "Red", "é", "日本", "x y", "it's"};
  return *pool;
}

std::string Sql(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    out += ch;
    if (ch == '\'') out += '\'';
  }
  return out + "'";
}

struct World {
  Tab p, c, g;
  int64_t today = 0;
};

Cell RandomCell(Rng& rng, K kind, int null_pct, int64_t today) {
  Cell x;
  x.null = rng.Percent(null_pct);
  if (x.null) return x;
  switch (kind) {
    case K::kInt:
      x.i = rng.Between(-5, 5);
      break;
    case K::kFloat:
      x.f = static_cast<double>(rng.Between(-40, 40)) / 4;
      break;  // Exact sums.
    case K::kString:
      x.s = rng.Pick(Pool());
      break;
    case K::kDate:
      x.i = today + rng.Between(-60, 60);
      break;
    case K::kBool:
      x.i = rng.Percent(50);
      break;
  }
  return x;
}

World RandomWorld(Rng& rng) {
  static const std::vector<int64_t> kParents = {1, 4, 30, 200, 200, 700, 700, 2100};
  static const std::vector<int> kNulls = {0, 10, 40};
  World w;
  w.today = DaysOf(2026, 11, 22) + rng.Between(-3, 3);
  const int64_t np = rng.Pick(kParents);
  const int64_t nc = rng.Percent(10) ? 0 : np * rng.Between(0, 3) + rng.Between(0, 3);
  const int64_t ng = rng.Percent(10) ? 0 : nc * rng.Between(0, 2) + rng.Between(0, 3);
  auto fill = [&](Tab* t, const std::string& name, int64_t rows,
                  std::vector<std::pair<std::string, K>> cols) {
    t->name = name;
    t->rows = rows;
    for (auto& [n, k] : cols) {
      Col col{n, k, {}};
      const int null_pct = rng.Pick(kNulls);
      for (int64_t r = 0; r < rows; ++r) col.cells.push_back(RandomCell(rng, k, null_pct, w.today));
      t->cols.push_back(std::move(col));
    }
  };
  // Keys: distinct, not in row order.
  std::vector<int64_t> pkeys;
  for (int64_t r = 0; r < np; ++r) pkeys.push_back(r * 3 + 7);
  for (int64_t r = np - 1; r > 0; --r) std::swap(pkeys[r], pkeys[rng.Below(r + 1)]);
  fill(&w.p, "p", np,
       {{"id", K::kInt},
        {"owner", K::kString},
        {"p_i", K::kInt},
        {"p_f", K::kFloat},
        {"p_s", K::kString},
        {"p_d", K::kDate}});
  for (int64_t r = 0; r < np; ++r) {
    w.p.cols[0].cells[r] = Cell{false, pkeys[r], 0, ""};
    static const std::vector<std::string> kOwners = {"alice", "bob", "carol"};
    w.p.cols[1].cells[r] =
        rng.Percent(10) ? Cell{true, 0, 0, ""} : Cell{false, 0, 0, rng.Pick(kOwners)};
  }
  fill(&w.c, "c", nc,
       {{"id", K::kString},
        {"pid", K::kInt},
        {"c_i", K::kInt},
        {"c_f", K::kFloat},
        {"c_s", K::kString},
        {"c_d", K::kDate},
        {"c_b", K::kBool}});
  const int orphan_pct = rng.Pick(std::vector<int>{0, 5, 30});
  for (int64_t r = 0; r < nc; ++r) {
    w.c.cols[0].cells[r] = Cell{false, 0, 0, "c" + std::to_string(nc - r)};
    Cell& pid = w.c.cols[1].cells[r];
    pid = Cell{};
    if (rng.Percent(orphan_pct)) {
      if (rng.Percent(50)) {
        pid.null = true;
      } else {
        pid.i = 5;  // No parent key is 5 (keys are 7, 10, 13, …).
      }
    } else {
      // Children grouped by parent most of the time, scattered otherwise.
      pid.i = rng.Percent(70) ? pkeys[std::min<int64_t>(np - 1, r * np / std::max<int64_t>(nc, 1))]
                              : pkeys[rng.Below(np)];
    }
  }
  fill(&w.g, "g", ng,
       {{"id", K::kInt}, {"cid", K::kString}, {"g_i", K::kInt}, {"g_s", K::kString}});
  for (int64_t r = 0; r < ng; ++r) {
    w.g.cols[0].cells[r] = Cell{false, r, 0, ""};
    Cell& cid = w.g.cols[1].cells[r];
    cid = Cell{};
    if (nc == 0 || rng.Percent(orphan_pct)) {
      cid.null = rng.Percent(50);
      cid.s = "zz";
    } else {
      cid.s = "c" + std::to_string(1 + rng.Below(nc));
    }
  }
  return w;
}

DataType TypeOf(K k) {
  switch (k) {
    case K::kInt:
      return DataType::Int();
    case K::kFloat:
      return DataType::Float();
    case K::kString:
      return DataType::String();
    case K::kDate:
      return DataType::Date();
    case K::kBool:
      return DataType::Bool();
  }
  return DataType::Bool();
}

Schema SchemaOf(const World& w) {
  Schema s;
  for (const Tab* t : {&w.p, &w.c, &w.g}) {
    TableSchema ts;
    ts.name = t->name;
    ts.key = "id";
    for (const Col& c : t->cols) ts.columns.push_back(ColumnSchema{c.name, TypeOf(c.kind), {}});
    s.tables.push_back(ts);
  }
  s.tables[0].owner = "owner";
  s.tables[1].parent = ParentRelation{"p", "pid", "par", {}};
  s.tables[2].parent = ParentRelation{"c", "cid", "ch", {}};
  return s;
}

Snapshot SnapshotOf(const World& w, Rng& rng) {
  Schema schema = SchemaOf(w);
  Snapshot snap;
  snap.schema = schema;
  int ti = 0;
  for (const Tab* t : {&w.p, &w.c, &w.g}) {
    std::vector<Column> cols;
    for (const Col& c : t->cols) {
      StringEncoding enc = rng.Percent(50) ? StringEncoding::kDictionary : StringEncoding::kPlain;
      ColumnBuilder b(TypeOf(c.kind), enc);
      for (const Cell& x : c.cells) {
        if (x.null) {
          b.AppendNull();
          continue;
        }
        switch (c.kind) {
          case K::kInt:
            b.AppendInt(x.i);
            break;
          case K::kFloat:
            b.AppendFloat(x.f);
            break;
          case K::kString:
            b.AppendString(x.s);
            break;
          case K::kDate:
            b.AppendDate(static_cast<int32_t>(x.i));
            break;
          case K::kBool:
            b.AppendBool(x.i != 0);
            break;
        }
      }
      cols.push_back(std::move(b).Finish());
    }
    absl::StatusOr<Table> table = Table::Make(schema.tables[ti++], std::move(cols));
    EXPECT_TRUE(table.ok()) << table.status();
    EXPECT_TRUE(snap.AddTable(*std::move(table)).ok());
  }
  return snap;
}

// ---------------------------------------------------------------------------
// SQLite.

class Db {
 public:
  explicit Db(const World& w) {
    sqlite3_open(":memory:", &db_);
    for (const Tab* t : {&w.p, &w.c, &w.g}) {
      std::string ddl = "CREATE TABLE " + t->name + " (";
      for (size_t i = 0; i < t->cols.size(); ++i) ddl += (i ? ", " : "") + t->cols[i].name;
      Exec(ddl + ")");
      Exec("BEGIN");
      for (int64_t r = 0; r < t->rows; ++r) {
        std::string row = "INSERT INTO " + t->name + " VALUES (";
        for (size_t i = 0; i < t->cols.size(); ++i) {
          const Cell& x = t->cols[i].cells[r];
          row += i ? ", " : "";
          if (x.null) {
            row += "NULL";
          } else if (t->cols[i].kind == K::kString) {
            row += Sql(x.s);
          } else if (t->cols[i].kind == K::kFloat) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.17g", x.f);
            row += buf;
            if (std::string(buf).find_first_of(".e") == std::string::npos) row += ".0";
          } else {
            row += std::to_string(x.i);
          }
        }
        Exec(row + ")");
      }
      Exec("COMMIT");
    }
    Exec("CREATE INDEX c_pid ON c(pid)");
    Exec("CREATE INDEX c_id ON c(id)");
    Exec("CREATE INDEX g_cid ON g(cid)");
    Exec("CREATE INDEX p_id ON p(id)");
  }
  ~Db() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      ADD_FAILURE() << sql.substr(0, 200) << ": " << (err ? err : "?");
      sqlite3_free(err);
    }
  }
  // One value per row of `table` (rowid order): -1 NULL, 0, 1.
  bool Column(const std::string& select, std::vector<int8_t>* out, std::string* err) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, select.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      *err = sqlite3_errmsg(db_);
      return false;
    }
    out->clear();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      out->push_back(sqlite3_column_type(st, 0) == SQLITE_NULL ? -1
                                                               : sqlite3_column_int64(st, 0) != 0);
    }
    if (rc != SQLITE_DONE) *err = sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
  }

 private:
  sqlite3* db_ = nullptr;
};

// ---------------------------------------------------------------------------
// Predicates.

struct Expr {
  std::string docket;
  std::string sql;
};

// A segment: its docket text, and its SQL with kSegAlias standing for the
// row it is evaluated on.
struct Segment {
  std::string name;
  std::string docket;
  std::string sql;
};
const char kSegAlias[] = "SEGROW";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

class Gen {
 public:
  // Segment texts use their own alias numbers (from 1000) so that, inlined
  // into a query, their subqueries never shadow the query's aliases.
  Gen(Rng* rng, const World* w, const Segment* seg_p = nullptr, const Segment* seg_c = nullptr,
      int first_alias = 0)
      : rng_(*rng), w_(*w), seg_p_(seg_p), seg_c_(seg_c), aliases_(first_alias) {}

  // A predicate over `table`, whose current row is `alias` in SQL.
  Expr Bool(const Tab& t, const std::string& alias, int depth) {
    const int pick = static_cast<int>(rng_.Below(depth >= 3 ? 3 : 10));
    if (pick == 0 || pick == 1 || pick == 2) return Leaf(t, alias, depth);
    if (pick == 3) {
      Expr a = Bool(t, alias, depth + 1);
      return {"NOT (" + a.docket + ")", "NOT (" + a.sql + ")"};
    }
    if (pick == 4 || pick == 5) {
      Expr a = Bool(t, alias, depth + 1), b = Bool(t, alias, depth + 1);
      const char* op = pick == 4 ? " AND " : " OR ";
      return {"(" + a.docket + ")" + op + "(" + b.docket + ")",
              "(" + a.sql + ")" + op + "(" + b.sql + ")"};
    }
    if (&t == &w_.g) return Leaf(t, alias, depth);
    return Aggregate(t, alias, depth);
  }

 private:
  std::string Alias(const std::string& table) { return table + std::to_string(++aliases_); }

  // A value of one of `t`'s columns or a parent field (docket, sql, kind).
  struct Val {
    std::string docket, sql;
    K kind;
  };
  Val Value(const Tab& t, const std::string& alias) {
    // Own column, or up to two parents.
    int up = 0;
    if (&t == &w_.c && rng_.Percent(40)) up = 1;
    if (&t == &w_.g && rng_.Percent(50)) up = rng_.Percent(50) ? 1 : 2;
    const Tab* target = &t;
    std::string prefix, ref;
    if (up == 0) {
      ref = alias;
    } else if (&t == &w_.c) {
      target = &w_.p;
      prefix = "par.";
    } else if (up == 1) {
      target = &w_.c;
      prefix = "ch.";
    } else {
      target = &w_.p;
      prefix = "ch.par.";
    }
    const Col& col = target->cols[2 + rng_.Below(static_cast<int64_t>(target->cols.size()) - 2)];
    std::string sql;
    if (up == 0) {
      sql = alias + "." + col.name;
    } else if (&t == &w_.c) {
      std::string a = Alias("p");
      sql = "(SELECT " + a + "." + col.name + " FROM p AS " + a + " WHERE " + a + ".id = " + alias +
            ".pid)";
    } else if (up == 1) {
      std::string a = Alias("c");
      sql = "(SELECT " + a + "." + col.name + " FROM c AS " + a + " WHERE " + a + ".id = " + alias +
            ".cid)";
    } else {
      std::string a = Alias("p"), b = Alias("c");
      sql = "(SELECT " + a + "." + col.name + " FROM p AS " + a + " WHERE " + a + ".id = (SELECT " +
            b + ".pid FROM c AS " + b + " WHERE " + b + ".id = " + alias + ".cid))";
    }
    return {prefix + col.name, sql, col.kind};
  }

  std::string Literal(K k, std::string* sql) {
    if (rng_.Percent(5)) {
      *sql = "NULL";
      return "NULL";
    }
    switch (k) {
      case K::kInt: {
        std::string v = std::to_string(rng_.Between(-4, 4));
        *sql = v;
        return v;
      }
      case K::kFloat: {
        std::string v = std::to_string(rng_.Between(-30, 30)) + ".5";
        *sql = v;
        return v;
      }
      case K::kString: {
        std::string v = Sql(rng_.Pick(Pool()));
        *sql = v;
        return v;
      }
      case K::kDate: {
        int64_t d = rng_.Between(-40, 40);
        *sql = std::to_string(w_.today + d);
        return d >= 0 ? "today + " + std::to_string(d) : "today - " + std::to_string(-d);
      }
      case K::kBool: {
        bool b = rng_.Percent(50);
        *sql = b ? "1" : "0";
        return b ? "TRUE" : "FALSE";
      }
    }
    return "";
  }

  Expr Compare(const std::string& dl, const std::string& sl, K k) {
    static const std::vector<std::string> kOps = {"=", "!=", "<", "<=", ">", ">="};
    const std::string op = rng_.Pick(kOps);
    if (rng_.Percent(10)) {
      const bool neg = rng_.Percent(50);
      return {dl + (neg ? " IS NOT NULL" : " IS NULL"),
              "(" + sl + (neg ? ") IS NOT NULL" : ") IS NULL")};
    }
    std::string lit_sql;
    std::string lit = Literal(k, &lit_sql);
    if (k == K::kBool) return {dl + " = " + lit, "(" + sl + ") = " + lit_sql};
    return {dl + " " + op + " " + lit, "(" + sl + ") " + op + " " + lit_sql};
  }

  Expr Leaf(const Tab& t, const std::string& alias, int /*depth*/) {
    if (seg_p_ != nullptr && rng_.Percent(12)) {
      // A segment: by bare name in its table, or through the parents.
      if (&t == &w_.p) return {seg_p_->name, "(" + Replace(seg_p_->sql, kSegAlias, alias) + ")"};
      const bool use_c = seg_c_ != nullptr && rng_.Percent(50);
      if (&t == &w_.c && use_c)
        return {seg_c_->name, "(" + Replace(seg_c_->sql, kSegAlias, alias) + ")"};
      if (&t == &w_.c) {
        std::string a = Alias("p");
        return {"par." + seg_p_->name, "(SELECT (" + Replace(seg_p_->sql, kSegAlias, a) +
                                           ") FROM p AS " + a + " WHERE " + a + ".id = " + alias +
                                           ".pid)"};
      }
      if (use_c) {
        std::string a = Alias("c");
        return {"ch." + seg_c_->name, "(SELECT (" + Replace(seg_c_->sql, kSegAlias, a) +
                                          ") FROM c AS " + a + " WHERE " + a + ".id = " + alias +
                                          ".cid)"};
      }
      std::string a = Alias("p"), b = Alias("c");
      return {"ch.par." + seg_p_->name, "(SELECT (" + Replace(seg_p_->sql, kSegAlias, a) +
                                            ") FROM p AS " + a + " WHERE " + a + ".id = (SELECT " +
                                            b + ".pid FROM c AS " + b + " WHERE " + b +
                                            ".id = " + alias + ".cid))"};
    }
    Val a = Value(t, alias);
    if (rng_.Percent(20)) {
      // Two values of one kind: a correlated comparison (c_i > par.p_i).
      for (int tries = 0; tries < 4; ++tries) {
        Val b = Value(t, alias);
        if (b.kind != a.kind || a.kind == K::kBool) continue;
        const std::string op = rng_.Percent(50) ? " < " : " = ";
        return {a.docket + op + b.docket, "(" + a.sql + ")" + op + "(" + b.sql + ")"};
      }
    }
    if (a.kind == K::kBool && rng_.Percent(50)) return {a.docket, a.sql};
    return Compare(a.docket, a.sql, a.kind);
  }

  Expr Aggregate(const Tab& t, const std::string& alias, int depth) {
    // The child table: c under p, g under c, or g under p (two levels).
    const Tab* child = &t == &w_.p ? (rng_.Percent(70) ? &w_.c : &w_.g) : &w_.g;
    const std::string a = Alias(child->name);
    std::string join, through;
    if (&t == &w_.p && child == &w_.g) {
      // Grandchildren through their c rows (a join SQLite runs on its indexes).
      std::string b = Alias("c");
      through = " JOIN c AS " + b + " ON " + b + ".id = " + a + ".cid";
      join = b + ".pid = " + alias + ".id";
    } else {
      join = a + "." + child->cols[1].name + " = " + alias + ".id";
    }
    Expr where{"", ""};
    const bool has_where = rng_.Percent(75);
    if (has_where) where = Bool(*child, a, depth + 1);
    const std::string dwhere = has_where ? " WHERE " + where.docket : "";
    const std::string swhere = has_where ? " AND (" + where.sql + ")" : "";
    const std::string from =
        " FROM " + child->name + " AS " + a + through + " WHERE " + join + swhere + ")";
    const int kind = static_cast<int>(rng_.Below(7));
    if (kind == 0) return {"exists(" + child->name + dwhere + ")", "EXISTS (SELECT 1" + from};
    if (kind == 1) {
      return Compare("count(" + child->name + dwhere + ")", "(SELECT count(*)" + from, K::kInt);
    }
    // A column of the child (not its keys); g's parent-key aggregate sums only ints.
    const Col* col = &child->cols[2 + rng_.Below(static_cast<int64_t>(child->cols.size()) - 2)];
    const std::string dcol = child->name + "." + col->name;
    const std::string scol = a + "." + col->name;
    if (kind == 2 || col->kind == K::kString || col->kind == K::kBool) {
      return Compare("count(" + dcol + dwhere + ")", "(SELECT count(" + scol + ")" + from, K::kInt);
    }
    if (col->kind == K::kDate || kind == 3) {
      const bool mn = rng_.Percent(50);
      return Compare(std::string(mn ? "min(" : "max(") + dcol + dwhere + ")",
                     std::string("(SELECT ") + (mn ? "min(" : "max(") + scol + ")" + from,
                     col->kind);
    }
    if (kind == 4)
      return Compare("avg(" + dcol + dwhere + ")", "(SELECT avg(" + scol + ")" + from, K::kFloat);
    return Compare("sum(" + dcol + dwhere + ")", "(SELECT sum(" + scol + ")" + from, col->kind);
  }

  Rng& rng_;
  const World& w_;
  const Segment* seg_p_;
  const Segment* seg_c_;
  int aliases_ = 0;
};

int64_t EnvInt(const char* name, int64_t def) {
  const char* v = std::getenv(name);
  return v == nullptr ? def : std::atoll(v);
}

TEST(RelatedDifferential, AgreesWithCorrelatedSubqueries) {
  const int64_t iterations = EnvInt("DOCKET_RELATED_ITERATIONS", 4000);
  const uint64_t seed = static_cast<uint64_t>(EnvInt("DOCKET_RELATED_SEED", 20261130));
  Rng rng(seed);
  int64_t done = 0, failures = 0, worlds = 0;
  int64_t outcomes[3] = {0, 0, 0};
  while (done < iterations && failures < 5) {
    World w = RandomWorld(rng);
    Snapshot snap = SnapshotOf(w, rng);
    Db db(w);
    ++worlds;
    // Two segments per world: one over p (may aggregate c and g), one over c.
    Segment seg_p, seg_c;
    {
      Gen sg(&rng, &w, nullptr, nullptr, 1000);
      Expr ep = sg.Bool(w.p, kSegAlias, 1);
      Expr ec = sg.Bool(w.c, kSegAlias, 1);
      seg_p = Segment{"seg_p", ep.docket, ep.sql};
      seg_c = Segment{"seg_c", ec.docket, ec.sql};
    }
    const int64_t per_world = std::max<int64_t>(10, 3000 / std::max<int64_t>(w.p.rows, 30));
    for (int64_t k = 0; k < per_world && done < iterations && failures < 5; ++k, ++done) {
      const Tab* t = rng.Percent(60) ? &w.p : rng.Percent(50) ? &w.c : &w.g;
      Gen gen(&rng, &w, &seg_p, &seg_c);
      const std::string alias = t->name + "0";
      Expr e = gen.Bool(*t, alias, 0);
      const bool scoped = rng.Percent(30);
      const std::string owner = scoped ? (rng.Percent(80) ? "alice" : "nobody") : "";
      ProgramBuilder builder(snap.schema);
      ASSERT_TRUE(builder.AddSegment(seg_p.name, ExpressionSource{seg_p.docket, {}}).ok());
      ASSERT_TRUE(builder.AddSegment(seg_c.name, ExpressionSource{seg_c.docket, {}}).ok());
      absl::StatusOr<int> idx = builder.AddPredicate(t->name, ExpressionSource{e.docket, {}});
      ASSERT_TRUE(idx.ok()) << e.docket << "\n" << idx.status();
      absl::StatusOr<Program> program = std::move(builder).Build();
      ASSERT_TRUE(program.ok()) << program.status();
      EvalOptions opts;
      opts.as_of = absl::CivilDay(1970, 1, 1) + w.today;
      opts.want_nulls = true;
      if (scoped) opts.owner.emplace(owner);
      opts.threads = rng.Percent(50) ? 2 : 1;
      absl::StatusOr<ProgramResult> r = program->Evaluate(snap, opts);
      ASSERT_TRUE(r.ok()) << e.docket << "\n" << r.status();
      const PredicateResult& pr = r->predicates[0];
      std::string select =
          "SELECT (" + e.sql + ") FROM " + t->name + " AS " + alias + " ORDER BY rowid";
      if (scoped) {
        std::string scope =
            t == &w.p   ? alias + ".owner"
            : t == &w.c ? "(SELECT o.owner FROM p AS o WHERE o.id = " + alias + ".pid)"
                        : "(SELECT o.owner FROM p AS o WHERE o.id = (SELECT oc.pid FROM c AS oc "
                          "WHERE oc.id = " +
                              alias + ".cid))";
        select = "SELECT ((" + e.sql + ") IS TRUE) AND (" + scope + " IS " + Sql(owner) +
                 ") FROM " + t->name + " AS " + alias + " ORDER BY rowid";
      }
      std::vector<int8_t> want;
      std::string err;
      ASSERT_TRUE(db.Column(select, &want, &err)) << err << "\n" << select;
      ASSERT_EQ(static_cast<int64_t>(want.size()), t->rows);
      for (int64_t row = 0; row < t->rows; ++row) {
        const int8_t got = pr.rows.Get(row) ? 1 : (!scoped && pr.nulls.Get(row)) ? -1 : 0;
        if (got != want[row]) {
          ++failures;
          ADD_FAILURE() << "disagreement (seed " << seed << ", case " << done << ", table "
                        << t->name << " of " << t->rows << " rows, row " << row << ", owner "
                        << (scoped ? owner : "-") << ", threads " << opts.threads << "): docket "
                        << int(got) << ", sqlite " << int(want[row]) << "\n  docket: " << e.docket
                        << "\n  sql:    " << e.sql << "\n  seg_p: " << seg_p.docket
                        << "\n  seg_c: " << seg_c.docket;
          break;
        }
        ++outcomes[want[row] + 1];
      }
      // Orphans are reported, never counted.
      EXPECT_GE(pr.diagnostics.orphan_rows, 0);
    }
  }
  std::printf(
      "related differential: %lld predicates over %lld snapshots; rows NULL %lld, FALSE %lld, TRUE "
      "%lld\n",
      static_cast<long long>(done), static_cast<long long>(worlds),
      static_cast<long long>(outcomes[0]), static_cast<long long>(outcomes[1]),
      static_cast<long long>(outcomes[2]));
  // Not degenerate: every outcome occurs often.
  const int64_t total = outcomes[0] + outcomes[1] + outcomes[2];
  for (int64_t o : outcomes) EXPECT_GT(o * 20, total) << "an outcome is rarer than 5%";
}

}  // namespace
}  // namespace docket
