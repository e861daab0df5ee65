#include "consultation/csv.h"

#include <algorithm>

namespace kenes::consultation {

namespace {

bool formula_start(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'; }

// Apostrophes (none or more) and then a formula's first character: such a
// value gets one apostrophe more, so that the ones it had survive the way
// back (csv_unneutralise takes exactly one).
bool needs_apostrophe(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] == '\'') ++i;
  return i < s.size() && formula_start(s[i]);
}

}  // namespace

std::string csv_unneutralise(std::string s) {
  if (!s.empty() && s[0] == '\'' && needs_apostrophe(std::string_view(s).substr(1))) s.erase(0, 1);
  return s;
}

std::string csv_field(std::string_view s) {
  const bool formula = needs_apostrophe(s);
  const bool quote = formula || s.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) return std::string(s);
  std::string out = formula ? "\"'" : "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// RFC 4180: fields separated by commas; a field in double quotes may hold
// commas, line breaks and "" for a quote. Rows end with CRLF or LF.
std::vector<CsvRow> read_csv(std::string_view text, std::vector<CsvError>& errors) {
  std::vector<CsvRow> rows;
  std::size_t i = 0, line = 1;
  while (i < text.size()) {
    CsvRow row;
    row.line = line;
    bool row_done = false;
    while (!row_done) {
      std::string field;
      if (i < text.size() && text[i] == '"') {
        std::size_t start_line = line;
        ++i;
        bool closed = false;
        while (i < text.size()) {
          char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              field += '"';
              ++i;
            } else {
              closed = true;
              break;
            }
          } else {
            if (c == '\n') ++line;
            field += c;
          }
        }
        if (!closed) {
          errors.push_back({start_line, "a quoted field is not closed (a \" is missing)"});
          return rows;
        }
        field = csv_unneutralise(std::move(field));  // what framework_to_csv wrote for a formula-like value
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          errors.push_back({line,
                       "text after a closing quote (inside a quoted field, write a quote as \"\")"});
          while (i < text.size() && text[i] != ',' && text[i] != '\n') ++i;  // resynchronise
        }
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"') {
            errors.push_back({line,
                         "a quote inside an unquoted field (quote the whole field and double the quote)"});
          }
          field += text[i++];
        }
      }
      row.fields.push_back(std::move(field));
      if (i >= text.size()) {
        row_done = true;
      } else if (text[i] == ',') {
        ++i;
      } else {  // a line end: CRLF, LF or a lone CR
        if (text[i] == '\r') ++i;
        if (i < text.size() && text[i] == '\n') ++i;
        ++line;
        row_done = true;
      }
    }
    bool blank = std::all_of(row.fields.begin(), row.fields.end(), [](const std::string& f) { return f.find_first_not_of(" \t\r\n") == std::string::npos; });
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace kenes::consultation
