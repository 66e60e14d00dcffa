#include "map_guard.h"

#include <atomic>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <sys/mman.h> // mmap MAP_FIXED
#include <unistd.h>   // sysconf

namespace nanovlm::map_guard {
namespace {

// Fixed slots of atomics: the handler may only touch lock-free, preallocated state.
constexpr int kSlots = 64;

struct Slot {
    std::atomic<std::uintptr_t> begin{0};
    std::atomic<std::uintptr_t> end{0};
    std::atomic<bool> changed{false};
};

Slot g_slots[kSlots];
std::uintptr_t g_page_size = 4096;
struct sigaction g_previous {};
std::mutex g_slots_mutex; // add/remove only, never the handler

void forward(int signal, siginfo_t* info, void* context) {
    if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
        g_previous.sa_sigaction(signal, info, context);
        return;
    }
    if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN &&
        g_previous.sa_handler != nullptr) {
        g_previous.sa_handler(signal);
        return;
    }
    // The default action, as without us: the signal is pending until the handler returns (a
    // kill() or raise() would otherwise be lost), and a fault re-runs into it as well.
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    ::sigaction(SIGBUS, &fallback, nullptr);
    ::raise(SIGBUS);
}

void on_sigbus(int signal, siginfo_t* info, void* context) {
    // si_addr is only meaningful for a fault, not for a SIGBUS sent by kill().
    const auto address = info->si_code > 0 ? reinterpret_cast<std::uintptr_t>(info->si_addr) : 0;
    for (Slot& slot : g_slots) {
        const std::uintptr_t begin = slot.begin.load(std::memory_order_acquire);
        const std::uintptr_t end = slot.end.load(std::memory_order_acquire);
        if (begin == 0 || address < begin || address >= end) {
            continue;
        }
        // Zeros over everything from the faulting page on: past a truncation every later page
        // would fault too, one signal each.
        const std::uintptr_t page = address & ~(g_page_size - 1);
        void* replaced = ::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (replaced == MAP_FAILED) {
            break;
        }
        slot.changed.store(true, std::memory_order_release);
        return;
    }
    forward(signal, info, context);
}

void install_once() {
    static std::once_flag installed;
    std::call_once(installed, [] {
        const long page = ::sysconf(_SC_PAGESIZE);
        g_page_size = page > 0 ? std::uintptr_t(page) : 4096;
        struct sigaction action {};
        action.sa_sigaction = on_sigbus;
        action.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGBUS, &action, &g_previous);
    });
}

} // namespace

int add(const void* begin, std::size_t size) {
    install_once();
    const std::lock_guard lock(g_slots_mutex);
    for (int i = 0; i < kSlots; ++i) {
        Slot& slot = g_slots[i];
        if (slot.begin.load() == 0) {
            slot.changed.store(false);
            slot.end.store(reinterpret_cast<std::uintptr_t>(begin) + size);
            slot.begin.store(reinterpret_cast<std::uintptr_t>(begin), std::memory_order_release);
            return i;
        }
    }
    return -1;
}

void remove(int slot) {
    if (slot < 0 || slot >= kSlots) {
        return;
    }
    const std::lock_guard lock(g_slots_mutex);
    g_slots[slot].begin.store(0, std::memory_order_release);
    g_slots[slot].end.store(0);
}

bool changed(int slot) {
    return slot >= 0 && slot < kSlots && g_slots[slot].changed.load(std::memory_order_acquire);
}

} // namespace nanovlm::map_guard
