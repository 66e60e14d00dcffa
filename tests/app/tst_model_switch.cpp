// Choosing another model in the middle of a chat: the running answer stops first, the chat stays
// on screen with a notice, and the next question is answered by the new model in a fresh session.

#include "chat_controller.h"
#include "settings_sandbox.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace nanovlm::app;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kTokenizer = kFixtures + "/tokenizer/tokenizer.json";

QVariant role(const MessageModel& messages, int row, int role) {
    return messages.data(messages.index(row, 0), role);
}

} // namespace

class TestModelSwitch : public QObject {
    Q_OBJECT

    QTemporaryDir settings_dir_;

private slots:
    void initTestCase() {
        QVERIFY(nanovlm::test::sandbox_settings(settings_dir_, "tst_model_switch"));
    }

    void switchingMidAnswerKeepsTheChat() {
        ChatController controller;
        controller.settings()->setThreads(1);
        controller.settings()->setMaxNewTokens(4000);
        QSignalSpy ready(&controller, &ChatController::modelReady);
        QSignalSpy finished(&controller, &ChatController::answerFinished);
        controller.loadModel(kFixtures + "/parity/main/ckpt", kTokenizer);
        QVERIFY(ready.wait(20000));
        QCOMPARE(controller.modelDetails().left(4), QStringLiteral("main"));

        controller.setStepDelay(5); // the tiny model would finish before the switch otherwise
        QVERIFY(controller.send(QStringLiteral("Tell me a story")));
        MessageModel& messages = *controller.messages();
        QTRY_VERIFY_WITH_TIMEOUT(!messages.textAt(1).isEmpty(), 10000);
        const QString partial = messages.textAt(1);

        controller.loadModel(kFixtures + "/parity/v0.2/ckpt", kTokenizer);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().first().toInt(), 1);
        QCOMPARE(role(messages, 1, MessageModel::AnswerStateRole).toInt(),
                 int(MessageModel::Stopped));
        QVERIFY2(messages.textAt(1).startsWith(partial), "what was written stays");
        QVERIFY(!controller.busy());

        QVERIFY(ready.wait(20000));
        QCOMPARE(controller.modelDetails().left(4), QStringLiteral("v0.2"));
        QCOMPARE(messages.count(), 3);
        QCOMPARE(messages.textAt(0), QStringLiteral("Tell me a story"));
        QCOMPARE(messages.kindAt(2), MessageModel::NoticeMessage);
        QVERIFY2(messages.textAt(2).contains("follow-up questions use this model"),
                 qPrintable(messages.textAt(2)));
        QVERIFY2(!controller.canRegenerate(), "the stopped answer belonged to the old model");

        controller.setStepDelay(0);
        controller.settings()->setMaxNewTokens(8);
        QVERIFY(controller.send(QStringLiteral("And then?")));
        QVERIFY(finished.wait(20000));
        QCOMPARE(messages.count(), 5);
        QCOMPARE(messages.kindAt(4), MessageModel::AssistantMessage);
        QVERIFY(!messages.textAt(4).isEmpty() || !controller.lastResult().ids.isEmpty());
        // A fresh session: it holds this question and its answer, nothing of the first model's.
        const AnswerResult& result = controller.lastResult();
        QVERIFY2(result.context_used <= result.prompt_tokens + int(result.ids.size()),
                 qPrintable(QStringLiteral("context %1, prompt %2, answer %3")
                                .arg(result.context_used)
                                .arg(result.prompt_tokens)
                                .arg(result.ids.size())));
    }

    void loadingIntoAnEmptyChatAddsNoNotice() {
        ChatController controller;
        QSignalSpy ready(&controller, &ChatController::modelReady);
        controller.loadModel(kFixtures + "/parity/main/ckpt", kTokenizer);
        QVERIFY(ready.wait(20000));
        controller.loadModel(kFixtures + "/parity/v0.2/ckpt", kTokenizer);
        QVERIFY(ready.wait(20000));
        QCOMPARE(controller.messages()->count(), 0);
    }
};

QTEST_MAIN(TestModelSwitch)
#include "tst_model_switch.moc"
