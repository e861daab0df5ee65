#include "mail/testing/smtp_sink.h"

#include <openssl/evp.h>
#include <sys/socket.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <cctype>

namespace kenes::server::mail::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "<a@b>" from "MAIL FROM:<a@b> SIZE=1".
std::string angle_address(const std::string& line) {
  auto open = line.find('<');
  auto close = line.find('>', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return line.substr(open + 1, close - open - 1);
}

}  // namespace

std::string base64_decode(const std::string& text) {
  std::string clean;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=') clean += c;
  }
  if (clean.size() % 4 != 0) return {};
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return {};
  size_t pad = 0;
  if (!clean.empty() && clean.back() == '=') ++pad;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string ReceivedMail::header(const std::string& name) const {
  const std::string want = upper(name) + ":";
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;  // the blank line ends the headers
    std::string line = data.substr(pos, end - pos);
    pos = end + 2;
    if (upper(line.substr(0, want.size())) != want) continue;
    std::string value = line.substr(want.size());
    // Folded continuation lines start with a space or tab.
    while (pos < data.size() && (data[pos] == ' ' || data[pos] == '\t')) {
      size_t e = data.find("\r\n", pos);
      if (e == std::string::npos) e = data.size();
      value += data.substr(pos, e - pos);
      pos = e + 2;
    }
    size_t first = value.find_first_not_of(' ');
    return first == std::string::npos ? std::string() : value.substr(first);
  }
  return {};
}

std::string ReceivedMail::decoded_body() const {
  size_t split = data.find("\r\n\r\n");
  std::string body = split == std::string::npos ? std::string() : data.substr(split + 4);
  if (upper(header("Content-Transfer-Encoding")) == "BASE64") return base64_decode(body);
  return body;
}

SmtpSink::SmtpSink() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] { serve(); });
}

SmtpSink::~SmtpSink() {
  stopping_ = true;
  boost::system::error_code ignored;
  // Wakes a blocked accept(); a conversation blocked in recv() is woken by
  // shutting its socket down.
  ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
  int fd = current_fd_.load();
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  thread_.join();
  acceptor_.close(ignored);
}

void SmtpSink::refuse_recipients_with(std::string reply) {
  std::lock_guard lock(mutex_);
  refusal_ = std::move(reply);
}

std::vector<ReceivedMail> SmtpSink::mails() const {
  std::lock_guard lock(mutex_);
  return mails_;
}

size_t SmtpSink::attempts() const {
  std::lock_guard lock(mutex_);
  return attempts_;
}

bool SmtpSink::wait_for_mails(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return mails_.size() >= n; });
}

bool SmtpSink::wait_for_attempts(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return attempts_ >= n; });
}

void SmtpSink::serve() {
  while (!stopping_) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    if (ec || stopping_) return;
    current_fd_ = socket.native_handle();
    try {
      converse(socket);
    } catch (const std::exception&) {
      // The client went away mid-dialog: nothing to keep.
    }
    current_fd_ = -1;
  }
}

void SmtpSink::converse(tcp::socket& socket) {
  std::string buffer;
  auto send = [&](const std::string& line) { asio::write(socket, asio::buffer(line + "\r\n")); };
  auto read_line = [&]() {
    size_t n = asio::read_until(socket, asio::dynamic_buffer(buffer), "\r\n");
    std::string line = buffer.substr(0, n - 2);
    buffer.erase(0, n);
    return line;
  };
  send("220 sink.test ESMTP test sink");
  ReceivedMail mail;
  bool rcpt_ok = false;
  for (;;) {
    const std::string line = read_line();
    const std::string verb = upper(line.substr(0, 4));
    if (verb == "EHLO") {
      mail.helo = line.substr(std::min<size_t>(5, line.size()));
      send("250-sink.test greets you");
      send("250-8BITMIME");
      send("250 SIZE 10485760");
    } else if (verb == "HELO") {
      mail.helo = line.substr(std::min<size_t>(5, line.size()));
      send("250 sink.test");
    } else if (verb == "MAIL") {
      mail.mail_from = angle_address(line);
      mail.rcpt_to.clear();
      rcpt_ok = false;
      send("250 2.1.0 ok");
    } else if (verb == "RCPT") {
      std::string refusal;
      {
        std::lock_guard lock(mutex_);
        ++attempts_;
        refusal = refusal_;
      }
      changed_.notify_all();
      if (!refusal.empty()) {
        send(refusal);
      } else {
        mail.rcpt_to.push_back(angle_address(line));
        rcpt_ok = true;
        send("250 2.1.5 ok");
      }
    } else if (verb == "DATA") {
      if (!rcpt_ok) {
        send("554 5.5.1 no valid recipients");
        continue;
      }
      send("354 end with <CRLF>.<CRLF>");
      std::string data;
      for (;;) {
        std::string l = read_line();
        if (l == ".") break;
        if (!l.empty() && l[0] == '.') l.erase(0, 1);  // undo dot-stuffing
        data += l + "\r\n";
      }
      mail.data = std::move(data);
      {
        std::lock_guard lock(mutex_);
        mails_.push_back(mail);
      }
      changed_.notify_all();
      send("250 2.0.0 queued");
    } else if (verb == "RSET") {
      mail.rcpt_to.clear();
      rcpt_ok = false;
      send("250 ok");
    } else if (verb == "NOOP") {
      send("250 ok");
    } else if (verb == "QUIT") {
      send("221 bye");
      return;
    } else {
      send("500 5.5.2 unknown command");
    }
  }
}

}  // namespace kenes::server::mail::testing
