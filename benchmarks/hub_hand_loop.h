// benchmarks/hub_hand_loop.h — the practical limit for workload B: the CSM
// hub rulebook (examples/rulebooks/csm_hub.yaml, 27 lists over accounts and
// their related tables) written by hand as fused C++ loops, one pass per
// table, every list of that table computed in it.
//
// It produces what docket's one pass produces — one bitmap per list, in the
// rulebook's list order, bit i set when the list's `when:` is TRUE for row i
// (SQL three-valued logic: NULL is out) — with the least work a careful C++
// programmer would do knowing the data layout and the rulebook (the style of
// hand_loops.h, whose helpers it reuses):
//
//   - 64 rows at a time: each comparison fills a byte mask that SSE2 packs
//     into a word, combined with the validity words; no branch per row;
//   - dictionary strings tested once per dictionary entry, rows compare
//     int32 codes; dates are int32 day numbers compared with constants
//     folded from as_of and the params (add_months clamped to month end);
//   - timestamps against dates as precomputed instant bounds: the first
//     instant of a civil day in the rulebook's zone (at the transition when
//     midnight is skipped, as docket's day start);
//   - each segment (customer, in_forecast_window, …) computed once per block
//     and shared by the lists that use it;
//   - the related-record lists through per-account flag bytes, filled by a
//     pass over the child table through a child → account row map.  The row
//     maps (a hash join on the key strings) are built once, in the
//     constructor, outside any timing — docket caches its joins in the
//     tables the same way.
//
// Passes, in dependency order: objectives (marks success plans that have an
// objective) → success_plans, contacts, activities (account flags; the
// activities pass also yields the `activity` and `meetings` lists), tasks,
// playbooks, conversations, requests → accounts (20 lists).  With T threads
// every pass is split into T contiguous ranges of 64-row words (no word of
// a result bitmap is shared), each thread writes flags into its own arrays
// (children of one account may fall in two ranges), and readers OR them.
//
// Only the rulebook's default params, its zone and an as_of are inputs; the
// column layout is checked at construction (HandLoopFail on a surprise).
#ifndef DOCKET_BENCHMARKS_HUB_HAND_LOOP_H_
#define DOCKET_BENCHMARKS_HUB_HAND_LOOP_H_

#include <emmintrin.h>

#include <algorithm>
#include <array>
#include <barrier>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "docket/rulebook.h"
#include "docket/table.h"
#include "hand_loops.h"

namespace docket::bench {

namespace hub {

// The lists of csm_hub.yaml in rulebook order, and the table of each.
enum List : int {
  kTasksDue,
  kOutdatedPulse,
  kValueReviewDue,
  kTimelyIndicators,
  kUsageDrop,
  kNpsDetractors,
  kEmptyForecast,
  kNoDecisionMaker,
  kPendingConversations,
  kFutureDueDates,
  kProjectsEnding,
  kNoGoals,
  kNoChampion,
  kRenewalNoMeeting,
  kUnengaged,
  kRenewalRisks,
  kEscalations,
  kOpenRequests,
  kForecast,
  kChurned,
  kRenewed,
  kNrrCohort,
  kExpansions,
  kContractions,
  kHealthDeclined,
  kActivity,
  kMeetings,
  kNumLists
};

struct ListInfo {
  const char* id;
  const char* table;
};

inline const ListInfo kLists[kNumLists] = {
    {"tasks_due", "tasks"},
    {"outdated_pulse", "accounts"},
    {"value_review_due", "accounts"},
    {"timely_indicators", "accounts"},
    {"usage_drop", "accounts"},
    {"nps_detractors", "accounts"},
    {"empty_forecast", "accounts"},
    {"no_decision_maker", "accounts"},
    {"pending_conversations", "conversations"},
    {"future_due_dates", "tasks"},
    {"projects_ending", "playbooks"},
    {"no_goals", "accounts"},
    {"no_champion", "accounts"},
    {"renewal_no_meeting", "accounts"},
    {"unengaged", "accounts"},
    {"renewal_risks", "accounts"},
    {"escalations", "accounts"},
    {"open_requests", "requests"},
    {"forecast", "accounts"},
    {"churned", "accounts"},
    {"renewed", "accounts"},
    {"nrr_cohort", "accounts"},
    {"expansions", "accounts"},
    {"contractions", "accounts"},
    {"health_declined", "accounts"},
    {"activity", "activities"},
    {"meetings", "activities"},
};

// Per-account flag bits, set by the child passes.
enum Flag : uint8_t {
  kHasDecisionMaker = 1,  // exists(contacts WHERE persona = 'decision maker')
  kHasKeyPersona = 2,     // exists(contacts WHERE is_key_persona)
  kHasKeyChampion = 4,    // exists(contacts WHERE is_key_persona AND is_champion)
  kHasGoals =
      8,  // exists(success_plans WHERE status IN ('Active', 'Draft') AND exists(objectives))
  kHasRecentMeeting =
      16  // exists(activities WHERE kind = 'meeting' AND days_since(occurred_at) <= 60)
};

// A full 64-row block has a compile-time count; the table's last, partial
// block a run-time one.
using Full = std::integral_constant<int64_t, 64>;
template <typename N>
inline constexpr bool kIsFull = std::is_same_v<N, Full>;

// Validity word w.  The last word of a column's validity may be shorter than
// 8 bytes (the buffer holds BitmapBytes(n)), so the tail reads only its bytes.
template <typename N>
inline uint64_t ValidWord(const uint8_t* bits, int64_t w, N count) {
  if constexpr (kIsFull<N>) {
    return Word(bits, w);
  } else {
    uint64_t x = 0;
    std::memcpy(&x, bits + 8 * w, static_cast<size_t>((count + 7) / 8));
    return x;
  }
}

// 64 bytes from p; in the tail, the `count` that exist copied into a zeroed
// scratch (for loads that read all 64).
template <typename N>
inline const uint8_t* Bytes64(const uint8_t* p, N count, uint8_t* scratch) {
  if constexpr (kIsFull<N>) {
    return p;
  } else {
    std::memset(scratch, 0, 64);
    std::memcpy(scratch, p, static_cast<size_t>(count));
    return scratch;
  }
}

// Bits where one of 64 bool bytes is not zero.
inline uint64_t PackNonZero(const uint8_t* b) {
  const __m128i z = _mm_setzero_si128();
  auto m = [&](int off) {
    return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + off)), z))));
  };
  return ~(m(0) | (m(16) << 16) | (m(32) << 32) | (m(48) << 48));
}

