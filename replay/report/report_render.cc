#include "replay/report/report_render.h"

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
  if (d.core_only) {
    return fill(w.scope_core, {{"n", std::to_string(d.indicators_in_scope)},
                               {"total", std::to_string(d.indicators_in_framework)}});
  }
  return fill(w.scope_all, {{"n", std::to_string(d.indicators_in_scope)}});
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
std::string validation_text(const IndicatorReport::Validation& v, Lang lang) {
  const ReportWords& w = report_words(lang);
  if (v.validated && v.by_poll.empty()) {
    std::string out = fill(w.validated_by_chair, {{"version", std::to_string(v.version)}});
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

}  // namespace

std::string render_report_markdown(const ReportData& d, Lang lang) {
  const ReportWords& w = report_words(lang);
  std::string md;
  md += "# " + markdown_inline(d.title) + "\n\n";
  md += markdown_inline(fill(w.assessment_report, {{"edition", d.edition}})) + "\n\n";
  md += "> " + markdown_inline(report_head_sentence(d, lang)) + "  \n";
  md += "> " + markdown_inline(w.check_it) + " `" + verify_command(d.consultation_id, d.head) + "`\n\n";
  md += markdown_inline(scope_sentence(d, w) + " " + drafted_sentence(d, w)) + "\n\n";

  md += "## " + markdown_inline(w.contents) + "\n\n";
  int chapter = 0;
  for (const auto& c : d.categories) {
    md += std::to_string(++chapter) + ". " + markdown_inline(category_heading(c)) + "\n";
  }
  md += std::to_string(++chapter) + ". " + markdown_inline(w.participants) + "\n\n";

  for (const auto& c : d.categories) {
    md += "## " + markdown_inline(category_heading(c)) + "\n\n";
    for (const auto& t : c.themes) {
      md += "### " + markdown_inline(t.id + " " + t.title) + "\n\n";
      if (t.questions.empty()) {
        md += "*" + markdown_inline(w.theme_out_of_scope) + "*\n\n";
        continue;
      }
      for (const auto& q : t.questions) {
        md += "#### " + markdown_inline(q.id + " " + q.title) + "\n\n";
        for (const auto& i : q.indicators) {
          md += "##### " + markdown_inline(i.id + " " + i.title) + (i.core ? " (" + markdown_inline(w.core) + ")" : "") +
                "\n\n";
          auto line = [&](const char* label, const std::string& value) {
            md += "- " + markdown_inline(label) + ": " + markdown_inline(value) + "\n";
          };
          line(w.status, status_name(i.status, lang));
          if (!i.assignees.empty()) line(w.assigned_to, join(i.assignees, ", "));
          line(w.suggested_sources, i.suggested_sources.empty() ? w.none : join(i.suggested_sources, "; "));
          line(w.sources_used, i.sources_used.empty() ? w.none_recorded : join(i.sources_used, "; "));
          if (i.score) line(w.score, std::to_string(*i.score));
          std::string validation = validation_text(i.validation, lang);
          line(w.validation, validation.empty() ? w.not_validated : validation);
          if (auto reservations = reservation_lines(i.validation); !reservations.empty()) {
            md += "  " + markdown_inline(w.reservations) + "\n";
            for (const auto& r : reservations) md += "  - " + markdown_inline(r) + "\n";
          }
          line(w.draft_version, std::to_string(i.draft_version));
          md += "\n";
          std::string draft = trim_trailing_newlines(i.draft);
          // append(), not "*" + ...: GCC 12 gives a false -Wrestrict on the latter here.
          md += draft.empty() ? std::string("*").append(markdown_inline(w.no_draft)).append("*")
                              : demote_headings(draft, 5);
          md += "\n\n";
        }
      }
    }
    if (!c.recommendations.empty()) {
      md += "### " + markdown_inline(fill(w.recommendations, {{"category", c.id}})) + "\n\n";
      for (const auto& r : c.recommendations) {
        md += "#### " + markdown_inline(group_name(r.group, lang)) + "\n\n" +
              demote_headings(trim_trailing_newlines(r.text), 4) + "\n\n";
      }
    }
  }

  md += "## " + markdown_inline(w.participants) + "\n\n";
  if (d.participants.empty()) md += "*" + markdown_inline(w.no_participants) + "*\n\n";
  for (const auto& p : d.participants) md += "- " + markdown_inline(participant_line(p, lang)) + "\n";
  if (!d.participants.empty()) {
    md += "\n" + markdown_inline(group_counts_sentence(d, lang)) + "  \n" +
          markdown_inline(gender_counts_sentence(d, w)) + "\n\n";
  }
  md += "## " + markdown_inline(w.about) + "\n\n";
  md += markdown_inline(about_framework(d, w));
  md += "\n\n" + markdown_inline(w.generated) + "\n";
  return md;
}

namespace {

constexpr char kStyle[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:50rem;margin:2rem auto;"
    "padding:0 1rem;line-height:1.5;color:#1b1b1b}"
    "h1{font-size:1.8rem}h2{border-bottom:1px solid #ccc;margin-top:2.5rem}"
    ".head{background:#f4f4f4;border-left:4px solid #888;padding:.5rem 1rem;font-size:.9rem;overflow-wrap:anywhere}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;font-size:.95rem}dt{font-weight:600}"
    "dd{margin:0}.draft{border:1px solid #ddd;padding:0 .75rem;border-radius:4px;overflow-x:auto}"
    ".draft table{border-collapse:collapse;margin:.75rem 0}.draft th,.draft td{border:1px solid #bbb;padding:.2rem .5rem}"
    ".draft th{background:#f4f4f4}.draft pre{background:#f7f7f7;padding:.5rem;overflow-x:auto}"
    ".draft blockquote{border-left:3px solid #ccc;margin-left:0;padding-left:.75rem;color:#444}"
    ".footnotes{font-size:.85rem;border-top:1px solid #eee}"
    ".empty{color:#666;font-style:italic}.core{font-size:.8rem;background:#e6eefc;padding:0 .4rem;border-radius:3px}"
    "code{overflow-wrap:anywhere}";

std::string dd(const std::string& term, const std::string& value_html) {
  return "<dt>" + term + "</dt><dd>" + value_html + "</dd>";
}

}  // namespace

std::string render_report_html(const ReportData& d, Lang lang) {
  const ReportWords& w = report_words(lang);
  auto empty = [](const std::string& text) { return "<span class=\"empty\">" + html_escape(text) + "</span>"; };
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"" + std::string(lang_code(lang)) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"kenes-log-head\" content=\"" + html_escape(d.consultation_id) + ":" +
       std::to_string(d.head.seq) + ":" + d.head.hash_hex + "\">\n";
  h += "<title>" + html_escape(d.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<header>\n<h1>" + html_escape(d.title) + "</h1>\n";
  h += "<p>" + html_escape(fill(w.assessment_report, {{"edition", d.edition}})) + "</p>\n";
  h += "<p class=\"head\">" + html_escape(report_head_sentence(d, lang)) + "<br>" + html_escape(w.check_it) +
       " <code>" + html_escape(verify_command(d.consultation_id, d.head)) + "</code></p>\n";
  h += "<p>" + html_escape(scope_sentence(d, w) + " " + drafted_sentence(d, w)) + "</p>\n</header>\n";

  h += "<nav>\n<h2>" + html_escape(w.contents) + "</h2>\n<ol>\n";
  for (const auto& c : d.categories) {
    h += "<li><a href=\"#cat-" + html_escape(c.id) + "\">" + html_escape(category_heading(c)) + "</a></li>\n";
  }
  h += "<li><a href=\"#participants\">" + html_escape(w.participants) + "</a></li>\n</ol>\n</nav>\n";

  for (const auto& c : d.categories) {
    h += "<section id=\"cat-" + html_escape(c.id) + "\">\n<h2>" + html_escape(category_heading(c)) + "</h2>\n";
    for (const auto& t : c.themes) {
      h += "<h3>" + html_escape(t.id + " " + t.title) + "</h3>\n";
      if (t.questions.empty()) {
        h += "<p class=\"empty\">" + html_escape(w.theme_out_of_scope) + "</p>\n";
        continue;
      }
      for (const auto& q : t.questions) {
        h += "<h4>" + html_escape(q.id + " " + q.title) + "</h4>\n";
        for (const auto& i : q.indicators) {
          h += "<article id=\"ind-" + html_escape(i.id) + "\">\n<h5>" + html_escape(i.id + " " + i.title) +
               (i.core ? " <span class=\"core\">" + html_escape(w.core) + "</span>" : "") + "</h5>\n<dl>";
          h += dd(html_escape(w.status), html_escape(status_name(i.status, lang)));
          if (!i.assignees.empty()) h += dd(html_escape(w.assigned_to), html_escape(join(i.assignees, ", ")));
          h += dd(html_escape(w.suggested_sources),
                  i.suggested_sources.empty() ? empty(w.none) : html_escape(join(i.suggested_sources, "; ")));
          h += dd(html_escape(w.sources_used),
                  i.sources_used.empty() ? empty(w.none_recorded) : html_escape(join(i.sources_used, "; ")));
          if (i.score) h += dd(html_escape(w.score), std::to_string(*i.score));
          std::string validation = validation_text(i.validation, lang);
          std::string validation_html = validation.empty() ? empty(w.not_validated) : html_escape(validation);
          if (auto reservations = reservation_lines(i.validation); !reservations.empty()) {
            validation_html += "<br>" + html_escape(w.reservations) + "<ul>";
            for (const auto& r : reservations) validation_html += "<li>" + html_escape(r) + "</li>";
            validation_html += "</ul>";
          }
          h += dd(html_escape(w.validation), validation_html);
          h += dd(html_escape(w.draft_version), std::to_string(i.draft_version));
          h += "</dl>\n";
          std::string draft = trim_trailing_newlines(i.draft);
          // The draft's headings go below the indicator's <h5>, as in the Markdown.
          h += draft.empty() ? "<p class=\"empty\">" + html_escape(w.no_draft) + "</p>\n"
                             : "<div class=\"draft\">\n" +
                                   MarkdownDocument(draft, 5).html(html_escape("ind-" + i.id + "-"),
                                                                   html_escape(w.back_to_text)) + "</div>\n";
          h += "</article>\n";
        }
      }
    }
    if (!c.recommendations.empty()) {
      h += "<h3>" + html_escape(fill(w.recommendations, {{"category", c.id}})) + "</h3>\n";
      for (const auto& r : c.recommendations) {
        h += "<h4>" + html_escape(group_name(r.group, lang)) + "</h4>\n<div class=\"draft\">\n" +
             MarkdownDocument(r.text, 4).html(html_escape("rec-" + c.id + "-" + stakeholder_group_slug(r.group) + "-"),
                                              html_escape(w.back_to_text)) +
             "</div>\n";
      }
    }
    h += "</section>\n";
  }

  h += "<section id=\"participants\">\n<h2>" + html_escape(w.participants) + "</h2>\n";
  if (d.participants.empty()) {
    h += "<p class=\"empty\">" + html_escape(w.no_participants) + "</p>\n";
  } else {
    h += "<ul>\n";
    for (const auto& p : d.participants) h += "<li>" + html_escape(participant_line(p, lang)) + "</li>\n";
    h += "</ul>\n<p>" + html_escape(group_counts_sentence(d, lang)) + "<br>" +
         html_escape(gender_counts_sentence(d, w)) + "</p>\n";
  }
  h += "</section>\n<footer>\n<h2>" + html_escape(w.about) + "</h2>\n<p>" + html_escape(about_framework(d, w)) +
       "</p>\n<p>" + html_escape(w.generated) + "</p>\n</footer>\n</body>\n</html>\n";
  return h;
}

DocxResult render_report_docx(const ReportData& d, Lang lang) {
  // The Markdown report's structure, one Word heading level up: the title is
  // Word's Title, categories are Heading 1, so the table of contents (levels
  // 1-3) lists categories, themes and questions; indicators are Heading 4 and
  // a draft's own headings go below them.
  const ReportWords& words = report_words(lang);
  DocxWriter w;
  auto plain = [](std::string text) { return std::vector<DocxRun>{DocxRun{std::move(text)}}; };
  auto labelled = [](const char* label, std::string value, bool empty = false) {
    DocxRun l{std::string(label) + ": "};
    l.bold = true;
    DocxRun v{std::move(value)};
    v.italic = empty;
    return std::vector<DocxRun>{l, v};
  };
  auto note = [](std::string text) {
    DocxRun r{std::move(text)};
    r.italic = true;
    return std::vector<DocxRun>{r};
  };
  w.title(d.title);
  w.paragraph(plain(fill(words.assessment_report, {{"edition", d.edition}})));
  DocxRun command{verify_command(d.consultation_id, d.head)};
  command.code = true;
  w.paragraph({DocxRun{report_head_sentence(d, lang) + " " + words.check_it + " "}, command}, "Quote");
  w.paragraph(plain(scope_sentence(d, words) + " " + drafted_sentence(d, words)));
  w.table_of_contents(words.contents);

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
        for (const auto& i : q.indicators) {
          w.heading(4, i.id + " " + i.title + (i.core ? " (" + std::string(words.core) + ")" : ""));
          w.paragraph(labelled(words.status, status_name(i.status, lang)), "Meta");
          if (!i.assignees.empty()) w.paragraph(labelled(words.assigned_to, join(i.assignees, ", ")), "Meta");
          w.paragraph(labelled(words.suggested_sources,
                               i.suggested_sources.empty() ? words.none : join(i.suggested_sources, "; "),
                               i.suggested_sources.empty()),
                      "Meta");
          w.paragraph(labelled(words.sources_used,
                               i.sources_used.empty() ? words.none_recorded : join(i.sources_used, "; "),
                               i.sources_used.empty()),
                      "Meta");
          if (i.score) w.paragraph(labelled(words.score, std::to_string(*i.score)), "Meta");
          std::string validation = validation_text(i.validation, lang);
          w.paragraph(labelled(words.validation, validation.empty() ? words.not_validated : validation,
                               validation.empty()),
                      "Meta");
          if (auto reservations = reservation_lines(i.validation); !reservations.empty()) {
            w.paragraph(plain(words.reservations), "Meta");
            std::vector<std::vector<DocxRun>> items;
            for (auto& r : reservations) items.push_back(plain(std::move(r)));
            w.bullet_list(items);
          }
          w.paragraph(labelled(words.draft_version, std::to_string(i.draft_version)), "Meta");
          std::string draft = trim_trailing_newlines(i.draft);
          if (draft.empty()) {
            w.paragraph(note(words.no_draft));
          } else {
            w.markdown(draft, 4);
          }
        }
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
  w.heading(1, words.about);
  w.paragraph(plain(about_framework(d, words)));
  w.paragraph(plain(words.generated));
  return w.package(DocxMeta{d.title, std::string(lang_locale(lang)), d.head.time_unix_ms});
}

}  // namespace kenes::report
