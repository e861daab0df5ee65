#include "replay/report/docx.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <zip.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

#include "replay/report/markdown.h"

namespace kenes::report {

namespace {

constexpr char kW[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr char kR[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
constexpr char kXmlDecl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
// A4 with 2.54 cm margins: the width tables are laid out in, in twips.
constexpr int kTextWidthTwips = 11906 - 2 * 1440;

// Text for XML content and attribute values. Control characters other than
// tab and line breaks are not allowed in XML 1.0 at all: one in a draft would
// make Word refuse the whole file, so they are dropped.
std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

// One w:r per stretch of text; tabs become w:tab, line breaks spaces (a
// break the author meant is a Markdown hard break, written as w:br).
std::string run_xml(std::string_view text, const DocxRun& f, bool link, bool superscript = false) {
  if (text.empty()) return {};
  std::string props;
  if (link) props += "<w:rStyle w:val=\"Hyperlink\"/>";
  else if (f.code) props += "<w:rStyle w:val=\"VerbatimChar\"/>";
  if (f.bold) props += "<w:b/>";
  if (f.italic) props += "<w:i/>";
  if (f.strike) props += "<w:strike/>";
  if (superscript) props += "<w:vertAlign w:val=\"superscript\"/>";
  std::string out = "<w:r>";
  if (!props.empty()) out += "<w:rPr>" + props + "</w:rPr>";
  std::string pending;
  auto flush = [&] {
    if (!pending.empty()) out += "<w:t xml:space=\"preserve\">" + xml_escape(pending) + "</w:t>";
    pending.clear();
  };
  for (char c : text) {
    if (c == '\t') {
      flush();
      out += "<w:tab/>";
    } else if (c == '\n' || c == '\r') {
      pending += ' ';
    } else {
      pending += c;
    }
  }
  flush();
  return out + "</w:r>";
}

std::string runs_xml(const std::vector<DocxRun>& runs) {
  std::string out;
  for (const auto& r : runs) out += run_xml(r.text, r, false);
  return out;
}

std::string paragraph_xml(std::string_view style, const std::string& content, const std::string& extra_props = {}) {
  std::string props;
  if (!style.empty()) props += "<w:pStyle w:val=\"" + std::string(style) + "\"/>";
  props += extra_props;
  return "<w:p>" + (props.empty() ? std::string() : "<w:pPr>" + props + "</w:pPr>") + content + "</w:p>\n";
}

bool type_is(cmark_node* n, const char* name) {
  const char* t = cmark_node_get_type_string(n);
  return t && std::strcmp(t, name) == 0;
}

std::string literal(cmark_node* n) {
  const char* l = cmark_node_get_literal(n);
  return l ? l : "";
}

// A heading's words without their formatting, for the TOC's cached entries.
std::string plain_text(cmark_node* node) {
  std::string out;
  cmark_iter* it = cmark_iter_new(node);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* n = cmark_iter_get_node(it);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
      case CMARK_NODE_HTML_INLINE: out += literal(n); break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK: out += ' '; break;
      default: break;
    }
  }
  cmark_iter_free(it);
  return out;
}

// --- the fixed parts ------------------------------------------------------

std::string style_xml(const std::string& language) {
  std::string s = kXmlDecl;
  s += std::string("<w:styles xmlns:w=\"") + kW + "\">\n";
  s += "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" w:eastAsia=\"Calibri\" "
       "w:cs=\"Calibri\"/><w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"" +
       xml_escape(language) +
       "\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" "
       "w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\n";
  s += "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>"
       "</w:style>\n";
  s += "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"240\"/></w:pPr><w:rPr><w:b/>"
       "<w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>\n";
  // Word knows "heading 1".."heading 9" by these names: the navigation pane,
  // the TOC field and outline view use them.
  const int sizes[] = {32, 28, 26, 24, 22, 22, 22, 22, 22};
  for (int level = 1; level <= 9; ++level) {
    std::string l = std::to_string(level);
    std::string sz = std::to_string(sizes[level - 1]);
    s += "<w:style w:type=\"paragraph\" w:styleId=\"Heading" + l + "\"><w:name w:val=\"heading " + l +
         "\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>"
         "<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"" +
         std::string(level <= 2 ? "360" : "240") + "\" w:after=\"120\"/><w:outlineLvl w:val=\"" +
         std::to_string(level - 1) + "\"/></w:pPr><w:rPr><w:b/>" + (level >= 5 ? "<w:i/>" : "") +
         "<w:color w:val=\"1F3864\"/><w:sz w:val=\"" + sz + "\"/><w:szCs w:val=\"" + sz + "\"/></w:rPr></w:style>\n";
  }
  s += "<w:style w:type=\"paragraph\" w:styleId=\"TOCHeading\"><w:name w:val=\"TOC Heading\"/>"
       "<w:basedOn w:val=\"Heading1\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"39\"/><w:unhideWhenUsed/>"
       "<w:qFormat/><w:pPr><w:outlineLvl w:val=\"9\"/></w:pPr></w:style>\n";
  for (int level = 1; level <= 3; ++level) {
    std::string l = std::to_string(level);
    s += "<w:style w:type=\"paragraph\" w:styleId=\"TOC" + l + "\"><w:name w:val=\"toc " + l +
         "\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"39\"/><w:unhideWhenUsed/>"
         "<w:pPr><w:spacing w:after=\"60\"/><w:ind w:left=\"" +
         std::to_string((level - 1) * 240) + "\"/></w:pPr></w:style>\n";
  }
  s += "<w:style w:type=\"paragraph\" w:styleId=\"Meta\"><w:name w:val=\"Indicator details\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"160\"/><w:contextualSpacing/></w:pPr>"
       "<w:rPr><w:color w:val=\"404040\"/>"
       "<w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/></w:rPr></w:style>\n";
  s += "<w:style w:type=\"paragraph\" w:styleId=\"Quote\"><w:name w:val=\"Quote\"/><w:basedOn w:val=\"Normal\"/>"
       "<w:qFormat/><w:pPr><w:ind w:left=\"567\" w:right=\"567\"/></w:pPr><w:rPr><w:i/><w:color w:val=\"404040\"/>"
       "</w:rPr></w:style>\n";
  s += "<w:style w:type=\"paragraph\" w:styleId=\"SourceCode\"><w:name w:val=\"Source Code\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:pPr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F4F4F4\"/>"
       "<w:spacing w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"Consolas\" "
       "w:hAnsi=\"Consolas\" w:cs=\"Consolas\"/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/></w:rPr></w:style>\n";
  s += "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:uiPriority w:val=\"34\"/><w:qFormat/><w:pPr><w:spacing w:after=\"60\"/>"
       "<w:ind w:left=\"720\"/><w:contextualSpacing/></w:pPr></w:style>\n";
  s += "<w:style w:type=\"paragraph\" w:styleId=\"FootnoteText\"><w:name w:val=\"footnote text\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>"
       "<w:rPr><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr></w:style>\n";
  s += "<w:style w:type=\"paragraph\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/>"
       "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:before=\"20\" w:after=\"20\"/></w:pPr></w:style>\n";
  s += "<w:style w:type=\"character\" w:styleId=\"FootnoteReference\"><w:name w:val=\"footnote reference\"/>"
       "<w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr></w:style>\n";
  s += "<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/>"
       "<w:rPr><w:color w:val=\"0563C1\"/><w:u w:val=\"single\"/></w:rPr></w:style>\n";
  s += "<w:style w:type=\"character\" w:styleId=\"VerbatimChar\"><w:name w:val=\"Verbatim Char\"/>"
       "<w:rPr><w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\" w:cs=\"Consolas\"/><w:sz w:val=\"20\"/>"
       "</w:rPr></w:style>\n";
  s += "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr><w:tblBorders>";
  for (const char* side : {"top", "left", "bottom", "right", "insideH", "insideV"}) {
    s += std::string("<w:") + side + " w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A0A0A0\"/>";
  }
  s += "</w:tblBorders><w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>"
       "</w:tblCellMar></w:tblPr></w:style>\n";
  s += "</w:styles>\n";
  return s;
}

std::string settings_xml() {
  std::string s = kXmlDecl;
  // updateFields: Word fills in the TOC field (page numbers) when the file is
  // opened, after asking the reader.
  s += std::string("<w:settings xmlns:w=\"") + kW +
       "\"><w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>"
       "<w:updateFields w:val=\"true\"/><w:footnotePr><w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/>"
       "</w:footnotePr><w:compat><w:compatSetting w:name=\"compatibilityMode\" "
       "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>\n";
  return s;
}

std::string rels_xml(const std::vector<std::pair<std::string, std::string>>& fixed,
                     const std::vector<std::pair<std::string, std::string>>& links) {
  std::string s = kXmlDecl;
  s += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\n";
  for (const auto& [id, type_and_target] : fixed) {
    auto sep = type_and_target.find(' ');
    s += "<Relationship Id=\"" + id + "\" Type=\"" + type_and_target.substr(0, sep) + "\" Target=\"" +
         type_and_target.substr(sep + 1) + "\"/>\n";
  }
  for (const auto& [id, url] : links) {
    s += "<Relationship Id=\"" + id + "\" Type=\"" + kR + "/hyperlink\" Target=\"" + xml_escape(url) +
         "\" TargetMode=\"External\"/>\n";
  }
  s += "</Relationships>\n";
  return s;
}

std::string iso_utc(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

// --- the writer -------------------------------------------------------------

struct DocxWriter::Block {
  std::string style;          // paragraph style for paragraphs at this level
  int heading_base = 0;
  int num_id = 0;             // the list the next paragraph is the first of an item in (0: none)
  int list_level = -1;        // ilvl of the enclosing list item, -1 outside lists
  std::string first_prefix;   // runs put at the start of the next paragraph (a footnote's mark)
  bool in_footnote = false;
};

DocxWriter::DocxWriter() = default;

void DocxWriter::title(std::string_view text) {
  body_.xml += paragraph_xml("Title", run_xml(text, {}, false));
}

void DocxWriter::heading(int level, std::string_view text) {
  level = std::clamp(level, 1, 9);
  body_.xml += paragraph_xml("Heading" + std::to_string(level), run_xml(text, {}, false));
  if (level <= 3) toc_entries_.emplace_back(level, std::string(text));
}

void DocxWriter::paragraph(const std::vector<DocxRun>& runs, std::string_view style) {
  body_.xml += paragraph_xml(style, runs_xml(runs));
}

int DocxWriter::new_list(bool ordered, int level, int start) {
  lists_.push_back({ordered, level, start});
  return static_cast<int>(lists_.size());
}

void DocxWriter::bullet_list(const std::vector<std::vector<DocxRun>>& items) {
  int num = new_list(false, 0, 1);
  for (const auto& item : items) {
    body_.xml += paragraph_xml("ListParagraph", runs_xml(item),
                               "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"" + std::to_string(num) +
                                   "\"/></w:numPr>");
  }
}

void DocxWriter::table_of_contents(std::string_view heading) {
  toc_heading_ = heading;
  toc_at_ = body_.xml.size();
}

std::string DocxWriter::link_id(Part& part, const std::string& url) {
  std::string id = "rIdLink" + std::to_string(part.links.size() + 1);
  part.links.emplace_back(id, url);
  return id;
}

void DocxWriter::markdown_inlines(cmark_node* parent, Part& part, const DocxRun& format, bool link,
                                  const std::vector<cmark_node*>& notes, bool in_footnote, std::string& out) {
  for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
    DocxRun f = format;
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_HTML_INLINE: out += run_xml(literal(n), f, link); break;
      case CMARK_NODE_SOFTBREAK: out += run_xml(" ", f, link); break;
      case CMARK_NODE_LINEBREAK: out += "<w:r><w:br/></w:r>"; break;
      case CMARK_NODE_CODE:
        f.code = true;
        out += run_xml(literal(n), f, link);
        break;
      case CMARK_NODE_EMPH:
        f.italic = true;
        markdown_inlines(n, part, f, link, notes, in_footnote, out);
        break;
      case CMARK_NODE_STRONG:
        f.bold = true;
        markdown_inlines(n, part, f, link, notes, in_footnote, out);
        break;
      case CMARK_NODE_LINK: {
        const char* url = cmark_node_get_url(n);
        if (!link && url && is_external_link(url)) {
          out += "<w:hyperlink r:id=\"" + link_id(part, url) + "\" w:history=\"1\">";
          markdown_inlines(n, part, f, true, notes, in_footnote, out);
          out += "</w:hyperlink>";
        } else {
          markdown_inlines(n, part, f, link, notes, in_footnote, out);
        }
        break;
      }
      case CMARK_NODE_FOOTNOTE_REFERENCE: {
        // cmark numbers references in order and sorts the definitions the
        // same way, so reference N is the N-th definition.
        std::size_t index = std::strtoul(literal(n).c_str(), nullptr, 10);
        if (in_footnote || index == 0 || index > notes.size()) {
          out += run_xml(literal(n), f, link, true);
          break;
        }
        // A Word footnote holds one reference: a note cited twice is written twice.
        int id = next_footnote_++;
        Block note;
        note.style = "FootnoteText";
        note.in_footnote = true;
        note.first_prefix = "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteRef/></w:r>"
                            "<w:r><w:t xml:space=\"preserve\"> </w:t></w:r>";
        footnotes_.xml += "<w:footnote w:id=\"" + std::to_string(id) + "\">";
        std::size_t before = footnotes_.xml.size();
        markdown_blocks(notes[index - 1], footnotes_, note, notes);
        if (footnotes_.xml.size() == before) footnotes_.xml += paragraph_xml("FootnoteText", note.first_prefix);
        footnotes_.xml += "</w:footnote>\n";
        out += "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr><w:footnoteReference w:id=\"" +
               std::to_string(id) + "\"/></w:r>";
        break;
      }
      default:
        if (type_is(n, "strikethrough")) f.strike = true;
        markdown_inlines(n, part, f, link, notes, in_footnote, out);
    }
  }
}

void DocxWriter::markdown_blocks(cmark_node* parent, Part& part, Block& ctx, const std::vector<cmark_node*>& notes) {
  auto para_props = [&]() {
    std::string props;
    if (ctx.num_id > 0) {
      props += "<w:numPr><w:ilvl w:val=\"" + std::to_string(ctx.list_level) + "\"/><w:numId w:val=\"" +
               std::to_string(ctx.num_id) + "\"/></w:numPr>";
      ctx.num_id = 0;  // later paragraphs of the item are indented, not numbered
    } else if (ctx.list_level >= 0) {
      props += "<w:ind w:left=\"" + std::to_string(720 * (ctx.list_level + 1)) + "\"/>";
    }
    return props;
  };
  auto style = [&]() -> std::string {
    if (!ctx.style.empty()) return ctx.style;
    return ctx.list_level >= 0 ? "ListParagraph" : "";
  };
  for (cmark_node* n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_PARAGRAPH: {
        std::string content = ctx.first_prefix;
        ctx.first_prefix.clear();
        markdown_inlines(n, part, {}, false, notes, ctx.in_footnote, content);
        std::string props = para_props();
        part.xml += paragraph_xml(style(), content, props);
        break;
      }
      case CMARK_NODE_HEADING: {
        int level = std::clamp(ctx.heading_base + cmark_node_get_heading_level(n), 1, 9);
        std::string content;
        markdown_inlines(n, part, {}, false, notes, ctx.in_footnote, content);
        if (ctx.in_footnote) {
          part.xml += paragraph_xml(ctx.style, ctx.first_prefix + content);
          ctx.first_prefix.clear();
        } else {
          part.xml += paragraph_xml("Heading" + std::to_string(level), content);
          // A section's own headings reach the TOC's levels: list them in its
          // cached text too, as Word will when it updates the field.
          if (level <= 3) toc_entries_.emplace_back(level, plain_text(n));
        }
        break;
      }
      case CMARK_NODE_BLOCK_QUOTE: {
        Block inner = ctx;
        if (!ctx.in_footnote) inner.style = "Quote";
        markdown_blocks(n, part, inner, notes);
        ctx.first_prefix = inner.first_prefix;
        ctx.num_id = inner.num_id;
        break;
      }
      case CMARK_NODE_LIST: {
        bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
        int level = std::min(8, ctx.list_level + 1);
        int num = new_list(ordered, level, ordered ? cmark_node_get_list_start(n) : 1);
        for (cmark_node* item = cmark_node_first_child(n); item; item = cmark_node_next(item)) {
          Block inner = ctx;
          inner.list_level = level;
          inner.num_id = num;
          markdown_blocks(item, part, inner, notes);
          ctx.first_prefix = inner.first_prefix;
          if (inner.num_id == num) {
            // An empty item still shows its number.
            part.xml += paragraph_xml(inner.style.empty() ? "ListParagraph" : inner.style, "",
                                      "<w:numPr><w:ilvl w:val=\"" + std::to_string(level) + "\"/><w:numId w:val=\"" +
                                          std::to_string(num) + "\"/></w:numPr>");
          }
        }
        break;
      }
      case CMARK_NODE_CODE_BLOCK: {
        std::string code = literal(n);
        while (!code.empty() && code.back() == '\n') code.pop_back();
        std::string content = ctx.first_prefix;
        ctx.first_prefix.clear();
        std::size_t pos = 0;
        for (bool first = true;; first = false) {
          std::size_t end = code.find('\n', pos);
          if (!first) content += "<w:r><w:br/></w:r>";
          DocxRun f;
          content += run_xml(code.substr(pos, end == std::string::npos ? std::string::npos : end - pos), f, false);
          if (end == std::string::npos) break;
          pos = end + 1;
        }
        part.xml += paragraph_xml(ctx.in_footnote ? ctx.style : "SourceCode", content, para_props());
        break;
      }
      case CMARK_NODE_THEMATIC_BREAK:
        part.xml += paragraph_xml(
            "", "", "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"A0A0A0\"/></w:pBdr>");
        break;
      case CMARK_NODE_HTML_BLOCK: {  // markdown.cc has made these paragraphs; kept as text if one slips through
        std::string content = ctx.first_prefix + run_xml(literal(n), {}, false);
        ctx.first_prefix.clear();
        part.xml += paragraph_xml(style(), content, para_props());
        break;
      }
      case CMARK_NODE_FOOTNOTE_DEFINITION: break;  // written where referenced
      default:
        if (type_is(n, "table")) {
          uint16_t columns = cmark_gfm_extensions_get_table_columns(n);
          if (columns == 0) break;
          uint8_t* align = cmark_gfm_extensions_get_table_alignments(n);
          std::string t = "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>"
                          "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" "
                          "w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>";
          for (int c = 0; c < columns; ++c) {
            t += "<w:gridCol w:w=\"" + std::to_string(kTextWidthTwips / columns) + "\"/>";
          }
          t += "</w:tblGrid>\n";
          for (cmark_node* row = cmark_node_first_child(n); row; row = cmark_node_next(row)) {
            bool header = cmark_gfm_extensions_get_table_row_is_header(row);
            t += "<w:tr>";
            if (header) t += "<w:trPr><w:tblHeader/></w:trPr>";
            int c = 0;
            for (cmark_node* cell = cmark_node_first_child(row); cell && c < columns; cell = cmark_node_next(cell), ++c) {
              std::string jc;
              if (align && align[c] == 'c') jc = "<w:jc w:val=\"center\"/>";
              if (align && align[c] == 'r') jc = "<w:jc w:val=\"right\"/>";
              DocxRun f;
              f.bold = header;
              std::string content;
              markdown_inlines(cell, part, f, false, notes, ctx.in_footnote, content);
              t += "<w:tc><w:tcPr><w:tcW w:w=\"" + std::to_string(kTextWidthTwips / columns) +
                   "\" w:type=\"dxa\"/></w:tcPr>" + paragraph_xml("TableText", content, jc) + "</w:tc>";
            }
            // A row shorter than the header still fills the grid: Word
            // misdraws rows with missing cells.
            for (; c < columns; ++c) {
              t += "<w:tc><w:tcPr><w:tcW w:w=\"" + std::to_string(kTextWidthTwips / columns) +
                   "\" w:type=\"dxa\"/></w:tcPr>" + paragraph_xml("TableText", "") + "</w:tc>";
            }
            t += "</w:tr>\n";
          }
          t += "</w:tbl>\n";
          part.xml += t;
          // Word tables have no space below them, joins two adjacent tables
          // into one, and needs a paragraph after a table in a note: one
          // small empty paragraph does for all three.
          part.xml += paragraph_xml("", "", "<w:spacing w:after=\"0\" w:line=\"120\" w:lineRule=\"exact\"/>");
        } else {
          markdown_blocks(n, part, ctx, notes);
        }
    }
  }
}