// Bit `bit` of each of 64 bytes: shifting 16-bit lanes left by 7 - bit
// brings it to the top of its byte, where movemask reads it.
inline uint64_t PackBit(const uint8_t* b, int bit) {
  const __m128i s = _mm_cvtsi32_si128(7 - bit);
  auto m = [&](int off) {
    return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(
        _mm_sll_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + off)), s))));
  };
  return m(0) | (m(16) << 16) | (m(32) << 32) | (m(48) << 48);
}

// pred(v[j]) for the block's rows, as a word (bits past `count` are garbage:
// the driver masks the tail).
template <typename T, typename N, typename Pred>
inline uint64_t Mask(const T* v, N count, uint8_t* bytes, Pred pred) {
  for (int64_t j = 0; j < count; ++j) bytes[j] = pred(v[j]) ? 0xFF : 0;
  return PackBytes(bytes);
}
template <typename T, typename U, typename N, typename Pred>
inline uint64_t Mask2(const T* a, const U* b, N count, uint8_t* bytes, Pred pred) {
  for (int64_t j = 0; j < count; ++j) bytes[j] = pred(a[j], b[j]) ? 0xFF : 0;
  return PackBytes(bytes);
}
// The same for doubles, two at a time with an SSE2 compare and movemask
// (compilers do not vectorize a double -> byte mask loop); simd(a, b) and
// scalar(a, b) must agree, NaN included (SSE2's ordered compares are C++'s).
template <typename N, typename Simd, typename Scalar>
inline uint64_t MaskF64(const double* a, const double* b, N count, uint8_t* bytes, Simd simd,
                        Scalar scalar) {
  if constexpr (kIsFull<N>) {
    uint64_t word = 0;
    for (int k = 0; k < 32; ++k) {
      const __m128d x = _mm_loadu_pd(a + 2 * k), y = _mm_loadu_pd(b + 2 * k);
      word |= static_cast<uint64_t>(_mm_movemask_pd(simd(x, y))) << (2 * k);
    }
    return word;
  } else {
    return Mask2(a, b, count, bytes, scalar);
  }
}
template <typename N>
inline uint64_t CodesIn(const CodeSet& set, const int32_t* v, N count, uint8_t* bytes) {
  set.Fill(v, count, bytes);
  return PackBytes(bytes);
}

// Runs block(w, count, mask) for every 64-row word in [w_begin, w_end) of a
// table of n rows: count is Full{} for a whole block and n % 64 for the last
// one, whose mask keeps its real rows.
template <typename Block>
inline void ForBlocks(int64_t n, int64_t w_begin, int64_t w_end, Block&& block) {
  const int64_t full = n / 64;
  for (int64_t w = w_begin; w < std::min(w_end, full); ++w) block(w, Full{}, ~uint64_t{0});
  if (w_end > full && n % 64 != 0) block(full, n % 64, (uint64_t{1} << (n % 64)) - 1);
}

// Words [begin, end) of thread t of T over a table of n rows.
inline std::pair<int64_t, int64_t> WordRange(int64_t n, int t, int threads) {
  const int64_t words = (n + 63) / 64;
  return {words * t / threads, words * (t + 1) / threads};
}

// Calls f(j) for every set bit j of w.
template <typename F>
inline void ForBits(uint64_t w, F&& f) {
  while (w != 0) {
    f(std::countr_zero(w));
    w &= w - 1;
  }
}

}  // namespace hub

class HubHandLoop {
 public:
  // The passes, for timing a table on its own (RunPass).
  enum class Pass {
    kAccounts,
    kContacts,
    kGoals,
    kActivities,
    kTasks,
    kPlaybooks,
    kConversations,
    kRequests
  };

