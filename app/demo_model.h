#pragma once

// The demo checkpoint that ships with the app ("Demo: shapes", made by tools/demo-model): where
// it is installed, and what its demo.json and examples/examples.json say, so that a first launch
// without any downloaded checkpoint still has a model, example pictures and questions to try.

#include <QList>
#include <QString>

#include <optional>

namespace nanovlm::app {

struct DemoExample {
    QString image;    // absolute path of an example picture
    QString question; // a question the demo answers correctly about it
    QString answer;   // the true answer (the scene generator's), for tests and tooltips
};

struct DemoInfo {
    QString name;    // "Demo: shapes"
    QString summary; // what it was trained on, and where real checkpoints come from
    QList<DemoExample> examples;
};

// <program folder>/../share/nanovlm-chat/demo-shapes, as installed and as staged in the build
// tree; empty when that folder holds no checkpoint.
QString built_in_demo_directory();

// The demo description of a checkpoint folder; nullopt for an ordinary checkpoint (no
// demo.json, or one that is not a demo).
std::optional<DemoInfo> read_demo_info(const QString& directory);

} // namespace nanovlm::app
