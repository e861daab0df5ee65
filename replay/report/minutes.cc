#include "replay/report/minutes.h"

#include <algorithm>
#include <ctime>
#include <map>

#include "consultation/csv.h"
#include "engine/utf8.h"
#include "replay/report/minutes_words.h"
#include "replay/report/report_render.h"

namespace kenes::report {

using consultation::csv_field;

namespace {

// ------------------------------------------------------------ rich text
//
// The minutes are laid out once (render_minutes) through a Writer, which
// Markdown and HTML implement; every text is escaped by the writer, never
// before.

struct Span {
  enum class Kind {
    kText,
    kLines,     // a comment: its line breaks kept
    kDeleted,   // ~~ ~~ / <del>
    kInserted,  // ** ** / <ins>
    kEmphasis,  // * * / <em>
    kCode,      // ` ` / <code>
    kBreak,     // a line break inside a paragraph or list item
  };
  Kind kind = Kind::kText;
  std::string text;
};
using Rich = std::vector<Span>;

Rich text(std::string s) { return {{Span::Kind::kText, std::move(s)}}; }
Rich emphasis(std::string s) { return {{Span::Kind::kEmphasis, std::move(s)}}; }
Rich operator+(Rich a, const Rich& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class Writer {
 public:
  virtual ~Writer() = default;
  virtual void heading(int level, const std::string& text) = 0;
  virtual void paragraph(const Rich& rich) = 0;
  // "Nothing of this kind": set apart (italic).
  virtual void empty_note(const std::string& text) = 0;
  virtual void list(const std::vector<Rich>& items) = 0;
  virtual void quote(const std::string& text) = 0;
  virtual void head_box(const std::string& sentence, const std::string& check_it, const std::string& command) = 0;
};

// Spaces at the ends of a changed segment go outside its marks: Markdown
// takes ~~ and ** as marks only when they touch the text they mark
// (passage_diff.h widens changes so that the other side of each mark is a
// space).
constexpr std::string_view kSpaces[] = {" ", "\t", "\u00a0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003",
                                        "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200a",
                                        "\u202f", "\u205f", "\u3000"};

struct Trimmed {
  std::string_view lead, core, trail;
};

Trimmed trim_spaces(std::string_view s) {
  Trimmed t{{}, s, {}};
  for (bool again = true; again;) {
    again = false;
    for (std::string_view sp : kSpaces) {
      if (t.core.substr(0, sp.size()) == sp) {
        t.core.remove_prefix(sp.size());
        again = true;
      }
    }
  }
  t.lead = s.substr(0, s.size() - t.core.size());
  for (bool again = true; again;) {
    again = false;
    for (std::string_view sp : kSpaces) {
      if (t.core.size() >= sp.size() && t.core.substr(t.core.size() - sp.size()) == sp) {
        t.core.remove_suffix(sp.size());
        again = true;
      }
    }
  }
  t.trail = s.substr(t.lead.size() + t.core.size());
  return t;
}

// Inline Markdown: what has a meaning is backslash-escaped (as
// markdown_inline, and ~ for strikethrough); a line break is a space.
std::string md_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_[]<>#|!~").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// Text that starts a line must not start a list or a heading.
std::string md_line_start(std::string s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  const bool ordered = digits > 0 && digits < s.size() && (s[digits] == '.' || s[digits] == ')');
  if (ordered) {
    s.insert(s.begin() + static_cast<long>(digits), '\\');
    return s;
  }
  // (insert, not "\\" + s: GCC 12 warns, wrongly, of overlapping copies.)
  if (!s.empty() && (s[0] == '-' || s[0] == '+' || s[0] == '=')) s.insert(s.begin(), '\\');
  return s;
}

class MarkdownWriter : public Writer {
 public:
  std::string out;

  void heading(int level, const std::string& t) override {
    out += std::string(static_cast<std::size_t>(level), '#') + " " + md_escape(t) + "\n\n";
  }
  void paragraph(const Rich& rich) override { out += md_line_start(render(rich, "\n")) + "\n\n"; }
  void empty_note(const std::string& t) override { out += "*" + md_escape(t) + "*\n\n"; }
  void list(const std::vector<Rich>& items) override {
    for (const Rich& item : items) out += "- " + md_line_start(render(item, "\n  ")) + "\n";
    if (!items.empty()) out += "\n";
  }
  void quote(const std::string& t) override { out += "> " + md_line_start(md_escape(t)) + "\n\n"; }
  void head_box(const std::string& sentence, const std::string& check_it, const std::string& command) override {
    out += "> " + md_escape(sentence) + "  \n> " + md_escape(check_it) + " `" + command + "`\n\n";
  }

 private:
  // `indent`: what follows a hard line break ("\n" in a paragraph, "\n  "
  // in a list item).
  static std::string render(const Rich& rich, const std::string& indent) {
    std::string s;
    for (const Span& span : rich) {
      switch (span.kind) {
        case Span::Kind::kText: s += md_escape(span.text); break;
        case Span::Kind::kLines: {
          std::string_view rest = span.text;
          bool first = true;
          while (!rest.empty() || first) {
            std::size_t nl = rest.find('\n');
            std::string_view line = rest.substr(0, nl);
            rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
            if (line.find_first_not_of(" \t\r") == std::string_view::npos && !first) continue;
            if (!first) s += "  " + indent;
            s += md_line_start(md_escape(line));
            first = false;
          }
          break;
        }
        case Span::Kind::kDeleted:
        case Span::Kind::kInserted: {
          const Trimmed t = trim_spaces(span.text);
          const char* mark = span.kind == Span::Kind::kDeleted ? "~~" : "**";
          s += std::string(t.lead);
          if (!t.core.empty()) s += mark + md_escape(t.core) + mark;
          s += std::string(t.trail);
          break;
        }
        case Span::Kind::kEmphasis: s += "*" + md_escape(span.text) + "*"; break;
        case Span::Kind::kCode: s += "`" + span.text + "`"; break;
        case Span::Kind::kBreak: s += "  " + indent; break;
      }
    }
    return s;
  }
};

class HtmlWriter : public Writer {
 public:
  std::string out;

  void heading(int level, const std::string& t) override {
    const std::string h = "h" + std::to_string(level);
    out += "<" + h + ">" + html_escape(t) + "</" + h + ">\n";
  }
  void paragraph(const Rich& rich) override { out += "<p>" + render(rich) + "</p>\n"; }
  void empty_note(const std::string& t) override { out += "<p class=\"empty\">" + html_escape(t) + "</p>\n"; }
  void list(const std::vector<Rich>& items) override {
    if (items.empty()) return;
    out += "<ul>\n";
    for (const Rich& item : items) out += "<li>" + render(item) + "</li>\n";
    out += "</ul>\n";
  }
  void quote(const std::string& t) override { out += "<blockquote>" + html_escape(t) + "</blockquote>\n"; }
  void head_box(const std::string& sentence, const std::string& check_it, const std::string& command) override {
    out += "<p class=\"head\">" + html_escape(sentence) + "<br>" + html_escape(check_it) + " <code>" +
           html_escape(command) + "</code></p>\n";
  }

 private:
  static std::string render(const Rich& rich) {
    std::string s;
    for (const Span& span : rich) {
      switch (span.kind) {
        case Span::Kind::kText: s += html_escape(span.text); break;
        case Span::Kind::kLines: {
          std::string escaped = html_escape(span.text);
          for (std::size_t nl; (nl = escaped.find('\n')) != std::string::npos;) escaped.replace(nl, 1, "<br>");
          s += escaped;
          break;
        }
        case Span::Kind::kDeleted:
        case Span::Kind::kInserted: {
          const Trimmed t = trim_spaces(span.text);
          const char* tag = span.kind == Span::Kind::kDeleted ? "del" : "ins";
          s += html_escape(t.lead);
          if (!t.core.empty()) s += std::string("<") + tag + ">" + html_escape(t.core) + "</" + tag + ">";
          s += html_escape(t.trail);
          break;
        }
        case Span::Kind::kEmphasis: s += "<em>" + html_escape(span.text) + "</em>"; break;
        case Span::Kind::kCode: s += "<code>" + html_escape(span.text) + "</code>"; break;
        case Span::Kind::kBreak: s += "<br>"; break;
      }
    }
    return s;
  }
};

// ------------------------------------------------------------- helpers

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// A time inside the meeting: the clock alone on the meeting's (UTC) day,
// the whole date otherwise.
class Clock {
 public:
  Clock(int64_t meeting_start, Lang lang) : day_(day(meeting_start)), lang_(lang) {}
  std::string operator()(int64_t unix_ms) const {
    if (day(unix_ms) != day_) return format_date_time(unix_ms, lang_);
    std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[8];
    std::strftime(buf, sizeof buf, "%H:%M", &tm);
    return buf;
  }

 private:
  static int64_t day(int64_t unix_ms) { return unix_ms >= 0 ? unix_ms / 86400000 : (unix_ms + 1) / 86400000 - 1; }
  int64_t day_;
  Lang lang_;
};

// A quoted passage or a proposed text, cut at `max` code points (never
// inside one).
std::string shorten(const std::string& s, uint64_t max = 400) {
  if (!engine::is_valid_utf8(s) || engine::count_code_points(s) <= max) return s;
  return s.substr(0, engine::byte_offset_of_code_point(s, max)) + "…";
}

std::string subject_label(const MinutesSubject& s, Lang lang) {
  if (s.recommendation) {
    return fill(minutes_words(lang).recommendation, {{"category", s.category}, {"group", group_name(s.group, lang)}});
  }
  return s.title.empty() ? s.id : s.id + " " + s.title;
}

// ---------------------------------------------------------- attendance

// One privacy rule everywhere (issue 18): a count of people by group or by
// gender is shown only where at least 3 are counted. Smaller cells are summed
// into "groups under 3 people"; if that sum is itself 1 or 2, the smallest
// shown cell joins it (as the polls' breakdowns do, engine/poll.cc), and if
// nothing is left to show the whole breakdown is withheld.
constexpr std::size_t kMinCounted = 3;

std::string k_anonymous(std::vector<std::pair<std::string, std::size_t>> cells, const MinutesWords& w) {
  std::vector<std::pair<std::string, std::size_t>> shown;
  std::size_t merged = 0;
  for (auto& c : cells) {
    if (c.second < kMinCounted) {
      merged += c.second;
    } else {
      shown.push_back(std::move(c));
    }
  }
  if (merged > 0 && merged < kMinCounted) {
    if (shown.empty()) return w.not_shown_under_3;
    auto smallest = std::min_element(shown.begin(), shown.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
    merged += smallest->second;
    shown.erase(smallest);
  }
  std::string out;
  for (const auto& [label, n] : shown) out += (out.empty() ? "" : "; ") + label + " " + std::to_string(n);
  if (merged > 0) out += (out.empty() ? "" : "; ") + std::string(w.groups_under_3) + " " + std::to_string(merged);
  return out.empty() ? std::string(w.none) : out;
}

std::string attendance_counts(const MinutesData& d, Lang lang) {
  const MinutesWords& w = minutes_words(lang);
  std::map<kenes::v1::StakeholderGroup, std::size_t> by_group;
  std::map<std::string, std::size_t> by_gender;
  std::map<std::string, bool> counted;
  for (const auto& a : d.attendance) {
    if (counted[a.name]) continue;  // one person joining twice counts once
    counted[a.name] = true;
    ++by_group[a.group];
    ++by_gender[a.gender];
  }
  std::vector<std::pair<std::string, std::size_t>> groups, genders;
  for (auto g : stakeholder_groups()) {
    if (auto it = by_group.find(g); it != by_group.end()) groups.emplace_back(group_name(g, lang), it->second);
  }
  if (auto it = by_group.find(kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED); it != by_group.end()) {
    groups.emplace_back(w.not_given, it->second);
  }
  for (const auto& [g, n] : by_gender) genders.emplace_back(g.empty() ? std::string(w.not_given) : g, n);
  return fill(w.people, {{"n", std::to_string(counted.size())}}) + " " + w.by_group + " " +
         k_anonymous(std::move(groups), w) + ". " + w.by_gender + " " + k_anonymous(std::move(genders), w) + ".";
}

// ------------------------------------------------------------ sections

void write_attendance(const MinutesData& d, Lang lang, const Clock& clock, Writer& out) {
  const MinutesWords& w = minutes_words(lang);
  out.heading(2, w.attendance);
  out.paragraph(text(attendance_counts(d, lang)));
  if (!d.board_present.empty() || !d.board_excused.empty() || !d.board_absent.empty()) {
    auto names = [&](const std::vector<std::string>& v) { return v.empty() ? std::string(w.none) : join(v); };
    out.paragraph(text(fill(w.board, {{"present", names(d.board_present)},
                                      {"excused", names(d.board_excused)},
                                      {"absent", names(d.board_absent)}})));
  }
  std::vector<Rich> spans;
  for (const auto& a : d.attendance) {
    // The role, not the group: a person's group and gender are shown only as
    // counts (attendance_counts).
    spans.push_back(text(fill(w.span, {{"name", a.name},
                                       {"role", role_name(a.role, lang)},
                                       {"from", clock(a.joined_at_unix_ms)},
                                       {"to", a.left_at_unix_ms ? clock(*a.left_at_unix_ms) : w.until_the_end}})));
  }
  out.list(spans);
}

void write_agenda(const MinutesData& d, Lang lang, const Clock& clock, Writer& out) {
  const MinutesWords& w = minutes_words(lang);
  out.heading(2, w.agenda);
  if (d.agenda.empty()) out.empty_note(w.no_agenda);
  std::vector<Rich> items;
  for (const auto& a : d.agenda) items.push_back(text(subject_label(a, lang)));
  out.list(items);
  if (d.spotlight.empty()) return;
  out.paragraph(text(w.on_screen));
  items.clear();
  for (const auto& [t, what] : d.spotlight) {
    items.push_back(text(clock(t) + ": " + (what ? subject_label(*what, lang) : std::string(w.nothing_on_screen))));
  }
  out.list(items);
}

Rich side(const std::vector<PassageSegment>& segments) {
  Rich r;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const PassageSegment& s = segments[i];
    switch (s.kind) {
      case PassageSegment::Kind::kSame: r.push_back({Span::Kind::kText, s.text}); break;
      case PassageSegment::Kind::kDeleted: r.push_back({Span::Kind::kDeleted, s.text}); break;
      case PassageSegment::Kind::kInserted: r.push_back({Span::Kind::kInserted, s.text}); break;
      case PassageSegment::Kind::kElided:
        r.push_back({Span::Kind::kText, i == 0 ? "… " : i + 1 == segments.size() ? " …" : " … "});
        break;
    }
  }
  return r;
}

std::string whole(const std::vector<PassageSegment>& segments) {
  std::string s;
  for (const auto& seg : segments) s += seg.text;
  return s;
}

void write_edits(const MinutesData& d, Lang lang, const Clock& clock, Writer& out) {
  const MinutesWords& w = minutes_words(lang);
  out.heading(2, w.edits);
  if (d.edits.empty()) out.empty_note(w.no_edits);
  for (const auto& e : d.edits) {
    out.heading(3, subject_label(e.subject, lang));
    const std::string from = clock(e.first_edit_unix_ms), to = clock(e.last_edit_unix_ms);
    out.paragraph(text(fill(from == to ? w.edited_once : w.edited_by, {{"names", join(e.authors)},
                                                                        {"from", from},
                                                                        {"to", to},
                                                                        {"at", from},
                                                                        {"v1", std::to_string(e.from_version)},
                                                                        {"v2", std::to_string(e.to_version)}})));
    if (e.changes.layout_only) out.empty_note(w.layout_only);
    std::vector<Rich> items;
    auto unchanged = [&](std::size_t n) {
      if (n > 0) items.push_back(emphasis(fill(w.unchanged, {{"n", std::to_string(n)}})));
    };
    for (const Passage& p : e.changes.passages) {
      unchanged(p.unchanged_before);
      switch (p.kind) {
        case Passage::Kind::kChanged:
          items.push_back(emphasis(w.before) + text(" ") + side(p.before) + Rich{{Span::Kind::kBreak, {}}} +
                          emphasis(w.after) + text(" ") + side(p.after));
          break;
        case Passage::Kind::kAdded: items.push_back(emphasis(w.added) + text(" ") + text(whole(p.after))); break;
        case Passage::Kind::kRemoved: items.push_back(emphasis(w.removed) + text(" ") + text(whole(p.before))); break;
      }
    }
    unchanged(e.changes.unchanged_after);
    out.list(items);
  }
}

void write_threads(const MinutesData& d, Lang lang, const Clock& clock, Writer& out) {
  const MinutesWords& w = minutes_words(lang);
  out.heading(2, w.threads);
  if (d.threads.empty()) {
    out.empty_note(w.no_threads);
    return;
  }
  std::size_t started = 0, resolved = 0;
  for (const auto& t : d.threads) {
    started += t.started_in_meeting ? 1 : 0;
    resolved += std::any_of(t.entries.begin(), t.entries.end(),
                            [](const auto& e) { return e.kind == MinutesThreadEntry::Kind::kResolved; });
  }
  out.paragraph(text(fill(w.thread_counts, {{"started", std::to_string(started)}, {"resolved", std::to_string(resolved)}})));
  for (const auto& t : d.threads) {
    out.heading(3, fill(t.quote.empty() ? w.thread_on_whole : w.thread_on, {{"subject", subject_label(t.subject, lang)}}));
    if (!t.quote.empty()) out.quote(shorten(t.quote));
    if (!t.started_in_meeting) {
      out.paragraph(text(fill(w.started_earlier, {{"time", format_date_time(t.started_at_unix_ms, lang)}})));
    }
    if (t.suggestion) {
      const std::string by = t.suggested_by, when = clock(t.suggested_at_unix_ms);
      out.paragraph(text(t.replacement.empty()
                             ? fill(w.suggestion_delete, {{"name", by}, {"time", when}})
                             : fill(w.suggestion_replace, {{"name", by}, {"time", when}, {"text", shorten(t.replacement)}})));
    }
    std::vector<Rich> items;
    for (const auto& e : t.entries) {
      using K = MinutesThreadEntry::Kind;
      const std::string when = clock(e.at_unix_ms);
      switch (e.kind) {
        case K::kComment: {
          Rich item = text(fill(w.comment, {{"name", e.by}, {"time", when}}) + " ");
          if (e.removed == MinutesThreadEntry::Removed::kDeleted) {
            item = item + emphasis(w.comment_deleted);
          } else if (e.removed == MinutesThreadEntry::Removed::kHidden) {
            item = item + emphasis(fill(w.comment_hidden, {{"reason", e.hidden_reason}}));
          } else {
            item.push_back({Span::Kind::kLines, e.text});
          }
          items.push_back(std::move(item));
          break;
        }
        case K::kEarlierReplies: items.push_back(emphasis(fill(w.earlier_replies, {{"n", std::to_string(e.count)}}))); break;
        case K::kResolved: items.push_back(text(fill(w.resolved, {{"name", e.by}, {"time", when}}))); break;
        case K::kReopened: items.push_back(text(fill(w.reopened, {{"name", e.by}, {"time", when}}))); break;
        case K::kSuggestionAccepted: items.push_back(text(fill(w.accepted, {{"name", e.by}, {"time", when}}))); break;
        case K::kSuggestionRejected:
          items.push_back(text(e.text.empty() ? fill(w.rejected, {{"name", e.by}, {"time", when}})
                                              : fill(w.rejected_because, {{"name", e.by}, {"time", when}, {"reason", e.text}})));
          break;
      }
    }
    out.list(items);
    if (t.suggestion && t.suggestion_open_at_end) out.paragraph(text(w.suggestion_still_open));
  }
}

std::string option_label(const MinutesPoll& p, std::size_t i, const MinutesWords& w) {
  if (p.kind == MinutesPoll::Kind::kAgreement && i < 4) return w.agreement_options[i];
  return i < p.options.size() ? p.options[i].label : std::to_string(i);
}

std::string group_label(const MinutesPollGroup& g, Lang lang) {
  const MinutesWords& w = minutes_words(lang);
  switch (g.kind) {
    case MinutesPollGroup::Kind::kStakeholderGroup: return group_name(g.group, lang);
    case MinutesPollGroup::Kind::kNotStated: return w.not_stated;
    case MinutesPollGroup::Kind::kMerged: return w.merged_voters;
    default: return g.label;
  }
}

std::string outcome_sentence(const MinutesPoll& p, const MinutesWords& w) {
  if (!p.results_shown) return w.results_hidden;
  const bool closed = p.state == MinutesPoll::State::kClosed;
  std::string s = closed ? (p.passed ? w.passed : w.did_not_pass) : (p.passed ? w.passing_so_far : w.not_passing_so_far);
  if (!p.quorum_met) s += std::string(" ") + w.quorum_not_met;
  if (p.tied) {
    s += std::string(" ") + w.tied;
  } else if (p.winner && p.kind != MinutesPoll::Kind::kAgreement) {
    s += " " + fill(p.passed && closed ? w.chosen : w.leading,
                    {{"option", w.open_quote + option_label(p, *p.winner, w) + w.close_quote}});
  }
  if (p.kind == MinutesPoll::Kind::kAgreement && p.options.size() == 4) {
    s += " " + fill(w.agreement_counts, {{"agree", std::to_string(p.options[0].votes)},
                                         {"reservations", std::to_string(p.options[1].votes)},
                                         {"disagree", std::to_string(p.options[2].votes)},
                                         {"abstain", std::to_string(p.options[3].votes)}});
  }
  return s;
}

void write_polls(const MinutesData& d, Lang lang, const Clock& clock, Writer& out) {
  const MinutesWords& w = minutes_words(lang);
  out.heading(2, w.polls);
  if (d.polls.empty()) out.empty_note(w.no_polls);
  for (const auto& p : d.polls) {
    out.heading(3, p.id + ": " + p.question);
    std::string about = fill(w.poll_kind, {{"kind", w.kinds[static_cast<int>(p.kind)]},
                                           {"visibility", p.anonymous ? w.anonymous : w.named}});
    if (p.validates) {
      about += " " + fill(p.target_version == 0 ? w.validates_item : w.validates,
                          {{"subject", subject_label(*p.validates, lang)}, {"version", std::to_string(p.target_version)}});
    }
    if (p.state == MinutesPoll::State::kNeverOpened) {
      out.paragraph(text(about + " " + w.never_opened));
      continue;
    }
    about += " " + (p.state == MinutesPoll::State::kClosed
                        ? fill(w.opened_closed, {{"opened", clock(p.opened_at_unix_ms)}, {"closed", clock(p.closed_at_unix_ms)}})
                        : fill(w.opened_still_open, {{"opened", clock(p.opened_at_unix_ms)}}));
    about += " " + fill(w.turnout, {{"voters", std::to_string(p.ballots)}, {"eligible", std::to_string(p.eligible)}});
    out.paragraph(text(about));
    out.paragraph(text(outcome_sentence(p, w)));
    if (!p.results_shown) continue;
    const bool borda = p.kind == MinutesPoll::Kind::kRankingBorda;
    if (p.kind != MinutesPoll::Kind::kAgreement) {
      std::vector<Rich> items;
      for (std::size_t i = 0; i < p.options.size(); ++i) {
        const auto& o = p.options[i];
        items.push_back(text(o.label + ": " +
                             (borda ? fill(w.points, {{"points", std::to_string(o.points)}, {"first", std::to_string(o.votes)}})
                                    : std::to_string(o.votes))));
      }
      out.list(items);
    }
    if (p.breakdown_withheld) {
      out.paragraph(text(w.breakdown_withheld));
    } else {
      for (const auto& [heading, groups] : {std::pair{w.by_group_voters, &p.by_group}, {w.by_gender_voters, &p.by_gender}}) {
        if (groups->empty()) continue;
        out.paragraph(text(heading));
        std::vector<Rich> items;
        for (const auto& g : *groups) {
          std::string values;
          for (std::size_t i = 0; i < g.values.size(); ++i) {
            if (g.values[i] == 0) continue;
            values += (values.empty() ? "" : ", ") + option_label(p, i, w) + " " + std::to_string(g.values[i]);
          }
          items.push_back(text(fill(w.group_line, {{"group", group_label(g, lang)}, {"voters", std::to_string(g.voters)}}) +
                               " " + (values.empty() ? std::string(w.none) : values)));
        }
        out.list(items);
      }
    }
    if (!p.reservations.empty()) {
      out.paragraph(text(w.reservations));
      std::vector<Rich> items;
      // Named unless the poll was anonymous (the adapter leaves the name out).
      for (const auto& r : p.reservations) items.push_back(text(r.name.empty() ? r.text : r.name + ": " + r.text));
      out.list(items);
    }
  }
}

std::string decision_sentence(const MinutesDecision& dec, Lang lang) {
  const MinutesWords& w = minutes_words(lang);
  const std::string subject = subject_label(dec.subject, lang);
  using K = MinutesDecision::Kind;
  switch (dec.kind) {
    case K::kStatusChanged:
      if (dec.status == kenes::v1::INDICATOR_STATUS_VALIDATED) {
        return fill(w.validated_by_hand, {{"subject", subject}, {"name", dec.by}, {"version", std::to_string(dec.version)}});
      }
      return fill(w.status_changed, {{"subject", subject}, {"status", status_name(dec.status, lang)}, {"name", dec.by}});
    case K::kValidatedByPoll:
      if (dec.version == 0) return fill(w.validated_by_poll_item, {{"subject", subject}, {"poll", dec.poll}});
      return fill(w.validated_by_poll, {{"subject", subject}, {"poll", dec.poll}, {"version", std::to_string(dec.version)}});
    case K::kNotValidated: return fill(w.not_validated, {{"subject", subject}, {"poll", dec.poll}});
    case K::kSessionStarted: {
      std::vector<std::string> items;
      for (const auto& i : dec.items) items.push_back(subject_label(i, lang));
      return fill(w.session_started, {{"session", dec.session}, {"name", dec.by}, {"items", join(items)}});
    }
    case K::kItemOpened: return fill(w.item_opened, {{"subject", subject}, {"poll", dec.poll}});
    case K::kItemSkipped: return fill(w.item_skipped, {{"subject", subject}});
    case K::kSessionEnded: return fill(w.session_ended, {{"session", dec.session}});
  }
  return {};
}

void write_decisions(const MinutesData& d, Lang lang, const Clock& clock, Writer& out) {
  const MinutesWords& w = minutes_words(lang);
  out.heading(2, w.decisions);
  if (d.decisions.empty()) out.empty_note(w.no_decisions);
  std::vector<Rich> items;
  for (const auto& dec : d.decisions) items.push_back(text(clock(dec.at_unix_ms) + " — " + decision_sentence(dec, lang)));
  out.list(items);
}

std::string minutes_title(const MinutesData& d, Lang lang) {
  return fill(minutes_words(lang).title, {{"title", d.meeting_title.empty() ? d.meeting_id : d.meeting_title}});
}

void render_minutes(const MinutesData& d, Lang lang, Writer& out) {
  const MinutesWords& w = minutes_words(lang);
  const Clock clock(d.started_at_unix_ms, lang);
  out.heading(1, minutes_title(d, lang));
  out.paragraph(text(fill(w.intro, {{"consultation", d.consultation_title},
                                    {"meeting", d.meeting_id},
                                    {"chair", d.chair},
                                    {"start", format_date_time(d.started_at_unix_ms, lang)},
                                    {"end", d.ended_at_unix_ms ? format_date_time(*d.ended_at_unix_ms, lang)
                                                               : std::string(w.still_running)}})));
  out.head_box(fill(w.built_from, {{"consultation", d.consultation_id},
                                   {"seq", std::to_string(d.head.seq)},
                                   {"hash", d.head.hash_hex},
                                   {"time", format_date_time(d.head.time_unix_ms, lang)}}),
               w.check_it, verify_command(d.consultation_id, d.head));
  write_attendance(d, lang, clock, out);
  write_agenda(d, lang, clock, out);
  write_edits(d, lang, clock, out);
  write_threads(d, lang, clock, out);
  write_polls(d, lang, clock, out);
  write_decisions(d, lang, clock, out);
}

}  // namespace

std::string render_minutes_markdown(const MinutesData& d, Lang lang) {
  MarkdownWriter out;
  render_minutes(d, lang, out);
  // One newline at the end, not a blank line.
  while (out.out.size() >= 2 && out.out.compare(out.out.size() - 2, 2, "\n\n") == 0) out.out.pop_back();
  return out.out;
}

std::string render_minutes_html(const MinutesData& d, Lang lang) {
  HtmlWriter out;
  out.out = "<!DOCTYPE html>\n<html lang=\"" + std::string(lang_code(lang)) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  out.out += "<meta name=\"kenes-log-head\" content=\"" + html_escape(d.consultation_id) + ":" +
             std::to_string(d.head.seq) + ":" + d.head.hash_hex + "\">\n";
  out.out += "<title>" + html_escape(minutes_title(d, lang)) + "</title>\n<style>"
             "body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
             ".head{background:#f4f4f4;border-left:4px solid #888;padding:.5rem 1rem;font-size:.9rem;"
             "overflow-wrap:anywhere}.empty{color:#666;font-style:italic}"
             "blockquote{border-left:4px solid #ccc;margin:0 0 1rem;padding:0 1rem;color:#444}"
             "del{background:#ffebe9;color:#82071e}ins{background:#dafbe1;color:#116329;text-decoration:none}"
             "li{margin-bottom:.25rem}"
             "</style>\n</head>\n<body>\n";
  render_minutes(d, lang, out);
  out.out += "</body>\n</html>\n";
  return out.out;
}

std::string render_votes_csv(const VotesData& d) {
  std::string out = "consultation," + csv_field(d.consultation_id) + "\n";
  out += "log_head," + std::to_string(d.head.seq) + ":" + d.head.hash_hex + "\n";
  // No group or gender per person, named poll or not (issue 18: they are
  // shown only as counts of at least 3, in the results' breakdowns).
  out += "poll_id,poll_question,poll_kind,anonymous,voter,cast_at_utc,choices\n";
  // Anonymous polls' ballots sorted by choices within their poll, so that
  // their order (of casting, or of the roster) tells nothing.
  std::vector<std::string> poll_order;
  std::map<std::string, std::vector<const VoteRow*>> by_poll;
  for (const auto& r : d.rows) {
    auto& rows = by_poll[r.poll_id];
    if (rows.empty()) poll_order.push_back(r.poll_id);
    rows.push_back(&r);
  }
  std::vector<const VoteRow*> rows;
  for (const auto& id : poll_order) {
    auto& poll_rows = by_poll[id];
    if (poll_rows.front()->anonymous) {
      std::stable_sort(poll_rows.begin(), poll_rows.end(),
                       [](const VoteRow* a, const VoteRow* b) { return a->choices < b->choices; });
    }
    rows.insert(rows.end(), poll_rows.begin(), poll_rows.end());
  }
  for (const VoteRow* row : rows) {
    const VoteRow& r = *row;
    bool named = !r.anonymous;
    out += csv_field(r.poll_id) + "," + csv_field(r.question) + "," + csv_field(r.kind) + "," +
           (r.anonymous ? "yes" : "no") + "," + (named ? csv_field(r.voter) : "") + "," +
           (named && r.cast_at_unix_ms ? format_utc(r.cast_at_unix_ms) : "") + "," + csv_field(r.choices) + "\n";
  }
  return out;
}

}  // namespace kenes::report
