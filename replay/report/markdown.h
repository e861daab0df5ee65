#pragma once

// Drafts are Markdown; the HTML and DOCX exports render them through
// cmark-gfm (GitHub's CommonMark with tables, strikethrough, autolinks and
// footnotes), Debian's libcmark-gfm. A draft is parsed on its own, never as
// part of a larger document, so one draft's headings, footnotes or
// unbalanced markup cannot reach into the report around it.
//
// What a participant typed never becomes markup the report did not intend:
// raw HTML in a draft is turned into plain text (it shows as typed, escaped),
// images become links (an export fetches nothing), and cmark's safe mode
// drops javascript:/vbscript:/file: and non-image data: link targets.
//
// Thread-safe: each call owns its parser; the extensions are registered once.

#include <memory>
#include <string>
#include <string_view>

struct cmark_node;
struct cmark_parser;

namespace kenes::report {

// A parsed, sanitised draft. Owns the cmark tree and the parser that holds
// the extensions the renderers need.
class MarkdownDocument {
 public:
  // Headings are moved `demote_headings` levels down (a draft's "# Title"
  // inside an indicator whose own heading is level 5 becomes level 6; levels
  // stop at 6, CommonMark's deepest).
  explicit MarkdownDocument(std::string_view markdown, int demote_headings = 0);
  ~MarkdownDocument();
  MarkdownDocument(const MarkdownDocument&) = delete;
  MarkdownDocument& operator=(const MarkdownDocument&) = delete;

  cmark_node* root() const { return root_; }

  // HTML for inside a report page. Footnote anchors (cmark names them
  // "fn-<label>" / "fnref-<label>") get `anchor_prefix` in front, so two
  // drafts' footnote 1 do not share an id in one file; `back_label` (HTML
  // attribute text) replaces cmark's English label of a note's way back.
  std::string html(std::string_view anchor_prefix, std::string_view back_label = "Back to content") const;

 private:
  cmark_parser* parser_ = nullptr;
  cmark_node* root_ = nullptr;
};

// Parser and renderer options: footnotes on, UTF-8 checked (invalid bytes
// become U+FFFD), safe mode (raw HTML is never passed through).
int markdown_options();

// Whether a link target can be followed from outside the report: http,
// https or mailto (case-insensitive scheme). A renderer that writes links
// itself (DOCX) keeps only these; a relative or script target means nothing,
// or worse, in a document opened from a download folder.
bool is_external_link(std::string_view url);

}  // namespace kenes::report
