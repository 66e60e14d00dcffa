// The Debian package as a user gets it: cpack builds the .deb and the tarball from this build,
// the .deb is unpacked with dpkg-deb -x into a throwaway root, and the programs are run from
// there: `nanovlm --version`, `nanovlm generate` against the PyTorch fixture, and the chat app
// offscreen through a scripted exchange. Also: the Depends line, the menu entry, icons and
// AppStream data, and that the binaries carry no path of this build.

#include "../process_run.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kFixtures = QStringLiteral(NANOVLM_FIXTURES);
const QString kVersion = QStringLiteral(NANOVLM_PROJECT_VERSION);

using nanovlm::test::ProcessRun;

ProcessRun run(const QString& program, const QStringList& args, int timeout_ms = 60000,
               const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    return nanovlm::test::run_process(program, args, env, timeout_ms);
}

nlohmann::json read_json(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QByteArray bytes = file.readAll();
    return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
}

} // namespace

class TestPackage : public QObject {
    Q_OBJECT

    QTemporaryDir work_;
    QString deb_;
    QString tarball_;
    QString root_; // where the .deb was unpacked; the programs are under root_/usr/bin

    QString installed(const QString& path) const { return root_ + "/usr/" + path; }

private slots:
    void initTestCase() {
        QVERIFY(work_.isValid());
        const ProcessRun arch = run("dpkg", {"--print-architecture"});
        QVERIFY2(arch.exit_code == 0, qPrintable(arch.describe()));
        const QString out = work_.filePath("out");
        const ProcessRun cpack =
            run(QStringLiteral(NANOVLM_CPACK),
                {"--config", QStringLiteral(NANOVLM_BUILD_DIR "/CPackConfig.cmake"), "-G",
                 "DEB;TGZ", "-B", out},
                240000);
        QVERIFY2(cpack.exit_code == 0, qPrintable(cpack.describe()));
        deb_ = out + QStringLiteral("/nanovlm-chat_%1_%2.deb").arg(kVersion, arch.text().trimmed());
        tarball_ = out + QStringLiteral("/nanovlm-chat-%1-Linux.tar.gz").arg(kVersion);
        QVERIFY2(QFile::exists(deb_), qPrintable("no " + deb_ + "\n" + cpack.describe()));
        QVERIFY2(QFile::exists(tarball_), qPrintable("no " + tarball_));
        root_ = work_.filePath("root");
        const ProcessRun extract = run("dpkg-deb", {"-x", deb_, root_});
        QVERIFY2(extract.exit_code == 0, qPrintable(extract.describe()));
    }

    void controlFields() {
        const ProcessRun fields = run("dpkg-deb", {"-f", deb_, "Package", "Version", "Depends"});
        QVERIFY2(fields.exit_code == 0, qPrintable(fields.describe()));
        QVERIFY2(fields.text().contains("Package: nanovlm-chat\n"), qPrintable(fields.text()));
        QVERIFY2(fields.text().contains("Version: " + kVersion + "\n"), qPrintable(fields.text()));
        // dpkg-shlibdeps' libraries and the run-time QML modules listed by hand.
        const QRegularExpression depends_line("^Depends: (.*)$",
                                              QRegularExpression::MultilineOption);
        const QStringList depends =
            depends_line.match(fields.text()).captured(1).split(QRegularExpression(",\\s*"));
        QStringList names;
        for (const QString& dependency : depends) {
            names << dependency.section(' ', 0, 0);
        }
        for (const char* expected :
             {"libc6", "libstdc++6", "libopenblas0", "libqt6core6", "libqt6gui6", "libqt6qml6",
              "libqt6quick6", "libqt6quickcontrols2-6", "qml6-module-qtquick",
              "qml6-module-qtquick-controls", "qml6-module-qtquick-layouts",
              "qml6-module-qtquick-dialogs", "qml6-module-qtquick-window",
              "qml6-module-qtqml-workerscript", "qml6-module-qt-labs-folderlistmodel",
              "qt6-image-formats-plugins"}) {
            QVERIFY2(names.contains(expected),
                     qPrintable(QString("Depends lacks %1: %2").arg(expected, names.join(", "))));
        }
    }

    // Every QML module the UI imports, found by qmlimportscanner, comes from a package in
    // Depends: they are not linked, so dpkg-shlibdeps cannot see them.
    void dependsCoverEveryQmlImport() {
        const ProcessRun scan = run(QStringLiteral(NANOVLM_QMLIMPORTSCANNER),
                                    {"-rootPath", QStringLiteral(NANOVLM_SOURCE_DIR "/ui"),
                                     "-importPath", QStringLiteral(NANOVLM_QT_QML_DIR)});
        QVERIFY2(scan.exit_code == 0, qPrintable(scan.describe()));
        QStringList qmldirs;
        for (const auto& import : nlohmann::json::parse(scan.text().toStdString())) {
            // Our own modules are compiled in and have no path.
            if (import.contains("path") && !import["path"].get<std::string>().empty()) {
                qmldirs << QString::fromStdString(import["path"].get<std::string>()) + "/qmldir";
            }
        }
        QVERIFY2(qmldirs.size() >= 10, qPrintable(scan.text())); // QtQuick, Controls, Layouts...
        const ProcessRun owners = run("dpkg", QStringList{"-S"} + qmldirs);
        QVERIFY2(owners.exit_code == 0, qPrintable(owners.describe()));
        const ProcessRun depends = run("dpkg-deb", {"-f", deb_, "Depends"});
        for (const QString& line : owners.text().split('\n', Qt::SkipEmptyParts)) {
            const QString package = line.section(':', 0, 0);
            QVERIFY2(depends.text().contains(QRegularExpression(
                         "(^|, )" + QRegularExpression::escape(package) + "(,|\\s|$)")),
                     qPrintable(QString("%1 is not in Depends: %2").arg(line, depends.text())));
        }
    }

