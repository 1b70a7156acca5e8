"""A Hugging Face causal LM behind the interface the trainer uses for its tiny LM: model(ids) → logits,
hidden(ids) → last hidden states, head_logits(h), head_weight(). Loaded from a local folder (its own tokenizer
encodes the pairs) or built from a config ('gpt2-config': GPT-2 small with random weights, over the task's
word-level vocabulary, since no tokenizer can be downloaded). With lora_rank > 0 only LoRA adapters of that
rank are trained (peft), as in the paper (rank 64); the gradients a, b are then over the adapters alone."""
import os

import torch
import torch.nn as nn

from ml_request import model_of

# Models built from a config with random weights (no hub is reached): the architecture is what matters for the
# measurements. gpt2-config is GPT-2 small (12 layers, d 768, vocab 50257, tied head); llama-1b-config has
# Llama 3.2 1B's shape (16 layers, d 2048, 32 heads over 8 key-value heads, SwiGLU 8192, vocab 128256, tied
# head; 1.24B parameters), for the GPU check of ml_ghost at the paper's kind of model.
CONFIGS = {
    "gpt2-config": ("gpt2", {}),
    "llama-1b-config": ("llama", {"hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16,
                                  "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
                                  "max_position_embeddings": 2048, "tie_word_embeddings": True, "rope_theta": 500000.0}),
}


class HFCausal(nn.Module):
    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def forward(self, ids):
        return self.lm(input_ids=ids).logits

    def hidden(self, ids):
        return self.lm(input_ids=ids, output_hidden_states=True).hidden_states[-1]

    def head_weight(self):
        return self.lm.get_output_embeddings().weight

    def head_logits(self, h):
        return self.lm.get_output_embeddings()(h)


class TokenizerCodec:
    """Encodes pairs with a pretrained model's own tokenizer; the prompt and each response are tokenised
    apart so that the response mask is exact."""

    def __init__(self, tok):
        self.tok = tok

    def encode(self, text):
        return self.tok(" " + text, add_special_tokens=False)["input_ids"]

    def prompt_ids(self, text):
        bos = [self.tok.bos_token_id] if self.tok.bos_token_id is not None else []
        return bos + self.tok(text + "\n", add_special_tokens=False)["input_ids"]

    def word(self, i):
        return self.tok.convert_ids_to_tokens(int(i))

    @property
    def itos(self):
        return range(len(self.tok))


def codec(model_req):
    """The local model's own tokenizer (TokenizerCodec), or None where the task's word-level vocabulary is used.
    model_req: an ml_request.Model or the request's `model` object."""
    name = model_of(model_req).name_or_path
    if name in CONFIGS:
        return None
    if not os.path.isdir(name):
        raise FileNotFoundError(f"--model {name!r} is neither a known config ({', '.join(CONFIGS)}) nor a local folder "
                                "(no model hub is reached: give a folder that from_pretrained can read)")
    from transformers import AutoTokenizer
    return TokenizerCodec(AutoTokenizer.from_pretrained(name, local_files_only=True))


def build(model_req, vocab_size, dtype, device):
    """The wrapped module. Raises ImportError when transformers (or peft, for LoRA) is missing. Attention is the
    eager implementation: fused attention kernels have no vmap batching rule and would fall back to a loop."""
    from transformers import AutoConfig, AutoModelForCausalLM

    model_req = model_of(model_req)
    name = model_req.name_or_path
    if name in CONFIGS:
        kind, shape = CONFIGS[name]
        config = AutoConfig.for_model(kind, **shape)
        if vocab_size > config.vocab_size:
            raise ValueError(f"the task has {vocab_size} words, more than {name}'s vocabulary of {config.vocab_size}")
        with torch.device(device):  # initialised where it runs (a 1B model's CPU initialisation takes minutes)
            lm = AutoModelForCausalLM.from_config(config, attn_implementation="eager")
    else:
        lm = AutoModelForCausalLM.from_pretrained(name, local_files_only=True, attn_implementation="eager")
    return wrap(lm, int(model_req.lora_rank), dtype, device)


def wrap(lm, rank, dtype, device):
    """A transformers causal LM as HFCausal: no cache, no pad id, LoRA adapters of `rank` (peft's default target
    modules for the architecture) when rank > 0, eval mode."""
    lm.config.use_cache = False
    # Padding sits behind the causal mask and outside the response mask. With a pad id set, the model checks
    # the ids for padding on every call, a data-dependent branch that vmap cannot trace.
    lm.config.pad_token_id = None
    if rank > 0:
        from peft import LoraConfig, get_peft_model
        lm = get_peft_model(lm, LoraConfig(r=rank, lora_alpha=rank, lora_dropout=0.0, init_lora_weights=True))
    # No dropout: the measured gradients and the observed changes must come from one deterministic function.
    lm.eval()
    return HFCausal(lm).to(device=device, dtype=dtype)
