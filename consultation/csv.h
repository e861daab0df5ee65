#pragma once

// Writing CSV (RFC 4180), for every file Kenes writes as CSV: the framework
// (framework_to_csv) and the votes export (replay/report).

#include <string>
#include <string_view>

namespace kenes::consultation {

// One field: as it is, or in double quotes (inner quotes doubled) when it
// holds a comma, a quote or a line break, or begins or ends with a space —
// the framework reader trims unquoted values, and a spreadsheet may too.
std::string csv_field(std::string_view s);

}  // namespace kenes::consultation
