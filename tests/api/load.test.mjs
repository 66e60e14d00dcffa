// Many clients at once, a full queue, and a client that hangs up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, health, waitFor, MODEL_ID } from './serve_helpers.mjs';

test('20 concurrent clients are all answered', async () => {
  const server = await startServer(['--parallel', '2']);
  try {
    const client = server.client();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      client.chat.completions.create({
        model: MODEL_ID, max_tokens: 8, seed: i,
        messages: [{ role: 'user', content: `Question ${i}: describe the picture.` }],
      })));
    assert.equal(answers.length, 20);
    for (const answer of answers) {
      assert.equal(answer.choices.length, 1);
      assert.ok(answer.usage.completion_tokens > 0);
    }
    assert.equal(new Set(answers.map((a) => a.id)).size, 20, 'ids are unique');
    const h = await health(server.url);
    assert.equal(h.busy, 0);
    assert.equal(h.waiting, 0);
  } finally {
    await server.stop();
  }
});

test('past the queue a request gets 503 with Retry-After', async () => {
  const server = await startServer(['--parallel', '1', '--queue', '0', '--step-delay-ms', '20']);
  try {
    const slow = new AbortController();
    const first = fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST', signal: slow.signal,
      body: JSON.stringify({ model: MODEL_ID, max_tokens: 500, stream: true, ignore_eos: true,
        messages: [{ role: 'user', content: 'Describe the picture.' }] }),
    });
    assert.ok(await waitFor(async () => (await health(server.url)).busy === 1));
    const second = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: MODEL_ID, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(second.status, 503);
    assert.equal(second.headers.get('retry-after'), '1');
    assert.equal((await second.json()).error.code, 'server_busy');
    slow.abort();
    await first.then((r) => r.body?.cancel()).catch(() => {});
  } finally {
    await server.stop();
  }
});

test('a client that disconnects frees its slot at once', async () => {
  // 30 ms a step and 2000 tokens: the answer would take a minute if nobody stopped it.
  const server = await startServer(['--parallel', '1', '--step-delay-ms', '30']);
  try {
    const client = server.client();
    const controller = new AbortController();
    const stream = await client.chat.completions.create({
      model: MODEL_ID, max_tokens: 2000, stream: true, ignore_eos: true,
      messages: [{ role: 'user', content: 'Describe the picture.' }],
    }, { signal: controller.signal });
    let pieces = 0;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      pieces += 1;
      if (pieces === 3) {
        controller.abort();
        break;
      }
    }
    assert.equal(pieces, 3);
    const started = Date.now();
    assert.ok(await waitFor(async () => (await health(server.url)).busy === 0, 5000),
      'the slot was freed');
    const freedMs = Date.now() - started;
    assert.ok(freedMs < 2000, `freed in ${freedMs} ms`);
    // The one slot answers the next client.
    const next = await client.chat.completions.create({
      model: MODEL_ID, max_tokens: 2, messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(next.choices.length, 1);
  } finally {
    await server.stop();
  }
});

test('a non-streaming client that disconnects frees its slot too', async () => {
  const server = await startServer(['--parallel', '1', '--step-delay-ms', '30']);
  try {
    const controller = new AbortController();
    const pending = fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST', signal: controller.signal,
      body: JSON.stringify({ model: MODEL_ID, max_tokens: 2000, ignore_eos: true,
        messages: [{ role: 'user', content: 'Describe the picture.' }] }),
    }).catch(() => 'aborted');
    assert.ok(await waitFor(async () => (await health(server.url)).busy === 1));
    controller.abort();
    assert.equal(await pending, 'aborted');
    assert.ok(await waitFor(async () => (await health(server.url)).busy === 0, 2000),
      'the slot was freed');
  } finally {
    await server.stop();
  }
});
