// libFuzzer target: the saved-chat loader. Any bytes must give a conversation or a message, and
// a conversation that loads must save and load again to the same JSON.

#include "conversation_json.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

namespace {

// An image store holding the one picture the seed chats name, so that loading gets past the
// image check into the turns.
const QDir& image_store() {
    static QTemporaryDir folder;
    static const QDir store = [] {
        QFile picture(
            folder.filePath(QStringLiteral("0000000000000000000000000000000000000000000000"
                                           "000000000000000000.png")));
        if (!picture.open(QIODevice::WriteOnly) || picture.write("png") != 3) {
            __builtin_trap();
        }
        return QDir(folder.path());
    }();
    return store;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray json(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    const auto chat = nanovlm::app::conversation_from_json(json, image_store(), &error);
    if (!chat) {
        if (error.isEmpty()) {
            __builtin_trap(); // a refusal always says why
        }
        return 0;
    }
    const QByteArray saved = nanovlm::app::conversation_to_json(*chat, image_store());
    QString again_error;
    const auto again = nanovlm::app::conversation_from_json(saved, image_store(), &again_error);
    if (!again || nanovlm::app::conversation_to_json(*again, image_store()) != saved) {
        __builtin_trap();
    }
    return 0;
}
