#include "server.h"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <ctime>
#include <filesystem>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "replay/demo.h"
#include "http_routes.h"
#include "http_session.h"
#include "logger.h"
#include "metrics.h"
#include "metrics_port.h"
#include "replay/recovery.h"
#include "auth/secret_key.h"
#include "storage/rocks_log.h"

namespace kenes::server {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

// The most recent OpenSSL error as text ("no such file", "key values
// mismatch"), for a start-up message an operator can act on.
std::string openssl_error() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

// A server context for --tls-cert/--tls-key: TLS 1.2 or newer, OpenSSL's
// default cipher list (it tracks what is considered safe), and the key checked
// against the certificate now rather than at the first handshake.
std::string make_tls_context(const ServerOptions& o, std::shared_ptr<asio::ssl::context>& out) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, o.tls_cert.c_str()) != 1) {
    return "cannot load --tls-cert " + o.tls_cert + ": " + openssl_error();
  }
  if (SSL_CTX_use_PrivateKey_file(native, o.tls_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL compares the key with the certificate while loading it.
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      return "--tls-key " + o.tls_key + " does not belong to --tls-cert " + o.tls_cert + ": " + openssl_error();
    }
    return "cannot load --tls-key " + o.tls_key + ": " + openssl_error();
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return "--tls-key " + o.tls_key + " does not belong to --tls-cert " + o.tls_cert + ": " + openssl_error();
  }
  out = std::move(ctx);
  return {};
}

// "CN=kenes.example.org" and "2027-02-28T12:00:00Z" for the log line of a
// reload, so that an operator sees which certificate is now served.
struct CertificateSummary {
  std::string subject;
  std::string not_after;
};
CertificateSummary describe_certificate(asio::ssl::context& ctx) {
  CertificateSummary out;
  X509* cert = SSL_CTX_get0_certificate(ctx.native_handle());
  if (cert == nullptr) return out;
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      if (n > 0) out.subject.assign(data, static_cast<size_t>(n));
    }
    BIO_free(bio);
  }
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) {
    char buf[32];
    if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0) out.not_after = buf;
  }
  return out;
}

}  // namespace

Server::Server(ServerOptions options) : io_(options.threads) { ctx_.options = std::move(options); }

Server::~Server() = default;

