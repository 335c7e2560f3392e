"""Bigger content packs for the load benchmark: `scale` renamed copies of a pack, written as files the loader accepts.

Each copy repeats the whole source document and every topic and timeline event. The loader's rules shape how:

* every block must start at a line of its own, so each copy's heading lines get the copy number appended and
  the first paragraph of each block without a heading gets a `[k] ` marker in front (quotes are checked as
  substrings of a paragraph, so they still match);
* ids are unique, so every topic and event id gets `-c<k>` (and `related`, `parent`, `topic` follow);
* a scope holds at most 100 commands, so each copy keeps one command, its first: the copy's other topics
  become that command's parts (at most 25 per command), which is how a pack of 100 copies stays one valid pack.

The texts, quotes and paragraph structure stay the same, so the loader does the same work per topic as for the
shipped pack; only the count grows.

Past 100 copies no valid pack can hold them (100 commands of 25 parts each). `beyond_discord=True` builds one
anyway: it breaks the 100-command limit and nothing else, so loading it does all the work of a valid pack and
then reports that one problem. That is how the loader is measured at 1000x.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml

from bot import limits
from bot.content.source import normalise

Dumper: Final[type[yaml.SafeDumper]] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
Loader: Final[type[yaml.SafeLoader]] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def _write(path: Path, data: Any) -> None:
    path.write_text(yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _copy_source(text: str, headings: set[str], starts: list[str], copy: int) -> list[str]:
    out = []
    for line in text.splitlines():
        normal = normalise(line)
        if normal and normal in headings:
            out.append(f"{line.rstrip()} {copy}")
        elif normal and any(normal.startswith(s) for s in starts):
            out.append(f"[{copy}] {line}")
        else:
            out.append(line)
    return out


def _copy_topics(topics: list[dict[str, Any]], copy: int) -> list[dict[str, Any]]:
    def renamed(topic_id: str) -> str:
        return f"{topic_id}-c{copy}"

    hub = next(t for t in topics if t.get("command"))
    out = []
    labels: set[str] = set()
    for original in topics:
        topic = dict(original)
        topic["id"] = renamed(topic["id"])
        block = dict(topic["block"])
        if "heading" in block:
            block["heading"] = f"{block['heading']} {copy}"
        else:
            block["starts"] = f"[{copy}] {block['starts']}"
        topic["block"] = block
        topic["related"] = [renamed(r) for r in topic.get("related") or []]
        if original is hub:
            topic["command"] = f"{hub['command']}-{copy}"[: limits.COMMAND_NAME]
            topic["option"] = {"name": "part", "description": "Which part of this copy to show"}
        else:
            for key in ("command", "option", "parent", "choice"):
                topic.pop(key, None)
            topic["parent"] = renamed(hub["id"])
            label = str(topic["short"])
            while label.lower() in labels:
                label += "+"
            labels.add(label.lower())
            topic["choice"] = label
        out.append(topic)
    return out


def generate_pack(source: Path, dest: Path, scale: int, *, beyond_discord: bool = False) -> Path:
    """Write `scale` copies of the pack in `source` into `dest` (which must be empty or absent); return `dest`."""
    if scale < 1 or (scale > limits.COMMANDS_PER_SCOPE and not beyond_discord):
        raise ValueError(f"scale must be 1..{limits.COMMANDS_PER_SCOPE}: each copy keeps one command")
    pack = _read(source / "pack.yaml")
    topics = [_read(path) for path in sorted((source / "topics").glob("*.yaml"))]
    if len(topics) - 1 > limits.OPTION_CHOICES:
        raise ValueError(f"a copy's topics must fit as the parts of one command ({limits.OPTION_CHOICES})")
    events = _read(source / "timeline.yaml")["events"]
    text = (source / pack["source"]["file"]).read_text(encoding="utf-8")
    headings = {normalise(t["block"]["heading"]) for t in topics if "heading" in t["block"]}
    starts = [normalise(t["block"]["starts"]) for t in topics if "starts" in t["block"]]

    (dest / "topics").mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    all_events: list[dict[str, Any]] = []
    for copy in range(scale):
        lines += _copy_source(text, headings, starts, copy)
        for topic in _copy_topics(topics, copy):
            _write(dest / "topics" / f"{topic['id']}.yaml", topic)
        all_events += [{**e, "id": f"{e['id']}-c{copy}", "topic": f"{e['topic']}-c{copy}"} for e in events]
    source_file = dest / pack["source"]["file"]
    source_file.parent.mkdir(parents=True, exist_ok=True)
    source_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _write(dest / "timeline.yaml", {"events": all_events})
    _write(dest / "pack.yaml", pack)
    return dest
