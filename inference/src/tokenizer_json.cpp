#include "tokenizer_json.h"

#include "nanovlm/error.h"
#include "nanovlm/json_limits.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace nanovlm {
namespace {

using Json = nlohmann::json;

// Reads fields of one JSON object and words errors as "<file>: <path>.<key> ...".
class Fields {
public:
    Fields(const Json& object, std::string path, const std::string& source)
        : object_(object), path_(std::move(path)), source_(source) {
        if (!object_.is_object()) {
            fail(path_ + " must be a JSON object");
        }
    }

    // The field, or nullptr when it is absent or null.
    const Json* get(const char* key) const {
        const auto it = object_.find(key);
        return it == object_.end() || it->is_null() ? nullptr : &*it;
    }

    bool boolean(const char* key, bool fallback) const {
        const Json* v = get(key);
        if (v == nullptr) {
            return fallback;
        }
        if (!v->is_boolean()) {
            fail(name(key) + " must be true or false");
        }
        return v->get<bool>();
    }

    std::string string(const char* key) const {
        const Json* v = get(key);
        if (v == nullptr || !v->is_string()) {
            fail(name(key) + " must be a string");
        }
        return v->get<std::string>();
    }

    std::string type() const { return string("type"); }
    std::string name(const char* key) const { return path_ + "." + key; }

    [[noreturn]] void fail(const std::string& problem) const {
        throw Error(source_ + ": " + problem);
    }

    [[noreturn]] void unsupported(const std::string& what) const {
        fail(what + " is not supported: this engine reads byte-level BPE tokenizers (BPE model, "
                    "ByteLevel pre-tokenizer and decoder, no normalizer, truncation or padding)");
    }

private:
    const Json& object_;
    std::string path_;
    const std::string& source_;
};

// Reads the JSON text in one pass. model.vocab and model.merges (nearly all of a 2 MB file)
// go straight into the spec; everything else becomes a small DOM that the functions below
// check. Building a DOM of the whole file would cost three times as long.
class Reader : public nlohmann::json_sax<Json> {
public:
    Reader(const std::string& source, std::size_t text_size, TokenizerSpec& spec)
        : source_(source), spec_(spec), text_size_(text_size) {}

    Json root;
    bool has_vocab = false;
    bool has_merges = false;

    bool null() override { return value(nullptr); }
    bool boolean(bool v) override { return value(v); }
    bool number_integer(number_integer_t v) override { return id(v) || value(v); }
    bool number_unsigned(number_unsigned_t v) override { return id(v) || value(v); }
    bool number_float(number_float_t v, const string_t&) override { return value(v); }
    bool binary(binary_t&) override { return value(nullptr); } // JSON text has no binary
    bool string(string_t& v) override {
        if (mode_ == Mode::Merges) {
            if (v.rfind("#version", 0) == 0) {
                return true; // convert_merges_to_hashmap skips a merges.txt header line
            }
            const auto space = v.find(' ');
            if (space == std::string::npos || v.find(' ', space + 1) != std::string::npos) {
                fail("model.merges entry " + std::to_string(spec_.merges.size() + 1) + " (\"" + v +
                     "\") must be two tokens separated by one space");
            }
            spec_.merges.emplace_back(v.substr(0, space), v.substr(space + 1));
            return true;
        }
        if (mode_ == Mode::MergePair) {
            pair_.push_back(std::move(v));
            return true;
        }
        return value(std::move(v));
    }

    bool key(string_t& k) override {
        key_ = std::move(k);
        if (depth_ == 1) {
            top_key_ = key_;
        }
        return true;
    }

    bool start_object(std::size_t) override {
        if (in_model("vocab")) {
            enter(Mode::Vocab);
            has_vocab = true;
            spec_.vocab.reserve(text_size_ / kEntryBytes);
            return true;
        }
        check_structured("an object");
        return open(Json::object());
    }

    bool start_array(std::size_t) override {
        if (in_model("merges")) {
            enter(Mode::Merges);
            has_merges = true;
            spec_.merges.reserve(text_size_ / kEntryBytes);
            return true;
        }
        if (mode_ == Mode::Merges) {
            enter(Mode::MergePair);
            pair_.clear();
            return true;
        }
        check_structured("an array");
        return open(Json::array());
    }

    bool end_object() override { return close(); }

    bool end_array() override {
        if (mode_ == Mode::MergePair) {
            if (pair_.size() != 2) {
                fail("model.merges entry " + std::to_string(spec_.merges.size() + 1) +
                     " must be a pair [\"a\", \"b\"] of two tokens");
            }
            spec_.merges.emplace_back(std::move(pair_[0]), std::move(pair_[1]));
        }
        return close();
    }

    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& e) override {
        std::string what = e.what(); // "[json.exception.parse_error.101] parse error at ..."
        if (const auto end = what.find("] "); end != std::string::npos) {
            what.erase(0, end + 2);
        }
        fail("not a valid tokenizer.json, the JSON is broken (" + what + ")");
    }

private:
    enum class Mode { Dom, Vocab, Merges, MergePair };

