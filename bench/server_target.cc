#include "server_target.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <future>
#include <sstream>

#include "bench_options.h"
#include "storage/rocks_log.h"

namespace kenes::bench {

namespace fs = std::filesystem;

void add_target_options(WorkloadOptions& options, TargetOptions& o) {
  po::options_description target("Server target (default: spawn kenes-server on a temp folder and a free port)");
  // clang-format off
  target.add_options()
    ("url", po::value(&o.url)->value_name("ws://HOST:PORT"), "measure a running server instead of spawning one")
    ("token", po::value(&o.token)->value_name("T"), "token for --url (a chair or researcher token of its consultation)")
    ("spawn", "spawn kenes-server (the default; overrides an earlier --url)")
    ("server-bin", po::value(&o.server_bin)->value_name("PATH"), "kenes-server to spawn (default: ../server/kenes-server next to kenes-bench)")
    ("durability", one_of(&o.durability, {"fsync", "wal", "none"})->value_name("MODE"), "durability of the spawned server: fsync | wal | none")
    ("server-threads", po::value(&o.server_threads)->default_value(o.server_threads)->value_name("N"), "--threads of the spawned server")
    ("keep-server-log", po::bool_switch(&o.keep_server_log), "keep the spawned server's folder and log (path on stderr)")
    ("deflate", po::bool_switch(&o.deflate), "the clients offer permessage-deflate, as browsers do (the server's --ws-deflate decides)")
    ("server-args", converted_by([&o](const std::string& text) {
       std::istringstream words(text);
       for (std::string w; words >> w;) o.server_args.push_back(w);
     }, "")->value_name("\"ARGS\""), "more flags for the spawned server, space-separated (\"--ws-deflate-level 6\")");
  // clang-format on
  options.add(target);
  // --spawn means "no --url": whichever of the two comes last decides.
  options.last_one_counts({"url", "spawn"});
}

uint64_t raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
    ::getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur;
}

namespace {

std::string default_server_bin() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "kenes-server";
  return (self.parent_path().parent_path() / "server" / "kenes-server").string();
}

