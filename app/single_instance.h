#pragma once

#include <QLocalServer>
#include <QObject>
#include <QString>
#include <QStringList>

namespace nanovlm::app {

// One nanovlm-chat per chats folder, as desktop users expect: two windows on the same chats would
// overwrite each other's turns. The first launch listens on a local socket named after the
// folder; a later one hands its files to it (which attaches them and raises its window) and
// exits. A socket left by a killed instance is taken over.
class SingleInstance : public QObject {
    Q_OBJECT

public:
    explicit SingleInstance(const QString& chats_folder, QObject* parent = nullptr);

    // The local socket's name for a chats folder (per user, from the folder's canonical path).
    static QString serverName(const QString& chats_folder);

    enum class Claim {
        First,      // this process now serves the folder
        HandedOver, // a running instance took `files`; this process should exit
        Failed,     // neither (message in `error`)
    };
    Claim claim(const QStringList& files, QString* error);

signals:
    // A later launch handed over its files (possibly none): attach them, raise the window.
    void activated(const QStringList& files);

private:
    bool hand_over(const QStringList& files);
    void on_connection();

    QString name_;
    QLocalServer server_;
};

} // namespace nanovlm::app