std::string Server::base_url() const {
  if (!ctx_.options.public_url.empty()) return ctx_.options.public_url;
  std::string error;
  const std::optional<ListenAddress> where = parse_listen(ctx_.options.listen, &error);
  std::string host = where ? where->host : std::string();
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  return std::string(ctx_.tls ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

std::string Server::open() {
  route_protobuf_logs();
  const auto& o = ctx_.options;
  ctx_.participant_limits = std::make_unique<ParticipantLimits>(ParticipantLimitSettings{
      o.max_connections_per_participant, o.rate_limit_messages_per_second, o.rate_limit_burst,
      o.rate_limit_bytes_per_second, o.rate_limit_bytes_burst, o.admissions_per_second, o.admission_burst});
  ctx_.unauthenticated = std::make_unique<UnauthenticatedLimit>(
      UnauthenticatedLimit::Settings{o.max_unauthenticated_per_address, o.count_loopback_unauthenticated});
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (ec) return "cannot create data folder " + o.data_dir + ": " + ec.message();
  fs::permissions(o.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);

  std::string origins_error = parse_allowed_origins(o.allowed_origins, ctx_.origins.allowed);
  if (!origins_error.empty()) return origins_error;
  ctx_.origins.public_origin = origin_of_url(o.public_url);

  // TLS first: a wrong path should fail fast, before the log is opened.
  if (!o.tls_cert.empty()) {
    std::shared_ptr<asio::ssl::context> tls;
    std::string err = make_tls_context(o, tls);
    if (!err.empty()) return err;
    ctx_.tls.set(std::move(tls));
  }
  // SIGHUP reloads the certificate. Handled from here on, not only once run()
  // starts: its default action ends the process, and replaying a large log
  // can take a while, during which `systemctl reload` must not kill the
  // server. A signal that arrives before run() waits in the set.
  hup_signals_ = std::make_unique<asio::signal_set>(io_, SIGHUP);
  wait_for_sighup();

  auto key = load_or_create_secret_key((fs::path(o.data_dir) / "secret.key").string());
  if (!key.error.empty()) return key.error;
  secret_key_created_ = key.created;
  ctx_.signer = std::make_unique<TokenSigner>(key.key);

  ctx_.web_root = fs::weakly_canonical(o.web_root, ec);
  if (ec) ctx_.web_root = o.web_root;
  if (!fs::exists(ctx_.web_root / "index.html")) {
    log(LogLevel::kWarn, "web_app_missing",
        {{"web_root", ctx_.web_root.string()}, {"hint", "build it with: make web (or make run)"}});
  }

  auto durability = storage::parse_durability(o.durability);
  if (!durability) return "unknown durability " + o.durability;
  storage::RocksLogOptions log_options;
  log_options.durability = *durability;
  log_options.min_free_bytes = o.min_free_disk_mb << 20;
  auto opened = storage::RocksLog::open((fs::path(o.data_dir) / "log").string(), log_options);
  if (!opened.ok()) return opened.status().message();
  log_ = std::move(opened.value());
  ctx_.log = log_.get();

  if (o.demo) {
    std::string err = replay::create_demo_consultation(*log_);
    if (!err.empty()) return "cannot create the demo consultation: " + err;
  }

  auto consultations = log_->consultations();
  if (!consultations.ok()) return consultations.status().message();
  room_options_.signer = ctx_.signer.get();
  room_options_.snapshot_every_records = o.snapshot_every_records;
  room_options_.catch_up_max_records = o.catch_up_max_records;
  room_options_.join_state_max_age = std::chrono::milliseconds(o.join_state_max_age_ms);
  room_options_.assessment_segment_bytes = o.assessment_segment_bytes;
  room_options_.max_message_bytes = o.max_message_bytes;
  room_options_.records_per_second = o.rate_limit_records_per_second;
  room_options_.record_burst = o.rate_limit_records_burst;
  // One thread for exports and history: each is a replay on one core, and
  // the cores belong to the I/O threads first; jobs queue rather than
  // compete, and past 64 waiting the next is refused as busy (issue 17).
  work_pool_ = std::make_unique<WorkPool>(1, 64);
  ctx_.work_pool = work_pool_.get();
  room_options_.run_history = [pool = work_pool_.get()](std::function<void()> work) {
    return pool->try_post(std::move(work));
  };
  snapshot_pool_ = std::make_unique<boost::asio::thread_pool>(1);
  room_options_.run_snapshot_write = [pool = snapshot_pool_.get()](std::function<void()> work) {
    boost::asio::post(*pool, std::move(work));
  };
  // A catch-up batch must never fill a connection's queue by itself.
  room_options_.catch_up_batch_bytes = std::min<size_t>(256 << 10, o.max_outbound_queue_bytes / 4);
  room_options_.digest.smtp_host = o.smtp_host;
  room_options_.digest.smtp_port = o.smtp_port;
  room_options_.digest.from_address = o.smtp_from;
  room_options_.digest.check_interval = std::chrono::seconds(o.digest_check_seconds);
  room_options_.digest.period_scale = o.digest_period_scale;
  for (const auto& id : consultations.value()) {
    auto started = std::chrono::steady_clock::now();
    replay::Recovered r = replay::recover_consultation(*log_, id);
    if (!r.error.empty()) {
      if (!o.allow_corrupt_log) {
        return "consultation " + id + ": " + r.error +
               ". Refusing to start on a log that does not verify; inspect with `kenes-admin verify`, "
               "or start with --allow-corrupt-log to serve the records before the break.";
      }
      log(LogLevel::kError, "consultation_log_corrupt_serving_prefix", {{"consultation", id}, {"error", r.error}});
      // Serve the verified prefix read-only: the room refuses appends.
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log(LogLevel::kInfo, "consultation_loaded",
        {{"consultation", id},
         {"seq", r.head.seq},
         {"replayed", r.replayed_records},
         {"from_snapshot", r.used_snapshot},
         {"seconds", seconds}});
    bool corrupt = !r.error.empty();
    loaded_.push_back({id, r.head.seq, !corrupt});
    auto room = std::make_shared<Room>(io_, *log_, std::move(r.state), r.head, room_options_);
    if (corrupt) room->mark_read_only("the log does not verify past seq " + std::to_string(r.head.seq));
    ctx_.rooms.add(room);
    metrics().rooms.fetch_add(1, std::memory_order_relaxed);
  }

  // Binds `acceptor` to `text` (a --listen-style address given as `flag`).
  auto listen_on = [this](std::unique_ptr<asio::ip::tcp::acceptor>& acceptor, const std::string& text,
                          const char* flag) -> std::string {
    std::string error;
    const std::optional<ListenAddress> where = parse_listen(text, &error, flag);
    if (!where) return error;
    boost::system::error_code bec;
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address(where->address, bec), where->port);
    if (bec) return std::string(flag) + ": bad address " + where->host;
    acceptor = std::make_unique<asio::ip::tcp::acceptor>(asio::make_strand(io_));
    acceptor->open(endpoint.protocol(), bec);
    if (!bec) acceptor->set_option(asio::socket_base::reuse_address(true), bec);
    if (!bec) acceptor->bind(endpoint, bec);
    if (!bec) acceptor->listen(asio::socket_base::max_listen_connections, bec);
    if (bec) {
      listen_failed_ = true;
      const std::string which = std::string(flag) == "--listen" ? "" : std::string(flag) + ": ";
      return which + "cannot listen on " + text + ": " + bec.message();
    }
    return {};
  };
  if (std::string err = listen_on(acceptor_, o.listen, "--listen"); !err.empty()) return err;
  if (!o.metrics_listen.empty()) {
    if (std::string err = listen_on(metrics_acceptor_, o.metrics_listen, "--metrics-listen"); !err.empty()) return err;
    metrics_port_ = metrics_acceptor_->local_endpoint().port();
  }
  port_ = acceptor_->local_endpoint().port();
  // Digest links need the bound port (--listen host:0) unless --public-url.
  room_options_.digest.public_url = base_url();
  for (auto& room : ctx_.rooms.all()) room->start_digests(room_options_.digest.public_url);
  ctx_.ready = true;
  do_accept();
  if (metrics_acceptor_) do_accept_metrics();
  storage_timer_ = std::make_unique<asio::steady_timer>(asio::make_strand(io_));
  schedule_storage_check();
  return {};
}

void Server::schedule_storage_check() {
  if (ctx_.options.storage_retry_seconds == 0 || stop_requested_) return;
  storage_timer_->expires_after(std::chrono::seconds(ctx_.options.storage_retry_seconds));
  storage_timer_->async_wait([this](boost::system::error_code ec) {
    if (ec || stop_requested_) return;
    check_storage();
    schedule_storage_check();
  });
}

void Server::check_storage() {
  std::vector<std::shared_ptr<Room>> failed;
  for (auto& room : ctx_.rooms.all()) {
    if (room->storage_failed()) failed.push_back(room);
  }
  if (failed.empty()) return;
  // Blocks this I/O thread until the writes already queued are refused: a
  // moment, and only while the log is failing anyway.
  storage::Status resumed = log_->resume_writes();
  if (!resumed.ok()) {
    log(LogLevel::kWarn, "storage_still_failing", {{"error", resumed.message()}, {"rooms", failed.size()}});
    return;
  }
  std::lock_guard lock(create_mutex_);
  for (auto& old : failed) {
    const std::string id = old->consultation_id();
    replay::Recovered r = replay::recover_consultation(*log_, id);
    if (!r.error.empty()) {
      log(LogLevel::kError, "storage_recovery_failed", {{"consultation", id}, {"error", r.error}});
      continue;
    }
    auto room = std::make_shared<Room>(io_, *log_, std::move(r.state), r.head, room_options_);
    room->start_digests(room_options_.digest.public_url);
    ctx_.rooms.add(room);
    old->shutdown([] {});
    log(LogLevel::kInfo, "storage_recovered", {{"consultation", id}, {"seq", r.head.seq}});
  }
}

std::string Server::create_consultation(const std::string& id, const std::string& title,
                                        const kenes::v1::Framework& framework) {
  std::lock_guard lock(create_mutex_);
  if (ctx_.rooms.find(id)) return "consultation " + id + " already exists";
  std::string err = replay::append_consultation_created(*log_, id, title, framework, "operator");
  if (!err.empty()) return err;
  replay::Recovered r = replay::recover_consultation(*log_, id);
  if (!r.error.empty()) return r.error;
  auto room = std::make_shared<Room>(io_, *log_, std::move(r.state), r.head, room_options_);
  room->start_digests(room_options_.digest.public_url);
  ctx_.rooms.add(room);
  metrics().rooms.fetch_add(1, std::memory_order_relaxed);
  return {};
}

void Server::do_accept() {
  acceptor_->async_accept(asio::make_strand(io_), [this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stop_requested_) return;
      // Out of file descriptors and the like: keep accepting after a breath.
      log(LogLevel::kWarn, "accept_failed", {{"error", ec.message()}});
    } else if (static_cast<uint64_t>(metrics().connections.load()) >= ctx_.options.max_connections) {
      metrics().connections_refused_total.fetch_add(1, std::memory_order_relaxed);
      metrics().count_error(kenes::v1::ERROR_CODE_TOO_MANY_CONNECTIONS);
      // A plain HTTP 503 is understood by browsers and WebSocket clients alike.
      static const std::string kBusy =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\n"
          "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"
          "Content-Security-Policy: " + std::string(kContentSecurityPolicy) +
          "\r\nContent-Length: 38\r\nRetry-After: 5\r\n\r\nTOO_MANY_CONNECTIONS: try again later\n";
      boost::system::error_code ignored;
      asio::write(socket, asio::buffer(kBusy), ignored);
      socket.close(ignored);
    } else {
      boost::system::error_code peer_ec;
      const asio::ip::tcp::endpoint peer = socket.remote_endpoint(peer_ec);
      std::optional<UnauthenticatedLimit::Slot> slot;
      if (peer_ec) {
        // Reset before we looked: nothing to serve.
        socket.close(peer_ec);
      } else if (slot = ctx_.unauthenticated->try_acquire(peer.address()); !slot) {
        // Refused before reading a byte: the answer is one write to a fresh
        // socket's empty buffer, the cost of the refusal is the accept.
        static const std::string kCrowded =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\n"
            "X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"
            "Content-Security-Policy: " + std::string(kContentSecurityPolicy) +
            "\r\nContent-Length: 67\r\nRetry-After: 5\r\n\r\n"
            "TOO_MANY_CONNECTIONS: too many from your address are still opening\n";
        boost::system::error_code ignored;
        asio::write(socket, asio::buffer(kCrowded), ignored);
        socket.close(ignored);
      } else {
        metrics().connections.fetch_add(1, std::memory_order_relaxed);
        metrics().connections_total.fetch_add(1, std::memory_order_relaxed);
        if (ctx_.tls) {
          start_tls_detector(std::move(socket), ctx_, std::move(*slot));
        } else {
          std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), ctx_, boost::beast::flat_buffer{},
                                                     std::move(*slot))
              ->start();
        }
      }
    }
    if (!stop_requested_) do_accept();
  });
}

