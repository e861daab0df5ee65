#include "consultation/framework_import.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <optional>
#include <utility>

#include "consultation/csv.h"
#include "engine/utf8.h"

namespace kenes::consultation {

namespace json = boost::json;

std::string FrameworkIssue::to_string() const { return where.empty() ? message : where + ": " + message; }

namespace {

constexpr std::size_t kMaxEditionBytes = 200;

// Errors up to the cap, then only counted.
class Issues {
 public:
  void error(std::string where, std::string message) {
    if (out_.errors.size() < kMaxFrameworkErrors) {
      out_.errors.push_back({std::move(where), std::move(message)});
    } else {
      ++out_.more_errors;
    }
  }
  void warning(std::string where, std::string message) {
    if (out_.warnings.size() < kMaxFrameworkErrors) out_.warnings.push_back({std::move(where), std::move(message)});
  }
  bool any_error() const { return !out_.errors.empty(); }
  // Orders errors by the line they name (whole-file errors first), keeping
  // the order of errors on one line: the CSV reader finds quoting errors in a
  // first pass over the text, the rest row by row.
  void sort_by_line() {
    auto line_of = [](const FrameworkIssue& i) -> std::size_t {
      if (i.where.rfind("line ", 0) != 0) return 0;
      return std::strtoull(i.where.c_str() + 5, nullptr, 10);
    };
    std::stable_sort(out_.errors.begin(), out_.errors.end(),
                     [&](const FrameworkIssue& a, const FrameworkIssue& b) { return line_of(a) < line_of(b); });
  }
  FrameworkImport finish(kenes::v1::Framework framework) {
    if (count_framework(framework).indicators == 0 && !any_error()) error("", "the framework has no indicators");
    if (framework.source().empty() && !any_error()) {
      warning("", "no source is cited (where the framework comes from, for the record)");
    }
    if (!any_error()) out_.framework = std::move(framework);
    return std::move(out_);
  }

