"""The paper's sentiment tasks (section 4.2), generated from templates with known sentiment, and a user's
own JSONL preference file. A word-level tokenizer keeps each sentiment word one token, so the single-token
task is exactly the paper's Data setup 1 and the suffix tasks differ in one token followed by a shared suffix
(Data setup 3)."""
import json
import random
import re

POSITIVE = ["great", "wonderful", "lovely", "amazing", "excellent", "delightful", "fantastic", "brilliant",
            "pleasant", "superb", "charming", "beautiful"]
NEGATIVE = ["terrible", "awful", "horrible", "dreadful", "boring", "disappointing", "poor", "bad", "nasty",
            "miserable", "ugly", "annoying"]
NOUNS = ["movie", "book", "meal", "phone", "hotel", "concert", "game", "trip", "service", "song", "show",
         "class", "day", "party", "car", "garden"]
TEMPLATES = ["the {n} was {i}{a}", "i think this {n} is {i}{a}", "what a {i}{a} {n}", "my {n} felt {i}{a} today",
             "honestly the {n} is {i}{a}", "i {v} this {n}", "we all found the {n} {i}{a}"]
INTENSIFIERS = ["", "really ", "very ", "so ", "quite "]
VERBS = {1: ["love", "adore", "enjoy"], 0: ["hate", "dislike", "despise"]}

# The responses of section 4.2; {s} is the sentiment word.
STYLES = {
    "single": "{s}",
    "short": "it has a {s} sentiment .",
    "long": "it has a {s} sentiment based on my judgement .",
}

SEP = "<sep>"
BOS = "<bos>"
PAD = "<pad>"


def statements(n, seed):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        label = rng.randint(0, 1)
        t = rng.choice(TEMPLATES)
        s = t.format(n=rng.choice(NOUNS), i=rng.choice(INTENSIFIERS), a=rng.choice(POSITIVE if label else NEGATIVE),
                     v=rng.choice(VERBS[label]))
        out.append((s, label))
    return out


def sentiment_pairs(style, n, seed):
    tmpl = STYLES[style]
    pairs = []
    for s, label in statements(n, seed):
        good, bad = ("positive", "negative") if label else ("negative", "positive")
        pairs.append({"prompt": s, "chosen": tmpl.format(s=good), "rejected": tmpl.format(s=bad)})
    return pairs


def task_pairs(task, seed):
    """The training pairs of an ml_request.Task: the file's, or `task.pairs` generated statements."""
    if task.kind == "file":
        return file_pairs(task.path)
    return sentiment_pairs(task.kind, task.pairs, seed)


