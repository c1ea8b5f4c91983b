// The official `openai` npm client against a running `strato serve`.
// Usage: node openai_e2e.mjs BASE_URL METRICS_URL MODEL
import assert from "node:assert/strict";
import OpenAI from "openai";

const [base, metricsUrl, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused", maxRetries: 0 });

async function metric(name) {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split("\n").find((l) => l.startsWith(name + "{") && l.includes(`model="${model}"`));
  assert.ok(line, `metric ${name} missing`);
  return Number(line.split(" ").pop());
}

async function step(name, fn) {
  await fn();
  console.log(`ok - ${name}`);
}

await step("models list names the model", async () => {
  const list = await client.models.list();
  assert.ok(list.data.some((m) => m.id === model));
});

let greedyText = "";
await step("non-streaming chat completion", async () => {
  const r = await client.chat.completions.create({
    model, messages: [{ role: "user", content: "Once upon a time" }], max_tokens: 24, temperature: 0,
  });
  assert.equal(r.object, "chat.completion");
  assert.equal(r.choices[0].message.role, "assistant");
  assert.ok(r.choices[0].message.content.length > 0);
  assert.ok(["stop", "length"].includes(r.choices[0].finish_reason));
  assert.ok(r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0 && r.usage.completion_tokens <= 24);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  greedyText = r.choices[0].message.content;
});

await step("streaming chat equals non-streaming under greedy sampling, with usage", async () => {
  const stream = await client.chat.completions.create({
    model, messages: [{ role: "user", content: "Once upon a time" }], max_tokens: 24, temperature: 0,
    stream: true, stream_options: { include_usage: true },
  });
  let text = "";
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      text += c.delta?.content ?? "";
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.equal(text, greedyText);
  assert.ok(finish === "stop" || finish === "length");
  assert.ok(usage && usage.completion_tokens > 0);
  // The same prompt again reuses the KV cache of the first (prefix cache).
  assert.ok(usage.prompt_tokens_details.cached_tokens > 0, "expected a prefix cache hit");
});

await step("completions with stop string and logprobs", async () => {
  const full = await client.completions.create({ model, prompt: "Once upon a time", max_tokens: 30, temperature: 0 });
  const text = full.choices[0].text;
  assert.ok(text.length > 10);
  const stop = text.slice(6, 9);
  const cut = await client.completions.create({ model, prompt: "Once upon a time", max_tokens: 30, temperature: 0, stop: [stop], logprobs: 1 });
  assert.equal(cut.choices[0].text, text.slice(0, text.indexOf(stop)));
  assert.equal(cut.choices[0].finish_reason, "stop");
  for (const lp of cut.choices[0].logprobs.token_logprobs) assert.ok(lp <= 0);
  // logprobs: 1 on completions also reports the most likely token per position.
  assert.equal(cut.choices[0].logprobs.top_logprobs.length, cut.choices[0].logprobs.tokens.length);
});

await step("chat logprobs with top_logprobs: greedy picks the most likely", async () => {
  const r = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Tell a story" }], max_tokens: 6, temperature: 0, logprobs: true, top_logprobs: 3 });
  const content = r.choices[0].logprobs.content;
  assert.ok(content.length > 0);
  for (const item of content) {
    assert.equal(item.top_logprobs.length, 3);
    assert.ok(Math.abs(item.top_logprobs[0].logprob - item.logprob) < 1e-6, JSON.stringify(item));
    assert.ok(item.top_logprobs[0].logprob >= item.top_logprobs[1].logprob);
    assert.ok(Array.isArray(item.top_logprobs[2].bytes));
  }
  await assert.rejects(client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }], top_logprobs: 3 }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.param, "top_logprobs");
    return true;
  });
});

