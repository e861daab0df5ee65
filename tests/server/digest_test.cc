// The e-mail digest end to end: the real kenes-server binary mails digests
// through a real SMTP listener on loopback (the test sink speaks SMTP; no
// mailer is mocked), and the log says what went out.
//
// Thread records are written into the log while the server is stopped: on
// this branch the server does not yet take CreateThread / AddComment (the
// threads work does), and the digest only reads the records, however they
// got there. Each such step is also a restart, which the digest must survive
// without mailing anything twice.

#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "mail/testing/smtp_sink.h"
#include "raw_socket.h"
#include "storage/rocks_log.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

namespace fs = std::filesystem;
using kenes::v1::ClientMessage;
using kenes::v1::LogRecord;
using kenes::v1::ServerMessage;
using server::mail::testing::ReceivedMail;
using server::mail::testing::SmtpSink;

// A daily digest lasts this long in the test (--digest-period-scale).
constexpr double kDaySeconds = 10.0;

class DigestServer {
 public:
  explicit DigestServer(uint16_t smtp_port) : port_(free_loopback_port()) {
    fs::create_directories(dir_.path() / "web");
    std::ofstream(dir_.path() / "web" / "index.html") << "<!doctype html><title>Kenes</title>";
    args_ = {"--demo", "--listen", "127.0.0.1:" + std::to_string(port_), "--data-dir", data().string(), "--web-root",
             (dir_.path() / "web").string(), "--durability", "wal", "--smtp-host", "127.0.0.1", "--smtp-port",
             std::to_string(smtp_port), "--smtp-from", "kenes@consultation.example", "--digest-check-seconds", "1",
             "--digest-period-scale", std::to_string(kDaySeconds / 86400.0)};
  }
  void start() {
    process_ = std::make_unique<ServerProcess>(KENES_SERVER_BINARY, args_, dir_.path() / "server.log");
    std::string why;
    ASSERT_TRUE(process_->start_and_wait_ready(port_, &why)) << why;
  }
  void stop() {
    process_->signal(SIGTERM);
    auto status = process_->wait_exit(std::chrono::seconds(20));
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << process_->log_tail();
    process_.reset();
  }
  // Appends records to the stopped server's log, as if they had been written
  // by it at this moment.
  void append(std::vector<LogRecord> records) {
    auto log = storage::RocksLog::open((data() / "log").string(), {});
    ASSERT_TRUE(log.ok()) << log.status().message();
    for (auto& r : records) {
      r.set_time_unix_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
      std::vector<storage::Entry> entries(1);
      entries[0].payload = r.SerializeAsString();
      auto appended = log.value()->append("demo", std::move(entries));
      ASSERT_TRUE(appended.ok()) << appended.status().message();
    }
  }
  // Every record of the stopped server's log.
  std::vector<LogRecord> records() {
    std::vector<LogRecord> out;
    auto log = storage::RocksLog::open((data() / "log").string(), {});
    EXPECT_TRUE(log.ok());
    if (!log.ok()) return out;
    auto read = log.value()->read("demo", 1, 1000000);
    EXPECT_TRUE(read.ok());
    for (const auto& s : read.value()) {
      out.emplace_back();
      out.back().ParseFromString(s.payload);
      out.back().set_seq(s.seq);
    }
    return out;
  }
  std::string token(const std::string& participant) const {
    return token_for_data_dir(data(), kenes::v1::ROLE_MEMBER, participant);
  }
  uint16_t port() const { return port_; }
  std::string server_log() const {
    std::ifstream in(dir_.path() / "server.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  fs::path data() const { return dir_.path() / "data"; }
  TempDir dir_;
  uint16_t port_;
  std::vector<std::string> args_;
  std::unique_ptr<ServerProcess> process_;
};

// A participant's connection: join, then requests answered by Ack or Error.
class Participant {
 public:
  Participant(uint16_t port, const std::string& token, const std::string& id) : socket_(port) {
    socket_.join(token, id + "-client");
  }
  ServerMessage request(ClientMessage m) {
    m.set_request_id(++request_id_);
    socket_.send(m);
    for (;;) {
      auto reply = socket_.next();
      if (!reply) return {};
      seen_ += reply->SerializeAsString();
      if ((reply->has_ack() || reply->has_error()) && reply->request_id() == request_id_) return *reply;
    }
  }
  // Waits for a DigestSent record to arrive live (only its participant gets it).
  bool wait_for_digest_sent() {
    for (;;) {
      auto m = socket_.next();
      if (!m) return false;
      seen_ += m->SerializeAsString();
      for (const auto& r : m->broadcast().records()) {
        if (r.has_digest_sent()) return true;
      }
    }
  }
  // Everything received so far, serialized: for "never saw X" checks.
  const std::string& seen() const { return seen_; }
  // UpdateProfile has no Ack: done when one's own ProfileUpdated comes back.
  bool set_name(const std::string& name) {
    ClientMessage m;
    m.set_request_id(++request_id_);
    m.mutable_update_profile()->set_display_name(name);
    socket_.send(m);
    for (;;) {
      auto reply = socket_.next();
      if (!reply) return false;
      seen_ += reply->SerializeAsString();
      for (const auto& r : reply->broadcast().records()) {
        if (r.has_profile_updated() && r.profile_updated().display_name() == name) return true;
      }
    }
  }
  ServerMessage set_digest(const std::string& email, kenes::v1::DigestPeriod period) {
    ClientMessage m;
    m.mutable_set_notification_settings()->set_email(email);
    m.mutable_set_notification_settings()->set_period(period);
    return request(m);
  }

 private:
  RawSocket socket_;
  uint64_t request_id_ = 100;
  std::string seen_;
};

LogRecord thread(const std::string& author, const std::string& id, const std::string& indicator,
                 const std::string& body, std::vector<std::string> mentions = {}) {
  LogRecord r;
  r.set_author(author);
  auto* t = r.mutable_thread_created();
  t->set_thread_id(id);
  t->set_first_comment_id("first-of-" + id);
  t->mutable_target()->set_indicator_id(indicator);
  t->set_body(body);
  for (auto& m : mentions) t->add_mentions(m);
  return r;
}

LogRecord reply(const std::string& author, const std::string& thread_id, const std::string& comment_id,
                const std::string& body) {
  LogRecord r;
  r.set_author(author);
  auto* c = r.mutable_comment_added();
  c->set_thread_id(thread_id);
  c->set_comment_id(comment_id);
  c->set_body(body);
  return r;
}

std::vector<LogRecord> digests_sent(const std::vector<LogRecord>& records) {
  std::vector<LogRecord> out;
  for (const auto& r : records) {
    if (r.has_digest_sent()) out.push_back(r);
  }
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(DigestTest, MailsMentionsAndRepliesOncePerPeriodAcrossRestartsAndStopsWhenOff) {
  SmtpSink sink;
  DigestServer server(sink.port());
  ASSERT_NO_FATAL_FAILURE(server.start());
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  {
    Participant aigerim(server.port(), server.token("aigerim"), "aigerim");
    Participant bolat(server.port(), server.token("bolat"), "bolat");
    ASSERT_TRUE(aigerim.set_name("Әйгерім Нұрланқызы"));
    ASSERT_TRUE(bolat.set_name("Болат Сәрсенов"));
    // A bad address is refused with a reason, and nothing is logged.
    auto bad = aigerim.set_digest("aigerim@example.kz\r\nRCPT TO:<x@evil.example>", kenes::v1::DIGEST_PERIOD_DAILY);
    ASSERT_TRUE(bad.has_error());
    EXPECT_EQ(bad.error().code(), kenes::v1::ERROR_CODE_INVALID_ARGUMENT);
    ASSERT_TRUE(aigerim.set_digest("aigerim@example.kz", kenes::v1::DIGEST_PERIOD_DAILY).has_ack());
    ASSERT_TRUE(bolat.set_digest("bolat@example.kz", kenes::v1::DIGEST_PERIOD_DAILY).has_ack());
  }
  ASSERT_NO_FATAL_FAILURE(server.stop());

  // Aigerim asks; Bolat replies in her thread and mentions her in his own.
  ASSERT_NO_FATAL_FAILURE(server.append({thread("aigerim", "thread-1", "R.1", "Дереккөз қайда?"),
                                         reply("bolat", "thread-1", "comment-2", "Келісемін, дереккөз — ҰСБ."),
                                         thread("bolat", "thread-2", "R.2", "Әйгерім, қараңызшы", {"aigerim"})}));
  ASSERT_NO_FATAL_FAILURE(server.start());
  ASSERT_TRUE(sink.wait_for_mails(1, std::chrono::seconds(10))) << server.server_log();
  const auto t_first = std::chrono::steady_clock::now();
  ReceivedMail first = sink.mails()[0];
  EXPECT_EQ(first.rcpt_to, (std::vector<std::string>{"aigerim@example.kz"}));
  EXPECT_EQ(first.mail_from, "kenes@consultation.example");
  const std::string body = first.decoded_body();
  EXPECT_TRUE(contains(body, "Болат Сәрсенов replied")) << body;
  EXPECT_TRUE(contains(body, "Келісемін, дереккөз — ҰСБ.")) << body;
  EXPECT_TRUE(contains(body, "Болат Сәрсенов mentioned you")) << body;
  EXPECT_TRUE(contains(body, base + "/c/demo/i/R.1#thread-1")) << body;
  EXPECT_TRUE(contains(body, base + "/c/demo/i/R.2#thread-2")) << body;
  EXPECT_FALSE(contains(body, "bolat@example.kz")) << "another participant's address in the mail";
  EXPECT_FALSE(contains(first.data, "bolat@example.kz"));
  // The links lead to the app (the server serves it for every such path).
  EXPECT_EQ(http_get(server.port(), "/c/demo/i/R.1").status, 200);

  // More checks within the period mail nothing (nothing new, and not due).
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(sink.mails().size(), 1u);

  // A restart with a new reply: still inside the period, so nothing yet,
  // and what was mailed is never mailed again.
  ASSERT_NO_FATAL_FAILURE(server.stop());
  ASSERT_NO_FATAL_FAILURE(server.append({reply("bolat", "thread-1", "comment-4", "Тағы бір дерек.")}));
  ASSERT_NO_FATAL_FAILURE(server.start());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_LT(std::chrono::steady_clock::now() - t_first, std::chrono::duration<double>(kDaySeconds - 1))
      << "the machine is too slow for this test's period";
  EXPECT_EQ(sink.mails().size(), 1u) << "a digest before its period elapsed";
  ASSERT_TRUE(sink.wait_for_mails(2, std::chrono::seconds(static_cast<int>(kDaySeconds) + 5)));
  const auto t_second = std::chrono::steady_clock::now();
  EXPECT_GE(t_second - t_first, std::chrono::duration<double>(kDaySeconds - 1.5));
  const std::string second = sink.mails()[1].decoded_body();
  EXPECT_TRUE(contains(second, "Тағы бір дерек.")) << second;
  EXPECT_FALSE(contains(second, "Келісемін")) << "an item mailed twice:\n" << second;

  // OFF: nothing more, even once the period has long elapsed.
  {
    Participant aigerim(server.port(), server.token("aigerim"), "aigerim");
    ASSERT_TRUE(aigerim.set_digest("aigerim@example.kz", kenes::v1::DIGEST_PERIOD_OFF).has_ack());
  }
  ASSERT_NO_FATAL_FAILURE(server.stop());
  ASSERT_NO_FATAL_FAILURE(server.append({reply("bolat", "thread-1", "comment-5", "Өшірулі кезде жазылды.")}));
  ASSERT_NO_FATAL_FAILURE(server.start());
  std::this_thread::sleep_until(t_second + std::chrono::duration<double>(kDaySeconds + 2));
  EXPECT_EQ(sink.mails().size(), 2u) << "a digest while turned off";

  // On again, and the mail server refuses: nothing is logged, and the
  // server tries again at later checks until the mail goes through.
  {
    Participant aigerim(server.port(), server.token("aigerim"), "aigerim");
    ASSERT_TRUE(aigerim.set_digest("aigerim@example.kz", kenes::v1::DIGEST_PERIOD_DAILY).has_ack());
  }
  sink.refuse_recipients_with("550 5.1.1 mailbox unavailable");
  const size_t attempts_before = sink.attempts();
  ASSERT_NO_FATAL_FAILURE(server.stop());
  ASSERT_NO_FATAL_FAILURE(server.append({reply("bolat", "thread-1", "comment-6", "Қайта қосылғаннан кейін.")}));
  ASSERT_NO_FATAL_FAILURE(server.start());
  ASSERT_TRUE(sink.wait_for_attempts(attempts_before + 2, std::chrono::seconds(10)));
  EXPECT_EQ(sink.mails().size(), 2u);
  ASSERT_NO_FATAL_FAILURE(server.stop());
  EXPECT_EQ(digests_sent(server.records()).size(), 2u) << "a refused digest was logged as sent";
  EXPECT_TRUE(contains(server.server_log(), "550 5.1.1 mailbox unavailable"));
  sink.refuse_recipients_with("");
  ASSERT_NO_FATAL_FAILURE(server.start());
  {
    // The record follows the mail server's acceptance; stopping before it
    // is durable would mail these items again at the next start.
    Participant aigerim(server.port(), server.token("aigerim"), "aigerim");
    ASSERT_TRUE(sink.wait_for_mails(3, std::chrono::seconds(10))) << server.server_log();
    ASSERT_TRUE(aigerim.wait_for_digest_sent());
  }
  const std::string third = sink.mails()[2].decoded_body();
  EXPECT_TRUE(contains(third, "Қайта қосылғаннан кейін.")) << third;
  EXPECT_FALSE(contains(third, "Өшірулі кезде")) << "written while the digest was off:\n" << third;
  ASSERT_NO_FATAL_FAILURE(server.stop());

  // The log tells the story: three digests, all Aigerim's, each after the
  // last; Bolat, with nothing for him, got none. The server's own log names
  // participants, never their addresses.
  auto sent = digests_sent(server.records());
  ASSERT_EQ(sent.size(), 3u);
  uint64_t last = 0;
  for (const auto& r : sent) {
    EXPECT_EQ(r.author(), "");
    EXPECT_EQ(r.digest_sent().participant_id(), "aigerim");
    EXPECT_GT(r.digest_sent().up_to_seq(), last);
    last = r.digest_sent().up_to_seq();
  }
  EXPECT_EQ(sent[0].digest_sent().items(), 2u);
  for (const auto& m : sink.mails()) EXPECT_EQ(m.rcpt_to, (std::vector<std::string>{"aigerim@example.kz"}));
  EXPECT_FALSE(contains(server.server_log(), "aigerim@example.kz"));
  EXPECT_FALSE(contains(server.server_log(), "bolat@example.kz"));
}

TEST(DigestTest, SettingsRecordsReachOnlyTheirOwner) {
  SmtpSink sink;
  DigestServer server(sink.port());
  ASSERT_NO_FATAL_FAILURE(server.start());
  {
    Participant aigerim(server.port(), server.token("aigerim"), "aigerim");
    Participant bolat(server.port(), server.token("bolat"), "bolat");
    ASSERT_TRUE(aigerim.set_digest("aigerim@example.kz", kenes::v1::DIGEST_PERIOD_WEEKLY).has_ack());
    // Live: Bolat's next answer comes after the record was sent to whoever
    // it was sent to.
    ASSERT_TRUE(bolat.set_name("Болат"));
    EXPECT_FALSE(contains(bolat.seen(), "aigerim@example.kz"));
  }
  // Catch-up from the start: Bolat never sees Aigerim's address; she sees
  // her own settings (the browser shows them from that record).
  auto catch_up_records = [&](const std::string& who) {
    RawSocket s(server.port());
    s.hello(server.token(who), who + "-c");
    EXPECT_TRUE(s.next_of(ServerMessage::kWelcome));
    ClientMessage sub;
    sub.set_request_id(2);
    sub.mutable_subscribe()->set_consultation_id("demo");
    s.send(sub);
    std::string all;
    for (;;) {
      auto m = s.next_of(ServerMessage::kCatchUp);
      if (!m) break;
      for (const auto& r : m->catch_up().records()) all += r.SerializeAsString();
      if (m->catch_up().done()) break;
    }
    return all;
  };
  EXPECT_FALSE(contains(catch_up_records("bolat"), "aigerim@example.kz"));
  EXPECT_TRUE(contains(catch_up_records("aigerim"), "aigerim@example.kz"));
  ASSERT_NO_FATAL_FAILURE(server.stop());
}

}  // namespace
}  // namespace kenes::testing
