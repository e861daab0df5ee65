#pragma once

// A Word document (Office Open XML, ECMA-376 transitional) written natively:
// the XML parts built here, packed into a ZIP by libzip. No external program,
// so DOCX works wherever the server runs.
//
// What a DocxWriter gives Word: headings as the built-in "Heading 1..9"
// styles (so Word's navigation pane and table of contents see them), a TOC
// field that Word fills in on open (settings.xml asks it to update fields)
// and whose cached text lists the headings for readers that do not update
// fields, Markdown drafts (markdown.h) as Word paragraphs, runs, lists,
// tables, hyperlinks and footnotes.
//
// Pure and deterministic: the same calls give the same bytes (the ZIP's
// entry times come from `DocxMeta::created_unix_ms`, not the clock).
// Not thread-safe; one writer per document.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct cmark_node;

namespace kenes::report {

struct DocxRun {
  std::string text;
  bool bold = false;
  bool italic = false;
  bool strike = false;
  bool code = false;  // monospace
};

struct DocxMeta {
  std::string title;
  std::string language = "en-GB";  // BCP 47, for spelling and hyphenation
  int64_t created_unix_ms = 0;
};

struct DocxResult {
  bool ok = false;
  std::string bytes;    // the .docx file when ok
  std::string message;  // why not
};

class DocxWriter {
 public:
  DocxWriter();

  void title(std::string_view text);
  // Word's "Heading <level>" style, 1..9 (levels 1-3 are in the TOC).
  void heading(int level, std::string_view text);
  // `style` is a paragraph style id defined in styles.xml ("" = Normal),
  // e.g. "Meta" for the compact lines under an indicator's heading.
  void paragraph(const std::vector<DocxRun>& runs, std::string_view style = {});
  void bullet_list(const std::vector<std::vector<DocxRun>>& items);
  // A "TOC \o "1-3" \h" field under `heading`, here in the body; its cached
  // result lists headings 1-3 written before or after this call.
  void table_of_contents(std::string_view heading);
  // A draft: its level-1 headings become Word level `heading_base + 1`
  // (capped at 9); those at Word levels 1-3 are in the table of contents. Raw HTML stays text; only http(s) and mailto links become
  // hyperlinks, other link targets leave their text.
  void markdown(std::string_view text, int heading_base);

  DocxResult package(const DocxMeta& meta) const;

  // Part names and their XML, as package() zips them; for tests and review.
  std::vector<std::pair<std::string, std::string>> parts(const DocxMeta& meta) const;

 private:
  struct Part {
    std::string xml;
    std::vector<std::pair<std::string, std::string>> links;  // relationship id, URL
  };
  struct Block;  // the Markdown walker's context (docx.cc)
  void markdown_blocks(cmark_node* parent, Part& part, Block& ctx, const std::vector<cmark_node*>& notes);
  void markdown_inlines(cmark_node* parent, Part& part, const DocxRun& format, bool link,
                        const std::vector<cmark_node*>& notes, bool in_footnote, std::string& out);
  std::string link_id(Part& part, const std::string& url);
  int new_list(bool ordered, int level, int start);

  Part body_;
  Part footnotes_;
  int next_footnote_ = 1;
  std::size_t toc_at_ = std::string::npos;  // where in body_.xml the TOC field goes
  std::string toc_heading_;
  std::vector<std::pair<int, std::string>> toc_entries_;  // level 1-3 headings
  struct List {
    bool ordered;
    int level;
    int start;
  };
  std::vector<List> lists_;  // w:num instances, numId = index + 1
};

}  // namespace kenes::report