 private:
  FrameworkImport out_;
};

// A value for an error message: in quotes, control characters and quotes
// escaped, and bytes that are not UTF-8 as \xNN so the message itself stays
// valid UTF-8.
std::string quoted(std::string_view s) {
  bool utf8 = engine::is_valid_utf8(s);
  std::string out = "\"";
  std::size_t shown = 0;
  for (unsigned char c : s) {
    if (++shown > 80) {
      out += "...";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

void check_id(const std::string& id, const std::string& where, Issues& issues) {
  if (id.empty()) {
    issues.error(where, "empty id");
  } else if (id.size() > kMaxFrameworkIdBytes) {
    issues.error(where, "id " + quoted(id) + " is longer than " + std::to_string(kMaxFrameworkIdBytes) + " bytes");
  } else if (!std::all_of(id.begin(), id.end(), is_id_char)) {
    issues.error(where, "id " + quoted(id) + " may hold only letters A-Z a-z, digits and . _ -");
  }
}

void check_text(const std::string& text, const std::string& where, const char* what, std::size_t max_bytes,
                Issues& issues) {
  if (text.empty()) {
    issues.error(where, std::string("empty ") + what);
  } else if (text.size() > max_bytes) {
    issues.error(where, std::string(what) + " is longer than " + std::to_string(max_bytes) + " bytes");
  }
}

std::string trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

void check_long_text(const std::string& text, const std::string& where, const char* what, Issues& issues) {
  if (text.size() > kMaxFrameworkTextBytes) {
    issues.error(where, std::string(what) + " is longer than " + std::to_string(kMaxFrameworkTextBytes) + " bytes");
  }
}

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// The words a file writes for an indicator's type (any case); do not change
// them: framework files in use spell them so.
constexpr std::pair<std::string_view, kenes::v1::IndicatorType> kTypeWords[] = {
    {"quantitative", kenes::v1::INDICATOR_TYPE_QUANTITATIVE},
    {"qualitative", kenes::v1::INDICATOR_TYPE_QUALITATIVE},
    {"institutional", kenes::v1::INDICATOR_TYPE_INSTITUTIONAL},
};

// An empty value is UNSPECIFIED; a word that is not a type is an error.
void read_type(const std::string& value, const std::string& where, kenes::v1::Indicator* ind, Issues& issues) {
  if (value.empty()) return;
  std::string word = lower(value);
  for (const auto& [w, type] : kTypeWords) {
    if (word == w) {
      ind->set_type(type);
      return;
    }
  }
  issues.error(where, quoted(value) + " is not quantitative, qualitative or institutional (or empty)");
}

// The names of a file's columns or fields that Kenes does not know, each
// kept per indicator as an extra value: checked once, counted, and warned
// about once each when the file has been read.
class ExtraNames {
 public:
  // `known` are the names Kenes reads at this place, to suggest one for a
  // near miss ("Guidance", "means of verification").
  explicit ExtraNames(std::vector<std::string_view> known) : known_(std::move(known)) {}

  // Whether `name` may be kept (otherwise reported at `where`).
  bool accept(const std::string& name, const std::string& where, Issues& issues) {
    if (find(name)) return true;
    if (name.empty()) {
      issues.error(where, "a column or field without a name");
      return false;
    }
    if (name.size() > kMaxFrameworkExtraNameBytes) {
      issues.error(where, "the name " + quoted(name) + " is longer than " + std::to_string(kMaxFrameworkExtraNameBytes) +
                              " bytes");
      return false;
    }
    if (names_.size() == kMaxFrameworkExtraNames) {
      if (!over_cap_) {
        issues.error(where, "more than " + std::to_string(kMaxFrameworkExtraNames) +
                                " columns or fields Kenes does not know (the first is " + quoted(names_[0].name) + ")");
      }
      over_cap_ = true;
      return false;
    }
    names_.push_back({name, where, 0});
    return true;
  }
  void kept(const std::string& name) {
    if (Seen* s = find(name)) ++s->count;
  }
  // One warning per name, in the order they were first seen. `what` is
  // "column" or "field".
  void warn(Issues& issues, const char* what) const {
    for (const Seen& s : names_) {
      std::string message = std::string("unknown ") + what + " " + quoted(s.name) + ": ";
      message += s.count == 0 ? std::string("empty everywhere, nothing kept")
                              : "kept as an extra value of " + std::to_string(s.count) +
                                    (s.count == 1 ? " indicator" : " indicators");
      if (auto near = near_miss(s.name)) message += " (did you mean " + std::string(*near) + "?)";
      issues.warning(s.where, message);
    }
  }

 private:
  struct Seen {
    std::string name;
    std::string where;
    std::size_t count;
  };
  Seen* find(const std::string& name) {
    for (Seen& s : names_) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
  // A known name written in other case, or with blanks or dashes for '_'.
  std::optional<std::string_view> near_miss(const std::string& name) const {
    std::string n = lower(name);
    for (char& c : n) {
      if (c == ' ' || c == '-') c = '_';
    }
    for (auto k : known_) {
      if (n == k) return k;
    }
    return std::nullopt;
  }

  std::vector<std::string_view> known_;
  std::vector<Seen> names_;
  bool over_cap_ = false;
};

// The first place each id of one kind was seen, to name both places of a
// duplicate.
class IdRegistry {
 public:
  explicit IdRegistry(const char* kind) : kind_(kind) {}
  // Records `id`, or reports it as a duplicate. Empty ids are not recorded
  // (they are reported as empty).
  // `first_label` is what a later duplicate's message calls this place
  // (default: `where`).
  bool add(const std::string& id, const std::string& where, Issues& issues, const std::string& first_label = {}) {
    if (id.empty()) return false;
    auto [it, inserted] = first_.try_emplace(id, first_label.empty() ? where : first_label);
    if (!inserted) {
      issues.error(where, std::string("duplicate ") + kind_ + " id " + quoted(id) + " (first at " + it->second + ")");
    }
    return inserted;
  }
  const std::string* find(const std::string& id) const {
    auto it = first_.find(id);
    return it == first_.end() ? nullptr : &it->second;
  }

 private:
  const char* kind_;
  std::map<std::string, std::string> first_;
};

// ---------------------------------------------------------------- JSON

std::string_view kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

class JsonReader {
 public:
  explicit JsonReader(Issues& issues) : issues_(issues) {}

  void unknown_fields(const json::object& o, const std::string& path, std::initializer_list<std::string_view> known) {
    for (const auto& kv : o) {
      if (std::find(known.begin(), known.end(), kv.key()) != known.end()) continue;
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      // Kept only on indicators: a CSV file, one row per indicator, could
      // not hold them anywhere else.
      issues_.error(join(path, kv.key()), "unknown field (expected " + list +
                                              "; other fields are kept on indicators only)");
    }
  }

  // The value of o[key] if present and of the wanted kind; reports a missing
  // required field or a wrong type.
  const json::value* get(const json::object& o, const std::string& path, std::string_view key, json::kind kind,
                         const char* kind_text, bool required) {
    auto it = o.find(key);
    if (it == o.end()) {
      if (required) issues_.error(join(path, key), "missing");
      return nullptr;
    }
    if (it->value().kind() != kind) {
      issues_.error(join(path, key), std::string("expected ") + kind_text + ", found " +
                                         std::string(kind_name(it->value())));
      return nullptr;
    }
    return &it->value();
  }

  // nullopt when missing or not a string (and reported as needed).
  std::optional<std::string> string(const json::object& o, const std::string& path, std::string_view key,
                                    bool required) {
    const json::value* v = get(o, path, key, json::kind::string, "a string", required);
    if (!v) return std::nullopt;
    std::string s(v->get_string());
    // Boost.JSON refuses invalid UTF-8 in the text; an escape such as
    // "\ud800" (a lone surrogate) must not slip through either.
    if (!engine::is_valid_utf8(s)) {
      issues_.error(join(path, key), "not valid UTF-8");
      return std::nullopt;
    }
    return trim(s);
  }

  const json::array* array(const json::object& o, const std::string& path, std::string_view key, bool required) {
    const json::value* v = get(o, path, key, json::kind::array, "an array", required);
    return v ? &v->get_array() : nullptr;
  }

  const json::object* object(const json::value& v, const std::string& path) {
    if (!v.is_object()) {
      issues_.error(path, "expected an object, found " + std::string(kind_name(v)));
      return nullptr;
    }
    return &v.get_object();
  }

  kenes::v1::Framework read(const json::value& root) {
    kenes::v1::Framework fw;
    const json::object* r = object(root, "(top level)");
    if (!r) return fw;
    unknown_fields(*r, "", {"edition", "source", "categories"});
    if (auto edition = string(*r, "", "edition", true)) {
      check_text(*edition, "edition", "edition", kMaxEditionBytes, issues_);
      fw.set_edition(*edition);
    }
    fw.set_source(string(*r, "", "source", false).value_or(""));
    if (fw.source().size() > kMaxFrameworkTitleBytes) {
      issues_.error("source", "longer than " + std::to_string(kMaxFrameworkTitleBytes) + " bytes");
    }
    const json::array* cats = array(*r, "", "categories", true);
    if (!cats) return fw;
    for (std::size_t ci = 0; ci < cats->size(); ++ci) {
      std::string cpath = index("categories", ci);
      const json::object* co = object((*cats)[ci], cpath);
      if (!co) continue;
      unknown_fields(*co, cpath, {"id", "title", "themes"});
      auto* cat = fw.add_categories();
      read_header(*co, cpath, cat, categories_);
      const json::array* themes = array(*co, cpath, "themes", true);
      if (!themes) continue;
      for (std::size_t ti = 0; ti < themes->size(); ++ti) {
        std::string tpath = index(join(cpath, "themes"), ti);
        const json::object* to = object((*themes)[ti], tpath);
        if (!to) continue;
        unknown_fields(*to, tpath, {"id", "title", "questions"});
        auto* theme = cat->add_themes();
        read_header(*to, tpath, theme, themes_);
        const json::array* questions = array(*to, tpath, "questions", true);
        if (!questions) continue;
        for (std::size_t qi = 0; qi < questions->size(); ++qi) {
          std::string qpath = index(join(tpath, "questions"), qi);
          const json::object* qo = object((*questions)[qi], qpath);
          if (!qo) continue;
          unknown_fields(*qo, qpath, {"id", "title", "text", "indicators"});
          auto* question = theme->add_questions();
          read_header(*qo, qpath, question, questions_);
          if (auto text = string(*qo, qpath, "text", false)) {
            check_long_text(*text, join(qpath, "text"), "the question's text", issues_);
            question->set_text(*text);
          }
          const json::array* indicators = array(*qo, qpath, "indicators", true);
          if (!indicators) continue;
          for (std::size_t ii = 0; ii < indicators->size(); ++ii) {
            std::string ipath = index(join(qpath, "indicators"), ii);
            const json::object* io = object((*indicators)[ii], ipath);
            if (!io) continue;
            auto* ind = question->add_indicators();
            read_header(*io, ipath, ind, indicators_);
            if (const json::value* core = get(*io, ipath, "core", json::kind::bool_, "true or false", true)) {
              ind->set_core(core->get_bool());
            }
            if (auto type = string(*io, ipath, "type", false)) read_type(*type, join(ipath, "type"), ind, issues_);
            if (auto guidance = string(*io, ipath, "guidance", false)) {
              check_long_text(*guidance, join(ipath, "guidance"), "the guidance", issues_);
              ind->set_guidance(*guidance);
            }
            if (auto means = string(*io, ipath, "means_of_verification", false)) {
              check_long_text(*means, join(ipath, "means_of_verification"), "the means of verification", issues_);
              ind->set_means_of_verification(*means);
            }
            if (const json::array* sources = array(*io, ipath, "sources", false)) {
              for (std::size_t si = 0; si < sources->size(); ++si) {
                std::string spath = index(join(ipath, "sources"), si);
                const json::value& sv = (*sources)[si];
                if (!sv.is_string()) {
                  issues_.error(spath, "expected a string, found " + std::string(kind_name(sv)));
                  continue;
                }
                std::string s(sv.get_string());
                if (!engine::is_valid_utf8(s)) {
                  issues_.error(spath, "not valid UTF-8");
                  continue;
                }
                s = trim(s);
                check_text(s, spath, "source", kMaxFrameworkTitleBytes, issues_);
                ind->add_sources(std::move(s));
              }
            }
            read_extras(*io, ipath, ind);
          }
        }
      }
    }
    extras_.warn(issues_, "field");
    return fw;
  }

 private:
  // An indicator's fields Kenes does not know, kept as extra values in the
  // object's order: text as it is (trimmed), a number or true/false as JSON
  // writes it; null is not kept.
  void read_extras(const json::object& o, const std::string& path, kenes::v1::Indicator* ind) {
    for (const auto& kv : o) {
      std::string_view key = kv.key();
      if (std::find(std::begin(kIndicatorFields), std::end(kIndicatorFields), key) != std::end(kIndicatorFields)) {
        continue;
      }
      std::string where = key.empty() ? path : join(path, key);
      std::string name = trim(key);
      if (!extras_.accept(name, where, issues_)) continue;
      const json::value& v = kv.value();
      std::string value;
      if (v.is_string()) {
        value = trim(std::string(v.get_string()));
        if (!engine::is_valid_utf8(value)) {
          issues_.error(where, "not valid UTF-8");
          continue;
        }
      } else if (v.is_number() || v.is_bool()) {
        value = json::serialize(v);
      } else if (!v.is_null()) {
        issues_.error(where, "expected text, a number or true/false (a field Kenes does not know is kept as text), "
                             "found " + std::string(kind_name(v)));
        continue;
      }
      if (value.empty()) continue;
      check_long_text(value, where, "the value", issues_);
      auto* extra = ind->add_extras();
      extra->set_name(name);
      extra->set_value(std::move(value));
      extras_.kept(name);
    }
  }

  template <typename Node>
  void read_header(const json::object& o, const std::string& path, Node* node, IdRegistry& ids) {
    if (auto id = string(o, path, "id", true)) {
      check_id(*id, join(path, "id"), issues_);
      ids.add(*id, join(path, "id"), issues_);
      node->set_id(*id);
    }
    if (auto title = string(o, path, "title", true)) {
      check_text(*title, join(path, "title"), "title", kMaxFrameworkTitleBytes, issues_);
      node->set_title(*title);
    }
  }

  // An indicator's fields Kenes reads; do not rename: files in use spell them so.
  static constexpr std::string_view kIndicatorFields[] = {"id",   "title",    "core",
                                                          "sources", "type", "guidance",
                                                          "means_of_verification"};

  Issues& issues_;
  ExtraNames extras_{{std::begin(kIndicatorFields), std::end(kIndicatorFields)}};
  IdRegistry categories_{"category"};
  IdRegistry themes_{"theme"};
  IdRegistry questions_{"question"};
  IdRegistry indicators_{"indicator"};
};

// "line L, column C" of a byte offset (columns count code points, from 1).
std::string line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The offset of the first byte that does not start a valid UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF included), or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size() || !engine::is_valid_utf8(s.substr(i, len))) return i;
    i += len;
  }
  return std::string_view::npos;
}

bool too_large(std::string_view text, Issues& issues) {
  if (text.size() <= kMaxFrameworkFileBytes) return false;
  issues.error("", "the file has " + std::to_string(text.size()) + " bytes; a framework file may have at most " +
                       std::to_string(kMaxFrameworkFileBytes));
  return true;
}

// ---------------------------------------------------------------- CSV

// The columns, in the order framework_to_csv writes them. Do not rename:
// operators keep spreadsheets with these headers.
constexpr std::string_view kColumns[] = {"category_id",     "category_title", "theme_id",       "theme_title",
                                         "question_id",     "question_title", "question_text",  "indicator_id",
                                         "indicator_title", "core",           "indicator_type", "sources",
                                         "means_of_verification", "guidance"};
enum Column { kCategoryId, kCategoryTitle, kThemeId, kThemeTitle, kQuestionId, kQuestionTitle, kQuestionText,
              kIndicatorId, kIndicatorTitle, kCore, kIndicatorType, kSources, kMeans, kGuidance, kColumnCount };

// Columns a header may leave out: issue 19 added them, and older files have
// none of them.
bool optional_column(std::size_t c) {
  return c == kQuestionText || c == kIndicatorType || c == kMeans || c == kGuidance;
}

std::vector<CsvRow> read_csv_rows(std::string_view text, Issues& issues) {
  std::vector<CsvError> errors;
  std::vector<CsvRow> rows = read_csv(text, errors);
  for (auto& e : errors) issues.error("line " + std::to_string(e.line), std::move(e.message));
  return rows;
}

bool parse_core(const std::string& value, bool* core) {
  std::string v;
  for (char c : value) v += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (v == "yes" || v == "true" || v == "1") {
    *core = true;
    return true;
  }
  if (v == "no" || v == "false" || v == "0") {
    *core = false;
    return true;
  }
  return false;
}

class CsvReader {
 public:
  explicit CsvReader(Issues& issues) : issues_(issues) {}

