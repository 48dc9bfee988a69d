"""Builds the pipeline tests' embedding and reranker models: a tiny BERT with random but
deterministic weights and a WordPiece tokenizer whose vocabulary is counted from a local corpus, saved twice in the layouts
sentence-transformers loads with the same code users run on real models:
  EMBED_DIR   a SentenceTransformer folder (BertModel + modules.json + mean pooling), like
              BAAI/bge-small-en-v1.5 -> SentenceTransformer(EMBED_DIR)
  RERANK_DIR  a cross-encoder folder (BertForSequenceClassification, one label), like
              cross-encoder/ms-marco-MiniLM-L-6-v2 -> CrossEncoder(RERANK_DIR)
No model hub, no torch: numpy writes the weights; `tokenizers` (BERT normalizer, pre-tokenizer, WordPiece) is the tokenizer. The same
seed gives the same bytes (Raydeck's checksummed model push can skip them).

Usage: python make_tiny_bert.py EMBED_DIR RERANK_DIR   (with scripts/models/model-env.sh's Python)
"""
import json
import os
import random
import sys

import numpy as np
from safetensors.numpy import save_file
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

VOCAB = 1024
HIDDEN = 64
INTERMEDIATE = 128
LAYERS = 2
HEADS = 2
MAX_POSITIONS = 128
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# Words the tests' documents use, so they tokenize into whole words rather than pieces.
WORDS = ("ray serve cluster node gpu vllm model embedding reranker query answer document pipeline "
         "router gateway replica deployment head worker tensor parallel cache memory token latency "
         "the a of to and in is for on with how what which does scale run start stop").split()


def corpus(seed=11, lines=6000):
    """Generated sentences of the words above and varied pseudo-words, enough for VOCAB pieces."""
    rnd = random.Random(seed)
    syllables = [a + b for a in "bcdfghklmnprstvz" for b in "aeiou"] + ["ing", "ion", "er"]
    words = WORDS + ["".join(rnd.choice(syllables) for _ in range(rnd.randint(1, 3))) for _ in range(3000)]
    for _ in range(lines):
        yield " ".join(rnd.choice(WORDS) if rnd.random() < 0.3 else rnd.choice(words) for _ in range(rnd.randint(4, 16))) + rnd.choice([".", "?", ","])


def wordpiece_vocab(normalizer, pre_tokenizer):
    """A WordPiece vocabulary counted from the corpus: the special tokens, every character alone
    and as a continuation (##c), then the most frequent words (ties by spelling). Counted here
    rather than with tokenizers' WordPieceTrainer, whose ties break by hash order: the same
    corpus gave a different vocabulary on each run, and the model's bytes must not change."""
    counts = {}
    chars = set()
    for line in corpus():
        for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(line)):
            counts[word] = counts.get(word, 0) + 1
            chars.update(word)
    tokens = list(SPECIAL) + sorted(chars) + ["##" + c for c in sorted(chars)]
    words = sorted((w for w in counts if len(w) > 1), key=lambda w: (-counts[w], w))
    tokens += words[: VOCAB - len(tokens)]
    return {t: i for i, t in enumerate(tokens)}


def tokenizer(out_dirs):
    normalizer = normalizers.BertNormalizer(lowercase=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok = Tokenizer(models.WordPiece(vocab=wordpiece_vocab(normalizer, pre_tokenizer), unk_token="[UNK]"))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    tok.decoder = decoders.WordPiece()
    ids = {t: tok.token_to_id(t) for t in SPECIAL}
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])])
    vocab = sorted(tok.get_vocab().items(), key=lambda kv: kv[1])
    config = {
        "tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": MAX_POSITIONS,
        "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]",
        "clean_up_tokenization_spaces": False,
    }
    for out in out_dirs:
        tok.save(os.path.join(out, "tokenizer.json"))
        with open(os.path.join(out, "vocab.txt"), "w") as f:
            f.write("".join(token + "\n" for token, _ in vocab))
        write_json(os.path.join(out, "tokenizer_config.json"), config)
        write_json(os.path.join(out, "special_tokens_map.json"), {k: config[k] for k in ("cls_token", "sep_token", "pad_token", "unk_token", "mask_token")})
    return tok.get_vocab_size(), ids


