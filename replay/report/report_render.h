#pragma once

// The assessment report as text, from ReportData: Markdown (drafts are
// Markdown, so the report is too) and one self-contained HTML file (inline
// CSS, no scripts, no external resources; every piece of consultation text
// escaped, drafts rendered through cmark-gfm with raw HTML kept as text,
// markdown.h). The DOCX is docx.h.
//
// Pure: same data, same bytes (no clock; the time shown is the log head's).

#include <optional>
#include <string>
#include <string_view>

#include "replay/report/docx.h"
#include "replay/report/i18n.h"
#include "replay/report/report_data.h"

namespace kenes::report {

// Who a report is for (issue 19). Both variants assemble the report in the
// national report's order — foreword, acknowledgements, executive summary,
// introduction, methodology (then the advisory board and the research team
// by name), limitations, the contextual chapter and the ROAM-X chapters with
// their recommendations, conclusions, annexes, references — and both name
// the log head they were built from.
enum class Variant {
  // What a reader of the published report sees: the text. No status,
  // assignees, suggested sources, score, draft version or "not validated";
  // a validated indicator's validation as one sentence (the date, the vote
  // counts) with its reservations; the data sources used. An indicator
  // nobody drafted is left out, and so is every question, theme, chapter and
  // section left empty (no "no indicator of this theme" lines).
  kPublication,
  // Everything, for the team: the indicator workflow as well, empty themes
  // said to be empty, unwritten sections shown as "(not written yet)", and
  // the participants chapter (names, roles, the balance as counts).
  kWorking,
};

// "publication", "working" (case-insensitive); nothing for anything else.
std::optional<Variant> parse_variant(std::string_view text);
std::string_view variant_name(Variant variant);

// Headings, labels, sentences and dates in `lang` (i18n.h); what people
// wrote goes out as written.
std::string render_report_markdown(const ReportData& data, Lang lang = Lang::kEn,
                                   Variant variant = Variant::kPublication);
std::string render_report_html(const ReportData& data, Lang lang = Lang::kEn, Variant variant = Variant::kPublication);
// The same report as a Word document (docx.h): Word heading styles, a table
// of contents, drafts as Word text. Fails only if the archive cannot be
// written (out of memory).
DocxResult render_report_docx(const ReportData& data, Lang lang = Lang::kEn, Variant variant = Variant::kPublication);

// Helpers shared by the exports (the minutes and votes are English only).
// "2026-01-01 09:30:00 UTC"
std::string format_utc(int64_t unix_ms);
// & < > " ' escaped for HTML text and attribute values.
std::string html_escape(std::string_view text);
// Markdown inline text: characters with a meaning in Markdown backslash-
// escaped, line breaks as spaces.
std::string markdown_inline(std::string_view text);
// The sentence every export carries about its log head, and the command that
// checks it.
std::string head_sentence(const std::string& consultation_id, const LogHead& head);
std::string verify_command(const std::string& consultation_id, const LogHead& head);
// "chair", "researcher", "member", "observer"
std::string role_label(kenes::v1::Role role);

}  // namespace kenes::report