  // Where an id was first seen: its index among its siblings, the line, the
  // parent's id.
  struct Seen {
    int index;
    std::size_t line;
    std::string parent;
  };

  kenes::v1::Framework read(std::string_view text) {
    kenes::v1::Framework fw;
    // Rows are read on after a stray quote, so one pass reports everything;
    // an unclosed quote ends the rows (the rest of the file is one field).
    std::vector<CsvRow> rows = read_csv_rows(text, issues_);
    std::size_t r = 0;
    bool has_edition = false;
    // Metadata rows before the header: "edition,<name>" and "source,<text>".
    for (; r < rows.size(); ++r) {
      const CsvRow& row = rows[r];
      std::string key = trim(row.fields[0]);
      if (key != "edition" && key != "source") break;
      std::string where = "line " + std::to_string(row.line);
      for (std::size_t f = 2; f < row.fields.size(); ++f) {
        if (!trim(row.fields[f]).empty()) issues_.error(where, "a " + key + " row has one value, in its second field");
      }
      std::string value = row.fields.size() > 1 ? trim(row.fields[1]) : std::string();
      if (!engine::is_valid_utf8(value)) {
        issues_.error(where, "the " + key + " is not valid UTF-8");
        continue;
      }
      if (key == "edition") {
        if (has_edition) issues_.error(where, "a second edition row");
        has_edition = true;
        check_text(value, where, "edition", kMaxEditionBytes, issues_);
        fw.set_edition(value);
      } else {
        if (!fw.source().empty()) issues_.error(where, "a second source row");
        if (value.size() > kMaxFrameworkTitleBytes) {
          issues_.error(where, "the source is longer than " + std::to_string(kMaxFrameworkTitleBytes) + " bytes");
        }
        fw.set_source(value);
      }
    }
    if (!has_edition) {
      issues_.error("line 1", "no edition row before the header (e.g. a first line: edition,ROAM-X 2018)");
    }
    if (r == rows.size()) {
      issues_.error("", "no header row (category_id,category_title,theme_id,...)");
      return fw;
    }
    if (!read_header(rows[r])) return fw;
    for (++r; r < rows.size(); ++r) read_row(rows[r], fw);
    extras_.warn(issues_, "column");
    return fw;
  }