def bert_weights(rng, prefix=""):
    def w(*shape):
        return (rng.standard_normal(shape) * 0.02).astype(np.float32)

    def zeros(n):
        return np.zeros(n, np.float32)

    def ones(n):
        return np.ones(n, np.float32)

    p = prefix
    t = {
        p + "embeddings.word_embeddings.weight": w(VOCAB, HIDDEN),
        p + "embeddings.position_embeddings.weight": w(MAX_POSITIONS, HIDDEN),
        p + "embeddings.token_type_embeddings.weight": w(2, HIDDEN),
        p + "embeddings.LayerNorm.weight": ones(HIDDEN),
        p + "embeddings.LayerNorm.bias": zeros(HIDDEN),
        p + "pooler.dense.weight": w(HIDDEN, HIDDEN),
        p + "pooler.dense.bias": zeros(HIDDEN),
    }
    for i in range(LAYERS):
        L = f"{p}encoder.layer.{i}."
        for name in ("query", "key", "value"):
            t[L + f"attention.self.{name}.weight"] = w(HIDDEN, HIDDEN)
            t[L + f"attention.self.{name}.bias"] = zeros(HIDDEN)
        t[L + "attention.output.dense.weight"] = w(HIDDEN, HIDDEN)
        t[L + "attention.output.dense.bias"] = zeros(HIDDEN)
        t[L + "attention.output.LayerNorm.weight"] = ones(HIDDEN)
        t[L + "attention.output.LayerNorm.bias"] = zeros(HIDDEN)
        t[L + "intermediate.dense.weight"] = w(INTERMEDIATE, HIDDEN)
        t[L + "intermediate.dense.bias"] = zeros(INTERMEDIATE)
        t[L + "output.dense.weight"] = w(HIDDEN, INTERMEDIATE)
        t[L + "output.dense.bias"] = zeros(HIDDEN)
        t[L + "output.LayerNorm.weight"] = ones(HIDDEN)
        t[L + "output.LayerNorm.bias"] = zeros(HIDDEN)
    return t


def bert_config(ids, architecture, **more):
    return {
        "architectures": [architecture], "model_type": "bert", "vocab_size": VOCAB, "hidden_size": HIDDEN,
        "num_hidden_layers": LAYERS, "num_attention_heads": HEADS, "intermediate_size": INTERMEDIATE,
        "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": MAX_POSITIONS, "type_vocab_size": 2, "initializer_range": 0.02,
        "layer_norm_eps": 1e-12, "pad_token_id": ids["[PAD]"], "torch_dtype": "float32", **more,
    }


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")


def main(embed_dir, rerank_dir):
    for out in (embed_dir, rerank_dir):
        os.makedirs(out, exist_ok=True)
    vocab, ids = tokenizer([embed_dir, rerank_dir])
    if vocab != VOCAB:
        raise SystemExit(f"the tokenizer reached {vocab} tokens, not {VOCAB}")

    # (a) sentence-transformers: the BERT at the folder's root, then mean pooling.
    embed = bert_weights(np.random.default_rng(11))
    save_file(embed, os.path.join(embed_dir, "model.safetensors"), metadata={"format": "pt"})
    write_json(os.path.join(embed_dir, "config.json"), bert_config(ids, "BertModel"))
    write_json(os.path.join(embed_dir, "modules.json"), [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    ])
    write_json(os.path.join(embed_dir, "sentence_bert_config.json"), {"max_seq_length": MAX_POSITIONS, "do_lower_case": False})
    os.makedirs(os.path.join(embed_dir, "1_Pooling"), exist_ok=True)
    write_json(os.path.join(embed_dir, "1_Pooling", "config.json"), {
        "word_embedding_dimension": HIDDEN, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False, "pooling_mode_lasttoken": False, "include_prompt": True,
    })

    # (b) cross-encoder: BertForSequenceClassification with one label (a relevance score).
    rng = np.random.default_rng(12)
    rerank = bert_weights(rng, prefix="bert.")
    rerank["classifier.weight"] = (rng.standard_normal((1, HIDDEN)) * 0.5).astype(np.float32)
    rerank["classifier.bias"] = np.zeros(1, np.float32)
    save_file(rerank, os.path.join(rerank_dir, "model.safetensors"), metadata={"format": "pt"})
    write_json(os.path.join(rerank_dir, "config.json"), bert_config(
        ids, "BertForSequenceClassification", num_labels=1, id2label={"0": "LABEL_0"}, label2id={"LABEL_0": 0}))

    for name, tensors, out in (("embed", embed, embed_dir), ("rerank", rerank, rerank_dir)):
        params = sum(int(np.prod(a.shape)) for a in tensors.values())
        files = sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs)
        print(json.dumps({"model": name, "dir": out, "params": params, "files": files}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