int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::unique_ptr<ServerTarget> ServerTarget::start(const TargetOptions& o, std::string* error,
                                                  const std::function<std::string(storage::Log&)>& prepare) {
  std::unique_ptr<ServerTarget> t(new ServerTarget());
  t->deflate_ = o.deflate;
  if (!o.url.empty()) {
    // ws://host:port[/ws]
    std::string rest = o.url;
    if (rest.rfind("ws://", 0) == 0) rest = rest.substr(5);
    auto slash = rest.find('/');
    if (slash != std::string::npos) rest = rest.substr(0, slash);
    auto colon = rest.rfind(':');
    if (colon == std::string::npos) {
      *error = "--url must be ws://HOST:PORT";
      return nullptr;
    }
    t->host_ = rest.substr(0, colon);
    try {
      t->port_ = static_cast<uint16_t>(std::stoi(rest.substr(colon + 1)));
    } catch (...) {
      *error = "--url must be ws://HOST:PORT";
      return nullptr;
    }
    if (o.token.empty()) {
      *error = "--url needs --token";
      return nullptr;
    }
    t->given_token_ = o.token;
    t->durability_ = "(server's own)";
    return t;
  }

  std::string bin = o.server_bin.empty() ? default_server_bin() : o.server_bin;
  if (::access(bin.c_str(), X_OK) != 0) {
    *error = "no kenes-server at " + bin + " (build it, or pass --server-bin)";
    return nullptr;
  }
  std::string tmpl = (fs::temp_directory_path() / "kenes-bench-server-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    *error = "cannot create a temp folder";
    return nullptr;
  }
  t->dir_ = tmpl;
  t->keep_log_ = o.keep_server_log;
  t->durability_ = o.durability;
  std::string data = t->dir_ + "/data";
  if (!o.seed_data_dir.empty()) {
    std::error_code ec;
    fs::copy(o.seed_data_dir, data, fs::copy_options::recursive, ec);
    if (ec) {
      *error = "cannot copy " + o.seed_data_dir + ": " + ec.message();
      return nullptr;
    }
  }
  if (prepare) {
    auto log = storage::RocksLog::open(data + "/log", storage::RocksLogOptions{});
    if (!log.ok()) {
      *error = "cannot prepare the data folder: " + log.status().to_string();
      return nullptr;
    }
    std::string err = prepare(**log);
    if (!err.empty()) {
      *error = "cannot prepare the data folder: " + err;
      return nullptr;
    }
  }

  int out[2];
  if (::pipe(out) != 0) {
    *error = "pipe failed";
    return nullptr;
  }
  std::vector<std::string> args{bin,
                                "--listen", "127.0.0.1:0",
                                "--data-dir", data,
                                "--web-root", t->dir_ + "/web",
                                "--durability", o.durability,
                                "--threads", std::to_string(o.server_threads),
                                "--demo"};
  args.insert(args.end(), o.server_args.begin(), o.server_args.end());
  std::string log_path = t->dir_ + "/server.log";
  // Everything the child needs is made before fork(): the bench may have
  // threads, and only async-signal-safe calls are allowed in the child.
  std::vector<char*> child_argv;
  for (auto& a : args) child_argv.push_back(a.data());
  child_argv.push_back(nullptr);
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ::fcntl(out[0], F_SETFD, FD_CLOEXEC);
  pid_t pid = ::fork();
  if (pid < 0) {
    *error = "fork failed";
    return nullptr;
  }
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    if (log_fd >= 0) ::dup2(log_fd, 2);
    ::execv(bin.c_str(), child_argv.data());
    _exit(127);
  }
  ::close(out[1]);
  if (log_fd >= 0) ::close(log_fd);
  t->pid_ = pid;
  // The demo banner on stdout names the address: "Kenes is running at http://127.0.0.1:PORT".
  std::string seen;
  char buf[4096];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool found = false;
  while (!found && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
    auto at = seen.find("running at http://");
    if (at != std::string::npos) {
      auto end = seen.find_first_of(" \n", at + 18);
      if (end == std::string::npos) continue;
      std::string hostport = seen.substr(at + 18, end - at - 18);
      auto colon = hostport.rfind(':');
      t->host_ = hostport.substr(0, colon);
      t->port_ = static_cast<uint16_t>(std::stoi(hostport.substr(colon + 1)));
      found = true;
    }
  }
  // Keep draining stdout so the server never blocks on a full pipe.
  std::thread([fd = out[0]] {
    char b[1024];
    while (::read(fd, b, sizeof b) > 0) {
    }
    ::close(fd);
  }).detach();
  if (!found) {
    std::ifstream lf(log_path);
    std::stringstream ss;
    ss << lf.rdbuf();
    *error = "kenes-server did not start; its log:\n" + ss.str();
    return nullptr;  // the destructor kills and removes it
  }
  std::ifstream key(data + "/secret.key", std::ios::binary);
  std::string secret((std::istreambuf_iterator<char>(key)), std::istreambuf_iterator<char>());
  if (secret.size() != 32) {
    *error = "cannot read " + data + "/secret.key";
    return nullptr;
  }
  t->signer_ = std::make_unique<server::TokenSigner>(secret);
  std::fprintf(stderr, "spawned kenes-server pid %d on %s (durability %s, data %s)\n", static_cast<int>(pid),
               t->url().c_str(), o.durability.c_str(), data.c_str());
  return t;
}

