#pragma once

// What changed in a text, as a person reads it (issue 19): the paragraphs
// that changed, each shown before and after with the changed words marked,
// the paragraphs added and removed said as such, and long unchanged
// stretches left out. The minutes print one of these per draft edited in a
// meeting, in place of a line diff.
//
// How:
//  - A paragraph is a line that is not blank (drafts are Markdown written in
//    an editor, one paragraph, heading, list item or table row a line).
//    Blank lines separate and are not compared.
//  - The paragraphs of both texts are aligned by their shortest edit script
//    (edit_script.h). Between two kept paragraphs, each removed paragraph is
//    paired, in order, with the first added one that shares at least half of
//    its words (Dice coefficient of the two bags of words); a pair is one
//    changed paragraph, the others are removed or added.
//  - A changed paragraph is compared word by word: tokens are runs of
//    letters and digits, runs of spaces, single punctuation marks and single
//    symbols (an emoji with its modifiers, joiners and variation selectors
//    is one symbol; so is a flag). A token is whole code points, so no
//    segment ever splits a code point or an emoji. Each changed stretch is
//    widened to whole space-separated words — "~~law,~~ **law;**" rather
//    than "law~~,~~**;**" — which also keeps Markdown's ~~ and ** markers
//    valid around it, and stretches separated only by spaces are joined.
//  - In a changed paragraph, an unchanged stretch keeps `context_tokens`
//    words and marks next to each change; the rest becomes one elision.
//
// Pure and thread-safe. Invalid UTF-8 (never in a document: the server
// checks every edit) is compared byte by byte, never dropped.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kenes::report {

struct PassageSegment {
  enum class Kind {
    kSame,      // in both texts
    kDeleted,   // only before
    kInserted,  // only after
    kElided,    // unchanged text left out; `text` is empty
  };
  Kind kind = Kind::kSame;
  std::string text;
  friend bool operator==(const PassageSegment&, const PassageSegment&) = default;
};

struct Passage {
  enum class Kind {
    kChanged,  // `before` (kSame, kDeleted, kElided) and `after` (kSame, kInserted, kElided)
    kAdded,    // `after` alone: one kInserted segment, the whole paragraph
    kRemoved,  // `before` alone: one kDeleted segment, the whole paragraph
  };
  Kind kind = Kind::kChanged;
  // Unchanged paragraphs between the previous passage (or the start) and
  // this one.
  std::size_t unchanged_before = 0;
  std::vector<PassageSegment> before;
  std::vector<PassageSegment> after;
};

struct PassageDiff {
  std::vector<Passage> passages;  // in the order of the text
  std::size_t unchanged_after = 0;  // unchanged paragraphs after the last passage
  // The texts differ only in blank lines or in spaces at the ends of lines:
  // no passage, yet not equal.
  bool layout_only = false;
};

struct PassageDiffOptions {
  // Unchanged words and marks kept on each side of a change; a longer
  // unchanged stretch inside a changed paragraph is elided.
  std::size_t context_tokens = 8;
  // Beyond this many paragraphs added plus removed, or words deleted plus
  // inserted in one paragraph, the comparison gives up on alignment (which
  // costs time and memory, edit_script.h): the two texts are compared as
  // one block of removed and added paragraphs, still paired by their words
  // (while fewer than 250,000 pairs are to be tried); a paragraph is shown
  // wholly deleted and wholly inserted.
  std::size_t max_paragraph_edits = 2000;
  std::size_t max_token_edits = 2000;
};

PassageDiff passage_diff(std::string_view before, std::string_view after, const PassageDiffOptions& options = {});

}  // namespace kenes::report
