// Measures what the tokenizer costs: load time of tokenizer.json (median of 7 loads) and encode
// throughput on English prose (median of 5 runs over ~4 MB, one thread). Both wall-clock and
// process CPU time are shown: on a busy machine the CPU time is the steadier of the two.
//
//   tokenizer_speed [tokenizer.json]
#include "nanovlm/tokenizer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Timer {
    std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
    std::clock_t cpu = std::clock();

    double wall_seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    }
    double cpu_seconds() const { return double(std::clock() - cpu) / CLOCKS_PER_SEC; }
};

// Varied sentences, so that the text is not one word repeated; numbering each copy keeps
// digits and some never-seen words in the mix.
std::string prose(std::size_t bytes) {
    const char* sentences[] = {
        "The quick brown fox jumps over the lazy dog while the farmer watches from the porch.",
        "In 1969, three astronauts travelled to the Moon and two of them walked on its surface.",
        "She opened the window, breathed in the cold morning air, and decided to go for a walk.",
        "Researchers found that the new model was faster, cheaper, and surprisingly accurate.",
        "\"Where are you going?\" he asked. \"To the market,\" she replied, not looking back.",
        "A small wooden boat drifted slowly across the lake as the sun set behind the hills.",
        "The committee's report, published on Tuesday, recommends several important changes.",
        "Photosynthesis converts light energy into chemical energy stored in glucose molecules.",
        "They'll arrive at around 7:45 p.m., assuming the train isn't delayed again tonight.",
        "Our grandmother's recipe calls for two cups of flour, three eggs, and a pinch of salt.",
        "The museum's newest exhibition explores the history of navigation and cartography.",
        "Despite the heavy rain, thousands of people gathered in the square to hear the concert.",
        "Engineers tested the bridge under extreme loads before opening it to public traffic.",
        "He couldn't remember where he'd left his keys, so he retraced every step of his day.",
        "Economists expect inflation to slow down gradually over the next eighteen months.",
        "The children built a sandcastle with towers, walls, and a moat filled with seawater.",
    };
    std::string text;
    for (std::size_t i = 0; text.size() < bytes; ++i) {
        text += sentences[i % std::size(sentences)];
        text += (i % 5 == 4) ? "\n\n" : " ";
        if (i % 7 == 0) {
            text += "Item " + std::to_string(i) + ": ";
        }
    }
    return text;
}

} // namespace

int main(int argc, char** argv) {
    const std::string path =
        argc > 1 ? argv[1] : std::string(NANOVLM_FIXTURES) + "/tokenizer/tokenizer.json";
    try {
        std::vector<double> load_ms, load_cpu_ms;
        for (int i = 0; i < 7; ++i) {
            const Timer timer;
            const auto tokenizer = nanovlm::Tokenizer::load(path);
            load_ms.push_back(timer.wall_seconds() * 1e3);
            load_cpu_ms.push_back(timer.cpu_seconds() * 1e3);
        }
        std::printf("load %s: median %.1f ms wall, %.1f ms CPU (wall min %.1f, max %.1f)\n",
                    path.c_str(), median(load_ms), median(load_cpu_ms),
                    *std::min_element(load_ms.begin(), load_ms.end()),
                    *std::max_element(load_ms.begin(), load_ms.end()));

        const auto tokenizer = nanovlm::Tokenizer::load(path);
        const std::string text = prose(4 << 20);
        const double mb = static_cast<double>(text.size()) / 1e6;
        std::vector<double> wall_mb_s, cpu_mb_s;
        std::size_t tokens = 0;
        for (int i = 0; i < 5; ++i) {
            const Timer timer;
            tokens = tokenizer.encode(text).size();
            wall_mb_s.push_back(mb / timer.wall_seconds());
            cpu_mb_s.push_back(mb / timer.cpu_seconds());
        }
        std::printf(
            "encode %.1f MB of prose into %zu tokens: median %.1f MB/s wall, %.1f MB/s CPU\n", mb,
            tokens, median(wall_mb_s), median(cpu_mb_s));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tokenizer_speed: %s\n", e.what());
        return 1;
    }
    return 0;
}
