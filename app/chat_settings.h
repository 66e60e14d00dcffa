#pragma once

#include "nanovlm/generation.h"

#include <QObject>
#include <QRect>
#include <QSettings>
#include <QtQml/qqmlregistration.h> // QML_ELEMENT, QML_UNCREATABLE

namespace nanovlm::app {

// The user's choices, kept in QSettings (~/.config/nanovlm/nanovlm-chat.conf) and written as
// they change. Sampling defaults are nanoVLM's own (top-k 50, top-p 0.9, temperature 0.5).
class ChatSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ChatSettings is owned by a ChatController (ChatController.settings)")

    // 0 means greedy: always the likeliest token.
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed) // 0: no top-k cut
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
    Q_PROPERTY(int maxNewTokens READ maxNewTokens WRITE setMaxNewTokens NOTIFY changed)
    // With a fixed seed the same question in a new chat gets the same answer; otherwise every
    // answer draws a fresh seed.
    Q_PROPERTY(bool fixedSeed READ fixedSeed WRITE setFixedSeed NOTIFY changed)
    Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY changed)
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY changed) // 0: every core
    Q_PROPERTY(int hardwareThreads READ hardwareThreads CONSTANT)
    // Most tiles per image side for tiled checkpoints; 0: the model's own (most faithful).
    Q_PROPERTY(int imageDetail READ imageDetail WRITE setImageDetail NOTIFY changed)
    Q_PROPERTY(Theme theme READ theme WRITE setTheme NOTIFY changed)
    // The checkpoint opened last, reopened at start when no --model is given.
    Q_PROPERTY(QString lastModel READ lastModel WRITE setLastModel NOTIFY changed)
    Q_PROPERTY(QString lastTokenizer READ lastTokenizer WRITE setLastTokenizer NOTIFY changed)
    // The window as the user left it: the chat list shown (wide windows), the window's place and
    // size (empty: the default), and the chat open at the end (reopened at start).
    Q_PROPERTY(bool chatListShown READ chatListShown WRITE setChatListShown NOTIFY changed)
    Q_PROPERTY(QRect windowGeometry READ windowGeometry WRITE setWindowGeometry NOTIFY changed)
    Q_PROPERTY(QString lastChat READ lastChat WRITE setLastChat NOTIFY changed)
    // False: changes hold for this run only (scripted runs must not rewrite the user's choices).
    Q_PROPERTY(bool persistent MEMBER persistent_ NOTIFY changed)

public:
    enum Theme { SystemTheme, LightTheme, DarkTheme };
    Q_ENUM(Theme)

    explicit ChatSettings(QObject* parent = nullptr);

    double temperature() const { return temperature_; }
    int topK() const { return top_k_; }
    double topP() const { return top_p_; }
    int maxNewTokens() const { return max_new_tokens_; }
    bool fixedSeed() const { return fixed_seed_; }
    int seed() const { return seed_; }
    int threads() const { return threads_; }
    int hardwareThreads() const;
    int imageDetail() const { return image_detail_; }
    Theme theme() const { return theme_; }
    QString lastModel() const { return last_model_; }
    QString lastTokenizer() const { return last_tokenizer_; }
    bool chatListShown() const { return chat_list_shown_; }
    QRect windowGeometry() const { return window_geometry_; }
    QString lastChat() const { return last_chat_; }

    void setTemperature(double value);
    void setTopK(int value);
    void setTopP(double value);
    void setMaxNewTokens(int value);
    void setFixedSeed(bool value);
    void setSeed(int value);
    void setThreads(int value);
    void setImageDetail(int value);
    void setTheme(Theme value);
    void setLastModel(const QString& value);
    void setLastTokenizer(const QString& value);
    void setChatListShown(bool value);
    void setWindowGeometry(const QRect& value);
    void setLastChat(const QString& value);

    // Sampling, token limit and threads back to nanoVLM's defaults (theme and model stay).
    Q_INVOKABLE void resetToDefaults();

    // The engine options for one answer. `attempt` counts regenerations of that answer: with a
    // fixed seed, attempt n uses seed + n, so a regenerated answer differs yet reproduces.
    GenerationOptions generationOptions(int attempt) const;

signals:
    void changed();

private:
    template <typename T> void store(T& field, const T& value, const char* key);

    QSettings store_;
    double temperature_;
    int top_k_;
    double top_p_;
    int max_new_tokens_;
    bool fixed_seed_;
    int seed_;
    int threads_;
    int image_detail_;
    Theme theme_;
    QString last_model_;
    QString last_tokenizer_;
    bool chat_list_shown_;
    QRect window_geometry_;
    QString last_chat_;
    bool persistent_ = true;
};

} // namespace nanovlm::app
