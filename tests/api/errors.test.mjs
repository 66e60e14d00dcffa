// Refusals: OpenAI-shaped errors with the right status, and the server keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startServer, dataUrl, FIXTURES, MODEL_ID } from './serve_helpers.mjs';

const KEY = 'test-key-0123456789';
let server;
let client;

before(async () => {
  server = await startServer(['--api-key', KEY, '--max-body-mb', '1']);
  client = server.client(KEY);
});
after(async () => {
  assert.equal(await server.stop(), 0);
});

async function post(body, headers = {}) {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}`, ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

function assertOpenAiError(json) {
  assert.equal(typeof json.error, 'object', JSON.stringify(json));
  assert.equal(typeof json.error.message, 'string');
  assert.ok(json.error.message.length > 0);
  assert.equal(typeof json.error.type, 'string');
  assert.ok('code' in json.error);
}

function ask(content, extra = {}) {
  return client.chat.completions.create({
    model: MODEL_ID, max_tokens: 4, messages: [{ role: 'user', content }], ...extra,
  });
}

async function rejectsWith(promise, status, code) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(error.status, status, error.message);
    if (code !== undefined) assert.equal(error.code, code, error.message);
    return true;
  });
}

test('malformed JSON is a 400', async () => {
  const { status, json } = await post('{"model": "demo-model", "messages": [');
  assert.equal(status, 400);
  assertOpenAiError(json);
  assert.equal(json.error.type, 'invalid_request_error');
  assert.match(json.error.message, /not valid JSON/);
});

test('wrong types are 400s naming the field', async () => {
  for (const [body, param] of [
    [{ model: MODEL_ID, messages: 'hello' }, 'messages'],
    [{ model: 7, messages: [{ role: 'user', content: 'hi' }] }, 'model'],
    [{ model: MODEL_ID, messages: [{ role: 'user', content: 'hi' }], max_tokens: 'ten' },
      'max_tokens'],
    [{ model: MODEL_ID, messages: [{ role: 'user', content: 'hi' }], temperature: 'hot' },
      'temperature'],
    [{ model: MODEL_ID, messages: [{ role: 'user', content: 'hi' }], stream: 'yes' }, 'stream'],
    [{ model: MODEL_ID, messages: [{ role: 'user', content: 'hi' }], temperature: 9 },
      'temperature'],
    [{ model: MODEL_ID, messages: [{ role: 'robot', content: 'hi' }] }, 'messages[0].role'],
    [{ model: MODEL_ID, messages: [{ role: 'user', content: [{ type: 'audio' }] }] },
      'messages[0].content[0].type'],
    [{ model: MODEL_ID, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant',
      content: 'yo' }] }, 'messages'],
  ]) {
    const { status, json } = await post(JSON.stringify(body));
    assert.equal(status, 400, JSON.stringify(body));
    assertOpenAiError(json);
    assert.equal(json.error.param, param, JSON.stringify(json));
  }
  await rejectsWith(client.chat.completions.create({ model: MODEL_ID, messages: [] }), 400);
});

test('an unknown model is a 404 model_not_found', async () => {
  await rejectsWith(client.chat.completions.create({
    model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }],
  }), 404, 'model_not_found');
  await rejectsWith(client.models.retrieve('gpt-4o'), 404, 'model_not_found');
});

test('a body over --max-body-mb is a 413', async () => {
  const huge = 'x'.repeat(2 << 20);
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: MODEL_ID, messages: [{ role: 'user', content: huge }] }),
  }).catch((error) => ({ status: 'connection closed', error }));
  // The server refuses before reading the body, so the client may see the connection close
  // before it can read the 413: either way, nothing was answered.
  assert.ok(response.status === 413 || response.status === 'connection closed',
    String(response.status));
  if (response.status === 413) assertOpenAiError(await response.json());
  const models = await client.models.list();
  assert.equal(models.data.length, 1, 'still serving');
});

test('bad base64, a non-image and a remote image URL are 400s', async () => {
  const image = (url) => [{ type: 'image_url', image_url: { url } }, { type: 'text', text: 'hi' }];
  await rejectsWith(ask(image('data:image/png;base64,!!!not base64!!!')), 400, 'invalid_base64');
  await rejectsWith(ask(image('https://example.com/cat.png')), 400,
    'remote_image_url_unsupported');
  await rejectsWith(ask(image('http://127.0.0.1:1/cat.png')), 400,
    'remote_image_url_unsupported');
  await rejectsWith(ask(image('file:///etc/passwd')), 400, 'invalid_image_url');
  await rejectsWith(ask(image(dataUrl(join(FIXTURES, 'bad_images', 'not_an_image.png')))), 400,
    'invalid_image');
  await rejectsWith(ask(image(dataUrl(join(FIXTURES, 'bad_images', 'truncated.png')))), 400,
    'invalid_image');
  // 167 bytes that claim 30000 x 30000 pixels: refused before decoding.
  await rejectsWith(ask(image(dataUrl(join(FIXTURES, 'bad_images', 'huge_30000x30000.png')))),
    400, 'invalid_image');
});

test('a conversation longer than the context is a 400 context_length_exceeded', async () => {
  const long = 'red square blue circle '.repeat(3000);
  await rejectsWith(ask(long), 400, 'context_length_exceeded');
});

test('a missing or wrong API key is a 401; /health needs none', async () => {
  const noKey = await fetch(`${server.url}/v1/models`);
  assert.equal(noKey.status, 401);
  assertOpenAiError(await noKey.json());
  await rejectsWith(server.client('wrong-key').models.list(), 401, 'invalid_api_key');
  await rejectsWith(server.client(`${KEY}x`).chat.completions.create({
    model: MODEL_ID, messages: [{ role: 'user', content: 'hi' }],
  }), 401, 'invalid_api_key');
  const { status } = await post('{}', { Authorization: `Bearer ${KEY.slice(0, -1)}` });
  assert.equal(status, 401);
  assert.equal((await fetch(`${server.url}/health`)).status, 200);
});

test('an unknown path is a 404 in the same shape', async () => {
  const response = await fetch(`${server.url}/v1/completions/nope`, {
    headers: { Authorization: `Bearer ${KEY}` },
  });
  assert.equal(response.status, 404);
  assertOpenAiError(await response.json());
});

test('listening beyond loopback without a key is refused', async () => {
  await assert.rejects(startServer(['--host', '0.0.0.0']), /api-key/);
});
