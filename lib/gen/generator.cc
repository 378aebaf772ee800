// The sample-data generator: accounts and their related records, built
// column by column in memory.  See generator.h for the guarantees.
//
// How realism is arranged: each account draws its attributes from its own
// stream, with rates chosen so that every example rule finds rows for every
// CSM in a 2,000-account sample (e.g. 7% of accounts answered NPS in the last
// week, 4% were created 20-40 days ago, 12% of tasks are due today).  The
// rates are documented next to the code that uses them; tests/gen checks the
// rules against the sample.
#include "gen/generator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "docket/column.h"
#include "docket/table.h"
#include "gen/column_writer.h"
#include "gen/random.h"
#include "gen/reps.h"

namespace docket::gen {
namespace {

constexpr int32_t kNullDate = INT32_MIN;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kMicros = 1000000;

// Stream tags: one per table for row contents, and one per table for the
// number of children an account has (so a table can know how many rows a
// sibling table has for the same account without generating them).
enum Tag : uint64_t {
  kAccounts = 1,
  kContacts,
  kTasks,
  kSuccessPlans,
  kObjectives,
  kPlaybooks,
  kActivities,
  kConversations,
  kOpportunities,
  kRequests,
  kCountTag = 1000,
};

// ---- Vocabulary -----------------------------------------------------------

constexpr const char* kCsmFirst[] = {"Alice",  "Bruno", "Chloé", "Dev",   "Emeka", "Fatima",
                                     "Gustav", "Hana",  "Ivan",  "Julia", "Kofi",  "Laura",
                                     "Miguel", "Nora",  "Owen",  "Priya"};
constexpr const char* kCsmLast[] = {"Chen",      "Díaz",      "Martin", "Patel", "Okafor", "Zahra",
                                    "Lindqvist", "Kobayashi", "Petrov", "Nowak", "Mensah", "Rossi",
                                    "Santos",    "Schmidt",   "Murphy", "Raman"};

constexpr const char* kCompanyWord[] = {
    "Blue",   "Northwind", "Acme",      "Summit", "Bright",  "Granite", "Silver",  "Cedar",
    "Harbor", "Quantum",   "Evergreen", "Lumen",  "Nimbus",  "Orchid",  "Pioneer", "Redwood",
    "Sable",  "Tidal",     "Vector",    "Willow", "Zenith",  "Atlas",   "Beacon",  "Cobalt",
    "Delta",  "Ember",     "Falcon",    "Golden", "Horizon", "Ivory",   "Juniper", "Keystone"};
constexpr const char* kCompanyNoun[] = {"Analytics", "Logistics", "Health",   "Foods",
                                        "Robotics",  "Energy",    "Media",    "Capital",
                                        "Software",  "Systems",   "Labs",     "Networks",
                                        "Retail",    "Studios",   "Dynamics", "Outfitters"};
constexpr const char* kCompanySuffix[] = {"Inc.", "LLC",   "Ltd",   "GmbH",
                                          "Co.",  "Group", "Corp.", ""};
// Names that exercise unicode and CSV quoting (about 3% of accounts).
constexpr const char* kSpecialCompany[] = {
    "Ünal GmbH",
    "株式会社サクラ",
    "Smith, Jones & Partners",
    "The \"Best\" Widget Co.",
    "Café Olé S.A.",
    "Zoë's Bakery, Inc.",
    "Ålesund Fiskeri AS",
    "Łódź Logistics sp. z o.o.",
    "Société d'Études Numériques",
    "北京数据科技有限公司",
    "Müller & Söhne KG",
    "O'Brien, Walsh and Daughters",
    "Ωmega \"Labs\", Ltd",
    "Ñandú Software S.L.",
};

struct Person {
  const char* name;
  const char* ascii;  // For e-mail addresses.
};
constexpr Person kFirst[] = {
    {"Aiko", "aiko"},     {"Ben", "ben"},           {"Carla", "carla"}, {"Dmitri", "dmitri"},
    {"Elif", "elif"},     {"François", "francois"}, {"Grace", "grace"}, {"Hiro", "hiro"},
    {"Ingrid", "ingrid"}, {"José", "jose"},         {"Kwame", "kwame"}, {"Lena", "lena"},
    {"Mateo", "mateo"},   {"Nadia", "nadia"},       {"Omar", "omar"},   {"Priya", "priya"},
    {"Quinn", "quinn"},   {"Rosa", "rosa"},         {"Søren", "soren"}, {"Tomás", "tomas"},
    {"Uma", "uma"},       {"Viktor", "viktor"},     {"Wei", "wei"},     {"Yara", "yara"},
    {"Zoë", "zoe"},       {"Sam", "sam"},           {"Maria", "maria"}, {"David", "david"},
    {"Sarah", "sarah"},   {"James", "james"},       {"Mei", "mei"},     {"Lucas", "lucas"}};
constexpr Person kLast[] = {{"Anderson", "anderson"}, {"Brown", "brown"},
                            {"Çelik", "celik"},       {"Dubois", "dubois"},
                            {"Eriksen", "eriksen"},   {"Fischer", "fischer"},
                            {"García", "garcia"},     {"Hughes", "hughes"},
                            {"Ivanova", "ivanova"},   {"Jensen", "jensen"},
                            {"Kim", "kim"},           {"López", "lopez"},
                            {"Müller", "muller"},     {"Nakamura", "nakamura"},
                            {"O'Neil", "oneil"},      {"Petrov", "petrov"},
                            {"Quispe", "quispe"},     {"Rossi", "rossi"},
                            {"Silva", "silva"},       {"Tanaka", "tanaka"},
                            {"Ünal", "unal"},         {"Virtanen", "virtanen"},
                            {"Wójcik", "wojcik"},     {"Xu", "xu"},
                            {"Yilmaz", "yilmaz"},     {"Zhang", "zhang"},
                            {"Smith", "smith"},       {"Johnson", "johnson"},
                            {"Okoro", "okoro"},       {"Haddad", "haddad"},
                            {"Kowalski", "kowalski"}, {"Ng", "ng"}};
constexpr const char* kTitles[] = {"VP Customer Experience",
                                   "Director of Operations",
                                   "Head of Data",
                                   "CTO",
                                   "CFO",
                                   "Operations Manager",
                                   "IT Administrator",
                                   "Analyst",
                                   "Team Lead",
                                   "Product Manager",
                                   "Chief Revenue Officer",
                                   "Office Manager"};

constexpr const char* kSegments[] = {"Enterprise", "Mid-Market", "SMB"};
constexpr const char* kPulses[] = {"green", "yellow", "red"};
constexpr const char* kForecasts[] = {"commit", "best case", "pipeline", "omitted"};
constexpr const char* kSentiments[] = {"likely renew", "neutral", "at risk", "likely churn"};
constexpr const char* kEvents[] = {
    "exec sponsor left", "acquisition",       "new executive sponsor",    "funding round",
    "layoffs announced", "security incident", "expansion to a new region"};
constexpr const char* kPersonas[] = {"decision maker", "champion", "executive sponsor", "user",
                                     "admin"};
constexpr const char* kTaskNames[] = {"Send QBR deck",
                                      "Follow up on open support escalation",
                                      "Schedule executive business review",
                                      "Confirm renewal terms",
                                      "Review adoption dashboard with admin",
                                      "Kick-off call",
                                      "Collect NPS follow-up",
                                      "Share release notes: Q4 features",
                                      "Map stakeholders, identify champion",
                                      "Prepare success plan",
                                      "Check in after go-live",
                                      "Update CRM notes"};
constexpr const char* kTaskStatus[] = {"open", "in progress", "done"};
constexpr const char* kPlanNames[] = {"Onboarding plan",   "Adoption plan",       "Expansion plan",
                                      "Renewal readiness", "Executive alignment", "Get-well plan"};
constexpr const char* kPlanStatus[] = {"Active", "Draft", "Completed"};
constexpr const char* kObjectiveNames[] = {
    "Reduce time-to-value to 30 days",   "Roll out to the EMEA team",
    "Integrate with Salesforce",         "Train 50 new users",
    "Launch the \"Insights\" dashboard", "Consolidate tools, retire legacy system",
    "Reach 80% weekly active users",     "Automate monthly reporting"};
constexpr const char* kPriorities[] = {"High", "Medium", "Low"};
constexpr const char* kObjectiveStatus[] = {"Not Started", "In Progress", "Achieved", "Missed"};
constexpr const char* kPlaybookNames[] = {"Onboarding",      "Renewal",
                                          "Risk mitigation", "Expansion",
                                          "CSM transition",  "Executive business review",
                                          "Adoption push",   "Post go-live check-in"};
constexpr const char* kPlaybookStatus[] = {"Green", "Yellow", "Red"};
constexpr const char* kKinds[] = {"meeting", "email", "call"};
constexpr int64_t kMeetingMinutes[] = {15, 30, 30, 45, 60, 60, 90};
constexpr const char* kSubjects[] = {"Your quarterly review is coming up",
                                     "Welcome aboard!",
                                     "New features in the December release",
                                     "How is it going, after go-live?",
                                     "Renewal: next steps",
                                     "We'd love your feedback (NPS)"};
constexpr const char* kConversationStatus[] = {"scheduled", "sent", "draft"};
constexpr const char* kOpportunityNames[] = {"Renewal FY27", "Expansion: +50 seats",
                                             "Upsell: Analytics add-on",
                                             "Cross-sell: Premium support", "Multi-year renewal"};
constexpr const char* kStages[] = {"prospecting", "proposal", "negotiation", "closed won",
                                   "closed lost"};
constexpr const char* kRequestTitles[] = {"SSO with Okta",
                                          "Bulk export to CSV",
                                          "Audit log API",
                                          "Custom roles & permissions",
                                          "Dark mode",
                                          "Salesforce two-way sync",
                                          "Data residency in the EU",
                                          "Faster dashboard loading"};
constexpr const char* kRequestPriority[] = {"critical", "high", "normal"};
constexpr const char* kRequestStatus[] = {"open", "planned", "shipped", "declined"};

template <typename T, size_t N>
constexpr int64_t Len(const T (&)[N]) {
  return static_cast<int64_t>(N);
}

// Picks an index by integer weights (in percent or any unit).
template <size_t N>
int Pick(Rng& r, const int (&weights)[N]) {
  int total = 0;
  for (int w : weights) total += w;
  int64_t x = r.Below(total);
  for (size_t i = 0; i < N; ++i) {
    if (x < weights[i]) return static_cast<int>(i);
    x -= weights[i];
  }
  return static_cast<int>(N - 1);
}

// ---- Identifiers ----------------------------------------------------------

// A small fixed buffer for building ids and names without heap allocation.
class TextBuf {
 public:
  void Clear() { n_ = 0; }
  TextBuf& Add(std::string_view s) {
    size_t k = std::min(s.size(), sizeof(buf_) - n_);
    std::memcpy(buf_ + n_, s.data(), k);
    n_ += k;
    return *this;
  }
  TextBuf& AddChar(char c) {
    if (n_ < sizeof(buf_)) buf_[n_++] = c;
    return *this;
  }
  // Decimal, zero-padded to `width` digits.
  TextBuf& AddNumber(int64_t v, int width = 0) {
    char tmp[24];
    int k = 0;
    do {
      tmp[k++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v > 0);
    while (k < width) tmp[k++] = '0';
    while (k > 0) AddChar(tmp[--k]);
    return *this;
  }
  std::string_view view() const { return std::string_view(buf_, n_); }

 private:
  char buf_[160];
  size_t n_ = 0;
};

// ---- Accounts -------------------------------------------------------------

struct Account {
  int64_t number = 0;    // 1-based; the id is A + number.
  char digits[24] = {};  // `number` zero-padded, formatted once for every id.
  int num_digits = 0;
  bool exists = true;  // False for the phantom parents of orphan rows.
  int segment = 0;
  int csm = -1;  // Index into the CSM names; -1 = unassigned (the pool).
  int previous_csm = -1;
  int32_t csm_changed_at = kNullDate;
  double arr = 0;
  double arr_year_ago = -1;  // < 0: NULL.
  int pulse = -1;
  int32_t pulse_changed_at = kNullDate;
  int64_t health = -1, health_prev = -1;
  int32_t last_value_review = kNullDate;
  int32_t renewal_date = kNullDate;
  int forecast = -1, sentiment = -1;
  int32_t created_at = 0, subscription_start = 0, go_live = kNullDate;
  double usage = -1, usage_prev = -1;  // < 0: NULL.
  int32_t key_feature = kNullDate;
  int64_t last_touch = -1;  // Seconds since the epoch; < 0: NULL.
  int64_t nps = -1;
  int32_t nps_at = kNullDate;
  int32_t churned_at = kNullDate, renewed_at = kNullDate;
  int event = -1;
  int32_t event_at = kNullDate;
  int name_word = 0, name_noun = 0, name_suffix = 0, name_special = -1;
};

class Generator {
 public:
  explicit Generator(const GenOptions& o)
      : o_(o),
        today_(
            DaysFromCivil(static_cast<int32_t>(o.as_of.year()), o.as_of.month(), o.as_of.day())) {
    csms_ = CsmNames(o.num_csms);
    year_ago_ = AddMonths(today_, -12);
    int64_t max_number = o.num_accounts + o.orphan_rows;
    width_ = 7;
    for (int64_t p = 10000000; p <= max_number; p *= 10) ++width_;
  }

