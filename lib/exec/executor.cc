#include "exec/executor.h"

#include <algorithm>
#include <cstring>

#include "exec/kernels.h"

namespace docket::exec {

using plan::Node;
using plan::Op;
using plan::Ty;

// ---------------------------------------------------------------------------
// Bits.

namespace {

struct UnpackTable {
  uint64_t v[256];
  constexpr UnpackTable() : v() {
    for (int b = 0; b < 256; ++b) {
      uint64_t x = 0;
      for (int k = 0; k < 8; ++k) x |= static_cast<uint64_t>((b >> k) & 1) << (8 * k);
      v[b] = x;
    }
  }
};
constexpr UnpackTable kUnpack;

}  // namespace

int64_t ToMicros(int64_t v, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMicro: return v;
    case TimeUnit::kNano: return v >= 0 ? v / 1000 : -((-(v + 1)) / 1000) - 1;  // Floor.
    case TimeUnit::kMilli: return v > INT64_MAX / 1000 ? INT64_MAX : v < -(INT64_MAX / 1000) ? INT64_MIN : v * 1000;
    case TimeUnit::kSecond:
      return v > INT64_MAX / 1000000 ? INT64_MAX : v < -(INT64_MAX / 1000000) ? INT64_MIN : v * 1000000;
  }
  return v;
}

void UnpackBits(const uint8_t* bits, int64_t start, int n, uint8_t* out) {
  const uint8_t* b = bits + start / 8;
  int full = n / 8;
  for (int k = 0; k < full; ++k) std::memcpy(out + 8 * k, &kUnpack.v[b[k]], 8);
  for (int i = full * 8; i < n; ++i) out[i] = (b[i >> 3] >> (i & 7)) & 1;
}

void PackBits(const uint8_t* bytes, int n, uint8_t* out) {
  int full = n / 8;
  for (int k = 0; k < full; ++k) {
    uint64_t x;
    std::memcpy(&x, bytes + 8 * k, 8);
    out[k] = static_cast<uint8_t>((x * 0x0102040810204080ULL) >> 56);
  }
  if (n % 8) {
    uint8_t last = 0;
    for (int i = full * 8; i < n; ++i) last |= static_cast<uint8_t>((bytes[i] & 1) << (i & 7));
    out[full] = last;
  }
}

// ---------------------------------------------------------------------------
// Scalars.

void ScalarValue::Set(const Value& v, Ty t) {
  valid = !v.is_null();
  i = 0, f = 0, d = 0, b = 0;
  s.clear();
  if (!valid) {
    sv = std::string_view();
    return;
  }
  switch (t) {
    case Ty::kBool: b = v.bool_value(); break;
    case Ty::kInt: i = v.int_value(); break;
    case Ty::kTimestamp: {
      // The engine counts micros; a value in another unit (a Python param in
      // ns, a C++ caller's seconds) is converted here, flooring like a column.
      const int64_t per = UnitsPerSecond(v.type().unit);
      i = v.int_value();
      if (v.type().id == TypeId::kTimestamp && per != 1000000) {
        if (per > 1000000) {
          const int64_t div = per / 1000000;
          i = i / div - ((i % div) < 0 ? 1 : 0);
        } else {
          i *= 1000000 / per;
        }
      }
      break;
    }
    case Ty::kFloat: f = v.type().id == TypeId::kFloat ? v.float_value() : static_cast<double>(v.int_value()); break;
    case Ty::kDate: d = static_cast<int32_t>(v.int_value()); break;
    case Ty::kString: s = v.string_value(); break;
    case Ty::kNull: valid = 0; break;
  }
  sv = s;
}

Value ScalarValue::Get(Ty t) const {
  if (!valid) return plan::NullOf(t);
  switch (t) {
    case Ty::kBool: return Value::Bool(b != 0);
    case Ty::kInt: return Value::Int(i);
    case Ty::kTimestamp: return Value::Timestamp(i, TimeUnit::kMicro);
    case Ty::kFloat: return Value::Float(f);
    case Ty::kDate: return Value::DateFromDays(d);
    case Ty::kString: return Value::String(std::string(sv));
    case Ty::kNull: break;
  }
  return plan::NullOf(t);
}

const void* ScalarValue::Ptr(Ty t) const {
  switch (t) {
    case Ty::kBool: return &b;
    case Ty::kFloat: return &f;
    case Ty::kDate: return &d;
    case Ty::kString: return &sv;
    default: return &i;
  }
}

// ---------------------------------------------------------------------------
// Plan analysis.

namespace {

bool IsExpensiveOp(const plan::Graph& g, const Node& n) {
  switch (n.op) {
    case Op::kLike:
    case Op::kMatches:
    case Op::kTsToDate:
    case Op::kAddMonths:
    case Op::kCall:
    case Op::kCase:
    case Op::kCoalesce:
      return true;
    case Op::kCompare:
    case Op::kInSet:
      return g.node(n.args[0]).type == Ty::kString;
    default:
      return false;
  }
}

}  // namespace

