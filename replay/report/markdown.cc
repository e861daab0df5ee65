#include "replay/report/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace kenes::report {

int markdown_options() { return CMARK_OPT_FOOTNOTES | CMARK_OPT_VALIDATE_UTF8; }

namespace {

// cmark-gfm keeps its extension registry in a global list; registering it
// from two exports at once would race.
void register_extensions() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

// Replaces `old` by `replacement` in the tree and frees `old`.
void replace_node(cmark_node* old, cmark_node* replacement) {
  cmark_node_insert_before(old, replacement);
  cmark_node_free(old);
}

void sanitise(cmark_node* root, int demote) {
  std::vector<cmark_node*> html_inline, html_block, images;
  cmark_iter* it = cmark_iter_new(root);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* n = cmark_iter_get_node(it);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_HTML_INLINE: html_inline.push_back(n); break;
      case CMARK_NODE_HTML_BLOCK: html_block.push_back(n); break;
      case CMARK_NODE_IMAGE: images.push_back(n); break;
      case CMARK_NODE_HEADING:
        cmark_node_set_heading_level(n, std::min(6, cmark_node_get_heading_level(n) + std::max(0, demote)));
        break;
      default: break;
    }
  }
  cmark_iter_free(it);
  // Safe mode alone would drop raw HTML with a comment in its place, losing
  // what the participant wrote; as text it reads as typed.
  for (cmark_node* n : html_inline) {
    cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(text, cmark_node_get_literal(n));
    replace_node(n, text);
  }
  for (cmark_node* n : html_block) {
    std::string literal = cmark_node_get_literal(n) ? cmark_node_get_literal(n) : "";
    while (!literal.empty() && (literal.back() == '\n' || literal.back() == '\r')) literal.pop_back();
    cmark_node* paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(text, literal.c_str());
    cmark_node_append_child(paragraph, text);
    replace_node(n, paragraph);
  }
  // An image would be fetched when the report is opened (a tracking pixel
  // in a published report); a link to it keeps the reference and fetches
  // nothing.
  for (cmark_node* n : images) {
    bool in_link = false;
    for (cmark_node* up = cmark_node_parent(n); up && !in_link; up = cmark_node_parent(up)) {
      in_link = cmark_node_get_type(up) == CMARK_NODE_LINK;
    }
    if (in_link) {  // a link cannot hold a link: the image's description stays as text
      while (cmark_node* child = cmark_node_first_child(n)) cmark_node_insert_before(n, child);
      cmark_node_free(n);
      continue;
    }
    cmark_node* link = cmark_node_new(CMARK_NODE_LINK);
    cmark_node_set_url(link, cmark_node_get_url(n));
    cmark_node_set_title(link, cmark_node_get_title(n));
    while (cmark_node* child = cmark_node_first_child(n)) cmark_node_append_child(link, child);
    if (!cmark_node_first_child(link)) {
      cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
      cmark_node_set_literal(text, cmark_node_get_url(n));
      cmark_node_append_child(link, text);
    }
    replace_node(n, link);
  }
  // cmark splits text at every character that might have opened markup;
  // whole runs make simpler Word XML.
  cmark_consolidate_text_nodes(root);
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
}

}  // namespace

MarkdownDocument::MarkdownDocument(std::string_view markdown, int demote_headings) {
  register_extensions();
  parser_ = cmark_parser_new(markdown_options());
  for (const char* name : {"table", "strikethrough", "autolink"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser_, ext);
    }
  }
  cmark_parser_feed(parser_, markdown.data(), markdown.size());
  root_ = cmark_parser_finish(parser_);
  sanitise(root_, demote_headings);
}

MarkdownDocument::~MarkdownDocument() {
  if (root_) cmark_node_free(root_);
  if (parser_) cmark_parser_free(parser_);
}

std::string MarkdownDocument::html(std::string_view anchor_prefix, std::string_view back_label) const {
  char* rendered = cmark_render_html(root_, markdown_options(), cmark_parser_get_syntax_extensions(parser_));
  std::string out = rendered ? rendered : "";
  std::free(rendered);
  // Only cmark writes these attribute openings: a participant's quote or
  // angle bracket reaches the output escaped, so user text cannot match.
  std::string p(anchor_prefix);
  replace_all(out, "id=\"fn-", "id=\"" + p + "fn-");
  replace_all(out, "href=\"#fn-", "href=\"#" + p + "fn-");
  replace_all(out, "id=\"fnref-", "id=\"" + p + "fnref-");
  replace_all(out, "href=\"#fnref-", "href=\"#" + p + "fnref-");
  replace_all(out, "aria-label=\"Back to content\"", "aria-label=\"" + std::string(back_label) + "\"");
  return out;
}

bool is_external_link(std::string_view url) {
  std::size_t colon = url.find(':');
  if (colon == std::string_view::npos) return false;
  std::string scheme(url.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme == "mailto") return colon + 1 < url.size();
  return (scheme == "http" || scheme == "https") && url.substr(colon + 1).rfind("//", 0) == 0 && url.size() > colon + 3;
}

}  // namespace kenes::report
