#pragma once

#include <QByteArray>
#include <QList>

namespace nanovlm::app {

// Server-sent events as they arrive in pieces of any size: feed() the bytes read so far and
// get the data of every event completed by them ("data:" lines joined by newlines; comments,
// other fields and a half-received event wait or are skipped), per the WHATWG EventSource rules.
class SseReader {
public:
    QList<QByteArray> feed(const QByteArray& bytes);

private:
    QByteArray pending_; // an incomplete line
    QByteArray data_;    // the data lines of the event being read
    bool has_data_ = false;
};

} // namespace nanovlm::app
