// Saved chats: the store's file format round trip, damaged files listed and skipped, write
// failures reported, a writer SIGKILLed mid-save never leaving a file that fails to load, the
// sidebar's list model (newest first, rename, delete with undo, search) and Markdown export.
//
// Everything is written under QTemporaryDirs; nothing touches $HOME.

#include "chat_files.h"
#include "conversation_json.h"
#include "conversation_list.h"
#include "conversation_store.h"

#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/resource.h>

using namespace nanovlm::app;

namespace {

using namespace chat_files;

AnswerRecord answer(AnswerRecord::State state, const QString& text, QList<qint32> ids) {
    AnswerRecord a;
    a.state = state;
    a.text = text;
    a.ids = std::move(ids);
    a.prompt_read = true;
    a.model_name = "ckpt";
    a.model_directory = kFixtures + "/parity/main/ckpt";
    a.model_generation = "main";
    a.generation.max_new_tokens = 64;
    a.generation.sampling.temperature = 0.7f;
    a.generation.sampling.top_k = 40;
    a.generation.sampling.top_p = 0.85f;
    a.generation.sampling.seed = 0x8000'0000'0000'0005ULL; // beyond a double's exact integers
    a.image_detail = 2;
    a.ttft_ms = 123.5;
    a.tokens_per_s = 41.25;
    a.finished = QDateTime(QDate(2026, 11, 28), QTime(10, 0, 1, 250), Qt::UTC);
    return a;
}

// Three turns: two pictures, none, then the first picture again (stored once).
Conversation sample_chat(const ConversationStore& store, const QString& id) {
    Conversation c;
    c.id = id;
    c.title = title_from_question("What is in this picture?");
    c.created = QDateTime(QDate(2026, 11, 28), QTime(10, 0), Qt::UTC);
    c.updated = c.created.addSecs(60);
    ConversationTurn first;
    first.question = "What is in this picture?";
    first.images = {*store.addImage(kImage, nullptr), *store.addImage(kSmallImage, nullptr)};
    first.asked = c.created;
    first.answer =
        answer(AnswerRecord::State::Done, "A red square, « très » rouge 🟥.", {7, 8, 2});
    ConversationTurn second;
    second.question = "And the colours?\nBe brief.";
    second.asked = c.created.addSecs(20);
    second.answer = answer(AnswerRecord::State::Stopped, "Red and", {9, 10});
    second.answer.generation.sampling.greedy = true;
    ConversationTurn third;
    third.question = "Look again.";
    third.images = {*store.addImage(kImage, nullptr)};
    third.asked = c.created.addSecs(40);
    third.answer = answer(AnswerRecord::State::Failed, "", {});
    third.answer.error = "Out of memory.";
    c.turns = {first, second, third};
    return c;
}

void compare_answers(const AnswerRecord& a, const AnswerRecord& b) {
    QCOMPARE(a.state, b.state);
    QCOMPARE(a.text, b.text);
    QCOMPARE(a.error, b.error);
    QCOMPARE(a.ids, b.ids);
    QCOMPARE(a.prompt_read, b.prompt_read);
    QCOMPARE(a.model_name, b.model_name);
    QCOMPARE(a.model_directory, b.model_directory);
    QCOMPARE(a.model_generation, b.model_generation);
    QCOMPARE(a.generation.max_new_tokens, b.generation.max_new_tokens);
    QCOMPARE(a.generation.sampling.greedy, b.generation.sampling.greedy);
    QCOMPARE(a.generation.sampling.temperature, b.generation.sampling.temperature);
    QCOMPARE(a.generation.sampling.top_k, b.generation.sampling.top_k);
    QCOMPARE(a.generation.sampling.top_p, b.generation.sampling.top_p);
    QCOMPARE(a.generation.sampling.seed, b.generation.sampling.seed);
    QCOMPARE(a.image_detail, b.image_detail);
    QCOMPARE(a.ttft_ms, b.ttft_ms);
    QCOMPARE(a.tokens_per_s, b.tokens_per_s);
    QCOMPARE(a.finished, b.finished);
}

// The child side of killedWriterNeverLeavesABrokenFile: saves a growing chat (and new pictures)
// as fast as it can until it is killed.
int save_loop(const QString& folder) {
    const ConversationStore store(folder);
    Conversation c = sample_chat(store, "killed-writer");
    QString text;
    QTextStream out(stdout);
    for (int i = 0;; ++i) {
        text += QStringLiteral("word %1 — ").arg(i).repeated(50);
        c.turns[1].answer.text = text;
        c.turns[1].answer.ids.append(i);
        c.updated = QDateTime::currentDateTimeUtc();
        if (i % 5 == 0) { // a new picture now and then, so kills land in image writes too
            const QString picture = folder + QStringLiteral("/source-%1.png").arg(i);
            QImage image(64 + i % 64, 48, QImage::Format_RGB888);
            image.fill(QColor::fromRgb(QRandomGenerator::global()->generate()));
            image.save(picture);
            const std::optional<QString> stored = store.addImage(picture, nullptr);
            if (stored) {
                c.turns[0].images.push_back(*stored);
            }
        }
        out << "saving" << Qt::endl; // "saving" last: the kill came during the save
        if (!store.save(c, nullptr)) {
            return 1;
        }
        out << "saved" << Qt::endl;
    }
}

} // namespace