PlanInfo PlanInfo::Analyze(std::shared_ptr<const plan::Graph> graph, std::vector<int32_t> roots,
                           std::vector<int32_t> rule_table, std::vector<std::string> tables) {
  PlanInfo p;
  const plan::Graph& g = *graph;
  const int32_t size = g.size();
  p.graph = std::move(graph);
  p.roots = std::move(roots);
  p.rule_table = std::move(rule_table);
  p.tables = std::move(tables);
  p.reachable.assign(size, 0);
  std::vector<int32_t> parents(size, 0);
  std::vector<int32_t> stack;
  for (int32_t r : p.roots) {
    ++parents[r];
    stack.push_back(r);
  }
  while (!stack.empty()) {
    int32_t id = stack.back();
    stack.pop_back();
    if (p.reachable[id]) continue;
    p.reachable[id] = 1;
    for (int32_t a : g.node(id).args) {
      ++parents[a];
      if (!p.reachable[a]) stack.push_back(a);
    }
    for (int32_t a : g.node(id).sub) {
      ++parents[a];
      if (!p.reachable[a]) stack.push_back(a);
    }
  }
  // Nodes are created children-first, so ascending ids are a topological order.
  p.shared_slot.assign(size, -1);
  p.const_slot.assign(size, -1);
  p.peel.assign(size, 0);
  p.expensive.assign(size, 0);
  p.fallible_below.assign(size, 0);
  std::vector<uint8_t> eligible(size, 0), ineligible_parent(size, 0);
  std::vector<uint8_t> is_root(size, 0);
  for (int32_t r : p.roots) is_root[r] = 1;
  for (int32_t id = 0; id < size; ++id) {
    if (!p.reachable[id]) continue;
    const Node& n = g.node(id);
    if (n.eval_const) {
      p.const_slot[id] = static_cast<int32_t>(p.const_nodes.size());
      p.const_nodes.push_back(id);
    } else if (parents[id] > 1) {
      p.shared_slot[id] = p.num_shared++;
    }
    if (n.op == Op::kTsToDate || n.op == Op::kDayStart || n.op == Op::kCivilToTs) p.needs_zone = true;
    if (n.op == Op::kParam) p.params.push_back(n.name);
    bool exp = IsExpensiveOp(g, n);
    bool fall = n.fallible;
    for (int32_t a : n.args) {
      exp = exp || p.expensive[a];
      fall = fall || p.fallible_below[a];
    }
    p.expensive[id] = exp;
    p.fallible_below[id] = fall;
    // Per-entry evaluation would count diagnostics per entry, not per row: not for fallible subtrees.
    eligible[id] = !fall && !n.eval_const && n.type == Ty::kBool && n.single_column >= 0 &&
                   g.columns()[n.single_column].type == Ty::kString && n.op != Op::kIsNull &&
                   n.op != Op::kIsNotNull;
  }
  for (int32_t id = 0; id < size; ++id) {
    if (!p.reachable[id]) continue;
    for (int32_t a : g.node(id).args) {
      if (!eligible[id]) ineligible_parent[a] = 1;
    }
    for (int32_t a : g.node(id).sub) ineligible_parent[a] = 1;
  }
  for (int32_t id = 0; id < size; ++id) {
    if (p.reachable[id] && eligible[id] && (is_root[id] || ineligible_parent[id])) p.peel[id] = 1;
  }
  std::sort(p.params.begin(), p.params.end());
  p.params.erase(std::unique(p.params.begin(), p.params.end()), p.params.end());
  AnalyzeRelated(&p);
  return p;
}