void DocxWriter::markdown(std::string_view text, int heading_base) {
  MarkdownDocument doc(text, 0);
  std::vector<cmark_node*> notes;
  for (cmark_node* n = cmark_node_first_child(doc.root()); n; n = cmark_node_next(n)) {
    if (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_DEFINITION) notes.push_back(n);
  }
  Block ctx;
  ctx.heading_base = heading_base;
  markdown_blocks(doc.root(), body_, ctx, notes);
}

std::vector<std::pair<std::string, std::string>> DocxWriter::parts(const DocxMeta& meta) const {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
  std::string types = kXmlDecl;
  types += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\n"
           "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\n"
           "<Default Extension=\"xml\" ContentType=\"application/xml\"/>\n"
           "<Override PartName=\"/word/document.xml\" ContentType=\"" + ct + "document.main+xml\"/>\n"
           "<Override PartName=\"/word/styles.xml\" ContentType=\"" + ct + "styles+xml\"/>\n"
           "<Override PartName=\"/word/numbering.xml\" ContentType=\"" + ct + "numbering+xml\"/>\n"
           "<Override PartName=\"/word/settings.xml\" ContentType=\"" + ct + "settings+xml\"/>\n"
           "<Override PartName=\"/word/footnotes.xml\" ContentType=\"" + ct + "footnotes+xml\"/>\n"
           "<Override PartName=\"/docProps/core.xml\" "
           "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\n"
           "<Override PartName=\"/docProps/app.xml\" "
           "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\n"
           "</Types>\n";
  out.emplace_back("[Content_Types].xml", types);

  out.emplace_back("_rels/.rels",
                   rels_xml({{"rId1", std::string(kR) + "/officeDocument word/document.xml"},
                             {"rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                                      "core-properties docProps/core.xml"},
                             {"rId3", std::string(kR) + "/extended-properties docProps/app.xml"}},
                            {}));

  std::string body = body_.xml;
  if (toc_at_ != std::string::npos) {
    // The field's cached result lists the headings without page numbers:
    // what a reader sees until Word updates it (or in a reader that never does).
    std::string toc = paragraph_xml("TOCHeading", run_xml(toc_heading_, {}, false));
    for (std::size_t i = 0; i < std::max<std::size_t>(1, toc_entries_.size()); ++i) {
      std::string content;
      if (i == 0) {
        content += "<w:r><w:fldChar w:fldCharType=\"begin\" w:dirty=\"true\"/></w:r>"
                   "<w:r><w:instrText xml:space=\"preserve\"> TOC \\o \"1-3\" \\h \\z \\u </w:instrText></w:r>"
                   "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>";
      }
      if (i < toc_entries_.size()) content += run_xml(toc_entries_[i].second, {}, false);
      if (i + 1 >= toc_entries_.size()) content += "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>";
      int level = i < toc_entries_.size() ? toc_entries_[i].first : 1;
      toc += paragraph_xml("TOC" + std::to_string(level), content);
    }
    body.insert(toc_at_, toc);
  }
  std::string document = kXmlDecl;
  document += std::string("<w:document xmlns:w=\"") + kW + "\" xmlns:r=\"" + kR + "\">\n<w:body>\n" + body +
              "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" "
              "w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr>\n</w:body>\n</w:document>\n";
  out.emplace_back("word/document.xml", document);

  out.emplace_back("word/_rels/document.xml.rels",
                   rels_xml({{"rId1", std::string(kR) + "/styles styles.xml"},
                             {"rId2", std::string(kR) + "/numbering numbering.xml"},
                             {"rId3", std::string(kR) + "/settings settings.xml"},
                             {"rId4", std::string(kR) + "/footnotes footnotes.xml"}},
                            body_.links));
  out.emplace_back("word/styles.xml", style_xml(meta.language));
  out.emplace_back("word/settings.xml", settings_xml());

  // Two abstract lists (bullets, numbers) with nine levels each; every list
  // in the text is its own w:num, so a numbered list starts at its own start.
  std::string numbering = kXmlDecl;
  numbering += std::string("<w:numbering xmlns:w=\"") + kW + "\">\n";
  const char* bullets[] = {"\xE2\x80\xA2", "\xE2\x97\xA6", "\xE2\x96\xAA"};
  for (int abstract = 0; abstract < 2; ++abstract) {
    numbering += "<w:abstractNum w:abstractNumId=\"" + std::to_string(abstract) +
                 "\"><w:multiLevelType w:val=\"hybridMultilevel\"/>";
    for (int level = 0; level < 9; ++level) {
      numbering += "<w:lvl w:ilvl=\"" + std::to_string(level) + "\"><w:start w:val=\"1\"/><w:numFmt w:val=\"" +
                   (abstract == 0 ? "bullet" : "decimal") + "\"/><w:lvlText w:val=\"" +
                   (abstract == 0 ? std::string(bullets[level % 3]) : "%" + std::to_string(level + 1) + ".") +
                   "\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"" + std::to_string(720 * (level + 1)) +
                   "\" w:hanging=\"360\"/></w:pPr></w:lvl>";
    }
    numbering += "</w:abstractNum>\n";
  }
  for (std::size_t i = 0; i < lists_.size(); ++i) {
    const List& l = lists_[i];
    numbering += "<w:num w:numId=\"" + std::to_string(i + 1) + "\"><w:abstractNumId w:val=\"" +
                 (l.ordered ? "1" : "0") + "\"/>";
    if (l.ordered) {
      numbering += "<w:lvlOverride w:ilvl=\"" + std::to_string(l.level) + "\"><w:startOverride w:val=\"" +
                   std::to_string(l.start) + "\"/></w:lvlOverride>";
    }
    numbering += "</w:num>\n";
  }
  numbering += "</w:numbering>\n";
  out.emplace_back("word/numbering.xml", numbering);

  std::string footnotes = kXmlDecl;
  footnotes += std::string("<w:footnotes xmlns:w=\"") + kW + "\" xmlns:r=\"" + kR +
               "\">\n<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:pPr><w:spacing w:after=\"0\"/></w:pPr>"
               "<w:r><w:separator/></w:r></w:p></w:footnote>\n<w:footnote w:type=\"continuationSeparator\" "
               "w:id=\"0\"><w:p><w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:r><w:continuationSeparator/></w:r>"
               "</w:p></w:footnote>\n" +
               footnotes_.xml + "</w:footnotes>\n";
  out.emplace_back("word/footnotes.xml", footnotes);
  if (!footnotes_.links.empty()) out.emplace_back("word/_rels/footnotes.xml.rels", rels_xml({}, footnotes_.links));

  std::string core = kXmlDecl;
  core += "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
          "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
          "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>" +
          xml_escape(meta.title) + "</dc:title><dc:creator>Kenes</dc:creator><dc:language>" +
          xml_escape(meta.language) + "</dc:language><dcterms:created xsi:type=\"dcterms:W3CDTF\">" +
          iso_utc(meta.created_unix_ms) + "</dcterms:created></cp:coreProperties>\n";
  out.emplace_back("docProps/core.xml", core);
  std::string app = kXmlDecl;
  app += "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
         "<Application>Kenes</Application></Properties>\n";
  out.emplace_back("docProps/app.xml", app);
  return out;
}

DocxResult DocxWriter::package(const DocxMeta& meta) const {
  DocxResult r;
  const auto files = parts(meta);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!buffer) {
    r.message = std::string("cannot create the DOCX archive: ") + zip_error_strerror(&error);
    zip_error_fini(&error);
    return r;
  }
  zip_source_keep(buffer);  // read back after zip_close
  std::unique_ptr<zip_source_t, void (*)(zip_source_t*)> keep(buffer, zip_source_free);
  zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (!archive) {
    r.message = std::string("cannot create the DOCX archive: ") + zip_error_strerror(&error);
    zip_error_fini(&error);
    return r;
  }
  zip_error_fini(&error);
  // ZIP times are local DOS times: taken from the head's UTC fields, so the
  // bytes do not depend on the server's time zone or clock.
  std::time_t seconds = static_cast<std::time_t>(meta.created_unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  if (tm.tm_year < 80) {
    tm = std::tm{};
    tm.tm_mday = 1;
    tm.tm_year = 80;
  }
  auto dos_time = static_cast<zip_uint16_t>((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
  auto dos_date = static_cast<zip_uint16_t>(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
  for (const auto& [name, data] : files) {
    zip_source_t* source = zip_source_buffer(archive, data.data(), data.size(), 0);
    zip_int64_t index = source ? zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8) : -1;
    if (index < 0) {
      if (source) zip_source_free(source);
      r.message = "cannot add " + name + " to the DOCX archive: " + zip_strerror(archive);
      zip_discard(archive);
      return r;
    }
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 6);
    zip_file_set_dostime(archive, static_cast<zip_uint64_t>(index), dos_time, dos_date, 0);
  }
  if (zip_close(archive) < 0) {
    r.message = std::string("cannot write the DOCX archive: ") + zip_strerror(archive);
    zip_discard(archive);
    return r;
  }
  if (zip_source_open(buffer) < 0 || zip_source_seek(buffer, 0, SEEK_END) < 0) {
    r.message = "cannot read the DOCX archive back";
    return r;
  }
  zip_int64_t size = zip_source_tell(buffer);
  zip_source_seek(buffer, 0, SEEK_SET);
  r.bytes.resize(size > 0 ? static_cast<std::size_t>(size) : 0);
  zip_int64_t read = size > 0 ? zip_source_read(buffer, r.bytes.data(), static_cast<zip_uint64_t>(size)) : 0;
  zip_source_close(buffer);
  if (read != size) {
    r.message = "cannot read the DOCX archive back";
    r.bytes.clear();
    return r;
  }
  r.ok = true;
  return r;
}

}  // namespace kenes::report
