#pragma once

#include <QObject>

class QSocketNotifier;

namespace nanovlm::app {

// Turns SIGINT and SIGTERM into QCoreApplication::quit(), so that Ctrl+C or a session logout
// mid-answer unwinds normally: the engine is stopped and its thread joined by the destructors.
// A signal handler may only do async-signal-safe work, so it writes one byte to a socket pair
// and a QSocketNotifier picks it up on the GUI thread (Qt's "Calling Qt Functions From Unix
// Signal Handlers"). Create one, after the application object.
class QuitOnSignal : public QObject {
    Q_OBJECT

public:
    explicit QuitOnSignal(QObject* parent = nullptr);
    ~QuitOnSignal() override;

private:
    QSocketNotifier* notifier_ = nullptr;
};

} // namespace nanovlm::app
