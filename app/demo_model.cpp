#include "demo_model.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace nanovlm::app {
namespace {

QJsonObject read_object(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

// The first question of each example that the demo answers right (examples.json records both
// the true answer and the model's), so that a suggestion never shows the model failing.
QList<DemoExample> read_examples(const QDir& folder) {
    QList<DemoExample> examples;
    const QJsonArray list = read_object(folder.filePath("examples.json"))["examples"].toArray();
    for (const QJsonValue& entry : list) {
        const QString image = folder.filePath(entry["image"].toString());
        if (!QFileInfo(image).isFile()) {
            continue;
        }
        for (const QJsonValue& q : entry["questions"].toArray()) {
            const QString answer = q["answer"].toString();
            if (!answer.isEmpty() && q["model_answer"].toString() == answer) {
                examples.push_back({image, q["question"].toString(), answer});
                break;
            }
        }
    }
    return examples;
}

} // namespace

QString built_in_demo_directory() {
    const QString dir = QDir::cleanPath(QCoreApplication::applicationDirPath() +
                                        QStringLiteral("/../share/nanovlm-chat/demo-shapes"));
    return QFileInfo(dir + QStringLiteral("/config.json")).isFile() ? dir : QString();
}

std::optional<DemoInfo> read_demo_info(const QString& directory) {
    const QDir dir(directory);
    const QJsonObject demo = read_object(dir.filePath(QStringLiteral("demo.json")));
    if (!demo["demo"].toBool()) {
        return std::nullopt;
    }
    DemoInfo info;
    info.name = demo["name"].toString(dir.dirName());
    info.summary = demo["summary"].toString();
    info.examples = read_examples(QDir(dir.filePath(QStringLiteral("examples"))));
    return info;
}

} // namespace nanovlm::app
