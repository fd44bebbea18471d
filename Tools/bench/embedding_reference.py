#!/usr/bin/env python3
"""Reference timings for `todo bench` embeddings: the bundle's encoder in PyTorch (transformers: BertModel for
all-MiniLM-L6-v2, MPNetModel for all-mpnet-base-v2) and in ONNX Runtime (exported from it), on the same
inputs and thread count as ours, with the same window rule for long texts.

    python embedding_reference.py --model BUNDLE_DIR --inputs WORKLOADS.json --threads N

BUNDLE_DIR is our converted bundle: its config.json keeps the Hugging Face config under "model",
and its model.safetensors keeps Hugging Face names, so the same weights load into transformers.
WORKLOADS.json maps a key (embed_short_ms, …) to a list of texts. Prints one JSON object:
{"torch_<key>": median ms, "onnx_<key>": median ms, ...}.
"""
import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import torch  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "reference"))
from window_rule import windows  # noqa: E402





def batch_inputs(tokenizer, texts, width):
    """Every window of every text (`width` content tokens at most) as padded input ids + mask, and the
    per-text window weights. Padding uses the tokenizer's pad id: MPNet numbers positions after it."""
    rows, owners = [], []
    for i, text in enumerate(texts):
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        for a, b in windows(len(ids), width):
            rows.append([tokenizer.cls_token_id] + ids[a:b] + [tokenizer.sep_token_id])
            owners.append((i, b - a))
    longest = max(len(r) for r in rows)
    input_ids = np.full((len(rows), longest), tokenizer.pad_token_id, dtype=np.int64)
    mask = np.zeros((len(rows), longest), dtype=np.int64)
    for k, r in enumerate(rows):
        input_ids[k, :len(r)] = r
        mask[k, :len(r)] = 1
    return input_ids, mask, owners


def combine(hidden, mask, owners, count):
    pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    out = np.zeros((count, pooled.shape[1]), dtype=np.float32)
    for (i, weight), v in zip(owners, pooled):
        out[i] += weight * v
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def median_ms(fn, iterations, budget=10.0):
    for _ in range(2):
        fn()
    samples, deadline = [], time.perf_counter() + budget
    while len(samples) < iterations and (len(samples) < 5 or time.perf_counter() < deadline):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--threads", type=int, required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    bundle = pathlib.Path(args.model)
    bundle_config = json.loads((bundle / "config.json").read_text())
    width = bundle_config["max_length"] - 2  # content tokens per window: the window rule of SentenceEmbedder
    workloads = json.loads(pathlib.Path(args.inputs).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "config.json").write_text(json.dumps(bundle_config["model"]))
        os.symlink(bundle / "model.safetensors", tmp / "model.safetensors")
        for name in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]:
            if (bundle / name).exists():
                os.symlink(bundle / name, tmp / name)
        tokenizer = AutoTokenizer.from_pretrained(str(tmp))
        model = AutoModel.from_pretrained(str(tmp), add_pooling_layer=False).eval()

        import onnxruntime as ort
        onnx_path = tmp / "model.onnx"
        class Encoder(torch.nn.Module):  # keyword arguments: transformers 5 reordered forward's positionals
            def __init__(self, encoder):
                super().__init__()
                self.encoder = encoder

            def forward(self, input_ids, attention_mask):
                return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

        dummy = torch.ones((1, 8), dtype=torch.long)
        torch.onnx.export(Encoder(model), (dummy, dummy), str(onnx_path), input_names=["input_ids", "attention_mask"],
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"},
                                        "last_hidden_state": {0: "b", 1: "s"}})
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

        def run_torch(texts):
            ids, mask, owners = batch_inputs(tokenizer, texts, width)
            with torch.inference_mode():
                hidden = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).last_hidden_state.numpy()
            return combine(hidden, mask, owners, len(texts))

        def run_onnx(texts):
            ids, mask, owners = batch_inputs(tokenizer, texts, width)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            return combine(hidden, mask, owners, len(texts))

        result = {}
        for key, texts in workloads.items():
            a, b = run_torch(texts), run_onnx(texts)
            if float(np.abs(a - b).max()) > 1e-3:
                print(f"warning: PyTorch and ONNX Runtime disagree on {key}", file=sys.stderr)
            iterations = 10 if "2000" in key else 50
            result[f"torch_{key}"] = median_ms(lambda: run_torch(texts), iterations)
            result[f"onnx_{key}"] = median_ms(lambda: run_onnx(texts), iterations)
        print(json.dumps(result))


if __name__ == "__main__":
    main()
