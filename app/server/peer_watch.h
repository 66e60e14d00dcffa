#pragma once

#include <string>

namespace nanovlm::server {

// Tells whether the client of a request still listens, so its generation can stop at the next
// token. cpp-httplib 0.11 (Debian 12's) does not expose the connection to a handler, so this
// finds the connection's socket among the process's descriptors by its address pair (local
// port, remote address and port: unique while the connection is open) and polls it for a hang-up.
class PeerWatch {
public:
    PeerWatch(int local_port, const std::string& remote_address, int remote_port);

    // True once the client has closed its side (or the socket is gone). A client that half-closes
    // after sending its request counts as gone too; HTTP clients do not do that.
    bool closed() const;

private:
    int fd_ = -1;
};

} // namespace nanovlm::server
