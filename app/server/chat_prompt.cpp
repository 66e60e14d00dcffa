#include "chat_prompt.h"

#include "api_error.h"
#include "image_loader.h"

namespace nanovlm::server {
namespace {

std::vector<PreprocessedImage>
prepare_images(const Model& model, const std::vector<QByteArray>& pictures, int first_index) {
    const ImageGeometry geometry = ImageGeometry::from_config(model.config());
    std::vector<PreprocessedImage> out;
    for (std::size_t i = 0; i < pictures.size(); ++i) {
        const QString name = QStringLiteral("image %1").arg(first_index + int(i) + 1);
        QString error;
        const std::optional<QImage> image = app::decode_image(pictures[i], name, &error);
        if (!image) {
            throw ApiError::invalid(error.toStdString(), "messages", "invalid_image");
        }
        out.push_back(preprocess_image(app::to_rgb_image(*image), geometry));
    }
    return out;
}

} // namespace

ChatPrompt build_chat_prompt(const Model& model, const std::vector<ChatMessage>& messages) {
    if (messages.back().role != ChatMessage::Role::User) {
        throw ApiError::invalid("The last message must be the user's: it is what gets answered.",
                                "messages");
    }
    try {
        const PromptBuilder builder(model);
        ChatPrompt out;
        std::string system;
        std::string question;
        std::vector<QByteArray> pictures;
        bool open_turn = false;
        int image_count = 0;
        auto close_user_turn = [&] {
            std::string text = system.empty() ? question : system + "\n\n" + question;
            system.clear();
            std::vector<PreprocessedImage> images = prepare_images(model, pictures, image_count);
            image_count += int(pictures.size());
            const std::vector<TokenId> ids = builder.user_turn(text, images, !out.ids.empty());
            out.ids.insert(out.ids.end(), ids.begin(), ids.end());
            std::move(images.begin(), images.end(), std::back_inserter(out.images));
            question.clear();
            pictures.clear();
            open_turn = false;
        };
        for (const ChatMessage& m : messages) {
            switch (m.role) {
            case ChatMessage::Role::System:
                system += system.empty() ? m.text : "\n" + m.text;
                break;
            case ChatMessage::Role::User:
                question += question.empty() ? m.text : "\n" + m.text;
                pictures.insert(pictures.end(), m.images.begin(), m.images.end());
                open_turn = true;
                break;
            case ChatMessage::Role::Assistant: {
                if (!open_turn) {
                    throw ApiError::invalid("An assistant message must follow a user message.",
                                            "messages");
                }
                close_user_turn();
                std::vector<TokenId> answer = model.tokenizer()->encode(m.text);
                answer.push_back(model.config().eos_token_id());
                out.ids.insert(out.ids.end(), answer.begin(), answer.end());
                break;
            }
            }
        }
        close_user_turn();
        return out;
    } catch (const Error& e) {
        throw ApiError::invalid(e.what(), "messages");
    }
}

} // namespace nanovlm::server
