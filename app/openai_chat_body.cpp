#include "openai_chat_body.h"

#include "image_loader.h"

#include "nanovlm/error.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace nanovlm::app {
namespace {

QString png_data_url(const QImage& image) {
    QImage sent = image;
    if (std::max(sent.width(), sent.height()) > kMaxSentImageSide) {
        sent = sent.scaled(kMaxSentImageSide, kMaxSentImageSide, Qt::KeepAspectRatio,
                           Qt::SmoothTransformation);
    }
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    sent.save(&buffer, "PNG");
    return QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png.toBase64());
}

QJsonObject user_message(const QString& question, const QList<QImage>& images) {
    QJsonArray content;
    for (const QImage& image : images) {
        content.push_back(QJsonObject{
            {"type", "image_url"},
            {"image_url", QJsonObject{{"url", png_data_url(image)}}},
        });
    }
    content.push_back(QJsonObject{{"type", "text"}, {"text", question}});
    return {{"role", "user"}, {"content", content}};
}

} // namespace

QByteArray openai_chat_body(const ChatRequest& request, const QString& model) {
    QJsonArray messages;
    for (const ConversationTurn& turn : request.history) {
        if (turn.answer.text.isEmpty()) {
            continue; // never answered (failed, or stopped before a word): as if not asked
        }
        QList<QImage> images;
        for (const QString& file : turn.images) {
            QString error;
            const std::optional<QImage> image = read_image(file, &error);
            if (!image) {
                throw Error("a picture of an earlier question cannot be read: " +
                            error.toStdString());
            }
            images.push_back(*image);
        }
        messages.push_back(user_message(turn.question, images));
        messages.push_back(QJsonObject{{"role", "assistant"}, {"content", turn.answer.text}});
    }
    messages.push_back(user_message(request.question, request.images));

    const SamplingParams& s = request.generation.sampling;
    QJsonObject body{
        {"model", model},
        {"messages", messages},
        {"stream", true},
        {"stream_options", QJsonObject{{"include_usage", true}}},
        {"max_tokens", request.generation.max_new_tokens},
        {"temperature", s.greedy ? 0.0 : double(s.temperature)},
        {"top_p", double(s.top_p)},
        // JSON numbers are doubles: a seed above 2^53 would not arrive as sent.
        {"seed", qint64(s.seed & ((std::uint64_t(1) << 53) - 1))},
    };
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace nanovlm::app
