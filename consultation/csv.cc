#include "consultation/csv.h"

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

}  // namespace kenes::consultation
