#include "consultation/digest_items.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace kenes::consultation {

using kenes::v1::LogRecord;

namespace {

bool mentions(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& who) {
  return std::find(list.begin(), list.end(), who) != list.end();
}

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::vector<DigestItem> digest_items(const std::string& me, const std::vector<LogRecord>& records,
                                     const DigestState& threads, const std::set<std::string>& assigned) {
  std::vector<DigestItem> items;
  std::map<std::string, size_t> by_comment;  // comment id -> index in items
  auto add = [&](DigestItem::Kind kind, const LogRecord& rec, const std::string& thread_id,
                 const std::string& comment_id, const std::string& body) {
    const DigestComment* c = threads.comment(comment_id);
    if (c && c->gone) return;
    auto found = by_comment.find(comment_id);
    if (found != by_comment.end()) {
      DigestItem& earlier = items[found->second];
      // A later edit that mentions me upgrades the item and shows the new text.
      if (kind == DigestItem::Kind::kMention) {
        earlier.kind = kind;
        earlier.body = body;
      }
      return;
    }
    const DigestThread* t = threads.thread(thread_id);
    DigestItem item;
    item.kind = kind;
    item.seq = rec.seq();
    item.time_unix_ms = rec.time_unix_ms();
    item.author = rec.author();
    item.thread_id = thread_id;
    item.comment_id = comment_id;
    if (t) {
      item.indicator_id = t->indicator_id;
      item.doc_id = t->doc_id;
    }
    item.body = body;
    by_comment.emplace(comment_id, items.size());
    items.push_back(std::move(item));
  };

  for (const LogRecord& rec : records) {
    if (rec.author() == me) continue;
    switch (rec.event_case()) {
      case LogRecord::kThreadCreated: {
        const auto& t = rec.thread_created();
        if (mentions(t.mentions(), me)) {
          add(DigestItem::Kind::kMention, rec, t.thread_id(), t.first_comment_id(), t.body());
        } else if (!t.target().indicator_id().empty() && assigned.count(t.target().indicator_id())) {
          add(DigestItem::Kind::kNewThreadOnAssigned, rec, t.thread_id(), t.first_comment_id(), t.body());
        }
        break;
      }
      case LogRecord::kCommentAdded: {
        const auto& c = rec.comment_added();
        if (mentions(c.mentions(), me)) {
          add(DigestItem::Kind::kMention, rec, c.thread_id(), c.comment_id(), c.body());
          break;
        }
        const DigestThread* t = threads.thread(c.thread_id());
        if (!t) break;
        auto mine = t->first_comment_seq.find(me);
        if (mine != t->first_comment_seq.end() && mine->second < rec.seq()) {
          add(DigestItem::Kind::kReply, rec, c.thread_id(), c.comment_id(), c.body());
        }
        break;
      }
      case LogRecord::kCommentEdited: {
        // Only an edit that mentions me for the first time is news; one that
        // keeps an earlier mention (a typo fixed) was mailed already.
        const auto& c = rec.comment_edited();
        if (!mentions(c.mentions(), me)) break;
        const DigestComment* comment = threads.comment(c.comment_id());
        if (comment) {
          auto first = comment->first_mentioned_seq.find(me);
          if (first != comment->first_mentioned_seq.end() && first->second < rec.seq()) break;
        }
        add(DigestItem::Kind::kMention, rec, c.thread_id(), c.comment_id(), c.body());
        break;
      }
      default:
        break;
    }
  }
  return items;
}

std::string thread_link(const std::string& public_url, const std::string& consultation_id,
                        const std::string& indicator_id, const std::string& doc_id, const std::string& thread_id) {
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string path = base + "/c/" + percent_encode(consultation_id);
  constexpr std::string_view kRecommendation = "recommendation/";
  if (doc_id.rfind(kRecommendation, 0) == 0) {
    std::string rest = doc_id.substr(kRecommendation.size());
    auto slash = rest.find('/');
    if (slash != std::string::npos) {
      path += "/r/" + percent_encode(rest.substr(0, slash)) + "/" + percent_encode(rest.substr(slash + 1));
    }
  } else if (!indicator_id.empty()) {
    path += "/i/" + percent_encode(indicator_id);
  }
  return path + "#" + percent_encode(thread_id);
}

}  // namespace kenes::consultation
