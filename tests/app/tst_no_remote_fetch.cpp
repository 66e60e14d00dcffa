// "Nothing leaves your machine": the chat window, with the engine set up as nanovlm-chat sets it
// up, shows a chat whose title and answer name pictures on a web server (a question's
// <img src=…> became the title; a model answered ![x](http://…)). A local HTTP server stands in
// for the web: it must receive no request at all.

#include "conversation_store.h"
#include "local_only_network.h"

#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickWindow>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h> // Q_IMPORT_QML_PLUGIN
#include <QtTest>

#include "settings_sandbox.h"

Q_IMPORT_QML_PLUGIN(NanoVlm_AppPlugin)
Q_IMPORT_QML_PLUGIN(NanoVlm_UiPlugin)

using namespace nanovlm::app;

class TestNoRemoteFetch : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(nanovlm::test::sandbox_settings(settings_, "tst_no_remote")); }

    void aChatNamingWebPicturesFetchesNothing() {
        QTcpServer web;
        QVERIFY(web.listen(QHostAddress::LocalHost));
        int requests = 0;
        connect(&web, &QTcpServer::newConnection, &web, [&] {
            while (QTcpSocket* s = web.nextPendingConnection()) {
                ++requests;
                s->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                s->disconnectFromHost();
            }
        });
        const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(web.serverPort());

        QTemporaryDir dir;
        const ConversationStore store(dir.path());
        Conversation chat;
        chat.id = "leaky";
        chat.title = QStringLiteral("<img src=\"%1title.png\"> what is this?").arg(url);
        chat.created = chat.updated = QDateTime::currentDateTimeUtc();
        ConversationTurn turn;
        turn.question = chat.title;
        turn.answer.state = AnswerRecord::State::Done;
        turn.answer.text =
            QStringLiteral("A cat. ![x](%1answer.png) <img src=\"%1html.png\">").arg(url);
        chat.turns = {turn};
        QVERIFY(store.save(chat, nullptr));

        QQmlApplicationEngine engine;
        install_local_only_network(engine); // as main_gui.cpp does
        engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
        engine.loadData(R"(
            import QtQuick
            import NanoVlm.App
            import NanoVlm.Ui
            Window {
                width: 1000; height: 700; visible: true
                property alias screen: screen
                ChatScreen {
                    id: screen
                    anchors.fill: parent
                    controller: ChatController {}
                }
            })");
        QCOMPARE(engine.rootObjects().size(), 1);
        QObject* screen = engine.rootObjects()[0]->property("screen").value<QObject*>();
        QVERIFY(screen);
        auto* controller = screen->property("controller").value<QObject*>();
        QVERIFY(controller);
        auto* conversations = controller->property("conversations").value<QObject*>();
        QVERIFY(conversations->setProperty("folder", dir.path()));
        QCOMPARE(conversations->property("count").toInt(), 1);
        bool opened = false;
        QVERIFY(QMetaObject::invokeMethod(controller, "openConversation",
                                          Q_RETURN_ARG(bool, opened), Q_ARG(QString, chat.id)));
        QVERIFY(opened);
        QVERIFY(QTest::qWaitForWindowExposed(qobject_cast<QWindow*>(engine.rootObjects()[0])));
        QTest::qWait(2000); // time for any image request to reach the server
        QCOMPARE(requests, 0);
    }

private:
    QTemporaryDir settings_;
};

QTEST_MAIN(TestNoRemoteFetch)

#include "tst_no_remote_fetch.moc"
