#include "replay/report/passage_diff.h"

#include <algorithm>
#include <optional>

#include "replay/report/edit_script.h"

namespace kenes::report {

namespace {

// ---------------------------------------------------------------- tokens

enum class CharClass {
  kSpace,
  kWord,      // letters and digits of any script
  kPunct,     // one mark a token
  kSymbol,    // an emoji or other symbol, one a token (with what extends it)
  kExtend,    // combining marks, variation selectors, skin tones, tags: join the token before
  kJoiner,    // U+200D: joins the token before and the code point after (emoji sequences)
  kRegional,  // regional indicators: two make a flag
  kInvalid,   // a byte that is not part of valid UTF-8: one a token
};

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 1;  // bytes
  bool valid = false;
};

// The code point starting at s[i]; an invalid byte is a "code point" of
// length 1 so that nothing is ever dropped.
CodePoint decode_at(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1, true};
  std::size_t length = 0;
  char32_t value = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte (Unicode table 3-7)
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0F;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return {0, 1, false};
  }
  if (i + length > s.size()) return {0, 1, false};
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned char c = byte(i + k);
    if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) return {0, 1, false};
    value = (value << 6) | (c & 0x3F);
  }
  return {value, length, true};
}

bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

CharClass classify(const CodePoint& cp) {
  if (!cp.valid) return CharClass::kInvalid;
  const char32_t c = cp.value;
  if (c < 0x80) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') return CharClass::kSpace;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::kWord;
    return CharClass::kPunct;
  }
  if (c == 0xA0 || c == 0x1680 || in(c, 0x2000, 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000) {
    return CharClass::kSpace;
  }
  if (c == 0x200D) return CharClass::kJoiner;
  if (in(c, 0x0300, 0x036F) || in(c, 0x0483, 0x0489) || in(c, 0x1AB0, 0x1AFF) || in(c, 0x1DC0, 0x1DFF) ||
      c == 0x200C || in(c, 0x20D0, 0x20FF) || in(c, 0xFE00, 0xFE0F) || in(c, 0xFE20, 0xFE2F) ||
      in(c, 0x1F3FB, 0x1F3FF) || in(c, 0xE0020, 0xE007F) || in(c, 0xE0100, 0xE01EF)) {
    return CharClass::kExtend;
  }
  if (in(c, 0x1F1E6, 0x1F1FF)) return CharClass::kRegional;
  if (in(c, 0x00A1, 0x00BF) || c == 0x00D7 || c == 0x00F7 || in(c, 0x2010, 0x2027) || in(c, 0x2030, 0x205E) ||
      in(c, 0x2E00, 0x2E7F) || in(c, 0x3001, 0x303F) || in(c, 0xFF01, 0xFF0F)) {
    return CharClass::kPunct;
  }
  if (in(c, 0x2100, 0x2BFF) || in(c, 0x1F000, 0x1FAFF) || in(c, 0xE000, 0xF8FF)) return CharClass::kSymbol;
  return CharClass::kWord;
}

struct Token {
  std::string_view text;
  CharClass kind;
};

bool is_space(const Token& t) { return t.kind == CharClass::kSpace; }

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> tokens;
  std::size_t start = 0;
  bool join_next = false;   // the previous code point was a joiner
  int regional = 0;         // regional indicators in the current token
  for (std::size_t i = 0; i < s.size();) {
    const CodePoint cp = decode_at(s, i);
    const CharClass cls = classify(cp);
    bool extends = false;
    if (!tokens.empty() && tokens.back().kind != CharClass::kInvalid) {
      const CharClass last = tokens.back().kind;
      extends = ((cls == CharClass::kExtend || cls == CharClass::kJoiner) && last != CharClass::kSpace) ||
                (join_next && cls != CharClass::kSpace && cls != CharClass::kInvalid) ||
                (cls == CharClass::kRegional && last == CharClass::kRegional && regional == 1) ||
                (cls == CharClass::kWord && last == CharClass::kWord) ||
                (cls == CharClass::kSpace && last == CharClass::kSpace);
    }
    if (extends) {
      tokens.back().text = s.substr(start, i + cp.length - start);
      if (cls == CharClass::kRegional) ++regional;
    } else {
      start = i;
      CharClass kind = cls == CharClass::kExtend || cls == CharClass::kJoiner ? CharClass::kSymbol : cls;
      tokens.push_back({s.substr(i, cp.length), kind});
      regional = cls == CharClass::kRegional ? 1 : 0;
    }
    join_next = cls == CharClass::kJoiner;
    i += cp.length;
  }
  return tokens;
}