int ServerTarget::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  bool gone = false;
  for (int i = 0; i < 2000 && !gone; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) gone = true;
    else std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!gone) {
    std::fprintf(stderr, "kenes-server pid %d did not stop in 20 s; killing it\n", static_cast<int>(pid_));
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = 0;
  if (!gone) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ServerTarget::~ServerTarget() {
  stop();
  if (!dir_.empty()) {
    if (keep_log_) {
      std::fprintf(stderr, "kept the spawned server's folder: %s\n", dir_.c_str());
    } else {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }
}

std::string ServerTarget::token(kenes::v1::Role role, const std::string& participant,
                                const std::string& consultation) const {
  if (!signer_) return given_token_;
  server::TokenClaims c;
  c.consultation_id = consultation;
  c.participant_id = participant;
  c.display_name = "Bench " + participant;
  c.role = role;
  c.expires_unix = now_unix() + 24 * 3600;
  return signer_->sign(c);
}

HttpGet http_get(const std::string& host, uint16_t port, const std::string& target, const std::string& bearer) {
  HttpGet out;
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address(host), port});
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
    if (!bearer.empty()) request += "Authorization: Bearer " + bearer + "\r\n";
    request += "\r\n";
    boost::asio::write(socket, boost::asio::buffer(request));
    boost::system::error_code ec;
    boost::asio::read(socket, boost::asio::dynamic_buffer(out.reply), ec);  // until the server closes
    if (out.reply.rfind("HTTP/1.1 ", 0) == 0 && out.reply.size() >= 12) out.status = std::stoi(out.reply.substr(9, 3));
  } catch (const std::exception&) {
    out.status = 0;
  }
  return out;
}

std::optional<double> ServerTarget::metric(const std::string& name) const {
  // The sampler thread calls it every few seconds, far from the measured path.
  const HttpGet got = http_get(host_, port_, "/metrics");
  const size_t at = got.reply.find("\n" + name + " ");
  if (got.status != 200 || at == std::string::npos) return std::nullopt;
  try {
    return std::stod(got.reply.substr(at + name.size() + 2));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

uint64_t ServerTarget::rss_bytes() const {
  if (pid_ <= 0) return 0;
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stoull(line.substr(6)) * 1024;  // "VmRSS:   12345 kB"
    }
  }
  return 0;
}

double ServerTarget::cpu_seconds() const {
  if (pid_ <= 0) return 0;
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
  std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command (which may hold spaces) start past the last ')';
  // utime and stime are fields 14 and 15, the 12th and 13th after it.
  auto close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(all.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::pair<uint64_t, uint64_t> ServerTarget::context_switches() const {
  std::pair<uint64_t, uint64_t> sum{0, 0};
  if (pid_ <= 0) return sum;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/task", ec)) {
    std::ifstream status(task.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0) sum.first += std::stoull(line.substr(24));
      if (line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) sum.second += std::stoull(line.substr(27));
    }
  }
  return sum;
}

// ------------------------------------------------------------ ClientThreads

ClientThreads::ClientThreads(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    ios_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.push_back(boost::asio::make_work_guard(*ios_.back()));
  }
  for (auto& io : ios_) threads_.emplace_back([io = io.get()] { io->run(); });
}

ClientThreads::~ClientThreads() { stop(); }

void ClientThreads::stop() {
  guards_.clear();
  for (auto& io : ios_) io->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void ClientThreads::run(int i, const std::function<void()>& fn) {
  std::promise<void> done;
  boost::asio::post(io(i), [&] {
    fn();
    done.set_value();
  });
  done.get_future().wait();
}

void ClientThreads::run_all(const std::function<void(int)>& fn) {
  for (int i = 0; i < size(); ++i) run(i, [&] { fn(i); });
}

// ------------------------------------------------------------ helpers

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  // Nearest rank.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      out += b;
    } else {
      out += c;
    }
  }
  return out;
}

bool wait_for(const std::function<bool()>& done, double timeout_seconds, double poll_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::duration<double>(poll_seconds));
  }
  return true;
}

std::string connect_in_waves(int n, const std::function<void(int)>& connect, const std::atomic<int>& live,
                             const std::atomic<int>& closed) {
  const int wave = 100;
  for (int i = 0; i < n; i += wave) {
    for (int j = i; j < std::min(n, i + wave); ++j) connect(j);
    const int want = std::min(n, i + wave);
    if (!wait_for([&] { return live >= want || closed > 0; }, 60) || closed > 0) {
      return "only " + std::to_string(live.load()) + " of " + std::to_string(want) + " clients got live";
    }
  }
  return "";
}

}  // namespace kenes::bench
