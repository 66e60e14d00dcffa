#include "conversation.h"

namespace nanovlm::app {

QString title_from_question(const QString& question) {
    constexpr int kMaxLength = 60;
    QString line = question.trimmed().section(QLatin1Char('\n'), 0, 0).simplified();
    if (line.size() <= kMaxLength) {
        return line;
    }
    int cut = line.lastIndexOf(QLatin1Char(' '), kMaxLength);
    if (cut < kMaxLength / 2) {
        cut = kMaxLength; // one long word: cut inside it
    }
    return line.left(cut).trimmed() + QStringLiteral("…");
}

} // namespace nanovlm::app
