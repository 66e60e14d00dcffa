// A process of its own for tst_hostile_files: the engine's SIGBUS handler must leave a SIGBUS
// outside the checkpoint maps fatal. Under QtTest the previous handler would be QtTest's crash
// reporter; here, as in the app and the CLI, it is the default action.
//   sigbus_probe CHECKPOINT_DIR fault|raise SCRATCH_FILE
// loads the checkpoint (installing the handler), then faults on a map of SCRATCH_FILE truncated
// under it, or raises SIGBUS. Exit 0 means the signal was swallowed.

#include "nanovlm/model.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>    // open
#include <sys/mman.h> // mmap
#include <unistd.h>   // ftruncate, write

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fputs("usage: sigbus_probe CHECKPOINT_DIR fault|raise SCRATCH_FILE\n", stderr);
        return 2;
    }
    const auto model = nanovlm::Model::load(argv[1]);
    if (std::strcmp(argv[2], "raise") == 0) {
        std::raise(SIGBUS);
        return 0;
    }
    const int fd = ::open(argv[3], O_RDWR | O_CREAT | O_TRUNC, 0600);
    char page[8192] = {};
    if (fd < 0 || ::write(fd, page, sizeof page) != ssize_t(sizeof page)) {
        return 2;
    }
    auto* map =
        static_cast<volatile char*>(::mmap(nullptr, sizeof page, PROT_READ, MAP_SHARED, fd, 0));
    if (map == MAP_FAILED || ::ftruncate(fd, 0) != 0) {
        return 2;
    }
    return map[4096]; // SIGBUS: the page lies past the end of the file now
}
