// Edited questions and regenerated answers kept as versions ("‹ 1/2 ›"): the tree operations,
// the chat file (schema 2, and a schema 1 file written by the previous app still loads), the
// worker's session following the version shown (it rewinds to the first changed turn and
// answers exactly as a fresh session that read that path), and the controller end to end.

#include "chat_controller.h"
#include "conversation_branches.h"
#include "conversation_json.h"
#include "conversation_store.h"
#include "image_loader.h"
#include "settings_sandbox.h"
#include "worker_harness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace nanovlm::app;
using nanovlm::test::kWorkerWaitMs;
using nanovlm::test::wait_for;
using Worker = nanovlm::test::WorkerOnThread;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kModel = kFixtures + "/parity/main/ckpt";
const QString kTokenizer = kFixtures + "/tokenizer/tokenizer.json";
const QString kImage = kFixtures + "/parity/main/300x200/image.png";
const QString kSchema1Chats = kFixtures + "/chats-schema1";
const QString kSchema1Id = "4e7fc51f-2105-4163-9035-e33e64f56772";

ConversationTurn turn(const QString& question, const QString& answer) {
    ConversationTurn t;
    t.question = question;
    t.answer.state = AnswerRecord::State::Done;
    t.answer.text = answer;
    t.answer.prompt_read = true;
    return t;
}

QStringList path_text(const QList<ConversationTurn>& turns) {
    QStringList out;
    for (const ConversationTurn& t : turns) {
        out << t.question + " → " + t.answer.text;
    }
    return out;
}

bool copy_tree(const QString& from, const QString& to) {
    QDir source(from);
    QDir().mkpath(to);
    for (const QFileInfo& info : source.entryInfoList(QDir::AllEntries | QDir::NoDotAndDotDot)) {
        const QString target = to + "/" + info.fileName();
        if (info.isDir() ? !copy_tree(info.filePath(), target)
                         : !QFile::copy(info.filePath(), target)) {
            return false;
        }
    }
    return true;
}

ChatRequest question(quint64 id, const QString& text, const QStringList& images = {}) {
    ChatRequest r;
    r.id = id;
    r.question = text;
    for (const QString& file : images) {
        r.images.push_back(read_image(file, nullptr).value_or(QImage()));
    }
    r.generation.max_new_tokens = 6;
    r.generation.sampling.greedy = true;
    r.threads = 1;
    r.conversation = "chat";
    return r;
}

ConversationTurn turn_of(const ChatRequest& request, const QStringList& images,
                         const AnswerResult& result) {
    ConversationTurn t;
    t.question = request.question;
    t.images = images;
    t.answer.state = result.ending == AnswerResult::Ending::EndOfAnswer
                         ? AnswerRecord::State::Done
                         : AnswerRecord::State::Truncated;
    t.answer.ids = result.ids;
    t.answer.prompt_read = result.prompt_tokens > 0;
    t.answer.model_directory = QFileInfo(kModel).absoluteFilePath();
    return t;
}

} // namespace

