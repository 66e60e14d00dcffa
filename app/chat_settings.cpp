#include "chat_settings.h"

#include <QRandomGenerator>

#include <algorithm>
#include <thread>

namespace nanovlm::app {
namespace {

// nanoVLM's VisionLanguageModel.generate defaults.
constexpr double kTemperature = 0.5;
constexpr int kTopK = 50;
constexpr double kTopP = 0.9;
constexpr int kMaxNewTokens = 512;
constexpr int kSeed = 0;

} // namespace

ChatSettings::ChatSettings(QObject* parent)
    : QObject(parent),
      temperature_(
          std::clamp(store_.value("sampling/temperature", kTemperature).toDouble(), 0.0, 2.0)),
      top_k_(std::clamp(store_.value("sampling/topK", kTopK).toInt(), 0, 1000)),
      top_p_(std::clamp(store_.value("sampling/topP", kTopP).toDouble(), 0.01, 1.0)),
      max_new_tokens_(
          std::clamp(store_.value("sampling/maxNewTokens", kMaxNewTokens).toInt(), 1, 8192)),
      fixed_seed_(store_.value("sampling/fixedSeed", false).toBool()),
      seed_(std::max(0, store_.value("sampling/seed", kSeed).toInt())),
      threads_(std::max(0, store_.value("performance/threads", 0).toInt())),
      image_detail_(std::max(0, store_.value("images/detail", 0).toInt())),
      theme_(Theme(std::clamp(store_.value("appearance/theme", int(SystemTheme)).toInt(),
                              int(SystemTheme), int(DarkTheme)))),
      last_model_(store_.value("model/lastDirectory").toString()),
      last_tokenizer_(store_.value("model/lastTokenizer").toString()),
      chat_list_shown_(store_.value("window/chatListShown", true).toBool()),
      window_geometry_(store_.value("window/geometry").toRect()),
      last_chat_(store_.value("window/lastChat").toString()) {}

template <typename T> void ChatSettings::store(T& field, const T& value, const char* key) {
    if (field == value) {
        return;
    }
    field = value;
    if (persistent_) {
        if constexpr (std::is_enum_v<T>) {
            store_.setValue(QLatin1String(key), int(value));
        } else {
            store_.setValue(QLatin1String(key), value);
        }
    }
    emit changed();
}

int ChatSettings::hardwareThreads() const {
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

void ChatSettings::setTemperature(double value) {
    store(temperature_, std::clamp(value, 0.0, 2.0), "sampling/temperature");
}
void ChatSettings::setTopK(int value) {
    store(top_k_, std::clamp(value, 0, 1000), "sampling/topK");
}
void ChatSettings::setTopP(double value) {
    store(top_p_, std::clamp(value, 0.01, 1.0), "sampling/topP");
}
void ChatSettings::setMaxNewTokens(int value) {
    store(max_new_tokens_, std::clamp(value, 1, 8192), "sampling/maxNewTokens");
}
void ChatSettings::setFixedSeed(bool value) {
    store(fixed_seed_, value, "sampling/fixedSeed");
}
void ChatSettings::setSeed(int value) {
    store(seed_, std::max(0, value), "sampling/seed");
}
void ChatSettings::setThreads(int value) {
    store(threads_, std::clamp(value, 0, 1024), "performance/threads");
}
void ChatSettings::setImageDetail(int value) {
    store(image_detail_, std::clamp(value, 0, 64), "images/detail");
}
void ChatSettings::setTheme(Theme value) {
    store(theme_, value, "appearance/theme");
}
void ChatSettings::setLastModel(const QString& value) {
    store(last_model_, value, "model/lastDirectory");
}
void ChatSettings::setLastTokenizer(const QString& value) {
    store(last_tokenizer_, value, "model/lastTokenizer");
}

void ChatSettings::setChatListShown(bool value) {
    store(chat_list_shown_, value, "window/chatListShown");
}
void ChatSettings::setWindowGeometry(const QRect& value) {
    store(window_geometry_, value, "window/geometry");
}
void ChatSettings::setLastChat(const QString& value) {
    store(last_chat_, value, "window/lastChat");
}

void ChatSettings::resetToDefaults() {
    setTemperature(kTemperature);
    setTopK(kTopK);
    setTopP(kTopP);
    setMaxNewTokens(kMaxNewTokens);
    setFixedSeed(false);
    setSeed(kSeed);
    setThreads(0);
    setImageDetail(0);
}

GenerationOptions ChatSettings::generationOptions(int attempt) const {
    GenerationOptions options;
    options.max_new_tokens = max_new_tokens_;
    options.sampling.greedy = temperature_ <= 0.0;
    options.sampling.temperature = float(std::max(temperature_, 1e-3));
    options.sampling.top_k = top_k_;
    options.sampling.top_p = float(top_p_);
    options.sampling.seed = fixed_seed_ ? std::uint64_t(seed_) + std::uint64_t(std::max(0, attempt))
                                        : QRandomGenerator::global()->generate64();
    return options;
}

} // namespace nanovlm::app