    // Vocab and merges entries take about 20 bytes of JSON each (SmolLM2: 98k entries in
    // 2.1 MB). Reserving one per 16 bytes of text keeps the vectors from growing step by step,
    // which made loading twice as slow.
    static constexpr std::size_t kEntryBytes = 16;

    [[noreturn]] void fail(const std::string& problem) const {
        throw Error(source_ + ": " + problem);
    }

    bool in_model(const char* key) const {
        return mode_ == Mode::Dom && depth_ == 2 && top_key_ == "model" && key_ == key;
    }

    // The DOM part is copied and compared recursively below: a deep one would overflow the stack.
    void check_depth() const {
        if (depth_ >= kMaxJsonDepth) {
            fail("JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                 " levels (a damaged or hostile file)");
        }
    }

    void enter(Mode mode) {
        check_depth();
        modes_.push_back(mode_);
        mode_ = mode;
        ++depth_;
    }

    // Inside vocab and merges, only ids and strings (and merge pairs) are expected.
    void check_structured(const char* what) const {
        if (mode_ == Mode::Vocab) {
            fail("model.vocab[\"" + key_ + "\"] must be an integer id, not " + what);
        }
        if (mode_ != Mode::Dom) {
            fail("model.merges entries must be strings or pairs of strings, not " +
                 std::string(what) + " inside one");
        }
    }

    bool id(std::int64_t v) {
        if (mode_ == Mode::Dom) {
            return false;
        }
        if (mode_ != Mode::Vocab) {
            fail("model.merges entries must be strings or pairs of strings, not numbers");
        }
        if (v < 0 || v > std::numeric_limits<TokenId>::max()) {
            fail("model.vocab[\"" + key_ + "\"] = " + std::to_string(v) +
                 " is not a usable token id");
        }
        spec_.vocab.emplace_back(std::move(key_), static_cast<TokenId>(v));
        return true;
    }

    bool id(std::uint64_t v) {
        return id(static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT64_MAX)));
    }

    bool value(Json v) {
        if (mode_ == Mode::Vocab) {
            fail("model.vocab[\"" + key_ + "\"] must be an integer id, not " + v.dump());
        }
        if (mode_ != Mode::Dom) {
            fail("model.merges entries must be strings or pairs of strings, not " + v.dump());
        }
        insert(std::move(v));
        return true;
    }

    Json* insert(Json v) {
        if (stack_.empty()) {
            root = std::move(v);
            return &root;
        }
        Json& parent = *stack_.back();
        if (parent.is_array()) {
            parent.push_back(std::move(v));
            return &parent.back();
        }
        return &(parent[key_] = std::move(v));
    }

    bool open(Json container) {
        check_depth();
        stack_.push_back(insert(std::move(container)));
        modes_.push_back(mode_);
        ++depth_;
        return true;
    }

    bool close() {
        if (mode_ == Mode::Dom) {
            stack_.pop_back();
        }
        mode_ = modes_.back();
        modes_.pop_back();
        --depth_;
        return true;
    }

    const std::string& source_;
    TokenizerSpec& spec_;
    std::size_t text_size_;
    std::vector<Json*> stack_; // open DOM containers
    std::vector<Mode> modes_;  // mode outside each open container
    Mode mode_ = Mode::Dom;
    int depth_ = 0;       // open containers, counting vocab and merges
    std::string key_;     // the last object key
    std::string top_key_; // the last key of the top-level object
    std::vector<std::string> pair_;
};

// Flattens nested Sequences into `steps`, in order.
struct PreTokenizerStep {
    std::string path;
    bool byte_level;
    bool individual_digits;         // Digits
    PreTokenizer::ByteLevel config; // ByteLevel
};

void read_pre_tokenizer(const Json& json, const std::string& path, const std::string& source,
                        std::vector<PreTokenizerStep>& steps) {
    const Fields f(json, path, source);
    const std::string type = f.type();
    if (type == "Sequence") {
        const Json* items = f.get("pretokenizers");
        if (items == nullptr || !items->is_array()) {
            f.fail(f.name("pretokenizers") + " must be an array");
        }
        for (std::size_t i = 0; i < items->size(); ++i) {
            read_pre_tokenizer((*items)[i], path + ".pretokenizers[" + std::to_string(i) + "]",
                               source, steps);
        }
    } else if (type == "Digits") {
        steps.push_back({path, false, f.boolean("individual_digits", false), {}});
    } else if (type == "ByteLevel") {
        // ByteLevel's Default has add_prefix_space = true; use_regex defaults to true.
        steps.push_back({path,
                         true,
                         false,
                         {f.boolean("add_prefix_space", true), f.boolean("use_regex", true)}});
    } else {
        f.unsupported(path + " of type \"" + type + "\"");
    }
}

