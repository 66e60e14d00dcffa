#include "peer_watch.h"

#include <QDir>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>

namespace nanovlm::server {
namespace {

// The port and printable address of a socket address (IPv4 or IPv6).
bool describe(const sockaddr_storage& address, std::string* host, int* port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
        inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        *port = ntohs(in->sin_port);
    } else if (address.ss_family == AF_INET6) {
        const auto* in = reinterpret_cast<const sockaddr_in6*>(&address);
        inet_ntop(AF_INET6, &in->sin6_addr, text, sizeof text);
        *port = ntohs(in->sin6_port);
    } else {
        return false;
    }
    *host = text;
    return true;
}

} // namespace

PeerWatch::PeerWatch(int local_port, const std::string& remote_address, int remote_port) {
    const QStringList entries =
        QDir(QStringLiteral("/proc/self/fd"))
            .entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System);
    for (const QString& entry : entries) {
        bool ok = false;
        const int fd = entry.toInt(&ok);
        if (!ok) {
            continue;
        }
        sockaddr_storage local{};
        sockaddr_storage remote{};
        socklen_t local_size = sizeof local;
        socklen_t remote_size = sizeof remote;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_size) != 0 ||
            getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &remote_size) != 0) {
            continue; // not a connected socket
        }
        std::string local_host;
        std::string remote_host;
        int lport = 0;
        int rport = 0;
        if (describe(local, &local_host, &lport) && describe(remote, &remote_host, &rport) &&
            lport == local_port && rport == remote_port && remote_host == remote_address) {
            fd_ = fd;
            return;
        }
    }
}

bool PeerWatch::closed() const {
    if (fd_ < 0) {
        return false; // not found: never cancel a client we cannot watch
    }
    pollfd p{};
    p.fd = fd_;
    p.events = POLLRDHUP;
    if (poll(&p, 1, 0) < 0) {
        return false;
    }
    return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

} // namespace nanovlm::server