class TestConversations : public QObject {
    Q_OBJECT

private slots:
    void roundTripKeepsEveryTurnAndPicture() {
        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        const Conversation chat = sample_chat(store, "round-trip");
        QString error;
        QVERIFY2(store.save(chat, &error), qPrintable(error));

        const QList<ConversationStore::Loaded> all = store.loadAll();
        QCOMPARE(all.size(), 1);
        QVERIFY2(all[0].conversation, qPrintable(all[0].error));
        const Conversation& back = *all[0].conversation;
        QCOMPARE(back.id, chat.id);
        QCOMPARE(back.title, chat.title);
        QCOMPARE(back.custom_title, chat.custom_title);
        QCOMPARE(back.created, chat.created);
        QCOMPARE(back.updated, chat.updated);
        QCOMPARE(back.turns.size(), chat.turns.size());
        for (qsizetype i = 0; i < chat.turns.size(); ++i) {
            QCOMPARE(back.turns[i].question, chat.turns[i].question);
            QCOMPARE(back.turns[i].images, chat.turns[i].images);
            QCOMPARE(back.turns[i].asked, chat.turns[i].asked);
            compare_answers(back.turns[i].answer, chat.turns[i].answer);
        }
        // The pictures are the original bytes, stored once each, under their sha256.
        const QStringList stored = store.images().entryList(QDir::Files);
        QCOMPARE(stored.size(), 2);
        const QByteArray original = read_all(kImage);
        QCOMPARE(read_all(back.turns[0].images[0]), original);
        QCOMPARE(QFileInfo(back.turns[0].images[0]).fileName(),
                 QCryptographicHash::hash(original, QCryptographicHash::Sha256).toHex() + ".png");
        QCOMPARE(back.turns[2].images[0], back.turns[0].images[0]);
        // Saving what was read gives the same file.
        QCOMPARE(conversation_to_json(back, store.images()), read_all(store.pathOf(chat.id)));
    }

    void aStreamingAnswerComesBackInterrupted() {
        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        Conversation chat = sample_chat(store, "crashed");
        chat.turns[1].answer.state = AnswerRecord::State::Streaming;
        QVERIFY(store.save(chat, nullptr));
        const auto loaded = store.load(store.pathOf(chat.id));
        QVERIFY2(loaded.conversation, qPrintable(loaded.error));
        QCOMPARE(loaded.conversation->turns[1].answer.state, AnswerRecord::State::Interrupted);
        QCOMPARE(loaded.conversation->turns[1].answer.text, QString("Red and"));
    }

