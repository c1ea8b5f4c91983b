#!/usr/bin/env python3
"""A leak-free, sentence-level evaluation split of the SST-2 phrase files.

The ALPS train.tsv/dev.tsv in ../shared are a random re-split of GLUE SST-2
train, which holds phrases of the Stanford Sentiment Treebank's training
sentences, the whole sentences among them. A dev phrase's sentence usually
has other phrases in train, so dev accuracy overstates how a model does on
unseen whole sentences (the published anchors' setting).

This script rebuilds the sentences (phrases that no longer phrase contains),
holds out a seeded share of those with at least MIN_TOKENS tokens as the test
set, and removes from training every phrase contained in a held-out
sentence (and in a second, disjoint validation share). Training then never
sees any part of a test sentence.

usage: sentence_split.py SST2_DIR OUT_DIR [--fraction 0.1] [--min-tokens 8] [--seed 1]
writes OUT_DIR/train.tsv (phrases), OUT_DIR/test_sentences.tsv and
OUT_DIR/validation_sentences.tsv (a disjoint share for choosing parameters).
"""
import argparse
import collections
import os
import random


def read(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            text, label = line.rstrip("\n").rsplit("\t", 1)
            rows.append((text.strip(), label))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sst2_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--fraction", type=float, default=0.1)
    ap.add_argument("--min-tokens", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    rows = read(os.path.join(args.sst2_dir, "train.tsv")) + read(os.path.join(args.sst2_dir, "dev.tsv"))
    label_of = {}
    for text, label in rows:
        label_of.setdefault(text, label)
    phrases = sorted(label_of, key=lambda t: (-len(t), t))

    # Maximal phrases (sentences): not contained in a longer phrase. Index
    # sentences by their tokens so that containment checks stay cheap.
    by_token = collections.defaultdict(list)
    sentences = []
    contained_in = {}
    for p in phrases:
        tokens = p.split()
        if not tokens:
            continue
        rarest = min(set(tokens), key=lambda t: len(by_token[t]))
        hosts = [s for s in by_token[rarest] if f" {p} " in f" {sentences[s]} "]
        if hosts:
            contained_in[p] = hosts
        else:
            idx = len(sentences)
            sentences.append(p)
            for t in set(tokens):
                by_token[t].append(idx)

    rng = random.Random(args.seed)
    candidates = [i for i, s in enumerate(sentences) if len(s.split()) >= args.min_tokens]
    rng.shuffle(candidates)
    n_held = int(len(candidates) * args.fraction)
    test = set(candidates[:n_held])
    # A second, disjoint share for choosing parameters, so that the test
    # sentences are only ever used for the final number.
    validation = set(candidates[n_held: 2 * n_held])
    held = test | validation

    sentence_index = {s: i for i, s in enumerate(sentences)}
    os.makedirs(args.out_dir, exist_ok=True)
    kept = dropped = 0
    with open(os.path.join(args.out_dir, "train.tsv"), "w", encoding="utf-8") as f:
        f.write("sentence\tlabel\n")
        for text, label in rows:
            text = text.strip()
            hosts = contained_in.get(text)
            in_test = sentence_index[text] in held if hosts is None else any(h in held for h in hosts)
            if in_test:
                dropped += 1
                continue
            f.write(f"{text}\t{label}\n")
            kept += 1
    for name, chosen in (("test_sentences.tsv", test), ("validation_sentences.tsv", validation)):
        with open(os.path.join(args.out_dir, name), "w", encoding="utf-8") as f:
            f.write("sentence\tlabel\n")
            for i in sorted(chosen):
                f.write(f"{sentences[i]}\t{label_of[sentences[i]]}\n")
    print(f"{len(sentences)} sentences ({len(candidates)} with >= {args.min_tokens} tokens); "
          f"{len(test)} test and {len(validation)} validation sentences held out; training phrases kept {kept}, dropped {dropped}")


if __name__ == "__main__":
    main()