  // Reads the snapshot's columns, folds as_of, the zone and the params into
  // constants, and builds the child → parent row maps.  Not timed.
  HubHandLoop(const Snapshot& snap, absl::CivilDay as_of, const absl::TimeZone& tz,
              const std::vector<RulebookParam>& params) {
    accounts_ = Tab(snap, "accounts");
    contacts_ = Tab(snap, "contacts");
    tasks_ = Tab(snap, "tasks");
    plans_ = Tab(snap, "success_plans");
    objectives_ = Tab(snap, "objectives");
    playbooks_ = Tab(snap, "playbooks");
    activities_ = Tab(snap, "activities");
    conversations_ = Tab(snap, "conversations");
    requests_ = Tab(snap, "requests");
    int64_t most = 0;
    for (const Table* t : {accounts_, contacts_, tasks_, plans_, objectives_, playbooks_,
                           activities_, conversations_, requests_}) {
      most = std::max(most, t->num_rows());
    }
    all_valid_.assign(static_cast<size_t>(most / 64 + 2), ~uint64_t{0});

    // Params (the rulebook's defaults) and as_of, folded.
    auto param = [&](const char* name) -> const Value& {
      for (const RulebookParam& p : params) {
        if (p.name == name) {
          if (p.value.is_null()) HandLoopFail(std::string("param ") + name + " is NULL");
          return p.value;
        }
      }
      HandLoopFail(std::string("no param ") + name);
    };
    auto int_param = [&](const char* name) {
      const Value& v = param(name);
      if (v.type().id != TypeId::kInt)
        HandLoopFail(std::string("param ") + name + " is not an int");
      return v.int_value();
    };
    auto float_param = [&](const char* name) { return param(name).AsDouble(); };
    auto day = [](int64_t d) {  // A day constant; far dates would need docket's overflow rules.
      if (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max())
        HandLoopFail("a date constant leaves the int32 day range");
      return static_cast<int32_t>(d);
    };
    const int64_t today = absl::CivilDay(as_of) - absl::CivilDay(1970, 1, 1);
    today_ = day(today);
    // days_since(pulse_changed_at) > k  <=>  pulse_changed_at < today - k
    pulse_cut_ = day(today - int_param("pulse_stale_days"));
    // last_value_review < add_months(today, -k) (month-end clamped)
    const int64_t months = int_param("value_review_months");
    if (months > 1200 || months < -1200) HandLoopFail("value_review_months out of range");
    review_cut_ = HandAddMonths(today_, -static_cast<int32_t>(months));
    // renewal_date BETWEEN today AND today + k  <=>  (uint32)(r - today) <= k
    const int64_t window = int_param("forecast_window_days");
    (void)day(today + window);
    if (window < 0) HandLoopFail("forecast_window_days < 0 (an empty window is not written here)");
    window_ = static_cast<uint32_t>(window);
    usage_ratio_ = float_param("usage_drop_ratio");
    // days_since(nps_responded_at) < k  <=>  nps_responded_at > today - k
    nps_after_ = day(today - int_param("recent_days"));
    detractor_max_ = int_param("detractor_max_score");
    // days_since(important_event_at) <= k  <=>  important_event_at >= today - k
    event_from_ = day(today - int_param("event_recent_days"));
    // status <> 'done' AND due_date BETWEEN today + 1 AND today + k
    const int64_t upcoming = int_param("upcoming_days");
    due_from_ = day(today + 1);
    (void)day(today + upcoming);
    upcoming_span_ = upcoming >= 1 ? static_cast<uint32_t>(upcoming - 1) : 0;
    upcoming_empty_ = upcoming < 1;
    // end_date BETWEEN today AND today + k
    ending_span_ = upcoming >= 0 ? static_cast<uint32_t>(upcoming) : 0;
    ending_empty_ = upcoming < 0;
    escalation_min_arr_ = float_param("escalation_min_arr");
    // churned_at BETWEEN today - k AND today; renewed_at the same.
    const int64_t churn = int_param("churn_lookback_days"),
                  renewal = int_param("renewal_lookback_days");
    churn_from_ = day(today - churn);
    churn_span_ = churn >= 0 ? static_cast<uint32_t>(churn) : 0;
    churn_empty_ = churn < 0;
    renewed_from_ = day(today - renewal);
    renewed_span_ = renewal >= 0 ? static_cast<uint32_t>(renewal) : 0;
    renewed_empty_ = renewal < 0;
    health_drop_ = int_param("health_drop_points");

    // Timestamps against days: the first instant of a civil day in the zone,
    // in each column's unit.
    auto day_start_seconds = [&](int64_t d) {
      absl::CivilDay c = absl::CivilDay(1970, 1, 1) + d;
      absl::TimeZone::TimeInfo info = tz.At(absl::CivilSecond(c));
      absl::Time t = info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
      return absl::ToUnixSeconds(t);
    };
    // days_since(date(last_touch_at)) > k  <=>  date(ts) < today - k  <=>  ts < start(today - k)
    last_touch_ = Ts(*accounts_, "last_touch_at");
    unengaged_before_ =
        day_start_seconds(today - int_param("unengaged_days")) * last_touch_.per_second;
    // date(occurred_at) BETWEEN today - (k - 1) AND today  <=>  start(today - k + 1) <= ts <
    // start(today + 1)
    occurred_at_ = Ts(*activities_, "occurred_at");
    const int64_t lookback = int_param("activity_lookback_days");
    activity_from_ = day_start_seconds(today - (lookback - 1)) * occurred_at_.per_second;
    activity_to_ = day_start_seconds(today + 1) * occurred_at_.per_second;
    // days_since(occurred_at) <= k  <=>  date(ts) >= today - k  <=>  ts >= start(today - k)
    meeting_from_ =
        day_start_seconds(today - int_param("renewal_meeting_days")) * occurred_at_.per_second;

    // Accounts.
    churned_at_ = Date(*accounts_, "churned_at");
    pulse_ = Dict(*accounts_, "pulse");
    pulse_changed_at_ = Date(*accounts_, "pulse_changed_at");
    last_value_review_ = Date(*accounts_, "last_value_review");
    created_at_ = Date(*accounts_, "created_at");
    usage_30d_ = Float(*accounts_, "usage_30d");
    usage_prev_30d_ = Float(*accounts_, "usage_prev_30d");
    nps_score_ = Int(*accounts_, "nps_score");
    nps_responded_at_ = Date(*accounts_, "nps_responded_at");
    important_event_ = Present(*accounts_, "important_event");
    important_event_at_ = Date(*accounts_, "important_event_at");
    renewal_date_ = Date(*accounts_, "renewal_date");
    forecast_ = Present(*accounts_, "forecast");
    forecast_sentiment_ = Dict(*accounts_, "forecast_sentiment");
    arr_ = Float(*accounts_, "arr");
    arr_year_ago_ = Float(*accounts_, "arr_year_ago");
    renewed_at_ = Date(*accounts_, "renewed_at");
    health_score_ = Int(*accounts_, "health_score");
    health_score_prev_ = Int(*accounts_, "health_score_prev");
    risky_ = Set(forecast_sentiment_,
                 [](std::string_view s) { return s == "at risk" || s == "likely churn"; });
    red_ = Set(pulse_, [](std::string_view s) { return s == "red"; });

    // Children.
    persona_ = Dict(*contacts_, "persona");
    is_key_persona_ = Bool(*contacts_, "is_key_persona");
    is_champion_ = Bool(*contacts_, "is_champion");
    decision_maker_ = Set(persona_, [](std::string_view s) { return s == "decision maker"; });
    plan_status_ = Dict(*plans_, "status");
    active_draft_ =
        Set(plan_status_, [](std::string_view s) { return s == "Active" || s == "Draft"; });
    kind_ = Dict(*activities_, "kind");
    meeting_ = Set(kind_, [](std::string_view s) { return s == "meeting"; });
    task_status_ = Dict(*tasks_, "status");
    not_done_ = Set(task_status_, [](std::string_view s) { return s != "done"; });
    due_date_ = Date(*tasks_, "due_date");
    is_template_ = Bool(*playbooks_, "is_template");
    end_date_ = Date(*playbooks_, "end_date");
    conversation_status_ = Dict(*conversations_, "status");
    scheduled_ = Set(conversation_status_, [](std::string_view s) { return s == "scheduled"; });
    send_date_ = Date(*conversations_, "send_date");
    priority_ = Dict(*requests_, "priority");
    critical_high_ =
        Set(priority_, [](std::string_view s) { return s == "critical" || s == "high"; });
    request_status_ = Dict(*requests_, "status");
    open_planned_ =
        Set(request_status_, [](std::string_view s) { return s == "open" || s == "planned"; });

    // The joins: child row -> parent row (-1: NULL key or orphan).
    contact_account_ = Join(*contacts_, *accounts_);
    plan_account_ = Join(*plans_, *accounts_);
    objective_plan_ = Join(*objectives_, *plans_);
    activity_account_ = Join(*activities_, *accounts_);
    for (const auto* m : {&contact_account_, &plan_account_, &objective_plan_, &activity_account_})
      bytes_ += static_cast<int64_t>(m->size() * sizeof(int32_t));
    bytes_ += accounts_->num_rows() + plans_->num_rows();  // The flag bytes, on 1 thread.

    for (int k = 0; k < hub::kNumLists; ++k) {
      const Table& t = *Tab(snap, hub::kLists[k].table);
      out_[k].assign(static_cast<size_t>((t.num_rows() + 63) / 64), 0);
    }
  }