void PlanInfo::AnalyzeRelated(PlanInfo* p) {
  const plan::Graph& g = *p->graph;
  const int32_t size = g.size();
  p->link_used.assign(g.links().size(), 0);
  // dep[id]: the first stage level at which node id can be evaluated (every
  // derived column below it is computed at a lower level).
  std::vector<int32_t> dep(size, 0);
  struct Pending {
    int32_t level;
    std::string table;
    DerivedTask task;
  };
  std::vector<Pending> pending;
  std::vector<uint8_t> slot_done(g.columns().size(), 0);
  for (int32_t id = 0; id < size; ++id) {
    if (!p->reachable[id]) continue;
    const Node& n = g.node(id);
    int32_t d = 0;
    for (int32_t a : n.args) d = std::max(d, dep[a]);
    if (n.op == Op::kAggregate) {
      int32_t level = 0;
      for (int32_t a : n.sub) level = std::max(level, dep[a]);
      pending.push_back({level, g.links()[n.link].from, DerivedTask{id, n.column, true}});
      p->link_used[n.link] = 1;
      d = level + 1;
    } else if (n.op == Op::kParentValue) {
      p->link_used[n.link] = 1;
      if (!n.sub.empty() && g.node(n.sub[0]).op == Op::kAggregate) {
        d = std::max(d, dep[n.sub[0]]);  // Reads the aggregate's column once its stage ran.
      } else if (!n.sub.empty()) {
        const int32_t level = dep[n.sub[0]];
        if (!slot_done[n.column]) {
          slot_done[n.column] = 1;
          pending.push_back({level, g.links()[n.link].to, DerivedTask{n.sub[0], n.column, false}});
        }
        d = std::max(d, level + 1);
      }
    }
    dep[id] = d;
  }
  // Stages: by level, then one pass per table in first-use order.
  std::stable_sort(pending.begin(), pending.end(),
                   [](const Pending& a, const Pending& b) { return a.level < b.level; });
  int32_t current_level = -1;
  size_t level_begin = 0;
  for (const Pending& q : pending) {
    if (q.level != current_level) {
      current_level = q.level;
      level_begin = p->stages.size();
    }
    size_t s = level_begin;
    while (s < p->stages.size() && p->stages[s].table != q.table) ++s;
    if (s == p->stages.size()) p->stages.push_back(Stage{q.table, {}});
    p->stages[s].tasks.push_back(q.task);
  }
  // The links each rule reads through (its orphans are that rule's diagnostics).
  p->rule_links.resize(p->roots.size());
  std::vector<int32_t> seen(size, -1);
  for (size_t r = 0; r < p->roots.size(); ++r) {
    std::vector<int32_t> stack = {p->roots[r]};
    while (!stack.empty()) {
      int32_t id = stack.back();
      stack.pop_back();
      if (seen[id] == static_cast<int32_t>(r)) continue;
      seen[id] = static_cast<int32_t>(r);
      const Node& n = g.node(id);
      if (n.op == Op::kAggregate || n.op == Op::kParentValue) {
        std::vector<int32_t>& links = p->rule_links[r];
        if (std::find(links.begin(), links.end(), n.link) == links.end()) links.push_back(n.link);
      }
      for (int32_t a : n.args) stack.push_back(a);
      for (int32_t a : n.sub) stack.push_back(a);
    }
  }
}

// ---------------------------------------------------------------------------
// Frame.

Frame::Frame(EvalState* state, int capacity, Diagnostics* diag)
    : st_(state), g_(state->plan->graph.get()), plan_(state->plan), capacity_(std::max(capacity, 1)), diag_(diag) {
  stamp_.assign(plan_->num_shared, -1);
  cache_.resize(plan_->num_shared);
}

Frame::~Frame() = default;

void Frame::SetDictionaryMode(int32_t slot, const Column* column) {
  dict_slot_ = slot;
  dict_column_ = column;
}

Block* Frame::Acquire() {
  if (!free_.empty()) {
    Block* b = free_.back();
    free_.pop_back();
    return b;
  }
  blocks_.push_back(std::make_unique<Block>(capacity_));
  return blocks_.back().get();
}

void Frame::Return(Block* b) {
  for (Block* d : b->deps) Return(d);
  b->deps.clear();
  free_.push_back(b);
}

void Frame::Release(Vec* v) {
  if (v->block != nullptr) Return(v->block);
  v->block = nullptr;
}

void Frame::BeginBatch(int64_t start, int n, const Active& root) {
  start_ = start;
  n_ = n;
  root_ = root;
  ++batch_;
}

void Frame::EndBatch() {
  for (int32_t s = 0; s < plan_->num_shared; ++s) {
    if (stamp_[s] == batch_) Release(&cache_[s]);
  }
}

const Column* Frame::ColumnFor(int32_t slot) const {
  if (slot == dict_slot_) return dict_column_;
  return st_->columns[slot];
}

Vec Frame::ConstVec(int32_t id) {
  static const uint8_t kZero = 0;
  const ScalarValue& s = st_->consts[plan_->const_slot[id]];
  Vec v;
  v.is_const = true;
  v.data = s.Ptr(g_->node(id).type);
  v.valid = s.valid ? nullptr : &kZero;
  return v;
}

Vec Frame::Eval(int32_t id, const Active& a) {
  const Node& n = g_->node(id);
  if (n.eval_const) {
    int32_t slot = plan_->const_slot[id];
    if (const_mode_ && !st_->const_ready[slot]) {
      Vec v;
      if (n.op == Op::kConst) {
        st_->consts[slot].Set(n.value, n.type);
      } else {
        v = Compute(id, a);
        ScalarValue& s = st_->consts[slot];
        bool valid = v.ValidAt(0);
        Value val;
        if (!valid) {
          val = plan::NullOf(n.type);
        } else {
          ScalarValue tmp;
          tmp.valid = 1;
          switch (n.type) {
            case Ty::kBool: tmp.b = *v.As<uint8_t>() & 1; break;
            case Ty::kInt:
            case Ty::kTimestamp: tmp.i = *v.As<int64_t>(); break;
            case Ty::kFloat: tmp.f = *v.As<double>(); break;
            case Ty::kDate: tmp.d = *v.As<int32_t>(); break;
            case Ty::kString: tmp.sv = *v.As<std::string_view>(); break;
            case Ty::kNull: tmp.valid = 0; break;
          }
          val = tmp.Get(n.type);
        }
        s.Set(val, n.type);
        Release(&v);
      }
      st_->const_ready[slot] = 1;
    }
    return ConstVec(id);
  }
  const bool gather = dict_slot_ < 0 && plan_->peel[id] && st_->luts[id] != nullptr;
  int32_t s = plan_->shared_slot[id];
  if (s >= 0) {
    if (stamp_[s] != batch_) {
      cache_[s] = gather ? Gather(id, root_) : Compute(id, root_);
      stamp_[s] = batch_;
    }
    Vec v = cache_[s];
    v.block = nullptr;
    return v;
  }
  return gather ? Gather(id, a) : Compute(id, a);
}