    void installsMenuEntryIconsAndDocs() {
        for (const char* path :
             {"bin/nanovlm", "bin/nanovlm-chat", "share/applications/nanovlm-chat.desktop",
              "share/metainfo/io.github.nanovlm_chat.NanoVlmChat.metainfo.xml",
              "share/icons/hicolor/scalable/apps/nanovlm-chat.svg",
              "share/doc/nanovlm-chat/copyright", "share/doc/nanovlm-chat/README.md"}) {
            QVERIFY2(QFile::exists(installed(path)), path);
        }
        for (int size : {16, 24, 32, 48, 64, 128, 256, 512}) {
            const QString png =
                installed(QString("share/icons/hicolor/%1x%1/apps/nanovlm-chat.png").arg(size));
            const QImage icon(png);
            QVERIFY2(!icon.isNull(), qPrintable(png));
            QCOMPARE(icon.size(), QSize(size, size));
        }
        const ProcessRun desktop =
            run("desktop-file-validate", {installed("share/applications/nanovlm-chat.desktop")});
        QVERIFY2(desktop.exit_code == 0 && desktop.text().isEmpty(),
                 qPrintable(desktop.describe()));
        const ProcessRun appstream =
            run("appstreamcli",
                {"validate", "--no-net",
                 installed("share/metainfo/io.github.nanovlm_chat.NanoVlmChat.metainfo.xml")});
        QVERIFY2(appstream.exit_code == 0, qPrintable(appstream.describe()));
    }

    void binariesAreRelocatable() {
        for (const char* name : {"bin/nanovlm", "bin/nanovlm-chat"}) {
            const ProcessRun dynamic = run("readelf", {"-d", installed(name)});
            QVERIFY2(dynamic.exit_code == 0, qPrintable(dynamic.describe()));
            QVERIFY2(
                dynamic.text().contains("(RUNPATH)            Library runpath: [$ORIGIN/../lib]"),
                qPrintable(dynamic.text()));
            QFile binary(installed(name));
            QVERIFY(binary.open(QIODevice::ReadOnly));
            const QByteArray bytes = binary.readAll();
            // GCC's ASan and UBSan keep every source file's absolute path (the generated ones in
            // the build folder too) for their reports, whatever -ffile-prefix-map says; a
            // sanitizer build is never what a package ships, so only the release pass looks.
            if (NANOVLM_SANITIZED) {
                continue;
            }
            for (const char* path : {NANOVLM_SOURCE_DIR, NANOVLM_BUILD_DIR}) {
                QVERIFY2(!bytes.contains(path), qPrintable(QString("%1 holds %2").arg(name, path)));
            }
        }
    }

    void cliVersionAndGenerate() {
        const ProcessRun version = run(installed("bin/nanovlm"), {"--version"});
        QVERIFY2(version.exit_code == 0, qPrintable(version.describe()));
        const QRegularExpression expected("^nanovlm " + QRegularExpression::escape(kVersion) +
                                          " \\(commit ([0-9a-f]{7,40}(-dirty)?|unknown)\\)\n$");
        QVERIFY2(expected.match(version.text()).hasMatch(), qPrintable(version.text()));

        // The answer PyTorch nanoVLM gave for this picture and question (greedy).
        const QString dir = kFixtures + "/parity/main/64x64";
        const auto oracle = read_json(dir + "/oracle.json");
        const auto generated = oracle["generated_ids"];
        const ProcessRun generate =
            run(installed("bin/nanovlm"),
                {"generate", "--model", kFixtures + "/parity/main/ckpt", "--tokenizer",
                 kFixtures + "/tokenizer/tokenizer.json", "--image", dir + "/image.png", "--prompt",
                 "Caption this.", "--greedy", "--max-new-tokens", QString::number(generated.size()),
                 "--json"});
        QVERIFY2(generate.exit_code == 0, qPrintable(generate.describe()));
        const auto answer = nlohmann::json::parse(generate.text().toStdString());
        QCOMPARE(QString::fromStdString(answer["ids"].dump()),
                 QString::fromStdString(generated.dump()));
    }

    // The installed app, opened on a picture as "Open with" does (a FILE argument), answers a
    // scripted question and quits by itself.
    void guiRunsOffscreen() {
        QTemporaryDir config;
        QVERIFY(config.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        env.insert("XDG_CONFIG_HOME", config.path());
        const ProcessRun app =
            run(installed("bin/nanovlm-chat"),
                {"--model", kFixtures + "/parity/main/ckpt", "--tokenizer",
                 kFixtures + "/tokenizer/tokenizer.json", "--ask", "What is this?",
                 "--max-new-tokens", "4", kFixtures + "/parity/main/64x64/image.png"},
                60000, env);
        QVERIFY2(app.exit_code == 0, qPrintable(app.describe()));
        QVERIFY2(app.err.contains("attached: 1"), qPrintable(app.err));
        QVERIFY2(app.err.contains("answer finished (2 messages)"), qPrintable(app.err));
    }

    void tarballHoldsTheSameTree() {
        const ProcessRun list = run("tar", {"-tzf", tarball_});
        QVERIFY2(list.exit_code == 0, qPrintable(list.describe()));
        const QString top = QStringLiteral("nanovlm-chat-%1-Linux/").arg(kVersion);
        for (const char* path :
             {"bin/nanovlm", "bin/nanovlm-chat", "share/applications/nanovlm-chat.desktop",
              "share/icons/hicolor/256x256/apps/nanovlm-chat.png"}) {
            QVERIFY2(list.text().contains(top + path + "\n"), path);
        }
    }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
