#pragma once

namespace nanovlm {

// The OpenBLAS kernel set the engine's products run on ("Haswell", "SkylakeX", ...): OpenBLAS
// chooses it from the CPU or OPENBLAS_CORETYPE, and speed depends on it, so benchmarks report it.
const char* blas_kernel_set();

} // namespace nanovlm
