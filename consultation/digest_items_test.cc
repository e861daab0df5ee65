// The digest's contents as a pure function of log records: who gets what,
// what is left out, and the links and mail text built from it.

#include "consultation/digest_items.h"

#include <gtest/gtest.h>

#include <deque>

#include "consultation/digest_mail.h"
#include "consultation/digest_state.h"

namespace kenes::consultation {
namespace {

using kenes::v1::LogRecord;

// A tiny log: records get seqs 1, 2, ... and are folded into a DigestState.
class Log {
 public:
  LogRecord& thread(const std::string& author, const std::string& thread_id, const std::string& indicator,
                    const std::string& body, std::vector<std::string> mentions = {}) {
    LogRecord& r = next(author);
    auto* t = r.mutable_thread_created();
    t->set_thread_id(thread_id);
    t->set_first_comment_id("c-" + thread_id);
    t->mutable_target()->set_indicator_id(indicator);
    t->set_body(body);
    for (auto& m : mentions) t->add_mentions(m);
    return fold(r);
  }
  LogRecord& reply(const std::string& author, const std::string& thread_id, const std::string& comment_id,
                   const std::string& body, std::vector<std::string> mentions = {}) {
    LogRecord& r = next(author);
    auto* c = r.mutable_comment_added();
    c->set_thread_id(thread_id);
    c->set_comment_id(comment_id);
    c->set_body(body);
    for (auto& m : mentions) c->add_mentions(m);
    return fold(r);
  }
  LogRecord& edit(const std::string& author, const std::string& thread_id, const std::string& comment_id,
                  const std::string& body, std::vector<std::string> mentions) {
    LogRecord& r = next(author);
    auto* c = r.mutable_comment_edited();
    c->set_thread_id(thread_id);
    c->set_comment_id(comment_id);
    c->set_body(body);
    for (auto& m : mentions) c->add_mentions(m);
    return fold(r);
  }
  void remove(const std::string& author, const std::string& thread_id, const std::string& comment_id) {
    LogRecord& r = next(author);
    r.mutable_comment_deleted()->set_thread_id(thread_id);
    r.mutable_comment_deleted()->set_comment_id(comment_id);
    fold(r);
  }
  void hide(const std::string& thread_id, const std::string& comment_id) {
    LogRecord& r = next("chair");
    r.mutable_comment_hidden()->set_thread_id(thread_id);
    r.mutable_comment_hidden()->set_comment_id(comment_id);
    r.mutable_comment_hidden()->set_reason("off topic");
    fold(r);
  }
  // The records after `seq`.
  std::vector<LogRecord> after(uint64_t seq) const {
    return std::vector<LogRecord>(records_.begin() + static_cast<long>(seq), records_.end());
  }
  const DigestState& state() const { return state_; }
  DigestState& mutable_state() { return state_; }
  uint64_t head() const { return records_.size(); }

