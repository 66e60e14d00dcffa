#include "weights.h"

#include "nanovlm/config.h"
#include "nanovlm/error.h"

#include <cmath>
#include <cstring>

namespace nanovlm {
namespace {

float half_to_float(std::uint16_t h) {
    const std::uint32_t sign = std::uint32_t(h & 0x8000) << 16;
    std::uint32_t exponent = (h >> 10) & 0x1f;
    std::uint32_t mantissa = h & 0x3ff;
    std::uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000 | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        exponent = 113;
        while ((mantissa & 0x400) == 0) {
            mantissa <<= 1;
            --exponent;
        }
        bits = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

} // namespace

std::vector<TensorSpec> tensor_table(const ModelConfig& c) {
    using S = std::vector<std::int64_t>;
    const std::int64_t D = c.vit_hidden_dim, I = c.vit_inter_dim, P = c.vit_patch_size;
    const std::int64_t H = c.lm_hidden_dim, LI = c.lm_inter_dim;
    const std::int64_t KV = std::int64_t(c.lm_n_kv_heads) * c.lm_head_dim();
    std::vector<TensorSpec> t;
    const std::string ve = "vision_encoder.";
    t.push_back({ve + "patch_embedding.conv.weight", "", S{D, 3, P, P}});
    t.push_back({ve + "patch_embedding.conv.bias", "", S{D}});
    t.push_back({ve + "patch_embedding.position_embedding", "", S{1, c.vit_num_patches(), D}});
    for (int i = 0; i < c.vit_n_blocks; ++i) {
        const std::string b = ve + "blocks." + std::to_string(i) + ".";
        t.push_back({b + "ln1.weight", "", S{D}});
        t.push_back({b + "ln1.bias", "", S{D}});
        t.push_back({b + "attn.qkv_proj.weight", "", S{3 * D, D}});
        t.push_back({b + "attn.qkv_proj.bias", "", S{3 * D}});
        t.push_back({b + "attn.out_proj.weight", "", S{D, D}});
        t.push_back({b + "attn.out_proj.bias", "", S{D}});
        t.push_back({b + "ln2.weight", "", S{D}});
        t.push_back({b + "ln2.bias", "", S{D}});
        t.push_back({b + "mlp.fc1.weight", "", S{I, D}});
        t.push_back({b + "mlp.fc1.bias", "", S{I}});
        t.push_back({b + "mlp.fc2.weight", "", S{D, I}});
        t.push_back({b + "mlp.fc2.bias", "", S{D}});
    }
    t.push_back({ve + "layer_norm.weight", "", S{D}});
    t.push_back({ve + "layer_norm.bias", "", S{D}});
    t.push_back({"MP.proj.weight", "", S{H, c.mp_input_dim()}});
    // save_pretrained stores the tied head once, under the alphabetically first name.
    t.push_back({"decoder.head.weight", "decoder.token_embedding.weight", S{c.lm_vocab_size, H}});
    t.push_back({"decoder.rotary_embd.inv_freq", "", S{c.lm_head_dim() / 2}, false});
    for (int i = 0; i < c.lm_n_blocks; ++i) {
        const std::string b = "decoder.blocks." + std::to_string(i) + ".";
        t.push_back({b + "norm1.weight", "", S{H}});
        t.push_back({b + "attn.q_proj.weight", "", S{H, H}});
        t.push_back({b + "attn.k_proj.weight", "", S{KV, H}});
        t.push_back({b + "attn.v_proj.weight", "", S{KV, H}});
        t.push_back({b + "attn.out_proj.weight", "", S{H, H}});
        t.push_back({b + "norm2.weight", "", S{H}});
        t.push_back({b + "mlp.gate_proj.weight", "", S{LI, H}});
        t.push_back({b + "mlp.up_proj.weight", "", S{LI, H}});
        t.push_back({b + "mlp.down_proj.weight", "", S{H, LI}});
    }
    t.push_back({"decoder.norm.weight", "", S{H}});
    return t;
}

void check_tensors(const SafetensorsHeader& header, const ModelConfig& config,
                   const std::string& path) {
    for (const TensorSpec& spec : tensor_table(config)) {
        const TensorInfo* found = header.find(spec.name);
        if (found == nullptr && !spec.alias.empty()) {
            found = header.find(spec.alias);
        }
        if (found == nullptr) {
            if (!spec.required) {
                continue;
            }
            throw Error(path + ": tensor \"" + spec.name + "\" is missing" +
                        (spec.alias.empty() ? "" : " (nor stored as \"" + spec.alias + "\")") +
                        "; expected shape " + shape_text(spec.shape) +
                        ". Is this a nanoVLM checkpoint matching its config.json?");
        }
        if (found->shape != spec.shape) {
            throw Error(path + ": tensor \"" + found->name + "\" has shape " +
                        shape_text(found->shape) + ", expected " + shape_text(spec.shape) +
                        " from config.json");
        }
    }
}

std::size_t count_parameters(const SafetensorsHeader& header) {
    std::size_t count = 0;
    for (const auto& [name, info] : header.tensors) {
        if (name != "decoder.rotary_embd.inv_freq") {
            count += info.bytes / dtype_size(info.dtype);
        }
    }
    return count;
}

WeightStore::WeightStore(const std::string& safetensors_path, const ModelConfig& config)
    : file_(safetensors_path), header_(parse_safetensors_header(file_.data(), file_.size(),
                                                                file_.size(), safetensors_path)) {
    check_tensors(header_, config, safetensors_path);
    bind(config);
}

void WeightStore::count_unused_map_bytes(const std::vector<Linear*>& layers) {
    for (const Linear* l : layers) {
        if (file_.contains(l->weight)) {
            unused_map_bytes_ += std::size_t(l->out) * l->in * sizeof(float);
        }
    }
}

void WeightStore::quantize_int8(int threads) {
    const std::vector<Linear*> layers = int8_layers(weights_);
    count_unused_map_bytes(layers);
    quantized_.emplace(layers, threads, [this](const float* source, std::size_t count, float* dst) {
        file_.copy(source, count * sizeof(float), dst);
    });
}

void WeightStore::convert_bf16(int threads) {
    const std::vector<Linear*> layers = int8_layers(weights_);
    count_unused_map_bytes(layers);
    bf16_.emplace(layers, threads, [this](const float* source, std::size_t count, float* dst) {
        file_.copy(source, count * sizeof(float), dst);
    });
}

WeightFormat WeightStore::format() const {
    return quantized_ ? WeightFormat::Int8 : bf16_ ? WeightFormat::Bf16 : WeightFormat::F32;
}

std::size_t WeightStore::quantized_bytes() const {
    return quantized_ ? quantized_->bytes() : bf16_ ? bf16_->bytes() : 0;
}

int WeightStore::max_quantized_in() const {
    return quantized_ ? quantized_->max_in() : bf16_ ? bf16_->max_in() : 0;
}

std::size_t WeightStore::converted_bytes() const {
    return converted_floats_ * sizeof(float);
}

const float* WeightStore::tensor(const std::string& name, const std::string& alias) {
    const TensorInfo* info = header_.find(name);
    if (info == nullptr && !alias.empty()) {
        info = header_.find(alias);
    }
    if (info == nullptr) {
        return nullptr; // only optional tensors get here: check_tensors ran first
    }
    const std::uint8_t* bytes = file_.data() + info->offset;
    const std::size_t count = info->bytes / dtype_size(info->dtype);
    if (info->dtype == DType::F32 &&
        reinterpret_cast<std::uintptr_t>(bytes) % alignof(float) == 0) {
        return reinterpret_cast<const float*>(bytes);
    }
    auto owned = std::make_unique<float[]>(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (info->dtype == DType::F32) {
            std::memcpy(&owned[i], bytes + 4 * i, 4);
            continue;
        }
        std::uint16_t raw;
        std::memcpy(&raw, bytes + 2 * i, 2);
        owned[i] = info->dtype == DType::F16 ? half_to_float(raw) : bf16_to_float(raw);
    }
    converted_floats_ += count;
    converted_.push_back(std::move(owned));
    return converted_.back().get();
}

void WeightStore::bind(const ModelConfig& c) {
    auto linear = [&](const std::string& prefix, int out, int in, bool bias) {
        Linear l;
        l.weight = tensor(prefix + ".weight");
        l.bias = bias ? tensor(prefix + ".bias") : nullptr;
        l.out = out;
        l.in = in;
        return l;
    };
    auto layer_norm = [&](const std::string& prefix) {
        return LayerNormWeights{tensor(prefix + ".weight"), tensor(prefix + ".bias")};
    };

    VisionWeights& v = weights_.vision;
    const int D = c.vit_hidden_dim, I = c.vit_inter_dim;
    v.patch_weight = tensor("vision_encoder.patch_embedding.conv.weight");
    v.patch_bias = tensor("vision_encoder.patch_embedding.conv.bias");
    v.position_embedding = tensor("vision_encoder.patch_embedding.position_embedding");
    for (int i = 0; i < c.vit_n_blocks; ++i) {
        const std::string b = "vision_encoder.blocks." + std::to_string(i) + ".";
        v.blocks.push_back({layer_norm(b + "ln1"), linear(b + "attn.qkv_proj", 3 * D, D, true),
                            linear(b + "attn.out_proj", D, D, true), layer_norm(b + "ln2"),
                            linear(b + "mlp.fc1", I, D, true), linear(b + "mlp.fc2", D, I, true)});
    }
    v.final_norm = layer_norm("vision_encoder.layer_norm");

    const int H = c.lm_hidden_dim, LI = c.lm_inter_dim;
    const int KV = c.lm_n_kv_heads * c.lm_head_dim();
    weights_.projector = linear("MP.proj", H, c.mp_input_dim(), false);

    LanguageWeights& lm = weights_.language;
    lm.token_embedding = tensor("decoder.head.weight", "decoder.token_embedding.weight");
    lm.head.weight = lm.token_embedding;
    lm.head.out = c.lm_vocab_size;
    lm.head.in = H;
    for (int i = 0; i < c.lm_n_blocks; ++i) {
        const std::string b = "decoder.blocks." + std::to_string(i) + ".";
        LmBlockWeights w;
        w.norm1 = tensor(b + "norm1.weight");
        w.q = linear(b + "attn.q_proj", H, H, false);
        w.k = linear(b + "attn.k_proj", KV, H, false);
        w.v = linear(b + "attn.v_proj", KV, H, false);
        w.o = linear(b + "attn.out_proj", H, H, false);
        w.norm2 = tensor(b + "norm2.weight");
        w.gate = linear(b + "mlp.gate_proj", LI, H, false);
        w.up = linear(b + "mlp.up_proj", LI, H, false);
        w.down = linear(b + "mlp.down_proj", H, LI, false);
        lm.blocks.push_back(w);
    }
    lm.final_norm = tensor("decoder.norm.weight");
    lm.inv_freq = tensor("decoder.rotary_embd.inv_freq");
    if (lm.inv_freq == nullptr) {
        // RotaryEmbedding: 1 / base ** (arange(0, d, 2).float() / d), in float32.
        const int d = c.lm_head_dim();
        for (int i = 0; i < d / 2; ++i) {
            const float exponent = float(2 * i) / float(d);
            computed_inv_freq_.push_back(1.0f / std::pow(float(c.lm_re_base), exponent));
        }
        lm.inv_freq = computed_inv_freq_.data();
    }
}

} // namespace nanovlm