def heldout_pairs(task, train, n, seed):
    """Pairs kept out of training for the preference accuracy: for a sentiment task, n fresh statements from
    another stream of the same generator whose prompts never occur in training; for a file, its last fifth
    (at most n), which the caller removes from training. Returns (train, heldout)."""
    if n <= 0:
        return train, []
    if task.kind == "file":
        k = min(n, len(train) // 5)
        return (train[:-k], train[-k:]) if k > 0 else (train, [])
    seen = {p["prompt"] for p in train}
    fresh = [p for p in sentiment_pairs(task.kind, 4 * n, seed + 1_000_003) if p["prompt"] not in seen]
    return train, fresh[:n]


def file_pairs(path):
    pairs = []
    with open(path, encoding="utf8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            for k in ("prompt", "chosen", "rejected"):
                if not isinstance(row.get(k), str):
                    raise ValueError(f"{path} line {i}: '{k}' must be a string")
            pairs.append({k: row[k] for k in ("prompt", "chosen", "rejected")})
    if not pairs:
        raise ValueError(f"{path}: no preference pairs")
    return pairs


def words(text):
    return re.findall(r"[\w']+|[^\w\s]", text.lower())


class Vocab:
    def __init__(self, pairs):
        self.itos = [PAD, BOS, SEP]
        seen = set(self.itos)
        for p in pairs:
            for k in ("prompt", "chosen", "rejected"):
                for w in words(p[k]):
                    if w not in seen:
                        seen.add(w)
                        self.itos.append(w)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text):
        return [self.stoi[w] for w in words(text)]

    def prompt_ids(self, text):
        return [self.stoi[BOS]] + self.encode(text) + [self.stoi[SEP]]

    def word(self, i):
        return self.itos[int(i)]


def encode_pairs(pairs, vocab):
    """Each pair → (ids_w, mask_w, ids_l, mask_l) right-padded to one length; masks mark response tokens
    (the positions whose log-probability makes up log π(y|x)). `vocab` is the word-level Vocab or any codec
    with prompt_ids(text) and encode(text) (ml_hf.TokenizerCodec); padding is id 0 behind a causal mask, so it
    never reaches a position that counts."""
    import torch
    rows = []
    for p in pairs:
        prompt = vocab.prompt_ids(p["prompt"])
        w, l = vocab.encode(p["chosen"]), vocab.encode(p["rejected"])
        if not w or not l:
            raise ValueError("empty chosen or rejected response")
        rows.append((prompt + w, [0] * len(prompt) + [1] * len(w), prompt + l, [0] * len(prompt) + [1] * len(l)))
    T = max(max(len(r[0]), len(r[2])) for r in rows)

    def pad(x):
        return x + [0] * (T - len(x))
    ids_w = torch.tensor([pad(r[0]) for r in rows])
    mask_w = torch.tensor([pad(r[1]) for r in rows])
    ids_l = torch.tensor([pad(r[2]) for r in rows])
    mask_l = torch.tensor([pad(r[3]) for r in rows])
    return ids_w, mask_w, ids_l, mask_l


# K ranked responses per prompt (a loss with `responses: K`): the statement's own sentiment first, a neutral
# response between, the opposite last — positive > neutral > negative for a positive statement. K = 2 drops
# the neutral one (the pair of sentiment_pairs).
RANKED = {2: ("match", "opposite"), 3: ("match", "neutral", "opposite")}


def ranked_lists(task, seed, K):
    """The prompts of an ml_request.Task with K responses each, most preferred first: [{prompt, responses}]."""
    if task.kind == "file":
        raise ValueError("a task file holds pairs (prompt, chosen, rejected); a loss over ranked responses trains on "
                         "the built-in tasks single, short or long")
    if K not in RANKED:
        raise ValueError(f"the built-in tasks rank at most 3 responses (positive, neutral, negative); this loss ranks {K}")
    tmpl = STYLES[task.kind]
    out = []
    for s, label in statements(task.pairs, seed):
        word = {"match": "positive" if label else "negative", "neutral": "neutral", "opposite": "negative" if label else "positive"}
        out.append({"prompt": s, "responses": [tmpl.format(s=word[r]) for r in RANKED[K]]})
    return out


def ranked_vocab(lists):
    """The word-level Vocab over every prompt and response of ranked lists."""
    return Vocab([{"prompt": x["prompt"], "chosen": r, "rejected": r} for x in lists for r in x["responses"]])


def encode_ranked(lists, vocab):
    """Ranked lists → (ids, mask), each [N, K, T] right-padded to one length, response k of prompt i at [i, k]; the
    mask marks response tokens (as encode_pairs)."""
    import torch
    rows = []
    for x in lists:
        prompt = vocab.prompt_ids(x["prompt"])
        enc = [vocab.encode(r) for r in x["responses"]]
        if not all(enc):
            raise ValueError("empty response")
        rows.append([(prompt + e, [0] * len(prompt) + [1] * len(e)) for e in enc])
    T = max(len(ids) for row in rows for ids, _ in row)

    def pad(v):
        return v + [0] * (T - len(v))
    return (torch.tensor([[pad(ids) for ids, _ in row] for row in rows]),
            torch.tensor([[pad(m) for _, m in row] for row in rows]))