void Server::do_accept_metrics() {
  metrics_acceptor_->async_accept(asio::make_strand(io_), [this](boost::system::error_code ec,
                                                                 asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stop_requested_) return;
    if (ec) {
      log(LogLevel::kWarn, "accept_failed", {{"error", ec.message()}, {"listener", "metrics"}});
    } else {
      start_metrics_session(std::move(socket), ctx_);
    }
    do_accept_metrics();
  });
}

void Server::wait_for_sighup() {
  hup_signals_->async_wait([this](boost::system::error_code ec, int) {
    if (ec || stop_requested_) return;
    reload_tls();
    wait_for_sighup();
  });
}

std::string Server::reload_tls() {
  const auto& o = ctx_.options;
  if (o.tls_cert.empty()) {
    log(LogLevel::kInfo, "tls_reload_skipped", {{"reason", "SIGHUP: no --tls-cert/--tls-key, nothing to reload"}});
    return {};
  }
  // Built aside and swapped in whole: a failure at any step leaves the
  // certificate in service untouched. The messages name paths and OpenSSL's
  // reason, never file contents.
  std::shared_ptr<asio::ssl::context> fresh;
  std::string err = make_tls_context(o, fresh);
  if (!err.empty()) {
    log(LogLevel::kWarn, "tls_reload_failed", {{"error", err}, {"action", "still serving the previous certificate"}});
    return err;
  }
  CertificateSummary cert = describe_certificate(*fresh);
  ctx_.tls.set(std::move(fresh));
  log(LogLevel::kInfo, "tls_reloaded",
      {{"cert", o.tls_cert}, {"subject", cert.subject}, {"not_after", cert.not_after}});
  return {};
}

