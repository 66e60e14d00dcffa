#include "thread_pool.h"

#include <algorithm>

namespace nanovlm {

ThreadPool::ThreadPool(int threads) {
    for (int t = 1; t < std::max(1, threads); ++t) {
        workers_.emplace_back([this, t] { worker_loop(t); });
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) {
        w.join();
    }
}

void ThreadPool::run(int n, Task task, void* ctx) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        task_ = task;
        ctx_ = ctx;
        n_ = n;
        // A few chunks per thread balance uneven rows (causal attention) without much overhead.
        chunk_ = std::max(1, n / (size() * 4));
        next_.store(0, std::memory_order_relaxed);
        pending_.store(int(workers_.size()), std::memory_order_relaxed);
        ++generation_;
    }
    wake_.notify_all();
    work_on(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
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
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
            if (stop_) {
                return;
            }
            seen = generation_;
        }
        work_on(thread);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lock(mutex_);
            done_.notify_one();
        }
    }
}

} // namespace nanovlm