  absl::StatusOr<Snapshot> Run();

 private:
  void InitOutputs(double share);
  void GenerateRange(int64_t lo, int64_t hi);

 private:
  struct Builders {
    const TableSchema* schema = nullptr;
    std::vector<ColumnWriter> cols;
    ColumnWriter& operator[](int i) { return cols[i]; }
  };
  std::vector<std::string_view> DictionaryFor(std::string_view table,
                                              std::string_view column) const;

  void MakeAccount(int64_t number, Account* a) const;
  int64_t ChildCount(Tag table, int64_t number, double mean) const;
  int OtherCsm(Rng& r, int csm) const;
  int OwnerFor(Rng& r, const Account& a, int keep_percent) const;
  int32_t Clamp(int32_t d, int32_t lo, int32_t hi) const { return std::max(lo, std::min(hi, d)); }
  int64_t TimeOfDay(Rng& r) const { return 14 * 3600 + r.Below(8 * 3600); }  // 9:00-17:00 New York.

  static std::string_view Digits(const Account& a) {
    return std::string_view(a.digits, a.num_digits);
  }
  std::string_view AccountId(const Account& a, TextBuf* b) const {
    b->Clear();
    return b->AddChar('A').Add(Digits(a)).view();
  }
  std::string_view ChildId(std::string_view prefix, const Account& a, int64_t k, TextBuf* b,
                           int64_t k2 = -1) const {
    b->Clear();
    b->Add(prefix).Add(Digits(a)).AddChar('-').AddNumber(k);
    if (k2 >= 0) b->AddChar('-').AddNumber(k2);
    return b->view();
  }

