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

std::string scope_sentence(const ReportData& d) {
  if (d.core_only) {
    return "Scope: the " + std::to_string(d.indicators_in_scope) + " core indicators (of " +
           std::to_string(d.indicators_in_framework) + " in the framework).";
  }
  return "Scope: all " + std::to_string(d.indicators_in_scope) + " indicators of the framework.";
}

std::string drafted_sentence(const ReportData& d) {
  return "Drafted: " + std::to_string(d.drafted) + " of " + std::to_string(d.indicators_in_scope) + " indicators.";
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

// Group counts in the groups' order, "not given" last.
std::vector<std::pair<kenes::v1::StakeholderGroup, std::size_t>> groups_in_order(const ReportData& d) {
  std::vector<std::pair<kenes::v1::StakeholderGroup, std::size_t>> out;
  auto add = [&](kenes::v1::StakeholderGroup g) {
    if (auto it = d.by_group.find(g); it != d.by_group.end()) out.emplace_back(g, it->second);
  };
  for (auto g : stakeholder_groups()) add(g);
  add(kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED);
  return out;
}

std::string category_heading(const CategoryReport& c) { return c.id + ". " + c.title; }

}  // namespace

std::string render_report_markdown(const ReportData& d) {
  std::string md;
  md += "# " + markdown_inline(d.title) + "\n\n";
  md += "Assessment report. Framework: " + markdown_inline(d.edition) + ".\n\n";
  md += "> " + markdown_inline(head_sentence(d.consultation_id, d.head)) + "  \n";
  md += "> Check it: `" + verify_command(d.consultation_id, d.head) + "`\n\n";
  md += scope_sentence(d) + " " + drafted_sentence(d) + "\n\n";

  md += "## Contents\n\n";
  int chapter = 0;
  for (const auto& c : d.categories) {
    md += std::to_string(++chapter) + ". " + markdown_inline(category_heading(c)) + "\n";
  }
  md += std::to_string(++chapter) + ". Participants\n\n";

  for (const auto& c : d.categories) {
    md += "## " + markdown_inline(category_heading(c)) + "\n\n";
    for (const auto& t : c.themes) {
      md += "### " + markdown_inline(t.id + " " + t.title) + "\n\n";
      if (t.questions.empty()) {
        md += "*No indicator of this theme is in the assessment's scope.*\n\n";
        continue;
      }
      for (const auto& q : t.questions) {
        md += "#### " + markdown_inline(q.id + " " + q.title) + "\n\n";
        for (const auto& i : q.indicators) {
          md += "##### " + markdown_inline(i.id + " " + i.title) + (i.core ? " (core)" : "") + "\n\n";
          md += "- Status: " + (i.status.empty() ? std::string("not recorded") : markdown_inline(i.status)) + "\n";
          if (!i.assignees.empty()) md += "- Assigned to: " + markdown_inline(join(i.assignees, ", ")) + "\n";
          md += "- Suggested sources: " +
                (i.suggested_sources.empty() ? std::string("none") : markdown_inline(join(i.suggested_sources, "; "))) +
                "\n";
          md += "- Data sources used: " +
                (i.sources_used.empty() ? std::string("none recorded") : markdown_inline(join(i.sources_used, "; "))) +
                "\n";
          if (i.score) md += "- Score: " + std::to_string(*i.score) + "\n";
          md += "- Validation: " + (i.validation.empty() ? std::string("not validated") : markdown_inline(i.validation)) +
                "\n";
          md += "- Draft version: " + std::to_string(i.draft_version) + "\n\n";
          std::string draft = trim_trailing_newlines(i.draft);
          md += draft.empty() ? std::string("*No draft yet.*") : demote_headings(draft, 5);
          md += "\n\n";
        }
      }
    }
    if (!c.recommendations.empty()) {
      md += "### Policy recommendations (" + markdown_inline(c.id) + ")\n\n";
      for (const auto& r : c.recommendations) {
        md += "#### " + stakeholder_group_title(r.group) + "\n\n" + demote_headings(trim_trailing_newlines(r.text), 4) +
              "\n\n";
      }
    }
  }

  md += "## Participants\n\n";
  if (d.participants.empty()) md += "*No participants.*\n\n";
  for (const auto& p : d.participants) {
    md += "- " + markdown_inline(p.name) + " (" + role_label(p.role) + ", " + stakeholder_group_title(p.group) + ")\n";
  }
  if (!d.participants.empty()) {
    md += "\nBy stakeholder group:";
    for (const auto& [g, n] : groups_in_order(d)) md += " " + stakeholder_group_title(g) + " " + std::to_string(n) + ";";
    md.back() = '.';
    md += "  \nBy gender:";
    for (const auto& [g, n] : d.by_gender) {
      md += " " + (g.empty() ? std::string("not given") : markdown_inline(g)) + " " + std::to_string(n) + ";";
    }
    md.back() = '.';
    md += "\n\n";
  }
  md += "## About this report\n\n";
  md += "Framework: " + markdown_inline(d.edition) + ".";
  if (!d.source.empty()) md += " Source: " + markdown_inline(d.source) + ".";
  md += "\n\nGenerated by Kenes from the consultation's append-only log; every statement above is a function of "
        "the log up to the record named at the top.\n";
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

std::string list_or(const std::vector<std::string>& items, const char* sep, const char* none) {
  return items.empty() ? std::string("<span class=\"empty\">") + none + "</span>" : html_escape(join(items, sep));
}

}  // namespace

