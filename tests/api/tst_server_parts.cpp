// The pieces of `nanovlm serve` that need no socket: stop strings, keys, data URLs and the
// request parser's defaults and refusals.
#include "server/api_error.h"
#include "server/api_key.h"
#include "server/chat_request.h"
#include "server/data_url.h"
#include "server/stop_matcher.h"

#include <QtTest>

using namespace nanovlm::server;

class TestServerParts : public QObject {
    Q_OBJECT

private:
    // The ApiError a call throws (status and code), or {0, ""} when it does not throw.
    template <typename F> static std::pair<int, std::string> refusal(F&& f) {
        try {
            f();
        } catch (const ApiError& e) {
            return {e.status(), e.to_json()["error"]["code"].is_string()
                                    ? e.to_json()["error"]["code"].get<std::string>()
                                    : std::string()};
        }
        return {0, ""};
    }

private slots:
    void stopStringAcrossPieces() {
        StopMatcher stop({"\nUser:"});
        QCOMPARE(stop.push("It is red."), std::string("It is red."));
        QCOMPARE(stop.push("\nUs"), std::string()); // might be the stop: held back
        QVERIFY(!stop.stopped());
        QCOMPARE(stop.push("er: more"), std::string());
        QVERIFY(stop.stopped());
        QCOMPARE(stop.push("ignored"), std::string());
        QCOMPARE(stop.finish(), std::string());
    }

    void heldTextComesBackWhenNoStopCompletes() {
        StopMatcher stop({"END"});
        QCOMPARE(stop.push("a bEN"), std::string("a b"));
        QCOMPARE(stop.push("Dless"), std::string()); // "ENDless": the stop is in it
        QVERIFY(stop.stopped());

        StopMatcher other({"END"});
        QCOMPARE(other.push("EN"), std::string());
        QCOMPARE(other.push("X"), std::string("ENX"));
        QCOMPARE(other.push("E"), std::string());
        QCOMPARE(other.finish(), std::string("E"));
        QVERIFY(!other.stopped());
    }

    void earliestOfSeveralStops() {
        StopMatcher stop({"three", "two"});
        QCOMPARE(stop.push("one two three"), std::string("one "));
        StopMatcher none({});
        QCOMPARE(none.push("anything"), std::string("anything"));
    }

    void keys() {
        QVERIFY(keys_equal("secret-key", "secret-key"));
        QVERIFY(!keys_equal("secret-kez", "secret-key"));
        QVERIFY(!keys_equal("secret-ke", "secret-key"));
        QVERIFY(!keys_equal("secret-key2", "secret-key"));
        QVERIFY(!keys_equal("", ""));
        QCOMPARE(bearer_token("Bearer abc"), std::string("abc"));
        QCOMPARE(bearer_token("bearer  abc "), std::string("abc"));
        QCOMPARE(bearer_token("Basic abc"), std::string());
        QCOMPARE(bearer_token("Bearer"), std::string());
        QVERIFY(is_loopback_host("127.0.0.1"));
        QVERIFY(is_loopback_host("localhost"));
        QVERIFY(is_loopback_host("::1"));
        QVERIFY(!is_loopback_host("0.0.0.0"));
        QVERIFY(!is_loopback_host("192.168.1.2"));
    }

    void dataUrls() {
        QCOMPARE(decode_image_data_url("data:image/png;base64,aGVsbG8=", 100, "p"),
                 QByteArray("hello"));
        QCOMPARE(decode_image_data_url("DATA:IMAGE/JPEG;BASE64,aGVsbG8=", 100, "p"),
                 QByteArray("hello"));
        auto code = [](const std::string& url, std::size_t max = 100) {
            return refusal([&] { decode_image_data_url(url, max, "p"); }).second;
        };
        QCOMPARE(code("https://example.com/a.png"), std::string("remote_image_url_unsupported"));
        QCOMPARE(code("HTTP://example.com/a.png"), std::string("remote_image_url_unsupported"));
        QCOMPARE(code("ftp://example.com/a.png"), std::string("invalid_image_url"));
        QCOMPARE(code("data:text/plain;base64,aGVsbG8="), std::string("invalid_image_url"));
        QCOMPARE(code("data:image/png,hello"), std::string("invalid_image_url"));
        QCOMPARE(code("data:image/png;base64"), std::string("invalid_image_url"));
        QCOMPARE(code("data:image/png;base64,a$b="), std::string("invalid_base64"));
        QCOMPARE(code("data:image/png;base64,"), std::string("invalid_base64"));
        QCOMPARE(code("data:image/png;base64," + std::string(400, 'A')),
                 std::string("image_too_large"));
    }

    void requestDefaultsAndGreedy() {
        const RequestLimits limits;
        const auto plain = parse_chat_request(
            "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
            limits);
        QCOMPARE(plain.model, std::string("m"));
        QCOMPARE(plain.generation.max_new_tokens, limits.default_max_tokens);
        QVERIFY(!plain.generation.sampling.greedy);
        QCOMPARE(plain.generation.sampling.temperature, 0.5f); // generate's default
        QVERIFY(!plain.stream);

        const std::string body =
            "{\"model\": \"m\", \"temperature\": 0, \"max_completion_tokens\": 7, \"seed\": 5,"
            " \"stop\": \"x\", \"stream\": true, \"stream_options\": {\"include_usage\": true},"
            " \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": "
            "\"a\"},"
            " {\"type\": \"text\", \"text\": \"b\"}]}]}";
        const auto greedy = parse_chat_request(body, limits);
        QVERIFY(greedy.generation.sampling.greedy);
        QCOMPARE(greedy.generation.max_new_tokens, 7);
        QCOMPARE(greedy.generation.sampling.seed, std::uint64_t(5));
        QCOMPARE(greedy.stop, std::vector<std::string>{"x"});
        QVERIFY(greedy.stream && greedy.include_usage);
        QCOMPARE(greedy.messages[0].text, std::string("a\nb"));
    }

    void requestRefusals() {
        const RequestLimits limits{2, 1 << 20, 16};
        auto status = [&](const std::string& body) {
            return refusal([&] { parse_chat_request(body, limits); }).first;
        };
        const std::string user = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        const std::string image =
            "{\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,aGk=\"}}";
        const std::string images =
            "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": [";
        const std::vector<std::string> refused = {
            "not json",
            "[]",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
            "{\"model\": \"m\", \"messages\": []}",
            "{\"model\": \"m\", \"n\": 2, " + user + "}",
            "{\"model\": \"m\", \"max_tokens\": 0, " + user + "}",
            "{\"model\": \"m\", \"max_tokens\": 1.5, " + user + "}",
            "{\"model\": \"m\", \"top_p\": 0, " + user + "}",
            "{\"model\": \"m\", \"stop\": [\"a\",\"b\",\"c\",\"d\",\"e\"], " + user + "}",
            "{\"model\": \"m\", \"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}",
            "{\"model\": \"m\", \"messages\": [{\"role\": \"user\"}]}",
            "{\"model\": \"m\", \"messages\": [{\"role\": \"assistant\", \"content\": [" + image +
                "]}]}",
            images + image + "," + image + "," + image + "]}]}", // over limits.max_images
            "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"" +
                std::string("\xff") + "\"}]}", // not UTF-8
        };
        for (const std::string& body : refused) {
            const int got = status(body);
            QVERIFY2(got == 400, body.c_str());
        }
        const std::string two_images = images + image + "," + image + "]}]}";
        QCOMPARE(status(two_images), 0);
    }
};

QTEST_GUILESS_MAIN(TestServerParts)
#include "tst_server_parts.moc"
