// Markdown export as readers see it: the file is rendered by a real CommonMark implementation
// (Debian's `cmark`), and every picture the HTML shows must be a file beside it, upright.
// Titles nearly always have spaces (and may have brackets), which end a bare link destination.

#include "conversation_store.h"
#include "markdown_export.h"

#include <QImageReader>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace nanovlm::app;

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kImage = kFixtures + "/parity/main/300x200/image.png";
const QString kPortrait = kFixtures + "/exif/landscape-pixels-rotate90.jpg";

} // namespace

class TestMarkdownExport : public QObject {
    Q_OBJECT

private slots:
    void everyPictureResolvesWhenRenderedByCmark_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("spaces") << "Big photo stopped";
        QTest::newRow("brackets and parentheses") << "What (is) [this] <photo>";
        QTest::newRow("percent and non-ASCII") << "100% déjà vu #1";
    }
    void everyPictureResolvesWhenRenderedByCmark() {
        QFETCH(QString, name);
        const QString cmark = QStandardPaths::findExecutable("cmark");
        QVERIFY2(!cmark.isEmpty(), "cmark is installed by tools/install-deps.sh");
        QTemporaryDir dir;
        const ConversationStore store(dir.filePath("store"));
        Conversation c;
        c.id = "chat";
        c.title = name;
        ConversationTurn turn;
        turn.question = "What is this?";
        turn.images = {*store.addImage(kImage, nullptr), *store.addImage(kPortrait, nullptr)};
        turn.answer.state = AnswerRecord::State::Done;
        turn.answer.text = "A picture.";
        c.turns = {turn, turn};

        QString error;
        const std::optional<QString> md = export_markdown(c, dir.filePath("out/" + name), &error);
        QVERIFY2(md, qPrintable(error));
        QProcess render;
        render.start(cmark, {*md});
        QVERIFY(render.waitForFinished(10000));
        const QString html = QString::fromUtf8(render.readAllStandardOutput());
        static const QRegularExpression kImg(QStringLiteral("<img src=\"([^\"]*)\""));
        int shown = 0;
        for (auto it = kImg.globalMatch(html); it.hasNext();) {
            const QString src = QUrl::fromPercentEncoding(it.next().captured(1).toUtf8());
            const QString file = QFileInfo(*md).dir().filePath(src);
            QVERIFY2(QFileInfo(file).isFile(), qPrintable(src + " in\n" + html));
            ++shown;
        }
        QVERIFY2(shown == 4, qPrintable(html));
    }

    // Most Markdown viewers ignore EXIF: the export turns the photo as the chat shows it.
    void portraitPhotosAreExportedUpright() {
        QTemporaryDir dir;
        const ConversationStore store(dir.filePath("store"));
        Conversation c;
        c.id = "chat";
        c.title = "Portrait";
        ConversationTurn turn;
        turn.question = "Who is this?";
        turn.images = {*store.addImage(kPortrait, nullptr)};
        turn.answer.state = AnswerRecord::State::Done;
        c.turns = {turn};
        QString error;
        QVERIFY2(export_markdown(c, dir.filePath("Portrait"), &error), qPrintable(error));
        const QStringList exported = QDir(dir.filePath("Portrait_images")).entryList(QDir::Files);
        QCOMPARE(exported.size(), 1);
        QImageReader plain(dir.filePath("Portrait_images/" + exported[0]));
        plain.setAutoTransform(false); // as a viewer that ignores EXIF
        QCOMPARE(plain.read().size(), QSize(20, 40));
    }
};

QTEST_GUILESS_MAIN(TestMarkdownExport)

#include "tst_markdown_export.moc"
