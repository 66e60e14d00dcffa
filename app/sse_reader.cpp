#include "sse_reader.h"

namespace nanovlm::app {

QList<QByteArray> SseReader::feed(const QByteArray& bytes) {
    pending_ += bytes;
    QList<QByteArray> events;
    qsizetype start = 0;
    for (;;) {
        const qsizetype end = pending_.indexOf('\n', start);
        if (end < 0) {
            break;
        }
        QByteArray line = pending_.mid(start, end - start);
        start = end + 1;
        if (line.endsWith('\r')) {
            line.chop(1);
        }
        if (line.isEmpty()) { // a blank line ends the event
            if (has_data_) {
                events.push_back(data_);
            }
            data_.clear();
            has_data_ = false;
        } else if (line.startsWith("data:")) {
            QByteArray value = line.mid(5);
            if (value.startsWith(' ')) {
                value.remove(0, 1);
            }
            if (has_data_) {
                data_ += '\n';
            }
            data_ += value;
            has_data_ = true;
        }
    }
    pending_.remove(0, start);
    return events;
}

} // namespace nanovlm::app