Active Frame::Narrow(const Active& a, const uint8_t* keep, Block* blk, int* count) {
  Active b;
  b.n = a.n;
  b.mask = keep;
  int c = 0;
  for (int i = 0; i < a.n; ++i) c += keep[i];
  b.count = c;
  *count = c;
  // The selection vector is filled lazily (FillSelection) when a sparse pass wants it.
  b.sel = nullptr;
  (void)blk;
  return b;
}

static void FillSelection(Active* b, uint16_t* sel) {
  int c = 0;
  for (int i = 0; i < b->n; ++i) {
    sel[c] = static_cast<uint16_t>(i);
    c += b->mask[i];
  }
  b->sel = sel;
}

namespace {

// Turns a dense Active over a mask into a sparse one when few rows are left
// or the work per row is large.
void MaybeSparse(Active* b, const Active& parent, bool expensive, uint16_t* sel_storage) {
  if (b->mask == nullptr) return;
  if (parent.sel != nullptr || expensive || b->count * 4 < b->n) FillSelection(b, sel_storage);
}

}  // namespace

Vec Frame::Logic(int32_t id, const Active& a, bool is_and) {
  const Node& n = g_->node(id);
  Block* res = Acquire();
  // Row states: TRUE (t = 1, fl = 0), FALSE (0, 1), NULL (0, 0).  While no
  // operand has had a NULL every row is TRUE or FALSE, fl is ~t and is not
  // stored: a rule without NULLs costs one pass per operand.
  uint8_t* t = res->As<uint8_t>();
  uint8_t* fl = res->valid.get();
  bool have_fl = false;
  const int rows = a.n;
  auto materialize_fl = [&] {
    if (have_fl) return;
    for (int i = 0; i < rows; ++i) fl[i] = ~t[i] & 1;
    have_fl = true;
  };
  {
    Vec v = Eval(n.args[0], a);
    const uint8_t* d = v.As<uint8_t>();
    if (v.is_const) {
      // An evaluation constant (e.g. `today < DATE '…'`): one value for every row.
      uint8_t vv = v.valid == nullptr ? 1 : v.valid[0];
      std::memset(t, vv & d[0] & 1, rows);
      if (!vv) {
        std::memset(fl, 0, rows);
        have_fl = true;
      }
    } else if (v.valid == nullptr) {
      for (int i = 0; i < rows; ++i) t[i] = d[i] & 1;
    } else {
      for (int i = 0; i < rows; ++i) {
        t[i] = v.valid[i] & d[i] & 1;
        fl[i] = v.valid[i] & ~d[i] & 1;
      }
      have_fl = true;
    }
    Release(&v);
  }
  Block* alive = nullptr;
  for (size_t k = 1; k < n.args.size(); ++k) {
    const int32_t arg = n.args[k];
    Active b = a;
    if (plan_->expensive[arg] || plan_->fallible_below[arg]) {
      // Only the rows still undecided: expensive work is skipped for the
      // others, and a division on a row the rule already decided is neither
      // computed nor counted.
      if (alive == nullptr) alive = Acquire();
      uint8_t* keep = alive->valid.get();
      if (is_and) {
        // Undecided = not FALSE.
        if (have_fl) {
          for (int i = 0; i < rows; ++i) keep[i] = fl[i] ^ 1;
        } else {
          std::memcpy(keep, t, rows);
        }
      } else {
        for (int i = 0; i < rows; ++i) keep[i] = t[i] ^ 1;
      }
      if (a.mask != nullptr) {
        for (int i = 0; i < rows; ++i) keep[i] &= a.mask[i];
      }
      int count;
      b = Narrow(a, keep, alive, &count);
      if (count == 0) break;
      if (count == rows) {
        b = a;
      } else {
        MaybeSparse(&b, a, plan_->expensive[arg], reinterpret_cast<uint16_t*>(alive->data.get()));
      }
    }
    // Cheap operands run on every row of `a`: a decided row absorbs whatever
    // they give it (FALSE stays FALSE under AND, TRUE stays TRUE under OR).
    Vec v = Eval(arg, b);
    const uint8_t* d = v.As<uint8_t>();
    if (v.is_const) {
      uint8_t vv = v.valid == nullptr ? 1 : v.valid[0];
      uint8_t vt = vv & d[0] & 1, vf = vv & ~d[0] & 1;
      if (!vv) materialize_fl();
      for (int i = 0; i < rows; ++i) {
        if (is_and) {
          t[i] &= vt;
          if (have_fl) fl[i] |= vf;
        } else {
          t[i] |= vt;
          if (have_fl) fl[i] &= vf;
        }
      }
    } else if (v.valid == nullptr) {
      if (is_and) {
        if (have_fl) {
          for (int i = 0; i < rows; ++i) {
            t[i] &= d[i];
            fl[i] |= ~d[i] & 1;
          }
        } else {
          for (int i = 0; i < rows; ++i) t[i] &= d[i];
        }
      } else {
        if (have_fl) {
          for (int i = 0; i < rows; ++i) {
            t[i] |= d[i] & 1;
            fl[i] &= ~d[i];
          }
        } else {
          for (int i = 0; i < rows; ++i) t[i] |= d[i] & 1;
        }
      }
    } else {
      materialize_fl();
      const uint8_t* vv = v.valid;
      if (is_and) {
        for (int i = 0; i < rows; ++i) {
          t[i] &= vv[i] & d[i];
          fl[i] |= vv[i] & ~d[i] & 1;
        }
      } else {
        for (int i = 0; i < rows; ++i) {
          t[i] |= vv[i] & d[i] & 1;
          fl[i] &= vv[i] & ~d[i];
        }
      }
    }
    Release(&v);
  }
  if (alive != nullptr) Return(alive);
  Vec out;
  out.data = t;
  out.block = res;
  if (!have_fl) return out;  // Every row TRUE or FALSE: no validity.
  uint8_t all = 1;
  for (int i = 0; i < rows; ++i) {
    fl[i] = (t[i] | fl[i]) & 1;
    all &= fl[i];
  }
  out.valid = all ? nullptr : fl;
  return out;
}

