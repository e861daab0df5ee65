// The room's side of the e-mail digest (server/README.md, "E-mail digest"):
// SetNotificationSettings becomes a private NotificationSettingsSet record;
// a timer on the strand looks, every check interval, for participants whose
// period has elapsed since their last DigestSent and who have something new,
// builds each mail from the log (digest_items, digest_mail), hands it to the
// SMTP client off the strand, and logs DigestSent once the mail server took
// it. The period is measured from the DigestSent record's time, so it holds
// across restarts; a failed send logs nothing and is tried again at the next
// check.

#include <boost/asio/post.hpp>
#include <chrono>

#include "digest_items.h"
#include "digest_mail.h"
#include "logger.h"
#include "mail/mail_message.h"
#include "mail/smtp_client.h"
#include "room.h"
#include "wire_frames.h"

namespace kenes::server {

namespace asio = boost::asio;
using kenes::v1::ClientMessage;

namespace {

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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

void Room::set_notification_settings(std::string connection_id, ClientMessage msg) {
  asio::post(strand_, [self = shared_from_this(), connection_id = std::move(connection_id), msg = std::move(msg)] {
    self->do_set_notification_settings(connection_id, msg);
  });
}

void Room::do_set_notification_settings(const std::string& connection_id, const ClientMessage& msg) {
  Member* m = member(connection_id);
  if (!m) return;
  const uint64_t rid = msg.request_id();
  if (!accepts_changes_from(m, rid)) return;
  const auto& r = msg.set_notification_settings();
  const bool off = r.period() == kenes::v1::DIGEST_PERIOD_OFF;
  if (!kenes::v1::DigestPeriod_IsValid(r.period()) || r.period() == kenes::v1::DIGEST_PERIOD_UNSPECIFIED) {
    return send_error(m, rid, kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "period must be off, hourly, daily or weekly");
  }
  // Turning the digest off may keep or clear the address; turning it on
  // needs one that is safe in an SMTP command and a mail header.
  if (!(off && r.email().empty()) && !mail::plausible_email_address(r.email())) {
    return send_error(m, rid, kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
                      "the e-mail address must be one plain address like name@example.org (at most 254 bytes)");
  }
  kenes::v1::LogRecord rec;
  rec.set_author(m->participant_id);
  *rec.mutable_notification_settings_set() = kenes::v1::NotificationSettingsSet();
  rec.mutable_notification_settings_set()->set_email(r.email());
  rec.mutable_notification_settings_set()->set_period(r.period());
  PendingAppend pending;
  pending.connection_id = connection_id;
  pending.request_id = rid;
  append(std::move(rec), std::move(pending), std::nullopt);
}

void Room::deliver_private_record(const kenes::v1::LogRecord& rec, const std::string& record_bytes,
                                  const PendingAppend& pending) {
  // Not through the shared outbox (everyone would get it): what is queued
  // there goes first, then the record to its owner's live connections.
  flush_outbox();
  const std::string owner = record_audience(rec);
  if (!owner.empty()) {
    SharedFrame frame = broadcast_frame(record_bytes);
    for (auto& [cid, mem] : members_) {
      if (mem.state == MemberState::kLive && mem.participant_id == owner) mem.conn->send_broadcast(frame);
    }
  }
  if (Member* requester = member(pending.connection_id)) {
    kenes::v1::ServerMessage ack;
    ack.set_request_id(pending.request_id);
    ack.mutable_ack()->set_seq(rec.seq());
    requester->conn->send(encode_frame(ack));
  }
}

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
  const int64_t now = wall_clock_ms();
  const DigestState& digest = state_.digest();
  for (const auto& [pid, s] : digest.settings()) {
    if (!s.enabled() || digests_in_flight_.count(pid)) continue;
    const Participant* p = state_.participant(pid);
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
    std::vector<DigestItem> items = digest_items(pid, records, digest, assigned);
    if (items.empty()) {
      digest_nothing_through_[pid] = up_to;
      continue;
    }
    const std::string title = state_.created() ? state_.created()->title() : std::string();
    const auto& roster = state_.participants();
    DigestMailText text = digest_mail_text(consultation_id_, title, opt.public_url, items, [&](const std::string& id) {
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
  kenes::v1::LogRecord rec;  // author "": the server's own record
  auto* sent = rec.mutable_digest_sent();
  sent->set_participant_id(participant_id);
  sent->set_up_to_seq(up_to_seq);
  sent->set_items(items);
  append(std::move(rec), PendingAppend{}, std::nullopt);
}

}  // namespace kenes::server
