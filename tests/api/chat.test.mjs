// The answers: plain and streamed, pictures as data URLs, the same ids as `nanovlm generate`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, dataUrl, generateJson, MODEL_DIR, MODEL_ID } from './serve_helpers.mjs';

const IMAGE = join(MODEL_DIR, 'examples', 'shapes_1.png');
const QUESTION = 'What color is the circle?';
let server;
let client;

before(async () => {
  server = await startServer(['--parallel', '2']);
  client = server.client();
});
after(async () => {
  assert.equal(await server.stop(), 0, 'serve exits cleanly on SIGTERM');
});

function imageQuestion(question = QUESTION) {
  return [{
    role: 'user',
    content: [
      { type: 'image_url', image_url: { url: dataUrl(IMAGE) } },
      { type: 'text', text: question },
    ],
  }];
}

test('lists the one model it serves', async () => {
  const models = [];
  for await (const model of client.models.list()) models.push(model.id);
  assert.deepEqual(models, [MODEL_ID]);
  const one = await client.models.retrieve(MODEL_ID);
  assert.equal(one.id, MODEL_ID);
});

test('a greedy answer about an image has the ids of generate --greedy', async () => {
  const expected = generateJson(['--image', IMAGE, '--prompt', QUESTION, '--greedy',
    '--max-new-tokens', '24']);
  const answer = await client.chat.completions.create({
    model: MODEL_ID, messages: imageQuestion(), temperature: 0, max_tokens: 24,
    return_token_ids: true,
  });
  assert.equal(answer.object, 'chat.completion');
  assert.deepEqual(answer.choices[0].token_ids, expected.ids);
  assert.equal(answer.choices[0].message.content, expected.text);
  assert.equal(answer.choices[0].message.role, 'assistant');
  assert.equal(answer.choices[0].finish_reason, expected.stopped === 'eos' ? 'stop' : 'length');
  assert.equal(answer.usage.prompt_tokens, expected.prompt_tokens);
  assert.equal(answer.usage.completion_tokens, expected.ids.length);
  assert.equal(answer.usage.total_tokens, expected.prompt_tokens + expected.ids.length);
});

test('a text-only question answers too, and max_completion_tokens cuts it', async () => {
  const expected = generateJson(['--prompt', 'Describe the picture.', '--greedy',
    '--max-new-tokens', '3']);
  const answer = await client.chat.completions.create({
    model: MODEL_ID, temperature: 0, max_completion_tokens: 3, return_token_ids: true,
    messages: [{ role: 'user', content: 'Describe the picture.' }],
  });
  assert.deepEqual(answer.choices[0].token_ids, expected.ids);
  assert.equal(answer.usage.completion_tokens, 3);
  if (expected.stopped === 'length') assert.equal(answer.choices[0].finish_reason, 'length');
});

test('a streamed answer is the plain one, in pieces, with usage', async () => {
  const plain = await client.chat.completions.create({
    model: MODEL_ID, messages: imageQuestion('Describe the picture.'), temperature: 0,
    max_tokens: 40, return_token_ids: true,
  });
  const stream = await client.chat.completions.create({
    model: MODEL_ID, messages: imageQuestion('Describe the picture.'), temperature: 0,
    max_tokens: 40, stream: true, stream_options: { include_usage: true },
    return_token_ids: true,
  });
  let text = '';
  let chunks = 0;
  let finish = null;
  let usage = null;
  let ids = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    if (chunk.choices.length === 0) continue;
    chunks += 1;
    text += chunk.choices[0].delta.content ?? '';
    if (chunk.choices[0].finish_reason) {
      finish = chunk.choices[0].finish_reason;
      ids = chunk.choices[0].token_ids;
    }
  }
  assert.ok(plain.choices[0].message.content.length > 0);
  assert.equal(text, plain.choices[0].message.content);
  assert.ok(chunks >= 3, `role, content and finish chunks, got ${chunks}`);
  assert.equal(finish, plain.choices[0].finish_reason);
  assert.deepEqual(ids, plain.choices[0].token_ids);
  assert.deepEqual(usage, plain.usage);
});

test('the raw stream is server-sent events ending with data: [DONE]', async () => {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: MODEL_ID, messages: imageQuestion(), stream: true, seed: 3 }),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);
  const body = await response.text();
  const events = body.split('\n\n').filter((e) => e.length > 0);
  assert.ok(events.every((e) => e.startsWith('data: ')), body);
  assert.equal(events.at(-1), 'data: [DONE]');
});

test('a stop string ends the answer before it', async () => {
  const plain = await client.chat.completions.create({
    model: MODEL_ID, messages: imageQuestion('Describe the picture.'), temperature: 0,
    max_tokens: 40,
  });
  const full = plain.choices[0].message.content;
  const words = full.split(' ');
  assert.ok(words.length >= 3, `a long enough answer to cut: '${full}'`);
  const cut = await client.chat.completions.create({
    model: MODEL_ID, messages: imageQuestion('Describe the picture.'), temperature: 0,
    max_tokens: 40, stop: [` ${words[2]}`],
  });
  assert.equal(cut.choices[0].message.content, full.slice(0, full.indexOf(` ${words[2]}`)));
  assert.equal(cut.choices[0].finish_reason, 'stop');
});

test('the same seed samples the same answer', async () => {
  const ask = (seed) => client.chat.completions.create({
    model: MODEL_ID, messages: imageQuestion('Describe the picture.'), temperature: 1.5,
    top_p: 1, seed, max_tokens: 30, return_token_ids: true,
  });
  const [a, b] = [await ask(11), await ask(11)];
  assert.deepEqual(a.choices[0].token_ids, b.choices[0].token_ids);
});

test('a conversation with an earlier answer reads like the app writes it', async () => {
  const answer = await client.chat.completions.create({
    model: MODEL_ID, temperature: 0, max_tokens: 20,
    messages: [
      { role: 'system', content: 'Answer briefly.' },
      ...imageQuestion(),
      { role: 'assistant', content: 'pink' },
      { role: 'user', content: 'How many shapes are there?' },
    ],
    return_token_ids: true,
  });
  assert.ok(answer.choices[0].token_ids.length > 0);
  assert.ok(answer.usage.prompt_tokens > 32, 'both turns were read');
});
