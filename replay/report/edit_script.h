#pragma once

// The shortest edit script between two sequences of strings (Myers' greedy
// algorithm): which items of `a` to keep, which to delete and which items of
// `b` to insert, in order, with the fewest deletions plus insertions. The
// minutes use it twice, on a draft's paragraphs and then on the words of a
// changed paragraph (passage_diff.h). Pure.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace kenes::report {

enum class EditOp : char { kKeep = ' ', kDelete = '-', kInsert = '+' };

// The script, a kKeep or kDelete per item of `a` and a kKeep or kInsert per
// item of `b`, interleaved (deletions before insertions where both fall
// between the same kept items). Nothing when more than `max_edit_distance`
// deletions plus insertions would be needed: the caller then treats the
// whole of `a` as replaced by `b` (a rewrite, not an edit).
//
// Cost: the common head and tail are skipped first; then O((N+M)·D) time and
// O(D²) memory for D deletions plus insertions, so the limit bounds both.
std::optional<std::vector<EditOp>> shortest_edit_script(const std::vector<std::string_view>& a,
                                                        const std::vector<std::string_view>& b,
                                                        std::size_t max_edit_distance);

}  // namespace kenes::report