await step("16 concurrent streams of different lengths get their token counts", async () => {
  const runs = Array.from({ length: 16 }, async (_, i) => {
    const want = 5 + 9 * i;
    const stream = await client.chat.completions.create({
      model, messages: [{ role: "user", content: `Story number ${i}` }], max_tokens: want,
      stream: true, stream_options: { include_usage: true }, ignore_eos: true, seed: i, temperature: 0.8,
    });
    let tokenChunks = 0;
    let usage = null;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) if (c.delta?.content !== undefined && !c.delta.role && !c.finish_reason) tokenChunks++;
    }
    assert.equal(usage.completion_tokens, want, `stream ${i}`);
    assert.equal(tokenChunks, want, `stream ${i} chunks`);
  });
  await Promise.all(runs);
});

await step("abort mid-stream frees the slot (metrics return to zero)", async () => {
  const controller = new AbortController();
  const streams = [];
  for (let i = 0; i < 4; i++) {
    streams.push((async () => {
      let n = 0;
      try {
        // Inside the try: the abort may land before this stream's headers do.
        const stream = await client.chat.completions.create(
          { model, messages: [{ role: "user", content: "Tell a long story" }], max_tokens: 100000, ignore_eos: true, stream: true },
          { signal: controller.signal });
        for await (const _ of stream) if (++n === 5 && i === 3) controller.abort();
      } catch (e) {
        return n;
      }
      return n;
    })());
  }
  const counts = await Promise.all(streams);
  assert.equal(counts[3], 5, "the aborting stream read 5 chunks");
  let running = -1;
  for (let tries = 0; tries < 100; tries++) {
    running = await metric("strato_llm_requests_running");
    if (running === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(running, 0, "requests still running after the clients went away");
  assert.equal(await metric("strato_llm_requests_waiting"), 0);
  assert.ok((await metric("strato_llm_generated_tokens_total")) > 0);
});

await step("errors come back as OpenAI errors", async () => {
  const cases = [
    [{ model, messages: [] }, "messages"],
    [{ model, messages: [{ role: "wizard", content: "hi" }] }, "messages[0].role"],
    [{ model, messages: [{ role: "user", content: "hi" }], max_tokens: -1 }, "max_tokens"],
    [{ model, messages: [{ role: "user", content: "hi" }], temperature: 3 }, "temperature"],
    [{ model: "no-such-model", messages: [{ role: "user", content: "hi" }] }, "model"],
  ];
  for (const [body, param] of cases) {
    await assert.rejects(client.chat.completions.create(body), (e) => {
      assert.equal(e.status, 400, JSON.stringify(body));
      assert.equal(e.param, param);
      assert.ok(e.message.length > 10);
      return true;
    });
  }
  await assert.rejects(client.chat.completions.create({ model, messages: [{ role: "user", content: "x ".repeat(5000) }] }), (e) => {
    assert.equal(e.status, 400);
    assert.match(e.message, /tokens/);
    return true;
  });
});

await step("embeddings: one unit vector per input, same text same vector", async () => {
  // The SDK asks for base64 by default and decodes it; ask for floats too.
  for (const encoding_format of [undefined, "float"]) {
    const r = await client.embeddings.create({ model, input: ["Once upon a time", "the dog ran", "Once upon a time"], encoding_format });
    assert.equal(r.object, "list");
    assert.equal(r.data.length, 3);
    const [a, b, c] = r.data.map((d) => d.embedding);
    assert.ok(a.length > 8, `vector of ${a.length}`);
    assert.equal(b.length, a.length);
    const dot = (x, y) => x.reduce((s, v, i) => s + v * y[i], 0);
    assert.ok(Math.abs(dot(a, a) - 1) < 1e-3, `norm ${dot(a, a)}`);
    assert.ok(Math.abs(dot(a, c) - 1) < 1e-3);
    assert.ok(dot(a, b) < 0.999);
    assert.ok(r.usage.prompt_tokens > 3);
    assert.deepEqual(r.data.map((d) => d.index), [0, 1, 2]);
  }
  await assert.rejects(client.embeddings.create({ model, input: [] }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.param, "input");
    return true;
  });
});

console.log("all openai client checks passed");