 private:
  LogRecord& next(const std::string& author) {
    records_.emplace_back();
    LogRecord& r = records_.back();
    r.set_seq(records_.size());
    r.set_author(author);
    r.set_time_unix_ms(1000 * static_cast<int64_t>(records_.size()));
    return r;
  }
  LogRecord& fold(LogRecord& r) {
    EXPECT_TRUE(state_.apply(r).ok());
    return r;
  }
  std::deque<LogRecord> records_;
  DigestState state_;
};

std::vector<std::string> comment_ids(const std::vector<DigestItem>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.comment_id);
  return out;
}

TEST(DigestItemsTest, MentionsAndRepliesInMyThreadsButNothingOfMine) {
  Log log;
  log.thread("aigerim", "thread-1", "R.1", "My question");
  log.reply("bolat", "thread-1", "comment-2", "An answer");                       // reply in my thread
  log.thread("bolat", "thread-2", "R.2", "@Aigerim look", {"aigerim"});          // mention
  log.reply("aigerim", "thread-1", "comment-4", "Thanks");                        // mine
  log.thread("bolat", "thread-3", "R.3", "Unrelated");                            // nothing to me
  log.reply("chair", "thread-3", "comment-6", "Also unrelated");
  auto items = digest_items("aigerim", log.after(0), log.state(), {});
  ASSERT_EQ(comment_ids(items), (std::vector<std::string>{"comment-2", "c-thread-2"}));
  EXPECT_EQ(items[0].kind, DigestItem::Kind::kReply);
  EXPECT_EQ(items[0].author, "bolat");
  EXPECT_EQ(items[0].indicator_id, "R.1");
  EXPECT_EQ(items[1].kind, DigestItem::Kind::kMention);
  EXPECT_EQ(items[1].body, "@Aigerim look");
}

TEST(DigestItemsTest, ARepliesCountOnlyAfterIJoinedTheThread) {
  Log log;
  log.thread("bolat", "thread-1", "R.1", "Start");
  log.reply("chair", "thread-1", "comment-2", "Before I came");
  log.reply("aigerim", "thread-1", "comment-3", "I join");
  log.reply("chair", "thread-1", "comment-4", "After I came");
  EXPECT_EQ(comment_ids(digest_items("aigerim", log.after(0), log.state(), {})),
            (std::vector<std::string>{"comment-4"}));
}

TEST(DigestItemsTest, OnlyRecordsAfterTheLastDigestCount) {
  Log log;
  log.thread("aigerim", "thread-1", "R.1", "Q");
  log.reply("bolat", "thread-1", "comment-2", "first");
  const uint64_t last_digest = log.head();
  log.reply("bolat", "thread-1", "comment-3", "second");
  EXPECT_EQ(comment_ids(digest_items("aigerim", log.after(last_digest), log.state(), {})),
            (std::vector<std::string>{"comment-3"}));
}

TEST(DigestItemsTest, NewThreadsOnMyAssignedIndicators) {
  Log log;
  log.thread("bolat", "thread-1", "R.1", "On my indicator");
  log.thread("bolat", "thread-2", "R.2", "Not mine");
  auto items = digest_items("aigerim", log.after(0), log.state(), {"R.1"});
  ASSERT_EQ(comment_ids(items), (std::vector<std::string>{"c-thread-1"}));
  EXPECT_EQ(items[0].kind, DigestItem::Kind::kNewThreadOnAssigned);
}

TEST(DigestItemsTest, DeletedAndHiddenCommentsAreLeftOut) {
  Log log;
  log.thread("aigerim", "thread-1", "R.1", "Q");
  log.reply("bolat", "thread-1", "comment-2", "deleted later");
  log.reply("bolat", "thread-1", "comment-3", "hidden later");
  log.reply("bolat", "thread-1", "comment-4", "stays");
  log.remove("bolat", "thread-1", "comment-2");
  log.hide("thread-1", "comment-3");
  EXPECT_EQ(comment_ids(digest_items("aigerim", log.after(0), log.state(), {})),
            (std::vector<std::string>{"comment-4"}));
}

TEST(DigestItemsTest, OneItemPerCommentAndAnEditThatMentionsMeUpgradesIt) {
  Log log;
  log.thread("aigerim", "thread-1", "R.1", "Q");
  log.reply("bolat", "thread-1", "comment-2", "a reply");
  log.edit("bolat", "thread-1", "comment-2", "a reply, @Aigerim", {"aigerim"});
  log.thread("chair", "thread-2", "R.1", "a mention on my indicator", {"aigerim"});
  auto items = digest_items("aigerim", log.after(0), log.state(), {"R.1"});
  ASSERT_EQ(comment_ids(items), (std::vector<std::string>{"comment-2", "c-thread-2"}));
  EXPECT_EQ(items[0].kind, DigestItem::Kind::kMention);
  EXPECT_EQ(items[0].body, "a reply, @Aigerim");
  EXPECT_EQ(items[1].kind, DigestItem::Kind::kMention);
}

TEST(DigestItemsTest, AnEditThatKeepsAnEarlierMentionIsNotNewsAgain) {
  Log log;
  log.thread("bolat", "thread-1", "R.1", "@Aigerim?", {"aigerim"});
  const uint64_t last_digest = log.head();  // that mention was mailed
  log.edit("bolat", "thread-1", "c-thread-1", "@Aigerim, typo fixed", {"aigerim"});
  EXPECT_TRUE(digest_items("aigerim", log.after(last_digest), log.state(), {}).empty());
  // Across a snapshot too: the index keeps who was mentioned first when.
  DigestState reloaded;
  ASSERT_TRUE(reloaded.load_snapshot(log.state().snapshot_bytes()).ok());
  EXPECT_TRUE(digest_items("aigerim", log.after(last_digest), reloaded, {}).empty());
}

TEST(DigestItemsTest, ThreadLinksFollowTheBrowserRoutes) {
  EXPECT_EQ(thread_link("https://kenes.example/", "demo", "R.1.1", "", "thread-7"),
            "https://kenes.example/c/demo/i/R.1.1#thread-7");
  EXPECT_EQ(thread_link("http://127.0.0.1:8080", "demo", "R.1", "indicator/R.1", "thread-2"),
            "http://127.0.0.1:8080/c/demo/i/R.1#thread-2");
  EXPECT_EQ(thread_link("https://k.example", "demo", "", "recommendation/R/academia", "thread-3"),
            "https://k.example/c/demo/r/R/academia#thread-3");
  EXPECT_EQ(thread_link("https://k.example", "demo", "a b/c", "", "thread-1"),
            "https://k.example/c/demo/i/a%20b%2Fc#thread-1");
}

TEST(DigestStateTest, SettingsLastDigestAndSnapshotRoundTrip) {
  Log log;
  DigestState& state = log.mutable_state();
  LogRecord on;
  on.set_seq(log.head() + 1);
  on.set_author("aigerim");
  on.mutable_notification_settings_set()->set_email("a@example.org");
  on.mutable_notification_settings_set()->set_period(kenes::v1::DIGEST_PERIOD_DAILY);
  ASSERT_TRUE(state.apply(on).ok());
  log.thread("aigerim", "thread-1", "R.1", "Q");
  LogRecord sent;
  sent.set_seq(10);
  sent.set_time_unix_ms(12345);
  sent.mutable_digest_sent()->set_participant_id("aigerim");
  sent.mutable_digest_sent()->set_up_to_seq(9);
  sent.mutable_digest_sent()->set_items(2);
  ASSERT_TRUE(state.apply(sent).ok());
  const DigestSettings* s = state.settings_of("aigerim");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->enabled());
  EXPECT_EQ(s->enabled_seq, 1u);
  EXPECT_EQ(s->covered_seq(), 9u);
  EXPECT_EQ(s->last_sent_unix_ms, 12345);