 private:
  bool read_header(const CsvRow& row) {
    std::string where = "line " + std::to_string(row.line);
    position_.assign(kColumnCount, SIZE_MAX);
    width_ = row.fields.size();
    bool ok = true;
    for (std::size_t f = 0; f < row.fields.size(); ++f) {
      std::string name = trim(row.fields[f]);
      auto it = std::find(std::begin(kColumns), std::end(kColumns), name);
      if (it == std::end(kColumns)) {
        if (name.empty() && f + 1 == row.fields.size()) {  // a trailing comma
          width_ = f;
          continue;
        }
        if (!engine::is_valid_utf8(name)) {
          issues_.error(where, "a column's name is not valid UTF-8");
          ok = false;
          continue;
        }
        bool twice = std::any_of(extra_columns_.begin(), extra_columns_.end(),
                                 [&](const ExtraColumn& e) { return e.name == name; });
        if (twice) {
          issues_.error(where, "column " + quoted(name) + " appears twice in the header");
          ok = false;
        } else if (extras_.accept(name, where, issues_)) {
          extra_columns_.push_back({name, f});
        } else {
          ok = false;
        }
        continue;
      }
      auto c = static_cast<std::size_t>(it - std::begin(kColumns));
      if (position_[c] != SIZE_MAX) {
        issues_.error(where, "column " + quoted(name) + " appears twice in the header");
        ok = false;
      }
      position_[c] = f;
    }
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      if (position_[c] == SIZE_MAX && !optional_column(c)) {
        issues_.error(where, "the header has no column " + std::string(kColumns[c]));
        ok = false;
      }
    }
    return ok;
  }