  HubHandLoop(const HubHandLoop&) = delete;
  HubHandLoop& operator=(const HubHandLoop&) = delete;

  // Every list, on `threads` threads (1: the calling thread only).
  void Run(int threads) {
    threads = std::max(1, threads);
    Scratch(threads);
    if (threads == 1) {
      Work(0, 1, nullptr);
    } else {
      std::barrier<> sync(threads);
      std::vector<std::thread> pool;
      for (int t = 1; t < threads; ++t)
        pool.emplace_back([this, t, threads, &sync] { Work(t, threads, &sync); });
      Work(0, threads, &sync);
      for (std::thread& th : pool) th.join();
    }
    for (int k = 0; k < hub::kNumLists; ++k) {
      count_[k] = 0;
      for (int t = 0; t < threads; ++t) count_[k] += counts_[static_cast<size_t>(t)][k];
    }
  }

  // One table's pass alone on the calling thread, for per-table timing (the
  // accounts pass reads whatever flags the child passes left).  Results
  // are only complete after Run().
  void RunPass(Pass pass) {
    Scratch(1);
    switch (pass) {
      case Pass::kAccounts:
        AccountsPass(0, 1);
        break;
      case Pass::kContacts:
        std::memset(flags_[0].data(), 0, flags_[0].size());
        ContactsPass(0, 1);
        break;
      case Pass::kGoals:
        std::memset(plan_has_[0].data(), 0, plan_has_[0].size());
        ObjectivesPass(0, 1);
        PlansPass(0, 1);
        break;
      case Pass::kActivities:
        ActivitiesPass(0, 1);
        break;
      case Pass::kTasks:
        TasksPass(0, 1);
        break;
      case Pass::kPlaybooks:
        PlaybooksPass(0, 1);
        break;
      case Pass::kConversations:
        ConversationsPass(0, 1);
        break;
      case Pass::kRequests:
        RequestsPass(0, 1);
        break;
    }
  }

  // List k's bitmap (Arrow bit order, in 64-bit words) and its TRUE rows.
  const std::vector<uint64_t>& bitmap(int k) const { return out_[k]; }
  int64_t count(int k) const { return count_[k]; }

  // Bytes a run reads on 1 thread: the columns above (values, validity and
  // dictionary; validity only where only IS NULL is asked), the row maps and
  // the flag bytes.  Less than rule_bytes.h's count, which has the `via`
  // strings the joins were built from.
  int64_t bytes_read() const { return bytes_; }

 private:
  struct D32 {  // Dates and dictionary codes.
    const int32_t* v = nullptr;
    const uint8_t* valid = nullptr;
    const Column* column = nullptr;
  };
  struct D64 {  // Ints and timestamps.
    const int64_t* v = nullptr;
    const uint8_t* valid = nullptr;
    int64_t per_second = 1;
  };
  struct F64 {
    const double* v = nullptr;
    const uint8_t* valid = nullptr;
  };
  struct B8 {
    const uint8_t* v = nullptr;
    const uint8_t* valid = nullptr;
  };