class TestBranches : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(nanovlm::test::sandbox_settings(settings_dir_, "tst_branches")); }

    void editsAndRegenerationsKeepEveryVersion() {
        QList<ConversationTurn> turns = {turn("Q1", "A1"), turn("Q2", "A2"), turn("Q3", "A3")};
        QVERIFY(add_question_version(turns, 1, turn("Q2 edited", "")));
        QCOMPARE(turns.size(), 2);
        QCOMPARE(turns[1].question, QString("Q2 edited"));
        QCOMPARE(turns[1].question_version, 1);
        QCOMPARE(turns[1].questionVersionCount(), 2);
        turns[1].answer.text = "B2";
        turns.push_back(turn("Q4", "B4"));

        // Regenerate the last answer; the first answer to Q4 stays a version.
        QVERIFY(add_answer_version(turns, 2));
        QCOMPARE(turns.size(), 3);
        QCOMPARE(turns[2].answer.text, QString());
        QCOMPARE(turns[2].answer_version, 1);
        turns[2].answer.text = "C4";

        // Back to the first version of question 2: its whole continuation returns.
        QVERIFY(show_version(turns, 1, VersionKind::Question, 0));
        QCOMPARE(path_text(turns), QStringList({"Q1 → A1", "Q2 → A2", "Q3 → A3"}));
        QCOMPARE(turns[1].question_version, 0);
        QCOMPARE(turns[1].questionVersionCount(), 2);
        QVERIFY(!show_version(turns, 1, VersionKind::Question, 2)); // out of range: no change
        QCOMPARE(turns.size(), 3);

        // And forward again, with the answer version chosen there kept.
        QVERIFY(show_version(turns, 1, VersionKind::Question, 1));
        QCOMPARE(path_text(turns), QStringList({"Q1 → A1", "Q2 edited → B2", "Q4 → C4"}));
        QVERIFY(show_version(turns, 2, VersionKind::Answer, 0));
        QCOMPARE(path_text(turns), QStringList({"Q1 → A1", "Q2 edited → B2", "Q4 → B4"}));
        QCOMPARE(turns[2].answerVersionCount(), 2);
        // The question's versions stay with the question whichever answer is shown.
        QCOMPARE(turns[1].questionVersionCount(), 2);
        QVERIFY(show_version(turns, 1, VersionKind::Question, 0));
        QVERIFY(show_version(turns, 1, VersionKind::Question, 1));
        QCOMPARE(path_text(turns), QStringList({"Q1 → A1", "Q2 edited → B2", "Q4 → B4"}));
    }

    void versionsSurviveTheChatFile() {
        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        Conversation c;
        c.id = "branched";
        c.title = "Q1";
        c.turns = {turn("Q1", "A1"), turn("Q2", "A2")};
        c.turns[0].images = {*store.addImage(kImage, nullptr)};
        QVERIFY(add_question_version(c.turns, 0, turn("Q1 edited", "")));
        c.turns[0].images = {*store.addImage(kImage, nullptr)};
        c.turns[0].answer = turn("", "B1").answer;
        QVERIFY(add_answer_version(c.turns, 0));
        c.turns[0].answer = turn("", "C1").answer;
        QString error;
        QVERIFY2(store.save(c, &error), qPrintable(error));

        const auto loaded = store.load(store.pathOf(c.id));
        QVERIFY2(loaded.conversation, qPrintable(loaded.error));
        Conversation back = *loaded.conversation;
        QCOMPARE(path_text(back.turns), QStringList({"Q1 edited → C1"}));
        QCOMPARE(back.turns[0].question_version, 1);
        QCOMPARE(back.turns[0].answer_version, 1);
        QVERIFY(show_version(back.turns, 0, VersionKind::Answer, 0));
        QCOMPARE(path_text(back.turns), QStringList({"Q1 edited → B1"}));
        QVERIFY(show_version(back.turns, 0, VersionKind::Question, 0));
        QCOMPARE(path_text(back.turns), QStringList({"Q1 → A1", "Q2 → A2"}));
        QCOMPARE(back.turns[0].images, c.turns[0].images);
        QVERIFY(conversation_to_json(back, store.images()).contains("\"schema\": 2"));
    }

    void aSchema1ChatStillLoads() {
        // Written by nanovlm-chat before versions existed (tests/fixtures/chats-schema1).
        QTemporaryDir dir;
        QVERIFY(copy_tree(kSchema1Chats, dir.path()));
        const ConversationStore store(dir.path());
        const auto loaded = store.load(store.pathOf(kSchema1Id));
        QVERIFY2(loaded.conversation, qPrintable(loaded.error));
        const Conversation& c = *loaded.conversation;
        QCOMPARE(c.turns.size(), 2);
        QCOMPARE(c.turns[0].question, QString("What colour is the square?"));
        QCOMPARE(c.turns[0].images.size(), 1);
        QCOMPARE(c.turns[1].answer.ids.size(), 6);
        for (const ConversationTurn& t : c.turns) {
            QCOMPARE(t.questionVersionCount(), 1);
            QCOMPARE(t.answerVersionCount(), 1);
        }
        // Saved again, it is a schema 2 file that reads back the same.
        QString error;
        QVERIFY2(store.save(c, &error), qPrintable(error));
        const auto again = store.load(store.pathOf(kSchema1Id));
        QVERIFY2(again.conversation, qPrintable(again.error));
        QCOMPARE(path_text(again.conversation->turns), path_text(c.turns));
    }

    void aVersionIndexOutOfRangeIsAMessage() {
        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        Conversation c;
        c.id = "bad";
        c.turns = {turn("Q1", "A1")};
        QByteArray json = conversation_to_json(c, store.images());
        json.replace("\"answerVersion\": 0", "\"answerVersion\": 3");
        QString error;
        QVERIFY(!conversation_from_json(json, store.images(), &error));
        QCOMPARE(error, QString("turns[0].answerVersion: expected 0 to 0, found 3"));
        QJsonObject root =
            QJsonDocument::fromJson(conversation_to_json(c, store.images())).object();
        QJsonArray turns = root["turns"].toArray();
        QJsonObject first = turns[0].toObject();
        first["questionVersions"] = QJsonArray{QJsonArray()};
        turns[0] = first;
        root["turns"] = turns;
        QVERIFY(!conversation_from_json(QJsonDocument(root).toJson(), store.images(), &error));
        QCOMPARE(error,
                 QString("turns[0].questionVersions[0]: expected a non-empty array of turns"));
    }

    void theSessionFollowsTheVersionShown() {
        Worker live;
        QVERIFY(live.load(kModel, kTokenizer));
        const ChatRequest q1 = question(1, "What is in this picture?", {kImage});
        const auto a1 = live.answer(q1);
        QVERIFY(a1);
        const ConversationTurn t1 = turn_of(q1, {kImage}, *a1);
        ChatRequest q2 = question(2, "And the colours?");
        q2.history = {t1};
        const auto a2 = live.answer(q2);
        QVERIFY(a2);
        const ConversationTurn t2 = turn_of(q2, {}, *a2);

        // Question 2 edited: the session rewinds to its start; the picture is not encoded again.
        ChatRequest edited = question(3, "What shape is it?");
        edited.history = {t1};
        edited.unchanged_turns = 1;
        const auto b2 = live.answer(edited);
        QVERIFY(b2);
        QCOMPARE(b2->vision_tiles_encoded, a1->vision_tiles_encoded);
        {
            Worker fresh; // a session that only ever read this path
            QVERIFY(fresh.load(kModel, kTokenizer));
            const auto expected = fresh.answer(edited);
            QVERIFY(expected);
            QCOMPARE(b2->ids, expected->ids);
            QCOMPARE(b2->context_used, expected->context_used);
        }

        // Back to the first version, then a follow-up: turn 2 is read again from the history.
        ChatRequest q3 = question(4, "Describe it once more.");
        q3.history = {t1, t2};
        q3.unchanged_turns = 1;
        const auto a3 = live.answer(q3);
        QVERIFY(a3);
        QCOMPARE(a3->vision_tiles_encoded, a1->vision_tiles_encoded);
        {
            Worker fresh;
            QVERIFY(fresh.load(kModel, kTokenizer));
            const auto expected = fresh.answer(q3);
            QVERIFY(expected);
            QCOMPARE(a3->ids, expected->ids);
            QCOMPARE(a3->context_used, expected->context_used);
        }

        // A regenerate of the shown path's last answer still answers again in place.
        ChatRequest again = q3;
        again.id = 5;
        again.regenerate = true;
        again.unchanged_turns = std::numeric_limits<int>::max();
        const auto a3b = live.answer(again);
        QVERIFY(a3b);
        QCOMPARE(a3b->ids, a3->ids); // greedy
        QCOMPARE(a3b->context_used, a3->context_used);
    }

    void editSwitchAndReopenInTheController() {
        QTemporaryDir store;
        auto setUp = [&](ChatController& c) {
            c.settings()->setProperty("persistent", false);
            c.settings()->setTemperature(0); // greedy
            c.settings()->setMaxNewTokens(6);
            c.settings()->setThreads(1);
            c.conversations()->setFolder(store.path());
            QSignalSpy ready(&c, &ChatController::modelReady);
            c.loadModel(kModel, kTokenizer);
            return ready.wait(kWorkerWaitMs);
        };
        auto role = [](ChatController& c, int row, int r) {
            return c.messages()->data(c.messages()->index(row), r).toInt();
        };
        ChatController chat;
        QVERIFY(setUp(chat));
        QSignalSpy finished(&chat, &ChatController::answerFinished);
        chat.attachments()->addFile(kImage);
        QVERIFY(wait_for([&] { return !chat.attachments()->loading(); }));
        QVERIFY(chat.send("What is in this picture?"));
        QVERIFY(finished.wait(kWorkerWaitMs));
        QVERIFY(chat.send("And the colours?"));
        QVERIFY(finished.wait(kWorkerWaitMs));
        const QString first_answer = chat.messages()->textAt(3);

        QVERIFY(chat.editQuestion(1, "What shape is it?"));
        QVERIFY(!chat.editQuestion(1, "Not while busy")); // one answer at a time
        QVERIFY(finished.wait(kWorkerWaitMs));
        QCOMPARE(chat.messages()->count(), 4);
        QCOMPARE(chat.messages()->textAt(2), QString("What shape is it?"));
        QCOMPARE(role(chat, 2, MessageModel::VersionRole), 1);
        QCOMPARE(role(chat, 2, MessageModel::VersionCountRole), 2);
        QCOMPARE(role(chat, 0, MessageModel::VersionCountRole), 1);
        const QString edited_answer = chat.messages()->textAt(3);

        QVERIFY(chat.showVersion(1, false, 0));
        QCOMPARE(chat.messages()->textAt(2), QString("And the colours?"));
        QCOMPARE(chat.messages()->textAt(3), first_answer);
        QCOMPARE(role(chat, 2, MessageModel::VersionRole), 0);

        chat.regenerate(); // the first answer to "And the colours?" stays as version 1/2
        QVERIFY(finished.wait(kWorkerWaitMs));
        QCOMPARE(role(chat, 3, MessageModel::VersionRole), 1);
        QCOMPARE(role(chat, 3, MessageModel::VersionCountRole), 2);
        QCOMPARE(chat.messages()->textAt(3), first_answer); // greedy: the same words

        // Reopened from the file by another window: both versions are there.
        const QString id = chat.conversation().id;
        ChatController reopened;
        QVERIFY(setUp(reopened));
        QVERIFY(reopened.openConversation(id));
        QCOMPARE(reopened.messages()->count(), 4);
        QCOMPARE(reopened.messages()->textAt(2), QString("And the colours?"));
        QCOMPARE(role(reopened, 2, MessageModel::VersionCountRole), 2);
        QCOMPARE(role(reopened, 3, MessageModel::VersionCountRole), 2);
        QVERIFY(reopened.showVersion(1, false, 1));
        QCOMPARE(reopened.messages()->textAt(2), QString("What shape is it?"));
        QCOMPARE(reopened.messages()->textAt(3), edited_answer);
    }

private:
    QTemporaryDir settings_dir_;
};

QTEST_MAIN(TestBranches)
#include "tst_branches.moc"
