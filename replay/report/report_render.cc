#include "replay/report/report_render.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "replay/report/docx.h"
#include "replay/report/markdown.h"

namespace kenes::report {

std::string format_utc(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_inline(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_[]<>#|!").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string role_label(kenes::v1::Role role) {
  switch (role) {
    case kenes::v1::ROLE_CHAIR: return "chair";
    case kenes::v1::ROLE_RESEARCHER: return "researcher";
    case kenes::v1::ROLE_MEMBER: return "member";
    case kenes::v1::ROLE_OBSERVER: return "observer";
    default: return "unknown role";
  }
}

std::string head_sentence(const std::string& consultation_id, const LogHead& head) {
  return "Built from the log of consultation " + consultation_id + " at record " + std::to_string(head.seq) +
         " (SHA-256 " + head.hash_hex + "), recorded " + format_utc(head.time_unix_ms) + ".";
}

std::string verify_command(const std::string& consultation_id, const LogHead& head) {
  return "kenes-admin verify --consultation " + consultation_id + " --expect-head " + std::to_string(head.seq) + ":" +
         head.hash_hex;
}

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string scope_sentence(const ReportData& d, const ReportWords& w) {
  const std::string n = std::to_string(d.indicators_in_scope), total = std::to_string(d.indicators_in_framework);
  if (d.scope == kenes::v1::SCOPE_CORE) return fill(w.scope_core, {{"n", n}, {"total", total}});
  if (d.scope == kenes::v1::SCOPE_CORE_PLUS_SELECTED) {
    return fill(w.scope_core_plus_selected, {{"n", n}, {"total", total}});
  }
  return fill(w.scope_all, {{"n", n}});
}

std::string drafted_sentence(const ReportData& d, const ReportWords& w) {
  return fill(w.drafted, {{"n", std::to_string(d.drafted)}, {"total", std::to_string(d.indicators_in_scope)}});
}

std::string report_head_sentence(const ReportData& d, Lang lang) {
  return fill(report_words(lang).built_from, {{"consultation", d.consultation_id},
                                              {"seq", std::to_string(d.head.seq)},
                                              {"hash", d.head.hash_hex},
                                              {"time", format_date_time(d.head.time_unix_ms, lang)}});
}

// "" when the indicator was never put to a validation poll nor validated.
std::string working_validation_text(const IndicatorReport::Validation& v, Lang lang) {
  const ReportWords& w = report_words(lang);
  if (v.validated && v.by_poll.empty()) {
    std::string out = fill(w.validated_by_chair,
                           {{"version", std::to_string(v.version)}, {"date", format_date(v.closed_at_unix_ms, lang)}});
    if (v.draft_now > v.version) out += fill(w.changed_since, {{"version", std::to_string(v.draft_now)}});
    return out;
  }
  if (v.validated) {
    std::string out = fill(w.validated_by_poll, {{"date", format_date(v.closed_at_unix_ms, lang)},
                                                 {"poll", v.by_poll},
                                                 {"version", std::to_string(v.version)},
                                                 {"agree", std::to_string(v.agree)},
                                                 {"reservations", std::to_string(v.agree_with_reservations)},
                                                 {"disagree", std::to_string(v.disagree)},
                                                 {"abstain", std::to_string(v.abstain)}});
    if (v.draft_now > v.version) out += fill(w.draft_changed_since, {{"version", std::to_string(v.draft_now)}});
    return out;
  }
  return v.failed_poll.empty() ? std::string() : fill(w.poll_did_not_pass, {{"poll", v.failed_poll}});
}

// The publication's sentence: "" unless validated, and no poll id or draft
// version (workflow a reader has no use for). A text edited after its
// validation says so: the reader is not told more than was validated.
std::string public_validation_text(const IndicatorReport::Validation& v, Lang lang) {
  const ReportWords& w = report_words(lang);
  if (!v.validated) return {};
  std::string out = v.by_poll.empty()
                        ? fill(w.validated_by_chair_public, {{"date", format_date(v.closed_at_unix_ms, lang)}})
                        : fill(w.validated_by_poll_public, {{"date", format_date(v.closed_at_unix_ms, lang)},
                                                            {"agree", std::to_string(v.agree)},
                                                            {"reservations", std::to_string(v.agree_with_reservations)},
                                                            {"disagree", std::to_string(v.disagree)},
                                                            {"abstain", std::to_string(v.abstain)}});
  if (v.draft_now > v.version) out += w.edited_since_validation;
  return out;
}

// The validating poll's reservations, listed under its sentence: "Name: text",
// or the text alone when the poll was anonymous.
std::vector<std::string> reservation_lines(const IndicatorReport::Validation& v) {
  std::vector<std::string> lines;
  for (const auto& r : v.reservations) lines.push_back(r.by.empty() ? r.text : r.by + ": " + r.text);
  return lines;
}

std::string about_framework(const ReportData& d, const ReportWords& w) {
  std::string out = fill(w.framework, {{"edition", d.edition}});
  if (!d.source.empty()) out += " " + fill(w.source, {{"source", d.source}});
  return out;
}

// A draft inside the report: its headings moved below the report's own
// (a draft's "# Title" would otherwise open a new chapter). Fenced code is
// left alone.
std::string demote_headings(const std::string& text, int below_level) {
  std::string out;
  bool in_fence = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (line.rfind("```", 0) == 0 || line.rfind("~~~", 0) == 0) in_fence = !in_fence;
    if (!in_fence && !line.empty() && line[0] == '#') {
      std::size_t hashes = line.find_first_not_of('#');
      if (hashes != std::string::npos && hashes <= 6 && line[hashes] == ' ') {
        std::size_t level = std::min<std::size_t>(6, hashes + static_cast<std::size_t>(below_level));
        line = std::string(level, '#') + line.substr(hashes);
      }
    }
    out += line;
    if (end == std::string::npos) break;
    out += '\n';
    pos = end + 1;
  }
  return out;
}

// One Markdown file holds every draft, and footnote labels are the file's:
// two drafts' [^1] would be one note, the second draft's text lost. So each
// draft's labels take the prefix its HTML anchors carry ("ind-C.1-",
// "sec-methodology-"). Only labels the draft defines are renamed (an
// undefined [^x] stays as typed); fenced code and code spans are left alone.
// Labels match case-insensitively, as CommonMark's do.
std::string prefix_footnotes(const std::string& text, const std::string& prefix) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  // "[^label]" at `at`: the label's length, or 0.
  auto label_at = [&](std::string_view line, std::size_t at) -> std::size_t {
    if (line.compare(at, 2, "[^") != 0) return 0;
    std::size_t end = at + 2;
    while (end < line.size() && line[end] != ']' && line[end] != ' ' && line[end] != '\t' && line[end] != '[') ++end;
    return end < line.size() && line[end] == ']' && end > at + 2 ? end - at - 2 : 0;
  };
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos <= text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
  }
  auto is_fence = [](std::string_view line) {
    std::size_t indent = line.find_first_not_of(' ');
    return indent != std::string_view::npos && indent < 4 &&
           (line.compare(indent, 3, "```") == 0 || line.compare(indent, 3, "~~~") == 0);
  };
  std::vector<std::string> defined;
  bool in_fence = false;
  for (std::string_view line : lines) {
    if (is_fence(line)) in_fence = !in_fence;
    if (in_fence) continue;
    std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || indent > 3) continue;
    if (std::size_t n = label_at(line, indent); n > 0 && line.compare(indent + n + 3, 1, ":") == 0) {
      defined.push_back(lower(std::string(line.substr(indent + 2, n))));
    }
  }
  if (defined.empty()) return text;
  std::string out;
  in_fence = false;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    std::string_view line = lines[k];
    if (k > 0) out += '\n';
    if (is_fence(line)) in_fence = !in_fence;
    if (in_fence || is_fence(line)) {
      out += line;
      continue;
    }
    std::size_t span = 0;  // the backtick run that opened the code span we are in (0: none)
    for (std::size_t i = 0; i < line.size();) {
      if (line[i] == '`') {
        std::size_t run = line.find_first_not_of('`', i);
        run = (run == std::string_view::npos ? line.size() : run) - i;
        if (span == 0) span = run;
        else if (run == span) span = 0;
        out.append(line.substr(i, run));
        i += run;
        continue;
      }
      const std::size_t n = span == 0 ? label_at(line, i) : 0;
      if (n > 0 && std::find(defined.begin(), defined.end(), lower(std::string(line.substr(i + 2, n)))) !=
                       defined.end()) {
        out += "[^" + prefix;
        out.append(line.substr(i + 2, n + 1));
        i += n + 3;
        continue;
      }
      out += line[i++];
    }
  }
  return out;
}

