// The SMTP client against a real SMTP listener on loopback (the test sink in
// mail/testing), and the message format it sends.

#include "mail/smtp_client.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <future>

#include "mail/mail_message.h"
#include "mail/testing/smtp_sink.h"

namespace kenes::server::mail {
namespace {

using testing::SmtpSink;

// Runs one send_mail to completion on a fresh io_context; the error or "".
std::string send(uint16_t port, const std::string& message, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  boost::asio::io_context io;
  std::string result = "not finished";
  send_mail(io.get_executor(), SmtpServer{"127.0.0.1", port, "client.test", timeout},
            Envelope{"kenes@example.org", "aigerim@example.kz"}, message, [&](std::string error) { result = error; });
  io.run();
  return result;
}

MailMessage sample() {
  MailMessage m;
  m.from_address = "kenes@example.org";
  m.from_name = "Kenes";
  m.to_address = "aigerim@example.kz";
  m.subject = "[Kenes] Қазақстан: 2 жаңа пікір";
  m.body = "Сәлем, Әйгерім!\n.a line that starts with a dot\n.\nend";
  m.date_unix_ms = 1796000000000;
  return m;
}

TEST(SmtpClientTest, DeliversAUtf8MessageWithEnvelopeHeadersAndDotsIntact) {
  SmtpSink sink;
  ASSERT_EQ(send(sink.port(), render_message(sample())), "");
  auto mails = sink.mails();
  ASSERT_EQ(mails.size(), 1u);
  const auto& got = mails[0];
  EXPECT_EQ(got.helo, "client.test");
  EXPECT_EQ(got.mail_from, "kenes@example.org");
  EXPECT_EQ(got.rcpt_to, (std::vector<std::string>{"aigerim@example.kz"}));
  EXPECT_EQ(got.header("To"), "<aigerim@example.kz>");
  EXPECT_EQ(got.header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(got.header("MIME-Version"), "1.0");
  EXPECT_FALSE(got.header("Message-ID").empty());
  EXPECT_EQ(got.header("Date"), rfc5322_date(sample().date_unix_ms));
  // The subject is encoded-words whose text decodes back to the UTF-8.
  const std::string subject = got.header("Subject");
  ASSERT_EQ(subject.rfind("=?UTF-8?B?", 0), 0u) << subject;
  std::string decoded;
  for (size_t pos = 0; (pos = subject.find("=?UTF-8?B?", pos)) != std::string::npos;) {
    size_t end = subject.find("?=", pos + 10);
    decoded += testing::base64_decode(subject.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  EXPECT_EQ(decoded, sample().subject);
  EXPECT_EQ(got.decoded_body(), "Сәлем, Әйгерім!\r\n.a line that starts with a dot\r\n.\r\nend");
}

TEST(SmtpClientTest, DotStuffingDoublesLeadingDotsAndEndsTheData) {
  EXPECT_EQ(dot_stuffed("a\r\n.b\r\n.\r\n"), "a\r\n..b\r\n..\r\n.\r\n");
  EXPECT_EQ(dot_stuffed(".x\ny"), "..x\r\ny\r\n.\r\n");
  EXPECT_EQ(dot_stuffed(""), ".\r\n");
}

TEST(SmtpClientTest, ARefusedRecipientIsAnErrorQuotingTheServer) {
  SmtpSink sink;
  sink.refuse_recipients_with("550 5.1.1 mailbox unavailable");
  EXPECT_EQ(send(sink.port(), render_message(sample())), "RCPT TO: 550 5.1.1 mailbox unavailable");
  EXPECT_TRUE(sink.mails().empty());
  EXPECT_EQ(sink.attempts(), 1u);
}

TEST(SmtpClientTest, NoServerIsAClearError) {
  uint16_t port;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  const std::string error = send(port, render_message(sample()));
  EXPECT_NE(error.find("connecting to 127.0.0.1:" + std::to_string(port)), std::string::npos) << error;
  EXPECT_NE(error.find("refused"), std::string::npos) << error;
}

TEST(SmtpClientTest, AServerThatNeverAnswersTimesOut) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  // The kernel completes the handshake; nobody ever writes the greeting.
  const auto started = std::chrono::steady_clock::now();
  const std::string error = send(silent.local_endpoint().port(), "x", std::chrono::milliseconds(300));
  EXPECT_EQ(error, "greeting: no answer in time");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(MailMessageTest, HeadersArePlainAsciiWhateverTheText) {
  const std::string text = render_message(sample());
  const std::string headers = text.substr(0, text.find("\r\n\r\n"));
  for (unsigned char c : headers) EXPECT_LT(c, 0x80);
  for (size_t pos = 0, end; (end = text.find("\r\n", pos)) != std::string::npos; pos = end + 2) {
    EXPECT_LE(end - pos, 78u) << text.substr(pos, end - pos);
  }
}

}  // namespace
}  // namespace kenes::server::mail