namespace {

// Copies rows `rows` of `src` into `out` (values and validity).
void CopyRows(const Vec& src, Ty type, const Active& rows, Block* out) {
  uint8_t* ov = out->valid.get();
  WithPhys(PhysOf(type), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = out->As<T>();
    WithAccess<T>(src, [&](auto xs) {
      ForEachExact(rows, [&](int i) {
        o[i] = xs[i];
        ov[i] = src.ValidAt(i);
      });
    });
  });
}

}  // namespace

Vec Frame::Case(int32_t id, const Active& a) {
  const Node& n = g_->node(id);
  const int rows = a.n;
  Block* out = Acquire();
  std::memset(out->valid.get(), 0, rows);
  // Rows no branch writes must still be safe to read (empty string views).
  if (n.type == Ty::kString) std::memset(out->data.get(), 0, sizeof(std::string_view) * rows);
  Block* rem = Acquire();
  uint8_t* remaining = rem->valid.get();
  if (a.mask == nullptr) {
    std::memset(remaining, 1, rows);
  } else {
    std::memcpy(remaining, a.mask, rows);
  }
  Block* takeb = Acquire();
  uint8_t* take = takeb->valid.get();
  size_t pairs = (n.args.size() - (n.has_else ? 1 : 0)) / 2;
  int left = a.count;
  for (size_t p = 0; p < pairs && left > 0; ++p) {
    int cnt;
    Active ra = Narrow(a, remaining, rem, &cnt);
    FillSelection(&ra, reinterpret_cast<uint16_t*>(rem->data.get()));
    Vec c = Eval(n.args[2 * p], ra);
    const uint8_t* cd = c.As<uint8_t>();
    int taken = 0;
    for (int i = 0; i < rows; ++i) {
      uint8_t ok = remaining[i] & (c.ValidAt(i) ? 1 : 0) & cd[c.is_const ? 0 : i] & 1;
      take[i] = ok;
      taken += ok;
    }
    Release(&c);
    if (taken > 0) {
      Active ta = Narrow(a, take, takeb, &cnt);
      FillSelection(&ta, reinterpret_cast<uint16_t*>(takeb->data.get()));
      Vec v = Eval(n.args[2 * p + 1], ta);
      CopyRows(v, n.type, ta, out);
      if (v.block != nullptr) {
        if (n.type == Ty::kString) {
          out->deps.push_back(v.block);
        } else {
          Return(v.block);
        }
      }
      for (int i = 0; i < rows; ++i) remaining[i] &= take[i] ^ 1;
      left -= taken;
    }
  }
  if (n.has_else && left > 0) {
    int cnt;
    Active ra = Narrow(a, remaining, rem, &cnt);
    FillSelection(&ra, reinterpret_cast<uint16_t*>(rem->data.get()));
    Vec v = Eval(n.args.back(), ra);
    CopyRows(v, n.type, ra, out);
    if (v.block != nullptr) {
      if (n.type == Ty::kString) {
        out->deps.push_back(v.block);
      } else {
        Return(v.block);
      }
    }
  }
  Return(rem);
  Return(takeb);
  Vec r;
  r.data = out->data.get();
  r.valid = out->valid.get();
  r.block = out;
  return r;
}

