#pragma once

// Importing an assessment framework (category -> theme -> question ->
// indicator) from a JSON or CSV file into a kenes.v1.Framework — the one
// place where framework files are read. The formats, every rule checked and
// the exact error texts are in consultation/README.md ("Framework files").
//
// All or nothing: an import returns a Framework only when the file has no
// error at all; otherwise it returns every error it found (up to
// kMaxFrameworkErrors, then a count of the rest), so an operator fixes a file
// in one pass and a consultation never starts from half a framework.
//
// Pure: text in, value out; no I/O. Thread-safe (no shared state).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kenes/v1/framework.pb.h"

namespace kenes::consultation {

// Larger files are refused before parsing: the full ROAM-X framework with
// its question texts and guidance is a few hundred KiB, and a framework is
// stored inside the first log record of a consultation and sent to every
// client that joins.
inline constexpr std::size_t kMaxFrameworkFileBytes = 4 << 20;
// Errors reported per file; the rest are counted.
inline constexpr std::size_t kMaxFrameworkErrors = 50;
// Ids become part of document ids ("indicator/<id>") and URLs.
inline constexpr std::size_t kMaxFrameworkIdBytes = 64;
inline constexpr std::size_t kMaxFrameworkTitleBytes = 2000;
// A question's text, an indicator's guidance and means of verification, and
// each extra value: long prose as published, yet bounded, since the
// framework travels to every client that joins.
inline constexpr std::size_t kMaxFrameworkTextBytes = 20000;
// Columns (CSV) or fields (JSON) a file may add beyond those Kenes knows;
// each is kept per indicator (kenes.v1.ExtraValue).
inline constexpr std::size_t kMaxFrameworkExtraNames = 50;
inline constexpr std::size_t kMaxFrameworkExtraNameBytes = 100;

enum class FrameworkFormat { kJson, kCsv };

// One problem with a framework file. `where` locates it: a JSON path
// ("categories[2].themes[0].questions[1].indicators[3].id"), "line 12,
// column 5" for JSON syntax, or "line 7, column theme_id" for CSV; empty for
// the file as a whole.
struct FrameworkIssue {
  std::string where;
  std::string message;
  // "where: message", or the message alone.
  std::string to_string() const;
};

struct FrameworkImport {
  // Set if and only if `errors` is empty.
  std::optional<kenes::v1::Framework> framework;
  std::vector<FrameworkIssue> errors;  // at most kMaxFrameworkErrors
  std::size_t more_errors = 0;         // found beyond the cap
  // Not fatal, and reported whether or not the file has errors: no source
  // cited, or a column / field Kenes does not know (one warning per name,
  // saying it is kept as an extra value). At most kMaxFrameworkErrors.
  std::vector<FrameworkIssue> warnings;
  bool ok() const { return framework.has_value(); }
};

FrameworkImport import_framework_json(std::string_view text);
FrameworkImport import_framework_csv(std::string_view text);

// By file name (".json" / ".csv", any case), else by content: a file whose
// first character after blanks and a UTF-8 BOM is '{' is JSON, anything else
// CSV.
FrameworkFormat detect_framework_format(std::string_view file_name, std::string_view text);
FrameworkImport import_framework(std::string_view file_name, std::string_view text);

// The CSV form of a framework (the format import_framework_csv reads, LF line
// ends, fields quoted only when needed): every column Kenes knows, then one
// column per extra value's name, in the order the names first appear.
// import_framework_csv of the result gives back an equal Framework, provided
// no source contains ';', every indicator's extras are in that order, and no
// extra is named like a column Kenes knows (an import makes none such; they
// are left out).
std::string framework_to_csv(const kenes::v1::Framework& framework);

// The word a framework file writes for a type ("quantitative", ...); "" for
// UNSPECIFIED and for values this build does not know.
std::string_view indicator_type_word(kenes::v1::IndicatorType type);

struct FrameworkCounts {
  std::size_t categories = 0;
  std::size_t themes = 0;
  std::size_t questions = 0;
  std::size_t indicators = 0;
  std::size_t core = 0;
};
FrameworkCounts count_framework(const kenes::v1::Framework& framework);

// "6 categories, 25 themes, 124 questions, 303 indicators (109 core)"
std::string describe_counts(const FrameworkCounts& counts);

}  // namespace kenes::consultation
