#pragma once

#include <QElapsedTimer>

#include <deque>
#include <utility>

namespace nanovlm::app {

// Download speed over the last few seconds, for "12.3 MB/s, 2 min left": a whole-run average
// would hide a stall, a per-read rate would jump about.
class TransferRate {
public:
    void start() {
        clock_.start();
        samples_.clear();
    }
    // `total` bytes received so far.
    void add(qint64 total) {
        const qint64 now = clock_.elapsed();
        samples_.emplace_back(now, total);
        while (samples_.size() > 2 && samples_.front().first < now - kWindowMs) {
            samples_.pop_front();
        }
    }
    double bytesPerSecond() const {
        if (samples_.size() < 2) {
            return 0.0;
        }
        const auto& [t0, b0] = samples_.front();
        const auto& [t1, b1] = samples_.back();
        return t1 > t0 ? double(b1 - b0) * 1000.0 / double(t1 - t0) : 0.0;
    }
    // Seconds to receive `left` more bytes at the current speed; -1 when unknown.
    double secondsFor(qint64 left) const {
        const double speed = bytesPerSecond();
        return speed > 0.0 ? double(left) / speed : -1.0;
    }

private:
    static constexpr qint64 kWindowMs = 5000;
    QElapsedTimer clock_;
    std::deque<std::pair<qint64, qint64>> samples_; // (ms since start, bytes)
};

} // namespace nanovlm::app