std::vector<std::string_view> texts(const std::vector<Token>& tokens) {
  std::vector<std::string_view> out;
  out.reserve(tokens.size());
  for (const Token& t : tokens) out.push_back(t.text);
  return out;
}

// ------------------------------------------------------------ paragraphs

// The non-blank lines, without the spaces at their ends.
std::vector<std::string_view> paragraphs(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    bool blank = line.find_first_not_of(" \t\r\v\f") == std::string_view::npos;
    if (!blank) out.push_back(line);
  }
  return out;
}

// The words of a paragraph, sorted: its bag for the Dice coefficient. A
// paragraph without words (a rule, a fence) is compared by its marks.
std::vector<std::string_view> word_bag(std::string_view paragraph) {
  std::vector<Token> tokens = tokenize(paragraph);
  std::vector<std::string_view> words, marks;
  for (const Token& t : tokens) {
    if (t.kind == CharClass::kWord) words.push_back(t.text);
    else if (!is_space(t)) marks.push_back(t.text);
  }
  std::vector<std::string_view>& bag = words.empty() ? marks : words;
  std::sort(bag.begin(), bag.end());
  return bag;
}

bool similar(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  if (a.empty() || b.empty()) return false;
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return 4 * common >= a.size() + b.size();  // 2·common / (|a| + |b|) >= 1/2
}

// ------------------------------------------------------- one paragraph

// One step of a paragraph's word script. A kKeep step may be `absorbed` into
// a change (a word widened into it, or spaces between two changes): it then
// shows as deleted before and inserted after.
struct Step {
  EditOp op;
  std::size_t a = 0, b = 0;  // token indices (a for kKeep/kDelete, b for kKeep/kInsert)
  bool absorbed = false;
  bool elided = false;
};

bool plain_keep(const Step& s) { return s.op == EditOp::kKeep && !s.absorbed; }

// Widens and joins the changed stretches until every boundary falls on a
// space (see the file comment). Each pass absorbs at least one kept token,
// so this ends.
void widen_changes(std::vector<Step>& steps, const std::vector<Token>& ta, const std::vector<Token>& tb) {
  const auto token = [&](const Step& s) -> const Token& { return s.op == EditOp::kInsert ? tb[s.b] : ta[s.a]; };
  bool again = true;
  while (again) {
    again = false;
    std::size_t i = 0;
    while (i < steps.size() && !again) {
      if (plain_keep(steps[i])) {
        ++i;
        continue;
      }
      const std::size_t s = i;
      while (i < steps.size() && !plain_keep(steps[i])) ++i;
      const std::size_t e = i;
      // The first and last tokens of each side of the stretch, if any.
      const Token *first_before = nullptr, *last_before = nullptr, *first_after = nullptr, *last_after = nullptr;
      bool words_before = false, words_after = false;
      for (std::size_t k = s; k < e; ++k) {
        const Step& st = steps[k];
        if (st.op != EditOp::kInsert) {
          const Token& t = ta[st.a];
          if (!first_before) first_before = &t;
          last_before = &t;
          words_before = words_before || !is_space(t);
        }
        if (st.op != EditOp::kDelete) {
          const Token& t = st.op == EditOp::kInsert ? tb[st.b] : ta[st.a];
          if (!first_after) first_after = &t;
          last_after = &t;
          words_after = words_after || !is_space(t);
        }
      }
      auto absorb = [&](std::size_t k) {
        steps[k].absorbed = true;
        again = true;
      };
      if (!words_before && !words_after) {
        // Only spaces changed: show the nearest word with them.
        std::size_t k = s;
        while (k > 0 && (!plain_keep(steps[k - 1]) || is_space(token(steps[k - 1])))) --k;
        if (k > 0) {
          for (std::size_t j = k - 1; j < s; ++j) absorb(j);
        } else {
          for (std::size_t j = e; j < steps.size(); ++j) {
            absorb(j);
            if (!is_space(token(steps[j]))) break;
          }
        }
        continue;
      }
      // A marker goes after the spaces a side starts with and before those
      // it ends with, so it touches a space when the side starts (ends) with
      // one or the kept token next to it is one.
      const bool left_glued = s > 0 && !is_space(token(steps[s - 1]));
      if (left_glued && ((words_before && !is_space(*first_before)) || (words_after && !is_space(*first_after)))) {
        absorb(s - 1);
        continue;
      }
      const bool right_glued = e < steps.size() && !is_space(token(steps[e]));
      if (right_glued && ((words_before && !is_space(*last_before)) || (words_after && !is_space(*last_after)))) {
        absorb(e);
        continue;
      }
      // Spaces alone between this change and the next: one change.
      std::size_t k = e;
      while (k < steps.size() && plain_keep(steps[k]) && is_space(token(steps[k]))) ++k;
      if (k > e && k < steps.size() && !plain_keep(steps[k])) {
        for (std::size_t j = e; j < k; ++j) absorb(j);
      }
    }
  }
}

