// Runs the tst_*.qml files in this folder (QtQuickTest), with the app's QML modules linked in
// and a throwaway settings folder.

#include <QQmlEngine>
#include <QQuickStyle>
#include <QSettings>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h> // Q_IMPORT_QML_PLUGIN
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(NanoVlm_AppPlugin)
Q_IMPORT_QML_PLUGIN(NanoVlm_UiPlugin)

class Setup : public QObject {
    Q_OBJECT

public slots:
    void applicationAvailable() {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings_.path());
        QCoreApplication::setOrganizationName("nanovlm-tests");
        QCoreApplication::setApplicationName("tst_qml");
        QQuickStyle::setStyle("Material"); // as nanovlm-chat runs
    }
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml")); // Qt 6.4 does not by default
    }

private:
    QTemporaryDir settings_;
};

QUICK_TEST_MAIN_WITH_SETUP(nanovlm_qml, Setup)

#include "tst_qml.moc"
