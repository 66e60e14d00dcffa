// The chat store against what a hostile or unlucky disk puts in its place: a picture that cannot
// be stored, chat files that cannot be read (permissions, a folder, a pipe, /dev/zero, a huge
// file, JSON nested 100,000 deep), and symlinks planted in the store. Nothing may hang, crash,
// lose a picture it cannot prove unused, or write outside the store.
//
// Everything is written under QTemporaryDirs; nothing touches $HOME.

#include "chat_files.h"
#include "conversation_list.h"
#include "conversation_recorder.h"
#include "conversation_store.h"

#include <QElapsedTimer>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace nanovlm::app;

namespace {

using namespace chat_files;

// One question with pictures, answered: what the app does for a turn.
void ask_and_answer(ConversationRecorder& recorder, const QString& question,
                    const QStringList& pictures) {
    recorder.ask(question, pictures);
    ChatRequest request;
    request.question = question;
    recorder.startAnswer(request, ModelSummary{});
    recorder.appendText(QStringLiteral("An answer."));
    AnswerResult result;
    result.ending = AnswerResult::Ending::EndOfAnswer;
    result.prompt_tokens = 10;
    recorder.finish(result);
}

// Every chat file under `folder` reads back (none was written in a form it cannot be read in).
void expect_every_file_reads_back(const QString& folder) {
    for (const ConversationStore::Loaded& loaded : ConversationStore(folder).loadAll()) {
        QVERIFY2(loaded.conversation.has_value(),
                 qPrintable(loaded.path + QStringLiteral(": ") + loaded.error));
    }
}

// Runs `body` as user nobody when the tests run as root (who reads any file whatever its
// permissions), so that a chmod 000 file really cannot be read.
template <typename Body> void as_unprivileged(Body body) {
    const bool root = ::geteuid() == 0;
    if (root) {
        QCOMPARE(::setegid(65534), 0);
        QCOMPARE(::seteuid(65534), 0);
    }
    body();
    if (root) {
        QCOMPARE(::seteuid(0), 0);
        QCOMPARE(::setegid(0), 0);
    }
}

} // namespace

class TestChatStoreSafety : public QObject {
    Q_OBJECT

private slots:
    // `images` is a file, so no picture can be stored: before, the chat was saved naming
    // ../../picture.png and came back "Damaged" at the next start; the warning was cleared by
    // the next save, so never seen.
    void anUnstoredPictureNeverMakesAnUnreadableChat() {
        QTemporaryDir dir;
        QVERIFY(QFile::copy(kImage, dir.filePath("holiday photo.png")));
        QVERIFY(write_all(dir.filePath("store/images"), "a file where the folder goes"));
        ConversationList list;
        list.setFolder(dir.filePath("store"));
        ConversationRecorder recorder(&list);

        ask_and_answer(recorder, "What is this?", {dir.filePath("holiday photo.png")});
        expect_every_file_reads_back(dir.filePath("store"));
        QVERIFY2(list.warning().contains("picture"), qPrintable(list.warning()));
        ask_and_answer(recorder, "And now?", {});
        expect_every_file_reads_back(dir.filePath("store"));
        QVERIFY2(list.warning().contains("picture"), "the warning stays until it is stored");

        // Once the store works again, the next save stores the picture and writes the chat.
        QVERIFY(QFile::remove(dir.filePath("store/images")));
        ask_and_answer(recorder, "Third?", {});
        QVERIFY2(list.warning().isEmpty(), qPrintable(list.warning()));
        const QList<ConversationStore::Loaded> all =
            ConversationStore(dir.filePath("store")).loadAll();
        QCOMPARE(all.size(), 1);
        QVERIFY2(all[0].conversation, qPrintable(all[0].error));
        QCOMPARE(all[0].conversation->turns.size(), 3);
        QCOMPARE(read_all(all[0].conversation->turns[0].images[0]), read_all(kImage));
    }

