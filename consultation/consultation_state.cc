#include "consultation/consultation_state.h"

#include <algorithm>

#include "engine/rope.h"
#include "engine/utf8.h"
#include "consultation/proto_convert.h"

namespace kenes::consultation {

namespace {
constexpr char kConsultationSnapshotName[] = "consultation";
constexpr char kDocumentSnapshotPrefix[] = "doc/";
constexpr char kAssessmentSnapshotName[] = "assessment";
constexpr std::string_view kAssessmentSegmentPrefix = "assessment/";
constexpr char kDiscussionSnapshotName[] = "discussion";
constexpr char kDigestSnapshotName[] = "digest";

engine::Status fail(uint64_t seq, const std::string& what) {
  return engine::Status(engine::ErrorCode::kInvalidState, "record " + std::to_string(seq) + ": " + what);
}

// "assessment/00000012": fixed width, so names sort as indices do.
std::string segment_name(uint32_t index) {
  std::string digits = std::to_string(index);
  return std::string(kAssessmentSegmentPrefix) + std::string(8 - std::min<size_t>(8, digits.size()), '0') + digits;
}

std::optional<uint32_t> segment_index(std::string_view name) {
  if (name.size() != kAssessmentSegmentPrefix.size() + 8 || name.substr(0, kAssessmentSegmentPrefix.size()) != kAssessmentSegmentPrefix) {
    return std::nullopt;
  }
  uint32_t n = 0;
  for (char c : name.substr(kAssessmentSegmentPrefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  return n;
}
}  // namespace

ConsultationState::ConsultationState(std::string consultation_id) : consultation_id_(std::move(consultation_id)) {}

const Registration* ConsultationState::registration(const std::string& id) const {
  auto it = registrations_.find(id);
  return it == registrations_.end() ? nullptr : &it->second;
}

void ConsultationState::apply_invited(const kenes::v1::ParticipantInvited& inv, const std::string& author) {
  Participant& p = participants_[inv.participant_id()];
  const bool first = p.id.empty();
  p.id = inv.participant_id();
  // As before issue 18: a name the person chose (or an earlier invite's)
  // stays, and an invite does not undo a revocation.
  if (p.display_name.empty()) p.display_name = inv.display_name();
  p.role = static_cast<kenes::v1::Role>(inv.role());
  if (!first) return;
  // Who arrives on their own (a link minted outside the log, a registration)
  // is their own author and has joined; whom the chair invites has not yet.
  p.joined = author == inv.participant_id();
  if (!p.joined) p.invited_by = author;
  p.registration_id = inv.registration_id();
  if (!inv.registration_id().empty()) {
    if (auto it = registrations_.find(inv.registration_id()); it != registrations_.end()) ++it->second.registered;
  }
  if (inv.stakeholder_group() != kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED) {
    p.stakeholder_group = inv.stakeholder_group();
    p.gender = inv.gender();
    p.profiled = true;
  }
}

const Participant* ConsultationState::participant(const std::string& id) const {
  auto it = participants_.find(id);
  return it == participants_.end() ? nullptr : &it->second;
}

void ConsultationState::index_framework() {
  framework_index_.clear();
  created_selected_.clear();
  if (!created_) return;
  created_selected_.assign(created_->selected_indicator_ids().begin(), created_->selected_indicator_ids().end());
  for (const auto& c : created_->framework().categories()) {
    for (const auto& t : c.themes()) {
      for (const auto& q : t.questions()) {
        for (const auto& i : q.indicators()) framework_index_[i.id()] = i;
      }
    }
  }
}

const kenes::v1::Indicator* ConsultationState::framework_indicator(const std::string& id) const {
  auto it = framework_index_.find(id);
  return it == framework_index_.end() ? nullptr : &it->second;
}

kenes::v1::Scope ConsultationState::scope() const {
  if (assessment_.scope_override() != kenes::v1::SCOPE_UNSPECIFIED) return assessment_.scope_override();
  return created_ ? created_->scope() : kenes::v1::SCOPE_UNSPECIFIED;
}

const std::vector<std::string>& ConsultationState::scope_selected() const {
  static const std::vector<std::string> kNone;
  if (scope() != kenes::v1::SCOPE_CORE_PLUS_SELECTED) return kNone;
  if (assessment_.scope_override() != kenes::v1::SCOPE_UNSPECIFIED) return assessment_.scope_override_selected();
  return created_selected_;
}

bool ConsultationState::in_scope(const kenes::v1::Indicator& indicator) const {
  switch (scope()) {
    case kenes::v1::SCOPE_CORE: return indicator.core();
    case kenes::v1::SCOPE_CORE_PLUS_SELECTED: {
      if (indicator.core()) return true;
      const auto& selected = scope_selected();
      return std::find(selected.begin(), selected.end(), indicator.id()) != selected.end();
    }
    default: return true;
  }
}

uint64_t ConsultationState::draft_version(const std::string& indicator_id) const {
  const engine::DocumentSequencer* doc = find_document("indicator/" + indicator_id);
  return doc ? doc->version() : 0;
}

engine::DocumentSequencer& ConsultationState::document(const std::string& doc_id) {
  auto it = documents_.find(doc_id);
  if (it == documents_.end()) it = documents_.try_emplace(doc_id).first;
  return it->second;
}

const engine::DocumentSequencer* ConsultationState::find_document(const std::string& doc_id) const {
  auto it = documents_.find(doc_id);
  return it == documents_.end() ? nullptr : &it->second;
}

engine::Status ConsultationState::apply(const kenes::v1::LogRecord& rec) {
  if (rec.seq() != seq_ + 1) {
    return fail(rec.seq(), "expected seq " + std::to_string(seq_ + 1));
  }
  switch (rec.event_case()) {
    case kenes::v1::LogRecord::kTextEdit: {
      engine::Status s = apply_text_edit(rec);
      if (!s.ok()) return s;
      break;
    }
    case kenes::v1::LogRecord::kConsultationCreated:
      if (created_) return fail(rec.seq(), "the consultation was already created");
      created_ = rec.consultation_created();
      index_framework();
      break;
    case kenes::v1::LogRecord::kParticipantInvited:
      apply_invited(rec.participant_invited(), rec.author());
      break;
    case kenes::v1::LogRecord::kParticipantsImported:
      for (const auto& inv : rec.participants_imported().people()) apply_invited(inv, rec.author());
      break;
    case kenes::v1::LogRecord::kParticipantJoined: {
      Participant& p = participants_[rec.author()];
      p.id = rec.author();
      p.joined = true;
      break;
    }
    case kenes::v1::LogRecord::kInviteLinkReissued: {
      const auto& re = rec.invite_link_reissued();
      Participant& p = participants_[re.participant_id()];
      p.id = re.participant_id();
      p.link_generation = re.generation();
      break;
    }
    case kenes::v1::LogRecord::kRegistrationOpened:
      registrations_[rec.registration_opened().registration_id()].opened = rec.registration_opened();
      break;
    case kenes::v1::LogRecord::kRegistrationClosed:
      registrations_[rec.registration_closed().registration_id()].closed = true;
      break;
    case kenes::v1::LogRecord::kBoardSettingsSet:
      chair_is_board_member_ = rec.board_settings_set().chair_is_board_member();
      break;
    case kenes::v1::LogRecord::kParticipantRevoked: {
      const auto& rev = rec.participant_revoked();
      Participant& p = participants_[rev.participant_id()];
      p.id = rev.participant_id();
      p.revoked = true;
      p.revoke_reason = rev.reason();
      break;
    }
    case kenes::v1::LogRecord::kProfileUpdated: {
      const auto& upd = rec.profile_updated();
      Participant& p = participants_[rec.author()];
      p.id = rec.author();
      if (!upd.display_name().empty()) p.display_name = upd.display_name();
      p.stakeholder_group = upd.stakeholder_group();
      p.gender = upd.gender();
      p.profiled = true;
      break;
    }
    case kenes::v1::LogRecord::kNotificationSettingsSet:
    case kenes::v1::LogRecord::kDigestSent:
      // Private records (issue 6): the digest folds them below, and who may
      // receive them is read from the record (record_audience.h).
      break;
    default:
      if (DiscussionState::handles(rec)) {
        engine::Status s = apply_discussion(rec);
        if (!s.ok()) return s;
        break;
      }
      if (AssessmentState::handles(rec)) {
        engine::Status s = assessment_.apply(rec);
        if (!s.ok()) return s;
        break;
      }
      // A record from a newer server: refusing is safer than skipping, since
      // state must be a function of the whole log.
      return fail(rec.seq(), "unknown event kind " + std::to_string(rec.event_case()));
  }
  // The digest reads records folded above (threads) and folds its own.
  if (DigestState::handles(rec) || DigestState::observes(rec)) {
    engine::Status s = digest_.apply(rec);
    if (!s.ok()) return s;
  }
  seq_ = rec.seq();
  return engine::Status();
}

engine::Status ConsultationState::apply_text_edit(const kenes::v1::LogRecord& rec) {
  const auto& edit = rec.text_edit();
  auto op = op_from_proto(edit.op());
  if (!op.ok()) return fail(rec.seq(), op.status().message());
  auto& doc = document(edit.doc_id());
  // Checked before the anchors move, so that a refused record changes nothing.
  if (edit.version() != doc.version() + 1) {
    return fail(rec.seq(), "document " + edit.doc_id() + ": version " + std::to_string(edit.version()) +
                               " follows " + std::to_string(doc.version()));
  }
  engine::Status fits = engine::validate(op.value(), doc.text().length());
  if (!fits.ok()) return fail(rec.seq(), "document " + edit.doc_id() + ": " + fits.message());
  if (!edit.accepts_suggestion_of_thread().empty()) {
    const ThreadState* t = discussion_.thread(edit.accepts_suggestion_of_thread());
    if (!t || t->suggestion != SuggestionStatus::kOpen) {
      return fail(rec.seq(), "thread " + edit.accepts_suggestion_of_thread() + " has no open suggestion");
    }
  }
  engine::Status moved = discussion_.move_anchors(edit.doc_id(), op.value(), doc.text());
  if (!moved.ok()) return fail(rec.seq(), moved.message());
  engine::Status s = doc.apply_sequenced(op.value(), edit.version(), rec.client_id(), rec.client_seq());
  if (!s.ok()) return fail(rec.seq(), "document " + edit.doc_id() + ": " + s.message());
  changed_docs_[edit.doc_id()] = true;
  add_edit_run(rec);
  if (!edit.accepts_suggestion_of_thread().empty()) {
    engine::Status a = discussion_.apply_accepting_edit(rec, doc.text());
    if (!a.ok()) return a;
  }
  return engine::Status();
}

void ConsultationState::note_durable(const kenes::v1::LogRecord& rec) {
  seq_ = rec.seq();
  // A submitted edit (it has a client id) never went through apply_text_edit
  // on the live path; an accepting edit did, in apply_early.
  if (rec.has_text_edit() && rec.text_edit().accepts_suggestion_of_thread().empty()) add_edit_run(rec);
}

void ConsultationState::add_edit_run(const kenes::v1::LogRecord& rec) {
  constexpr int64_t kDayMs = 86'400'000;
  const int64_t day = rec.time_unix_ms() / kDayMs;
  std::vector<EditRun>& runs = edit_runs_[rec.text_edit().doc_id()];
  if (!runs.empty() && runs.back().author == rec.author() && runs.back().day == day) {
    runs.back().last_seq = rec.seq();
    ++runs.back().edits;
    return;
  }
  runs.push_back(EditRun{rec.author(), rec.seq(), rec.seq(), 1, day});
}

const std::vector<EditRun>* ConsultationState::edit_runs(const std::string& doc_id) const {
  auto it = edit_runs_.find(doc_id);
  return it == edit_runs_.end() ? nullptr : &it->second;
}

engine::Status ConsultationState::apply_discussion(const kenes::v1::LogRecord& rec) {
  return discussion_.apply(rec, documents_);
}

engine::Result<engine::DocumentSequencer::Sequenced> ConsultationState::submit_op(
    const std::string& doc_id, std::string_view client_id, uint64_t client_seq, uint64_t base_version,
    engine::TextOp op, uint64_t declared_span) {
  auto& doc = document(doc_id);
  // The anchors need the text before the op only if it may detach one: copy
  // it only then (typing, the common case, copies nothing).
  std::optional<engine::Rope> before;
  if (discussion_.needs_text_before(doc_id, op)) before = doc.text();
  auto sequenced = doc.submit(client_id, client_seq, base_version, std::move(op), declared_span);
  if (!sequenced.ok() || sequenced.value().duplicate) return sequenced;
  engine::Status moved = discussion_.move_anchors(doc_id, sequenced.value().op, before ? *before : doc.text());
  if (!moved.ok()) return engine::Status(engine::ErrorCode::kInvalidState, moved.message());
  return sequenced;
}

engine::Status ConsultationState::apply_early(const kenes::v1::LogRecord& rec) {
  if (rec.has_text_edit()) return apply_text_edit(rec);
  if (!DiscussionState::handles(rec)) {
    return fail(rec.seq(), "only discussion records and accepting edits are folded before they are durable");
  }
  engine::Status s = apply_discussion(rec);
  if (!s.ok()) return s;
  // The digest's thread index sees these records here on the live path, as
  // apply() shows them to it in a replay.
  if (DigestState::observes(rec)) return digest_.apply(rec);
  return s;
}

engine::Status ConsultationState::load_snapshot(const std::string& name, std::string bytes) {
  if (name == kConsultationSnapshotName) {
    kenes::v1::ConsultationSnapshot snap;
    if (!snap.ParseFromString(bytes)) {
      return engine::Status(engine::ErrorCode::kInvalidState, "consultation snapshot does not decode");
    }
    if (snap.has_created()) {
      created_ = snap.created();
      index_framework();
    }
    for (const auto& ps : snap.participants()) {
      Participant p;
      p.id = ps.participant_id();
      p.display_name = ps.display_name();
      p.role = static_cast<kenes::v1::Role>(ps.role());
      p.stakeholder_group = ps.stakeholder_group();
      p.gender = ps.gender();
      p.revoked = ps.revoked();
      p.revoke_reason = ps.revoke_reason();
      // Older snapshots do not say: someone with a group or a gender described themself.
      p.profiled = ps.profiled() || p.stakeholder_group != kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED || !p.gender.empty();
      // Before issue 18 everyone in the log had come on their own link.
      p.joined = snap.roster_format() >= 1 ? ps.joined() : true;
      p.invited_by = ps.invited_by();
      p.registration_id = ps.registration_id();
      p.link_generation = ps.link_generation();
      participants_[p.id] = std::move(p);
    }
    for (const auto& opened : snap.registrations()) registrations_[opened.registration_id()].opened = opened;
    for (const auto& id : snap.closed_registrations()) registrations_[id].closed = true;
    for (const auto& [id, p] : participants_) {
      if (p.registration_id.empty()) continue;
      if (auto it = registrations_.find(p.registration_id); it != registrations_.end()) ++it->second.registered;
    }
    chair_is_board_member_ = snap.chair_is_board_member();
    return engine::Status();
  }
  if (name == kAssessmentSnapshotName) {
    kenes::v1::AssessmentSnapshot manifest;
    if (!manifest.ParseFromString(bytes)) {
      return engine::Status(engine::ErrorCode::kInvalidState, "assessment snapshot does not decode");
    }
    if (manifest.segments() == 0) return assessment_.load_snapshot(bytes);  // written before segments
    loading_segment_count_ = manifest.segments();
    return engine::Status();
  }
  if (std::optional<uint32_t> index = segment_index(name)) {
    loading_segments_[*index] = std::move(bytes);
    return engine::Status();
  }
  if (name == kDiscussionSnapshotName) return discussion_.load_snapshot(bytes);
  if (name == kDigestSnapshotName) return digest_.load_snapshot(bytes);
  if (name.rfind(kDocumentSnapshotPrefix, 0) == 0) {
    kenes::v1::DocumentSnapshot snap;
    if (!snap.ParseFromString(bytes)) {
      return engine::Status(engine::ErrorCode::kInvalidState, "snapshot " + name + " does not decode");
    }
    if (!engine::is_valid_utf8(snap.text())) {
      return engine::Status(engine::ErrorCode::kInvalidUtf8, "snapshot " + name + " holds invalid UTF-8");
    }
    documents_.insert_or_assign(snap.doc_id(), engine::DocumentSequencer(engine::Rope(snap.text()), snap.version()));
    std::vector<EditRun>& runs = edit_runs_[snap.doc_id()];
    runs.clear();
    for (const auto& r : snap.runs()) runs.push_back(EditRun{r.author(), r.first_seq(), r.last_seq(), r.edits(), r.day()});
    return engine::Status();
  }
  return engine::Status(engine::ErrorCode::kInvalidState, "unknown snapshot " + name);
}

engine::Status ConsultationState::finish_loading_snapshots() {
  const uint32_t count = loading_segment_count_;
  std::map<uint32_t, std::string> segments = std::move(loading_segments_);
  loading_segments_.clear();
  loading_segment_count_ = 0;
  if (count == 0) {
    if (!segments.empty()) {
      return engine::Status(engine::ErrorCode::kInvalidState, "assessment snapshot segments without their manifest");
    }
    return engine::Status();
  }
  for (uint32_t i = 0; i < count; ++i) {
    auto it = segments.find(i);
    if (it == segments.end()) {
      return engine::Status(engine::ErrorCode::kInvalidState, "assessment snapshot segment " + std::to_string(i) +
                                                                  " of " + std::to_string(count) + " is missing");
    }
    engine::Status s = assessment_.load_segment(i, it->second);
    if (!s.ok()) return s;
    segments.erase(it);  // folded: its bytes live on only as the open segment's
  }
  // Names at or past `count` are left from an older cut: not part of this set.
  return engine::Status();
}

std::vector<NamedSnapshot> ConsultationState::snapshots(bool only_changed) {
  std::vector<NamedSnapshot> out;
  kenes::v1::ConsultationSnapshot meta;
  meta.set_seq(seq_);
  if (created_) *meta.mutable_created() = *created_;
  for (const auto& [id, p] : participants_) {
    auto* ps = meta.add_participants();
    ps->set_participant_id(p.id);
    ps->set_display_name(p.display_name);
    ps->set_role(p.role);
    ps->set_stakeholder_group(p.stakeholder_group);
    ps->set_gender(p.gender);
    ps->set_revoked(p.revoked);
    ps->set_revoke_reason(p.revoke_reason);
    ps->set_profiled(p.profiled);
    ps->set_joined(p.joined);
    ps->set_invited_by(p.invited_by);
    ps->set_registration_id(p.registration_id);
    ps->set_link_generation(p.link_generation);
  }
  meta.set_roster_format(1);
  for (const auto& [id, r] : registrations_) {
    *meta.add_registrations() = r.opened;
    if (r.closed) meta.add_closed_registrations(id);
  }
  meta.set_chair_is_board_member(chair_is_board_member_);
  out.push_back({kConsultationSnapshotName, seq_, meta.SerializeAsString(), true});
  std::vector<AssessmentState::Segment> segments = assessment_.unwritten_segments();
  kenes::v1::AssessmentSnapshot manifest;
  manifest.set_segments(segments.back().index + 1);
  out.push_back({kAssessmentSnapshotName, seq_, manifest.SerializeAsString(), true});
  for (auto& segment : segments) out.push_back({segment_name(segment.index), seq_, std::move(segment.bytes), true});
  out.push_back({kDiscussionSnapshotName, seq_, discussion_.snapshot_bytes(), true});
  out.push_back({kDigestSnapshotName, seq_, digest_.snapshot_bytes(), true});
  for (auto& [id, doc] : documents_) {
    if (only_changed && !changed_docs_[id]) continue;
    kenes::v1::DocumentSnapshot snap;
    snap.set_doc_id(id);
    snap.set_version(doc.version());
    snap.set_text(doc.text().to_string());
    if (const std::vector<EditRun>* runs = edit_runs(id)) {
      for (const auto& r : *runs) {
        auto* out = snap.add_runs();
        out->set_author(r.author);
        out->set_first_seq(r.first_seq);
        out->set_last_seq(r.last_seq);
        out->set_edits(r.edits);
        out->set_day(r.day);
      }
    }
    out.push_back({kDocumentSnapshotPrefix + id, doc.version(), snap.SerializeAsString()});
  }
  changed_docs_.clear();
  return out;
}

void ConsultationState::snapshot_written(const std::vector<std::string>& names) {
  std::optional<uint32_t> open;
  for (const auto& name : names) {
    if (std::optional<uint32_t> index = segment_index(name)) open = std::max(open.value_or(0), *index);
  }
  if (open) assessment_.segments_written(*open);
}

void ConsultationState::snapshot_not_written(const std::vector<std::string>& names) {
  const std::string_view prefix = kDocumentSnapshotPrefix;
  for (const auto& name : names) {
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0) {
      changed_docs_[name.substr(prefix.size())] = true;
    }
  }
}

}  // namespace kenes::consultation
