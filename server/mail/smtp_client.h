#pragma once

// A small SMTP client (RFC 5321) on Boost.Asio: one message per connection,
// EHLO (HELO if the server does not know EHLO), MAIL FROM, RCPT TO, DATA
// with dot-stuffing, QUIT. No STARTTLS and no AUTH: relay through a local
// MTA for those (docs/operations.md, "E-mail digest").
//
// Every step has a deadline; a reply outside 2xx/3xx where one is expected
// is an error quoting the server's reply (its first line, at most 200
// bytes), e.g. "RCPT TO: 550 5.1.1 no such user". Errors never carry the
// message's content.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace kenes::server::mail {

struct SmtpServer {
  std::string host;
  uint16_t port = 25;
  // The name this client gives in EHLO.
  std::string helo_name = "localhost";
  // For the connection and for each reply.
  std::chrono::milliseconds step_timeout{30000};
};

struct Envelope {
  std::string from;  // bare addresses (checked by consultation::plausible_email_address)
  std::string to;
};

// Sends `message` (RFC 5322 text with CRLF line ends). `done` runs once, on
// `executor`, with "" when the server accepted the message (250 after the
// data) or the reason it did not. Never blocks the caller.
void send_mail(boost::asio::any_io_executor executor, SmtpServer server, Envelope envelope, std::string message,
               std::function<void(std::string error)> done);

// The DATA payload: CRLF line ends, a '.' doubled at the start of a line,
// and the terminating "\r\n.\r\n".
std::string dot_stuffed(const std::string& message);

}  // namespace kenes::server::mail
