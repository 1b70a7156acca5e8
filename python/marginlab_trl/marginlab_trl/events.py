"""marginlab protocol events (docs/trainer-protocol.md; schema src/trainer/protocol/schema.ts), one JSON object
a line, so that `marginlab ingest EVENTS --trl-config CONFIG --out RUN` makes the same run folder the built-in
trainer's events make; the config beside them is the trainer's own arguments (TrainingArguments.to_json_string)."""
import json
import math

PROTOCOL = 1


def config_path(out):
    stem = out[:-len(".jsonl")] if out.endswith(".jsonl") else out
    return stem + ".trl-config.json"


class EventWriter:
    def __init__(self, out):
        self.out = out
        self.f = open(out, "w", encoding="utf-8")

    def emit(self, event, **fields):
        # JSON has no NaN; the zod schema would refuse it, so a non-finite value is a bug worth seeing here.
        for k, v in fields.items():
            if isinstance(v, float) and not math.isfinite(v):
                raise ValueError(f"marginlab event {event}: {k} is {v}")
        self.f.write(json.dumps({"v": PROTOCOL, "event": event, **fields}) + "\n")
        self.f.flush()

    def write_config(self, args):
        with open(config_path(self.out), "w", encoding="utf-8") as f:
            f.write(args.to_json_string())

    def close(self):
        self.f.close()
