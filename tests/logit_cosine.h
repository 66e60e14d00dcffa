#pragma once

// Cosine similarity of two logit vectors, in double: how the int8 tests judge that quantized
// weights keep the float32 model's last logits.

#include <cmath>
#include <cstddef>
#include <span>

namespace nanovlm::test {

inline double cosine(std::span<const float> a, std::span<const float> b) {
    double ab = 0.0, aa = 0.0, bb = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

} // namespace nanovlm::test
