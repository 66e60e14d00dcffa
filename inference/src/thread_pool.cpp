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
    const auto deadline = std::chrono::steady_clock::now() + kSpin;
    while (pending_.load(std::memory_order_acquire) != 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            std::unique_lock<std::mutex> lock(mutex_);
            done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
            break;
        }
        NANOVLM_CPU_RELAX();
    }
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
        auto deadline = std::chrono::steady_clock::now() + kSpin;
        while (generation_.load(std::memory_order_acquire) == seen) {
            if (std::chrono::steady_clock::now() > deadline) {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
                break;
            }
            NANOVLM_CPU_RELAX();
        }
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
