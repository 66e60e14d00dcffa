#pragma once

// Builds folders that look like the Hugging Face cache as huggingface_hub writes it:
//   ROOT/models--{org}--{name}/blobs/{sha256}
//   ROOT/models--{org}--{name}/snapshots/{rev}/{file} -> ../../blobs/{sha256}   (relative link)
//   ROOT/models--{org}--{name}/refs/main            (the revision, no newline)
// holding copies of the fixture checkpoints, good and broken, for the model picker's tests.

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <utility>
#include <vector>

namespace hub_fixture {

inline QString fixtures() {
    return QStringLiteral(NANOVLM_FIXTURES);
}
inline QString checkpoint(const QString& generation) {
    return fixtures() + "/parity/" + generation + "/ckpt";
}
inline QString tokenizer_file() {
    return fixtures() + "/tokenizer/tokenizer.json";
}

inline QByteArray read(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool write(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// config.json of a fixture checkpoint with some fields replaced.
inline QByteArray edited_config(const QString& generation, const QJsonObject& changes) {
    QJsonObject config =
        QJsonDocument::fromJson(read(checkpoint(generation) + "/config.json")).object();
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        config[it.key()] = it.value();
    }
    return QJsonDocument(config).toJson();
}

using Files = std::vector<std::pair<QString, QByteArray>>; // file name in the snapshot, bytes

// One file whose blob is absent: the link dangles, as after an interrupted download.
inline const QByteArray kMissingBlob = QByteArrayLiteral("\0missing blob\0");

// Adds snapshot `rev` of repo `id` ("org/name"); `main` makes refs/main name it. False on any
// file-system failure.
inline bool add_snapshot(const QString& root, const QString& id, const QString& rev,
                         const Files& files, bool main) {
    const QString repo = root + "/models--" + QString(id).replace('/', QLatin1String("--"));
    const QString snapshot = repo + "/snapshots/" + rev;
    if (!QDir().mkpath(snapshot) || !QDir().mkpath(repo + "/blobs")) {
        return false;
    }
    for (const auto& [name, bytes] : files) {
        const bool missing = bytes == kMissingBlob;
        const QString blob = QString::fromLatin1(
            QCryptographicHash::hash(missing ? name.toUtf8() : bytes, QCryptographicHash::Sha256)
                .toHex());
        if (!missing && !write(repo + "/blobs/" + blob, bytes)) {
            return false;
        }
        if (!QFile::link("../../blobs/" + blob, snapshot + "/" + name)) {
            return false;
        }
    }
    return !main || write(repo + "/refs/main", rev.toLatin1());
}

// The files of a fixture checkpoint: config.json and model.safetensors.
inline Files checkpoint_files(const QString& generation) {
    return {{"config.json", read(checkpoint(generation) + "/config.json")},
            {"model.safetensors", read(checkpoint(generation) + "/model.safetensors")}};
}

inline QString revision(char digit) {
    return QString(40, QLatin1Char(digit));
}

} // namespace hub_fixture