  static const Table* Tab(const Snapshot& snap, const char* name) {
    const Table* t = snap.FindTable(name);
    if (t == nullptr) HandLoopFail(std::string("no table ") + name);
    return t;
  }
  const Column& Col(const Table& t, const char* name, TypeId type) const {
    const Column* c = t.FindColumn(name);
    if (c == nullptr || c->type_id() != type)
      HandLoopFail("missing or mistyped column " + t.name() + "." + name);
    return *c;
  }
  const uint8_t* ValidOf(const Column& c) const {
    return c.validity() ? c.validity() : reinterpret_cast<const uint8_t*>(all_valid_.data());
  }
  D32 Date(const Table& t, const char* name) {
    const Column& c = Col(t, name, TypeId::kDate);
    bytes_ += c.ByteSize();
    return {c.Values<int32_t>(), ValidOf(c), &c};
  }
  D32 Present(const Table& t, const char* name) {  // Only IS [NOT] NULL is asked of it.
    const Column* c = t.FindColumn(name);
    if (c == nullptr) HandLoopFail("missing column " + t.name() + "." + name);
    bytes_ += c->validity() ? BitmapBytes(c->size()) : 0;
    return {nullptr, ValidOf(*c), c};
  }
  D32 Dict(const Table& t, const char* name) {
    const Column& c = Col(t, name, TypeId::kString);
    if (!c.is_dictionary())
      HandLoopFail("column " + t.name() + "." + name + " is not dictionary-encoded");
    bytes_ += c.ByteSize();
    return {c.codes(), ValidOf(c), &c};
  }
  D64 Int(const Table& t, const char* name) {
    const Column& c = Col(t, name, TypeId::kInt);
    bytes_ += c.ByteSize();
    return {c.Values<int64_t>(), ValidOf(c), 1};
  }
  D64 Ts(const Table& t, const char* name) {
    const Column& c = Col(t, name, TypeId::kTimestamp);
    bytes_ += c.ByteSize();
    return {c.Values<int64_t>(), ValidOf(c), UnitsPerSecond(c.type().unit)};
  }
  F64 Float(const Table& t, const char* name) {
    const Column& c = Col(t, name, TypeId::kFloat);
    bytes_ += c.ByteSize();
    return {c.Values<double>(), ValidOf(c)};
  }
  B8 Bool(const Table& t, const char* name) {
    const Column& c = Col(t, name, TypeId::kBool);
    bytes_ += c.ByteSize();
    return {c.Values<uint8_t>(), ValidOf(c)};
  }
  template <typename Pred>
  static CodeSet Set(const D32& d, Pred pred) {
    return CodeSet(MatchingCodes(*d.column, pred), d.column->dictionary().size());
  }

  // child row -> parent row through the child's `via`, by a hash of the
  // parent's key strings (-1: NULL or unknown key).
  static std::vector<int32_t> Join(const Table& child, const Table& parent) {
    if (!child.schema().parent.has_value() || child.schema().parent->table != parent.name())
      HandLoopFail(child.name() + " is not a child of " + parent.name());
    const Column* key = parent.key_column();
    const Column* via = child.FindColumn(child.schema().parent->via);
    if (key == nullptr || via == nullptr || key->type_id() != TypeId::kString ||
        via->type_id() != TypeId::kString)
      HandLoopFail("join " + child.name() + " -> " + parent.name() + ": expected string keys");
    absl::flat_hash_map<std::string_view, int32_t> index;
    index.reserve(static_cast<size_t>(parent.num_rows()));
    for (int64_t r = 0; r < parent.num_rows(); ++r)
      index.emplace(key->StringAt(r), static_cast<int32_t>(r));
    std::vector<int32_t> map(static_cast<size_t>(child.num_rows()), -1);
    for (int64_t r = 0; r < child.num_rows(); ++r) {
      if (via->IsNull(r)) continue;
      auto it = index.find(via->StringAt(r));
      if (it != index.end()) map[static_cast<size_t>(r)] = it->second;
    }
    return map;
  }

  // Per-thread state: account flags and "plan has an objective" bytes
  // (padded by a block so 64-byte loads of the last block stay inside).
  void Scratch(int threads) {
    const size_t na = static_cast<size_t>(accounts_->num_rows()) + 64;
    const size_t np = static_cast<size_t>(plans_->num_rows()) + 64;
    while (static_cast<int>(flags_.size()) < threads) {
      flags_.emplace_back(na, 0);
      plan_has_.emplace_back(np, 0);
      counts_.emplace_back();
    }
  }

  void Work(int t, int threads, std::barrier<>* sync) {
    std::memset(flags_[static_cast<size_t>(t)].data(), 0, flags_[static_cast<size_t>(t)].size());
    std::memset(plan_has_[static_cast<size_t>(t)].data(), 0,
                plan_has_[static_cast<size_t>(t)].size());
    counts_[static_cast<size_t>(t)].fill(0);
    ObjectivesPass(t, threads);
    if (sync != nullptr) sync->arrive_and_wait();
    PlansPass(t, threads);
    ContactsPass(t, threads);
    ActivitiesPass(t, threads);
    TasksPass(t, threads);
    PlaybooksPass(t, threads);
    ConversationsPass(t, threads);
    RequestsPass(t, threads);
    if (sync != nullptr) sync->arrive_and_wait();
    AccountsPass(t, threads);
  }

  // 64 bytes of the per-thread arrays at `base`, ORed across threads.
  const uint8_t* Merged(const std::vector<std::vector<uint8_t>>& arrays, int threads, int64_t base,
                        uint8_t* scratch) const {
    if (threads == 1) return arrays[0].data() + base;
    std::memcpy(scratch, arrays[0].data() + base, 64);
    for (int t = 1; t < threads; ++t) {
      const uint8_t* p = arrays[static_cast<size_t>(t)].data() + base;
      for (int j = 0; j < 64; ++j) scratch[j] |= p[j];
    }
    return scratch;
  }

  void Emit(int t, int list, int64_t w, uint64_t word) {
    out_[list][static_cast<size_t>(w)] = word;
    counts_[static_cast<size_t>(t)][list] += std::popcount(word);
  }

  // exists(objectives) per success plan: only the join is read.
  void ObjectivesPass(int t, int threads) {
    const int64_t n = objectives_->num_rows();
    const int64_t lo = n * t / threads, hi = n * (t + 1) / threads;
    const int32_t* map = objective_plan_.data();
    uint8_t* has = plan_has_[static_cast<size_t>(t)].data();
    for (int64_t r = lo; r < hi; ++r) {
      const int32_t p = map[r];
      if (p >= 0) has[p] = 0xFF;
    }
  }

