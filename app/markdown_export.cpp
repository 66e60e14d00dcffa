#include "markdown_export.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QSaveFile>
#include <QUrl>

namespace nanovlm::app {
namespace {

QString state_note(const AnswerRecord& a) {
    switch (a.state) {
    case AnswerRecord::State::Stopped:
        return QStringLiteral("*(stopped)*");
    case AnswerRecord::State::Truncated:
        return QStringLiteral("*(cut at the answer-length limit)*");
    case AnswerRecord::State::ContextFull:
        return QStringLiteral("*(the conversation filled the model's context)*");
    case AnswerRecord::State::Interrupted:
    case AnswerRecord::State::Streaming:
        return QStringLiteral("*(interrupted: the app ended while writing this answer)*");
    case AnswerRecord::State::Done:
    case AnswerRecord::State::Failed:
        break;
    }
    return {};
}

// Copies a picture as the chat shows it: a photo whose EXIF says "rotate" is written turned
// (most Markdown viewers ignore EXIF), any other file byte for byte.
bool copy_upright(const QString& image, const QString& target) {
    QImageReader reader(image);
    if (reader.canRead() && reader.transformation() != QImageIOHandler::TransformationNone) {
        reader.setAutoTransform(true);
        const QImage upright = reader.read();
        return !upright.isNull() && upright.save(target, "PNG");
    }
    return QFile::copy(image, target);
}

} // namespace

std::optional<QString> export_markdown(const Conversation& c, const QString& file, QString* error) {
    QString path = file;
    if (!path.endsWith(QStringLiteral(".md"), Qt::CaseInsensitive)) {
        path += QStringLiteral(".md");
    }
    const QFileInfo info(path);
    const QString image_folder = info.completeBaseName() + QStringLiteral("_images");
    const QDir images(info.dir().filePath(image_folder));

    QString md = QStringLiteral("# %1\n\n").arg(c.title);
    int picture = 0;
    for (const ConversationTurn& t : c.turns) {
        md += QStringLiteral("## You\n\n");
        for (const QString& image : t.images) {
            if (!images.exists() && !QDir().mkpath(images.path())) {
                *error = QStringLiteral("cannot create the folder %1").arg(images.path());
                return std::nullopt;
            }
            const bool turned =
                QImageReader(image).transformation() != QImageIOHandler::TransformationNone;
            const QString name =
                QStringLiteral("%1.%2")
                    .arg(++picture, 2, 10, QLatin1Char('0'))
                    .arg(turned ? QStringLiteral("png") : QFileInfo(image).suffix());
            const QString target = images.filePath(name);
            QFile::remove(target); // an earlier export of the same name
            if (!copy_upright(image, target)) {
                *error = QStringLiteral("cannot copy %1 to %2").arg(image, target);
                return std::nullopt;
            }
            const QByteArray link =
                QUrl::toPercentEncoding(image_folder + QLatin1Char('/') + name, "/");
            md +=
                QStringLiteral("![picture %1](%2)\n\n").arg(picture).arg(QString::fromLatin1(link));
        }
        md += t.question + QStringLiteral("\n\n");
        const AnswerRecord& a = t.answer;
        md += QStringLiteral("## %1\n\n")
                  .arg(a.model_name.isEmpty() ? QStringLiteral("Answer") : a.model_name);
        if (a.state == AnswerRecord::State::Failed) {
            md += QStringLiteral("> Error: %1\n\n").arg(a.error);
            continue;
        }
        md += a.text.trimmed() + QStringLiteral("\n\n");
        const QString note = state_note(a);
        if (!note.isEmpty()) {
            md += note + QStringLiteral("\n\n");
        }
    }

    QSaveFile out(path);
    const QByteArray bytes = md.toUtf8();
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, out.errorString());
        return std::nullopt;
    }
    return path;
}

} // namespace nanovlm::app