// Marks the kept tokens to leave out: in each unchanged stretch, all but
// `context` non-space tokens next to each change.
void elide(std::vector<Step>& steps, const std::vector<Token>& ta, std::size_t context) {
  std::size_t i = 0;
  while (i < steps.size()) {
    if (!plain_keep(steps[i])) {
      ++i;
      continue;
    }
    const std::size_t s = i;
    while (i < steps.size() && plain_keep(steps[i])) ++i;
    const std::size_t e = i;
    std::vector<std::size_t> words;  // step indices of the stretch's non-space tokens
    for (std::size_t k = s; k < e; ++k) {
      if (!is_space(ta[steps[k].a])) words.push_back(k);
    }
    const bool at_start = s == 0, at_end = e == steps.size();
    const std::size_t keep_left = at_start ? 0 : context, keep_right = at_end ? 0 : context;
    // Leaving out one or two words saves nothing.
    if (words.size() <= keep_left + keep_right + 2) continue;
    // Keep through the keep_left-th word from the left, from the
    // keep_right-th from the right; the spaces between go with the elision.
    const std::size_t from = keep_left == 0 ? s : words[keep_left - 1] + 1;
    const std::size_t to = keep_right == 0 ? e : words[words.size() - keep_right];
    for (std::size_t k = from; k < to; ++k) steps[k].elided = true;
  }
}

void append(std::vector<PassageSegment>& side, PassageSegment::Kind kind, std::string_view text) {
  if (!side.empty() && side.back().kind == kind) {
    side.back().text.append(text);
  } else {
    side.push_back({kind, std::string(text)});
  }
}

