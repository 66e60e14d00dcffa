#pragma once

#include <string>

namespace nanovlm {

// What the engine's matrix products run on in this process, e.g. "AVX-512 tiles; OpenBLAS
// Haswell": the engine's own AVX-512 kernels for products of several rows when the CPU has them,
// OpenBLAS (kernels chosen from the CPU or OPENBLAS_CORETYPE) for the rest. Speed depends on it,
// so benchmarks report it.
std::string matrix_kernels();

} // namespace nanovlm
