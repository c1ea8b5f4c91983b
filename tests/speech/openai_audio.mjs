// The official `openai` npm client (installed in tests/llm) against the
// speech models of a running `strato serve`.
// Usage: node openai_audio.mjs BASE_URL [LIBRIVOX_WAV]
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import OpenAI, { toFile } from "../llm/node_modules/openai/index.mjs";

const [base, librivox] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused", maxRetries: 0 });

async function step(name, fn) {
  await fn();
  console.log(`ok - ${name}`);
}

async function speak(input, extra = {}) {
  const r = await client.audio.speech.create({ model: "tts", voice: "alloy", input, ...extra });
  return Buffer.from(await r.arrayBuffer());
}

const sentence = "turn on the light in the kitchen";
let wav;
await step("speech.create gives a WAV file", async () => {
  wav = await speak(sentence, { response_format: "wav" });
  assert.equal(wav.subarray(0, 4).toString(), "RIFF");
  assert.equal(wav.subarray(8, 12).toString(), "WAVE");
  assert.ok(wav.length > 24000, `only ${wav.length} bytes`);
});

await step("speech.create defaults to MP3, and speaks FLAC, Opus and PCM", async () => {
  const mp3 = await speak("hello");
  assert.ok(mp3.subarray(0, 3).toString() === "ID3" || (mp3[0] === 0xff && (mp3[1] & 0xe0) === 0xe0), "not MP3");
  assert.equal((await speak("hello", { response_format: "flac" })).subarray(0, 4).toString(), "fLaC");
  assert.equal((await speak("hello", { response_format: "opus" })).subarray(0, 4).toString(), "OggS");
  const slow = await speak("hello there", { response_format: "pcm", speed: 0.5 });
  const fast = await speak("hello there", { response_format: "pcm", speed: 2.0 });
  assert.ok(slow.length > fast.length * 1.5, `speed: ${slow.length} vs ${fast.length} bytes`);
});

await step("transcriptions.create with a grammar model returns the exact sentence", async () => {
  for (const voice of ["alloy", "nova", "onyx"]) {
    const audio = await speak(sentence, { voice, response_format: "flac" });
    const t = await client.audio.transcriptions.create({ model: "commands", file: await toFile(audio, "c.flac") });
    assert.equal(t.text, sentence, `voice ${voice}`);
  }
});

await step("verbose_json has segments and word timestamps", async () => {
  const t = await client.audio.transcriptions.create({
    model: "commands", file: await toFile(wav, "c.wav"), response_format: "verbose_json",
    timestamp_granularities: ["word", "segment"],
  });
  assert.equal(t.text, sentence);
  assert.ok(t.duration > 1 && t.duration < 10, `duration ${t.duration}`);
  assert.equal(t.segments.length, 1);
  assert.deepEqual(t.words.map((w) => w.word).join(" "), sentence);
  for (let i = 1; i < t.words.length; i++) assert.ok(t.words[i].start >= t.words[i - 1].start);
  assert.ok(t.words.at(-1).end <= t.duration + 0.05);
});

await step("text, srt and vtt formats", async () => {
  const file = await toFile(wav, "c.wav");
  const text = await client.audio.transcriptions.create({ model: "commands", file, response_format: "text" });
  assert.equal(String(text).trim(), sentence);
  const srt = await client.audio.transcriptions.create({ model: "commands", file: await toFile(wav, "c.wav"), response_format: "srt" });
  assert.match(String(srt), /^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\nturn on the light in the kitchen\n/);
  const vtt = await client.audio.transcriptions.create({ model: "commands", file: await toFile(wav, "c.wav"), response_format: "vtt" });
  assert.match(String(vtt), /^WEBVTT\n\n00:00:\d\d\.\d{3} --> /);
});

if (librivox) {
  await step("general model transcribes a LibriVox recording", async () => {
    const t = await client.audio.transcriptions.create({ model: "asr", file: await toFile(readFileSync(librivox), "l.wav"), language: "en" });
    // Reference: "he was not an ill disposed young man"
    assert.match(t.text, /young man/);
  });
}

await step("errors come back as OpenAI BadRequestError naming the field", async () => {
  await assert.rejects(
    client.audio.transcriptions.create({ model: "tts", file: await toFile(wav, "c.wav") }),
    (e) => e.status === 400 && e.param === "model");
  await assert.rejects(
    client.audio.transcriptions.create({ model: "commands", file: await toFile(Buffer.from("not audio at all"), "x.wav") }),
    (e) => e.status === 400 && /cannot decode/.test(e.message));
  await assert.rejects(client.audio.speech.create({ model: "tts", voice: "alloy", input: "" }),
    (e) => e.status === 400 && e.param === "input");
  await assert.rejects(client.audio.speech.create({ model: "asr", voice: "alloy", input: "hi" }),
    (e) => e.status === 400 && e.param === "model");
});
