#pragma once

// DOCX through pandoc, when it is installed: Kenes does not write Office XML
// itself. pandoc runs as a child process on a private temporary folder
// (Markdown in, DOCX out), with no shell and a time limit.

#include <string>

namespace kenes::report {

struct DocxResult {
  enum class Code { kOk, kNotAvailable, kFailed };
  Code code = Code::kFailed;
  std::string bytes;    // the .docx file when kOk
  std::string message;  // why not, for a person (kNotAvailable: how to install it)
};

// The pandoc to run: $KENES_PANDOC if set, else "pandoc" found on $PATH;
// "" when there is none.
std::string find_pandoc();

// Converts `markdown` with `pandoc` (a path; "" means not installed). Blocks
// until pandoc exits or `timeout_ms` passes (then kills it: kFailed).
DocxResult docx_from_markdown(const std::string& markdown, const std::string& pandoc, int timeout_ms = 30000);

}  // namespace kenes::report
