#include "replay/document_history.h"

#include <algorithm>
#include <functional>
#include <string_view>

#include "engine/blame.h"
#include "engine/rope.h"
#include "engine/text_op.h"
#include "engine/utf8.h"
#include "kenes/v1/snapshot.pb.h"
#include "consultation/permissions.h"
#include "consultation/proto_convert.h"

namespace kenes::replay {

namespace {

using kenes::v1::ErrorCode;

HistoryError error(ErrorCode code, std::string message) { return HistoryError{code, std::move(message)}; }

HistoryError storage_error(const storage::Status& s) {
  return error(kenes::v1::ERROR_CODE_STORAGE_FAILURE, "cannot read the log: " + s.message());
}

// The authors a TextEdit's inserts belong to: the record's author and the
// co-authors (an accepted suggestion's suggester).
std::vector<std::string> edit_authors(const kenes::v1::LogRecord& rec) {
  std::vector<std::string> authors;
  if (!rec.author().empty()) authors.push_back(rec.author());
  for (const auto& a : rec.text_edit().co_authors()) {
    if (!a.empty()) authors.push_back(a);
  }
  // A record with no author at all (never written by this server) still
  // needs an owner for its text.
  if (authors.empty()) authors.push_back("?");
  return authors;
}

// compose() walks both ops, so folding n ops one after the other into a
// growing result costs O(n * |result|); composing neighbours pairwise costs
// O(total size * log n).
engine::TextOp compose_all(std::vector<engine::TextOp>& ops, size_t lo, size_t hi) {
  if (hi - lo == 0) return engine::TextOp();
  if (hi - lo == 1) return std::move(ops[lo]);
  size_t mid = lo + (hi - lo) / 2;
  engine::TextOp left = compose_all(ops, lo, mid);
  engine::TextOp right = compose_all(ops, mid, hi);
  return engine::compose(left, right);
}

// Takes the next `n` code points of `text` from byte `*cursor`.
std::string take(std::string_view text, size_t* cursor, uint64_t n) {
  std::string_view rest = text.substr(*cursor);
  size_t bytes = engine::byte_offset_of_code_point(rest, n);
  *cursor += bytes;
  return std::string(rest.substr(0, bytes));
}

// Builds a diff's segments, merging neighbours of one kind and authorship.
class SegmentWriter {
 public:
  explicit SegmentWriter(kenes::v1::DocumentDiff* out) : out_(out) {}
  void add(kenes::v1::DiffSegment::Kind kind, std::string text, const std::vector<std::string>& authors) {
    if (text.empty()) return;
    if (out_->segments_size() > 0) {
      auto* last = out_->mutable_segments(out_->segments_size() - 1);
      if (last->kind() == kind && std::equal(last->authors().begin(), last->authors().end(), authors.begin(),
                                             authors.end())) {
        last->mutable_text()->append(text);
        return;
      }
    }
    auto* seg = out_->add_segments();
    seg->set_kind(kind);
    seg->set_text(std::move(text));
    for (const auto& a : authors) seg->add_authors(a);
  }

 private:
  kenes::v1::DocumentDiff* out_;
};

// Walks the blame runs of the later text alongside a diff.
class RunCursor {
 public:
  explicit RunCursor(std::vector<engine::BlameRun> runs) : runs_(std::move(runs)) {}
  // Code points from the current position that share one authorship, at
  // most `n`, and that authorship. Advances.
  uint64_t next(uint64_t n, const std::vector<std::string>** authors) {
    while (i_ < runs_.size() && pos_ >= runs_[i_].start + runs_[i_].length) ++i_;
    if (i_ >= runs_.size()) {  // cannot happen when blame and text agree
      *authors = &empty_;
      pos_ += n;
      return n;
    }
    uint64_t k = std::min(n, runs_[i_].start + runs_[i_].length - pos_);
    *authors = &runs_[i_].authors;
    pos_ += k;
    return k;
  }

