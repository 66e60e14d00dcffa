// Writes tests/fixtures/tokenizer/extra-cases.jsonl: hard strings and tokenizer.json variants
// the fixture file does not cover, encoded and decoded by Hugging Face `tokenizers` itself.
//
//   npm install --prefix /tmp/hf tokenizers@0.23.2
//   NODE_PATH=/tmp/hf/node_modules node tests/tools/gen_tokenizer_extra_cases.js \
//       > tests/fixtures/tokenizer/extra-cases.jsonl
//
// The first lines define the tokenizers: {"define", "merge_patch", "extra_tokens"} is the fixture
// tokenizer.json with an RFC 7386 merge patch applied (then nanoVLM's 66 extra tokens added as
// special tokens when extra_tokens is true); {"define", "tokenizer"} is a whole small file. The
// other lines are cases: {"variant", "text", "ids", "decoded", "decoded_skip_special"}.
'use strict';
const fs = require('fs');
const path = require('path');
const t = require('tokenizers');

const root = path.join(__dirname, '..', '..');
const base = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/tokenizer/tokenizer.json')));
const config = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/parity/main/ckpt/config.json')));
const extras = Object.values(config.vlm_extra_tokens);

const byteLevel = (prefix, regex) => ({ type: 'ByteLevel', add_prefix_space: prefix, trim_offsets: true, use_regex: regex });
const digitsThen = (individual, byteLevelStep) => ({ type: 'Sequence', pretokenizers: [{ type: 'Digits', individual_digits: individual }, byteLevelStep] });
const addedToken = (content, o) => Object.assign(
  { id: 0, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }, o);
const tiny = (o) => ({
  version: '1.0', truncation: null, padding: null,
  added_tokens: [addedToken('<unk>', { id: 0 })], normalizer: null,
  pre_tokenizer: byteLevel(false, true), post_processor: null, decoder: byteLevel(true, true),
  model: Object.assign({
    type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null,
    end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false,
    vocab: { '<unk>': 0, a: 1, b: 2, c: 3, 'Ġ': 4, ab: 5, abc: 6, 'Ġa': 7, 'Ġab': 8 },
    merges: [['a', 'b'], ['ab', 'c'], ['Ġ', 'a'], ['Ġa', 'b']],
  }, o),
});

// RFC 7386, as nlohmann::json::merge_patch applies it in the test.
function mergePatch(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = (target && typeof target === 'object' && !Array.isArray(target)) ? Object.assign({}, target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]; else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const definitions = [
  { define: 'base', merge_patch: {}, extra_tokens: true },
  { define: 'prefix_space', merge_patch: { pre_tokenizer: digitsThen(true, byteLevel(true, true)) }, extra_tokens: true },
  { define: 'digits_contiguous', merge_patch: { pre_tokenizer: digitsThen(false, byteLevel(false, true)) }, extra_tokens: true },
  { define: 'byte_level_only', merge_patch: { pre_tokenizer: byteLevel(false, true) }, extra_tokens: true },
  { define: 'no_regex', merge_patch: { pre_tokenizer: digitsThen(true, byteLevel(false, false)) }, extra_tokens: true },
  { define: 'strip_tokens', merge_patch: { added_tokens: base.added_tokens.concat([
      addedToken('<L>', { lstrip: true }), addedToken('<R>', { rstrip: true }),
      addedToken('<LR>', { lstrip: true, rstrip: true }), addedToken('é<x>', {}),
      addedToken('hello', { normalized: true, special: false }),
      addedToken(' zz', { normalized: true, special: false })]) }, extra_tokens: true },
  { define: 'ignore_merges', merge_patch: { model: { ignore_merges: true } }, extra_tokens: true },
  { define: 'tiny_no_unk', tokenizer: tiny({}) },
  { define: 'tiny_unk', tokenizer: tiny({ unk_token: '<unk>' }) },
  { define: 'tiny_unk_fused', tokenizer: tiny({ unk_token: '<unk>', fuse_unk: true }) },
];

const hard = [
  'Hello world', ' leading space', 'trailing space ', '  two leading', 'a  b   c\n\n\nd',
  '\t\tindent\n  ', "I'M I'm i'M 'S 'sup '' ''s don''t 'll'd", "'", " '", "x'",
  'x\u{11DE0}y\u{11DE1}2', '\u{10D40}\u{10D41} garay', '\u{1C89}\u{1C8A}ok', 'e\u0301a\u0300 combining',
  '👨‍👩‍👧‍👦 family 🏳️‍🌈', 'x<|image|>y', 'word<|image|>word <|global_image|> tail',
  '12345678901234567890', '3.14159 ½ ⅓ ²³ ①② ٣٤٥ ߁ ໑ Ⅻ ⅻ ↂ', '\u00a0\u00a0x \u3000y\u2029z\u0085w\u180ev',
  '\r\n\r\n   ', 'https://example.com/path?q=1&r=2#frag', '日本語のテキストです。', '한국어 텍스트',
  'ภาษาไทย', 'Tiếng Việt có dấu', 'עברית', '\u{10FFFF}\u{E0001}\u{E000}', '😀😀😀',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '...!!!???', '$$$100,000.00',
  '<row_1_col_1><row_8_col_8><|global_image|>', '<row_9_col_9> <|image|', 'ǅungla ᾈ ǈ',
];
const perVariant = {
  base: hard,
  prefix_space: ['Hello world', 'x1y22 z', '<|image|>cat<|im_end|>dog', ' already', '\nnew line', '7'],
  digits_contiguous: ['x12345y 2024-01-15 ٣٤٥', '1 2 3', 'a1'],
  byte_level_only: ['x12345y 2024-01-15', 'version 10.0.19045'],
  no_regex: ['Hello world, how are you?', 'x12y', '<|im_start|>user\nhi<|im_end|>'],
  strip_tokens: ['a <L> b', 'a <R>  \n b', 'x  <LR>  y', '<R> <L>', '<L>', 'say hello world',
    'Say Hello', 'aa zz bb', 'é<x>!', ' <L><R> '],
  ignore_merges: ['Hello world', ' unravelling', 'the quick brown fox', 'antidisestablishmentarianism'],
  tiny_no_unk: ['abc', 'axbxc', 'ab ab', ' abc', 'xyz', 'abab'],
  tiny_unk: ['abc', 'axbxc', 'xxab', 'ab ab', 'xyz'],
  tiny_unk_fused: ['abc', 'axxbxc', 'xxab', 'xyz'],
};

(async () => {
  const lines = definitions.map((d) => JSON.stringify(d));
  for (const d of definitions) {
    const json = d.tokenizer || mergePatch(base, d.merge_patch);
    const tok = t.Tokenizer.fromString(JSON.stringify(json));
    if (d.extra_tokens) tok.addSpecialTokens(extras);
    for (const text of perVariant[d.define]) {
      const ids = (await tok.encode(text)).getIds();
      lines.push(JSON.stringify({
        variant: d.define, text, ids,
        decoded: await tok.decode(ids, false), decoded_skip_special: await tok.decode(ids, true),
      }));
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
})();
