#!/usr/bin/env python3
"""Word error rate with the usual normalisation: lower case, punctuation
removed (apostrophes kept), whitespace collapsed. Sphinx-format references
("<s> words </s> (utt-id)") and hypothesis files ("words (utt-id)" or
"utt-id<TAB>words") are both read.

Usage: wer.py REFERENCE HYPOTHESES   -> per-utterance lines and the total
"""
import re
import sys


def normalize(text):
    text = text.lower().replace("<s>", " ").replace("</s>", " ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return text.split()


def edit_ops(ref, hyp):
    """Substitutions, deletions, insertions of the minimum-edit alignment."""
    rows = [(j, 0, 0, j) for j in range(len(hyp) + 1)]  # (cost, S, D, I)
    for i in range(1, len(ref) + 1):
        cur = [(i, 0, i, 0)]
        for j in range(1, len(hyp) + 1):
            sub = rows[j - 1]
            same = ref[i - 1] == hyp[j - 1]
            options = [
                (sub[0] + (0 if same else 1), sub[1] + (0 if same else 1), sub[2], sub[3]),
                (rows[j][0] + 1, rows[j][1], rows[j][2] + 1, rows[j][3]),
                (cur[j - 1][0] + 1, cur[j - 1][1], cur[j - 1][2], cur[j - 1][3] + 1),
            ]
            cur.append(min(options))
        rows = cur
    return rows[-1][1:]


def read_utts(path):
    """{utt-id: text} from Sphinx "(utt-id)" lines or "utt-id<TAB>text" lines."""
    out = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            m = re.match(r"^(.*)\(([^()]+)\)\s*$", line)
            if m:
                out[m.group(2).strip()] = m.group(1)
            elif "\t" in line:
                utt, text = line.split("\t", 1)
                out[utt.strip()] = text
    return out


def score(refs, hyps):
    """(errors, words, per-utterance rows) over the reference utterances."""
    total_err = total_words = 0
    rows = []
    for utt, ref_text in refs.items():
        ref = normalize(ref_text)
        hyp = normalize(hyps.get(utt, ""))
        s, d, i = edit_ops(ref, hyp)
        total_err += s + d + i
        total_words += len(ref)
        rows.append((utt, s, d, i, len(ref), " ".join(hyp)))
    return total_err, total_words, rows


def main():
    if len(sys.argv) != 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help") else 2)
    err, words, rows = score(read_utts(sys.argv[1]), read_utts(sys.argv[2]))
    for utt, s, d, i, n, hyp in rows:
        print(f"{utt}: S={s} D={d} I={i} N={n}  {hyp}")
    print(f"WER {100.0 * err / max(words, 1):.1f}% ({err} errors / {words} words)")


if __name__ == "__main__":
    main()
