#pragma once

// Writing CSV (RFC 4180), for every file Kenes writes as CSV: the framework
// (framework_to_csv) and the votes export (replay/report).

#include <string>
#include <string_view>

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

}  // namespace kenes::consultation