std::string render_report_html(const ReportData& d) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"kenes-log-head\" content=\"" + html_escape(d.consultation_id) + ":" +
       std::to_string(d.head.seq) + ":" + d.head.hash_hex + "\">\n";
  h += "<title>" + html_escape(d.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<header>\n<h1>" + html_escape(d.title) + "</h1>\n";
  h += "<p>Assessment report. Framework: " + html_escape(d.edition) + ".</p>\n";
  h += "<p class=\"head\">" + html_escape(head_sentence(d.consultation_id, d.head)) + "<br>Check it: <code>" +
       html_escape(verify_command(d.consultation_id, d.head)) + "</code></p>\n";
  h += "<p>" + html_escape(scope_sentence(d) + " " + drafted_sentence(d)) + "</p>\n</header>\n";

  h += "<nav>\n<h2>Contents</h2>\n<ol>\n";
  for (const auto& c : d.categories) {
    h += "<li><a href=\"#cat-" + html_escape(c.id) + "\">" + html_escape(category_heading(c)) + "</a></li>\n";
  }
  h += "<li><a href=\"#participants\">Participants</a></li>\n</ol>\n</nav>\n";

  for (const auto& c : d.categories) {
    h += "<section id=\"cat-" + html_escape(c.id) + "\">\n<h2>" + html_escape(category_heading(c)) + "</h2>\n";
    for (const auto& t : c.themes) {
      h += "<h3>" + html_escape(t.id + " " + t.title) + "</h3>\n";
      if (t.questions.empty()) {
        h += "<p class=\"empty\">No indicator of this theme is in the assessment's scope.</p>\n";
        continue;
      }
      for (const auto& q : t.questions) {
        h += "<h4>" + html_escape(q.id + " " + q.title) + "</h4>\n";
        for (const auto& i : q.indicators) {
          h += "<article id=\"ind-" + html_escape(i.id) + "\">\n<h5>" + html_escape(i.id + " " + i.title) +
               (i.core ? " <span class=\"core\">core</span>" : "") + "</h5>\n<dl>";
          h += dd("Status", i.status.empty() ? "<span class=\"empty\">not recorded</span>" : html_escape(i.status));
          if (!i.assignees.empty()) h += dd("Assigned to", html_escape(join(i.assignees, ", ")));
          h += dd("Suggested sources", list_or(i.suggested_sources, "; ", "none"));
          h += dd("Data sources used", list_or(i.sources_used, "; ", "none recorded"));
          if (i.score) h += dd("Score", std::to_string(*i.score));
          h += dd("Validation",
                  i.validation.empty() ? "<span class=\"empty\">not validated</span>" : html_escape(i.validation));
          h += dd("Draft version", std::to_string(i.draft_version));
          h += "</dl>\n";
          std::string draft = trim_trailing_newlines(i.draft);
          // The draft's headings go below the indicator's <h5>, as in the Markdown.
          h += draft.empty() ? "<p class=\"empty\">No draft yet.</p>\n"
                             : "<div class=\"draft\">\n" +
                                   MarkdownDocument(draft, 5).html(html_escape("ind-" + i.id + "-")) + "</div>\n";
          h += "</article>\n";
        }
      }
    }
    if (!c.recommendations.empty()) {
      h += "<h3>Policy recommendations (" + html_escape(c.id) + ")</h3>\n";
      for (const auto& r : c.recommendations) {
        h += "<h4>" + html_escape(stakeholder_group_title(r.group)) + "</h4>\n<div class=\"draft\">\n" +
             MarkdownDocument(r.text, 4).html(html_escape("rec-" + c.id + "-" + stakeholder_group_slug(r.group) + "-")) +
             "</div>\n";
      }
    }
    h += "</section>\n";
  }

  h += "<section id=\"participants\">\n<h2>Participants</h2>\n";
  if (d.participants.empty()) {
    h += "<p class=\"empty\">No participants.</p>\n";
  } else {
    h += "<ul>\n";
    for (const auto& p : d.participants) {
      h += "<li>" + html_escape(p.name) + " (" + role_label(p.role) + ", " +
           html_escape(stakeholder_group_title(p.group)) + ")</li>\n";
    }
    h += "</ul>\n<p>By stakeholder group:";
    std::string groups, genders;
    for (const auto& [g, n] : groups_in_order(d)) {
      groups += (groups.empty() ? " " : "; ") + html_escape(stakeholder_group_title(g)) + " " + std::to_string(n);
    }
    for (const auto& [g, n] : d.by_gender) {
      genders += (genders.empty() ? " " : "; ") + (g.empty() ? std::string("not given") : html_escape(g)) + " " +
                 std::to_string(n);
    }
    h += groups + ".<br>By gender:" + genders + ".</p>\n";
  }
  h += "</section>\n<footer>\n<h2>About this report</h2>\n<p>Framework: " + html_escape(d.edition) + ".";
  if (!d.source.empty()) h += " Source: " + html_escape(d.source) + ".";
  h += "</p>\n<p>Generated by Kenes from the consultation's append-only log; every statement above is a function "
       "of the log up to the record named at the top.</p>\n</footer>\n</body>\n</html>\n";
  return h;
}