    // The clean-up after a delete keeps every picture while some chat file cannot be read: that
    // file may name any of them.
    void cleanUpKeepsPicturesOfUnreadableChats_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("no read permission") << "permissions";
        QTest::newRow("a folder named like a chat") << "folder";
        QTest::newRow("bigger than a chat file can be") << "huge";
    }
    void cleanUpKeepsPicturesOfUnreadableChats() {
        QFETCH(QString, kind);
        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        Conversation a;
        a.id = "a";
        a.title = "a";
        ConversationTurn asked;
        asked.question = "q";
        asked.images = {*store.addImage(kImage, nullptr)};
        a.turns = {asked};
        a.turns[0].answer.state = AnswerRecord::State::Done;
        Conversation b = a;
        b.id = "b";
        b.turns[0].images = {*store.addImage(kSmallImage, nullptr)};
        QVERIFY(store.save(a, nullptr));
        QVERIFY(store.save(b, nullptr));
        const QString unreadable = store.pathOf("unreadable");
        if (kind == "permissions") {
            QVERIFY(write_all(unreadable, read_all(store.pathOf("a"))));
            QVERIFY(QFile::setPermissions(unreadable, {}));
        } else if (kind == "folder") {
            QVERIFY(QDir().mkpath(unreadable));
        } else {
            QVERIFY(write_all(unreadable, read_all(store.pathOf("a"))));
            QFile file(unreadable);
            QVERIFY(file.resize(ConversationStore::kMaxChatFileBytes + 1));
        }
        // nobody must be able to list and change the store (as the owner could).
        for (const QString& folder :
             {dir.path(), store.images().path(), QFileInfo(store.pathOf("a")).path()}) {
            QVERIFY(::chmod(QFile::encodeName(folder).constData(), 0777) == 0);
        }
        for (const QString& file : {store.pathOf("a"), store.pathOf("b")}) {
            QVERIFY(::chmod(QFile::encodeName(file).constData(), 0666) == 0);
        }
        const QStringList pictures = store.images().entryList(QDir::Files);
        QCOMPARE(pictures.size(), 2);
        as_unprivileged([&] {
            ConversationList list;
            list.setFolder(dir.path());
            QCOMPARE(list.count(), 3);
            QVERIFY(list.data(list.index(list.rowOf("unreadable")), ConversationList::DamagedRole)
                        .toBool());
            list.remove("a");
            list.remove("b"); // "a" can no longer be undone: its picture would go
        });
        QCOMPARE(store.images().entryList(QDir::Files), pictures);
    }

    // A chat file that is not a plain file of sane size is listed damaged with the reason, at
    // once (a pipe never blocks the start), and left as it is.
    void oddChatFilesAreListedDamagedWithoutReadingThem_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("a named pipe") << "fifo"
                                      << "not a regular file";
        QTest::newRow("/dev/zero") << "zero"
                                   << "not a regular file";
        QTest::newRow("40 MB") << "huge"
                               << "at most 32 MB";
        QTest::newRow("nested 100,000 deep") << "deep"
                                             << "deeply nested";
    }
    void oddChatFilesAreListedDamagedWithoutReadingThem() {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        const QString path = store.pathOf("odd");
        QVERIFY(QDir().mkpath(QFileInfo(path).path()));
        qint64 size = -1;
        if (kind == "fifo") {
            QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
        } else if (kind == "zero") {
            QVERIFY(QFile::link("/dev/zero", path));
        } else if (kind == "huge") {
            QVERIFY(write_all(path, "{\"schema\": 1}"));
            QFile file(path);
            QVERIFY(file.resize(40 * 1024 * 1024));
            size = file.size();
        } else {
            QVERIFY(write_all(path, QByteArray(100'000, '[') + QByteArray(100'000, ']')));
            size = QFileInfo(path).size();
        }
        QElapsedTimer timer;
        timer.start();
        ConversationList list;
        list.setFolder(dir.path());
        QVERIFY2(timer.elapsed() < 5000, "the list must not wait on a pipe or read gigabytes");
        QCOMPARE(list.count(), 1);
        const QModelIndex row = list.index(0);
        QVERIFY(list.data(row, ConversationList::DamagedRole).toBool());
        QCOMPARE(list.data(row, ConversationList::PathRole).toString(), path);
        const QString problem = list.data(row, ConversationList::ProblemRole).toString();
        QVERIFY2(problem.contains(reason), qPrintable(problem));
        if (size >= 0) {
            QCOMPARE(QFileInfo(path).size(), size); // untouched
        }
    }

    // A symlink planted in the store is replaced, never written through.
    void writesNeverFollowSymlinksOutOfTheStore() {
        QTemporaryDir dir;
        const ConversationStore store(dir.filePath("store"));
        const QByteArray precious = "precious bytes the app must never overwrite";
        QVERIFY(write_all(dir.filePath("victim-picture"), precious));
        QVERIFY(write_all(dir.filePath("victim-chat"), precious));

        const QByteArray picture = read_all(kImage);
        const QString hash = QString::fromLatin1(
            QCryptographicHash::hash(picture, QCryptographicHash::Sha256).toHex());
        QVERIFY(QDir().mkpath(store.images().path()));
        const QString planted = store.images().filePath(hash + ".png");
        QVERIFY(QFile::link(dir.filePath("victim-picture"), planted));
        const std::optional<QString> stored = store.addImage(kImage, nullptr);
        QVERIFY(stored);
        QCOMPARE(read_all(dir.filePath("victim-picture")), precious);
        QVERIFY(!QFileInfo(*stored).isSymLink());
        QCOMPARE(read_all(*stored), picture);

        Conversation c;
        c.id = "linked";
        c.title = "linked";
        ConversationTurn asked;
        asked.question = "q";
        asked.images = {*stored};
        c.turns = {asked};
        c.turns[0].answer.state = AnswerRecord::State::Done;
        QVERIFY(QDir().mkpath(QFileInfo(store.pathOf(c.id)).path()));
        QVERIFY(QFile::link(dir.filePath("victim-chat"), store.pathOf(c.id)));
        QString error;
        QVERIFY2(store.save(c, &error), qPrintable(error));
        QCOMPARE(read_all(dir.filePath("victim-chat")), precious);
        QVERIFY(!QFileInfo(store.pathOf(c.id)).isSymLink());
        QVERIFY(store.load(store.pathOf(c.id)).conversation);
    }
};

QTEST_GUILESS_MAIN(TestChatStoreSafety)

#include "tst_chat_store_safety.moc"