  DigestState copy;
  ASSERT_TRUE(copy.load_snapshot(state.snapshot_bytes()).ok());
  ASSERT_NE(copy.settings_of("aigerim"), nullptr);
  EXPECT_EQ(copy.settings_of("aigerim")->covered_seq(), 9u);
  EXPECT_EQ(copy.settings_of("aigerim")->last_sent_unix_ms, 12345);
  ASSERT_NE(copy.thread("thread-1"), nullptr);
  EXPECT_EQ(copy.thread("thread-1")->creator, "aigerim");

  LogRecord off = on;
  off.set_seq(11);
  off.mutable_notification_settings_set()->set_period(kenes::v1::DIGEST_PERIOD_OFF);
  ASSERT_TRUE(state.apply(off).ok());
  EXPECT_FALSE(state.settings_of("aigerim")->enabled());

  LogRecord nobody;
  nobody.set_seq(12);
  nobody.mutable_digest_sent()->set_up_to_seq(3);
  EXPECT_FALSE(state.apply(nobody).ok());
}

TEST(DigestMailTest, NamesPeopleByDisplayNameAndLinksEveryThread) {
  Log log;
  log.thread("aigerim", "thread-1", "R.1", "Q");
  log.reply("bolat", "thread-1", "comment-2", "Жауап: келісемін.\nЕкінші жол");
  auto items = digest_items("aigerim", log.after(0), log.state(), {});
  auto text = digest_mail_text("demo", "Kazakhstan ROAM-X", "https://k.example", items,
                               [](const std::string& id) { return id == "bolat" ? "Болат Сәрсенов" : id; });
  EXPECT_NE(text.subject.find("1 new comment"), std::string::npos);
  EXPECT_NE(text.body.find("Болат Сәрсенов replied"), std::string::npos) << text.body;
  EXPECT_NE(text.body.find("\"Жауап: келісемін. Екінші жол\""), std::string::npos) << text.body;
  EXPECT_NE(text.body.find("https://k.example/c/demo/i/R.1#thread-1"), std::string::npos);
  EXPECT_EQ(text.body.find('@'), std::string::npos) << "no address in the mail's text";
}

}  // namespace
}  // namespace kenes::consultation
