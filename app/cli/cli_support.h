#pragma once

#include "nanovlm/model.h"

#include <nlohmann/json.hpp>

#include <QCommandLineParser>
#include <QString>

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace nanovlm::cli {

// Text from outside (folder names, revisions, file contents quoted in messages) made safe for a
// terminal: bytes that are not UTF-8 become U+FFFD, and control characters (ESC of an ANSI
// sequence, a carriage return that would overwrite the line, C1 codes) are shown as \x1b or
// \u009b; line breaks and tabs stay when `keep_lines`.
inline std::string printable(std::string_view text, bool keep_lines = false) {
    const QString decoded = QString::fromUtf8(text.data(), qsizetype(text.size()));
    QString out;
    out.reserve(decoded.size());
    for (const QChar c : decoded) {
        const char16_t u = c.unicode();
        if ((u < 0x20 || (u >= 0x7f && u <= 0x9f)) && !(keep_lines && (u == '\n' || u == '\t'))) {
            out += u < 0x100 ? QStringLiteral("\\x%1").arg(int(u), 2, 16, QLatin1Char('0'))
                             : QStringLiteral("\\u%1").arg(int(u), 4, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
    }
    return out.toStdString();
}
inline std::string printable(const QString& text, bool keep_lines = false) {
    return printable(text.toStdString(), keep_lines);
}

// JSON output that never throws on bytes that are not UTF-8 (a folder name, a revision):
// they become U+FFFD.
template <class Json> std::string json_text(const Json& json, int indent = -1) {
    return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline int usage_error(const QCommandLineParser& parser, const QString& message) {
    std::fprintf(stderr, "nanovlm: %s\n\n%s", printable(message, true).c_str(),
                 qPrintable(parser.helpText()));
    return 2;
}

inline int failure(const QString& message) {
    std::fprintf(stderr, "nanovlm: error: %s\n", printable(message, true).c_str());
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
                     qPrintable(name), min, max, printable(parser.value(name)).c_str());
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
    // toDouble accepts "nan" and "inf", and NaN passes every comparison: test finiteness.
    if (!ok || !std::isfinite(value) || value < min || value > max) {
        std::fprintf(stderr, "nanovlm: --%s must be a number from %g to %g, got '%s'\n",
                     qPrintable(name), min, max, printable(parser.value(name)).c_str());
        return std::nullopt;
    }
    return value;
}

// --weights f32|int8|bf16 (default f32); nullopt (after printing why) for any other value.
inline std::optional<WeightFormat> weights_option(const QCommandLineParser& parser) {
    const QString name = QStringLiteral("weights");
    if (!parser.isSet(name)) {
        return WeightFormat::F32;
    }
    const auto format = parse_weight_format(parser.value(name).toStdString());
    if (!format) {
        std::fprintf(stderr, "nanovlm: --weights must be f32, int8 or bf16, got '%s'\n",
                     printable(parser.value(name)).c_str());
    }
    return format;
}

// The --weights option as generate, bench and inspect offer it.
inline QCommandLineOption weights_option_spec() {
    return {QStringLiteral("weights"),
            QStringLiteral("Weights: f32 (default), int8 (quantized at load: decodes fastest in "
                           "a quarter of the memory, slightly less exact) or bf16 (rounded at "
                           "load: faster in half the memory, nearly exact)."),
            QStringLiteral("FORMAT")};
}

} // namespace nanovlm::cli