    void titlesComeFromTheFirstLine() {
        QCOMPARE(title_from_question("  Where is this?\nIt looks cold."),
                 QString("Where is this?"));
        const QString long_question =
            "What are all of the different kinds of birds that are sitting on the wire here?";
        const QString title = title_from_question(long_question);
        QVERIFY2(title.size() <= 61 && title.endsWith(u'…'), qPrintable(title));
        QVERIFY(long_question.startsWith(title.chopped(1)));
    }

    void damagedFilesAreListedAndSkipped_data() {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QByteArray>("to");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<bool>("truncate");
        QTest::addColumn<bool>("deleteImage");
        QTest::newRow("truncated JSON")
            << QByteArray() << QByteArray() << "not valid JSON" << true << false;
        QTest::newRow("ids of the wrong type")
            << QByteArray("\"ids\": [\n                    9,")
            << QByteArray("\"ids\": [\n                    \"9\",") << "turns[1].answer.ids[0]"
            << false << false;
        // Found by fuzz_chat_file: whole-number checks cast 1e47 to an integer (undefined).
        QTest::newRow("an id of 1e40") << QByteArray("\"ids\": [\n                    9,")
                                       << QByteArray("\"ids\": [\n                    1e40,")
                                       << "turns[1].answer.ids[0]" << false << false;
        QTest::newRow("a schema of 1.5e47")
            << "\"schema\": " + QByteArray::number(kConversationSchema)
            << QByteArray("\"schema\": 1.5e47") << "file.schema: expected an integer" << false
            << false;
        // Found by fuzz_chat_file: a float setting beyond float's range loaded as infinity,
        // which the next save wrote as null, a file that no longer loaded.
        QTest::newRow("a topP of 1.4e96")
            << QByteArray("\"topP\": ") << QByteArray("\"topP\": 1.4e96, \"x\": ")
            << "answer.sampling.topP: expected a number a float can hold" << false << false;
        QTest::newRow("turns not an array")
            << QByteArray("\"turns\": [") << QByteArray("\"turns\": 5, \"x\": [")
            << "file.turns: expected an array" << false << false;
        QTest::newRow("schema as a string")
            << "\"schema\": " + QByteArray::number(kConversationSchema)
            << QByteArray("\"schema\": \"1\"") << "file.schema: expected a number" << false
            << false;
        QTest::newRow("a newer schema")
            << "\"schema\": " + QByteArray::number(kConversationSchema)
            << QByteArray("\"schema\": 7") << "newer nanovlm-chat" << false << false;
        QTest::newRow("missing image")
            << QByteArray() << QByteArray() << "is missing" << false << true;
    }