Vec Frame::Coalesce(int32_t id, const Active& a) {
  const Node& n = g_->node(id);
  const int rows = a.n;
  Block* out = Acquire();
  std::memset(out->valid.get(), 0, rows);
  // Rows no branch writes must still be safe to read (empty string views).
  if (n.type == Ty::kString) std::memset(out->data.get(), 0, sizeof(std::string_view) * rows);
  Block* rem = Acquire();
  uint8_t* remaining = rem->valid.get();
  if (a.mask == nullptr) {
    std::memset(remaining, 1, rows);
  } else {
    std::memcpy(remaining, a.mask, rows);
  }
  int left = a.count;
  for (size_t k = 0; k < n.args.size() && left > 0; ++k) {
    int cnt;
    Active ra = Narrow(a, remaining, rem, &cnt);
    if (k == 0) {
      ra = a;
    } else {
      FillSelection(&ra, reinterpret_cast<uint16_t*>(rem->data.get()));
    }
    Vec v = Eval(n.args[k], ra);
    CopyRows(v, n.type, ra, out);
    left = 0;
    for (int i = 0; i < rows; ++i) {
      remaining[i] &= (v.ValidAt(i) ? 0 : 1);
      left += remaining[i];
    }
    if (a.mask != nullptr) {
      left = 0;
      for (int i = 0; i < rows; ++i) left += remaining[i] & a.mask[i];
    }
    if (v.block != nullptr) {
      if (n.type == Ty::kString) {
        out->deps.push_back(v.block);
      } else {
        Return(v.block);
      }
    }
  }
  Return(rem);
  Vec r;
  r.data = out->data.get();
  r.valid = out->valid.get();
  r.block = out;
  return r;
}

Vec Frame::LoadColumn(int32_t id, const Active& a) {
  const Node& n = g_->node(id);
  const Column* col = ColumnFor(n.column);
  Vec v;
  Block* blk = nullptr;
  auto block = [&]() {
    if (blk == nullptr) blk = Acquire();
    return blk;
  };
  if (col->validity() != nullptr) {
    UnpackBits(col->validity(), start_, n_, block()->valid.get());
    v.valid = blk->valid.get();
  }
  switch (n.type) {
    case Ty::kInt:
      v.data = col->Values<int64_t>() + start_;
      break;
    case Ty::kFloat:
      v.data = col->Values<double>() + start_;
      break;
    case Ty::kDate:
      v.data = col->Values<int32_t>() + start_;
      break;
    case Ty::kTimestamp: {
      const int64_t* src = col->Values<int64_t>() + start_;
      TimeUnit unit = col->type().unit;
      if (unit == TimeUnit::kMicro) {
        v.data = src;
        break;
      }
      int64_t* out = block()->As<int64_t>();
      for (int i = 0; i < n_; ++i) out[i] = ToMicros(src[i], unit);
      v.data = out;
      break;
    }
    case Ty::kBool: {
      const uint8_t* src = col->Values<uint8_t>() + start_;
      uint8_t* out = block()->As<uint8_t>();
      for (int i = 0; i < n_; ++i) out[i] = src[i] != 0;
      v.data = out;
      break;
    }
    case Ty::kString: {
      std::string_view* out = block()->As<std::string_view>();
      if (col->is_dictionary()) {
        const std::vector<std::string_view>& views = st_->dict_views[n.column];
        const uint32_t last = static_cast<uint32_t>(views.size() - 1);
        const int32_t* codes = col->codes() + start_;
        ForEach(a, [&](int i) { out[i] = views[std::min(static_cast<uint32_t>(codes[i]), last)]; });
      } else {
        const int64_t* off = col->offsets() + start_;
        const char* chars = col->chars();
        ForEach(a, [&](int i) { out[i] = std::string_view(chars + off[i], static_cast<size_t>(off[i + 1] - off[i])); });
      }
      v.data = out;
      break;
    }
    case Ty::kNull:
      break;
  }
  v.block = blk;
  return v;
}