  std::string where(const CsvRow& row, Column c) const {
    return "line " + std::to_string(row.line) + ", column " + std::string(kColumns[c]);
  }
  std::string where(const CsvRow& row, const std::string& column) const {
    return "line " + std::to_string(row.line) + ", column " + column;
  }

  void read_row(const CsvRow& row, kenes::v1::Framework& fw) {
    std::string at = "line " + std::to_string(row.line);
    if (row.fields.size() < width_) {
      issues_.error(at, std::to_string(row.fields.size()) + " fields, the header has " + std::to_string(width_));
      return;
    }
    for (std::size_t f = width_; f < row.fields.size(); ++f) {
      if (!trim(row.fields[f]).empty()) {
        issues_.error(at, std::to_string(row.fields.size()) + " fields, the header has " + std::to_string(width_));
        return;
      }
    }
    std::string v[kColumnCount];
    bool utf8 = true;
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      if (position_[c] == SIZE_MAX) continue;  // an optional column the file leaves out
      const std::string& raw = row.fields[position_[c]];
      if (!engine::is_valid_utf8(raw)) {
        issues_.error(where(row, static_cast<Column>(c)), "not valid UTF-8");
        utf8 = false;
      }
      v[c] = trim(raw);
    }
    std::vector<std::string> extra(extra_columns_.size());
    for (std::size_t e = 0; e < extra_columns_.size(); ++e) {
      const std::string& raw = row.fields[extra_columns_[e].field];
      if (!engine::is_valid_utf8(raw)) {
        issues_.error(where(row, extra_columns_[e].name), "not valid UTF-8");
        utf8 = false;
      }
      extra[e] = trim(raw);
    }
    if (!utf8) return;

