#include "conversation_json.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>
#include <cmath>
#include <functional>
#include <limits>

namespace nanovlm::app {
namespace {

using State = AnswerRecord::State;

constexpr std::array<std::pair<State, const char*>, 7> kStates = {{
    {State::Streaming, "streaming"},
    {State::Done, "done"},
    {State::Stopped, "stopped"},
    {State::Truncated, "truncated"},
    {State::ContextFull, "contextFull"},
    {State::Interrupted, "interrupted"},
    {State::Failed, "failed"},
}};

QString state_name(State state) {
    for (const auto& [s, name] : kStates) {
        if (s == state) {
            return QString::fromLatin1(name);
        }
    }
    return QStringLiteral("done");
}

QString timestamp(const QDateTime& t) {
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QJsonObject answer_to_json(const AnswerRecord& a) {
    QJsonArray ids;
    for (const qint32 id : a.ids) {
        ids.append(id);
    }
    const SamplingParams& s = a.generation.sampling;
    return {
        {"state", state_name(a.state)},
        {"text", a.text},
        {"error", a.error},
        {"ids", ids},
        {"promptRead", a.prompt_read},
        {"model", QJsonObject{{"name", a.model_name},
                              {"directory", a.model_directory},
                              {"generation", a.model_generation}}},
        {"sampling", QJsonObject{{"greedy", s.greedy},
                                 {"temperature", double(s.temperature)},
                                 {"topK", s.top_k},
                                 {"topP", double(s.top_p)},
                                 {"seed", QString::number(s.seed)},
                                 {"maxNewTokens", a.generation.max_new_tokens}}},
        {"imageDetail", a.image_detail},
        {"ttftMs", a.ttft_ms},
        {"tokensPerSecond", a.tokens_per_s},
        {"finished", timestamp(a.finished)},
    };
}

// Reads typed fields and remembers the first problem with the path of the field, so that the
// sidebar can say what is wrong with a damaged file.
class Reader {
public:
    explicit Reader(QString* error) : error_(error) {}

    bool ok() const { return ok_; }
    void fail(const QString& path, const QString& message) {
        if (ok_ && error_ != nullptr) {
            *error_ = path + QStringLiteral(": ") + message;
        }
        ok_ = false;
    }

    QJsonValue field(const QJsonObject& o, const QString& path, const char* key) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined()) {
            fail(path + QLatin1Char('.') + QLatin1String(key), QStringLiteral("missing"));
        }
        return v;
    }
    QString string(const QJsonObject& o, const QString& path, const char* key) {
        const QJsonValue v = field(o, path, key);
        if (!v.isUndefined() && !v.isString()) {
            fail(path + QLatin1Char('.') + QLatin1String(key), QStringLiteral("expected a string"));
        }
        return v.toString();
    }
    double number(const QJsonObject& o, const QString& path, const char* key) {
        const QJsonValue v = field(o, path, key);
        if (!v.isUndefined() && !v.isDouble()) {
            fail(path + QLatin1Char('.') + QLatin1String(key), QStringLiteral("expected a number"));
        }
        return v.toDouble();
    }
    // A double that a float holds: 1e96 would become infinity, which JSON cannot write back.
    float single(const QJsonObject& o, const QString& path, const char* key) {
        const double d = number(o, path, key);
        if (ok_ && !(std::abs(d) <= double(std::numeric_limits<float>::max()))) {
            fail(path + QLatin1Char('.') + QLatin1String(key),
                 QStringLiteral("expected a number a float can hold"));
        }
        return ok_ ? float(d) : 0.0f;
    }
    int integer(const QJsonObject& o, const QString& path, const char* key) {
        const double d = number(o, path, key);
        // Range first, then wholeness with trunc: casting 1e47 to an integer is undefined.
        if (ok_ && (d < INT_MIN || d > INT_MAX || std::trunc(d) != d)) {
            fail(path + QLatin1Char('.') + QLatin1String(key),
                 QStringLiteral("expected an integer"));
        }
        return ok_ ? int(d) : 0;
    }
    bool boolean(const QJsonObject& o, const QString& path, const char* key) {
        const QJsonValue v = field(o, path, key);
        if (!v.isUndefined() && !v.isBool()) {
            fail(path + QLatin1Char('.') + QLatin1String(key),
                 QStringLiteral("expected true/false"));
        }
        return v.toBool();
    }
    QJsonObject object(const QJsonObject& o, const QString& path, const char* key) {
        const QJsonValue v = field(o, path, key);
        if (!v.isUndefined() && !v.isObject()) {
            fail(path + QLatin1Char('.') + QLatin1String(key),
                 QStringLiteral("expected an object"));
        }
        return v.toObject();
    }
    QJsonArray array(const QJsonObject& o, const QString& path, const char* key) {
        const QJsonValue v = field(o, path, key);
        if (!v.isUndefined() && !v.isArray()) {
            fail(path + QLatin1Char('.') + QLatin1String(key), QStringLiteral("expected an array"));
        }
        return v.toArray();
    }
    QDateTime time(const QJsonObject& o, const QString& path, const char* key) {
        const QString s = string(o, path, key);
        const QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
        if (ok_ && !s.isEmpty() && !t.isValid()) {
            fail(path + QLatin1Char('.') + QLatin1String(key),
                 QStringLiteral("expected an ISO 8601 time, found \"%1\"").arg(s));
        }
        return t;
    }

private:
    QString* error_;
    bool ok_ = true;
};

AnswerRecord answer_from_json(Reader& r, const QJsonObject& o, const QString& path) {
    AnswerRecord a;
    const QString state = r.string(o, path, "state");
    bool known = false;
    for (const auto& [s, name] : kStates) {
        if (state == QLatin1String(name)) {
            a.state = s;
            known = true;
        }
    }
    if (r.ok() && !known) {
        r.fail(path + QStringLiteral(".state"), QStringLiteral("unknown state \"%1\"").arg(state));
    }
    // Nothing streams in a file being opened: the app that wrote it ended mid-answer.
    if (a.state == State::Streaming) {
        a.state = State::Interrupted;
    }
    a.text = r.string(o, path, "text");
    a.error = r.string(o, path, "error");
    const QJsonArray ids = r.array(o, path, "ids");
    for (qsizetype i = 0; i < ids.size() && r.ok(); ++i) {
        const double d = ids[i].toDouble(-1);
        if (!ids[i].isDouble() || d < 0 || d > INT_MAX || std::trunc(d) != d) {
            r.fail(path + QStringLiteral(".ids[%1]").arg(i),
                   QStringLiteral("expected a token id (an integer >= 0)"));
        } else {
            a.ids.push_back(qint32(d));
        }
    }
    a.prompt_read = r.boolean(o, path, "promptRead");
    const QString model_path = path + QStringLiteral(".model");
    const QJsonObject model = r.object(o, path, "model");
    a.model_name = r.string(model, model_path, "name");
    a.model_directory = r.string(model, model_path, "directory");
    a.model_generation = r.string(model, model_path, "generation");
    const QString sampling_path = path + QStringLiteral(".sampling");
    const QJsonObject sampling = r.object(o, path, "sampling");
    SamplingParams& s = a.generation.sampling;
    s.greedy = r.boolean(sampling, sampling_path, "greedy");
    s.temperature = r.single(sampling, sampling_path, "temperature");
    s.top_k = r.integer(sampling, sampling_path, "topK");
    s.top_p = r.single(sampling, sampling_path, "topP");
    bool seed_ok = false;
    s.seed = r.string(sampling, sampling_path, "seed").toULongLong(&seed_ok);
    if (r.ok() && !seed_ok) {
        r.fail(sampling_path + QStringLiteral(".seed"),
               QStringLiteral("expected a decimal number"));
    }
    a.generation.max_new_tokens = r.integer(sampling, sampling_path, "maxNewTokens");
    a.image_detail = r.integer(o, path, "imageDetail");
    a.ttft_ms = r.number(o, path, "ttftMs");
    a.tokens_per_s = r.number(o, path, "tokensPerSecond");
    a.finished = r.time(o, path, "finished");
    return a;
}

// Version 1 → 2: every turn gains its (empty) lists of other versions.
void add_versions(QJsonObject& root) {
    QJsonArray turns = root.value(QStringLiteral("turns")).toArray();
    for (QJsonValueRef turn : turns) {
        QJsonObject o = turn.toObject();
        if (turn.isObject()) {
            o.insert(QStringLiteral("questionVersions"), QJsonArray());
            o.insert(QStringLiteral("questionVersion"), 0);
            o.insert(QStringLiteral("answerVersions"), QJsonArray());
            o.insert(QStringLiteral("answerVersion"), 0);
            turn = o;
        }
    }
    if (root.value(QStringLiteral("turns")).isArray()) {
        root.insert(QStringLiteral("turns"), turns);
    }
}

// Upgrades an older file in memory, one version at a time (kMigrations[v - 1] turns version v
// into v + 1); a file from a newer app is refused (and left untouched) rather than half-read.
using Migration = std::function<void(QJsonObject&)>;
const std::array<Migration, kConversationSchema - 1> kMigrations = {add_versions};

bool migrate(Reader& r, QJsonObject& root) {
    const int version = r.integer(root, QStringLiteral("file"), "schema");
    if (!r.ok()) {
        return false;
    }
    if (version > kConversationSchema) {
        r.fail(
            QStringLiteral("file.schema"),
            QStringLiteral("written by a newer nanovlm-chat (schema %1; this one reads up to %2)")
                .arg(version)
                .arg(kConversationSchema));
        return false;
    }
    if (version < 1) {
        r.fail(QStringLiteral("file.schema"), QStringLiteral("unknown schema %1").arg(version));
        return false;
    }
    for (int v = version; v < kConversationSchema; ++v) {
        kMigrations[std::size_t(v - 1)](root);
    }
    root.insert(QStringLiteral("schema"), kConversationSchema);
    return true;
}

QJsonArray turns_to_json(const QList<ConversationTurn>& turns, const QDir& images);

QJsonArray versions_to_json(const std::vector<ConversationBranch>& versions, const QDir& images) {
    QJsonArray out;
    for (const ConversationBranch& branch : versions) {
        out.append(turns_to_json(branch.turns, images));
    }
    return out;
}

QJsonArray turns_to_json(const QList<ConversationTurn>& turns, const QDir& images) {
    QJsonArray out;
    for (const ConversationTurn& t : turns) {
        QJsonArray names;
        for (const QString& image : t.images) {
            names.append(images.relativeFilePath(image));
        }
        out.append(QJsonObject{
            {"question", t.question},
            {"images", names},
            {"asked", timestamp(t.asked)},
            {"answer", answer_to_json(t.answer)},
            {"questionVersions", versions_to_json(t.question_versions, images)},
            {"questionVersion", t.question_version},
            {"answerVersions", versions_to_json(t.answer_versions, images)},
            {"answerVersion", t.answer_version},
        });
    }
    return out;
}

QList<ConversationTurn> turns_from_json(Reader& r, const QJsonArray& turns, const QString& path,
                                        const QDir& images, int depth);

std::vector<ConversationBranch> versions_from_json(Reader& r, const QJsonObject& o,
                                                   const QString& path, const char* key,
                                                   const QDir& images, int depth) {
    const QString versions_path = path + QLatin1Char('.') + QLatin1String(key);
    const QJsonArray versions = r.array(o, path, key);
    std::vector<ConversationBranch> out;
    for (qsizetype i = 0; i < versions.size() && r.ok(); ++i) {
        const QString branch_path = versions_path + QStringLiteral("[%1]").arg(i);
        if (!versions[i].isArray() || versions[i].toArray().isEmpty()) {
            r.fail(branch_path, QStringLiteral("expected a non-empty array of turns"));
            break;
        }
        out.push_back({turns_from_json(r, versions[i].toArray(), branch_path, images, depth + 1)});
    }
    return out;
}

// Which of `count` versions is shown.
int version_index(Reader& r, const QJsonObject& o, const QString& path, const char* key,
                  int count) {
    const int index = r.integer(o, path, key);
    if (r.ok() && (index < 0 || index >= count)) {
        r.fail(path + QLatin1Char('.') + QLatin1String(key),
               QStringLiteral("expected 0 to %1, found %2").arg(count - 1).arg(index));
    }
    return index;
}

QList<ConversationTurn> turns_from_json(Reader& r, const QJsonArray& turns, const QString& path,
                                        const QDir& images, int depth) {
    // Each level of branches nests three JSON levels; QJsonDocument refuses deeper files first,
    // but a bound here keeps the recursion safe whatever the parser allows.
    constexpr int kMaxDepth = 200;
    QList<ConversationTurn> out;
    if (depth > kMaxDepth) {
        r.fail(path, QStringLiteral("versions nested more than %1 deep").arg(kMaxDepth));
        return out;
    }
    for (qsizetype i = 0; i < turns.size() && r.ok(); ++i) {
        const QString turn_path = path + QStringLiteral("[%1]").arg(i);
        if (!turns[i].isObject()) {
            r.fail(turn_path, QStringLiteral("expected an object"));
            break;
        }
        const QJsonObject o = turns[i].toObject();
        ConversationTurn t;
        t.question = r.string(o, turn_path, "question");
        t.asked = r.time(o, turn_path, "asked");
        const QJsonArray names = r.array(o, turn_path, "images");
        for (qsizetype k = 0; k < names.size() && r.ok(); ++k) {
            const QString name = names[k].toString();
            const QString image_path = turn_path + QStringLiteral(".images[%1]").arg(k);
            if (!names[k].isString() || name.isEmpty() || name.contains(QLatin1Char('/'))) {
                r.fail(image_path, QStringLiteral("expected an image store file name"));
            } else if (!QFileInfo(images.filePath(name)).isFile()) {
                r.fail(image_path,
                       QStringLiteral("image %1 is missing").arg(images.filePath(name)));
            }
            t.images.push_back(images.filePath(name));
        }
        t.answer = answer_from_json(r, r.object(o, turn_path, "answer"),
                                    turn_path + QStringLiteral(".answer"));
        t.question_versions =
            versions_from_json(r, o, turn_path, "questionVersions", images, depth);
        t.question_version =
            version_index(r, o, turn_path, "questionVersion", t.questionVersionCount());
        t.answer_versions = versions_from_json(r, o, turn_path, "answerVersions", images, depth);
        t.answer_version = version_index(r, o, turn_path, "answerVersion", t.answerVersionCount());
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace

QByteArray conversation_to_json(const Conversation& c, const QDir& images) {
    const QJsonArray turns = turns_to_json(c.turns, images);
    const QJsonObject root{
        {"schema", kConversationSchema},
        {"id", c.id},
        {"title", c.title},
        {"customTitle", c.custom_title},
        {"created", timestamp(c.created)},
        {"updated", timestamp(c.updated)},
        {"turns", turns},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

std::optional<Conversation> conversation_from_json(const QByteArray& json, const QDir& images,
                                                   QString* error) {
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parse);
    if (parse.error != QJsonParseError::NoError) {
        if (error != nullptr) {
            *error = QStringLiteral("not valid JSON at byte %1: %2")
                         .arg(parse.offset)
                         .arg(parse.errorString());
        }
        return std::nullopt;
    }
    Reader r(error);
    if (!doc.isObject()) {
        r.fail(QStringLiteral("file"), QStringLiteral("expected a JSON object"));
        return std::nullopt;
    }
    QJsonObject root = doc.object();
    if (!migrate(r, root)) {
        return std::nullopt;
    }
    const QString file = QStringLiteral("file");
    Conversation c;
    c.id = r.string(root, file, "id");
    c.title = r.string(root, file, "title");
    c.custom_title = r.boolean(root, file, "customTitle");
    c.created = r.time(root, file, "created");
    c.updated = r.time(root, file, "updated");
    c.turns = turns_from_json(r, r.array(root, file, "turns"), QStringLiteral("turns"), images, 0);
    if (r.ok() && c.id.isEmpty()) {
        r.fail(QStringLiteral("file.id"), QStringLiteral("empty"));
    }
    if (!r.ok()) {
        return std::nullopt;
    }
    return c;
}

} // namespace nanovlm::app
