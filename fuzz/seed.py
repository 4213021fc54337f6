#!/usr/bin/env python3
"""Collects the raw seed inputs of every fuzz target from the repository's
own files into fuzz/work/seeds/<target>/ (then `fuzz/run.sh cmin` minimises
them into fuzz/corpus/<target>/, which is what is committed).

- parse_check, fmt_roundtrip: every .cairn file of the repository;
- case_eval: the golden cases and the case corpus (JSON, and each JSON line
  of the cohort files);
- evaluator_agreement: choice strings for the generator (deterministic);
- lsp_messages: sessions in the shape of tests/it/lsp.rs, one message per
  line: open, hover, completion (also after non-ASCII text), definition,
  references, symbols, formatting, incremental edits, close.
"""
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "work" / "seeds"
SKIP = {"target", "node_modules", "fuzz", ".git"}


def files(pattern):
    for p in sorted(ROOT.rglob(pattern)):
        if not SKIP.intersection(p.relative_to(ROOT).parts):
            yield p


def put(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def main():
    for i, p in enumerate(files("*.cairn")):
        for t in ("parse_check", "fmt_roundtrip"):
            put(t, f"{i:03}-{p.name}", p.read_bytes())
    n = 0
    for p in list(files("*.json")):
        if "cases" in p.parts or "corpus" in p.parts:
            put("case_eval", f"{n:03}-{p.name}", p.read_bytes())
            n += 1
    for p in files("*.jsonl"):
        for line in p.read_bytes().splitlines():
            put("case_eval", f"{n:03}-line", line)
            n += 1
    rng = random.Random(10)
    for i in range(64):
        put("evaluator_agreement", f"{i:03}", bytes(rng.randrange(256) for _ in range(rng.randrange(16, 160))))
    sample = (ROOT / "editors" / "samples" / "sarcoma.cairn").read_text()
    uri = "file:///tmp/cairn-fuzz/sample.cairn"
    lines = sample.split("\n")

    def msg(method, params, id=None):
        m = {"jsonrpc": "2.0", "method": method, "params": params}
        if id is not None:
            m["id"] = id
        return json.dumps(m, ensure_ascii=False)

    def at(line, col):
        return {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}}

    opened = msg("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "cairn", "version": 1, "text": sample}})
    session = [opened]
    for k, method in enumerate(["textDocument/hover", "textDocument/definition", "textDocument/completion"]):
        for line in range(0, len(lines), 9):
            session.append(msg(method, at(line, 6), id=100 * k + line))
    refs = dict(at(5, 6), context={"includeDeclaration": True})
    session.append(msg("textDocument/references", refs, id=900))
    session.append(msg("textDocument/documentSymbol", {"textDocument": {"uri": uri}}, id=901))
    session.append(msg("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}}, id=902))
    put("lsp_messages", "session", "\n".join(session) + "\n")
    # Edits: typing a definition, then completion after `=`, `≠` and `in {`
    # (after non-ASCII text: fuzz/regressions/lsp_messages/multibyte-completion).
    edits = [opened]
    for v, text in enumerate(["define fur = ", "x != ", "y in {", "\"u", "}\n"]):
        end = {"line": len(lines) - 1, "character": 0}
        edits.append(msg("textDocument/didChange", {"textDocument": {"uri": uri, "version": v + 2},
                          "contentChanges": [{"range": {"start": end, "end": end}, "text": text}]}))
        edits.append(msg("textDocument/completion", at(len(lines) - 1, 4 + 2 * v), id=v))
    edits.append(msg("textDocument/didChange", {"textDocument": {"uri": uri, "version": 99}, "contentChanges": [{"text": "guideline x {"}]}))
    edits.append(msg("textDocument/hover", at(0, 3), id=50))
    edits.append(msg("textDocument/didClose", {"textDocument": {"uri": uri}}))
    edits.append(msg("textDocument/hover", at(0, 3), id=51))
    put("lsp_messages", "edits", "\n".join(edits) + "\n")
    small = "guideline g { title \"G\" version \"1.0.0\" status draft }\nfact a \"A\": bool\nsuggest r { when a statement \"R\" }\n"
    two = [msg("textDocument/didOpen", {"textDocument": {"uri": "file:///tmp/cairn-fuzz/main.cairn", "languageId": "cairn", "version": 1,
                                                         "text": "include \"part.cairn\"\n" + small}}),
           msg("textDocument/didOpen", {"textDocument": {"uri": "file:///tmp/cairn-fuzz/part.cairn", "languageId": "cairn", "version": 1,
                                                         "text": "fact b \"B\": bool\n"}}),
           msg("textDocument/hover", {"textDocument": {"uri": "file:///tmp/cairn-fuzz/main.cairn"}, "position": {"line": 3, "character": 24}}, id=1),
           msg("unknown/method", {}, id=2),
           msg("shutdown", None, id=3),
           msg("textDocument/hover", at(0, 0), id=4)]
    put("lsp_messages", "includes", "\n".join(two) + "\n")


if __name__ == "__main__":
    main()