DocxResult render_report_docx(const ReportData& d) {
  // The Markdown report's structure, one Word heading level up: the title is
  // Word's Title, categories are Heading 1, so the table of contents (levels
  // 1-3) lists categories, themes and questions; indicators are Heading 4 and
  // a draft's own headings go below them.
  DocxWriter w;
  auto plain = [](std::string text) { return std::vector<DocxRun>{DocxRun{std::move(text)}}; };
  auto labelled = [](const std::string& label, std::string value, bool empty = false) {
    DocxRun l{label + ": "};
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
  w.paragraph(plain("Assessment report. Framework: " + d.edition + "."));
  DocxRun command{verify_command(d.consultation_id, d.head)};
  command.code = true;
  w.paragraph({DocxRun{head_sentence(d.consultation_id, d.head) + " Check it: "}, command}, "Quote");
  w.paragraph(plain(scope_sentence(d) + " " + drafted_sentence(d)));
  w.table_of_contents("Contents");

  for (const auto& c : d.categories) {
    w.heading(1, category_heading(c));
    for (const auto& t : c.themes) {
      w.heading(2, t.id + " " + t.title);
      if (t.questions.empty()) {
        w.paragraph(note("No indicator of this theme is in the assessment's scope."));
        continue;
      }
      for (const auto& q : t.questions) {
        w.heading(3, q.id + " " + q.title);
        for (const auto& i : q.indicators) {
          w.heading(4, i.id + " " + i.title + (i.core ? " (core)" : ""));
          w.paragraph(labelled("Status", i.status.empty() ? "not recorded" : i.status, i.status.empty()), "Meta");
          if (!i.assignees.empty()) w.paragraph(labelled("Assigned to", join(i.assignees, ", ")), "Meta");
          w.paragraph(labelled("Suggested sources",
                               i.suggested_sources.empty() ? "none" : join(i.suggested_sources, "; "),
                               i.suggested_sources.empty()),
                      "Meta");
          w.paragraph(labelled("Data sources used",
                               i.sources_used.empty() ? "none recorded" : join(i.sources_used, "; "),
                               i.sources_used.empty()),
                      "Meta");
          if (i.score) w.paragraph(labelled("Score", std::to_string(*i.score)), "Meta");
          w.paragraph(labelled("Validation", i.validation.empty() ? "not validated" : i.validation,
                               i.validation.empty()),
                      "Meta");
          w.paragraph(labelled("Draft version", std::to_string(i.draft_version)), "Meta");
          std::string draft = trim_trailing_newlines(i.draft);
          if (draft.empty()) {
            w.paragraph(note("No draft yet."));
          } else {
            w.markdown(draft, 4);
          }
        }
      }
    }
    if (!c.recommendations.empty()) {
      w.heading(2, "Policy recommendations (" + c.id + ")");
      for (const auto& r : c.recommendations) {
        w.heading(3, stakeholder_group_title(r.group));
        w.markdown(trim_trailing_newlines(r.text), 3);
      }
    }
  }

  w.heading(1, "Participants");
  if (d.participants.empty()) {
    w.paragraph(note("No participants."));
  } else {
    std::vector<std::vector<DocxRun>> people;
    for (const auto& p : d.participants) {
      people.push_back(plain(p.name + " (" + role_label(p.role) + ", " + stakeholder_group_title(p.group) + ")"));
    }
    w.bullet_list(people);
    std::string groups, genders;
    for (const auto& [g, n] : groups_in_order(d)) {
      groups += (groups.empty() ? " " : "; ") + stakeholder_group_title(g) + " " + std::to_string(n);
    }
    for (const auto& [g, n] : d.by_gender) {
      genders += (genders.empty() ? " " : "; ") + (g.empty() ? std::string("not given") : g) + " " + std::to_string(n);
    }
    w.paragraph(plain("By stakeholder group:" + groups + "."));
    w.paragraph(plain("By gender:" + genders + "."));
  }
  w.heading(1, "About this report");
  w.paragraph(plain("Framework: " + d.edition + "." + (d.source.empty() ? "" : " Source: " + d.source + ".")));
  w.paragraph(plain("Generated by Kenes from the consultation's append-only log; every statement above is a function "
                    "of the log up to the record named at the top."));
  return w.package(DocxMeta{d.title, "en-GB", d.head.time_unix_ms});
}

}  // namespace kenes::report
