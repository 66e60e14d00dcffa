#pragma once

#include <cstddef>

namespace nanovlm::map_guard {

// Memory maps of checkpoints that a SIGBUS must not kill the process for. Reading a page of a
// map whose file was truncated since (a `cp` over the checkpoint, a drive pulled) raises SIGBUS
// in whichever thread touched it: a worker, a pool thread, OpenBLAS's. The process-wide handler
// maps zero pages over the rest of a registered range, flags it and returns, so the computation
// finishes on zeros and the session throws at its next check. A SIGBUS outside every registered
// range goes to the handler installed before ours, or kills the process as it would have.

// Registers [begin, begin + size); returns a slot for changed() and remove(), or -1 when every
// slot is taken (the map then works unguarded).
int add(const void* begin, std::size_t size);
// Before the range is unmapped.
void remove(int slot);
// Whether a SIGBUS hit the slot's range since add().
bool changed(int slot);

} // namespace nanovlm::map_guard
