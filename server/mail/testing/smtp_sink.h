#pragma once

// A minimal SMTP server for tests: a real listener on 127.0.0.1 that speaks
// enough RFC 5321 (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) to accept
// mail and keep each message's envelope and data. It can be told to refuse
// recipients, as a real server refuses an unknown mailbox. One connection at
// a time, on its own thread; not for production.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace kenes::server::mail::testing {

struct ReceivedMail {
  std::string helo;
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data;  // as sent after DATA, dot-stuffing undone, CRLF kept

  // The header's value (first occurrence, unfolded), "" if absent.
  std::string header(const std::string& name) const;
  // The body, base64-decoded when the message says so.
  std::string decoded_body() const;
};

class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  uint16_t port() const { return port_; }
  // "" (default): accept every recipient. Otherwise the full reply line for
  // every RCPT TO, e.g. "550 5.1.1 mailbox unavailable".
  void refuse_recipients_with(std::string reply);
  std::vector<ReceivedMail> mails() const;
  // Transactions that reached RCPT TO, accepted or not.
  size_t attempts() const;
  // Waits until at least `n` mails were accepted.
  bool wait_for_mails(size_t n, std::chrono::milliseconds timeout) const;
  bool wait_for_attempts(size_t n, std::chrono::milliseconds timeout) const;

 private:
  void serve();
  void converse(boost::asio::ip::tcp::socket& socket);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> current_fd_{-1};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<ReceivedMail> mails_;
  size_t attempts_ = 0;
  std::string refusal_;
  std::thread thread_;
};

// Base64 (RFC 4648), ignoring line breaks.
std::string base64_decode(const std::string& text);

}  // namespace kenes::server::mail::testing
