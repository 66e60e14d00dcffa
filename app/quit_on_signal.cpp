#include "quit_on_signal.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h> // socketpair
#include <unistd.h>     // read, write, close

namespace nanovlm::app {
namespace {

// The handler can reach nothing else: a signal handler gets no context pointer.
int g_signal_fds[2] = {-1, -1};

void on_signal(int signal) {
    std::signal(signal, SIG_DFL); // a second Ctrl+C ends the process at once
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_signal_fds[0], &byte, 1);
}

} // namespace

QuitOnSignal::QuitOnSignal(QObject* parent) : QObject(parent) {
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signal_fds) != 0) {
        return; // no clean-exit path; the default signal action still ends the process
    }
    notifier_ = new QSocketNotifier(g_signal_fds[1], QSocketNotifier::Read, this);
    connect(notifier_, &QSocketNotifier::activated, this, [] {
        char byte = 0;
        [[maybe_unused]] const ssize_t got = ::read(g_signal_fds[1], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

QuitOnSignal::~QuitOnSignal() {
    if (notifier_ == nullptr) {
        return;
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    ::close(g_signal_fds[0]);
    ::close(g_signal_fds[1]);
    g_signal_fds[0] = g_signal_fds[1] = -1;
}

} // namespace nanovlm::app