std::string trim_trailing_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The participants' counts as Markdown, HTML and DOCX all print them, in
// plain text (each renderer escapes it): only cells of at least 3 people,
// the rest in one bucket (k_anonymous_cells), or why nothing is shown.
std::string counts_text(std::vector<CountCell> cells, const ReportWords& w) {
  std::vector<CountCell> shown = k_anonymous_cells(std::move(cells));
  if (shown.empty()) return w.not_shown_under_3;
  std::string out;
  for (const auto& c : shown) {
    out += (out.empty() ? "" : "; ") + (c.merged ? std::string(w.groups_under_3) : c.label) + " " +
           std::to_string(c.people);
  }
  return out;
}

// "By stakeholder group: ...." in the groups' order, "not given" last.
std::string group_counts_sentence(const ReportData& d, Lang lang) {
  const ReportWords& w = report_words(lang);
  std::vector<CountCell> cells;
  auto add = [&](kenes::v1::StakeholderGroup g) {
    if (auto it = d.by_group.find(g); it != d.by_group.end()) cells.push_back({group_name(g, lang), it->second});
  };
  for (auto g : stakeholder_groups()) add(g);
  add(kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED);
  return std::string(w.by_group) + " " + counts_text(std::move(cells), w) + ".";
}

// "By gender: ...." in the order of the genders' text, "not given" first.
std::string gender_counts_sentence(const ReportData& d, const ReportWords& w) {
  std::vector<CountCell> cells;
  for (const auto& [g, n] : d.by_gender) cells.push_back({g.empty() ? std::string(w.not_given) : g, n});
  return std::string(w.by_gender) + " " + counts_text(std::move(cells), w) + ".";
}

// A person is shown by name and role only (ParticipantRow has no group).
std::string participant_line(const ParticipantRow& p, Lang lang) {
  return p.name + " (" + role_name(p.role, lang) + ")";
}

std::string category_heading(const CategoryReport& c) { return c.id + ". " + c.title; }

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