    // How deep the row goes: an indicator, or only a question, theme or
    // category (structure without indicators).
    Column deepest = !v[kIndicatorId].empty() ? kIndicatorId
                     : !v[kQuestionId].empty() ? kQuestionId
                     : !v[kThemeId].empty()    ? kThemeId
                                               : kCategoryId;
    if (deepest != kIndicatorId) {
      for (Column c : {kIndicatorTitle, kCore, kIndicatorType, kSources, kMeans, kGuidance}) {
        if (!v[c].empty()) issues_.error(where(row, c), "given, but the row has no indicator_id");
      }
      for (std::size_t e = 0; e < extra_columns_.size(); ++e) {
        if (!extra[e].empty()) {
          issues_.error(where(row, extra_columns_[e].name), "given, but the row has no indicator_id");
        }
      }
    }
    if ((deepest == kThemeId || deepest == kCategoryId) && !v[kQuestionText].empty()) {
      issues_.error(where(row, kQuestionText), "given, but the row has no question_id");
    }
    kenes::v1::Category* cat = category(row, v, fw);
    if (!cat || deepest == kCategoryId) return;
    if (v[kThemeId].empty()) {
      issues_.error(where(row, kThemeId), "empty id");
      return;
    }
    kenes::v1::Theme* theme = child(row, v, kThemeId, kThemeTitle, "theme", v[kCategoryId], cat->mutable_themes(),
                                    themes_);
    if (!theme || deepest == kThemeId) return;
    if (v[kQuestionId].empty()) {
      issues_.error(where(row, kQuestionId), "empty id");
      return;
    }
    kenes::v1::Question* question = child(row, v, kQuestionId, kQuestionTitle, "question", v[kThemeId],
                                          theme->mutable_questions(), questions_);
    if (!question) return;
    question_text(row, v, question);
    if (deepest == kQuestionId) return;

    std::string iwhere = where(row, kIndicatorId);
    check_id(v[kIndicatorId], iwhere, issues_);
    if (!indicator_lines_.add(v[kIndicatorId], iwhere, issues_, "line " + std::to_string(row.line))) return;
    auto* ind = question->add_indicators();
    ind->set_id(v[kIndicatorId]);
    check_text(v[kIndicatorTitle], where(row, kIndicatorTitle), "title", kMaxFrameworkTitleBytes, issues_);
    ind->set_title(v[kIndicatorTitle]);
    bool core = false;
    if (v[kCore].empty()) {
      issues_.error(where(row, kCore), "empty (write yes or no)");
    } else if (!parse_core(v[kCore], &core)) {
      issues_.error(where(row, kCore), quoted(v[kCore]) + " is not yes/no, true/false or 1/0");
    }
    ind->set_core(core);
    read_type(v[kIndicatorType], where(row, kIndicatorType), ind, issues_);
    std::string_view sources = v[kSources];
    while (!sources.empty()) {
      auto semi = sources.find(';');
      std::string s = trim(sources.substr(0, semi));
      if (s.size() > kMaxFrameworkTitleBytes) {
        issues_.error(where(row, kSources), "a source is longer than " + std::to_string(kMaxFrameworkTitleBytes) +
                                                " bytes");
      } else if (!s.empty()) {
        ind->add_sources(std::move(s));
      }
      if (semi == std::string_view::npos) break;
      sources.remove_prefix(semi + 1);
    }
    check_long_text(v[kMeans], where(row, kMeans), "the means of verification", issues_);
    ind->set_means_of_verification(v[kMeans]);
    check_long_text(v[kGuidance], where(row, kGuidance), "the guidance", issues_);
    ind->set_guidance(v[kGuidance]);
    for (std::size_t e = 0; e < extra_columns_.size(); ++e) {
      if (extra[e].empty()) continue;
      check_long_text(extra[e], where(row, extra_columns_[e].name), "the value", issues_);
      auto* x = ind->add_extras();
      x->set_name(extra_columns_[e].name);
      x->set_value(std::move(extra[e]));
      extras_.kept(extra_columns_[e].name);
    }
  }

  // A question's text is given on any of its rows (the first that gives
  // one); the others repeat it exactly or leave it empty, as titles.
  void question_text(const CsvRow& row, const std::string (&v)[kColumnCount], kenes::v1::Question* question) {
    const std::string& text = v[kQuestionText];
    if (text.empty()) return;
    if (question->text().empty()) {
      check_long_text(text, where(row, kQuestionText), "the question's text", issues_);
      question->set_text(text);
      question_text_lines_[question->id()] = row.line;
    } else if (question->text() != text) {
      issues_.error(where(row, kQuestionText),
                    quoted(text) + " differs from the text of question " + quoted(question->id()) + " on line " +
                        std::to_string(question_text_lines_[question->id()]) +
                        "; leave it empty or repeat it exactly");
    }
  }

