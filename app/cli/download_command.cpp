#include "cli_support.h"
#include "commands.h"
#include "hub_endpoint.h"
#include "snapshot_download.h"

#include <nlohmann/json.hpp>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

namespace nanovlm::cli {
namespace {

std::string text(const QString& s) {
    return s.toStdString();
}

QString size_text(double bytes) {
    return QLocale::c().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeSIFormat);
}

QString time_text(double seconds) {
    if (seconds < 0) {
        return QStringLiteral("--:--");
    }
    const int s = int(seconds + 0.5);
    return s >= 3600 ? QStringLiteral("%1:%2:%3")
                           .arg(s / 3600)
                           .arg(s / 60 % 60, 2, 10, QChar('0'))
                           .arg(s % 60, 2, 10, QChar('0'))
                     : QStringLiteral("%1:%2")
                           .arg(s / 60, 2, 10, QChar('0'))
                           .arg(s % 60, 2, 10, QChar('0'));
}

// One line redrawn in place: [#####.....]  41%  120.0 MB / 290.1 MB  12.3 MB/s  00:14 left
void draw_bar(qint64 done, qint64 total, double speed, double left, const QString& file) {
    constexpr int kWidth = 28;
    const double fraction = total > 0 ? double(done) / double(total) : 0.0;
    const int filled = int(fraction * kWidth);
    const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
    std::fprintf(stderr, "\r\033[K[%s] %3d%%  %s / %s  %s/s  %s left  %s", bar.c_str(),
                 int(fraction * 100), qPrintable(size_text(done)), qPrintable(size_text(total)),
                 qPrintable(size_text(speed)), qPrintable(time_text(left)), qPrintable(file));
    std::fflush(stderr);
}

} // namespace

int run_download(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Download a nanoVLM checkpoint and its tokenizer from the Hugging Face Hub into the "
        "Hugging Face cache, as `huggingface-cli download` would: resumable, each file checked "
        "against the Hub's checksum. Honours HF_ENDPOINT, HF_HUB_CACHE, HF_HOME, HF_TOKEN and "
        "HF_HUB_OFFLINE. Exits 0 once the checkpoint and its tokenizer are complete."));
    p.addPositionalArgument(QStringLiteral("repo"),
                            QStringLiteral("The repository, e.g. lusxvr/nanoVLM-230M-8k."));
    p.addOptions({{"revision", "Branch, tag or commit (default main).", "REV", "main"},
                  {"json", "Print one JSON object a line: progress events, then the result."}});
    p.addHelpOption();
    if (!p.parse(args)) {
        return usage_error(p, p.errorText());
    }
    if (p.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(p.helpText()), stdout);
        return 0;
    }
    if (p.positionalArguments().size() != 1) {
        return usage_error(p, QStringLiteral("give one repository, e.g. lusxvr/nanoVLM-230M-8k"));
    }
    const QString repo = p.positionalArguments().first();
    const bool json = p.isSet("json");
    const bool bar = !json && ::isatty(STDERR_FILENO);

    app::SnapshotDownload job(repo, p.value("revision"), app::HubEndpoint::fromEnvironment());
    QObject::connect(
        &job, &app::SnapshotDownload::progress,
        [&](qint64 done, qint64 total, double speed, double left, const QString& file) {
            if (json) {
                const nlohmann::json event = {
                    {"event", "progress"}, {"file", text(file)},        {"bytes", done},
                    {"total", total},      {"bytes_per_second", speed}, {"seconds_left", left}};
                std::printf("%s\n", event.dump().c_str());
                std::fflush(stdout);
            } else if (bar) {
                draw_bar(done, total, speed, left, file);
            }
        });
    QObject::connect(&job, &app::SnapshotDownload::status, [&](const QString& message) {
        if (json) {
            std::printf(
                "%s\n",
                nlohmann::json({{"event", "status"}, {"message", text(message)}}).dump().c_str());
            std::fflush(stdout);
        } else {
            std::fprintf(stderr, "%s%s\n", bar ? "\r\033[K" : "", qPrintable(message));
        }
    });
    int code = 1;
    QObject::connect(
        &job, &app::SnapshotDownload::finished, [&](std::optional<app::DownloadFailure> failure) {
            if (bar) {
                std::fputs("\r\033[K", stderr);
            }
            if (failure) {
                if (json) {
                    std::printf(
                        "%s\n",
                        nlohmann::json({{"event", "error"},
                                        {"kind", text(app::downloadFailureName(failure->kind))},
                                        {"message", text(failure->message)}})
                            .dump()
                            .c_str());
                }
                std::fprintf(stderr, "nanovlm: error: %s\n", qPrintable(failure->message));
                code = 1;
            } else {
                const auto& r = job.result();
                nlohmann::json files = nlohmann::json::array();
                for (const QString& f : r.files) {
                    files.push_back(text(f));
                }
                const nlohmann::json out = {{"repo", text(r.repo)},
                                            {"revision", text(r.revision)},
                                            {"commit", text(r.commit)},
                                            {"directory", text(r.directory)},
                                            {"files", files},
                                            {"bytes", r.bytes},
                                            {"received_bytes", r.received},
                                            {"tokenizer", text(r.tokenizerFile)},
                                            {"tokenizer_repo", text(r.tokenizerRepo)},
                                            {"from_cache", r.fromCache}};
                if (json) {
                    std::printf("%s\n", out.dump().c_str());
                } else {
                    std::printf("Downloaded %s (%s) to\n  %s\ntokenizer: %s\n", qPrintable(r.repo),
                                qPrintable(size_text(r.bytes)), qPrintable(r.directory),
                                qPrintable(r.tokenizerFile));
                }
                code = 0;
            }
            std::fflush(stdout);
            QCoreApplication::exit(code);
        });
    // Ctrl-C: stop, keeping the partial files for the next run.
    QTimer interrupt_poll;
    QObject::connect(&interrupt_poll, &QTimer::timeout, [&] {
        if (g_interrupted.load()) {
            interrupt_poll.stop();
            job.pause();
        }
    });
    interrupt_poll.start(100);
    job.start();
    QCoreApplication::exec();
    return code;
}

} // namespace nanovlm::cli