Vec Frame::ParentValue(int32_t id, const Active& a) {
  const Node& n = g_->node(id);
  const Column* col = ColumnFor(n.column);
  const int32_t* map = st_->link_rows[n.link] + start_;
  const uint8_t* validity = col->validity();
  Block* blk = Acquire();
  uint8_t* ov = blk->valid.get();
  Vec v;
  v.data = blk->data.get();
  v.valid = ov;
  v.block = blk;
  // Rows outside a sparse set are never written: keep them safe to read.
  if (a.sel != nullptr) {
    std::memset(ov, 0, a.n);
    std::memset(blk->data.get(), 0, static_cast<size_t>(a.n) * 16);
  }
  auto valid_at = [&](int32_t p) -> uint8_t {
    return p >= 0 && (validity == nullptr || GetBit(validity, p)) ? 1 : 0;
  };
  switch (n.type) {
    case Ty::kInt:
    case Ty::kFloat: {
      // 8-byte values (int64, double): copied bit for bit.
      const int64_t* src = col->Values<int64_t>();
      int64_t* out = blk->As<int64_t>();
      ForEach(a, [&](int i) {
        const int32_t p = map[i];
        out[i] = p >= 0 ? src[p] : 0;
        ov[i] = valid_at(p);
      });
      break;
    }
    case Ty::kDate: {
      const int32_t* src = col->Values<int32_t>();
      int32_t* out = blk->As<int32_t>();
      ForEach(a, [&](int i) {
        const int32_t p = map[i];
        out[i] = p >= 0 ? src[p] : 0;
        ov[i] = valid_at(p);
      });
      break;
    }
    case Ty::kBool: {
      const uint8_t* src = col->Values<uint8_t>();
      uint8_t* out = blk->As<uint8_t>();
      ForEach(a, [&](int i) {
        const int32_t p = map[i];
        out[i] = p >= 0 && src[p] != 0;
        ov[i] = valid_at(p);
      });
      break;
    }
    case Ty::kTimestamp: {
      const int64_t* src = col->Values<int64_t>();
      int64_t* out = blk->As<int64_t>();
      const TimeUnit unit = col->type().unit;
      ForEach(a, [&](int i) {
        const int32_t p = map[i];
        out[i] = p >= 0 ? ToMicros(src[p], unit) : 0;
        ov[i] = valid_at(p);
      });
      break;
    }
    case Ty::kString: {
      std::string_view* out = blk->As<std::string_view>();
      if (col->is_dictionary()) {
        const std::vector<std::string_view>& views = st_->dict_views[n.column];
        const uint32_t last = static_cast<uint32_t>(views.size() - 1);
        const int32_t* codes = col->codes();
        ForEach(a, [&](int i) {
          const int32_t p = map[i];
          out[i] = p >= 0 ? views[std::min(static_cast<uint32_t>(codes[p]), last)] : std::string_view();
          ov[i] = valid_at(p);
        });
      } else {
        const int64_t* off = col->offsets();
        const char* chars = col->chars();
        ForEach(a, [&](int i) {
          const int32_t p = map[i];
          out[i] = p >= 0 ? std::string_view(chars + off[p], static_cast<size_t>(off[p + 1] - off[p]))
                          : std::string_view();
          ov[i] = valid_at(p);
        });
      }
      break;
    }
    case Ty::kNull:
      return AllNull(blk, a.n);
  }
  return v;
}

Vec Frame::Gather(int32_t id, const Active& a) {
  const Node& n = g_->node(id);
  const Column* col = st_->columns[n.single_column];
  const Lut& lut = *st_->luts[id];
  const uint8_t* packed = lut.value.data();  // value | valid << 1
  const uint32_t null_entry = static_cast<uint32_t>(lut.value.size() - 1);
  const int32_t* codes = col->codes() + start_;
  Block* blk = Acquire();
  uint8_t* out = blk->As<uint8_t>();
  uint8_t* ov = blk->valid.get();
  Vec v;
  v.data = out;
  v.block = blk;
  if (col->validity() == nullptr) {
    if (!lut.any_null) {
      ForEach(a, [&](int i) { out[i] = packed[std::min(static_cast<uint32_t>(codes[i]), null_entry)] & 1; });
      return v;
    }
    ForEach(a, [&](int i) {
      uint8_t e = packed[std::min(static_cast<uint32_t>(codes[i]), null_entry)];
      out[i] = e & 1;
      ov[i] = e >> 1;
    });
    v.valid = ov;
    return v;
  }
  UnpackBits(col->validity(), start_, a.n, ov);
  ForEach(a, [&](int i) {
    uint32_t idx = ov[i] ? std::min(static_cast<uint32_t>(codes[i]), null_entry) : null_entry;
    uint8_t e = packed[idx];
    out[i] = e & 1;
    ov[i] = e >> 1;
  });
  v.valid = ov;
  return v;
}

