#pragma once

// Small helpers shared by the storage tests (not part of kenes_storage).

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace kenes::storage::testing {

// A fresh folder under the system temp folder, removed with everything in it
// when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kenes-storage-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }

 private:
  std::string path_;
};

}  // namespace kenes::storage::testing

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace kenes::storage::testing {

// A child process whose stdout is collected line by line on a reader thread
// (so a fast writer never blocks on a full pipe).
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe(fds) != 0) std::abort();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      std::_Exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
    reader_ = std::thread([this] { read_all(); });
  }
  ~ChildProcess() {
    kill_now();
    wait();
  }

  void kill_now() {
    if (pid_ > 0 && !reaped_) ::kill(pid_, SIGKILL);
  }
  // Waits for the process to end and for its output to be read; the exit
  // status as waitpid returns it.
  int wait() {
    if (!reaped_ && pid_ > 0) {
      ::waitpid(pid_, &status_, 0);
      reaped_ = true;
    }
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    return status_;
  }
  // Waits until a line satisfying `pred` has been read (true) or the output
  // ended or the timeout passed (false).
  template <typename Pred>
  bool wait_for_line(Pred pred, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      for (const auto& l : lines_) {
        if (pred(l)) return true;
      }
      return ended_;
    }) && std::any_of(lines_.begin(), lines_.end(), pred);
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }
  std::size_t line_count() {
    std::lock_guard lock(mu_);
    return lines_.size();
  }

 private:
  void read_all() {
    std::string buffer;
    char chunk[65536];
    for (;;) {
      ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t start = 0, nl;
      std::vector<std::string> fresh;
      while ((nl = buffer.find('\n', start)) != std::string::npos) {
        fresh.push_back(buffer.substr(start, nl - start));
        start = nl + 1;
      }
      buffer.erase(0, start);
      std::lock_guard lock(mu_);
      for (auto& l : fresh) lines_.push_back(std::move(l));
      cv_.notify_all();
    }
    // A partial last line (no newline) was cut by the kill: not a whole ack.
    std::lock_guard lock(mu_);
    ended_ = true;
    cv_.notify_all();
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool ended_ = false;
};

}  // namespace kenes::storage::testing
