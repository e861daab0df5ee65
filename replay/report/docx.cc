#include "replay/report/docx.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace kenes::report {

namespace fs = std::filesystem;

std::string find_pandoc() {
  if (const char* explicit_path = std::getenv("KENES_PANDOC"); explicit_path && *explicit_path) {
    return ::access(explicit_path, X_OK) == 0 ? std::string(explicit_path) : std::string();
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/pandoc";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

namespace {

// A private folder removed on every path out.
struct TempFolder {
  std::string path;
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "kenes-docx-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data())) path = buf.data();
  }
  ~TempFolder() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

DocxResult docx_from_markdown(const std::string& markdown, const std::string& pandoc, int timeout_ms) {
  DocxResult r;
  if (pandoc.empty()) {
    r.code = DocxResult::Code::kNotAvailable;
    r.message =
        "DOCX export needs pandoc, which is not installed on this server (Debian: apt-get install pandoc). "
        "The Markdown and HTML exports are available.";
    return r;
  }
  TempFolder dir;
  if (dir.path.empty()) {
    r.message = "cannot create a temporary folder for pandoc";
    return r;
  }
  std::string in = dir.path + "/report.md", out = dir.path + "/report.docx", err = dir.path + "/stderr.txt";
  {
    std::ofstream f(in, std::ios::binary);
    f << markdown;
    if (!f) {
      r.message = "cannot write pandoc's input";
      return r;
    }
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  // "markdown-raw_html": HTML written into a draft stays text, as in the
  // HTML export.
  std::vector<std::string> args = {pandoc, "--from=markdown-raw_html-raw_tex", "--to=docx", "--output=" + out, in};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, pandoc.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    r.message = "cannot start pandoc (" + pandoc + "): " + std::strerror(spawned);
    return r;
  }
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) {
      r.message = "waiting for pandoc failed";
      return r;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      r.message = "pandoc took longer than " + std::to_string(timeout_ms / 1000) + " s; stopped";
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::ifstream e(err);
    std::stringstream s;
    s << e.rdbuf();
    r.message = "pandoc failed: " + s.str().substr(0, 500);
    return r;
  }
  std::ifstream f(out, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  r.bytes = s.str();
  if (r.bytes.size() < 4 || r.bytes.compare(0, 2, "PK") != 0) {
    r.message = "pandoc wrote no DOCX file";
    return r;
  }
  r.code = DocxResult::Code::kOk;
  return r;
}

}  // namespace kenes::report
