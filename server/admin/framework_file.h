#pragma once

// Reading a framework file for create-consultation and check-framework: the
// size check before reading, the import (consultation/framework_import.h), and the
// errors printed one per line as "FILE: where: message", then a summary.

#include <optional>
#include <ostream>
#include <string>

#include "consultation/framework_import.h"

namespace kenes::admin {

// Reads and imports `path` (JSON or CSV, by extension or content). Every
// warning and error goes to `out`. Returns the framework, or nullopt with
// *exit_code set: kExitProblems for a file with errors, kExitError when it
// cannot be read.
std::optional<kenes::v1::Framework> import_framework_file(const std::string& path, std::ostream& out,
                                                          int* exit_code,
                                                          consultation::FrameworkFormat* format = nullptr);

}  // namespace kenes::admin
