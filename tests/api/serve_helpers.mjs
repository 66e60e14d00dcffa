// Starts and stops `nanovlm serve` for the tests: a free port on 127.0.0.1, the port read from
// the line the server prints once it listens.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

export const BIN = process.env.NANOVLM_BIN;
export const MODEL_DIR = process.env.NANOVLM_DEMO_MODEL;
export const FIXTURES = process.env.NANOVLM_FIXTURES;
export const MODEL_ID = 'demo-model';

export async function startServer(extraArgs = []) {
  const child = spawn(BIN, ['serve', '--model', MODEL_DIR, '--port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 30000);
    const onData = (data) => {
      output += data;
      const match = output.match(/http:\/\/127\.0\.0\.1:(\d+)\/v1/);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${output}`));
    });
  });
  return {
    url,
    child,
    client(apiKey = 'unused', options = {}) {
      return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, ...options });
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export function dataUrl(file, type = 'image/png') {
  return `data:${type};base64,${readFileSync(file).toString('base64')}`;
}

// `nanovlm generate --json` for the same question: what the server must match.
export function generateJson(args) {
  return JSON.parse(execFileSync(BIN, ['generate', '--model', MODEL_DIR, '--json', ...args]));
}

export async function health(url) {
  const response = await fetch(`${url}/health`);
  return response.json();
}

export async function waitFor(predicate, timeoutMs = 10000) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await predicate()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