  void AppendAccount(const Account& a);
  void AppendContacts(const Account& a, int64_t n);
  void AppendTasks(const Account& a, int64_t n);
  void AppendSuccessPlans(const Account& a, int64_t n);
  void AppendObjectives(const Account& a, int64_t plans, bool orphan);
  void AppendPlaybooks(const Account& a, int64_t n);
  void AppendActivities(const Account& a, int64_t n);
  void AppendConversations(const Account& a, int64_t n);
  void AppendOpportunities(const Account& a, int64_t n);
  void AppendRequests(const Account& a, int64_t n);

  const GenOptions& o_;
  int32_t today_;
  int32_t year_ago_;
  int width_;
  std::vector<std::string> csms_;
  Schema schema_ = ExampleSchema();
  std::vector<Builders> out_;  // Indexed by Tag - 1; empty cols when not wanted.
  std::vector<bool> want_;     // Indexed by Tag - 1.
};

void AppendDate(ColumnWriter& b, int32_t d) {
  if (d == kNullDate) {
    b.AppendNull();
  } else {
    b.AppendDate(d);
  }
}
// A vocabulary index (or NULL for -1) into a dictionary column.
void AppendCode(ColumnWriter& b, int i) { b.AppendCode(i); }
void AppendIntOrNull(ColumnWriter& b, int64_t v) {
  if (v < 0) {
    b.AppendNull();
  } else {
    b.AppendInt(v);
  }
}
void AppendFloatOrNull(ColumnWriter& b, double v) {
  if (v < 0) {
    b.AppendNull();
  } else {
    b.AppendFloat(v);
  }
}

int64_t Generator::ChildCount(Tag table, int64_t number, double mean) const {
  if (mean <= 0) return 0;
  Rng r(o_.seed, kCountTag + table, static_cast<uint64_t>(number));
  // Uniform on [0, 2*mean), then randomized rounding: the mean is exact.
  double x = 2 * mean * r.Unit();
  double whole = std::floor(x);
  return static_cast<int64_t>(whole) + (r.Unit() < x - whole ? 1 : 0);
}

int Generator::OtherCsm(Rng& r, int csm) const {
  int n = static_cast<int>(csms_.size());
  if (csm < 0) return static_cast<int>(r.Below(n));
  if (n == 1) return csm;
  int other = static_cast<int>(r.Below(n - 1));
  return other >= csm ? other + 1 : other;
}

// The owner of a child record: the account's CSM `keep_percent` of the time,
// else a colleague (covering, or the pool when the account is unassigned).
int Generator::OwnerFor(Rng& r, const Account& a, int keep_percent) const {
  if (a.csm >= 0 && r.Percent(keep_percent)) return a.csm;
  if (a.csm < 0) return -1;
  return OtherCsm(r, a.csm);
}

void Generator::MakeAccount(int64_t number, Account* a) const {
  Rng r(o_.seed, kAccounts, static_cast<uint64_t>(number));
  const int32_t t = today_;
  a->number = number;
  TextBuf digits;
  digits.AddNumber(number, width_);
  a->num_digits = static_cast<int>(digits.view().size());
  std::memcpy(a->digits, digits.view().data(), digits.view().size());
  a->segment = Pick(r, {20, 35, 45});
  // The pool: 30% of SMB and a few mid-market accounts have no CSM.
  static constexpr int kUnassignedPercent[] = {0, 3, 30};
  a->csm = r.Percent(kUnassignedPercent[a->segment]) ? -1 : static_cast<int>(r.Below(csms_.size()));

  // Names.
  if (r.Permille(30)) {
    a->name_special = static_cast<int>(r.Below(Len(kSpecialCompany)));
  } else {
    a->name_word = static_cast<int>(r.Below(Len(kCompanyWord)));
    a->name_noun = static_cast<int>(r.Below(Len(kCompanyNoun)));
    a->name_suffix = static_cast<int>(r.Below(Len(kCompanySuffix)));
  }

  // Lifecycle: 4% created 20-40 days ago (onboarding reviews), 8% 41-150
  // days ago (go-live 30-45 days ago), 15% in the rest of the last year.
  // Go-live comes three to five weeks after creation.
  int age_band = Pick(r, {40, 80, 150, 730});
  static constexpr int kAgeLo[] = {20, 41, 151, 366}, kAgeHi[] = {40, 150, 365, 2200};
  a->created_at = t - static_cast<int32_t>(r.Between(kAgeLo[age_band], kAgeHi[age_band]));
  a->subscription_start = std::min(t, a->created_at + static_cast<int32_t>(r.Below(15)));
  int32_t go_live = a->created_at + static_cast<int32_t>(r.Between(21, 35));
  a->go_live = go_live <= t ? go_live : kNullDate;
  const bool tenured = a->subscription_start <= year_ago_;

  // Revenue.
  static constexpr int64_t kArrLo[] = {150000, 30000, 3000}, kArrHi[] = {1200000, 150000, 30000};
  a->arr = static_cast<double>(r.Between(kArrLo[a->segment] / 50, kArrHi[a->segment] / 50) * 50);
  double growth = static_cast<double>(r.Between(80, 125)) / 100.0;
  a->arr_year_ago = tenured ? std::round(a->arr / growth / 50.0) * 50.0 : -1;
  // 8% of tenured accounts churned in the last 500 days: ARR now 0, the
  // lost ARR stays in arr_year_ago when they were still customers then.
  if (tenured && r.Percent(8)) {
    a->churned_at = t - static_cast<int32_t>(r.Between(1, 500));
    a->arr_year_ago = a->churned_at > year_ago_ ? a->arr : -1;
    a->arr = 0;
  } else {
    a->renewal_date = NextAnniversary(a->subscription_start, 12, t);
    int32_t last = AddMonths(a->renewal_date, -12);
    if (last > a->subscription_start && last <= t) a->renewed_at = last;
  }

  // CSM transitions: 14% changed hands (sometimes into the pool), a third
  // of those in the last 30 days.
  if (r.Percent(14) && !(a->csm >= 0 && csms_.size() == 1)) {
    a->previous_csm = OtherCsm(r, a->csm);
    int32_t days = r.Percent(35) ? static_cast<int32_t>(r.Between(0, 29))
                                 : static_cast<int32_t>(r.Between(30, 365));
    a->csm_changed_at = Clamp(t - days, a->created_at, t);
  } else if (a->csm >= 0) {
    a->csm_changed_at = a->created_at;
  }

  // Pulse: 8% never set; 30% of the rest last changed more than 90 days ago.
  if (!r.Percent(8)) {
    a->pulse = Pick(r, {55, 30, 15});
    int32_t days = r.Percent(30) ? static_cast<int32_t>(r.Between(91, 400))
                                 : static_cast<int32_t>(r.Between(0, 90));
    a->pulse_changed_at = Clamp(t - days, a->created_at, t);
  }
  if (a->churned_at != kNullDate && a->pulse >= 0) a->pulse = 2;

  // Health now and 30 days ago.
  if (!r.Percent(3)) a->health = r.Between(20, 100);
  if (a->health >= 0 && !r.Percent(5))
    a->health_prev = std::clamp<int64_t>(a->health + r.Between(-20, 15), 0, 100);

  // Value reviews: 10% never; else within the last 8 months.
  if (!r.Percent(10))
    a->last_value_review = Clamp(t - static_cast<int32_t>(r.Between(0, 240)), a->created_at, t);

  // Forecast: set for 65% of renewals inside 120 days, 15% of the others.
  const bool in_window = a->renewal_date != kNullDate && a->renewal_date - t <= 120;
  if (a->renewal_date != kNullDate && r.Percent(in_window ? 65 : 15))
    a->forecast = Pick(r, {35, 25, 25, 15});
  if (a->forecast >= 0 || r.Percent(30)) a->sentiment = Pick(r, {45, 25, 18, 12});

  // Usage (active-user minutes): 5% without history; 16% dropped by more
  // than 30% against the previous 30 days.
  static constexpr int64_t kUseLo[] = {20000, 5000, 500}, kUseHi[] = {200000, 50000, 8000};
  if (!r.Percent(5)) {
    a->usage_prev = static_cast<double>(r.Between(kUseLo[a->segment], kUseHi[a->segment]));
    int64_t pct = r.Percent(16) ? r.Between(25, 69) : r.Between(70, 140);
    a->usage = std::round(a->usage_prev * static_cast<double>(pct) / 10.0) / 10.0;
  } else if (r.Percent(50)) {
    a->usage = static_cast<double>(r.Between(kUseLo[a->segment], kUseHi[a->segment]));
  }
  // No usage before go-live, and no previous 30-day period until the
  // account has been live for 30 days.
  if (a->go_live == kNullDate) {
    a->usage = a->usage_prev = -1;
  } else if (a->go_live > t - 30) {
    a->usage_prev = -1;
  }

  // Key feature: 35% never; 6% first used it in the last 7 days.
  if (!r.Percent(35)) {
    if (r.Percent(9)) {
      a->key_feature = t - static_cast<int32_t>(r.Between(0, 6));
    } else {
      a->key_feature = a->created_at +
                       static_cast<int32_t>(r.Below(std::max<int32_t>(1, t - 7 - a->created_at)));
    }
    a->key_feature = Clamp(a->key_feature, a->created_at, t);
  }

  // Last touch: 3% never touched; 15% gone dark (more than 45 days).
  if (!r.Percent(3)) {
    int32_t days = r.Percent(15) ? static_cast<int32_t>(r.Between(46, 200))
                                 : static_cast<int32_t>(r.Between(0, 45));
    int32_t day = Clamp(t - days, a->created_at, t);
    a->last_touch = day * kSecondsPerDay + TimeOfDay(r);
  }

  // NPS: half never answered; 7% answered in the last 7 days; 30% of
  // answers are detractors (0-6).
  int nps_band = Pick(r, {50, 7, 43});
  if (nps_band > 0) {
    int score_band = Pick(r, {30, 25, 45});
    static constexpr int kScoreLo[] = {0, 7, 9}, kScoreHi[] = {6, 8, 10};
    a->nps = r.Between(kScoreLo[score_band], kScoreHi[score_band]);
    int32_t days = nps_band == 1 ? static_cast<int32_t>(r.Between(0, 6))
                                 : static_cast<int32_t>(r.Between(7, 365));
    a->nps_at = Clamp(t - days, a->created_at, t);
  }

  // Important events: 8% in the last two weeks, 5% older.
  int event_band = Pick(r, {87, 8, 5});
  if (event_band > 0) {
    a->event = static_cast<int>(r.Below(Len(kEvents)));
    int32_t days = event_band == 1 ? static_cast<int32_t>(r.Between(0, 13))
                                   : static_cast<int32_t>(r.Between(14, 200));
    a->event_at = Clamp(t - days, a->created_at, t);
  }
}

void Generator::AppendAccount(const Account& a) {
  Builders& b = out_[kAccounts - 1];
  TextBuf buf;
  b[0].AppendString(AccountId(a, &buf));
  if (a.name_special >= 0) {
    b[1].AppendString(kSpecialCompany[a.name_special]);
  } else {
    buf.Clear();
    buf.Add(kCompanyWord[a.name_word]).AddChar(' ').Add(kCompanyNoun[a.name_noun]);
    if (kCompanySuffix[a.name_suffix][0] != '\0')
      buf.AddChar(' ').Add(kCompanySuffix[a.name_suffix]);
    b[1].AppendString(buf.view());
  }
  AppendCode(b[2], a.csm);
  AppendCode(b[3], a.previous_csm);
  AppendDate(b[4], a.csm_changed_at);
  b[5].AppendCode(static_cast<int>(a.segment));
  b[6].AppendFloat(a.arr);
  AppendFloatOrNull(b[7], a.arr_year_ago);
  AppendCode(b[8], a.pulse);
  AppendDate(b[9], a.pulse_changed_at);
  AppendIntOrNull(b[10], a.health);
  AppendIntOrNull(b[11], a.health_prev);
  AppendDate(b[12], a.last_value_review);
  AppendDate(b[13], a.renewal_date);
  AppendCode(b[14], a.forecast);
  AppendCode(b[15], a.sentiment);
  AppendDate(b[16], a.created_at);
  AppendDate(b[17], a.subscription_start);
  AppendDate(b[18], a.go_live);
  AppendFloatOrNull(b[19], a.usage);
  AppendFloatOrNull(b[20], a.usage_prev);
  AppendDate(b[21], a.key_feature);
  if (a.last_touch < 0) {
    b[22].AppendNull();
  } else {
    b[22].AppendTimestamp(a.last_touch * kMicros);
  }
  AppendIntOrNull(b[23], a.nps);
  AppendDate(b[24], a.nps_at);
  AppendDate(b[25], a.churned_at);
  AppendDate(b[26], a.renewed_at);
  AppendCode(b[27], a.event);
  AppendDate(b[28], a.event_at);
}

void Generator::AppendContacts(const Account& a, int64_t n) {
  Builders& b = out_[kContacts - 1];
  Rng r(o_.seed, kContacts, static_cast<uint64_t>(a.number));
  TextBuf buf, acct;
  AccountId(a, &acct);
  // 65% of accounts have a decision maker identified (contact 1); in 55% the
  // key people include a champion.
  const bool has_dm = r.Percent(65);
  const bool dm_is_champion = r.Percent(25);
  const int32_t touch_day =
      a.last_touch < 0 ? kNullDate : static_cast<int32_t>(a.last_touch / kSecondsPerDay);
  for (int64_t k = 1; k <= n; ++k) {
    b[0].AppendString(ChildId("C", a, k, &buf));
    b[1].AppendString(acct.view());
    const Person& first = kFirst[r.Below(Len(kFirst))];
    const Person& last = kLast[r.Below(Len(kLast))];
    buf.Clear();
    b[2].AppendString(buf.Add(first.name).AddChar(' ').Add(last.name).view());
    if (r.Percent(5)) {
      b[3].AppendNull();
    } else {
      buf.Clear();
      buf.Add(first.ascii).AddChar('.').Add(last.ascii).AddChar('@').AddChar('a').Add(Digits(a));
      b[3].AppendString(buf.Add(".example.com").view());
    }
    if (r.Percent(8)) {
      b[4].AppendNull();
    } else {
      b[4].AppendCode(static_cast<int>(r.Below(Len(kTitles))));
    }
    int persona;  // -1 = NULL
    if (k == 1 && has_dm) {
      persona = 0;
    } else {
      persona = Pick(r, {has_dm ? 5 : 0, 9, 8, 50, 16, 12});
      if (persona == 5) persona = -1;
    }
    AppendCode(b[5], persona);
    // Key personas: decision makers, champions, executive sponsors, and
    // some admins; unknown for a third of contacts without a persona.
    if (persona == -1 && r.Percent(33)) {
      b[6].AppendNull();
    } else {
      b[6].AppendBool(persona == 0 || persona == 1 || persona == 2 ||
                      (persona == 4 && r.Percent(20)));
    }
    if (r.Percent(4)) {
      b[7].AppendNull();
    } else {
      b[7].AppendBool(persona == 1 || (persona == 0 && dm_is_champion));
    }
    if (touch_day == kNullDate || r.Percent(25)) {
      b[8].AppendNull();
    } else {
      b[8].AppendDate(
          Clamp(touch_day - static_cast<int32_t>(r.Below(120)), a.created_at, touch_day));
    }
  }
}

void Generator::AppendTasks(const Account& a, int64_t n) {
  Builders& b = out_[kTasks - 1];
  Rng r(o_.seed, kTasks, static_cast<uint64_t>(a.number));
  TextBuf buf, acct;
  AccountId(a, &acct);
  const int64_t playbooks =
      a.exists ? ChildCount(kPlaybooks, a.number, o_.playbooks_per_account) : 0;
  for (int64_t k = 1; k <= n; ++k) {
    b[0].AppendString(ChildId("T", a, k, &buf));
    b[1].AppendString(acct.view());
    if (playbooks > 0 && r.Percent(40)) {
      b[2].AppendString(ChildId("PB", a, r.Between(1, playbooks), &buf));
    } else {
      b[2].AppendNull();
    }
    AppendCode(b[3], OwnerFor(r, a, 90));
    b[4].AppendCode(static_cast<int>(r.Below(Len(kTaskNames))));
    // Due: 12% today, 30% in the last month, the rest in the next two months.
    int band = Pick(r, {12, 30, 58});
    int32_t due = band == 0   ? today_
                  : band == 1 ? today_ - static_cast<int32_t>(r.Between(1, 30))
                              : today_ + static_cast<int32_t>(r.Between(1, 60));
    // Past-due tasks are mostly done; the rest are open or in progress.
    int status = band == 1 ? Pick(r, {25, 15, 60}) : Pick(r, {60, 30, 10});
    b[5].AppendCode(static_cast<int>(status));
    AppendDate(b[6], r.Percent(10) ? kNullDate : due - static_cast<int32_t>(r.Between(0, 14)));
    AppendDate(b[7], r.Percent(3) ? kNullDate : due);
    if (r.Percent(3)) {
      b[8].AppendNull();
    } else {
      b[8].AppendBool(r.Percent(9));
    }
  }
}

void Generator::AppendSuccessPlans(const Account& a, int64_t n) {
  Builders& b = out_[kSuccessPlans - 1];
  Rng r(o_.seed, kSuccessPlans, static_cast<uint64_t>(a.number));
  TextBuf buf, acct;
  AccountId(a, &acct);
  for (int64_t k = 1; k <= n; ++k) {
    b[0].AppendString(ChildId("SP", a, k, &buf));
    b[1].AppendString(acct.view());
    b[2].AppendCode(static_cast<int>(r.Below(Len(kPlanNames))));
    AppendCode(b[3], OwnerFor(r, a, 90));
    b[4].AppendCode(static_cast<int>(Pick(r, {60, 25, 15})));
    AppendDate(b[5],
               r.Percent(25) ? kNullDate : today_ + static_cast<int32_t>(r.Between(-30, 120)));
  }
}

void Generator::AppendObjectives(const Account& a, int64_t plans, bool orphan) {
  Builders& b = out_[kObjectives - 1];
  Rng r(o_.seed, kObjectives, static_cast<uint64_t>(a.number));
  TextBuf buf, plan;
  double per_plan = o_.success_plans_per_account > 0
                        ? o_.objectives_per_account / o_.success_plans_per_account
                        : 0;
  for (int64_t p = 1; p <= plans; ++p) {
    // Randomized rounding of a uniform on [0, 2*per_plan), as ChildCount.
    double x = 2 * per_plan * r.Unit();
    int64_t n = static_cast<int64_t>(std::floor(x)) + (r.Unit() < x - std::floor(x) ? 1 : 0);
    // An orphan objective names plan 0 of its phantom account, which exists
    // nowhere (the phantom's own orphan plan is plan 1).
    if (orphan) n = 1;
    const int64_t plan_no = orphan ? 0 : p;
    ChildId("SP", a, plan_no, &plan);
    for (int64_t k = 1; k <= n; ++k) {
      b[0].AppendString(ChildId("OB", a, plan_no, &buf, k));
      b[1].AppendString(plan.view());
      b[2].AppendCode(static_cast<int>(r.Below(Len(kObjectiveNames))));
      AppendCode(b[3], OwnerFor(r, a, 85));
      int priority = Pick(r, {30, 45, 20, 5});
      AppendCode(b[4], priority == 3 ? -1 : priority);
      b[5].AppendCode(static_cast<int>(Pick(r, {25, 45, 20, 10})));
      AppendDate(b[6],
                 r.Percent(5) ? kNullDate : today_ + static_cast<int32_t>(r.Between(-60, 180)));
    }
  }
}

void Generator::AppendPlaybooks(const Account& a, int64_t n) {
  Builders& b = out_[kPlaybooks - 1];
  Rng r(o_.seed, kPlaybooks, static_cast<uint64_t>(a.number));
  TextBuf buf, acct;
  AccountId(a, &acct);
  for (int64_t k = 1; k <= n; ++k) {
    b[0].AppendString(ChildId("PB", a, k, &buf));
    b[1].AppendString(acct.view());
    b[2].AppendCode(static_cast<int>(r.Below(Len(kPlaybookNames))));
    AppendCode(b[3], OwnerFor(r, a, 90));
    int status = Pick(r, {55, 25, 15, 5});
    AppendCode(b[4], status == 3 ? -1 : status);
    int32_t start = today_ + static_cast<int32_t>(r.Between(-120, 30));
    int32_t end = start + static_cast<int32_t>(r.Between(14, 120));
    AppendDate(b[5], start);
    AppendDate(b[6], r.Percent(4) ? kNullDate : end);
    b[7].AppendBool(r.Percent(6));
  }
}

void Generator::AppendActivities(const Account& a, int64_t n) {
  Builders& b = out_[kActivities - 1];
  if (a.last_touch < 0) return;  // Never touched: no activities.
  Rng r(o_.seed, kActivities, static_cast<uint64_t>(a.number));
  TextBuf buf, acct;
  AccountId(a, &acct);
  const int64_t contacts = a.exists ? ChildCount(kContacts, a.number, o_.contacts_per_account) : 0;
  const int64_t created = static_cast<int64_t>(a.created_at) * kSecondsPerDay;
  for (int64_t k = 1; k <= n; ++k) {
    b[0].AppendString(ChildId("AC", a, k, &buf));
    b[1].AppendString(acct.view());
    if (contacts > 0 && !r.Percent(15)) {
      b[2].AppendString(ChildId("C", a, r.Between(1, contacts), &buf));
    } else {
      b[2].AppendNull();
    }
    // The first activity is the last touch; 10% of the others are meetings
    // on the calendar in the next three weeks; the rest precede the last
    // touch by up to 180 days.
    int kind = Pick(r, {35, 50, 15});
    int64_t at;
    if (k == 1) {
      at = a.last_touch;
    } else if (r.Percent(10)) {
      kind = 0;
      at = (today_ + r.Between(1, 21)) * kSecondsPerDay + TimeOfDay(r);
    } else {
      at = std::max(created + TimeOfDay(r),
                    a.last_touch - r.Between(1, 180) * kSecondsPerDay - r.Below(3600));
    }
    int owner = a.csm;
    if (a.previous_csm >= 0 && at < static_cast<int64_t>(a.csm_changed_at) * kSecondsPerDay)
      owner = a.previous_csm;
    if (owner < 0)
      owner = static_cast<int>(r.Below(static_cast<int64_t>(csms_.size())));  // A pool member.
    AppendCode(b[3], owner);
    b[4].AppendCode(static_cast<int>(kind));
    b[5].AppendTimestamp(at * kMicros);
    if (kind == 0) {
      b[6].AppendInt(kMeetingMinutes[r.Below(Len(kMeetingMinutes))]);
    } else if (kind == 2) {
      b[6].AppendInt(r.Between(5, 45));
    } else {
      b[6].AppendNull();
    }
  }
}

void Generator::AppendConversations(const Account& a, int64_t n) {
  Builders& b = out_[kConversations - 1];
  Rng r(o_.seed, kConversations, static_cast<uint64_t>(a.number));
  TextBuf buf, acct;
  AccountId(a, &acct);
  for (int64_t k = 1; k <= n; ++k) {
    b[0].AppendString(ChildId("CV", a, k, &buf));
    b[1].AppendString(acct.view());
    AppendCode(b[2], OwnerFor(r, a, 95));
    b[3].AppendCode(static_cast<int>(r.Below(Len(kSubjects))));
    int status = Pick(r, {50, 35, 15});
    b[4].AppendCode(static_cast<int>(status));
    // Scheduled: 35% go out today, the rest in the next two weeks.
    int32_t send =
        status == 0 ? (r.Percent(35) ? today_ : today_ + static_cast<int32_t>(r.Between(1, 14)))
        : status == 1
            ? today_ - static_cast<int32_t>(r.Between(1, 90))
            : (r.Percent(50) ? kNullDate : today_ + static_cast<int32_t>(r.Between(0, 30)));
    AppendDate(b[5], send);
  }
}

void Generator::AppendOpportunities(const Account& a, int64_t n) {
  Builders& b = out_[kOpportunities - 1];
  Rng r(o_.seed, kOpportunities, static_cast<uint64_t>(a.number));
  TextBuf buf, acct;
  AccountId(a, &acct);
  for (int64_t k = 1; k <= n; ++k) {
    b[0].AppendString(ChildId("OP", a, k, &buf));
    b[1].AppendString(acct.view());
    int owner = OwnerFor(r, a, 90);
    if (owner < 0) owner = static_cast<int>(r.Below(static_cast<int64_t>(csms_.size())));
    AppendCode(b[2], owner);
    b[3].AppendCode(static_cast<int>(r.Below(Len(kOpportunityNames))));
    double amount =
        a.arr > 0 ? std::round(a.arr * static_cast<double>(r.Between(10, 60)) / 10000.0) * 100.0
                  : static_cast<double>(r.Between(10, 200) * 100);
    b[4].AppendFloat(amount);
    int stage = Pick(r, {20, 20, 15, 30, 15});
    b[5].AppendCode(static_cast<int>(stage));
    const bool open = stage < 3;
    int32_t close = open ? today_ + static_cast<int32_t>(r.Between(0, 120))
                         : today_ - static_cast<int32_t>(r.Between(0, 180));
    AppendDate(b[6], close);
    int32_t touched = open ? today_ - static_cast<int32_t>(r.Between(0, 60))
                           : close - static_cast<int32_t>(r.Between(0, 30));
    AppendDate(b[7], r.Percent(10) ? kNullDate : std::min(touched, today_));
  }
}

void Generator::AppendRequests(const Account& a, int64_t n) {
  Builders& b = out_[kRequests - 1];
  Rng r(o_.seed, kRequests, static_cast<uint64_t>(a.number));
  TextBuf buf, acct;
  AccountId(a, &acct);
  for (int64_t k = 1; k <= n; ++k) {
    b[0].AppendString(ChildId("RQ", a, k, &buf));
    b[1].AppendString(acct.view());
    b[2].AppendCode(static_cast<int>(r.Below(Len(kRequestTitles))));
    b[3].AppendCode(static_cast<int>(Pick(r, {12, 28, 60})));
    b[4].AppendCode(static_cast<int>(Pick(r, {50, 20, 20, 10})));
    AppendDate(b[5], Clamp(today_ - static_cast<int32_t>(r.Between(0, 365)), a.created_at, today_));
  }
}

template <size_t N>
std::vector<std::string_view> Vocabulary(const char* const (&names)[N]) {
  return std::vector<std::string_view>(names, names + N);
}

// Low-cardinality string columns are dictionary-encoded over their fixed
// vocabulary (the index is the code); ids, names and e-mail addresses are
// plain.  An empty result means plain.
std::vector<std::string_view> Generator::DictionaryFor(std::string_view table,
                                                       std::string_view column) const {
  if (column == "csm" || column == "previous_csm" || column == "owner") {
    return std::vector<std::string_view>(csms_.begin(), csms_.end());
  }
  if (table == "accounts") {
    if (column == "segment") return Vocabulary(kSegments);
    if (column == "pulse") return Vocabulary(kPulses);
    if (column == "forecast") return Vocabulary(kForecasts);
    if (column == "forecast_sentiment") return Vocabulary(kSentiments);
    if (column == "important_event") return Vocabulary(kEvents);
  } else if (table == "contacts") {
    if (column == "title") return Vocabulary(kTitles);
    if (column == "persona") return Vocabulary(kPersonas);
  } else if (table == "tasks") {
    if (column == "name") return Vocabulary(kTaskNames);
    if (column == "status") return Vocabulary(kTaskStatus);
  } else if (table == "success_plans") {
    if (column == "name") return Vocabulary(kPlanNames);
    if (column == "status") return Vocabulary(kPlanStatus);
  } else if (table == "objectives") {
    if (column == "name") return Vocabulary(kObjectiveNames);
    if (column == "priority") return Vocabulary(kPriorities);
    if (column == "status") return Vocabulary(kObjectiveStatus);
  } else if (table == "playbooks") {
    if (column == "name") return Vocabulary(kPlaybookNames);
    if (column == "status") return Vocabulary(kPlaybookStatus);
  } else if (table == "activities") {
    if (column == "kind") return Vocabulary(kKinds);
  } else if (table == "conversations") {
    if (column == "subject") return Vocabulary(kSubjects);
    if (column == "status") return Vocabulary(kConversationStatus);
  } else if (table == "opportunities") {
    if (column == "name") return Vocabulary(kOpportunityNames);
    if (column == "stage") return Vocabulary(kStages);
  } else if (table == "requests") {
    if (column == "title") return Vocabulary(kRequestTitles);
    if (column == "priority") return Vocabulary(kRequestPriority);
    if (column == "status") return Vocabulary(kRequestStatus);
  }
  return {};
}

// Creates the column writers of every wanted table, reserving `share` of
// the rows the whole run expects.
void Generator::InitOutputs(double share) {
  const std::vector<std::string>& names = TableNames();
  const double ratios[] = {1,
                           o_.contacts_per_account,
                           o_.tasks_per_account,
                           o_.success_plans_per_account,
                           o_.objectives_per_account,
                           o_.playbooks_per_account,
                           o_.activities_per_account,
                           o_.conversations_per_account,
                           o_.opportunities_per_account,
                           o_.requests_per_account};
  out_.resize(names.size());
  for (size_t t = 0; t < names.size(); ++t) {
    if (!want_[t]) continue;
    const TableSchema* ts = schema_.FindTable(names[t]);
    out_[t].schema = ts;
    if (names[t] == "reps") continue;  // Built once, in reps.cc.
    const int64_t expected =
        static_cast<int64_t>(static_cast<double>(o_.num_accounts) * ratios[t] * 1.02 * share) + 16 +
        o_.orphan_rows;
    for (const ColumnSchema& c : ts->columns) {
      std::vector<std::string_view> dict = DictionaryFor(names[t], c.name);
      if (dict.empty()) {
        out_[t].cols.emplace_back(c.type);
      } else {
        out_[t].cols.emplace_back(std::move(dict));
      }
      out_[t].cols.back().Reserve(expected);
    }
  }
}

// Appends accounts [lo, hi] and their children to this generator's writers.
void Generator::GenerateRange(int64_t lo, int64_t hi) {
  const std::vector<bool>& want = want_;
  Account a;
  for (int64_t number = lo; number <= hi; ++number) {
    a = Account();
    MakeAccount(number, &a);
    if (want[kAccounts - 1]) AppendAccount(a);
    if (want[kContacts - 1]) {
      AppendContacts(a, ChildCount(kContacts, number, o_.contacts_per_account));
    }
    if (want[kTasks - 1]) AppendTasks(a, ChildCount(kTasks, number, o_.tasks_per_account));
    if (want[kSuccessPlans - 1]) {
      AppendSuccessPlans(a, ChildCount(kSuccessPlans, number, o_.success_plans_per_account));
    }
    if (want[kObjectives - 1]) {
      AppendObjectives(a, ChildCount(kSuccessPlans, number, o_.success_plans_per_account), false);
    }
    if (want[kPlaybooks - 1]) {
      AppendPlaybooks(a, ChildCount(kPlaybooks, number, o_.playbooks_per_account));
    }
    if (want[kActivities - 1]) {
      AppendActivities(a, ChildCount(kActivities, number, o_.activities_per_account));
    }
    if (want[kConversations - 1]) {
      AppendConversations(a, ChildCount(kConversations, number, o_.conversations_per_account));
    }
    if (want[kOpportunities - 1]) {
      AppendOpportunities(a, ChildCount(kOpportunities, number, o_.opportunities_per_account));
    }
    if (want[kRequests - 1]) {
      AppendRequests(a, ChildCount(kRequests, number, o_.requests_per_account));
    }
  }
}

absl::StatusOr<Snapshot> Generator::Run() {
  const std::vector<std::string>& names = TableNames();
  want_.assign(names.size(), o_.tables.empty());
  for (const std::string& t : o_.tables) {
    auto it = std::find(names.begin(), names.end(), t);
    if (it == names.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown table '", t, "' — the generator makes: ", absl::StrJoin(names, ", ")));
    }
    want_[it - names.begin()] = true;
  }

  // Threads take contiguous ranges of accounts; their pieces are joined in
  // account order, so the output never depends on the thread count.
  int threads = o_.threads > 0
                    ? o_.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::clamp<int64_t>(o_.num_accounts / 1000, 1, std::min(threads, 64)));
  const int64_t per_thread = (o_.num_accounts + threads - 1) / threads;
  InitOutputs(1.0);  // This generator's writers receive every piece.
  std::vector<std::unique_ptr<Generator>> workers;
  std::vector<std::thread> running;
  for (int w = 1; w < threads; ++w) {
    workers.push_back(std::make_unique<Generator>(o_));
    Generator* g = workers.back().get();
    g->want_ = want_;
    g->InitOutputs(1.1 / threads);
    const int64_t lo = 1 + w * per_thread, hi = std::min(o_.num_accounts, (w + 1) * per_thread);
    running.emplace_back([g, lo, hi] { g->GenerateRange(lo, hi); });
  }
  GenerateRange(1, std::min(o_.num_accounts, per_thread));
  for (std::thread& t : running) t.join();
  for (std::unique_ptr<Generator>& g : workers) {
    for (size_t t = 0; t < out_.size(); ++t) {
      for (size_t c = 0; c < out_[t].cols.size(); ++c) {
        out_[t].cols[c].AppendFrom(std::move(g->out_[t].cols[c]));
      }
    }
    g.reset();
  }

