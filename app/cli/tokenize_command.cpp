#include "cli_support.h"
#include "commands.h"

#include "nanovlm/config.h"
#include "nanovlm/error.h"
#include "nanovlm/json_limits.h"
#include "nanovlm/tokenizer.h"

#include <nlohmann/json.hpp>

#include <QCommandLineParser>
#include <QDir>

#include <cstdio>
#include <iostream>
#include <string>

namespace nanovlm::cli {

int run_tokenize(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Encode: stdin one JSON string a line, stdout one JSON id array a line.\n"
        "Decode (--decode): stdin one JSON id array a line, stdout one JSON string a line."));
    p.addOptions({{"model", "Checkpoint folder: adds its nanoVLM extra tokens.", "DIR"},
                  {"tokenizer", "tokenizer.json (default: found from --model).", "FILE"},
                  {"decode", "Decode ids instead of encoding text."},
                  {"skip-special", "With --decode: leave special tokens out."}});
    if (auto code = parse(p, args)) {
        return *code;
    }
    if (!p.isSet("model") && !p.isSet("tokenizer")) {
        return usage_error(p, QStringLiteral("give --tokenizer FILE, --model DIR, or both"));
    }
    try {
        std::vector<std::string> extra;
        std::string hub_name;
        const std::string model_dir = p.value("model").toStdString();
        if (p.isSet("model")) {
            const ModelConfig config =
                load_model_config(QDir(p.value("model")).filePath("config.json").toStdString());
            extra = config.extra_token_strings();
            hub_name = config.lm_tokenizer;
        }
        const std::string path =
            locate_tokenizer(p.value("tokenizer").toStdString(), model_dir, hub_name);
        const Tokenizer tokenizer = Tokenizer::load(path, extra);
        const bool decode = p.isSet("decode");
        const bool skip_special = p.isSet("skip-special");

        std::ios::sync_with_stdio(false);
        std::string line;
        std::string out;
        for (long line_no = 1; std::getline(std::cin, line); ++line_no) {
            nlohmann::json input;
            try {
                input = parse_json_limited(line, "line " + std::to_string(line_no));
            } catch (const nlohmann::json::exception&) {
                return failure(QStringLiteral("line %1 is not JSON").arg(line_no));
            }
            if (decode) {
                if (!input.is_array()) {
                    return failure(
                        QStringLiteral("line %1: expected a JSON array of ids").arg(line_no));
                }
                std::vector<TokenId> ids;
                for (const auto& v : input) {
                    if (!v.is_number_integer()) {
                        return failure(QStringLiteral("line %1: %2 is not a token id")
                                           .arg(line_no)
                                           .arg(QString::fromStdString(json_text(v))));
                    }
                    const long long id = v.get<long long>();
                    if (id < 0 || id >= static_cast<long long>(tokenizer.vocab_size()) ||
                        tokenizer.token_bytes(TokenId(id)).empty()) {
                        return failure(
                            QStringLiteral("line %1: %2 is not a token id of %3 (0 to %4)")
                                .arg(line_no)
                                .arg(id)
                                .arg(QString::fromStdString(tokenizer.source()))
                                .arg(tokenizer.vocab_size() - 1));
                    }
                    ids.push_back(TokenId(id));
                }
                out = json_text(nlohmann::json(tokenizer.decode(ids, skip_special)));
            } else {
                if (!input.is_string()) {
                    return failure(QStringLiteral("line %1: expected a JSON string").arg(line_no));
                }
                out = json_text(nlohmann::json(tokenizer.encode(input.get<std::string>())));
            }
            std::cout << out << '\n';
        }
        std::cout.flush();
        return 0;
    } catch (const Error& e) {
        return failure(QString::fromStdString(e.what()));
    }
}

} // namespace nanovlm::cli
