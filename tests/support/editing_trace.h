#pragma once

// Loads the public editing traces (../shared/data/editing-traces, CC BY 4.0,
// from the josephg/editing-traces collection): recordings of real people
// typing a document, used to replay realistic edits through the engine.
//
// Format (gzip-compressed JSON):
//   {"startContent": "...", "endContent": "...",
//    "txns": [{"time": "...", "patches": [[pos, del, ins], ...]}, ...]}
// Positions and lengths count Unicode code points. The patches of a txn
// apply in order, each to the text the previous one produced; applying all
// txns to startContent gives endContent.
//
// For tests and the benchmark only (links Boost.JSON and zlib).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kenes::trace {

struct Patch {
  uint64_t pos;     // code points
  uint64_t del;     // code points deleted at pos
  std::string ins;  // UTF-8 inserted at pos (after the deletion)
};

struct Txn {
  std::string time;  // as recorded; may be empty
  std::vector<Patch> patches;
};

struct EditingTrace {
  std::string name;  // file name without .json.gz, e.g. "automerge-paper"
  std::string start_content;
  std::string end_content;
  std::vector<Txn> txns;

  size_t patch_count() const;
};

// A trace, or why it could not be loaded (file missing, not gzip, not JSON,
// not the trace format). Never throws.
struct LoadedTrace {
  std::optional<EditingTrace> trace;
  std::string error;

  bool ok() const { return trace.has_value(); }
};
LoadedTrace load_trace(const std::filesystem::path& path);

// The *.json.gz files of a folder, sorted by name; `error` is set (and
// `paths` empty) if the folder does not exist or holds no trace.
struct TraceFiles {
  std::vector<std::filesystem::path> paths;
  std::string error;
};
TraceFiles list_traces(const std::filesystem::path& dir);

// "automerge-paper" for ".../automerge-paper.json.gz".
std::string trace_name(const std::filesystem::path& path);

}  // namespace kenes::trace