  kenes::v1::Category* category(const CsvRow& row, const std::string (&v)[kColumnCount], kenes::v1::Framework& fw) {
    const std::string& id = v[kCategoryId];
    if (id.empty()) {
      issues_.error(where(row, kCategoryId), "empty id");
      return nullptr;
    }
    auto it = category_index_.find(id);
    if (it == category_index_.end()) {
      check_id(id, where(row, kCategoryId), issues_);
      check_text(v[kCategoryTitle], where(row, kCategoryTitle), "title", kMaxFrameworkTitleBytes, issues_);
      it = category_index_.emplace(id, Seen{fw.categories_size(), row.line, ""}).first;
      auto* cat = fw.add_categories();
      cat->set_id(id);
      cat->set_title(v[kCategoryTitle]);
      return cat;
    }
    auto* cat = fw.mutable_categories(it->second.index);
    same_title(row, kCategoryTitle, "category", id, cat->title(), v[kCategoryTitle], it->second.line);
    return cat;
  }

  // A theme under its category, or a question under its theme: found by id
  // (which must then be under the same parent), or added.
  template <typename Node>
  Node* child(const CsvRow& row, const std::string (&v)[kColumnCount], Column id_col, Column title_col,
              const char* kind, const std::string& parent_id, google::protobuf::RepeatedPtrField<Node>* siblings,
              std::map<std::string, Seen>& seen);

  void same_title(const CsvRow& row, Column c, const char* kind, const std::string& id, const std::string& first,
                  const std::string& now, std::size_t first_line) {
    if (!now.empty() && now != first) {
      issues_.error(where(row, c), quoted(now) + " differs from the title of " + kind + " " + quoted(id) +
                                       " on line " + std::to_string(first_line) + " (" + quoted(first) +
                                       "); leave it empty or repeat it exactly");
    }
  }

  // A column Kenes does not know: its values are kept per indicator.
  struct ExtraColumn {
    std::string name;
    std::size_t field;
  };

  Issues& issues_;
  std::vector<std::size_t> position_;  // column -> field index, SIZE_MAX if absent
  std::size_t width_ = 0;
  std::vector<ExtraColumn> extra_columns_;  // in the header's order
  ExtraNames extras_{{std::begin(kColumns), std::end(kColumns)}};
  std::map<std::string, std::size_t> question_text_lines_;
  std::map<std::string, Seen> category_index_;
  std::map<std::string, Seen> themes_;
  std::map<std::string, Seen> questions_;
  IdRegistry indicator_lines_{"indicator"};
};

template <typename Node>
Node* CsvReader::child(const CsvRow& row, const std::string (&v)[kColumnCount], Column id_col, Column title_col,
                       const char* kind, const std::string& parent_id,
                       google::protobuf::RepeatedPtrField<Node>* siblings, std::map<std::string, Seen>& seen) {
  const std::string& id = v[id_col];
  auto it = seen.find(id);
  if (it == seen.end()) {
    check_id(id, where(row, id_col), issues_);
    check_text(v[title_col], where(row, title_col), "title", kMaxFrameworkTitleBytes, issues_);
    seen.emplace(id, Seen{siblings->size(), row.line, parent_id});
    Node* node = siblings->Add();
    node->set_id(id);
    node->set_title(v[title_col]);
    return node;
  }
  if (it->second.parent != parent_id) {
    issues_.error(where(row, id_col), std::string(kind) + " " + quoted(id) + " is under " + quoted(it->second.parent) +
                                          " on line " + std::to_string(it->second.line) + ", here under " +
                                          quoted(parent_id));
    return nullptr;
  }
  Node* node = siblings->Mutable(it->second.index);
  same_title(row, title_col, kind, id, node->title(), v[title_col], it->second.line);
  return node;
}

}  // namespace

FrameworkImport import_framework_json(std::string_view text) {
  Issues issues;
  if (too_large(text, issues)) return issues.finish({});
  // Boost.JSON calls bad UTF-8 a "syntax error"; say what it is.
  if (std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    issues.error(line_column(text, bad), "not valid UTF-8 (the file must be UTF-8 text)");
    return issues.finish({});
  }
  json::stream_parser parser;
  boost::system::error_code ec;
  std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    issues.error(line_column(text, consumed), "not valid JSON: " + ec.message());
    return issues.finish({});
  }
  json::value root = parser.release();
  JsonReader reader(issues);
  return issues.finish(reader.read(root));
}

FrameworkImport import_framework_csv(std::string_view text) {
  Issues issues;
  if (too_large(text, issues)) return issues.finish({});
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // spreadsheets write a BOM
  CsvReader reader(issues);
  kenes::v1::Framework fw = reader.read(text);
  issues.sort_by_line();
  return issues.finish(std::move(fw));
}

