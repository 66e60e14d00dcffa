#include "slot_pool.h"

#include <algorithm>
#include <chrono>

namespace nanovlm::server {

SlotPool::SlotPool(std::shared_ptr<const Model> model, int slots, int queue, SessionOptions options)
    : model_(std::move(model)), options_(options), queue_limit_(queue),
      sessions_(std::size_t(std::max(1, slots))), in_use_(sessions_.size(), false) {}

int SlotPool::busy() const {
    std::lock_guard lock(mutex_);
    return int(std::count(in_use_.begin(), in_use_.end(), true));
}

int SlotPool::waiting() const {
    std::lock_guard lock(mutex_);
    return int(queue_.size());
}

std::unique_ptr<SlotPool::Lease> SlotPool::acquire(const std::function<bool()>& abandoned,
                                                   Refusal* why) {
    std::unique_lock lock(mutex_);
    auto free_slot = [&] {
        return int(std::find(in_use_.begin(), in_use_.end(), false) - in_use_.begin());
    };
    const bool must_wait = !queue_.empty() || free_slot() == int(in_use_.size());
    if (must_wait && int(queue_.size()) >= queue_limit_) {
        *why = Refusal::QueueFull;
        return nullptr;
    }
    const unsigned long long ticket = next_ticket_++;
    queue_.push_back(ticket);
    while (queue_.front() != ticket || free_slot() == int(in_use_.size())) {
        freed_.wait_for(lock, std::chrono::milliseconds(100));
        if (queue_.front() == ticket && free_slot() < int(in_use_.size())) {
            break;
        }
        if (abandoned && abandoned()) {
            queue_.erase(std::find(queue_.begin(), queue_.end(), ticket));
            lock.unlock();
            freed_.notify_all(); // the next in line may be first now
            *why = Refusal::Abandoned;
            return nullptr;
        }
    }
    queue_.pop_front();
    const int slot = free_slot();
    in_use_[std::size_t(slot)] = true;
    lock.unlock();
    freed_.notify_all();

    auto lease = std::make_unique<Lease>(this, slot);
    std::unique_ptr<Session>& session = sessions_[std::size_t(slot)];
    if (!session) {
        session = std::make_unique<Session>(model_, options_);
    } else {
        session->reset();
    }
    return lease;
}

void SlotPool::release(int slot) {
    {
        std::lock_guard lock(mutex_);
        in_use_[std::size_t(slot)] = false;
    }
    freed_.notify_all();
}

} // namespace nanovlm::server