 private:
  std::vector<engine::BlameRun> runs_;
  size_t i_ = 0;
  uint64_t pos_ = 0;
  std::vector<std::string> empty_;
};

}  // namespace

DocumentHistory::DocumentHistory(storage::Log& log, std::string consultation_id,
                                 std::chrono::steady_clock::duration idle_unload)
    : log_(log), consultation_id_(std::move(consultation_id)), idle_unload_(idle_unload) {}

class DocumentHistory::Answering {
 public:
  explicit Answering(DocumentHistory& h) : h_(h) {
    std::lock_guard lock(h_.mu_);
    ++h_.answering_;
    h_.last_question_ = std::chrono::steady_clock::now();
  }
  ~Answering() {
    std::lock_guard lock(h_.mu_);
    --h_.answering_;
  }
  Answering(const Answering&) = delete;
  Answering& operator=(const Answering&) = delete;

 private:
  DocumentHistory& h_;
};

uint32_t DocumentHistory::intern_locked(const std::string& author) {
  auto [it, inserted] = author_ids_.emplace(author, static_cast<uint32_t>(authors_.size()));
  if (inserted) authors_.push_back(author);
  return it->second;
}

void DocumentHistory::add_locked(const std::string& doc_id, uint64_t version, const Version& at,
                                 std::map<std::string, std::vector<Version>>& docs) {
  auto& versions = docs[doc_id];
  // The fold refuses an edit whose version is not the next one, so the log
  // never holds one; skipping keeps the index consistent all the same (and
  // drops an edit both the scan and live_ saw).
  if (version != versions.size() + 1) return;
  versions.push_back(at);
}

void DocumentHistory::note_edit(const kenes::v1::LogRecord& rec) {
  if (!rec.has_text_edit() || !wants_edits()) return;
  std::lock_guard lock(mu_);
  switch (state_.load(std::memory_order_relaxed)) {
    case State::kCold:
      return;
    case State::kLoading:
      live_.push_back(LiveEdit{rec.text_edit().doc_id(), rec.text_edit().version(),
                               Version{rec.seq(), rec.time_unix_ms(), intern_locked(rec.author())}});
      return;
    case State::kLoaded:
      if (answering_ == 0 && std::chrono::steady_clock::now() - last_question_ > idle_unload_) {
        // Nobody has asked for a while: give the memory back. The next
        // question scans the log again.
        docs_ = {};
        authors_ = {};
        author_ids_ = {};
        answers_.clear();
        state_.store(State::kCold, std::memory_order_release);
        return;
      }
      add_locked(rec.text_edit().doc_id(), rec.text_edit().version(),
                 Version{rec.seq(), rec.time_unix_ms(), intern_locked(rec.author())}, docs_);
      return;
  }
}

std::optional<HistoryError> DocumentHistory::ensure_loaded() {
  std::lock_guard load_lock(load_mu_);
  {
    std::lock_guard lock(mu_);
    if (state_.load(std::memory_order_relaxed) == State::kLoaded) return std::nullopt;
    // From here on note_edit keeps what it sees. Every edit it skipped
    // before was durable already, so the scan below, which starts after
    // this point, reads it.
    live_.clear();
    state_.store(State::kLoading, std::memory_order_release);
  }
  // Scanned without holding mu_: the room keeps adding to live_ meanwhile.
  std::map<std::string, std::vector<Version>> scanned;
  storage::Status s = log_.replay(consultation_id_, 1, [&](const storage::RecordView& r) -> storage::Status {
    kenes::v1::LogRecord rec;
    if (!rec.ParseFromArray(r.payload.data(), static_cast<int>(r.payload.size()))) {
      return storage::Status(storage::Code::kCorruption, "record " + std::to_string(r.seq) + " does not decode");
    }
    if (rec.has_text_edit()) {
      // mu_ only for the author table, which note_edit shares.
      std::lock_guard lock(mu_);
      add_locked(rec.text_edit().doc_id(), rec.text_edit().version(),
                 Version{r.seq, rec.time_unix_ms(), intern_locked(rec.author())}, scanned);
    }
    return storage::Status();
  });
  std::lock_guard lock(mu_);
  if (!s.ok()) {
    live_ = {};
    state_.store(State::kCold, std::memory_order_release);
    return storage_error(s);
  }
  // live_ may repeat the scan's last edits (noted while the scan read them):
  // add_locked drops an edit whose version is already there.
  for (const auto& e : live_) add_locked(e.doc_id, e.version, e.at, scanned);
  live_ = {};
  docs_ = std::move(scanned);
  state_.store(State::kLoaded, std::memory_order_release);
  return std::nullopt;
}

uint64_t DocumentHistory::latest_version(const std::string& doc_id) {
  Answering answering(*this);
  if (ensure_loaded()) return 0;
  std::lock_guard lock(mu_);
  auto it = docs_.find(doc_id);
  return it == docs_.end() ? 0 : it->second.size();
}

std::optional<HistoryError> DocumentHistory::resolve_locked(const std::vector<Version>& versions,
                                                            const kenes::v1::HistoryPoint* point,
                                                            const MeetingSeqs& meetings, uint64_t* version) const {
  const uint64_t latest = versions.size();
  if (!point || point->at_case() == kenes::v1::HistoryPoint::AT_NOT_SET) {
    *version = latest;
    return std::nullopt;
  }
  switch (point->at_case()) {
    case kenes::v1::HistoryPoint::kVersion:
      if (point->version() > latest) {
        return error(kenes::v1::ERROR_CODE_HISTORY_POINT, "version " + std::to_string(point->version()) +
                                                              " is beyond the document's latest version " +
                                                              std::to_string(latest));
      }
      *version = point->version();
      return std::nullopt;
    case kenes::v1::HistoryPoint::kTimeUnixMs: {
      // Times follow seq order (the room stamps records as it sequences
      // them), so the versions made at or before t are a prefix.
      const int64_t t = point->time_unix_ms();
      auto it = std::partition_point(versions.begin(), versions.end(),
                                     [t](const Version& v) { return v.time_unix_ms <= t; });
      if (it == versions.begin()) {
        return error(kenes::v1::ERROR_CODE_HISTORY_POINT,
                     "time " + std::to_string(t) + " is before the document existed (its first edit was at " +
                         std::to_string(versions.front().time_unix_ms) + " ms)");
      }
      *version = static_cast<uint64_t>(it - versions.begin());
      return std::nullopt;
    }
    case kenes::v1::HistoryPoint::kMeetingStarted: {
      auto m = meetings.find(point->meeting_started());
      if (m == meetings.end()) {
        return error(kenes::v1::ERROR_CODE_NOT_FOUND, "no meeting " + point->meeting_started());
      }
      const uint64_t seq = m->second;
      auto it = std::partition_point(versions.begin(), versions.end(), [seq](const Version& v) { return v.seq <= seq; });
      *version = static_cast<uint64_t>(it - versions.begin());
      return std::nullopt;
    }
    default:
      return error(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "unknown kind of history point");
  }
}

namespace {

// Reads the TextEdits at `seqs` (in order) and calls `fn` with each: one
// scan of the log range when the document's edits are dense in it, point
// reads when they are sparse (another document took most of the log).
std::optional<HistoryError> read_edits(storage::Log& log, const std::string& consultation,
                                       const std::vector<uint64_t>& seqs,
                                       const std::function<std::optional<HistoryError>(const kenes::v1::LogRecord&)>& fn) {
  if (seqs.empty()) return std::nullopt;
  auto visit = [&](uint64_t seq, std::string_view payload) -> std::optional<HistoryError> {
    kenes::v1::LogRecord rec;
    if (!rec.ParseFromArray(payload.data(), static_cast<int>(payload.size())) || !rec.has_text_edit()) {
      return error(kenes::v1::ERROR_CODE_INTERNAL, "record " + std::to_string(seq) + " is not the edit the index names");
    }
    rec.set_seq(seq);
    return fn(rec);
  };
  const uint64_t span = seqs.back() - seqs.front() + 1;
  if (span / seqs.size() > 16) {
    for (uint64_t seq : seqs) {
      auto r = log.read(consultation, seq, 1);
      if (!r.ok()) return storage_error(r.status());
      if (r.value().empty()) return error(kenes::v1::ERROR_CODE_INTERNAL, "record " + std::to_string(seq) + " is gone");
      if (auto e = visit(seq, r.value().front().payload)) return e;
    }
    return std::nullopt;
  }
  size_t next = 0;
  std::optional<HistoryError> failed;
  storage::Status s = log.replay(consultation, seqs.front(), [&](const storage::RecordView& r) -> storage::Status {
    if (r.seq != seqs[next]) return storage::Status();
    failed = visit(r.seq, r.payload);
    if (failed || ++next == seqs.size()) return storage::Status(storage::Code::kNotFound, "stop");
    return storage::Status();
  });
  if (failed) return failed;
  if (next < seqs.size()) {
    if (!s.ok()) return storage_error(s);
    return error(kenes::v1::ERROR_CODE_INTERNAL, "the log ends before record " + std::to_string(seqs[next]));
  }
  return std::nullopt;
}

// The one replay loop of the three questions. The edits at `seqs` are
// versions from + 1, from + 2, ... of the document; each is shown to `each`
// (if any) with its version and the text it applies to, then applied to
// `text`, which holds version `from` on entry.
using EditVisitor = std::function<std::optional<HistoryError>(const kenes::v1::LogRecord& rec, const engine::TextOp& op,
                                                              uint64_t version, const engine::Rope& before)>;
std::optional<HistoryError> apply_edits(storage::Log& log, const std::string& consultation,
                                        const std::vector<uint64_t>& seqs, uint64_t from, engine::Rope& text,
                                        const EditVisitor& each) {
  uint64_t version = from;
  return read_edits(log, consultation, seqs, [&](const kenes::v1::LogRecord& rec) -> std::optional<HistoryError> {
    auto op = consultation::op_from_proto(rec.text_edit().op());
    if (!op.ok()) return error(kenes::v1::ERROR_CODE_INTERNAL, op.status().message());
    ++version;
    if (each) {
      if (auto e = each(rec, op.value(), version, text)) return e;
    }
    engine::Status s = engine::apply(op.value(), text);
    if (!s.ok()) return error(kenes::v1::ERROR_CODE_INTERNAL, "record " + std::to_string(rec.seq()) + ": " + s.message());
    return std::nullopt;
  });
}

std::optional<HistoryError> bad_doc_id(const std::string& doc_id) {
  if (consultation::valid_document_id(doc_id)) return std::nullopt;
  return error(kenes::v1::ERROR_CODE_INVALID_ARGUMENT,
               "doc_id must be 1-128 characters of A-Z a-z 0-9 . _ / - (e.g. indicator/R.1.1)");
}

HistoryError unknown_doc(const std::string& doc_id) {
  return error(kenes::v1::ERROR_CODE_NOT_FOUND, "document " + doc_id + " has no history: it was never edited");
}

}  // namespace

std::string DocumentHistory::answer_key(char kind, const std::string& doc_id, uint64_t a, uint64_t b) {
  return std::string(1, kind) + '\0' + std::to_string(a) + '\0' + std::to_string(b) + '\0' + doc_id;
}

void DocumentHistory::keep(const std::string& key, const std::function<void(kenes::v1::ServerMessage&)>& fill) {
  auto m = std::make_shared<kenes::v1::ServerMessage>();
  fill(*m);
  answers_.put(key, std::move(m));
}

std::optional<HistoryError> DocumentHistory::answer(const kenes::v1::ClientMessage& request,
                                                    const MeetingSeqs& meetings, kenes::v1::ServerMessage* out) {
  out->set_request_id(request.request_id());
  Answering answering(*this);
  switch (request.kind_case()) {
    case kenes::v1::ClientMessage::kGetDocumentAt:
      return answer_at(request.get_document_at(), meetings, out->mutable_document_at());
    case kenes::v1::ClientMessage::kGetDocumentDiff:
      return answer_diff(request.get_document_diff(), meetings, out->mutable_document_diff());
    case kenes::v1::ClientMessage::kGetDocumentBlame:
      return answer_blame(request.get_document_blame(), meetings, out->mutable_document_blame());
    default:
      return error(kenes::v1::ERROR_CODE_UNKNOWN_MESSAGE, "not a history request");
  }
}

std::optional<HistoryError> DocumentHistory::answer_at(const kenes::v1::GetDocumentAt& req,
                                                       const MeetingSeqs& meetings, kenes::v1::DocumentAt* out) {
  if (auto e = bad_doc_id(req.doc_id())) return e;
  if (auto e = ensure_loaded()) return e;
  uint64_t version = 0, latest = 0;
  {
    std::lock_guard lock(mu_);
    auto it = docs_.find(req.doc_id());
    if (it == docs_.end()) return unknown_doc(req.doc_id());
    if (auto e = resolve_locked(it->second, req.has_at() ? &req.at() : nullptr, meetings, &version)) return e;
    latest = it->second.size();
    if (version > 0) {
      const Version& v = it->second[version - 1];
      out->set_time_unix_ms(v.time_unix_ms);
      out->set_author(authors_[v.author]);
    }
  }
  const std::string key = answer_key('a', req.doc_id(), version, 0);
  if (auto hit = answers_.get(key)) {
    *out = hit->document_at();
    out->set_latest_version(latest);  // the one part that moves with the log
    return std::nullopt;
  }
  // Start from the latest snapshot at or before the version, if it is sound;
  // a snapshot is only a cache, so anything odd means "start from empty".
  engine::Rope text;
  uint64_t from = 0;
  auto snap = log_.load_snapshot_at_or_before(consultation_id_, "doc/" + req.doc_id(), version);
  if (snap.ok() && snap.value()) {
    kenes::v1::DocumentSnapshot ds;
    if (ds.ParseFromString(snap.value()->bytes) && ds.doc_id() == req.doc_id() && ds.version() <= version &&
        ds.version() == snap.value()->version && engine::is_valid_utf8(ds.text())) {
      text = engine::Rope(ds.text());
      from = ds.version();
    }
  }
  std::vector<uint64_t> seqs;
  {
    std::lock_guard lock(mu_);
    const auto& versions = docs_.at(req.doc_id());
    for (uint64_t v = from + 1; v <= version; ++v) seqs.push_back(versions[v - 1].seq);
  }
  if (auto e = apply_edits(log_, consultation_id_, seqs, from, text, nullptr)) return e;
  out->set_doc_id(req.doc_id());
  out->set_version(version);
  out->set_text(text.to_string());
  out->set_latest_version(latest);
  keep(key, [&](kenes::v1::ServerMessage& m) { *m.mutable_document_at() = *out; });
  return std::nullopt;
}

std::optional<HistoryError> DocumentHistory::answer_blame(const kenes::v1::GetDocumentBlame& req,
                                                          const MeetingSeqs& meetings, kenes::v1::DocumentBlame* out) {
  if (auto e = bad_doc_id(req.doc_id())) return e;
  if (auto e = ensure_loaded()) return e;
  uint64_t version = 0;
  std::vector<uint64_t> seqs;
  {
    std::lock_guard lock(mu_);
    auto it = docs_.find(req.doc_id());
    if (it == docs_.end()) return unknown_doc(req.doc_id());
    if (auto e = resolve_locked(it->second, req.has_at() ? &req.at() : nullptr, meetings, &version)) return e;
    for (uint64_t v = 1; v <= version; ++v) seqs.push_back(it->second[v - 1].seq);
  }
  const std::string key = answer_key('b', req.doc_id(), version, 0);
  if (auto hit = answers_.get(key)) {
    *out = hit->document_blame();
    return std::nullopt;
  }
  engine::Rope text;
  engine::Blame blame;
  auto blame_each = [&](const kenes::v1::LogRecord& rec, const engine::TextOp& op, uint64_t,
                        const engine::Rope&) -> std::optional<HistoryError> {
    engine::Status s = blame.apply(op, edit_authors(rec));
    if (!s.ok()) return error(kenes::v1::ERROR_CODE_INTERNAL, "record " + std::to_string(rec.seq()) + ": " + s.message());
    return std::nullopt;
  };
  if (auto e = apply_edits(log_, consultation_id_, seqs, 0, text, blame_each)) return e;
  out->set_doc_id(req.doc_id());
  out->set_version(version);
  out->set_text(text.to_string());
  for (const auto& run : blame.runs()) {
    auto* r = out->add_runs();
    r->set_length(run.length);
    for (const auto& a : run.authors) r->add_authors(a);
  }
  keep(key, [&](kenes::v1::ServerMessage& m) { *m.mutable_document_blame() = *out; });
  return std::nullopt;
}

std::optional<HistoryError> DocumentHistory::answer_diff(const kenes::v1::GetDocumentDiff& req,
                                                         const MeetingSeqs& meetings, kenes::v1::DocumentDiff* out) {
  if (auto e = bad_doc_id(req.doc_id())) return e;
  if (!req.has_from() || req.from().at_case() == kenes::v1::HistoryPoint::AT_NOT_SET) {
    return error(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "a diff needs a `from` point");
  }
  if (auto e = ensure_loaded()) return e;
  uint64_t from = 0, to = 0;
  std::vector<uint64_t> seqs;
  {
    std::lock_guard lock(mu_);
    auto it = docs_.find(req.doc_id());
    if (it == docs_.end()) return unknown_doc(req.doc_id());
    if (auto e = resolve_locked(it->second, &req.from(), meetings, &from)) return e;
    if (auto e = resolve_locked(it->second, req.has_to() ? &req.to() : nullptr, meetings, &to)) return e;
    if (from > to) {
      return error(kenes::v1::ERROR_CODE_INVALID_ARGUMENT, "`from` (version " + std::to_string(from) +
                                                               ") is after `to` (version " + std::to_string(to) + ")");
    }
    for (uint64_t v = 1; v <= to; ++v) seqs.push_back(it->second[v - 1].seq);
  }
  const std::string key = answer_key('d', req.doc_id(), from, to);
  if (auto hit = answers_.get(key)) {
    *out = hit->document_diff();
    return std::nullopt;
  }
  // One replay to `to`: the text at `from` on the way, the ops after it, and
  // blame at `to` for the authors of what is there.
  engine::Rope text;
  engine::Blame blame;
  std::string earlier;
  bool have_earlier = false;
  std::vector<engine::TextOp> ops;
  auto diff_each = [&](const kenes::v1::LogRecord& rec, const engine::TextOp& op, uint64_t version,
                       const engine::Rope& before) -> std::optional<HistoryError> {
    if (version == from + 1) {
      earlier = before.to_string();
      have_earlier = true;
    }
    engine::Status s = blame.apply(op, edit_authors(rec));
    if (!s.ok()) return error(kenes::v1::ERROR_CODE_INTERNAL, "record " + std::to_string(rec.seq()) + ": " + s.message());
    if (version > from) ops.push_back(op);
    return std::nullopt;
  };
  if (auto e = apply_edits(log_, consultation_id_, seqs, 0, text, diff_each)) return e;
  if (!have_earlier) earlier = text.to_string();  // no edit after `from`: it is the latest text
  const engine::TextOp change = compose_all(ops, 0, ops.size());

  out->set_doc_id(req.doc_id());
  out->set_from_version(from);
  out->set_to_version(to);
  SegmentWriter segments(out);
  RunCursor runs(blame.runs());
  static const std::vector<std::string> kNobody;
  size_t cursor = 0;  // bytes into `earlier`
  auto kept = [&](uint64_t n) {
    while (n > 0) {
      const std::vector<std::string>* authors = nullptr;
      uint64_t k = runs.next(n, &authors);
      segments.add(kenes::v1::DiffSegment::KIND_EQUAL, take(earlier, &cursor, k), *authors);
      n -= k;
    }
  };
  for (const auto& c : change.components()) {
    if (const auto* r = std::get_if<engine::Retain>(&c)) {
      kept(r->n);
    } else if (const auto* d = std::get_if<engine::Delete>(&c)) {
      segments.add(kenes::v1::DiffSegment::KIND_DELETED, take(earlier, &cursor, d->n), kNobody);
    } else {
      const auto& ins = std::get<engine::Insert>(c);
      size_t at = 0;
      uint64_t n = ins.length;
      while (n > 0) {
        const std::vector<std::string>* authors = nullptr;
        uint64_t k = runs.next(n, &authors);
        segments.add(kenes::v1::DiffSegment::KIND_INSERTED, take(ins.text, &at, k), *authors);
        n -= k;
      }
    }
  }
  kept(engine::count_code_points(std::string_view(earlier).substr(cursor)));
  keep(key, [&](kenes::v1::ServerMessage& m) { *m.mutable_document_diff() = *out; });
  return std::nullopt;
}

}  // namespace kenes::replay