Vec Frame::Compute(int32_t id, const Active& a) {
  const Node& n = g_->node(id);
  Diagnostics* d = (n.rule >= 0 && diag_ != nullptr) ? &diag_[n.rule] : &unowned_;
  switch (n.op) {
    case Op::kConst:
    case Op::kParam:
    case Op::kToday: {
      // Only reached in constant mode.
      Block* blk = Acquire();
      ScalarValue s;
      if (n.op == Op::kConst) {
        s.Set(n.value, n.type);
      } else if (n.op == Op::kToday) {
        s.Set(Value::DateFromDays(static_cast<int32_t>(st_->today)), n.type);
      } else {
        auto it = st_->params->find(n.name);
        s.Set(it == st_->params->end() ? plan::NullOf(n.type) : it->second, n.type);
      }
      Vec v;
      v.block = blk;
      if (n.type == Ty::kString) {
        blk->arena = s.s;
        *blk->As<std::string_view>() = blk->arena;
      } else {
        std::memcpy(blk->data.get(), s.Ptr(n.type), 8);
      }
      blk->valid[0] = s.valid;
      v.data = blk->data.get();
      v.valid = blk->valid.get();
      return v;
    }
    case Op::kColumn:
      return LoadColumn(id, a);
    case Op::kAnd:
      return Logic(id, a, true);
    case Op::kOr:
      return Logic(id, a, false);
    case Op::kNot: {
      Vec x = Eval(n.args[0], a);
      Block* blk = Acquire();
      uint8_t* out = blk->As<uint8_t>();
      const uint8_t* xd = x.As<uint8_t>();
      for (int i = 0; i < a.n; ++i) out[i] = ~xd[i] & 1;
      Vec v;
      v.data = out;
      v.block = blk;
      if (x.valid != nullptr) {
        std::memcpy(blk->valid.get(), x.valid, a.n);
        v.valid = blk->valid.get();
      }
      Release(&x);
      return v;
    }
    case Op::kIsNull:
    case Op::kIsNotNull: {
      const uint8_t want_valid = n.op == Op::kIsNotNull;
      Block* blk = Acquire();
      uint8_t* out = blk->As<uint8_t>();
      Vec v;
      v.data = out;
      v.block = blk;
      const Node& arg = g_->node(n.args[0]);
      if (arg.op == Op::kColumn && plan_->shared_slot[n.args[0]] < 0) {
        // Only the validity bitmap is read.
        const Column* col = ColumnFor(arg.column);
        if (col->validity() == nullptr) {
          std::memset(out, want_valid, a.n);
        } else {
          UnpackBits(col->validity(), start_, a.n, out);
          if (!want_valid) {
            for (int i = 0; i < a.n; ++i) out[i] ^= 1;
          }
        }
        return v;
      }
      Vec x = Eval(n.args[0], a);
      if (x.valid == nullptr) {
        std::memset(out, want_valid, a.n);
      } else {
        for (int i = 0; i < a.n; ++i) out[i] = (x.valid[i] & 1) ^ (want_valid ^ 1);
      }
      Release(&x);
      return v;
    }
    case Op::kCompare: {
      Vec x = Eval(n.args[0], a);
      Vec y = Eval(n.args[1], a);
      Vec v = CompareKernel(*this, n.cmp, PhysOf(g_->node(n.args[0]).type), PhysOf(g_->node(n.args[1]).type), x, y, a);
      Release(&x);
      Release(&y);
      return v;
    }
    case Op::kBetween: {
      Vec x = Eval(n.args[0], a);
      Vec lo = Eval(n.args[1], a);
      Vec hi = Eval(n.args[2], a);
      Vec v = BetweenKernel(*this, PhysOf(g_->node(n.args[0]).type), PhysOf(g_->node(n.args[1]).type),
                            PhysOf(g_->node(n.args[2]).type), x, lo, hi, a);
      Release(&x);
      Release(&lo);
      Release(&hi);
      return v;
    }
    case Op::kInSet: {
      Vec x = Eval(n.args[0], a);
      Vec v = InSetKernel(*this, *n.in_set, g_->node(n.args[0]).type, x, a);
      Release(&x);
      return v;
    }
    case Op::kLike: {
      Vec x = Eval(n.args[0], a);
      Vec p = Eval(n.args[1], a);
      Vec v = LikeKernel(*this, n, x, p, a);
      Release(&x);
      Release(&p);
      return v;
    }
    case Op::kMatches: {
      Vec x = Eval(n.args[0], a);
      Vec v = MatchesKernel(*this, n, x, a);
      Release(&x);
      return v;
    }
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod: {
      Vec x = Eval(n.args[0], a);
      Vec y = Eval(n.args[1], a);
      Vec v = ArithKernel(*this, n.op, n.type, x, y, a, d);
      Release(&x);
      Release(&y);
      return v;
    }
    case Op::kNeg: {
      Vec x = Eval(n.args[0], a);
      Vec v = NegKernel(*this, n.type, x, a, d);
      Release(&x);
      return v;
    }
    case Op::kIntToFloat: {
      Vec x = Eval(n.args[0], a);
      Vec v = IntToFloatKernel(*this, x, a);
      Release(&x);
      return v;
    }
    case Op::kTsToDate:
    case Op::kDayStart:
    case Op::kCivilToTs:
    case Op::kDateAddDays:
    case Op::kDateDiff:
    case Op::kAddMonths: {
      Vec args[2];
      for (size_t k = 0; k < n.args.size(); ++k) args[k] = Eval(n.args[k], a);
      Vec v = DateKernel(*this, n, *g_, args, a, st_->zone.get(), d);
      for (size_t k = 0; k < n.args.size(); ++k) Release(&args[k]);
      return v;
    }
    case Op::kCall: {
      Vec args[8];
      std::vector<Vec> many;
      Vec* ptr = args;
      if (n.args.size() > 8) {
        many.resize(n.args.size());
        ptr = many.data();
      }
      for (size_t k = 0; k < n.args.size(); ++k) ptr[k] = Eval(n.args[k], a);
      Vec v = CallKernel(*this, n, *g_, ptr, a, d);
      for (size_t k = 0; k < n.args.size(); ++k) Release(&ptr[k]);
      return v;
    }
    case Op::kCase:
      return Case(id, a);
    case Op::kCoalesce:
      return Coalesce(id, a);
    case Op::kAggregate:
      return LoadColumn(id, a);  // Its derived column, computed in an earlier stage.
    case Op::kParentValue:
      return ParentValue(id, a);
  }
  return AllNull(Acquire(), a.n);
}

}  // namespace docket::exec