void read_model(const Json& json, const std::string& source, TokenizerSpec& spec) {
    const Fields f(json, "model", source);
    if (f.get("type") != nullptr && f.type() != "BPE") {
        f.unsupported("model type \"" + f.type() + "\"");
    }
    if (const Json* dropout = f.get("dropout"); dropout != nullptr) {
        if (!dropout->is_number() || dropout->get<double>() != 0.0) {
            f.unsupported("model.dropout (random merges)");
        }
    }
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        if (f.get(key) != nullptr) {
            f.unsupported(f.name(key));
        }
    }
    if (f.boolean("byte_fallback", false)) {
        f.unsupported("model.byte_fallback");
    }
    spec.bpe_options.ignore_merges = f.boolean("ignore_merges", false);
    spec.bpe_options.fuse_unk = f.boolean("fuse_unk", false);
    if (f.get("unk_token") != nullptr) {
        spec.bpe_options.unk_token = f.string("unk_token");
    }
}

void read_added_tokens(const Json& json, const std::string& source, TokenizerSpec& spec) {
    if (!json.is_array()) {
        throw Error(source + ": added_tokens must be an array");
    }
    for (std::size_t i = 0; i < json.size(); ++i) {
        const Fields f(json[i], "added_tokens[" + std::to_string(i) + "]", source);
        AddedToken token;
        token.content = f.string("content");
        token.single_word = f.boolean("single_word", false);
        token.lstrip = f.boolean("lstrip", false);
        token.rstrip = f.boolean("rstrip", false);
        token.normalized = f.boolean("normalized", true);
        token.special = f.boolean("special", false);
        if (token.single_word) {
            f.unsupported("added token \"" + token.content + "\" with single_word");
        }
        spec.added_tokens.push_back(std::move(token));
    }
}

} // namespace

TokenizerSpec parse_tokenizer_json(std::string_view json_text, const std::string& source) {
    TokenizerSpec spec;
    Reader reader(source, json_text.size(), spec);
    Json::sax_parse(json_text, &reader);
    const Json& root = reader.root;
    const Fields f(root, "the top level", source);

    if (f.get("version") != nullptr && f.string("version") != "1.0") {
        f.fail("unknown tokenizer.json version \"" + f.string("version") + "\" (expected 1.0)");
    }
    for (const char* key : {"truncation", "padding", "normalizer"}) {
        if (const Json* v = f.get(key); v != nullptr) {
            const std::string type =
                v->is_object() && v->contains("type") ? v->at("type").dump() : std::string();
            f.unsupported(std::string(key) + (type.empty() ? "" : " " + type));
        }
    }

    const Json* model = f.get("model");
    if (model == nullptr) {
        f.fail("the model section is missing");
    }
    read_model(*model, source, spec);
    if (!reader.has_vocab || !reader.has_merges) {
        f.fail("model.vocab and model.merges must be an object and an array");
    }

    const Json* pre_tokenizer = f.get("pre_tokenizer");
    if (pre_tokenizer == nullptr) {
        f.unsupported("a missing pre_tokenizer (expected ByteLevel)");
    }
    std::vector<PreTokenizerStep> steps;
    read_pre_tokenizer(*pre_tokenizer, "pre_tokenizer", source, steps);
    // ByteLevel turns bytes into byte-level characters, so it must come last, once; Digits
    // steps split before it.
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const bool last = i + 1 == steps.size();
        if (steps[i].byte_level != last) {
            f.unsupported(last ? "a pre_tokenizer that does not end with ByteLevel"
                               : steps[i].path + " (ByteLevel before other pre-tokenizers)");
        }
        if (steps[i].byte_level) {
            spec.byte_level = steps[i].config;
        } else {
            spec.digits_individual.push_back(steps[i].individual_digits);
        }
    }
    if (steps.empty()) {
        f.unsupported("an empty pre_tokenizer Sequence (expected ByteLevel)");
    }

    const Json* decoder = f.get("decoder");
    if (decoder == nullptr) {
        f.unsupported("a missing decoder (expected ByteLevel)");
    }
    if (const std::string type = Fields(*decoder, "decoder", source).type(); type != "ByteLevel") {
        f.unsupported("decoder \"" + type + "\"");
    }
    if (const Json* post = f.get("post_processor"); post != nullptr) {
        // ByteLevel as post-processor only trims offsets; any other one adds tokens.
        const std::string type = Fields(*post, "post_processor", source).type();
        if (type != "ByteLevel") {
            f.unsupported("post_processor \"" + type + "\"");
        }
    }
    if (const Json* added = f.get("added_tokens"); added != nullptr) {
        read_added_tokens(*added, source, spec);
    }
    return spec;
}

} // namespace nanovlm
