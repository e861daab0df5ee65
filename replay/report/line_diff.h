#pragma once

// A line diff of two texts for minutes ("edits made"): the shortest edit
// script (Myers, O((N+M)·D)) printed as unified-diff hunks with `context`
// unchanged lines around each change. Pure.

#include <cstddef>
#include <string>

namespace kenes::report {

// "" when the texts are equal. Lines are split on '\n'; a last line without
// '\n' is a line. Hunk headers are "@@ -a,b +c,d @@" as in `diff -u`.
// Beyond `max_edit_distance` changed lines (a rewrite, not an edit) the diff
// is the whole old text removed and the new one added.
std::string unified_line_diff(const std::string& before, const std::string& after, std::size_t context = 2,
                              std::size_t max_edit_distance = 4000);

}  // namespace kenes::report
