// The room's side of the e-mail digest (server/README.md, "E-mail digest"):
// SetNotificationSettings is a request like any other (a private
// NotificationSettingsSet record, consultation/roster_requests.cc); here a
// timer on the strand looks, every check interval, for participants whose
// period has elapsed since their last DigestSent and who have something new,
// builds each mail from the log (digest_items, digest_mail), hands it to the
// SMTP client off the strand, and logs DigestSent once the mail server took
// it. The period is measured from the DigestSent record's time, so it holds
// across restarts; a failed send logs nothing and is tried again at the next
// check.

#include <boost/asio/post.hpp>
#include <chrono>

#include "consultation/automatic_records.h"
#include "consultation/digest_items.h"
#include "consultation/digest_mail.h"
#include "logger.h"
#include "mail/mail_message.h"
#include "mail/smtp_client.h"
#include "room.h"

namespace kenes::server {

namespace asio = boost::asio;

namespace {

int64_t nominal_period_ms(kenes::v1::DigestPeriod p) {
  constexpr int64_t kHour = 3600 * 1000;
  switch (p) {
    case kenes::v1::DIGEST_PERIOD_HOURLY: return kHour;
    case kenes::v1::DIGEST_PERIOD_DAILY: return 24 * kHour;
    case kenes::v1::DIGEST_PERIOD_WEEKLY: return 7 * 24 * kHour;
    default: return 0;
  }
}

}  // namespace

void Room::start_digests(std::string public_url) {
  if (options_.digest.smtp_host.empty()) return;
  asio::post(strand_, [self = shared_from_this(), public_url = std::move(public_url)] {
    self->options_.digest.public_url = public_url;
    if (!self->digest_timer_) self->digest_timer_ = std::make_unique<asio::steady_timer>(self->strand_);
    self->arm_digest_timer();
  });
}

void Room::arm_digest_timer() {
  if (shutting_down_ || !digest_timer_) return;
  digest_timer_->expires_after(options_.digest.check_interval);
  digest_timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;
    self->check_digests();
    self->arm_digest_timer();
  });
}

void Room::check_digests() {
  if (shutting_down_ || failure_) return;
  const DigestOptions& opt = options_.digest;
  const int64_t now = now_unix_ms();
  const consultation::DigestState& digest = state_.digest();
  for (const auto& [pid, s] : digest.settings()) {
    if (!s.enabled() || digests_in_flight_.count(pid)) continue;
    const consultation::Participant* p = state_.participant(pid);
    if (!p || p->revoked) continue;
    const auto period = static_cast<int64_t>(static_cast<double>(nominal_period_ms(s.period)) * opt.period_scale);
    // At most once per period, counted from the last DigestSent's record
    // time; the first digest goes at the first check with something new.
    if (s.last_sent_unix_ms != 0 && now < s.last_sent_unix_ms + period) continue;
    uint64_t after = s.covered_seq();
    if (auto it = digest_nothing_through_.find(pid); it != digest_nothing_through_.end()) {
      after = std::max(after, it->second);
    }
    if (after >= durable_seq_) continue;
    // The records since: a bounded read, on the strand like catch-up's.
    auto read = log_.read(consultation_id_, after + 1,
                          std::min<uint64_t>(opt.max_records_per_digest, durable_seq_ - after));
    if (!read.ok()) {
      log(LogLevel::kWarn, "digest_read_failed", {{"consultation", consultation_id_}, {"error", read.status().message()}});
      return;
    }
    std::vector<kenes::v1::LogRecord> records;
    records.reserve(read.value().size());
    for (const auto& stored : read.value()) {
      kenes::v1::LogRecord rec;
      if (!rec.ParseFromString(stored.payload)) continue;
      rec.set_seq(stored.seq);
      records.push_back(std::move(rec));
    }
    if (records.empty()) continue;
    const uint64_t up_to = records.back().seq();
    std::set<std::string> assigned;
    for (const auto& [indicator, st] : state_.assessment().indicators()) {
      for (const auto& a : st.assignees) {
        if (a == pid) assigned.insert(indicator);
      }
    }
    std::vector<consultation::DigestItem> items = consultation::digest_items(pid, records, digest, assigned);
    if (items.empty()) {
      digest_nothing_through_[pid] = up_to;
      continue;
    }
    const std::string title = state_.created() ? state_.created()->title() : std::string();
    const auto& roster = state_.participants();
    consultation::DigestMailText text = consultation::digest_mail_text(consultation_id_, title, opt.public_url, items, [&](const std::string& id) {
      auto it = roster.find(id);
      return it == roster.end() || it->second.display_name.empty() ? id : it->second.display_name;
    });
    mail::MailMessage message;
    message.from_address = opt.from_address;
    message.from_name = "Kenes";
    message.to_address = s.email;
    message.subject = text.subject;
    message.body = text.body;
    message.date_unix_ms = now;
    mail::SmtpServer server{opt.smtp_host, opt.smtp_port, "localhost", opt.smtp_step_timeout};
    digests_in_flight_.insert(pid);
    const auto count = static_cast<uint32_t>(items.size());
    // The SMTP dialog runs on the I/O threads, never on the strand.
    mail::send_mail(strand_.get_inner_executor(), std::move(server), {opt.from_address, s.email},
                    mail::render_message(message),
                    [self = shared_from_this(), pid = pid, up_to, count](std::string error) {
                      asio::post(self->strand_, [self, pid, up_to, count, error = std::move(error)] {
                        self->on_digest_mailed(pid, up_to, count, error);
                      });
                    });
  }
}