    void damagedFilesAreListedAndSkipped() {
        QFETCH(QByteArray, from);
        QFETCH(QByteArray, to);
        QFETCH(QString, problem);
        QFETCH(bool, truncate);
        QFETCH(bool, deleteImage);

        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        Conversation good = sample_chat(store, "good");
        good.turns[0].images = {*store.addImage(kSmallImage, nullptr)};
        good.turns[2].images.clear();
        Conversation bad = sample_chat(store, "bad");
        QVERIFY(store.save(good, nullptr));
        QVERIFY(store.save(bad, nullptr));
        const QString bad_path = store.pathOf("bad");
        QByteArray bytes = read_all(bad_path);
        if (truncate) {
            bytes.truncate(bytes.size() / 2);
        }
        if (!from.isEmpty()) {
            QVERIFY2(bytes.contains(from), from.constData());
            bytes.replace(from, to);
        }
        QVERIFY(write_all(bad_path, bytes));
        if (deleteImage) {
            QVERIFY(QFile::remove(bad.turns[0].images[0])); // only "bad" shows this picture
        }

        ConversationList list;
        QAbstractItemModelTester tester(&list,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        list.setFolder(dir.path());
        QCOMPARE(list.count(), 2);
        const int bad_row = list.rowOf("bad");
        const int good_row = list.rowOf("good");
        QVERIFY(bad_row >= 0 && good_row >= 0);
        const QModelIndex b = list.index(bad_row);
        QVERIFY(list.data(b, ConversationList::DamagedRole).toBool());
        QCOMPARE(list.data(b, ConversationList::PathRole).toString(), bad_path);
        const QString reported = list.data(b, ConversationList::ProblemRole).toString();
        QVERIFY2(reported.contains(problem), qPrintable(reported));
        QVERIFY(!list.data(list.index(good_row), ConversationList::DamagedRole).toBool());
        QVERIFY(list.load("good"));
        QVERIFY(!list.load("bad"));
        // Never rewritten by reading it: the user may want to repair it.
        QCOMPARE(read_all(bad_path), bytes);
    }

    void writeFailuresAreReported() {
        QTemporaryDir dir;
        ConversationList list;
        list.setFolder(dir.path());
        const ConversationStore store(dir.path());
        Conversation chat = sample_chat(store, "unsaved");
        QSignalSpy warned(&list, &ConversationList::warningChanged);

        // The chats folder's place is taken by a file: the folder cannot be made.
        QVERIFY(write_all(dir.filePath("chats"), "not a folder"));
        QVERIFY(!list.save(chat));
        QVERIFY2(list.warning().contains(dir.filePath("chats")), qPrintable(list.warning()));
        QCOMPARE(warned.count(), 1);
        QCOMPARE(list.count(), 0);
        QVERIFY(QFile::remove(dir.filePath("chats")));

        // A good save clears the warning.
        QVERIFY(list.save(chat));
        QVERIFY(list.warning().isEmpty());
        QCOMPARE(list.count(), 1);
        const QByteArray saved = read_all(store.pathOf(chat.id));

        // The disk fills up mid-write (a file size limit makes write() fail with EFBIG, as a full
        // disk fails with ENOSPC): reported, and the chat's previous file is intact.
        Conversation bigger = chat;
        bigger.turns[1].answer.text = QString("x").repeated(200'000);
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit before{};
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &before), 0);
        rlimit small = before;
        small.rlim_cur = 16 * 1024;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
        const bool saved_big = list.save(bigger);
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &before), 0);
        QVERIFY(!saved_big);
        QVERIFY2(list.warning().contains("cannot write"), qPrintable(list.warning()));
        QCOMPARE(read_all(store.pathOf(chat.id)), saved);
    }

    void aReadOnlyFolderIsReported() {
        QTemporaryDir dir;
        ConversationList list;
        list.setFolder(dir.path());
        const ConversationStore store(dir.path());
        Conversation bigger = sample_chat(store, "read-only");
        QVERIFY(QDir(dir.path()).mkdir("chats"));
        // Root writes anyway, so this case is skipped when run as root.
        QFile::setPermissions(dir.filePath("chats"), QFile::ReadOwner | QFile::ExeOwner);
        if (QFile probe(dir.filePath("chats/probe")); probe.open(QIODevice::WriteOnly)) {
            probe.remove();
            QFile::setPermissions(dir.filePath("chats"),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            QSKIP("running as root: a read-only folder is still writable");
        }
        QVERIFY(!list.save(bigger));
        QVERIFY(!list.warning().isEmpty());
        QFile::setPermissions(dir.filePath("chats"),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    void killedWriterNeverLeavesABrokenFile() {
        QTemporaryDir dir;
        int kills = 0;
        int mid_save = 0;
        for (int round = 0; round < 25; ++round) {
            QProcess writer;
            writer.start(QCoreApplication::applicationFilePath(), {"--save-loop", dir.path()});
            QVERIFY(writer.waitForStarted(10000));
            QVERIFY2(writer.waitForReadyRead(10000), "the writer did not start saving");
            QTest::qSleep(int(QRandomGenerator::global()->bounded(5, 120)));
            QVERIFY2(writer.state() == QProcess::Running, "the writer stopped by itself");
            writer.kill(); // SIGKILL
            QVERIFY(writer.waitForFinished(10000));
            ++kills;
            mid_save += writer.readAllStandardOutput().endsWith("saving\n") ? 1 : 0;

            const ConversationStore store(dir.path());
            const QList<ConversationStore::Loaded> all = store.loadAll();
            QCOMPARE(all.size(), 1);
            QVERIFY2(all[0].conversation, qPrintable(all[0].error));
            QVERIFY(!all[0].conversation->turns[1].answer.text.isEmpty());
        }
        QCOMPARE(kills, 25);
        // Most kills must land inside a save, or this tests nothing.
        qInfo("%d of %d kills landed inside a save", mid_save, kills);
        QVERIFY2(mid_save >= kills / 2, "the kills missed the saves");
    }

    void theListIsNewestFirstAndSearchable() {
        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        const QStringList ids = {"older", "newest", "middle"};
        for (int i = 0; i < ids.size(); ++i) {
            Conversation c = sample_chat(store, ids[i]);
            c.title = "Chat " + ids[i];
            c.updated = QDateTime(QDate(2026, 11,
                                        1 + (ids[i] == "newest"   ? 20
                                             : ids[i] == "middle" ? 10
                                                                  : 0)),
                                  QTime(9, 0), Qt::UTC);
            if (ids[i] == "middle") {
                c.turns[0].answer.text = "A lighthouse on a cliff.";
            }
            QVERIFY(store.save(c, nullptr));
        }
        ConversationList list;
        QAbstractItemModelTester tester(&list,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        list.setFolder(dir.path());
        QCOMPARE(list.count(), 3);
        QCOMPARE(list.idAt(0), QString("newest"));
        QCOMPARE(list.idAt(1), QString("middle"));
        QCOMPARE(list.idAt(2), QString("older"));
        QCOMPARE(list.data(list.index(0), ConversationList::TurnCountRole).toInt(), 3);

        list.setSearchText("LIGHTHOUSE");
        QCOMPARE(list.count(), 1);
        QCOMPARE(list.idAt(0), QString("middle"));
        list.setSearchText("chat o"); // titles too
        QCOMPARE(list.count(), 1);
        QCOMPARE(list.idAt(0), QString("older"));
        list.setSearchText("");
        QCOMPARE(list.count(), 3);
    }

    void renameAndDeleteWithUndo() {
        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        QVERIFY(store.save(sample_chat(store, "a"), nullptr));
        Conversation b = sample_chat(store, "b");
        b.updated = b.updated.addSecs(5);
        QVERIFY(store.save(b, nullptr));
        ConversationList list;
        QAbstractItemModelTester tester(&list,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        list.setFolder(dir.path());
        QSignalSpy renamed(&list, &ConversationList::renamed);
        QSignalSpy removed(&list, &ConversationList::removed);

        list.rename("a", "  Birds   at dawn ");
        QCOMPARE(renamed.count(), 1);
        QCOMPARE(list.data(list.index(list.rowOf("a")), ConversationList::TitleRole).toString(),
                 QString("Birds at dawn"));
        const auto reread = store.load(store.pathOf("a"));
        QVERIFY(reread.conversation);
        QCOMPARE(reread.conversation->title, QString("Birds at dawn"));
        QVERIFY(reread.conversation->custom_title);
        list.rename("a", "   "); // an empty name is ignored
        QCOMPARE(renamed.count(), 1);

        const QByteArray bytes = read_all(store.pathOf("b"));
        list.remove("b");
        QCOMPARE(removed.count(), 1);
        QCOMPARE(list.count(), 1);
        QVERIFY(!QFile::exists(store.pathOf("b")));
        QCOMPARE(list.undoTitle(), b.title);
        list.undoRemove();
        QCOMPARE(list.count(), 2);
        QVERIFY(list.undoTitle().isEmpty());
        QCOMPARE(read_all(store.pathOf("b")), bytes);

        list.remove("a");
        list.reload(); // the deletion is on disk, not only in the list
        QCOMPARE(list.count(), 1);
        QCOMPARE(list.idAt(0), QString("b"));
    }

    void picturesOfDeletedChatsGoOnceUndoIsGone() {
        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        Conversation own = sample_chat(store, "own"); // the only chat with the small picture
        own.turns[0].images = {*store.addImage(kSmallImage, nullptr)};
        own.turns[2].images.clear();
        Conversation shared = sample_chat(store, "shared");
        shared.turns[0].images = {*store.addImage(kImage, nullptr)};
        shared.turns[2].images.clear();
        Conversation other = sample_chat(store, "other");
        other.turns[0].images = {*store.addImage(kImage, nullptr)};
        other.turns[2].images.clear();
        for (const Conversation& c : {own, shared, other}) {
            QVERIFY(store.save(c, nullptr));
        }
        // A damaged chat keeps the pictures it names, though it cannot be read.
        QImage drawn(40, 30, QImage::Format_RGB888);
        drawn.fill(Qt::darkGreen);
        QVERIFY(drawn.save(dir.filePath("drawn.png")));
        const QString kept = *store.addImage(dir.filePath("drawn.png"), nullptr);
        QVERIFY(write_all(store.pathOf("damaged"),
                          "{\"images\": [\"" + QFileInfo(kept).fileName().toUtf8() + "\", trunc"));
        const QString small = own.turns[0].images[0];
        const QString big = shared.turns[0].images[0];
        {
            ConversationList list;
            list.setFolder(dir.path());
            list.remove("own");
            QVERIFY2(QFile::exists(small), "still needed by undo");
            list.remove("shared"); // "own" can no longer be undone
            QVERIFY(!QFile::exists(small));
            QVERIFY2(QFile::exists(big), "still shown by another chat");
            list.remove("other");
            QVERIFY2(QFile::exists(big), "still needed by undo");
        } // closing the app ends the last undo
        QVERIFY(!QFile::exists(big));
        QVERIFY(QFile::exists(kept));
        QCOMPARE(store.images().entryList(QDir::Files).size(), 1);
    }

    void exportsMarkdownWithItsPictures() {
        QTemporaryDir dir;
        ConversationList list;
        list.setFolder(dir.filePath("store"));
        const ConversationStore store(dir.filePath("store"));
        Conversation chat = sample_chat(store, "chat");
        QVERIFY(list.save(chat));
        QVERIFY(list.exportMarkdown("chat", QUrl::fromLocalFile(dir.filePath("out/Birds"))));
        const QString md = QString::fromUtf8(read_all(dir.filePath("out/Birds.md")));
        QVERIFY(md.startsWith("# What is in this picture?\n"));
        QVERIFY(md.contains("![picture 1](Birds_images/01.png)"));
        QVERIFY(md.contains("![picture 3](Birds_images/03.png)"));
        QVERIFY(md.contains("A red square, « très » rouge 🟥."));
        QVERIFY(md.contains("*(stopped)*"));
        QVERIFY(md.contains("> Error: Out of memory."));
        QCOMPARE(read_all(dir.filePath("out/Birds_images/01.png")), read_all(kImage));
        QCOMPARE(read_all(dir.filePath("out/Birds_images/02.png")), read_all(kSmallImage));
        QVERIFY(!list.exportMarkdown("no-such-chat", QUrl::fromLocalFile(dir.filePath("x.md"))));
        QVERIFY(!list.warning().isEmpty());
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc == 3 && QByteArray(argv[1]) == "--save-loop") {
        return save_loop(QString::fromLocal8Bit(argv[2]));
    }
    TestConversations test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_conversations.moc"
