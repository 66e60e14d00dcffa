#include "thread_pool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h> // _mm_pause
#define NANOVLM_CPU_RELAX() _mm_pause()
#else
#define NANOVLM_CPU_RELAX() std::this_thread::yield()
#endif

namespace nanovlm {
namespace {

// Decoding hands the pool a few hundred short jobs per token. Waking a sleeping thread costs tens
// of microseconds, so between jobs the threads spin this long before they go to sleep.
constexpr auto kSpin = std::chrono::microseconds(200);

// Spins until done() holds, then sleeps on `sleep` (which must re-check done() itself). Reading
// the clock is costly in some virtual machines, so it is read once every kClockEvery pauses.
template <typename Done, typename Sleep> void spin_then_sleep(Done&& done, Sleep&& sleep) {
    constexpr int kClockEvery = 256;
    const auto deadline = std::chrono::steady_clock::now() + kSpin;
    for (int i = 1; !done(); ++i) {
        if (i % kClockEvery == 0 && std::chrono::steady_clock::now() > deadline) {
            sleep();
            return;
        }
        NANOVLM_CPU_RELAX();
    }
}

} // namespace

ThreadPool::ThreadPool(int threads) {
    for (int t = 1; t < std::max(1, threads); ++t) {
        workers_.emplace_back([this, t] { worker_loop(t); });
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& w : workers_) {
        w.join();
    }
}

void ThreadPool::run(int n, Task task, void* ctx) {
    task_ = task;
    ctx_ = ctx;
    n_ = n;
    // A few chunks per thread balance uneven rows (causal attention) without much overhead.
    chunk_ = std::max(1, n / (size() * 4));
    next_.store(0, std::memory_order_relaxed);
    pending_.store(int(workers_.size()), std::memory_order_relaxed);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    work_on(0);
    auto finished = [this] { return pending_.load(std::memory_order_acquire) == 0; };
    spin_then_sleep(finished, [&] {
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, finished);
    });
}

void ThreadPool::work_on(int thread) {
    for (;;) {
        const int begin = next_.fetch_add(chunk_, std::memory_order_relaxed);
        if (begin >= n_) {
            return;
        }
        task_(ctx_, begin, std::min(n_, begin + chunk_), thread);
    }
}

void ThreadPool::worker_loop(int thread) {
    std::uint64_t seen = 0;
    for (;;) {
        auto moved = [&] { return generation_.load(std::memory_order_acquire) != seen; };
        spin_then_sleep(moved, [&] {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, moved);
        });
        seen = generation_.load(std::memory_order_acquire);
        if (stop_) {
            return;
        }
        work_on(thread);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lock(mutex_);
            done_.notify_one();
        }
    }
}

} // namespace nanovlm