  // success_plans WHERE status IN ('Active', 'Draft') AND exists(objectives) -> kHasGoals.
  void PlansPass(int t, int threads) {
    const int64_t n = plans_->num_rows();
    auto [wb, we] = hub::WordRange(n, t, threads);
    alignas(16) uint8_t bytes[64], merged[64];
    uint8_t* flags = flags_[static_cast<size_t>(t)].data();
    const int32_t* map = plan_account_.data();
    hub::ForBlocks(n, wb, we, [&](int64_t w, auto count, uint64_t mask) {
      const int64_t base = w * 64;
      uint64_t goal = hub::ValidWord(plan_status_.valid, w, count) &
                      hub::CodesIn(active_draft_, plan_status_.v + base, count, bytes) &
                      PackBytes(Merged(plan_has_, threads, base, merged)) & mask;
      hub::ForBits(goal, [&](int j) {
        const int32_t a = map[base + j];
        if (a >= 0) flags[a] |= hub::kHasGoals;
      });
    });
  }

  // contacts: decision maker, key persona, key persona and champion -> flags.
  void ContactsPass(int t, int threads) {
    const int64_t n = contacts_->num_rows();
    auto [wb, we] = hub::WordRange(n, t, threads);
    alignas(16) uint8_t bytes[64], scratch[64];
    uint8_t* flags = flags_[static_cast<size_t>(t)].data();
    const int32_t* map = contact_account_.data();
    hub::ForBlocks(n, wb, we, [&](int64_t w, auto count, uint64_t mask) {
      const int64_t base = w * 64;
      const uint64_t dm = hub::ValidWord(persona_.valid, w, count) &
                          hub::CodesIn(decision_maker_, persona_.v + base, count, bytes);
      const uint64_t key = hub::ValidWord(is_key_persona_.valid, w, count) &
                           hub::PackNonZero(hub::Bytes64(is_key_persona_.v + base, count, scratch));
      const uint64_t champ = key & hub::ValidWord(is_champion_.valid, w, count) &
                             hub::PackNonZero(hub::Bytes64(is_champion_.v + base, count, scratch));
      hub::ForBits((dm | key) & mask, [&](int j) {
        const int32_t a = map[base + j];
        if (a < 0) return;
        flags[a] |= static_cast<uint8_t>(((dm >> j) & 1) * hub::kHasDecisionMaker |
                                         ((key >> j) & 1) * hub::kHasKeyPersona |
                                         ((champ >> j) & 1) * hub::kHasKeyChampion);
      });
    });
  }

  // activities: the `activity` and `meetings` lists, and recent meetings -> flags.
  void ActivitiesPass(int t, int threads) {
    const int64_t n = activities_->num_rows();
    auto [wb, we] = hub::WordRange(n, t, threads);
    alignas(16) uint8_t bytes[64];
    uint8_t* flags = flags_[static_cast<size_t>(t)].data();
    const int32_t* map = activity_account_.data();
    const uint64_t from = static_cast<uint64_t>(activity_from_);
    const uint64_t span = static_cast<uint64_t>(activity_to_ - activity_from_);  // from <= ts < to
    const int64_t meeting_from = meeting_from_;
    hub::ForBlocks(n, wb, we, [&](int64_t w, auto count, uint64_t mask) {
      const int64_t base = w * 64;
      const int64_t* at = occurred_at_.v + base;
      alignas(16) uint8_t in_window[64], since[64];
      for (int64_t j = 0; j < count; ++j) {  // One read of each timestamp for both bounds.
        const int64_t x = at[j];
        in_window[j] = static_cast<uint64_t>(x) - from < span ? 0xFF : 0;
        since[j] = x >= meeting_from ? 0xFF : 0;
      }
      const uint64_t ts_valid = hub::ValidWord(occurred_at_.valid, w, count);
      const uint64_t recent = ts_valid & PackBytes(in_window);
      const uint64_t meeting = hub::ValidWord(kind_.valid, w, count) &
                               hub::CodesIn(meeting_, kind_.v + base, count, bytes);
      Emit(t, hub::kActivity, w, recent & mask);
      Emit(t, hub::kMeetings, w, meeting & recent & mask);
      hub::ForBits(meeting & ts_valid & PackBytes(since) & mask, [&](int j) {
        const int32_t a = map[base + j];
        if (a >= 0) flags[a] |= hub::kHasRecentMeeting;
      });
    });
  }

  // tasks: tasks_due, future_due_dates.
  void TasksPass(int t, int threads) {
    const int64_t n = tasks_->num_rows();
    auto [wb, we] = hub::WordRange(n, t, threads);
    alignas(16) uint8_t bytes[64];
    const int32_t today = today_, from = due_from_;
    const uint32_t span = upcoming_span_;
    const uint64_t future_ok = upcoming_empty_ ? 0 : ~uint64_t{0};
    hub::ForBlocks(n, wb, we, [&](int64_t w, auto count, uint64_t mask) {
      const int64_t base = w * 64;
      const int32_t* due = due_date_.v + base;
      const uint64_t open = hub::ValidWord(task_status_.valid, w, count) &
                            hub::CodesIn(not_done_, task_status_.v + base, count, bytes) &
                            hub::ValidWord(due_date_.valid, w, count) & mask;
      Emit(t, hub::kTasksDue, w,
           open & hub::Mask(due, count, bytes, [today](int32_t d) { return d <= today; }));
      Emit(t, hub::kFutureDueDates, w,
           open & future_ok & hub::Mask(due, count, bytes, [from, span](int32_t d) {
             return static_cast<uint32_t>(d) - static_cast<uint32_t>(from) <= span;
           }));
    });
  }

  // playbooks: NOT is_template AND end_date BETWEEN today AND today + 30.
  void PlaybooksPass(int t, int threads) {
    const int64_t n = playbooks_->num_rows();
    auto [wb, we] = hub::WordRange(n, t, threads);
    alignas(16) uint8_t bytes[64], scratch[64];
    const int32_t today = today_;
    const uint32_t span = ending_span_;
    const uint64_t ok = ending_empty_ ? 0 : ~uint64_t{0};
    hub::ForBlocks(n, wb, we, [&](int64_t w, auto count, uint64_t mask) {
      const int64_t base = w * 64;
      Emit(t, hub::kProjectsEnding, w,
           hub::ValidWord(is_template_.valid, w, count) &
               ~hub::PackNonZero(hub::Bytes64(is_template_.v + base, count, scratch)) &
               hub::ValidWord(end_date_.valid, w, count) &
               hub::Mask(end_date_.v + base, count, bytes,
                         [today, span](int32_t d) {
                           return static_cast<uint32_t>(d) - static_cast<uint32_t>(today) <= span;
                         }) &
               ok & mask);
    });
  }

