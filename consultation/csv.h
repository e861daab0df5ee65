#pragma once

// CSV (RFC 4180), for every file Kenes writes or reads as CSV: the framework
// (framework_to_csv, import_framework_csv), the votes export (replay/report)
// and the roster import (ImportParticipants).

#include <string>
#include <string_view>
#include <vector>

namespace kenes::consultation {

// One field: as it is, or in double quotes (inner quotes doubled) when it
// holds a comma, a quote or a line break, or begins or ends with a space —
// the framework reader trims unquoted values, and a spreadsheet may too.
//
// A field that begins with =, +, -, @, a tab or a carriage return is a
// formula to a spreadsheet (a participant named =HYPERLINK(...) would run in
// the chair's copy of votes.csv): it is written quoted, after an apostrophe,
// which spreadsheets take as "text" and do not show. csv_unneutralise undoes
// it for Kenes's own reader (the framework CSV round trip).
std::string csv_field(std::string_view s);

// The value csv_field was given, from a quoted field's content: the
// apostrophe before a formula's first character dropped.
std::string csv_unneutralise(std::string s);

struct CsvRow {
  std::size_t line = 0;  // where the row starts (1-based)
  std::vector<std::string> fields;
};

struct CsvError {
  std::size_t line = 0;
  std::string message;
};

// The rows of `text`, blank rows left out; quoted fields lose their quotes
// and csv_field's apostrophe. What does not parse is reported in `errors`
// (with its line) and the reader carries on where it can.
std::vector<CsvRow> read_csv(std::string_view text, std::vector<CsvError>& errors);

}  // namespace kenes::consultation
