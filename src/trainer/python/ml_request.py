"""The request line (docs/trainer-protocol.md, "Request"), read once into dataclasses that hold every default of
the reference trainer in one place. marginlab always sends every field (src/trainer/request.ts builds them from
its DEFAULT_SETTINGS); the defaults here are for requests written by hand, and test/trainer/request.test.ts
checks that they equal the TypeScript ones, so that a hand-written request trains what `marginlab train` would.
Imports no torch."""
import dataclasses
from dataclasses import dataclass, field

from ml_protocol import PROTOCOL

REQUIRED = ("task", "loss", "seed", "steps", "lr")
VARIANTS = ("none", "adaptive", "masked-first-diff", "masked-diff-only", "projected")
GRAM_METHODS = ("vmap", "ghost", "auto")
ENGINES = ("marginlab", "trl")


class RequestError(Exception):
    """A request the trainer refuses: a protocol error code, its message and the exit status."""

    def __init__(self, code, message, exit_code=2):
        super().__init__(message)
        self.code, self.message, self.exit_code = code, message, exit_code


@dataclass(frozen=True)
class Task:
    kind: str  # "single" | "short" | "long" (section 4.2) | "file"
    pairs: int = 512  # statements generated for a sentiment task (optional in the schema, so only here)
    path: str = ""  # the JSONL file of a "file" task


@dataclass(frozen=True)
class Model:
    kind: str = "tiny"  # the built-in TinyLM, or "hf"
    d_model: int = 32
    layers: int = 2
    heads: int = 2
    name_or_path: str = ""  # hf: a local folder, or a config name (ml_hf.CONFIGS)
    lora_rank: int = 64  # hf: rank-r LoRA adapters (peft), the paper's r = 64 (appendix C.2); 0 trains every weight

    @property
    def is_hf(self):
        return self.kind == "hf"


@dataclass(frozen=True)
class Measure:
    # How the per-pair Gram is measured: per-example gradients by vmap, ghost products (ml_ghost), or auto (ghost
    # where it covers every trained parameter, else vmap). A boolean (requests before --gram) means vmap.
    gram: str = "auto"
    token_cosine: bool = True


@dataclass(frozen=True)
class Request:
    task: Task
    loss: dict  # {python, entry, params, …}: the generated loss (ml_loss)
    seed: int
    steps: int
    lr: float
    device: str = "cpu"
    dtype: str = "float64"
    batch_size: int = 8
    log_every: int = 1
    sft_steps: int = 100
    sft_lr: float = 3e-3
    sft_batch: int = 32  # pairs per SFT step (not in the schema: the trainer's own choice)
    heartbeat_s: float = 2.0
    model: Model = field(default_factory=Model)
    measure: Measure = field(default_factory=Measure)
    predict: str = "conditions"
    variant: str = "none"
    heldout_pairs: int = 64
    eval_every: int = 0
    checks: tuple = ()
    engine: str = "marginlab"  # who runs the preference-optimisation loop: this trainer, or TRL's DPOTrainer (ml_trl)


def _sub(cls, obj, what):
    if not isinstance(obj, dict):
        raise RequestError("E_PROTOCOL", f"request field '{what}' must be an object")
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in obj.items() if k in names})


def model_of(obj):
    """A Model from the request's `model` object (or a Model already)."""
    return obj if isinstance(obj, Model) else _sub(Model, obj, "model")


def parse(obj):
    """The request line's object → Request, or RequestError. Fields the trainer does not know are ignored
    (the protocol lets either side add fields)."""
    if not isinstance(obj, dict) or obj.get("type") != "request":
        raise RequestError("E_PROTOCOL", "the first line must be a request object")
    if obj.get("v") != PROTOCOL:
        raise RequestError("E_PROTOCOL_VERSION", f"request speaks protocol {obj.get('v')!r}; this trainer speaks {PROTOCOL}")
    for k in REQUIRED:
        if k not in obj:
            raise RequestError("E_PROTOCOL", f"request lacks '{k}'")
    names = {f.name for f in dataclasses.fields(Request)}
    fields = {k: v for k, v in obj.items() if k in names}
    task = _sub(Task, fields["task"], "task")
    if "kind" not in fields["task"]:
        raise RequestError("E_PROTOCOL", "request field 'task' lacks 'kind'")
    measure = _sub(Measure, fields.get("measure", {}), "measure")
    if isinstance(measure.gram, bool):
        measure = dataclasses.replace(measure, gram="vmap")
    fields.update(task=task, model=model_of(fields.get("model", {})), measure=measure, checks=tuple(fields.get("checks", ())))
    req = Request(**fields)
    if req.variant not in VARIANTS:
        raise RequestError("E_PROTOCOL", f"unknown variant {req.variant!r}; this trainer knows {', '.join(VARIANTS)}")
    if req.engine not in ENGINES:
        raise RequestError("E_PROTOCOL", f"unknown engine {req.engine!r}; this trainer knows {', '.join(ENGINES)}")
    if req.measure.gram not in GRAM_METHODS:
        raise RequestError("E_PROTOCOL", f"unknown gram method {req.measure.gram!r}; this trainer knows {', '.join(GRAM_METHODS)}")
    return req


def defaults():
    """Every default, under the request's own field names, for the test against the TypeScript defaults:
    {"required": [...], "request": {field: default}, "tiny": {...}, "hf": {...}}. (Task.pairs has no
    counterpart: the schema makes it optional and marginlab never sends it.)"""
    req = {f.name: (f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default)
           for f in dataclasses.fields(Request) if f.name not in REQUIRED}
    req = {k: (dataclasses.asdict(v) if dataclasses.is_dataclass(v) else list(v) if isinstance(v, tuple) else v)
           for k, v in req.items()}
    model = req.pop("model")
    tiny = {k: model[k] for k in ("kind", "d_model", "layers", "heads")}
    hf = {k: model[k] for k in ("lora_rank",)}
    return {"required": list(REQUIRED), "request": req, "tiny": tiny, "hf": hf}
