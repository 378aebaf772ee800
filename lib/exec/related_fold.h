// exec/related_fold.h — a related-record stage's WHERE, as 64-row words,
// folded into one value per parent row (exec/related.cc).
//
// The stage evaluates an aggregate's WHERE with BatchEvaluator::EvalBits: a
// word per 64 child rows, a NULL row's bit 0.  exists and count(*) need
// nothing else, so they consume the words directly: the cost is one store
// (exists) or one increment (count) per kept row, none per dropped row, and
// no byte-per-row mask.  `parent` is the child rows' parent row (-1: none);
// `spare` indexes the slot past the last parent that takes rows without
// one, so the loops have no branch on it.
#ifndef DOCKET_EXEC_RELATED_FOLD_H_
#define DOCKET_EXEC_RELATED_FOLD_H_

#include <cstdint>

namespace docket::exec {

// Copies words of rows [0, n) into `out` with the bits past n cleared;
// returns the number of set bits.
int MaskedWords(const uint64_t* words, int n, uint64_t* out);

// flags[parent[i]] = 1 for every row i < n whose bit is set (`words` has
// no bit set past n: MaskedWords).
void FoldExistsWords(const uint64_t* words, const int32_t* parent, int n, uint8_t* flags,
                     uint32_t spare);

// Several exists over the same child rows and the same parents (one stage,
// one link): for each k < tasks, flags[k][parent[i]] = 1 for every row i < n
// whose bit is set in words[k] (no bit set past n).  The same result as
// FoldExistsWords once per task, but each row's parent is read once for all
// of them (the map is the stage's largest read; tasks <= kMaxExistsFold).
inline constexpr int kMaxExistsFold = 8;
void FoldExistsWordsMulti(const uint64_t* const* words, uint8_t* const* flags, int tasks,
                          const int32_t* parent, int n, uint32_t spare);

// ++counts[parent[i]] for every row i < n whose bit is set.
void FoldCountWords(const uint64_t* words, const int32_t* parent, int n, int64_t* counts,
                    uint32_t spare);

}  // namespace docket::exec

#endif  // DOCKET_EXEC_RELATED_FOLD_H_
