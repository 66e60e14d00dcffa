#pragma once

#include "nanovlm/nanovlm.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace nanovlm::server {

// The sessions the server answers with: one per slot, all over the one immutable Model. At most
// `slots` requests generate at once; up to `queue` more wait their turn in arrival order; past
// that acquire() refuses at once (the server answers 503 with Retry-After). A slot's Session is
// made on first use and reset, not rebuilt, for the next request: its KV cache is reused.
class SlotPool {
public:
    class Lease {
    public:
        Lease(SlotPool* pool, int slot) : pool_(pool), slot_(slot) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() { pool_->release(slot_); }
        Session& session() { return *pool_->sessions_[std::size_t(slot_)]; }

    private:
        SlotPool* pool_;
        int slot_;
    };

    enum class Refusal { QueueFull, Abandoned };

    SlotPool(std::shared_ptr<const Model> model, int slots, int queue, SessionOptions options);

    // Waits for a free slot. `abandoned` is polled while waiting (a client that hung up gives its
    // place away). Null with *why set when refused.
    std::unique_ptr<Lease> acquire(const std::function<bool()>& abandoned, Refusal* why);

    int slot_count() const { return int(sessions_.size()); }
    int busy() const;
    int waiting() const;

private:
    void release(int slot);

    std::shared_ptr<const Model> model_;
    SessionOptions options_;
    int queue_limit_;
    mutable std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Session>> sessions_;
    std::vector<bool> in_use_;
    // Waiting requests by ticket, first come first served.
    std::deque<unsigned long long> queue_;
    unsigned long long next_ticket_ = 0;
};

} // namespace nanovlm::server