  // conversations: status = 'scheduled' AND send_date = today.
  void ConversationsPass(int t, int threads) {
    const int64_t n = conversations_->num_rows();
    auto [wb, we] = hub::WordRange(n, t, threads);
    alignas(16) uint8_t bytes[64];
    const int32_t today = today_;
    hub::ForBlocks(n, wb, we, [&](int64_t w, auto count, uint64_t mask) {
      const int64_t base = w * 64;
      uint64_t word = hub::ValidWord(conversation_status_.valid, w, count) &
                      hub::CodesIn(scheduled_, conversation_status_.v + base, count, bytes);
      word &=
          hub::ValidWord(send_date_.valid, w, count) &
          hub::Mask(send_date_.v + base, count, bytes, [today](int32_t d) { return d == today; });
      Emit(t, hub::kPendingConversations, w, word & mask);
    });
  }

  // requests: priority IN ('critical', 'high') AND status IN ('open', 'planned').
  void RequestsPass(int t, int threads) {
    const int64_t n = requests_->num_rows();
    auto [wb, we] = hub::WordRange(n, t, threads);
    alignas(16) uint8_t bytes[64];
    hub::ForBlocks(n, wb, we, [&](int64_t w, auto count, uint64_t mask) {
      const int64_t base = w * 64;
      uint64_t word = hub::ValidWord(priority_.valid, w, count) &
                      hub::CodesIn(critical_high_, priority_.v + base, count, bytes);
      word &= hub::ValidWord(request_status_.valid, w, count) &
              hub::CodesIn(open_planned_, request_status_.v + base, count, bytes);
      Emit(t, hub::kOpenRequests, w, word & mask);
    });
  }

  // accounts: the six segments once per block, then the 20 lists.
  void AccountsPass(int t, int threads) {
    const int64_t n = accounts_->num_rows();
    auto [wb, we] = hub::WordRange(n, t, threads);
    alignas(16) uint8_t bytes[64], merged[64];
    const int32_t today = today_, pulse_cut = pulse_cut_, review_cut = review_cut_,
                  nps_after = nps_after_, event_from = event_from_, churn_from = churn_from_,
                  renewed_from = renewed_from_;
    const uint32_t window = window_, churn_span = churn_span_, renewed_span = renewed_span_;
    const uint64_t churn_ok = churn_empty_ ? 0 : ~uint64_t{0},
                   renewed_ok = renewed_empty_ ? 0 : ~uint64_t{0};
    const double ratio = usage_ratio_, min_arr = escalation_min_arr_;
    const int64_t detractor_max = detractor_max_, unengaged_before = unengaged_before_,
                  drop = health_drop_;
    hub::ForBlocks(n, wb, we, [&](int64_t w, auto count, uint64_t mask) {
      const int64_t base = w * 64;
      auto valid = [&](const auto& col) { return hub::ValidWord(col.valid, w, count); };
      auto before = [&](const D32& d, int32_t cut) {  // d < cut
        return valid(d) & hub::Mask(d.v + base, count, bytes, [cut](int32_t x) { return x < cut; });
      };
      auto within = [&](const D32& d, int32_t from, uint32_t span) {  // from <= d <= from + span
        return valid(d) & hub::Mask(d.v + base, count, bytes, [from, span](int32_t x) {
                 return static_cast<uint32_t>(x) - static_cast<uint32_t>(from) <= span;
               });
      };

      // Segments.
      const uint64_t churned_valid = valid(churned_at_);
      const uint64_t customer = ~churned_valid & mask;  // churned_at IS NULL
      const uint64_t in_window = within(renewal_date_, today, window);
      const uint64_t usage_dropped =
          valid(usage_30d_) & valid(usage_prev_30d_) &
          hub::MaskF64(
              usage_30d_.v + base, usage_prev_30d_.v + base, count, bytes,
              [r = _mm_set1_pd(ratio)](__m128d u, __m128d p) {
                return _mm_cmplt_pd(u, _mm_mul_pd(r, p));
              },
              [ratio](double u, double p) { return u < ratio * p; });
      const uint64_t recent_detractor =
          valid(nps_score_) & valid(nps_responded_at_) &
          hub::Mask(nps_score_.v + base, count, bytes,
                    [detractor_max](int64_t s) { return s <= detractor_max; }) &
          hub::Mask(nps_responded_at_.v + base, count, bytes,
                    [nps_after](int32_t d) { return d > nps_after; });
      const uint64_t recent_important_event =
          valid(important_event_) & valid(important_event_at_) &
          hub::Mask(important_event_at_.v + base, count, bytes,
                    [event_from](int32_t d) { return d >= event_from; });
      const uint64_t renewal_risk =
          valid(forecast_sentiment_) &
          hub::CodesIn(risky_, forecast_sentiment_.v + base, count, bytes);

      // Related-record flags.
      const uint8_t* f = Merged(flags_, threads, base, merged);
      const uint64_t has_dm = hub::PackBit(f, 0), has_key = hub::PackBit(f, 1),
                     has_champ = hub::PackBit(f, 2), has_goals = hub::PackBit(f, 3),
                     has_meeting = hub::PackBit(f, 4);

      // Other columns.
      const uint64_t pulse_valid = valid(pulse_);
      const uint64_t arr_valid = valid(arr_), ago_valid = valid(arr_year_ago_);
      const uint64_t touch_valid = valid(last_touch_);
      const int64_t* touch = last_touch_.v + base;
      const double* arr = arr_.v + base;
      const double* ago = arr_year_ago_.v + base;
      const uint64_t review_valid = valid(last_value_review_);

      Emit(t, hub::kOutdatedPulse, w,
           customer & (~pulse_valid | before(pulse_changed_at_, pulse_cut)));
      Emit(t, hub::kValueReviewDue, w,
           customer &
               ((review_valid & hub::Mask(last_value_review_.v + base, count, bytes,
                                          [review_cut](int32_t d) { return d < review_cut; })) |
                (~review_valid & before(created_at_, review_cut))));
      Emit(t, hub::kTimelyIndicators, w,
           customer & (usage_dropped | recent_detractor | recent_important_event));
      Emit(t, hub::kUsageDrop, w, customer & usage_dropped);
      Emit(t, hub::kNpsDetractors, w, customer & recent_detractor);
      Emit(t, hub::kEmptyForecast, w, customer & in_window & ~valid(forecast_));
      Emit(t, hub::kNoDecisionMaker, w, customer & ~has_dm);
      Emit(t, hub::kNoGoals, w, customer & ~has_goals);
      Emit(t, hub::kNoChampion, w, customer & has_key & ~has_champ);
      Emit(t, hub::kRenewalNoMeeting, w, customer & in_window & ~has_meeting);
      Emit(t, hub::kUnengaged, w,
           customer & (~touch_valid |
                       (touch_valid & hub::Mask(touch, count, bytes, [unengaged_before](int64_t x) {
                          return x < unengaged_before;
                        }))));
      Emit(t, hub::kRenewalRisks, w, customer & renewal_risk);
      Emit(t, hub::kEscalations, w,
           customer & pulse_valid & hub::CodesIn(red_, pulse_.v + base, count, bytes) & arr_valid &
               hub::MaskF64(
                   arr, arr, count, bytes,
                   [m = _mm_set1_pd(min_arr)](__m128d x, __m128d) { return _mm_cmpge_pd(x, m); },
                   [min_arr](double x, double) { return x >= min_arr; }));
      Emit(t, hub::kForecast, w, customer & in_window);
      Emit(t, hub::kChurned, w, within(churned_at_, churn_from, churn_span) & churn_ok & mask);
      Emit(t, hub::kRenewed, w,
           customer & within(renewed_at_, renewed_from, renewed_span) & renewed_ok);
      Emit(t, hub::kNrrCohort, w, ago_valid & mask);
      const uint64_t both = customer & arr_valid & ago_valid;
      Emit(t, hub::kExpansions, w,
           both & hub::MaskF64(
                      arr, ago, count, bytes,
                      [](__m128d a, __m128d b) { return _mm_cmpgt_pd(a, b); },
                      [](double a, double b) { return a > b; }));
      Emit(t, hub::kContractions, w,
           both & hub::MaskF64(
                      arr, ago, count, bytes,
                      [](__m128d a, __m128d b) { return _mm_cmplt_pd(a, b); },
                      [](double a, double b) { return a < b; }));
      // health_declined reads prev(health_score, INTERVAL 30 DAY): the
      // benchmark has no history, so it is NULL and the list is empty.
      (void)drop;
      Emit(t, hub::kHealthDeclined, w, 0);
    });
  }