bool has_team(const ReportData& d) { return !d.advisory_board.empty() || !d.research_team.empty(); }

// What the publication prints: the data without the indicators nobody
// drafted, and without the questions, themes, chapters and sections that
// leaves (or left) empty. The methodology counts as written when it has a
// list to print. Counts (scope, drafted) stay as they were.
ReportData publication_view(ReportData d) {
  std::vector<CategoryReport> categories;
  for (auto& c : d.categories) {
    std::vector<ThemeReport> themes;
    for (auto& t : c.themes) {
      std::vector<QuestionReport> questions;
      for (auto& q : t.questions) {
        std::erase_if(q.indicators, [](const IndicatorReport& i) { return blank(i.draft); });
        if (!q.indicators.empty()) questions.push_back(std::move(q));
      }
      t.questions = std::move(questions);
      if (!t.questions.empty()) themes.push_back(std::move(t));
    }
    c.themes = std::move(themes);
    if (!c.themes.empty() || !c.recommendations.empty()) categories.push_back(std::move(c));
  }
  d.categories = std::move(categories);
  const bool cites = !cited_references(d).empty();
  auto unwritten = [&](const SectionReport& s) {
    return blank(s.text) && !(s.slug == "methodology" && has_team(d)) && !(s.slug == "references" && cites);
  };
  std::erase_if(d.front_matter, unwritten);
  std::erase_if(d.back_matter, unwritten);
  return d;
}

// A name in the board or team list, the chair's role beside hers: the chair
// of the board, or the research team's lead.
std::string team_line(const TeamMember& m, bool board, Lang lang) {
  if (!m.chair) return m.name;
  return m.name + " (" + (board ? role_name(kenes::v1::ROLE_CHAIR, lang) : report_words(lang).research_lead) + ")";
}

// The report's chapters in order, as the contents list them: front matter,
// the categories, back matter, and (working copy) the participants.
struct ContentsEntry {
  std::string anchor;  // HTML id
  std::string title;
};

std::vector<ContentsEntry> contents_of(const ReportData& d, Lang lang, Variant variant) {
  std::vector<ContentsEntry> out;
  for (const auto& s : d.front_matter) out.push_back({"sec-" + s.slug, section_title(s.slug, lang)});
  for (const auto& c : d.categories) out.push_back({"cat-" + c.id, category_heading(c)});
  for (const auto& s : d.back_matter) out.push_back({"sec-" + s.slug, section_title(s.slug, lang)});
  if (variant == Variant::kWorking) out.push_back({"participants", report_words(lang).participants});
  return out;
}

// ------------------------------------------------------------ evidence (issue 19)
//
// An indicator's figures and references, and the references annex, are
// written once as Markdown (every value escaped) and then go the way a
// draft goes: as is into report.md, through cmark-gfm into report.html and
// report.docx. So the table is a real table in all three, and a link is a
// link only where a draft's would be.

