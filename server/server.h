#pragma once

// The running server: the data folder (log + secret key), the rooms rebuilt
// from the log, the listener and the I/O threads. main() is a thin wrapper;
// tests start a Server in-process or the real binary on a loopback port.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kenes/v1/framework.pb.h"
#include "options.h"
#include "server_context.h"
#include "storage/log.h"

namespace kenes::server {

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();

  // Opens the data folder, rebuilds every consultation and starts listening.
  // Returns an error message (empty on success). Prints nothing.
  std::string open();
  // After a failed open(): true when the failure was the listening socket (a
  // port in use, an address not yet up), which a restart may cure; false for
  // the configuration or the data folder, which it will not. main() exits 3
  // and 1 respectively (docs/operations.md, "Exit status").
  bool listen_failed() const { return listen_failed_; }

  // What open() found in the data folder, for the start-up line.
  struct LoadedConsultation {
    std::string id;
    uint64_t head_seq = 0;
    bool verified = true;  // false: served read-only (--allow-corrupt-log)
  };
  const std::vector<LoadedConsultation>& loaded_consultations() const { return loaded_; }
  bool secret_key_created() const { return secret_key_created_; }

  // The port actually bound (useful with --listen host:0).
  uint16_t port() const { return port_; }
  // The --metrics-listen port actually bound; 0 without --metrics-listen.
  uint16_t metrics_port() const { return metrics_port_; }
  std::string base_url() const;
  ServerContext& context() { return ctx_; }
  storage::Log& consultation_log() { return *log_; }

  // Creates an empty consultation (its first record) and its room while the
  // server runs. Returns an error message, empty on success. Thread-safe.
  std::string create_consultation(const std::string& id, const std::string& title,
                                  const kenes::v1::Framework& framework);

  // Runs the I/O threads until stop() completes. Blocks.
  void run();

  // Re-reads --tls-cert/--tls-key and, if they load (and the key is the
  // certificate's), serves them to connections accepted from now on; open
  // connections keep theirs. On failure the certificate in service stays and
  // the reason is returned and logged (`tls_reload_failed`). Without TLS it
  // only logs that there is nothing to reload. Thread-safe; SIGHUP calls it.
  std::string reload_tls();

  // Graceful: stop accepting, let appends in flight finish, write snapshots,
  // close sockets with 1001. Safe from any thread (and from a signal handler's
  // asio::signal_set callback).
  void stop();

 private:
  void do_accept();
  void do_accept_metrics();
  // Every --storage-retry-seconds: if a room failed on a log write, ask the
  // log to resume; if it does, swap each failed room for one rebuilt from the
  // log and let the old one close its connections (1001: the clients
  // reconnect, resume and resend what was never acknowledged).
  void schedule_storage_check();
  void wait_for_sighup();
  void check_storage();

  ServerContext ctx_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> metrics_acceptor_;  // --metrics-listen
  bool listen_failed_ = false;
  std::unique_ptr<storage::Log> log_;
  uint16_t port_ = 0;
  uint16_t metrics_port_ = 0;
  RoomOptions room_options_;
  std::vector<LoadedConsultation> loaded_;
  bool secret_key_created_ = false;
  std::mutex create_mutex_;
  std::atomic<bool> stop_requested_{false};
  std::unique_ptr<boost::asio::steady_timer> storage_timer_;
  std::unique_ptr<boost::asio::signal_set> hup_signals_;
  // Exports and document history reads (replays of the log) run here, never
  // on a room's strand or an I/O thread. Declared after log_: destroyed
  // (joined) first.
  std::unique_ptr<WorkPool> work_pool_;
  // Snapshot writes, off the rooms' strands (one thread: they are rare).
  std::unique_ptr<boost::asio::thread_pool> snapshot_pool_;
};

}  // namespace kenes::server
