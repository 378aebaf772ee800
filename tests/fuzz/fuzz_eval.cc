// fuzz_eval: the differential fuzzer.  The input bytes decode (through
// reference::GenerateCase) into a random table with NULLs and a random
// well-typed bool expression; the expression is printed in docket syntax,
// compiled and evaluated by the vectorized engine, and evaluated row by row
// by the reference evaluator (tests/security/reference_evaluator.h).  About
// half the inputs also decode related tables (a child c of t and sometimes a
// grandchild g, with orphans and NULL parent keys): the rule over t may then
// use aggregates over them (exists / count / sum / avg / min / max, nested,
// with WHEREs reading parent fields) and further rules over c and g read
// parent fields; every rule's every row is compared.  Any disagreement — or
// the engine refusing a well-typed expression — traps, after printing the
// case (for related cases, every table's rows).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "security/reference_evaluator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  docket::reference::ByteSource bytes(data, size);
  docket::reference::Case c = docket::reference::GenerateCase(bytes);
  std::string diff = docket::reference::CheckAgainstEngine(c);
  if (!diff.empty()) {
    std::fprintf(stderr, "fuzz_eval: the engine and the reference disagree\n%s\n", diff.c_str());
    __builtin_trap();
  }
  return 0;
}
