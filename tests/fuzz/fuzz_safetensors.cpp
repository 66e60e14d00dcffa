// libFuzzer target: a .safetensors header (as read from disk) and the tensor-table check against
// each generation's config. Input: 4 bytes little-endian "bytes of tensor data after the prefix"
// (so offsets can be valid without the fuzzer carrying megabytes of weights), then the file's
// first bytes (8-byte header length + JSON).

#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "safetensors.h"
#include "weights.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

const std::vector<nanovlm::ModelConfig>& fixture_configs() {
    static const std::vector<nanovlm::ModelConfig> configs = [] {
        std::vector<nanovlm::ModelConfig> list;
        for (const char* generation : {"v0.1", "v0.2", "main"}) {
            list.push_back(nanovlm::load_model_config(std::string(NANOVLM_FIXTURES) + "/parity/" +
                                                      generation + "/ckpt/config.json"));
        }
        return list;
    }();
    return configs;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) {
        return 0;
    }
    const std::size_t data_bytes = std::size_t(data[0]) | std::size_t(data[1]) << 8 |
                                   std::size_t(data[2]) << 16 | std::size_t(data[3] & 0x7f) << 24;
    const std::uint8_t* prefix = data + 4;
    const std::size_t prefix_size = size - 4;
    try {
        const nanovlm::SafetensorsHeader header = nanovlm::parse_safetensors_header(
            prefix, prefix_size, prefix_size + data_bytes, "fuzz.safetensors");
        for (const nanovlm::ModelConfig& config : fixture_configs()) {
            try {
                nanovlm::check_tensors(header, config, "fuzz.safetensors");
            } catch (const nanovlm::Error&) {
            }
        }
    } catch (const nanovlm::Error&) {
    }
    return 0;
}
