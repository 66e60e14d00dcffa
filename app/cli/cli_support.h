#pragma once

#include "nanovlm/model.h"

#include <QCommandLineParser>
#include <QString>

#include <cstdio>
#include <optional>

namespace nanovlm::cli {

inline int usage_error(const QCommandLineParser& parser, const QString& message) {
    std::fprintf(stderr, "nanovlm: %s\n\n%s", qPrintable(message), qPrintable(parser.helpText()));
    return 2;
}

inline int failure(const QString& message) {
    std::fprintf(stderr, "nanovlm: error: %s\n", qPrintable(message));
    return 1;
}

// Parses args (the program name first); on --help prints help and returns 0, on a bad option
// prints the problem and returns 2; otherwise nullopt: carry on.
inline std::optional<int> parse(QCommandLineParser& parser, const QStringList& args) {
    parser.addHelpOption();
    if (!parser.parse(args)) {
        return usage_error(parser, parser.errorText());
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        return usage_error(
            parser,
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    }
    return std::nullopt;
}

// An integer option within [min, max]; nullopt (after printing why) when malformed.
inline std::optional<int> int_option(const QCommandLineParser& parser, const QString& name,
                                     int fallback, int min, int max) {
    if (!parser.isSet(name)) {
        return fallback;
    }
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < min || value > max) {
        std::fprintf(stderr, "nanovlm: --%s must be a whole number from %d to %d, got '%s'\n",
                     qPrintable(name), min, max, qPrintable(parser.value(name)));
        return std::nullopt;
    }
    return value;
}

inline std::optional<double> real_option(const QCommandLineParser& parser, const QString& name,
                                         double fallback, double min, double max) {
    if (!parser.isSet(name)) {
        return fallback;
    }
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok || value < min || value > max) {
        std::fprintf(stderr, "nanovlm: --%s must be a number from %g to %g, got '%s'\n",
                     qPrintable(name), min, max, qPrintable(parser.value(name)));
        return std::nullopt;
    }
    return value;
}

// --weights f32|int8 (default f32); nullopt (after printing why) for any other value.
inline std::optional<WeightFormat> weights_option(const QCommandLineParser& parser) {
    const QString name = QStringLiteral("weights");
    if (!parser.isSet(name)) {
        return WeightFormat::F32;
    }
    const auto format = parse_weight_format(parser.value(name).toStdString());
    if (!format) {
        std::fprintf(stderr, "nanovlm: --weights must be f32 or int8, got '%s'\n",
                     qPrintable(parser.value(name)));
    }
    return format;
}

// The --weights option as generate, bench and inspect offer it.
inline QCommandLineOption weights_option_spec() {
    return {QStringLiteral("weights"),
            QStringLiteral("Weights: f32 (default) or int8 (quantized at load: decodes faster in "
                           "a quarter of the memory, slightly less exact)."),
            QStringLiteral("FORMAT")};
}

} // namespace nanovlm::cli