void Server::run() {
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](boost::system::error_code ec, int signo) {
    if (ec) return;
    log(LogLevel::kInfo, "shutdown_requested", {{"signal", signo}});
    stop();
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < ctx_.options.threads; ++i) threads.emplace_back([this] { io_.run(); });
  io_.run();
  for (auto& t : threads) t.join();
  log(LogLevel::kInfo, "stopped", {});
}

void Server::stop() {
  if (stop_requested_.exchange(true)) return;
  asio::post(io_, [this] {
    ctx_.stopping = true;
    boost::system::error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
    if (metrics_acceptor_) asio::post(metrics_acceptor_->get_executor(), [this] {
      boost::system::error_code closed;
      metrics_acceptor_->close(closed);
    });
    if (hup_signals_) hup_signals_->cancel(ignored);
    if (storage_timer_) asio::post(storage_timer_->get_executor(), [this] { storage_timer_->cancel(); });
    auto rooms = ctx_.rooms.all();
    auto remaining = std::make_shared<std::atomic<size_t>>(rooms.size());
    auto finish = [this] {
      // Sockets get a moment to send their close frames, then the loop ends.
      auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(300));
      timer->async_wait([this, timer](boost::system::error_code) { io_.stop(); });
    };
    if (rooms.empty()) return finish();
    for (auto& room : rooms) {
      room->shutdown([remaining, finish] {
        if (--*remaining == 0) finish();
      });
    }
  });
}

}  // namespace kenes::server
