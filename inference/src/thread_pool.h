#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace nanovlm {

// A fixed set of worker threads that split a range of work with the calling thread. One pool
// belongs to one Session (never a static): the engine's elementwise work, attention and RoPE run
// on it, while matrix products run on OpenBLAS's own threads, so the two never compete.
class ThreadPool {
public:
    explicit ThreadPool(int threads);
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;
    ~ThreadPool();

    int size() const { return int(workers_.size()) + 1; }

    // Per-thread float scratch for kernels that stage data between steps (the int8 prefill
    // dequantizes blocks of weight rows into it), indexed by parallel_for's `thread`, like ggml's
    // per-thread work buffer. Grown once, when a session is built, so kernels allocate nothing.
    void reserve_scratch(std::size_t floats_per_thread) {
        if (floats_per_thread > scratch_floats_) {
            scratch_floats_ = floats_per_thread;
            scratch_.assign(floats_per_thread * std::size_t(size()), 0.0f);
        }
    }
    float* scratch(int thread) { return scratch_.data() + std::size_t(thread) * scratch_floats_; }

    // Calls fn(begin, end, thread) on disjoint chunks covering [0, n), on all threads, and
    // returns when every chunk is done. Allocates nothing, so it can run once per token.
    template <typename Fn> void parallel_for(int n, Fn&& fn) {
        if (n <= 0) {
            return;
        }
        if (workers_.empty() || n == 1) {
            fn(0, n, 0);
            return;
        }
        run(
            n, [](void* ctx, int b, int e, int t) { (*static_cast<Fn*>(ctx))(b, e, t); }, &fn);
    }

private:
    using Task = void (*)(void* ctx, int begin, int end, int thread);
    void run(int n, Task task, void* ctx);
    void worker_loop(int thread);
    void work_on(int thread);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    Task task_ = nullptr;
    void* ctx_ = nullptr;
    int n_ = 0;
    int chunk_ = 1;
    std::atomic<int> next_{0};
    std::atomic<int> pending_{0};
    std::atomic<std::uint64_t> generation_{0};
    bool stop_ = false; // written under mutex_ before generation_ moves

    std::vector<float> scratch_; // [size(), scratch_floats_]
    std::size_t scratch_floats_ = 0;
};

} // namespace nanovlm