// A "YYYY-MM-DD" day as the report writes dates; the text itself otherwise.
std::string civil_date(const std::string& day, Lang lang) {
  int y = 0, m = 0, d = 0;
  if (day.size() != 10 || std::sscanf(day.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return day;
  // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return format_date(days * 86'400'000, lang);
}

std::string trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// "A", "A and B", "A, B and C".
std::string authors_text(const std::vector<std::string>& authors, const ReportWords& w) {
  std::string out;
  for (size_t i = 0; i < authors.size(); ++i) {
    if (i > 0) out += i + 1 == authors.size() ? std::string(" ") + w.and_word + " " : ", ";
    out += trimmed(authors[i]);
  }
  return out;
}

// A URL as a Markdown link destination: the characters that could end it
// or escape out of it percent-encoded (the server allowed no spaces).
std::string link_destination(const std::string& url) {
  std::string out;
  for (unsigned char c : url) {
    if (c == '(' || c == ')' || c == '<' || c == '>' || c == '\\' || c == '`' || c <= 0x20) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// "Authors (year). *Title*. Publisher. [link](link) (accessed date)."
std::string citation_markdown(const ReferenceEntry& r, const ReportWords& w, Lang lang) {
  std::string md = markdown_inline(authors_text(r.authors, w) + " (" + std::to_string(r.year) + "). ");
  md += "*" + markdown_inline(trimmed(r.title)) + "*.";
  if (!blank(r.publisher)) md += " " + markdown_inline(trimmed(r.publisher)) + ".";
  if (!r.link.empty()) {
    md += " [" + markdown_inline(r.link) + "](" + link_destination(r.link) + ")";
    if (!r.accessed.empty()) md += " (" + markdown_inline(fill(w.accessed, {{"date", civil_date(r.accessed, lang)}})) + ")";
    md += ".";
  }
  return md;
}

// How a figure names its source: "Freedom House (2024)", "ITU et al. (2023)", or the text.
std::string figure_source(const FigureEntry& f, const ReportWords& w) {
  if (f.source_reference) {
    const auto& r = *f.source_reference;
    std::string first = r.authors.empty() ? std::string() : trimmed(r.authors.front());
    return first + (r.authors.size() > 1 ? std::string(" ") + w.et_al : "") + " (" + std::to_string(r.year) + ")";
  }
  return blank(f.source_text) ? std::string(w.source_removed) : trimmed(f.source_text);
}

// The figures as a table (each breakdown row under its figure, "– women"),
// their notes after it, then the references as a list; "" for none.
std::string evidence_markdown(const IndicatorReport& i, const ReportWords& w, Lang lang) {
  std::string md;
  if (!i.figures.empty()) {
    md += "**" + markdown_inline(w.figures) + "**\n\n";
    md += "| " + markdown_inline(w.figure_column) + " | " + markdown_inline(w.value_column) + " | " +
          markdown_inline(w.unit_column) + " | " + markdown_inline(w.year_column) + " | " +
          markdown_inline(w.source_column) + " |\n| --- | --- | --- | --- | --- |\n";
    for (const auto& f : i.figures) {
      md += "| " + markdown_inline(trimmed(f.label)) + " | " + markdown_inline(trimmed(f.value)) + " | " +
            markdown_inline(trimmed(f.unit)) + " | " + std::to_string(f.year) + " | " +
            markdown_inline(figure_source(f, w)) + " |\n";
      for (const auto& [label, value] : f.breakdown) {
        md += "| – " + markdown_inline(trimmed(label)) + " | " + markdown_inline(trimmed(value)) + " |  |  |  |\n";
      }
    }
    md += "\n";
    for (const auto& f : i.figures) {
      if (blank(f.note)) continue;
      md += markdown_inline(std::string(w.note) + " (" + trimmed(f.label) + "): " + trimmed(f.note)) + "\n\n";
    }
  }
  if (!i.references.empty()) {
    md += "**" + markdown_inline(w.references) + "**\n\n";
    for (const auto& r : i.references) md += "- " + citation_markdown(r, w, lang) + "\n";
    md += "\n";
  }
  return md;
}

// The references annex: every work cited, once, by author then year.
std::string annex_markdown(const ReportData& d, const ReportWords& w, Lang lang) {
  std::string md;
  for (const auto& r : cited_references(d)) md += "- " + citation_markdown(r, w, lang) + "\n";
  return md;
}

}  // namespace

std::optional<Variant> parse_variant(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "publication") return Variant::kPublication;
  if (lower == "working") return Variant::kWorking;
  return std::nullopt;
}

std::string_view variant_name(Variant variant) {
  return variant == Variant::kWorking ? "working" : "publication";
}


namespace {

// One indicator in the Markdown report: its heading, then in the
// publication the text, evidence, sources and validation sentence; in the
// working copy the workflow lines first, then the draft and evidence.
std::string indicator_markdown(const IndicatorReport& i, const ReportWords& w, Lang lang, bool working) {
  std::string md;
  auto empty_note = [&](const char* text) { md += std::string("*").append(markdown_inline(text)).append("*\n\n"); };
  md += "##### " + markdown_inline(i.id + " " + i.title) + (i.core ? " (" + markdown_inline(w.core) + ")" : "") +
        "\n\n";
  std::string draft = prefix_footnotes(trim_trailing_newlines(i.draft), "ind-" + i.id + "-");
  std::vector<std::string> reservations = reservation_lines(i.validation);
  if (!working) {
    md += demote_headings(draft, 5) + "\n\n";
    md += evidence_markdown(i, w, lang);
    if (!i.sources_used.empty()) {
      md += markdown_inline(std::string(w.sources_used) + ": " + join(i.sources_used, "; ")) + "\n\n";
    }
    if (std::string validation = public_validation_text(i.validation, lang); !validation.empty()) {
      md += markdown_inline(validation) + "\n\n";
      if (!reservations.empty()) md += markdown_inline(w.reservations) + "\n\n";
      for (const auto& r : reservations) md += "- " + markdown_inline(r) + "\n";
      if (!reservations.empty()) md += "\n";
    }
    return md;
  }
  auto line = [&](const char* label, const std::string& value) {
    md += "- " + markdown_inline(label) + ": " + markdown_inline(value) + "\n";
  };
  line(w.status, status_name(i.status, lang));
  if (!i.assignees.empty()) line(w.assigned_to, join(i.assignees, ", "));
  line(w.suggested_sources, i.suggested_sources.empty() ? w.none : join(i.suggested_sources, "; "));
  line(w.sources_used, i.sources_used.empty() ? w.none_recorded : join(i.sources_used, "; "));
  if (i.score) line(w.score, std::to_string(*i.score));
  std::string validation = working_validation_text(i.validation, lang);
  line(w.validation, validation.empty() ? w.not_validated : validation);
  if (!reservations.empty()) {
    md += "  " + markdown_inline(w.reservations) + "\n";
    for (const auto& r : reservations) md += "  - " + markdown_inline(r) + "\n";
  }
  line(w.draft_version, std::to_string(i.draft_version));
  md += "\n";
  if (draft.empty()) {
    empty_note(w.no_draft);
  } else {
    md += demote_headings(draft, 5) + "\n\n";
  }
  md += evidence_markdown(i, w, lang);
  return md;
}

}  // namespace

std::string render_report_markdown(const ReportData& data, Lang lang, Variant variant) {
  const ReportWords& w = report_words(lang);
  const bool working = variant == Variant::kWorking;
  const ReportData d = working ? data : publication_view(data);
  std::string md;
  md += "# " + markdown_inline(d.title) + "\n\n";
  md += markdown_inline(fill(w.assessment_report, {{"edition", d.edition}})) + "\n\n";
  md += "> " + markdown_inline(report_head_sentence(d, lang)) + "  \n";
  md += "> " + markdown_inline(w.check_it) + " `" + verify_command(d.consultation_id, d.head) + "`\n\n";
  md += markdown_inline(working ? scope_sentence(d, w) + " " + drafted_sentence(d, w) : scope_sentence(d, w)) + "\n\n";

  // (A publication with nothing written yet has no chapter to list.)
  if (const std::vector<ContentsEntry> contents = contents_of(d, lang, variant); !contents.empty()) {
    md += "## " + markdown_inline(w.contents) + "\n\n";
    int chapter = 0;
    for (const auto& e : contents) md += std::to_string(++chapter) + ". " + markdown_inline(e.title) + "\n";
    md += "\n";
  }

  auto empty_note = [&](const char* text) { md += std::string("*").append(markdown_inline(text)).append("*\n\n"); };
  auto team = [&](const char* heading, const std::vector<TeamMember>& people, bool board) {
    if (people.empty() && !working) return;
    md += "### " + markdown_inline(heading) + "\n\n";
    if (people.empty()) empty_note(w.no_one_yet);
    for (const auto& p : people) md += "- " + markdown_inline(team_line(p, board, lang)) + "\n";
    if (!people.empty()) md += "\n";
  };
  const std::string annex = annex_markdown(d, w, lang);
  auto section = [&](const SectionReport& s) {
    md += "## " + markdown_inline(section_title(s.slug, lang)) + "\n\n";
    std::string text = trim_trailing_newlines(s.text);
    const bool with_annex = s.slug == "references" && !annex.empty();
    if (!blank(text)) {
      md += demote_headings(prefix_footnotes(text, "sec-" + s.slug + "-"), 2) + "\n\n";
    } else if (working && !with_annex) {
      empty_note(w.not_written_yet);
    }
    if (with_annex) md += annex + "\n";
    if (s.slug == "methodology") {
      team(w.advisory_board, d.advisory_board, true);
      team(w.research_team, d.research_team, false);
    }
  };

  for (const auto& s : d.front_matter) section(s);
  for (const auto& c : d.categories) {
    md += "## " + markdown_inline(category_heading(c)) + "\n\n";
    for (const auto& t : c.themes) {
      md += "### " + markdown_inline(t.id + " " + t.title) + "\n\n";
      if (t.questions.empty()) {
        empty_note(w.theme_out_of_scope);
        continue;
      }
      for (const auto& q : t.questions) {
        md += "#### " + markdown_inline(q.id + " " + q.title) + "\n\n";
        for (const auto& i : q.indicators) md += indicator_markdown(i, w, lang, working);
      }
    }
    if (!c.recommendations.empty()) {
      md += "### " + markdown_inline(fill(w.recommendations, {{"category", c.id}})) + "\n\n";
      for (const auto& r : c.recommendations) {
        md += "#### " + markdown_inline(group_name(r.group, lang)) + "\n\n" +
              demote_headings(prefix_footnotes(trim_trailing_newlines(r.text),
                                               "rec-" + c.id + "-" + stakeholder_group_slug(r.group) + "-"),
                              4) +
              "\n\n";
      }
    }
  }
  for (const auto& s : d.back_matter) section(s);

  if (working) {
    md += "## " + markdown_inline(w.participants) + "\n\n";
    if (d.participants.empty()) empty_note(w.no_participants);
    for (const auto& p : d.participants) md += "- " + markdown_inline(participant_line(p, lang)) + "\n";
    if (!d.participants.empty()) {
      md += "\n" + markdown_inline(group_counts_sentence(d, lang)) + "  \n" +
            markdown_inline(gender_counts_sentence(d, w)) + "\n\n";
    }
  }
  md += "## " + markdown_inline(w.about) + "\n\n";
  md += markdown_inline(about_framework(d, w));
  md += "\n\n" + markdown_inline(w.generated) + "\n";
  return md;
}

namespace {

// .draft is a draft in the working copy, boxed apart from the workflow
// lines around it; .prose is text as the publication prints it.
constexpr char kStyle[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:50rem;margin:2rem auto;"
    "padding:0 1rem;line-height:1.5;color:#1b1b1b}"
    "h1{font-size:1.8rem}h2{border-bottom:1px solid #ccc;margin-top:2.5rem}"
    ".head{background:#f4f4f4;border-left:4px solid #888;padding:.5rem 1rem;font-size:.9rem;overflow-wrap:anywhere}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;font-size:.95rem}dt{font-weight:600}"
    "dd{margin:0}.draft{border:1px solid #ddd;padding:0 .75rem;border-radius:4px;overflow-x:auto}"
    ".draft table,.prose table{border-collapse:collapse;margin:.75rem 0}"
    ".draft th,.draft td,.prose th,.prose td{border:1px solid #bbb;padding:.2rem .5rem}"
    ".draft th,.prose th{background:#f4f4f4}.draft pre,.prose pre{background:#f7f7f7;padding:.5rem;overflow-x:auto}"
    ".draft blockquote,.prose blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:.75rem;color:#444}"
    ".footnotes{font-size:.85rem;border-top:1px solid #eee}.meta{font-size:.95rem}"
    ".empty{color:#666;font-style:italic}.core{font-size:.8rem;background:#e6eefc;padding:0 .4rem;border-radius:3px}"
    "code{overflow-wrap:anywhere}";

std::string dd(const std::string& term, const std::string& value_html) {
  return "<dt>" + term + "</dt><dd>" + value_html + "</dd>";
}

// One indicator as an <article>: as in indicator_markdown(), the
// publication's text, evidence, sources and validation sentence, or the
// working copy's workflow list, draft and evidence.
std::string indicator_html(const IndicatorReport& i, const ReportWords& w, Lang lang, bool working) {
  auto empty = [](const std::string& text) { return "<span class=\"empty\">" + html_escape(text) + "</span>"; };
  auto empty_p = [](const std::string& text) { return "<p class=\"empty\">" + html_escape(text) + "</p>\n"; };
  std::string h = "<article id=\"ind-" + html_escape(i.id) + "\">\n<h5>" + html_escape(i.id + " " + i.title) +
                  (i.core ? " <span class=\"core\">" + html_escape(w.core) + "</span>" : "") + "</h5>\n";
  std::string draft = trim_trailing_newlines(i.draft);
  // The draft's headings go below the indicator's <h5>, as in the Markdown.
  auto draft_html = [&](const char* css_class) {
    return std::string("<div class=\"") + css_class + "\">\n" +
           MarkdownDocument(draft, 5).html(html_escape("ind-" + i.id + "-"), html_escape(w.back_to_text)) + "</div>\n";
  };
  std::vector<std::string> reservations = reservation_lines(i.validation);
  auto evidence_html = [&] {
    const std::string md = evidence_markdown(i, w, lang);
    if (md.empty()) return std::string();
    return "<div class=\"prose evidence\">\n" +
           MarkdownDocument(md, 5).html(html_escape("ind-" + i.id + "-ev-"), html_escape(w.back_to_text)) + "</div>\n";
  };
  if (!working) {
    h += draft_html("prose");
    h += evidence_html();
    if (!i.sources_used.empty()) {
      h += "<p class=\"meta\">" + html_escape(std::string(w.sources_used) + ": " + join(i.sources_used, "; ")) + "</p>\n";
    }
    if (std::string validation = public_validation_text(i.validation, lang); !validation.empty()) {
      h += "<p class=\"meta\">" + html_escape(validation) + "</p>\n";
      if (!reservations.empty()) {
        h += "<p class=\"meta\">" + html_escape(w.reservations) + "</p>\n<ul class=\"meta\">\n";
        for (const auto& r : reservations) h += "<li>" + html_escape(r) + "</li>\n";
        h += "</ul>\n";
      }
    }
    return h + "</article>\n";
  }
  h += "<dl>";
  h += dd(html_escape(w.status), html_escape(status_name(i.status, lang)));
  if (!i.assignees.empty()) h += dd(html_escape(w.assigned_to), html_escape(join(i.assignees, ", ")));
  h += dd(html_escape(w.suggested_sources),
          i.suggested_sources.empty() ? empty(w.none) : html_escape(join(i.suggested_sources, "; ")));
  h += dd(html_escape(w.sources_used),
          i.sources_used.empty() ? empty(w.none_recorded) : html_escape(join(i.sources_used, "; ")));
  if (i.score) h += dd(html_escape(w.score), std::to_string(*i.score));
  std::string validation = working_validation_text(i.validation, lang);
  std::string validation_html = validation.empty() ? empty(w.not_validated) : html_escape(validation);
  if (!reservations.empty()) {
    validation_html += "<br>" + html_escape(w.reservations) + "<ul>";
    for (const auto& r : reservations) validation_html += "<li>" + html_escape(r) + "</li>";
    validation_html += "</ul>";
  }
  h += dd(html_escape(w.validation), validation_html);
  h += dd(html_escape(w.draft_version), std::to_string(i.draft_version));
  h += "</dl>\n";
  h += draft.empty() ? empty_p(w.no_draft) : draft_html("draft");
  h += evidence_html();
  return h + "</article>\n";
}

}  // namespace

std::string render_report_html(const ReportData& data, Lang lang, Variant variant) {
  const ReportWords& w = report_words(lang);
  const bool working = variant == Variant::kWorking;
  const ReportData d = working ? data : publication_view(data);
  auto empty_p = [](const std::string& text) { return "<p class=\"empty\">" + html_escape(text) + "</p>\n"; };
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"" + std::string(lang_code(lang)) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"kenes-log-head\" content=\"" + html_escape(d.consultation_id) + ":" +
       std::to_string(d.head.seq) + ":" + d.head.hash_hex + "\">\n";
  h += "<title>" + html_escape(d.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<header>\n<h1>" + html_escape(d.title) + "</h1>\n";
  h += "<p>" + html_escape(fill(w.assessment_report, {{"edition", d.edition}})) + "</p>\n";
  h += "<p class=\"head\">" + html_escape(report_head_sentence(d, lang)) + "<br>" + html_escape(w.check_it) +
       " <code>" + html_escape(verify_command(d.consultation_id, d.head)) + "</code></p>\n";
  h += "<p>" + html_escape(working ? scope_sentence(d, w) + " " + drafted_sentence(d, w) : scope_sentence(d, w)) +
       "</p>\n</header>\n";

  if (const std::vector<ContentsEntry> contents = contents_of(d, lang, variant); !contents.empty()) {
    h += "<nav>\n<h2>" + html_escape(w.contents) + "</h2>\n<ol>\n";
    for (const auto& e : contents) {
      h += "<li><a href=\"#" + html_escape(e.anchor) + "\">" + html_escape(e.title) + "</a></li>\n";
    }
    h += "</ol>\n</nav>\n";
  }

  auto team = [&](const char* heading, const std::vector<TeamMember>& people, bool board) {
    if (people.empty() && !working) return;
    h += "<h3>" + html_escape(heading) + "</h3>\n";
    if (people.empty()) {
      h += empty_p(w.no_one_yet);
      return;
    }
    h += "<ul>\n";
    for (const auto& p : people) h += "<li>" + html_escape(team_line(p, board, lang)) + "</li>\n";
    h += "</ul>\n";
  };
  const std::string annex = annex_markdown(d, w, lang);
  auto section = [&](const SectionReport& s) {
    h += "<section id=\"sec-" + html_escape(s.slug) + "\">\n<h2>" + html_escape(section_title(s.slug, lang)) + "</h2>\n";
    std::string text = trim_trailing_newlines(s.text);
    const bool with_annex = s.slug == "references" && !annex.empty();
    if (!blank(text)) {
      h += "<div class=\"prose\">\n" +
           MarkdownDocument(text, 2).html(html_escape("sec-" + s.slug + "-"), html_escape(w.back_to_text)) + "</div>\n";
    } else if (working && !with_annex) {
      h += empty_p(w.not_written_yet);
    }
    if (with_annex) {
      h += "<div class=\"prose annex\">\n" +
           MarkdownDocument(annex, 2).html(html_escape("sec-references-annex-"), html_escape(w.back_to_text)) +
           "</div>\n";
    }
    if (s.slug == "methodology") {
      team(w.advisory_board, d.advisory_board, true);
      team(w.research_team, d.research_team, false);
    }
    h += "</section>\n";
  };

  for (const auto& s : d.front_matter) section(s);
  for (const auto& c : d.categories) {
    h += "<section id=\"cat-" + html_escape(c.id) + "\">\n<h2>" + html_escape(category_heading(c)) + "</h2>\n";
    for (const auto& t : c.themes) {
      h += "<h3>" + html_escape(t.id + " " + t.title) + "</h3>\n";
      if (t.questions.empty()) {
        h += empty_p(w.theme_out_of_scope);
        continue;
      }
      for (const auto& q : t.questions) {
        h += "<h4>" + html_escape(q.id + " " + q.title) + "</h4>\n";
        for (const auto& i : q.indicators) h += indicator_html(i, w, lang, working);
      }
    }
    if (!c.recommendations.empty()) {
      h += "<h3>" + html_escape(fill(w.recommendations, {{"category", c.id}})) + "</h3>\n";
      for (const auto& r : c.recommendations) {
        h += "<h4>" + html_escape(group_name(r.group, lang)) + "</h4>\n<div class=\"" +
             (working ? "draft" : "prose") + "\">\n" +
             MarkdownDocument(r.text, 4).html(html_escape("rec-" + c.id + "-" + stakeholder_group_slug(r.group) + "-"),
                                              html_escape(w.back_to_text)) +
             "</div>\n";
      }
    }
    h += "</section>\n";
  }
  for (const auto& s : d.back_matter) section(s);

  if (working) {
    h += "<section id=\"participants\">\n<h2>" + html_escape(w.participants) + "</h2>\n";
    if (d.participants.empty()) {
      h += empty_p(w.no_participants);
    } else {
      h += "<ul>\n";
      for (const auto& p : d.participants) h += "<li>" + html_escape(participant_line(p, lang)) + "</li>\n";
      h += "</ul>\n<p>" + html_escape(group_counts_sentence(d, lang)) + "<br>" +
           html_escape(gender_counts_sentence(d, w)) + "</p>\n";
    }
    h += "</section>\n";
  }
  h += "<footer>\n<h2>" + html_escape(w.about) + "</h2>\n<p>" + html_escape(about_framework(d, w)) + "</p>\n<p>" +
       html_escape(w.generated) + "</p>\n</footer>\n</body>\n</html>\n";
  return h;
}

namespace {

std::vector<DocxRun> plain_runs(std::string text) { return std::vector<DocxRun>{DocxRun{std::move(text)}}; }

std::vector<DocxRun> note_runs(std::string text) {
  DocxRun r{std::move(text)};
  r.italic = true;
  return std::vector<DocxRun>{r};
}

// One indicator in Word, as indicator_markdown() in Markdown: Heading 4 and
// the draft's own headings below it.
void indicator_docx(DocxWriter& w, const IndicatorReport& i, const ReportWords& words, Lang lang, bool working) {
  auto labelled = [](const char* label, std::string value, bool empty = false) {
    DocxRun l{std::string(label) + ": "};
    l.bold = true;
    DocxRun v{std::move(value)};
    v.italic = empty;
    return std::vector<DocxRun>{l, v};
  };
  auto reservations_list = [&](std::vector<std::string> reservations) {
    if (reservations.empty()) return;
    w.paragraph(plain_runs(words.reservations), "Meta");
    std::vector<std::vector<DocxRun>> items;
    for (auto& r : reservations) items.push_back(plain_runs(std::move(r)));
    w.bullet_list(items);
  };
  w.heading(4, i.id + " " + i.title + (i.core ? " (" + std::string(words.core) + ")" : ""));
  std::string draft = trim_trailing_newlines(i.draft);
  if (!working) {
    w.markdown(draft, 4);
    if (const std::string md = evidence_markdown(i, words, lang); !md.empty()) w.markdown(md, 4);
    if (!i.sources_used.empty()) w.paragraph(labelled(words.sources_used, join(i.sources_used, "; ")), "Meta");
    if (std::string validation = public_validation_text(i.validation, lang); !validation.empty()) {
      w.paragraph(plain_runs(validation), "Meta");
      reservations_list(reservation_lines(i.validation));
    }
    return;
  }
  w.paragraph(labelled(words.status, status_name(i.status, lang)), "Meta");
  if (!i.assignees.empty()) w.paragraph(labelled(words.assigned_to, join(i.assignees, ", ")), "Meta");
  w.paragraph(labelled(words.suggested_sources,
                       i.suggested_sources.empty() ? words.none : join(i.suggested_sources, "; "),
                       i.suggested_sources.empty()),
              "Meta");
  w.paragraph(labelled(words.sources_used, i.sources_used.empty() ? words.none_recorded : join(i.sources_used, "; "),
                       i.sources_used.empty()),
              "Meta");
  if (i.score) w.paragraph(labelled(words.score, std::to_string(*i.score)), "Meta");
  std::string validation = working_validation_text(i.validation, lang);
  w.paragraph(labelled(words.validation, validation.empty() ? words.not_validated : validation, validation.empty()),
              "Meta");
  reservations_list(reservation_lines(i.validation));
  w.paragraph(labelled(words.draft_version, std::to_string(i.draft_version)), "Meta");
  if (draft.empty()) {
    w.paragraph(note_runs(words.no_draft));
  } else {
    w.markdown(draft, 4);
  }
  if (const std::string md = evidence_markdown(i, words, lang); !md.empty()) w.markdown(md, 4);
}

}  // namespace

DocxResult render_report_docx(const ReportData& data, Lang lang, Variant variant) {
  // The Markdown report's structure, one Word heading level up: the title is
  // Word's Title, sections and categories are Heading 1, so the table of
  // contents (levels 1-3) lists them, the themes and questions (and the
  // board and team lists); indicators are Heading 4 and a draft's own
  // headings go below them.
  const ReportWords& words = report_words(lang);
  const bool working = variant == Variant::kWorking;
  const ReportData d = working ? data : publication_view(data);
  DocxWriter w;
  const auto plain = plain_runs;
  const auto note = note_runs;
  w.title(d.title);
  w.paragraph(plain(fill(words.assessment_report, {{"edition", d.edition}})));
  DocxRun command{verify_command(d.consultation_id, d.head)};
  command.code = true;
  w.paragraph({DocxRun{report_head_sentence(d, lang) + " " + words.check_it + " "}, command}, "Quote");
  w.paragraph(plain(working ? scope_sentence(d, words) + " " + drafted_sentence(d, words) : scope_sentence(d, words)));
  w.table_of_contents(words.contents);

  auto team = [&](const char* heading, const std::vector<TeamMember>& people, bool board) {
    if (people.empty() && !working) return;
    w.heading(2, heading);
    if (people.empty()) {
      w.paragraph(note(words.no_one_yet));
      return;
    }
    std::vector<std::vector<DocxRun>> names;
    for (const auto& p : people) names.push_back(plain(team_line(p, board, lang)));
    w.bullet_list(names);
  };
  const std::string annex = annex_markdown(d, words, lang);
  auto section = [&](const SectionReport& s) {
    w.heading(1, section_title(s.slug, lang));
    std::string text = trim_trailing_newlines(s.text);
    const bool with_annex = s.slug == "references" && !annex.empty();
    if (!blank(text)) {
      w.markdown(text, 1);
    } else if (working && !with_annex) {
      w.paragraph(note(words.not_written_yet));
    }
    if (with_annex) w.markdown(annex, 1);
    if (s.slug == "methodology") {
      team(words.advisory_board, d.advisory_board, true);
      team(words.research_team, d.research_team, false);
    }
  };

  for (const auto& s : d.front_matter) section(s);
  for (const auto& c : d.categories) {
    w.heading(1, category_heading(c));
    for (const auto& t : c.themes) {
      w.heading(2, t.id + " " + t.title);
      if (t.questions.empty()) {
        w.paragraph(note(words.theme_out_of_scope));
        continue;
      }
      for (const auto& q : t.questions) {
        w.heading(3, q.id + " " + q.title);
        for (const auto& i : q.indicators) indicator_docx(w, i, words, lang, working);
      }
    }
    if (!c.recommendations.empty()) {
      w.heading(2, fill(words.recommendations, {{"category", c.id}}));
      for (const auto& r : c.recommendations) {
        w.heading(3, group_name(r.group, lang));
        w.markdown(trim_trailing_newlines(r.text), 3);
      }
    }
  }
  for (const auto& s : d.back_matter) section(s);

  if (working) {
    w.heading(1, words.participants);
    if (d.participants.empty()) {
      w.paragraph(note(words.no_participants));
    } else {
      std::vector<std::vector<DocxRun>> people;
      for (const auto& p : d.participants) people.push_back(plain(participant_line(p, lang)));
      w.bullet_list(people);
      w.paragraph(plain(group_counts_sentence(d, lang)));
      w.paragraph(plain(gender_counts_sentence(d, words)));
    }
  }
  w.heading(1, words.about);
  w.paragraph(plain(about_framework(d, words)));
  w.paragraph(plain(words.generated));
  return w.package(DocxMeta{d.title, std::string(lang_locale(lang)), d.head.time_unix_ms});
}

}  // namespace kenes::report