  const Table *accounts_, *contacts_, *tasks_, *plans_, *objectives_, *playbooks_, *activities_,
      *conversations_, *requests_;
  std::vector<uint64_t> all_valid_;
  int64_t bytes_ = 0;

  // Constants folded from as_of, the zone and the params.
  int32_t today_ = 0, pulse_cut_ = 0, review_cut_ = 0, nps_after_ = 0, event_from_ = 0,
          due_from_ = 0, churn_from_ = 0, renewed_from_ = 0;
  uint32_t window_ = 0, upcoming_span_ = 0, ending_span_ = 0, churn_span_ = 0, renewed_span_ = 0;
  bool upcoming_empty_ = false, ending_empty_ = false, churn_empty_ = false, renewed_empty_ = false;
  double usage_ratio_ = 0, escalation_min_arr_ = 0;
  int64_t detractor_max_ = 0, health_drop_ = 0;
  int64_t unengaged_before_ = 0, activity_from_ = 0, activity_to_ = 0,
          meeting_from_ = 0;  // Column units.

  // Columns.
  D32 churned_at_, pulse_, pulse_changed_at_, last_value_review_, created_at_, nps_responded_at_,
      important_event_, important_event_at_, renewal_date_, forecast_, forecast_sentiment_,
      renewed_at_;
  F64 usage_30d_, usage_prev_30d_, arr_, arr_year_ago_;
  D64 nps_score_, health_score_, health_score_prev_, last_touch_, occurred_at_;
  D32 persona_, plan_status_, kind_, task_status_, due_date_, end_date_, conversation_status_,
      send_date_, priority_, request_status_;
  B8 is_key_persona_, is_champion_, is_template_;

  // Dictionary entries each string test accepts.
  CodeSet risky_{{}, 0}, red_{{}, 0}, decision_maker_{{}, 0}, active_draft_{{}, 0}, meeting_{{}, 0},
      not_done_{{}, 0}, scheduled_{{}, 0}, critical_high_{{}, 0}, open_planned_{{}, 0};

  // Joins (built once).
  std::vector<int32_t> contact_account_, plan_account_, objective_plan_, activity_account_;

  // Per-thread scratch and results.
  std::vector<std::vector<uint8_t>> flags_, plan_has_;
  struct alignas(64) Counts {  // One cache line apart: threads count without sharing.
    std::array<int64_t, hub::kNumLists> c;
    void fill(int64_t v) { c.fill(v); }
    int64_t& operator[](int k) { return c[static_cast<size_t>(k)]; }
  };
  std::vector<Counts> counts_;
  std::vector<uint64_t> out_[hub::kNumLists];
  int64_t count_[hub::kNumLists] = {};
};

}  // namespace docket::bench

#endif  // DOCKET_BENCHMARKS_HUB_HAND_LOOP_H_
