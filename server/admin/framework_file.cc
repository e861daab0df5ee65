#include "framework_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "command.h"

namespace kenes::admin {

std::optional<kenes::v1::Framework> import_framework_file(const std::string& path, std::ostream& out,
                                                          int* exit_code, consultation::FrameworkFormat* format) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    out << path << ": cannot read: " << ec.message() << "\n";
    *exit_code = kExitError;
    return std::nullopt;
  }
  // Refused before reading: a wrong file (a backup, a video) is not loaded
  // into memory to be parsed.
  if (size > consultation::kMaxFrameworkFileBytes) {
    out << path << ": " << size << " bytes; a framework file may have at most " << consultation::kMaxFrameworkFileBytes
        << "\n";
    *exit_code = kExitProblems;
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    out << path << ": cannot read\n";
    *exit_code = kExitError;
    return std::nullopt;
  }
  std::string bytes = text.str();
  auto detected = consultation::detect_framework_format(path, bytes);
  if (format) *format = detected;
  consultation::FrameworkImport imported = consultation::import_framework(path, bytes);
  for (const auto& w : imported.warnings) out << path << ": warning: " << w.to_string() << "\n";
  if (imported.ok()) return std::move(imported.framework);
  for (const auto& e : imported.errors) out << path << ": " << e.to_string() << "\n";
  std::size_t total = imported.errors.size() + imported.more_errors;
  if (imported.more_errors > 0) out << path << ": ... and " << imported.more_errors << " more errors\n";
  out << path << ": " << total << (total == 1 ? " error" : " errors") << " in this "
      << (detected == consultation::FrameworkFormat::kJson ? "JSON" : "CSV") << " file; nothing was loaded\n";
  *exit_code = kExitProblems;
  return std::nullopt;
}

}  // namespace kenes::admin
