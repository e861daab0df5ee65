#include "mail/smtp_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace kenes::server::mail {

namespace asio = boost::asio;
using asio::ip::tcp;

#ifndef KENES_WITHOUT_SMTP_CLIENT
namespace {

class SmtpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Reply {
  int code = 0;
  std::string first_line;
  std::string text;  // every line, for EHLO's extensions
};

// One dialog. A watchdog timer closes the socket when a step overruns, which
// makes the pending read or write fail with operation_aborted.
class Dialog : public std::enable_shared_from_this<Dialog> {
 public:
  Dialog(asio::any_io_executor ex, SmtpServer server, Envelope envelope, std::string message,
         std::function<void(std::string)> done)
      : socket_(ex), timer_(ex), server_(std::move(server)), envelope_(std::move(envelope)),
        message_(std::move(message)), done_(std::move(done)) {}

  // Calls `done` the first time only.
  void report(const std::string& error) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    done(error);
  }

  asio::awaitable<void> run() {
    tcp::resolver resolver(socket_.get_executor());
    arm("connecting to " + server_.host + ":" + std::to_string(server_.port));
    auto endpoints = co_await resolver.async_resolve(server_.host, std::to_string(server_.port), asio::use_awaitable);
    co_await asio::async_connect(socket_, endpoints, asio::use_awaitable);
    expect(co_await read_reply("greeting"), 220, "greeting");
    Reply hello = co_await command("EHLO " + server_.helo_name, "EHLO");
    if (hello.code / 100 != 2) expect(co_await command("HELO " + server_.helo_name, "HELO"), 250, "HELO");
    expect(co_await command("MAIL FROM:<" + envelope_.from + ">", "MAIL FROM"), 250, "MAIL FROM");
    Reply rcpt = co_await command("RCPT TO:<" + envelope_.to + ">", "RCPT TO");
    if (rcpt.code != 250 && rcpt.code != 251) fail("RCPT TO", rcpt);
    expect(co_await command("DATA", "DATA"), 354, "DATA");
    arm("sending the message");
    co_await asio::async_write(socket_, asio::buffer(dot_stuffed(message_)), asio::use_awaitable);
    expect(co_await read_reply("end of data"), 250, "end of data");
    // Accepted: say so now, not after QUIT, so that a slow goodbye cannot
    // delay (or, at a shutdown, lose) the caller's record of it.
    report("");
    // Accepted: the rest is courtesy, and its failure changes nothing.
    try {
      co_await command("QUIT", "QUIT");
    } catch (const std::exception&) {
    }
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  // After an error: no timer left holding the dialog, no socket left open
  // (a server serving one client at a time would wait on it).
  void close() {
    timer_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  const std::string& step() const { return step_; }
  bool timed_out() const { return timed_out_; }

 private:
  void arm(std::string step) {
    step_ = std::move(step);
    timer_.expires_after(server_.step_timeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return;
      self->timed_out_ = true;
      boost::system::error_code ignored;
      self->socket_.close(ignored);
    });
  }

  asio::awaitable<Reply> command(const std::string& line, const std::string& step) {
    arm(step);
    std::string out = line + "\r\n";
    co_await asio::async_write(socket_, asio::buffer(out), asio::use_awaitable);
    co_return co_await read_reply(step);
  }

  // A reply is one or more lines "NNN-text", the last "NNN text".
  asio::awaitable<Reply> read_reply(const std::string& step) {
    arm(step);
    Reply r;
    for (int lines = 0; lines < 100; ++lines) {
      std::size_t n = co_await asio::async_read_until(socket_, asio::dynamic_buffer(buffer_, 64 << 10), "\r\n",
                                                      asio::use_awaitable);
      std::string line = buffer_.substr(0, n - 2);
      buffer_.erase(0, n);
      if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
          !std::isdigit(static_cast<unsigned char>(line[1])) || !std::isdigit(static_cast<unsigned char>(line[2]))) {
        throw SmtpError(step + ": not an SMTP reply: " + line.substr(0, 200));
      }
      if (r.first_line.empty()) r.first_line = line.substr(0, 200);
      r.code = std::stoi(line.substr(0, 3));
      r.text += line + "\n";
      if (line.size() == 3 || line[3] == ' ') co_return r;
    }
    throw SmtpError(step + ": a reply of more than 100 lines");
  }

  static void fail(const std::string& step, const Reply& r) { throw SmtpError(step + ": " + r.first_line); }
  static void expect(const Reply& r, int code, const std::string& step) {
    if (r.code != code) fail(step, r);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  SmtpServer server_;
  Envelope envelope_;
  std::string message_;
  std::function<void(std::string)> done_;
  std::string buffer_;
  std::string step_;
  bool timed_out_ = false;
};

}  // namespace
#endif  // KENES_WITHOUT_SMTP_CLIENT

std::string dot_stuffed(const std::string& message) {
  std::string out;
  out.reserve(message.size() + message.size() / 40 + 8);
  bool line_start = true;
  for (size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (c == '\r') continue;  // re-added before every '\n'
    if (line_start && c == '.') out += '.';
    if (c == '\n') {
      out += "\r\n";
      line_start = true;
      continue;
    }
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

#ifndef KENES_WITHOUT_SMTP_CLIENT
void send_mail(asio::any_io_executor executor, SmtpServer server, Envelope envelope, std::string message,
               std::function<void(std::string error)> done) {
  auto dialog = std::make_shared<Dialog>(executor, std::move(server), std::move(envelope), std::move(message),
                                         std::move(done));
  asio::co_spawn(executor, dialog->run(), [dialog](std::exception_ptr e) {
    dialog->close();
    if (!e) return dialog->report("");
    try {
      std::rethrow_exception(e);
    } catch (const SmtpError& err) {
      dialog->report(err.what());
    } catch (const boost::system::system_error& err) {
      dialog->report(dialog->step() + ": " + (dialog->timed_out() ? "no answer in time" : err.code().message()));
    } catch (const std::exception& err) {
      dialog->report(err.what());
    }
  });
}
#else
// The fuzz build (clang 14) cannot assemble the coroutines above (see
// server/CMakeLists.txt); its targets never send mail, and a server built
// that way says why instead of pretending to have sent one.
void send_mail(asio::any_io_executor executor, SmtpServer, Envelope, std::string,
               std::function<void(std::string error)> done) {
  asio::post(executor, [done = std::move(done)] { done("this build has no SMTP client (built with clang 14)"); });
}
#endif  // KENES_WITHOUT_SMTP_CLIENT

}  // namespace kenes::server::mail