Passage changed_paragraph(std::string_view before, std::string_view after, const PassageDiffOptions& options) {
  Passage p;
  p.kind = Passage::Kind::kChanged;
  const std::vector<Token> ta = tokenize(before), tb = tokenize(after);
  std::optional<std::vector<EditOp>> ops = shortest_edit_script(texts(ta), texts(tb), options.max_token_edits);
  if (!ops) {
    p.before.push_back({PassageSegment::Kind::kDeleted, std::string(before)});
    p.after.push_back({PassageSegment::Kind::kInserted, std::string(after)});
    return p;
  }
  std::vector<Step> steps;
  std::size_t a = 0, b = 0;
  for (EditOp op : *ops) {
    steps.push_back({op, a, b});
    if (op != EditOp::kInsert) ++a;
    if (op != EditOp::kDelete) ++b;
  }
  widen_changes(steps, ta, tb);
  elide(steps, ta, options.context_tokens);
  using K = PassageSegment::Kind;
  for (const Step& st : steps) {
    if (st.op == EditOp::kKeep && st.elided) {
      if (p.before.empty() || p.before.back().kind != K::kElided) p.before.push_back({K::kElided, {}});
      if (p.after.empty() || p.after.back().kind != K::kElided) p.after.push_back({K::kElided, {}});
    } else if (st.op == EditOp::kKeep) {
      append(p.before, st.absorbed ? K::kDeleted : K::kSame, ta[st.a].text);
      append(p.after, st.absorbed ? K::kInserted : K::kSame, ta[st.a].text);
    } else if (st.op == EditOp::kDelete) {
      append(p.before, K::kDeleted, ta[st.a].text);
    } else {
      append(p.after, K::kInserted, tb[st.b].text);
    }
  }
  return p;
}

}  // namespace

PassageDiff passage_diff(std::string_view before, std::string_view after, const PassageDiffOptions& options) {
  PassageDiff out;
  const std::vector<std::string_view> pa = paragraphs(before), pb = paragraphs(after);
  std::optional<std::vector<EditOp>> ops = shortest_edit_script(pa, pb, options.max_paragraph_edits);
  if (!ops) {
    ops.emplace();
    ops->insert(ops->end(), pa.size(), EditOp::kDelete);
    ops->insert(ops->end(), pb.size(), EditOp::kInsert);
  }
  std::size_t unchanged = 0;
  auto emit = [&](Passage p) {
    p.unchanged_before = unchanged;
    unchanged = 0;
    out.passages.push_back(std::move(p));
  };
  auto removed = [&](std::string_view text) {
    Passage p;
    p.kind = Passage::Kind::kRemoved;
    p.before.push_back({PassageSegment::Kind::kDeleted, std::string(text)});
    emit(std::move(p));
  };
  auto added = [&](std::string_view text) {
    Passage p;
    p.kind = Passage::Kind::kAdded;
    p.after.push_back({PassageSegment::Kind::kInserted, std::string(text)});
    emit(std::move(p));
  };
  std::size_t a = 0, b = 0;
  for (std::size_t i = 0; i < ops->size();) {
    if ((*ops)[i] == EditOp::kKeep) {
      ++unchanged;
      ++a;
      ++b;
      ++i;
      continue;
    }
    // A block of removed and added paragraphs between two kept ones.
    std::vector<std::string_view> dels, adds;
    for (; i < ops->size() && (*ops)[i] != EditOp::kKeep; ++i) {
      if ((*ops)[i] == EditOp::kDelete) dels.push_back(pa[a++]);
      else adds.push_back(pb[b++]);
    }
    // Pairing compares every removed paragraph with the added ones after
    // its last match: bounded, or a pasted-over draft would cost
    // removed × added comparisons.
    const bool pair = dels.size() * adds.size() <= 250000;
    std::vector<std::vector<std::string_view>> add_bags;
    if (pair) {
      for (std::string_view p : adds) add_bags.push_back(word_bag(p));
    }
    std::size_t next_add = 0;
    for (std::string_view d : dels) {
      std::optional<std::size_t> match;
      if (pair) {
        const std::vector<std::string_view> bag = word_bag(d);
        for (std::size_t k = next_add; k < adds.size() && !match; ++k) {
          if (similar(bag, add_bags[k])) match = k;
        }
      }
      if (!match) {
        removed(d);
        continue;
      }
      for (; next_add < *match; ++next_add) added(adds[next_add]);
      // Equal only when alignment was given up: then it is unchanged.
      if (d == adds[*match]) {
        ++unchanged;
      } else {
        emit(changed_paragraph(d, adds[*match], options));
      }
      next_add = *match + 1;
    }
    for (; next_add < adds.size(); ++next_add) added(adds[next_add]);
  }
  out.unchanged_after = unchanged;
  out.layout_only = out.passages.empty() && before != after;
  return out;
}

}  // namespace kenes::report
