#pragma once

// The server a workload measures, and the client threads that drive it.
//
// A ServerTarget is either a kenes-server process that the workload spawns
// (the default: a fresh data folder in a temporary directory, a free loopback
// port, `--demo` so that the consultation "demo" exists, tokens minted with the
// secret the server wrote to <data>/secret.key) or a running server given by
// --url ws://host:port and --token T (every client then uses that token).
//
// Common flags, declared by add_target_options():
//   --url ws://HOST:PORT   target a running server (no spawn)
//   --token T              the token for --url (a role that may edit)
//   --spawn                spawn a server (the default when no --url)
//   --server-bin PATH      the kenes-server to spawn (default: the build's
//                          server/kenes-server next to kenes-bench)
//   --durability MODE      fsync (default) | wal | none, passed to the spawn
//   --server-threads N     --threads of the spawned server (default 2)
//   --keep-server-log      leave the spawned server's log in place (its path
//                          is printed on stderr)
//   --deflate              the clients offer permessage-deflate (as browsers
//                          do); the server's --ws-deflate decides
//   --server-args "A B"    more flags for the spawned server, split on spaces
//                          (e.g. "--ws-deflate-level 6")
//
// Thread-safety: a ServerTarget is used from the workload's main thread only;
// token() is const and safe from any thread.

#include <sys/types.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kenes/v1/protocol.pb.h"
#include "storage/log.h"
#include "auth/token.h"

namespace kenes::bench {

struct TargetOptions {
  std::string url;    // empty: spawn
  std::string token;  // with url
  std::string server_bin;
  std::string durability = "fsync";
  int server_threads = 2;
  bool keep_server_log = false;
  // Spawn mode: a data folder copied into the fresh one before the server
  // starts (a prepared consultation; the original is left untouched).
  std::string seed_data_dir;
  // Extra flags for the spawned server.
  std::vector<std::string> server_args;
  // The workload's clients offer permessage-deflate (ClientOptions::deflate).
  bool deflate = false;
};

class WorkloadOptions;
// Adds the common flags to a workload's options, storing into `o`.
void add_target_options(WorkloadOptions& options, TargetOptions& o);

class ServerTarget {
 public:
  // Spawns (or connects to nothing: --url mode only parses the address).
  // `prepare`, spawn mode only, runs on the fresh data folder's log before
  // the server starts (e.g. to create consultations). Returns nullptr and
  // sets *error if the server does not start.
  static std::unique_ptr<ServerTarget> start(const TargetOptions& o, std::string* error,
                                             const std::function<std::string(storage::Log&)>& prepare = {});
  // Stops a spawned server (SIGTERM, then SIGKILL after 20 s) and removes its folder.
  ~ServerTarget();

  bool spawned() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }
  const std::string& durability() const { return durability_; }
  // --deflate: what the workload's clients put in ClientOptions::deflate.
  bool deflate() const { return deflate_; }
  std::string url() const { return "ws://" + host_ + ":" + std::to_string(port_); }

  // A token for `participant` with `role` in `consultation`; with --url, the
  // given token whatever is asked.
  std::string token(kenes::v1::Role role, const std::string& participant, const std::string& consultation = "demo") const;

  // VmRSS of the spawned server in bytes (0 if not spawned or unreadable).
  uint64_t rss_bytes() const;
  // A gauge from the server's /metrics ("kenes_storage_block_cache_bytes"),
  // read over a fresh HTTP connection; nullopt if it cannot be had.
  std::optional<double> metric(const std::string& name) const;
  // The spawned server's CPU time so far (user + system), 0 if unknown.
  double cpu_seconds() const;
  // Context switches of the spawned server's live threads so far, voluntary
  // (it blocked: futex, epoll) and involuntary (preempted). Threads that
  // exited are not counted. {0, 0} if unknown.
  std::pair<uint64_t, uint64_t> context_switches() const;

  // The spawned server's data folder (its log is in <data_dir>/log); empty
  // with --url. The folder stays until the ServerTarget is destroyed.
  std::string data_dir() const { return dir_.empty() ? std::string() : dir_ + "/data"; }

  // Stops a spawned server gracefully: SIGTERM, then waits up to 20 s.
  // Returns its exit status (0 = a clean shutdown), or -1 if it had to be
  // killed or was not spawned. The data folder is kept for inspection until
  // destruction.
  int stop();

 private:
  ServerTarget() = default;
  std::string host_ = "127.0.0.1";
  uint16_t port_ = 0;
  std::string durability_;
  pid_t pid_ = 0;
  std::string dir_;
  bool keep_log_ = false;
  bool deflate_ = false;
  std::string given_token_;
  std::unique_ptr<server::TokenSigner> signer_;
};

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit.
uint64_t raise_fd_limit();

// N io_contexts with one thread each, for KenesClients (each client lives on
// one of them). Destruction stops the threads.
class ClientThreads {
 public:
  explicit ClientThreads(int threads);
  ~ClientThreads();
  int size() const { return static_cast<int>(ios_.size()); }
  boost::asio::io_context& io(int i) { return *ios_[i % ios_.size()]; }
  // Runs fn on thread i and waits for it.
  void run(int i, const std::function<void()>& fn);
  // Runs fn on every thread in turn (each with its index) and waits.
  void run_all(const std::function<void(int)>& fn);
  void stop();

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> ios_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

// A plain blocking HTTP/1.1 GET (Connection: close), read to the end, with
// an optional bearer token: the status (0 when the request failed) and the
// whole reply, headers included. For samplers and attackers, never on a
// measured client's path.
struct HttpGet {
  int status = 0;
  std::string reply;
};
HttpGet http_get(const std::string& host, uint16_t port, const std::string& target, const std::string& bearer = {});

// Small helpers shared by the workloads.
double median(std::vector<double> v);
double percentile(std::vector<double>& sorted_or_not, double p);  // sorts in place; p in [0, 100]
std::string json_escape(const std::string& s);
bool wait_for(const std::function<bool()>& done, double timeout_seconds, double poll_seconds = 0.005);

// Connects clients 0..n-1 in waves of 100, the next wave once this one is
// live (`connect(i)` starts client i; `live` and `closed` are counted by the
// clients' callbacks), so that a workload measures its own subject, not a
// join storm (the `join` workload's). "" when every client is live, else
// what stopped it.
std::string connect_in_waves(int n, const std::function<void(int)>& connect, const std::atomic<int>& live,
                             const std::atomic<int>& closed);

}  // namespace kenes::bench
