// fuzz_expression: any bytes as a docket expression — tokenize, parse, bind,
// plan, and (when it compiles) evaluate over rows with extreme values and
// NULLs.  Errors are fine; a crash, a sanitizer report, a hang, or an error
// that is not a clean compile/limit error is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "docket/program.h"
#include "fuzz/fuzz_common.h"

namespace {

const docket::Snapshot& Data() {
  static const docket::Snapshot* snap = new docket::Snapshot(docket::fuzz::AllTypesSnapshot());
  return *snap;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const docket::Snapshot& snap = Data();
  docket::ProgramBuilder builder(snap.schema, docket::fuzz::FuzzCompileOptions());
  (void)builder.AddSegment("hot", {"i > 3 OR s = 'x'", {}});
  absl::StatusOr<int> id = builder.AddPredicate("t", {std::string(text), {}});
  if (!id.ok()) {
    // A user's mistake must be InvalidArgument (compile) or ResourceExhausted (limit).
    absl::StatusCode code = id.status().code();
    if (code != absl::StatusCode::kInvalidArgument &&
        code != absl::StatusCode::kResourceExhausted) {
      __builtin_trap();
    }
    return 0;
  }
  absl::StatusOr<docket::Program> program = std::move(builder).Build();
  if (!program.ok()) return 0;
  docket::EvalOptions opts;
  opts.as_of = absl::CivilDay(2026, 11, 22);
  opts.threads = 1;
  opts.want_nulls = true;
  absl::StatusOr<docket::ProgramResult> r = program->Evaluate(snap, opts);
  if (!r.ok()) __builtin_trap();  // Compiled against this schema: evaluation cannot fail.
  const docket::PredicateResult& p = r->predicates[*id];
  if (p.count != p.rows.CountSet()) __builtin_trap();
  // TRUE and NULL are exclusive.
  for (int64_t i = 0; i < p.rows.size(); ++i) {
    if (p.rows.Get(i) && p.nulls.size() > i && p.nulls.Get(i)) __builtin_trap();
  }
  // Owner scope: an owner sees a subset of everyone's rows.
  opts.owner = "alice";
  absl::StatusOr<docket::ProgramResult> scoped = program->Evaluate(snap, opts);
  if (!scoped.ok()) __builtin_trap();
  const docket::Column* owner = snap.FindTable("t")->FindColumn("o");
  const docket::PredicateResult& q = scoped->predicates[*id];
  for (int64_t i = 0; i < q.rows.size(); ++i) {
    if (!q.rows.Get(i)) continue;
    if (!p.rows.Get(i) || owner->IsNull(i) || owner->StringAt(i) != "alice") __builtin_trap();
  }
  return 0;
}
