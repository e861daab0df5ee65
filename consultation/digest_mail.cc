#include "consultation/digest_mail.h"

#include "engine/utf8.h"

namespace kenes::consultation {

namespace {

// At most `max` code points of the first lines of a comment, on one line.
std::string excerpt(const std::string& body, size_t max) {
  std::string flat;
  for (char c : body) flat += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  size_t points = 0;
  size_t i = 0;
  while (i < flat.size() && points < max) {
    unsigned char c = static_cast<unsigned char>(flat[i]);
    i += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    ++points;
  }
  if (i >= flat.size()) return flat;
  return flat.substr(0, i) + "…";
}

}  // namespace

DigestMailText digest_mail_text(const std::string& consultation_id, const std::string& consultation_title,
                                const std::string& public_url, const std::vector<DigestItem>& items,
                                const std::function<std::string(const std::string&)>& name_of) {
  const std::string title = consultation_title.empty() ? consultation_id : consultation_title;
  DigestMailText out;
  out.subject = "[Kenes] " + title + ": " + std::to_string(items.size()) +
                (items.size() == 1 ? " new comment for you" : " new comments for you");
  std::string& b = out.body;
  b += "What happened in \"" + title + "\" since your last digest:\n\n";
  for (const DigestItem& item : items) {
    const std::string who = name_of(item.author);
    const std::string where = item.indicator_id.empty() ? item.doc_id : "indicator " + item.indicator_id;
    switch (item.kind) {
      case DigestItem::Kind::kMention: b += "* " + who + " mentioned you (" + where + "):\n"; break;
      case DigestItem::Kind::kReply: b += "* " + who + " replied in a thread you follow (" + where + "):\n"; break;
      case DigestItem::Kind::kNewThreadOnAssigned:
        b += "* " + who + " started a thread on your indicator (" + where + "):\n";
        break;
    }
    if (!item.body.empty()) b += "  \"" + excerpt(item.body, 200) + "\"\n";
    b += "  " + thread_link(public_url, consultation_id, item.indicator_id, item.doc_id, item.thread_id) + "\n\n";
  }
  b += "--\nYou receive this because you turned on the e-mail digest in Kenes.\n"
       "To change how often, or to stop it: Notifications, in the consultation's page.\n";
  return out;
}

}  // namespace kenes::consultation