void Room::mail_invite_link(const std::string& connection_id, uint64_t request_id, kenes::v1::ServerMessage answer) {
  const DigestOptions& opt = options_.digest;
  Member* m = member(connection_id);
  if (!m) return;
  if (opt.smtp_host.empty()) {
    return send_error(m, request_id, kenes::v1::ERROR_CODE_MAIL_NOT_SENT,
                      "this server has no SMTP host (--smtp-host): copy the link and send it yourself");
  }
  const auto& link = answer.invite_links().links(0);
  const std::string title = state_.created() ? state_.created()->title() : consultation_id_;
  std::string inviter = m->caller.participant_id;
  if (const consultation::Participant* p = state_.participant(inviter)) inviter = p->display_name;
  std::string base = opt.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  mail::MailMessage message;
  message.from_address = opt.from_address;
  message.from_name = "Kenes";
  message.to_address = link.mailed_to();
  message.subject = "Your link to " + title;
  message.body = "Hello " + link.display_name() + ",\n\n" + inviter + " invites you to take part in " + title + " as " +
                 std::string(consultation::role_name(link.role())) +
                 ".\n\nThis is your personal link; please keep it to yourself:\n" + base + "/join#token=" +
                 link.token() + "\n\nIt is valid until " + mail::rfc5322_date(link.expires_unix_ms()) + ".\n";
  message.date_unix_ms = now_unix_ms();
  mail::SmtpServer server{opt.smtp_host, opt.smtp_port, "localhost", opt.smtp_step_timeout};
  // The SMTP dialog runs on the I/O threads, never on the strand.
  mail::send_mail(strand_.get_inner_executor(), std::move(server), {opt.from_address, link.mailed_to()},
                  mail::render_message(message),
                  [self = shared_from_this(), connection_id, request_id, answer = std::move(answer)](std::string error) mutable {
                    asio::post(self->strand_, [self, connection_id, request_id, answer = std::move(answer),
                                               error = std::move(error)]() mutable {
                      Member* requester = self->member(connection_id);
                      // Participant ids, never addresses, in the server's log.
                      log(error.empty() ? LogLevel::kInfo : LogLevel::kWarn,
                                error.empty() ? "invite_link_mailed" : "invite_link_not_mailed",
                                {{"consultation", self->consultation_id_},
                                 {"participant", answer.invite_links().links(0).participant_id()},
                                 {"error", error}});
                      if (!requester) return;
                      if (!error.empty()) {
                        return self->send_error(requester, request_id, kenes::v1::ERROR_CODE_MAIL_NOT_SENT,
                                                "the mail server did not take it: " + error);
                      }
                      answer.set_request_id(request_id);
                      self->flush_outbox();
                      requester->conn->send(encode_frame(answer));
                    });
                  });
}

void Room::on_digest_mailed(const std::string& participant_id, uint64_t up_to_seq, uint32_t items,
                            const std::string& error) {
  digests_in_flight_.erase(participant_id);
  // Participant ids, never addresses: operations need to know whose digest
  // failed and why, not where it was going.
  if (!error.empty()) {
    log(LogLevel::kWarn, "digest_not_sent",
        {{"consultation", consultation_id_}, {"participant", participant_id}, {"error", error}});
    return;
  }
  if (shutting_down_ || failure_) {
    // Mailed but not logged: the next start mails these items again.
    log(LogLevel::kWarn, "digest_sent_not_logged", {{"consultation", consultation_id_}, {"participant", participant_id}});
    return;
  }
  log(LogLevel::kInfo, "digest_sent",
      {{"consultation", consultation_id_}, {"participant", participant_id}, {"items", static_cast<uint64_t>(items)}});
  digest_nothing_through_.erase(participant_id);
  append(consultation::digest_sent_record(participant_id, up_to_seq, items), PendingAppend{});
}

}  // namespace kenes::server
