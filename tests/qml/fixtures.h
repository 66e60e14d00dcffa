#pragma once

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>
#include <QTemporaryDir>
#include <QUrl>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT, QML_SINGLETON

// Paths of the test fixtures for the QML tests (module NanoVlm.TestHelpers).
class Fixtures : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString model READ model CONSTANT)
    Q_PROPERTY(QString tokenizer READ tokenizer CONSTANT)
    Q_PROPERTY(QUrl image READ image CONSTANT)
    Q_PROPERTY(QUrl smallImage READ smallImage CONSTANT)
    Q_PROPERTY(QString demoModel READ demoModel CONSTANT)
    // Where tests save screenshots for a person to look at ($NANOVLM_SCREENSHOT_DIR); "" (none)
    // in normal runs.
    Q_PROPERTY(QString screenshotFolder READ screenshotFolder CONSTANT)
    // The checkpoint and picture of the image viewer's screenshot ($NANOVLM_SCREENSHOT_MODEL,
    // $NANOVLM_SCREENSHOT_IMAGE); the parity ones when unset.
    Q_PROPERTY(QString screenshotModel READ screenshotModel CONSTANT)
    Q_PROPERTY(QUrl screenshotImage READ screenshotImage CONSTANT)

public:
    using QObject::QObject;

    static QString root() { return QStringLiteral(NANOVLM_FIXTURES); }
    QString model() const { return root() + "/parity/main/ckpt"; }
    QString tokenizer() const { return root() + "/tokenizer/tokenizer.json"; }
    QUrl image() const { return QUrl::fromLocalFile(root() + "/parity/main/300x200/image.png"); }
    QString demoModel() const { return QStringLiteral(NANOVLM_DEMO_MODEL); }
    QUrl smallImage() const { return QUrl::fromLocalFile(root() + "/parity/main/64x64/image.png"); }
    QString screenshotFolder() const {
        return QString::fromLocal8Bit(qgetenv("NANOVLM_SCREENSHOT_DIR"));
    }
    QString screenshotModel() const {
        const QString model = QString::fromLocal8Bit(qgetenv("NANOVLM_SCREENSHOT_MODEL"));
        return model.isEmpty() ? this->model() : model;
    }
    QUrl screenshotImage() const {
        const QString image = QString::fromLocal8Bit(qgetenv("NANOVLM_SCREENSHOT_IMAGE"));
        return image.isEmpty() ? this->image() : QUrl::fromLocalFile(image);
    }
    Q_INVOKABLE QUrl badImage(const QString& name) const {
        return QUrl::fromLocalFile(root() + "/bad_images/" + name);
    }
    Q_INVOKABLE QUrl fixture(const QString& relative) const {
        return QUrl::fromLocalFile(root() + "/" + relative);
    }
    // A new, empty folder for saved chats, removed when the tests end (never the user's own).
    Q_INVOKABLE QString newChatsFolder() {
        const QString path = scratch_.filePath(QStringLiteral("chats-%1").arg(++folders_));
        QDir().mkpath(path);
        return path;
    }

    // A copy of the test checkpoint whose config names a tokenizer found nowhere (so the
    // picker lists it as "no tokenizer"); its weights are a link to the fixture's.
    Q_INVOKABLE QString checkpointWithoutTokenizer() {
        const QString dir = scratch_.filePath(QStringLiteral("no-tokenizer-%1").arg(++folders_));
        QDir().mkpath(dir);
        QFile source(model() + "/config.json");
        if (!source.open(QIODevice::ReadOnly)) {
            return {};
        }
        QJsonObject config = QJsonDocument::fromJson(source.readAll()).object();
        config.insert(QStringLiteral("lm_tokenizer"), QStringLiteral("nowhere/no-such-tokenizer"));
        QFile target(dir + "/config.json");
        if (!target.open(QIODevice::WriteOnly) ||
            target.write(QJsonDocument(config).toJson()) < 0 ||
            !QFile::link(model() + "/model.safetensors", dir + "/model.safetensors")) {
            return {};
        }
        return dir;
    }

private:
    QTemporaryDir scratch_;
    int folders_ = 0;
};
