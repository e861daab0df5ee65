#include "editing_trace.h"

#include <zlib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <system_error>

namespace kenes::trace {
namespace {

namespace json = boost::json;

// Inflates a whole gzip file into memory.
bool read_gzip(const std::filesystem::path& path, std::string& out, std::string& error) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    error = "cannot open " + path.string();
    return false;
  }
  gzbuffer(file, 1 << 17);
  char buffer[1 << 16];
  for (;;) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      error = path.string() + ": " + gzerror(file, &code);
      gzclose(file);
      return false;
    }
    if (n == 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  gzclose(file);
  return true;
}

bool as_count(const json::value& v, uint64_t& out) {
  if (v.is_uint64()) {
    out = v.get_uint64();
    return true;
  }
  if (v.is_int64() && v.get_int64() >= 0) {
    out = static_cast<uint64_t>(v.get_int64());
    return true;
  }
  return false;
}

bool parse_trace(const json::value& root, EditingTrace& trace, std::string& error) {
  const json::object* obj = root.if_object();
  if (obj == nullptr) {
    error = "the top level is not an object";
    return false;
  }
  const json::value* start = obj->if_contains("startContent");
  const json::value* end = obj->if_contains("endContent");
  const json::value* txns = obj->if_contains("txns");
  if (start == nullptr || !start->is_string() || end == nullptr || !end->is_string() || txns == nullptr ||
      !txns->is_array()) {
    error = "expected string startContent, string endContent and array txns";
    return false;
  }
  trace.start_content = std::string(start->get_string());
  trace.end_content = std::string(end->get_string());
  trace.txns.reserve(txns->get_array().size());
  size_t index = 0;
  for (const json::value& t : txns->get_array()) {
    const json::object* txn = t.if_object();
    const json::value* patches = txn != nullptr ? txn->if_contains("patches") : nullptr;
    if (patches == nullptr || !patches->is_array()) {
      error = "txn " + std::to_string(index) + " has no patches array";
      return false;
    }
    Txn out;
    if (const json::value* time = txn->if_contains("time"); time != nullptr && time->is_string()) {
      out.time = std::string(time->get_string());
    }
    out.patches.reserve(patches->get_array().size());
    for (const json::value& p : patches->get_array()) {
      const json::array* a = p.if_array();
      Patch patch;
      if (a == nullptr || a->size() != 3 || !as_count((*a)[0], patch.pos) || !as_count((*a)[1], patch.del) ||
          !(*a)[2].is_string()) {
        error = "txn " + std::to_string(index) + ": a patch is not [pos, del, \"ins\"]";
        return false;
      }
      patch.ins = std::string((*a)[2].get_string());
      out.patches.push_back(std::move(patch));
    }
    trace.txns.push_back(std::move(out));
    ++index;
  }
  return true;
}

}  // namespace

size_t EditingTrace::patch_count() const {
  size_t n = 0;
  for (const Txn& t : txns) n += t.patches.size();
  return n;
}

std::string trace_name(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  for (const char* suffix : {".json.gz", ".gz", ".json"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      return name.substr(0, name.size() - s.size());
    }
  }
  return name;
}

LoadedTrace load_trace(const std::filesystem::path& path) {
  LoadedTrace result;
  std::string text;
  if (!read_gzip(path, text, result.error)) return result;
  // One arena for the whole document: parsing allocates a lot of small
  // values, all freed together.
  json::monotonic_resource arena;
  boost::system::error_code ec;
  json::value root = json::parse(text, ec, &arena);
  if (ec) {
    result.error = path.string() + ": not JSON: " + ec.message();
    return result;
  }
  EditingTrace trace;
  trace.name = trace_name(path);
  std::string error;
  if (!parse_trace(root, trace, error)) {
    result.error = path.string() + ": not an editing trace: " + error;
    return result;
  }
  result.trace = std::move(trace);
  return result;
}

TraceFiles list_traces(const std::filesystem::path& dir) {
  TraceFiles files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    files.error = "the editing traces folder " + dir.string() +
                  " does not exist (set KENES_TRACES_DIR to the folder holding the *.json.gz traces)";
    return files;
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 8 && name.compare(name.size() - 8, 8, ".json.gz") == 0) files.paths.push_back(entry.path());
  }
  std::sort(files.paths.begin(), files.paths.end());
  if (files.paths.empty()) files.error = "the editing traces folder " + dir.string() + " holds no *.json.gz trace";
  return files;
}

}  // namespace kenes::trace