  // Orphans: one child row for each of `orphan_rows` phantom accounts
  // numbered past the last real one (their parents do not exist).
  const std::vector<bool>& want = want_;
  Account a;
  for (int64_t k = 1; k <= o_.orphan_rows; ++k) {
    a = Account();
    MakeAccount(o_.num_accounts + k, &a);
    a.exists = false;
    if (a.last_touch < 0) a.last_touch = static_cast<int64_t>(today_) * kSecondsPerDay;
    if (want[kContacts - 1]) AppendContacts(a, 1);
    if (want[kTasks - 1]) AppendTasks(a, 1);
    if (want[kSuccessPlans - 1]) AppendSuccessPlans(a, 1);
    if (want[kObjectives - 1]) AppendObjectives(a, 1, true);
    if (want[kPlaybooks - 1]) AppendPlaybooks(a, 1);
    if (want[kActivities - 1]) AppendActivities(a, 1);
    if (want[kConversations - 1]) AppendConversations(a, 1);
    if (want[kOpportunities - 1]) AppendOpportunities(a, 1);
    if (want[kRequests - 1]) AppendRequests(a, 1);
  }

  Snapshot snapshot;
  for (size_t t = 0; t < names.size(); ++t) {
    if (!want[t]) continue;
    if (names[t] == "reps") {  // One row per CSM (reps.cc).
      absl::StatusOr<Table> reps =
          RepsTable(*out_[t].schema, o_.num_accounts == 0 ? 0 : o_.num_csms, o_.as_of);
      if (!reps.ok()) return reps.status();
      if (absl::Status st = snapshot.AddTable(*std::move(reps)); !st.ok()) return st;
      continue;
    }
    std::vector<Column> columns;
    columns.reserve(out_[t].cols.size());
    for (ColumnWriter& b : out_[t].cols) columns.push_back(std::move(b).Finish());
    out_[t].cols.clear();
    absl::StatusOr<Table> table = Table::Make(*out_[t].schema, std::move(columns));
    if (!table.ok()) {
      return absl::InternalError(
          absl::StrCat("generator built a bad ", names[t], " table: ", table.status().message()));
    }
    absl::Status st = snapshot.AddTable(*std::move(table));
    if (!st.ok()) return st;
  }
  return snapshot;
}

}  // namespace

std::vector<std::string> CsmNames(int num_csms) {
  std::vector<std::string> names;
  for (int i = 0; i < num_csms; ++i) {
    const int n = static_cast<int>(Len(kCsmFirst));
    names.push_back(absl::StrCat(kCsmFirst[i % n], " ", kCsmLast[(i + i / n) % n]));
  }
  return names;
}

absl::StatusOr<Snapshot> GenerateSnapshot(const GenOptions& options) {
  if (options.num_accounts < 0) return absl::InvalidArgumentError("num_accounts must be >= 0");
  if (options.num_accounts > 999'999'999)
    return absl::InvalidArgumentError("num_accounts must be < 1,000,000,000");
  if (options.num_csms < 1 || options.num_csms > 64)
    return absl::InvalidArgumentError("num_csms must be in 1..64");
  if (options.orphan_rows < 0) return absl::InvalidArgumentError("orphan_rows must be >= 0");
  const double ratios[] = {options.contacts_per_account,      options.tasks_per_account,
                           options.success_plans_per_account, options.objectives_per_account,
                           options.playbooks_per_account,     options.activities_per_account,
                           options.conversations_per_account, options.opportunities_per_account,
                           options.requests_per_account};
  for (double r : ratios) {
    if (!(r >= 0 && r <= 1000))
      return absl::InvalidArgumentError("child-row ratios must be in 0..1000");
  }
  if (options.as_of.year() < 1900 || options.as_of.year() > 9000) {
    return absl::InvalidArgumentError("as_of must be between the years 1900 and 9000");
  }
  Generator g(options);
  return g.Run();
}

}  // namespace docket::gen