FrameworkFormat detect_framework_format(std::string_view file_name, std::string_view text) {
  auto ends_with = [&](std::string_view ext) {
    if (file_name.size() < ext.size()) return false;
    auto tail = file_name.substr(file_name.size() - ext.size());
    return std::equal(tail.begin(), tail.end(), ext.begin(),
                      [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b; });
  };
  if (ends_with(".json")) return FrameworkFormat::kJson;
  if (ends_with(".csv")) return FrameworkFormat::kCsv;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{' ? FrameworkFormat::kJson : FrameworkFormat::kCsv;
}

FrameworkImport import_framework(std::string_view file_name, std::string_view text) {
  return detect_framework_format(file_name, text) == FrameworkFormat::kJson ? import_framework_json(text)
                                                                            : import_framework_csv(text);
}

std::string framework_to_csv(const kenes::v1::Framework& fw) {
  // The extra values' names, in the order they first appear.
  std::vector<std::string> extra_names;
  for (const auto& cat : fw.categories()) {
    for (const auto& theme : cat.themes()) {
      for (const auto& q : theme.questions()) {
        for (const auto& ind : q.indicators()) {
          for (const auto& x : ind.extras()) {
            bool known = x.name().empty() ||
                         std::find(std::begin(kColumns), std::end(kColumns), x.name()) != std::end(kColumns);
            if (!known && std::find(extra_names.begin(), extra_names.end(), x.name()) == extra_names.end()) {
              extra_names.push_back(x.name());
            }
          }
        }
      }
    }
  }
  std::string out = "edition," + csv_field(fw.edition()) + "\n";
  if (!fw.source().empty()) out += "source," + csv_field(fw.source()) + "\n";
  auto write = [&](const std::vector<std::string>& fields) {
    for (std::size_t f = 0; f < fields.size(); ++f) {
      if (f > 0) out += ',';
      out += csv_field(fields[f]);
    }
    out += "\n";
  };
  std::vector<std::string> header(std::begin(kColumns), std::end(kColumns));
  header.insert(header.end(), extra_names.begin(), extra_names.end());
  // Header names are written as they are: csv_field would quote none of them.
  for (std::size_t f = 0; f < header.size(); ++f) out += (f > 0 ? "," : "") + csv_field(header[f]);
  out += "\n";
  std::vector<std::string> row(header.size());
  auto clear_from = [&](Column c) { std::fill(row.begin() + c, row.end(), std::string()); };
  for (const auto& cat : fw.categories()) {
    clear_from(kCategoryId);
    row[kCategoryId] = cat.id();
    row[kCategoryTitle] = cat.title();
    if (cat.themes().empty()) write(row);
    for (const auto& theme : cat.themes()) {
      clear_from(kThemeId);
      row[kThemeId] = theme.id();
      row[kThemeTitle] = theme.title();
      if (theme.questions().empty()) write(row);
      for (const auto& q : theme.questions()) {
        clear_from(kQuestionId);
        row[kQuestionId] = q.id();
        row[kQuestionTitle] = q.title();
        row[kQuestionText] = q.text();
        if (q.indicators().empty()) write(row);
        for (const auto& ind : q.indicators()) {
          clear_from(kIndicatorId);
          row[kIndicatorId] = ind.id();
          row[kIndicatorTitle] = ind.title();
          row[kCore] = ind.core() ? "yes" : "no";
          row[kIndicatorType] = std::string(indicator_type_word(ind.type()));
          for (const auto& s : ind.sources()) row[kSources] += (row[kSources].empty() ? "" : "; ") + s;
          row[kMeans] = ind.means_of_verification();
          row[kGuidance] = ind.guidance();
          for (const auto& x : ind.extras()) {
            auto it = std::find(extra_names.begin(), extra_names.end(), x.name());
            if (it != extra_names.end()) row[kColumnCount + static_cast<std::size_t>(it - extra_names.begin())] = x.value();
          }
          write(row);
        }
      }
    }
  }
  return out;
}

std::string_view indicator_type_word(kenes::v1::IndicatorType type) {
  for (const auto& [word, t] : kTypeWords) {
    if (t == type) return word;
  }
  return "";
}

FrameworkCounts count_framework(const kenes::v1::Framework& fw) {
  FrameworkCounts n;
  for (const auto& c : fw.categories()) {
    ++n.categories;
    for (const auto& t : c.themes()) {
      ++n.themes;
      for (const auto& q : t.questions()) {
        ++n.questions;
        for (const auto& i : q.indicators()) {
          ++n.indicators;
          if (i.core()) ++n.core;
        }
      }
    }
  }
  return n;
}

std::string describe_counts(const FrameworkCounts& n) {
  return std::to_string(n.categories) + " categories, " + std::to_string(n.themes) + " themes, " +
         std::to_string(n.questions) + " questions, " + std::to_string(n.indicators) + " indicators (" +
         std::to_string(n.core) + " core)";
}

}  // namespace kenes::consultation
